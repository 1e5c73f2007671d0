"""The shape every research question has: parameters -> inputs -> analysis -> claims + estimates.

A question is a subpackage ``inflresearch.questions.<name>`` (copy ``questions/_template/``):

- ``__init__.py`` defines ``QUESTION``, a `Question` (its notebook, claims, and which notebook
  parameter reads which table); it imports nothing heavy, so `discover` stays cheap;
- ``notebook.py`` holds the four hooks, checked by `discover`: ``Parameters`` (a
  `NotebookParameters` model declaring every parameter of the notebook's ``parameters`` cell
  once, with the cell's types and defaults), ``notebook_params(namespace=None, **given)`` (the one
  validating call), ``load_inputs(p)`` (through `load_tables`) and ``run_analysis(inputs, p)``
  returning an `Analysis`;
- ``words.py`` holds ``SENTENCES``: per claim id, the function writing its key-findings sentence.

`discover` finds every question (folders starting with ``_``, such as the template, are not
questions), so tests, plans and the CLI list none of them by hand.

Example:
    >>> "roi" in [q.name for q in discover()]
    True
    >>> find("roi").inputs["data"]
    'campaigns'
    >>> find("engagement").needs[1].columns
    ('engagements', 'engagement_rate', 'avg_likes', 'likes')
"""

from __future__ import annotations

import ast
import functools
import importlib
import os
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Self

import pandas as pd
from IPython.display import Markdown
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from inflresearch.claims import Claim, adjust_holm
from inflresearch.data.load import LoadResult, read_table
from inflresearch.errors import quote
from inflresearch.paths import project_root
from inflresearch.runs import data_record, dataset_record
from inflresearch.text import md_escape

HOOKS = ("Parameters", "notebook_params", "load_inputs", "run_analysis")  # in <question>/notebook.py


class HalfBuiltQuestion(ImportError):
    """A question folder that does not (yet) have the shape `discover` checks."""


@dataclass(frozen=True)
class Need:
    """One column a notebook needs: any of `columns`, non-empty, in any given input of `inputs`.

    `inputs` are notebook parameters (``Question.inputs``); a need whose inputs are all absent
    does not apply (the notebook reports the claims that need them as not testable). `what` is
    how the message names the need.

    Example:
        >>> Need(("data",), ("followers",), "follower count").what
        'follower count'
    """

    inputs: tuple[str, ...]
    columns: tuple[str, ...]
    what: str


@dataclass(frozen=True)
class Question:
    """One research question, as the pipeline sees it.

    `inputs` maps each notebook parameter that names an input file to the table it reads (the
    first entry is the main input); `needs` are the contract columns the notebook cannot do
    without and `min_rows` the fewest usable rows per input parameter (both checked by the
    pre-flight before any kernel starts); `sufficient` the inputs any one of which lets the
    notebook run (default: the main input); `tested_by` the inputs its claims are tested on
    (default: `main_inputs`; `analyze` runs a notebook only on those); `mappings` names, per input
    parameter, the parameter holding its column mapping; `small_parameters` are fast settings for
    the tests. The hooks (`parameters`, `load`, `analyse`, `sentences`) are read from the
    question's ``notebook.py`` and ``words.py`` when first asked for.

    Example:
        >>> q = find("roi")
        >>> q.parameters.__name__, q.load.__name__, q.analyse.__name__
        ('Parameters', 'load_inputs', 'run_analysis')
        >>> sorted(q.sentences) == sorted(q.claims)
        True
    """

    name: str
    title: str
    notebook: str
    claims: tuple[str, ...]
    inputs: Mapping[str, str]
    needs: tuple[Need, ...] = ()
    sufficient: tuple[str, ...] = ()
    tested_by: tuple[str, ...] = ()
    min_rows: Mapping[str, int] = field(default_factory=dict)
    mappings: Mapping[str, str] = field(default_factory=dict)
    small_parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def main_inputs(self) -> tuple[str, ...]:
        """The inputs any one of which lets the notebook run (`sufficient`, else the main one)."""
        return self.sufficient or tuple(self.inputs)[:1]

    @property
    def claim_inputs(self) -> tuple[str, ...]:
        """The inputs the claims are tested on (`tested_by`, else `main_inputs`)."""
        return self.tested_by or self.main_inputs

    @property
    def path(self) -> Path:
        """The notebook file."""
        return project_root() / self.notebook

    @property
    def stem(self) -> str:
        """The notebook's name without folder and suffix (``01_engagement_vs_followers``)."""
        return Path(self.notebook).stem

    @property
    def package(self) -> str:
        """The question's subpackage: ``inflresearch.questions.<name>``."""
        return f"{__package__}.{self.name}"

    def module(self) -> ModuleType:
        """The question's ``notebook.py`` (imported on first use: it imports the estimators)."""
        return importlib.import_module(f"{self.package}.notebook")

    @property
    def parameters(self) -> type[NotebookParameters]:
        """The parameters model: the notebook's ``parameters`` cell, declared once."""
        model: type[NotebookParameters] = self.module().Parameters
        return model

    @property
    def params(self) -> Callable[..., Any]:
        """The one validating call: ``params(namespace=None, **given)`` -> the coerced parameters."""
        hook: Callable[..., Any] = self.module().notebook_params
        return hook

    @property
    def load(self) -> Callable[[Any], Inputs]:
        """``load(p)`` -> `Inputs`, through `load_tables`."""
        hook: Callable[[Any], Inputs] = self.module().load_inputs
        return hook

    @property
    def analyse(self) -> Callable[[Inputs, Any], Analysis]:
        """``analyse(inputs, p)`` -> the question's `Analysis`."""
        hook: Callable[[Inputs, Any], Analysis] = self.module().run_analysis
        return hook

    @property
    def sentences(self) -> Mapping[str, Callable[[Claim], str]]:
        """Per claim id, the function writing its key-findings sentence (``words.SENTENCES``)."""
        words: Mapping[str, Callable[[Claim], str]] = importlib.import_module(f"{self.package}.words").SENTENCES
        return words


def _top_level_names(path: Path) -> frozenset[str]:
    """The classes, functions and assignments at the top level of a Python file (not imported);
    parsed once per version of the file (`discover` runs on every findings page and plan)."""
    stat = path.stat()
    return _names_in(str(path), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=64)
def _names_in(path: str, mtime_ns: int, size: int) -> frozenset[str]:
    tree = ast.parse(Path(path).read_text(encoding="utf-8"), filename=path)
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
    return frozenset(names)


def check_question(name: str, folder: Path) -> Question:
    """The `Question` of the package in `folder`, checked like Kedro's ``find_pipelines`` checks
    ``create_pipeline``: a half-built question raises `HalfBuiltQuestion` saying what is missing.

    Example:
        >>> import inflresearch.questions as qs
        >>> check_question("_template", Path(qs.__path__[0]) / "_template").notebook
        'notebooks/_template.ipynb'
    """
    where = f"question {name!r} ({folder})"
    module = importlib.import_module(f"{__package__}.{name}")
    question = getattr(module, "QUESTION", None)
    if not isinstance(question, Question):
        raise HalfBuiltQuestion(f"{where}: __init__.py must define QUESTION = Question(...)")
    if question.name != name:
        raise HalfBuiltQuestion(f"{where}: QUESTION.name is {question.name!r}; it must be the folder's name")
    missing = [f"{file}: {', '.join(names)}" for file, names in (
        ("notebook.py", [h for h in HOOKS if (folder / "notebook.py").is_file()
                         and h not in _top_level_names(folder / "notebook.py")]
         if (folder / "notebook.py").is_file() else list(HOOKS)),
        ("words.py", [] if (folder / "words.py").is_file()
         and "SENTENCES" in _top_level_names(folder / "words.py") else ["SENTENCES"]),
    ) if names]
    if missing:
        raise HalfBuiltQuestion(f"{where} is half-built: missing {'; '.join(missing)} "
                                "(copy questions/_template/ for the shape)")
    if not question.path.is_file():
        raise HalfBuiltQuestion(f"{where}: its notebook {question.notebook} does not exist")
    worded = set(importlib.import_module(f"{__package__}.{name}.words").SENTENCES)
    if worded != set(question.claims):
        raise HalfBuiltQuestion(f"{where}: words.SENTENCES covers {sorted(worded)} but QUESTION.claims "
                                f"is {sorted(question.claims)}: one sentence per claim")
    return question


def discover() -> list[Question]:
    """Every question package under `inflresearch.questions`, checked, in notebook order.

    Folders whose name starts with ``_`` (the template) are not questions.
    """
    import inflresearch.questions as package

    found = [check_question(info.name, Path(package.__path__[0]) / info.name)
             for info in pkgutil.iter_modules(package.__path__)
             if info.ispkg and not info.name.startswith("_")]
    return sorted(found, key=lambda q: q.notebook)


def find(name: str) -> Question:
    """The question called `name`, or the one whose notebook is `name` (a path or a stem)."""
    for q in discover():
        if name in (q.name, q.stem, q.notebook) or Path(name).stem == q.stem:
            return q
    raise KeyError(f"no research question {name!r}; known: {', '.join(q.name for q in discover())}")


class NotebookParameters(BaseModel):
    """A notebook's ``parameters`` cell as a model: one field per parameter, with the cell's type
    and default (a test checks that the two agree). Unknown names and values of the wrong type
    are refused with one ``ValueError`` naming the parameter; the question's ``notebook_params``
    then coerces the values (paths, ranges, presets) into its typed parameters.

    Example:
        >>> class P(NotebookParameters):
        ...     alpha: float = 0.05
        ...     data: str | None = "sample"
        >>> P.read({"alpha": "0.1", "unrelated": 1}).alpha
        0.1
        >>> P.read(alfa=0.1)
        Traceback (most recent call last):
        ...
        ValueError: unknown parameter 'alfa'; the notebook takes alpha, data
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _paths_as_text(cls, values: Any) -> Any:
        """A path given from Python is its text, as papermill would inject it."""
        if isinstance(values, Mapping):
            return {k: os.fspath(v) if isinstance(v, os.PathLike) else v for k, v in values.items()}
        return values

    @classmethod
    def read(cls, namespace: Mapping[str, Any] | None = None, /, **given: Any) -> Self:
        """The parameters found in `namespace` (a notebook's ``globals()``; other names in it are
        ignored), overridden by `given` (where unknown names are refused)."""
        values = {k: v for k, v in (namespace or {}).items() if k in cls.model_fields}
        unknown = sorted(set(given) - set(cls.model_fields))
        if unknown:
            raise ValueError(f"unknown parameter{'s' * (len(unknown) > 1)} "
                             f"{', '.join(quote(u) for u in unknown)}; the notebook takes "
                             f"{', '.join(cls.model_fields)}")
        try:
            return cls.model_validate({**values, **given})
        except ValidationError as exc:
            error = exc.errors()[0]
            name = str(error["loc"][0]) if error["loc"] else "?"
            declared = cls.model_fields[name].annotation if name in cls.model_fields else None
            shown = getattr(declared, "__name__", None) or str(declared).replace("typing.", "")
            raise ValueError(f"parameter {name!r} expects {shown}, got "
                             f"{type(error['input']).__name__} {error['input']!r}") from None


@dataclass(frozen=True)
class Table:
    """One input table to read: its name in `Inputs`, the notebook parameter it comes from, the
    contract table, its files (one read over all of them) and the column mapping.

    Example:
        >>> Table("accounts", "data", "influencers", ()).given
        False
    """

    key: str
    input: str
    table: str
    paths: tuple[Path, ...]
    columns: Mapping[str, str | None] | None = None
    platform: str | None = None

    @property
    def given(self) -> bool:
        """True when the input names at least one file."""
        return bool(self.paths)


@dataclass
class Inputs:
    """The loaded tables of a run (by `Table.key`; None when the input is absent), what the
    loaders returned, provenance records for results.json and one summary line per input.

    A table is also an attribute: ``inputs.accounts is inputs.tables["accounts"]``; `extras` holds
    what a question derives while loading (e.g. a known category).

    Example:
        >>> i = Inputs({"posts": None})
        >>> i.posts is None, i.records
        (True, [])
    """

    tables: dict[str, pd.DataFrame | None]
    results: dict[str, LoadResult] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    summaries: list[str] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)

    def add_file(self, path: Path, rows: int, summary: str) -> None:
        """Record a side file read outside the loaders (e.g. captions joined onto the posts)."""
        self.records.append(data_record(path, rows))
        self.summaries.append(summary)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("tables", "extras"):
            raise AttributeError(name)
        for place in (self.tables, self.extras):
            if name in place:
                return place[name]
        raise AttributeError(f"no input {name!r}; loaded: {', '.join([*self.tables, *self.extras])}")


def load_tables(spec: Sequence[Table], run_dir: Path) -> Inputs:
    """Read every given input of `spec` through the loaders: the only writer of the input
    records and of the quarantine files (``quarantine-<table>.csv`` in `run_dir`).

    One read per input over all its files, so a post or account repeated across files is kept
    once; each file's record counts the rows kept from it.

    Example:
        >>> import tempfile
        >>> from inflresearch.paths import sample_file
        >>> i = load_tables([Table("accounts", "data", "influencers", (sample_file("influencers"),)),
        ...                  Table("posts", "posts", "posts", ())], Path(tempfile.mkdtemp()))
        >>> len(i.accounts), i.posts, i.records[0]["rows"]
        (3000, None, 3000)
    """
    out = Inputs({t.key: None for t in spec})
    for t in spec:
        if not t.given:
            continue
        result = read_table(list(t.paths), t.table, columns=t.columns, platform=t.platform)
        kept = pd.Series(result.row_files).value_counts()
        dataset = dataset_record(result.preset)
        out.records.extend(data_record(path, int(kept.get(path.name, 0)), dataset)
                           for path in t.paths)
        out.summaries.append(f"{', '.join(path.name for path in t.paths)} ({t.table}): {result.summary()}")
        target = result.write_quarantine(run_dir)
        if target is not None:
            out.summaries.append(f"quarantined {t.table} rows written to {target.name}")
        out.tables[t.key], out.results[t.key] = result.data, result
    return out


def banner_lines(simulated: bool, summaries: Sequence[str], *, of: str = "accounts") -> list[str]:
    """The first lines of a notebook's data banner: the SIMULATED label (when the sample is used)
    and one escaped line per loaded input.

    Example:
        >>> banner_lines(True, ["a.csv: kept 3 of 3 rows"])[0][:20]
        '**SIMULATED data**: '
    """
    label = (f"**SIMULATED data**: the bundled sample world generated by `inflresearch.data.synth` "
             f"(known truth, not real {of}).")
    return [label] * simulated + [f"- {md_escape(s)}" for s in summaries]


def absent(reason: str) -> Markdown:
    """What a notebook shows where a table or figure cannot be made, and why.

    `reason` is Markdown written by the package; escape any text from the data in it
    (`inflresearch.text.md_escape`).
    """
    return Markdown(f"*{reason}*")


class Analysis(ABC):
    """A question's analysis: tests its claims, adjusts them once per report, saves results."""

    @abstractmethod
    def tested_claims(self) -> Sequence[Claim]:
        """The claims as tested, before the report's multiplicity adjustment."""

    @abstractmethod
    def estimates(self) -> dict[str, Any]:
        """The key estimates for results.json."""

    def files(self) -> dict[str, pd.DataFrame]:
        """Tables saved as CSV files into the run folder by the notebook's `report` call, by file
        name (none by default)."""
        return {}

    def claims(self) -> list[Claim]:
        """The report's claims, Holm-adjusted across the report (computed once)."""
        cached: list[Claim] | None = self.__dict__.get("_adjusted")
        if cached is None:
            cached = adjust_holm(self.tested_claims())
            self.__dict__["_adjusted"] = cached
        return cached


@dataclass(frozen=True, kw_only=True)
class RunParams:
    """What every question's coerced parameters hold: the notebook (its stem, as results.json
    names it), the run folder, whether any input is the SIMULATED sample, and ``run.inputs`` of
    results.json (`params.input_records`)."""

    notebook: str
    run_dir: Path
    simulated: bool
    inputs: Mapping[str, Any] = field(default_factory=dict)
