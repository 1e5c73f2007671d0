"""Validate a results.json document against the published JSON Schema (results.schema.json).

Example:
    >>> validate_results({"run": {}, "claims": [], "estimates": {}})
    Traceback (most recent call last):
    ...
    ValueError: results.json does not match its schema: 'id' is a required property (at run)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

SCHEMA_FILE = Path(__file__).with_name("results.schema.json")


@cache
def results_schema() -> dict[str, Any]:
    """The results.json schema."""
    return json.loads(SCHEMA_FILE.read_text())


def validate_results(document: dict[str, Any]) -> None:
    """Raise ValueError naming the first violation, if any."""
    validator = jsonschema.Draft202012Validator(results_schema())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if errors:
        first = errors[0]
        where = "/".join(str(p) for p in first.absolute_path) or "top level"
        raise ValueError(f"results.json does not match its schema: {first.message} (at {where})")
