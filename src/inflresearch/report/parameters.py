"""Validate run parameters against a notebook's ``parameters`` cell before any kernel starts.

Each notebook declares the type of every parameter with an annotation in its parameters cell,
``platform: str | None = None  # comment``; the types understood are ``str``, ``int``, ``float``,
``bool``, ``None``, ``list[T]``, ``dict[K, V]``, ``Any`` and unions with ``|``. A parameter without
an annotation takes the type of its default (a ``None`` default then accepts anything). Unknown
names and values of the wrong type are refused with one message naming the parameter; ints are
accepted for floats, and a number given for a text-only parameter is passed as text.

Values after ``-p NAME VALUE`` are YAML for every parameter (``0.1``, ``[5000, null]``, ``null``,
``~``, ``{a: b}``); when the YAML value does not fit but the parameter takes text, the raw text is
used (``-p tiers 123`` gives ``"123"``). Parameter and plan files are read with a YAML loader that
refuses tags (``!!python/...``) and aliases (no alias bombs).

Example:
    >>> check_types({"alpha": 0.05, "data": "sample"}, {"alpha": "0.1"})
    Traceback (most recent call last):
    ...
    ValueError: parameter 'alpha' expects float (default 0.05), got str '0.1'
    >>> from_cli({"platform": None}, [("platform", "~")], {"platform": "str | None"})
    {'platform': None}
"""

from __future__ import annotations

import ast
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from inflresearch import safe_yaml
from inflresearch.errors import quote
from inflresearch.safe_yaml import NestedTooDeep

_SIMPLE: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "list": (list, tuple),
    "dict": (dict,),
}
_ANY = ("Any", "object")


@dataclass(frozen=True)
class Parameter:
    """One entry of a parameters cell: its default and its declared type (None: from the default)."""

    name: str
    default: Any
    annotation: str | None = None


def read_yaml(path: str | Path, what: str) -> Any:
    """The YAML document in `path`; one-line ValueError naming the file when it cannot be read.

    Example:
        >>> read_yaml("no-such.yml", "parameters")
        Traceback (most recent call last):
        ...
        ValueError: no-such.yml: cannot read parameters: no such file
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: cannot read {what}: no such file") from None
    except IsADirectoryError:
        raise ValueError(f"{path}: cannot read {what}: it is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ValueError(f"{path}: cannot read {what}: {reason}") from None
    try:
        return safe_yaml.load(text)
    except NestedTooDeep as exc:
        raise ValueError(f"{path}: cannot read {what}: {exc}") from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise ValueError(f"{path}: cannot read {what}: {reason[:300]}") from None


def _cell_parameters(source: str, notebook: object) -> dict[str, Parameter]:
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ValueError(f"{notebook}: the parameters cell is not valid Python: {exc}") from None
    found: dict[str, Parameter] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            target, annotation, value = node.target.id, ast.unparse(node.annotation), node.value
        elif (
            isinstance(node, ast.Assign)
            and len(node.targets) == 1
            and isinstance(node.targets[0], ast.Name)
        ):
            target, annotation, value = node.targets[0].id, None, node.value
        else:
            continue
        try:
            default = None if value is None else ast.literal_eval(value)
        except ValueError:
            default = None
        found[target] = Parameter(target, default, annotation)
    return found


def notebook_parameters(notebook: str | Path) -> dict[str, Parameter]:
    """The parameters of a notebook's cell tagged ``parameters``, with defaults and types."""
    try:
        document = json.loads(Path(notebook).read_text(encoding="utf-8"))
        cells = document["cells"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{notebook}: not a readable notebook: {exc}") from None
    for cell in cells:
        if "parameters" in (cell.get("metadata", {}).get("tags") or []):
            source = cell.get("source", "")
            return _cell_parameters("".join(source) if isinstance(source, list) else source, notebook)
    raise ValueError(f"{notebook}: no cell tagged 'parameters'")


def notebook_defaults(notebook: str | Path) -> dict[str, Any]:
    """Names and default values of a notebook's ``parameters`` cell."""
    return {name: p.default for name, p in notebook_parameters(notebook).items()}


def notebook_types(notebook: str | Path) -> dict[str, str | None]:
    """Names and declared types (annotation text, or None) of a notebook's parameters."""
    return {name: p.annotation for name, p in notebook_parameters(notebook).items()}


def _parse_type(annotation: str) -> ast.expr:
    try:
        return ast.parse(annotation, mode="eval").body
    except SyntaxError:
        raise ValueError(f"unsupported parameter type {annotation!r}") from None


def _fits(node: ast.expr, value: Any) -> bool:
    """Whether `value` has the type written as the annotation AST `node`."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _fits(node.left, value) or _fits(node.right, value)
    if isinstance(node, ast.Constant) and node.value is None:
        return value is None
    if isinstance(node, ast.Name):
        if node.id in _ANY:
            return True
        if node.id == "None":
            return value is None
        if node.id not in _SIMPLE:
            raise ValueError(f"unsupported parameter type {node.id!r}")
        if isinstance(value, bool) and node.id != "bool":
            return False
        return isinstance(value, _SIMPLE[node.id])
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        args = node.slice.elts if isinstance(node.slice, ast.Tuple) else [node.slice]
        if node.value.id == "list" and len(args) == 1:
            return isinstance(value, list | tuple) and all(_fits(args[0], v) for v in value)
        if node.value.id == "dict" and len(args) == 2:
            return isinstance(value, dict) and all(
                _fits(args[0], k) and _fits(args[1], v) for k, v in value.items()
            )
    raise ValueError(f"unsupported parameter type {ast.unparse(node)!r}")


def _declared(default: Any, annotation: str | None) -> str | None:
    """The type text of a parameter: its annotation, else its default's type (None: anything)."""
    if annotation is not None:
        return annotation
    if default is None:
        return None
    name = type(default).__name__
    return f"{name} | None" if name in _SIMPLE else None


def _normalise(node: ast.expr, value: Any) -> Any:
    """Tuples become lists; ints become floats where only a float (or None) is declared."""
    if isinstance(value, tuple):
        value = list(value)
    text = ast.unparse(node).replace(" ", "")
    if isinstance(value, int) and not isinstance(value, bool) and text in ("float", "float|None"):
        return float(value)
    return value


def _finite(value: Any) -> bool:
    """False when `value` is, or holds, a NaN or infinite float (results.json cannot hold one)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list | tuple):
        return all(_finite(v) for v in value)
    if isinstance(value, dict):
        return all(_finite(v) for v in value.values())
    return True


def check_types(
    defaults: dict[str, Any], given: dict[str, Any], types: dict[str, str | None] | None = None
) -> dict[str, Any]:
    """Refuse unknown names and wrongly typed values; return the parameters to inject."""
    types = types or {}
    unknown = sorted(set(given) - set(defaults))
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {', '.join(quote(u) for u in unknown)}; "
            f"the notebook takes {', '.join(sorted(defaults))}"
        )
    out = {}
    for name, value in given.items():
        if not _finite(value):
            raise ValueError(f"parameter {name!r} must be finite (no NaN or infinity), "
                             f"got {quote(value)}")
        default = defaults[name]
        declared = _declared(default, types.get(name))
        if declared is not None:
            node = _parse_type(declared)
            number = isinstance(value, int | float) and not isinstance(value, bool)
            if number and not _fits(node, value) and _fits(node, str(value)):
                value = str(value)  # a number given for a text parameter, e.g. k: 6
            if not _fits(node, value):
                shown = declared if types.get(name) else type(default).__name__
                raise ValueError(
                    f"parameter {name!r} expects {shown} (default {default!r}), "
                    f"got {type(value).__name__} {quote(value)}"
                )
            value = _normalise(node, value)
        out[name] = value
    return out


def parse_cli_value(text: str) -> Any:
    """A ``-p name value`` value as YAML: ``0.1`` -> float, ``[1, 2]`` -> list, ``null`` -> None."""
    try:
        return safe_yaml.load(text)
    except yaml.YAMLError:
        return text


def validate(notebook: str | Path, given: dict[str, Any]) -> dict[str, Any]:
    """`check_types` against the notebook's own parameters cell."""
    found = notebook_parameters(notebook)
    defaults = {name: p.default for name, p in found.items()}
    return check_types(defaults, given, {name: p.annotation for name, p in found.items()})


def from_cli(
    defaults: dict[str, Any],
    pairs: list[tuple[str, str]],
    types: dict[str, str | None] | None = None,
) -> dict[str, Any]:
    """``-p name value`` pairs parsed as YAML; the raw text where YAML does not fit but text does."""
    types = types or {}
    out: dict[str, Any] = {}
    for name, text in pairs:
        try:
            value = parse_cli_value(text)
        except NestedTooDeep as exc:
            raise ValueError(f"parameter {name!r}: {exc}") from None
        declared = _declared(defaults.get(name), types.get(name)) if name in defaults else None
        if declared is not None and not isinstance(value, str):
            node = _parse_type(declared)
            if not _fits(node, value) and _fits(node, text):
                value = text
        out[name] = value
    return out
