"""Validate run parameters against a notebook's ``parameters`` cell before any kernel starts.

Papermill only warns about unknown names and casts values by appearance; here unknown names and
values of the wrong type are refused with one message naming them. A parameter's type is the type
of its default in the notebook (``None`` defaults accept anything; ints are accepted for floats;
a number given for a text parameter is passed as text, e.g. ``k: 6`` where the default is
``"auto"``: the notebook's own validation then decides; lists, dicts and booleans are refused there).

Example:
    >>> check_types({"alpha": 0.05, "data": "sample"}, {"alpha": "0.1"})
    Traceback (most recent call last):
    ...
    ValueError: parameter 'alpha' expects float (default 0.05), got str '0.1'
"""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any

import papermill
import yaml

_KINDS: dict[type, tuple[type, ...]] = {
    bool: (bool,),
    int: (int,),
    float: (int, float),
    str: (str,),
    list: (list, tuple),
    dict: (dict,),
}


def notebook_defaults(notebook: str | Path) -> dict[str, Any]:
    """Names and default values of a notebook's ``parameters`` cell."""
    found = papermill.inspect_notebook(str(notebook))
    if not found:
        raise ValueError(f"{notebook}: no cell tagged 'parameters'")
    defaults = {}
    for name, info in found.items():
        try:
            defaults[name] = ast.literal_eval(info["default"])
        except (ValueError, SyntaxError):
            defaults[name] = None
    return defaults


def check_types(defaults: dict[str, Any], given: dict[str, Any]) -> dict[str, Any]:
    """Refuse unknown names and wrongly typed values; return the parameters to inject."""
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(map(repr, unknown))}; "
            f"the notebook takes {', '.join(sorted(defaults))}"
        )
    out = {}
    for name, value in given.items():
        default = defaults[name]
        if default is not None and value is not None:
            kinds = _KINDS.get(type(default), (type(default),))
            if type(default) is str and isinstance(value, int | float) and not isinstance(value, bool):
                value = str(value)
            wrong_bool = isinstance(value, bool) and type(default) is not bool
            if wrong_bool or not isinstance(value, kinds):
                raise ValueError(
                    f"parameter {name!r} expects {type(default).__name__} (default {default!r}), "
                    f"got {type(value).__name__} {value!r}"
                )
            if type(default) is float:
                value = float(value)
            if isinstance(value, tuple):
                value = list(value)
        out[name] = value
    return out


def parse_cli_value(text: str) -> Any:
    """A ``-p name value`` value as YAML: ``0.1`` -> float, ``[1, 2]`` -> list, ``null`` -> None."""
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return text


def validate(notebook: str | Path, given: dict[str, Any]) -> dict[str, Any]:
    """`check_types` against the notebook's own parameters cell."""
    return check_types(notebook_defaults(notebook), given)


def from_cli(defaults: dict[str, Any], pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """``-p name value`` pairs parsed as YAML, except that str parameters keep the raw text."""
    out: dict[str, Any] = {}
    for name, text in pairs:
        out[name] = text if isinstance(defaults.get(name), str) else parse_cli_value(text)
    return out
