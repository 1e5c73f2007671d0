"""Coercion and validation of notebook parameters (papermill injects values without casting them).

Each notebook calls one validating helper right after its ``parameters`` cell; those helpers are
built from the small coercers here so that every notebook refuses bad values the same way: one
``ValueError`` naming the parameter and the offending value.

Example:
    >>> coerce_alpha("0.1")
    0.1
    >>> resolve_data("sample", "influencers").name
    'influencers.csv'
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from inflresearch.paths import project_root, sample_dir, sample_file

if TYPE_CHECKING:
    from inflresearch.data.mapping import ColumnMapping


def resolve_data(data: str | Path, table: str) -> Path:
    """The input file: ``"sample"`` is the bundled SIMULATED world's `table`; else an existing path.

    Relative paths are taken from the current directory, then the project root. The error names
    no parameter: callers know which one they resolve and say so once.

    Example:
        >>> resolve_data("no-such.csv", "influencers")
        Traceback (most recent call last):
        ...
        ValueError: no such file or folder: no-such.csv
    """
    if data is None or (isinstance(data, str) and not data.strip()):
        raise ValueError("must be a file path or 'sample'")
    if str(data) == "sample":
        return sample_file(table)
    path = Path(str(data)).expanduser()
    if not path.is_absolute():
        candidates = [Path.cwd() / path, project_root() / path]
        path = next((c for c in candidates if c.exists()), candidates[-1])
    if not path.exists():
        raise ValueError(f"no such file or folder: {data}")
    return path.resolve()


def is_sample(data: str | Path) -> bool:
    """True when the notebook runs on the bundled SIMULATED sample."""
    return str(data) == "sample"


def coerce_alpha(value: Any, name: str = "alpha") -> float:
    """A significance level in (0, 0.5)."""
    alpha = coerce_float(value, name)
    if not 0 < alpha < 0.5:
        raise ValueError(f"parameter {name!r} must be in (0, 0.5), got {value!r}")
    return alpha


def coerce_float(value: Any, name: str) -> float:
    """A finite float (strings like "0.05" accepted)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"parameter {name!r} must be a number, got {value!r}") from None
    if out != out or out in (float("inf"), float("-inf")):
        raise ValueError(f"parameter {name!r} must be finite, got {value!r}")
    return out


def coerce_int(value: Any, name: str, *, minimum: int | None = None) -> int:
    """An integer (a float with no fraction and a numeric string accepted)."""
    if isinstance(value, bool):
        raise ValueError(f"parameter {name!r} must be an integer, got {value!r}")
    try:
        as_float = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"parameter {name!r} must be an integer, got {value!r}") from None
    if not as_float.is_integer():
        raise ValueError(f"parameter {name!r} must be an integer, got {value!r}")
    out = int(as_float)
    if minimum is not None and out < minimum:
        raise ValueError(f"parameter {name!r} must be at least {minimum}, got {value!r}")
    return out


def coerce_choice(value: Any, name: str, choices: Sequence[str]) -> str:
    """One of `choices` (case-insensitive)."""
    text = str(value).strip().lower()
    if text not in choices:
        raise ValueError(f"parameter {name!r} must be one of {', '.join(choices)}; got {value!r}")
    return text


def coerce_optional_str(value: Any, name: str) -> str | None:
    """None / "" / "none" -> None, else the string."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null")):
        return None
    if not isinstance(value, str):
        raise ValueError(f"parameter {name!r} must be text or None, got {value!r}")
    return value


def coerce_str_list(value: Any, name: str) -> list[str]:
    """A list of strings; a single string or comma-separated text is accepted."""
    if value is None:
        return []
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    if isinstance(value, Sequence) and all(isinstance(v, str) for v in value):
        return list(value)
    raise ValueError(f"parameter {name!r} must be a list of names, got {value!r}")


def coerce_run_dir(value: Any, notebook: str) -> Path:
    """The run folder: the one the report pipeline passed, or a new one under reports/."""
    from inflresearch.runs import new_run_dir

    if value is None or str(value).strip() in ("", "None"):
        return new_run_dir(notebook)
    path = Path(str(value))
    path.mkdir(parents=True, exist_ok=True)
    return path


def coerce_optional_data(value: Any, name: str, table: str) -> Path | None:
    """An optional input file: None / "" / "none" -> None, else as `resolve_data`.

    Example:
        >>> coerce_optional_data(None, "posts", "posts") is None
        True
    """
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return None
    try:
        return resolve_data(value, table)
    except ValueError as exc:
        raise ValueError(f"parameter {name!r}: {exc}") from None


def coerce_mapping_file(value: Any, name: str) -> ColumnMapping:
    """The mapping file at path `value` (`inflresearch.data.mapping`); relative paths are found as
    in `resolve_data`. One ``ValueError`` naming the parameter and the file when it is bad."""
    from inflresearch.data.mapping_file import read_mapping
    from inflresearch.errors import DataError

    path = Path(str(value).strip()).expanduser()
    if not path.is_absolute():
        path = next((c for c in (Path.cwd() / path, project_root() / path) if c.exists()), path)
    try:
        return read_mapping(path)
    except DataError as exc:
        raise ValueError(f"parameter {name!r}: {exc}") from None


def coerce_column_map(
    value: Any, name: str = "columns", table: str | None = None
) -> dict[str, str | None] | None:
    """A loader mapping {source column: contract column (None: ignore it)}, or None; a path to a
    mapping file (``.yml`` / ``.yaml``) gives that file's columns (refused when the file is written
    for another `table`).

    Example:
        >>> coerce_column_map({"Followers": "followers"})
        {'Followers': 'followers'}
    """
    from inflresearch.data.mapping import is_mapping_path
    from inflresearch.errors import DataError

    if value is None:
        return None
    if is_mapping_path(value):
        mapping = coerce_mapping_file(value, name)
        try:
            return mapping.columns if table is None else mapping.for_table(table)
        except DataError as exc:
            raise ValueError(f"parameter {name!r}: {exc}") from None
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValueError(
            f"parameter {name!r} must be a dict {{source column: contract column}} or the path of a "
            f"mapping file (.yml), got {value!r}"
        )
    return dict(value)


def _is_absent(value: Any) -> bool:
    return value is None or (isinstance(value, str) and value.strip().lower() in ("", "none", "null"))


def _mentions_sample(value: Any) -> bool:
    items = value if isinstance(value, list | tuple) else [value]
    return any(isinstance(v, str) and is_sample(v) for v in items)


def resolve_inputs(inputs: Sequence[str], given: Mapping[str, Any]) -> dict[str, Any]:
    """Every input explicit or absent: the effective value of each input parameter.

    `inputs` names the notebook's input parameters, main input first (``Question.inputs``).
    A companion input left empty is absent (None), except when the main input is ``"sample"``:
    then it is the SIMULATED sample too. Sample and real inputs are never mixed: one
    ``ValueError`` naming both parameters.

    Example:
        >>> resolve_inputs(["data", "posts"], {"data": "sample", "posts": None})
        {'data': 'sample', 'posts': 'sample'}
        >>> resolve_inputs(["data", "posts"], {"data": "my.csv"})
        {'data': 'my.csv', 'posts': None}
        >>> resolve_inputs(["data", "posts"], {"data": "my.csv", "posts": "sample"})  # doctest: +ELLIPSIS
        Traceback (most recent call last):
        ...
        ValueError: parameter 'posts' is 'sample' (the SIMULATED world) but 'data' is real ...
    """
    names = list(inputs)
    out = {name: None if _is_absent(given.get(name)) else given.get(name) for name in names}
    main = names[0]
    if _mentions_sample(out[main]):
        for name in names[1:]:
            if out[name] is None:
                out[name] = "sample"
    for name in names:
        value: Any = out[name]
        items: list[Any] = list(value) if isinstance(value, list | tuple) else [value]
        if len(items) > 1 and _mentions_sample(items) and not all(
                isinstance(v, str) and is_sample(v) for v in items):
            raise ValueError(f"parameter {name!r} lists 'sample' (the SIMULATED world) with real "
                             f"files: sample and real inputs are never mixed")
    simulated = [n for n in names if out[n] is not None and _mentions_sample(out[n])]
    real = [n for n in names if out[n] is not None and not _mentions_sample(out[n])]
    if simulated and real:
        sim, other = (simulated[0], real[0])
        raise ValueError(
            f"parameter {sim!r} is 'sample' (the SIMULATED world) but {other!r} is real "
            f"({out[other]!r}): sample and real inputs are never mixed; give {sim!r} a file of "
            f"yours or null"
        )
    return out


def _in_sample(path: Path) -> bool:
    """True for a file of the bundled SIMULATED sample folder given by its path."""
    try:
        path.resolve().relative_to(sample_dir(create=False).resolve())
    except ValueError:
        return False
    return True


def input_records(resolved: Mapping[str, Any], tables: Mapping[str, str]) -> dict[str, Any]:
    """The ``run.inputs`` block of results.json: per input parameter, its table, paths and
    whether it is the SIMULATED sample (``"sample"`` or a file of the sample folder; None when
    absent).

    Example:
        >>> input_records({"data": "sample", "posts": None}, {"data": "influencers", "posts": "posts"})
        {'data': {'table': 'influencers', 'paths': ['data/sample/influencers.csv'], 'simulated': True}, 'posts': None}
    """
    out: dict[str, Any] = {}
    for name, table in tables.items():
        value = resolved.get(name)
        if _is_absent(value):
            out[name] = None
            continue
        items = value if isinstance(value, list | tuple) else [value]
        paths = []
        for item in items:
            path = sample_file(table) if is_sample(str(item)) else Path(str(item))
            try:
                paths.append(str(path.resolve().relative_to(project_root())))
            except ValueError:
                paths.append(str(path))
        inside = any(_in_sample(Path(str(item))) for item in items if not is_sample(str(item)))
        out[name] = {"table": table, "paths": paths,
                     "simulated": _mentions_sample(value) or inside}
    return out


def simulated_inputs(run: Mapping[str, Any]) -> list[str]:
    """The input parameters of a results.json ``run`` block that were the SIMULATED sample.

    Reads ``run.inputs`` when the notebook recorded it, else the parameters equal to "sample".

    Example:
        >>> simulated_inputs({"inputs": {"data": {"simulated": True}, "posts": None}})
        ['data']
        >>> simulated_inputs({"parameters": {"data": "x.csv", "posts": "sample"}})
        ['posts']
    """
    inputs = run.get("inputs")
    if isinstance(inputs, Mapping) and inputs:
        return [n for n, r in inputs.items() if isinstance(r, Mapping) and r.get("simulated")]
    parameters = run.get("parameters") or {}
    return sorted(n for n, v in parameters.items() if _mentions_sample(v))
