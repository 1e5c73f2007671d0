"""Defer building the IRI grammar that `jsonschema` loads with its format checkers.

Every process that reads a notebook imports `nbformat`, hence `jsonschema`, whose format module
imports `rfc3987_syntax` eagerly; that package compiles about 35 Lark grammars at import, about
1.5 CPU seconds per process (the CLI, each plan worker, each test process), for the ``iri`` and
``iri-reference`` formats that no notebook or results schema uses. `defer()` puts a stand-in in
its place whose `is_valid_syntax` imports the real package on its first call, so the checkers
still work and only a process that checks an IRI pays for the grammar (the change jsonschema's
issue 1428 asked for upstream).

Example:
    >>> import jsonschema
    >>> checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    >>> checker.conforms("http://example.org/ä", "iri"), checker.conforms("not an iri", "iri")
    (True, False)
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from typing import Any

NAME = "rfc3987_syntax"


def _is_valid_syntax(*args: Any, **kwargs: Any) -> Any:
    """The real `rfc3987_syntax.is_valid_syntax`, imported on the first call."""
    if isinstance(sys.modules.get(NAME), _StandIn):
        del sys.modules[NAME]
    return importlib.import_module(NAME).is_valid_syntax(*args, **kwargs)


class _StandIn(types.ModuleType):
    """`rfc3987_syntax` until something calls it."""


def defer() -> None:
    """Put the stand-in in place unless the package is imported already or not installed."""
    if NAME in sys.modules or importlib.util.find_spec(NAME) is None:
        return
    stand_in = _StandIn(NAME, __doc__)
    stand_in.is_valid_syntax = _is_valid_syntax  # type: ignore[attr-defined]
    sys.modules[NAME] = stand_in
