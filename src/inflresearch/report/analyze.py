"""`inflresearch analyze FILE_OR_FOLDER...`: from raw exports to a findings page in one command.

1. Every table-shaped file under the given paths (the loaders' formats; other files are ignored)
   is *recognised* (`inflresearch.report.file_scan`): its preset when it is a known export, else
   the first of campaigns, posts, influencers that its resolved columns load as. A file that
   loads as none, cannot be read, is a byte-identical copy of another, is not a regular file or
   is a link out of the given folders is listed with the reason, quoting none of its content;
   the others go on.
2. Each research question (`inflresearch.questions.discover`) gets one run per dataset whose
   table is one of the inputs its claims are tested on (`Question.claim_inputs`): each account or
   campaign file alone, the posts files of one folder together. Every other input is given
   explicitly as absent, so nothing simulated ever enters; a question with no such table among
   the files is skipped with its claims listed as not testable. The pre-flight
   (`inflresearch.report.preflight`) decides, before any kernel starts, whether the run can go;
   a run it refuses is listed as skipped, with the reason.
3. The runs are executed as an in-memory plan (`inflresearch.report.plan.run_plan`: parallel,
   cached, findings page and index), and ``analyze.html`` in the plan folder lists the files,
   the runs and the skipped notebooks. ``dry_run`` stops after planning; more planned runs than
   ``max_runs`` are refused before any kernel starts.

Example:
    >>> from inflresearch.paths import sample_file
    >>> recognise(sample_file("campaigns")).table
    'campaigns'
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from inflresearch.atomic import atomic_write_text
from inflresearch.data.contract import TABLES
from inflresearch.data.load import read_table
from inflresearch.data.presets import get_preset
from inflresearch.errors import printable, quote
from inflresearch.questions import Question, discover
from inflresearch.report import parameters as nbparams
from inflresearch.report.datasets import Dataset, dataset_name, mark_same_data, unique_names
from inflresearch.report.file_scan import READ_ERRORS, Progress, Recognised, find_files, recognise, recognise_files
from inflresearch.report.findings import ANALYZE_FILE, PLAN_FILE
from inflresearch.report.index import write_findings
from inflresearch.report.plan import Plan, PlannedRun, PlanResult, run_plan
from inflresearch.report.preflight import load_input, preflight

__all__ = ["AnalyzePlan", "Recognised", "Skipped", "analyze", "check_parameters", "plan_analysis",
           "recognise", "report_lines", "write_page"]

PAGE = "analyze.html"
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
)


@dataclass(frozen=True)
class Skipped:
    """A notebook not run on a file, and why."""

    notebook: str
    file: str
    reason: str


@dataclass
class AnalyzePlan:
    """The recognised files, the runs to execute and the notebooks skipped."""

    files: list[Recognised]
    runs: list[PlannedRun] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    datasets: list[Dataset] = field(default_factory=list)


def _label(path: Path, common: Path | None) -> str:
    """The path relative to the files' common folder (never absolute), control characters escaped."""
    if common is not None:
        try:
            return printable(str(path.relative_to(common)))
        except ValueError:
            pass
    return printable(path.name)


def _common(files: Sequence[Path]) -> Path | None:
    if not files:
        return None
    parents = [set(f.parents) for f in files]
    shared = set.intersection(*parents)
    return max(shared, key=lambda p: len(p.parts)) if shared else None


def _relative(text: str, common: Path | None) -> str:
    """A message with the files' common folder left out (no absolute path) and escaped."""
    if common is not None and common.parts[1:]:
        text = text.replace(f"{common}{os.sep}", "")
    return printable(text)


def check_parameters(parameters: Mapping[str, Any],
                     questions: Sequence[Question] | None = None) -> dict[str, Any]:
    """The extra parameters of `analyze`, refused (one ValueError naming them) when no notebook
    takes a name, when a name is an input (the files decide those) or when a value has the wrong
    type for a notebook that takes it.

    Example:
        >>> check_parameters({"alpah": 0.1})
        Traceback (most recent call last):
        ...
        ValueError: unknown parameter(s) 'alpah'; the notebooks take alpha, ...
    """
    questions = list(questions) if questions is not None else discover()
    found = {q.stem: nbparams.notebook_parameters(q.path) for q in questions}
    inputs = {name for q in questions for name in (*q.inputs, *q.mappings.values())}
    known = {name for params in found.values() for name in params} - inputs - {"run_dir"}
    unknown = sorted(set(parameters) - known)
    if unknown:
        named = ", ".join(quote(u) for u in unknown)
        if set(unknown) <= inputs:
            raise ValueError(f"parameter(s) {named} are set by analyze from the files it is given")
        raise ValueError(f"unknown parameter(s) {named}; the notebooks take {', '.join(sorted(known))}")
    for stem, params in found.items():
        mine = {k: v for k, v in parameters.items() if k in params}
        try:
            nbparams.check_types({n: p.default for n, p in params.items()}, mine,
                                 {n: p.annotation for n, p in params.items()})
        except ValueError as exc:
            raise ValueError(f"notebook {stem}: {exc}") from None
    return dict(parameters)


def plan_analysis(
    paths: Iterable[str | Path],
    *,
    parameters: Mapping[str, Any] | None = None,
    questions: Sequence[Question] | None = None,
    progress: Progress | None = None,
) -> AnalyzePlan:
    """Recognise the files of `paths` and decide, by pre-flight, which notebook runs on which.

    `parameters` are extra notebook parameters applied to every run where the notebook has them
    (e.g. ``{"alpha": 0.1}``); `progress(done, total)` is told of each file recognised.
    """
    questions = list(questions) if questions is not None else discover()
    parameters = check_parameters(parameters or {}, questions)
    found = find_files(paths)
    common = _common(found.files + [f.path for f in found.listed])
    recognised = recognise_files(found.files, progress, label=lambda p: _label(p, common))
    out = AnalyzePlan(files=sorted(recognised + found.listed, key=lambda f: str(f.path)))
    datasets = _datasets(out.files)
    out.datasets = _describe(datasets, out.files, common)
    for question in questions:
        defaults = nbparams.notebook_defaults(question.path)
        extra = {k: v for k, v in (parameters or {}).items() if k in defaults}
        wanted = {question.inputs[p] for p in question.claim_inputs}
        if not any(table in wanted for table, _ in datasets):
            claims = ", ".join(question.claims)
            out.skipped.append(Skipped(question.stem, "any", f"no {' or '.join(sorted(wanted))} "
                                       f"table among the files: {claims} not testable"))
            continue
        for table, group in datasets:
            label = ", ".join(_label(p, common) for p in group)
            slots = [p for p in question.claim_inputs if question.inputs[p] == table]
            if not slots:
                continue
            value: Any = str(group[0]) if len(group) == 1 else [str(p) for p in group]
            given = {name: None for name in question.inputs} | extra | {slots[0]: value}
            check = preflight(question, {**defaults, **given})
            if not check.ok:
                out.skipped.append(Skipped(question.stem, label, _relative(check.message(), common)))
                continue
            out.runs.append(PlannedRun(question.path.resolve(),
                                       nbparams.validate(question.path, given)))
        _plan_with_posts(question, defaults, extra, datasets, out, common)
    return out


def _plan_with_posts(question: Question, defaults: Mapping[str, Any], extra: Mapping[str, Any],
                     datasets: Sequence[tuple[str, list[Path]]], out: AnalyzePlan,
                     common: Path | None) -> None:
    """Runs of a question whose posts are a companion input (notebook 02: the text of an account
    table's posts): each posts dataset with the account table holding largely the same accounts
    (`mark_same_data`) and, when the question takes one, the captions side file next to the posts
    (``<posts name>_captions.*``, as in the Kim 2020 export); without such an account table the
    notebook is listed as skipped on the posts, with the reason."""
    slots = [p for p, table in question.inputs.items() if table == "posts" and p not in question.claim_inputs]
    data = [p for p in question.claim_inputs if question.inputs[p] == "influencers"]
    if not slots or not data:
        return
    by_files = {tuple(d.files): d for d in out.datasets}
    for table, group in datasets:
        if table != "posts":
            continue
        label = ", ".join(_label(p, common) for p in group)
        posts = by_files.get(tuple(_label(p, common) for p in group))
        partner = next((d for d in out.datasets if posts is not None and d.table == "influencers"
                        and d.same_as == posts.id), None)
        if partner is not None and _has_run(out, question, partner):
            out.skipped.append(Skipped(question.stem, label, f"the same accounts' table ({partner.name}) "
                                       "is analysed on its own text"))
            continue
        if partner is None:
            out.skipped.append(Skipped(question.stem, label, "needs an account table beside the posts, "
                                       "and none of the files holds the same accounts: run it with "
                                       "-p data ACCOUNTS -p posts POSTS"))
            continue
        accounts = next(p for t, g in datasets for p in g if _label(p, common) == partner.files[0])
        value: Any = str(group[0]) if len(group) == 1 else [str(p) for p in group]
        given = {name: None for name in question.inputs} | dict(extra) | {data[0]: str(accounts),
                                                                          slots[0]: value}
        captions = _captions(group[0], [f.path for f in out.files])
        if captions is not None and "captions" in defaults:
            given["captions"] = str(captions)
        if "category_column" in defaults and "niche" in load_input(accounts, "influencers").columns:
            given["category_column"] = "niche"  # a known category (Kim's): compared with the niches found
        check = preflight(question, {**defaults, **given})
        if not check.ok:
            out.skipped.append(Skipped(question.stem, label, _relative(check.message(), common)))
            continue
        out.runs.append(PlannedRun(question.path.resolve(), nbparams.validate(question.path, given)))


def _has_run(out: AnalyzePlan, question: Question, dataset: Dataset) -> bool:
    """True when `question` already runs on `dataset` alone (its own text suffices)."""
    return any(r.notebook == question.path.resolve() and
               Path(str(r.parameters.get("data"))).name == Path(dataset.files[0]).name for r in out.runs)


def _captions(posts: Path, files: Sequence[Path]) -> Path | None:
    """The captions side file of a posts file: ``posts_sample_captions.csv.gz`` beside
    ``posts_sample.csv``.

    Example:
        >>> _captions(Path("/d/posts.csv"), [Path("/d/posts.csv"), Path("/d/posts_captions.csv.gz")])
        PosixPath('/d/posts_captions.csv.gz')
    """
    stem = posts.name.split(".")[0]
    return next((f for f in files if f.parent == posts.parent and f.name.startswith(f"{stem}_captions.")),
                None)


def _datasets(files: Sequence[Recognised]) -> list[tuple[str, list[Path]]]:
    """The inputs of the runs: each account or campaign table alone (a list is a snapshot), the
    posts files of one folder and one source together (one scrape split into files; duplicates
    across them are the loaders' to remove). The source is the file's preset (its platform and
    layout), so Instagram posts and TikTok videos in one folder are two datasets, never one
    estimate; files no preset matches form one group per folder.

    Example:
        >>> a, b, c = (Recognised(Path(f"/d/{n}.csv"), "posts", p, 1, "")
        ...            for n, p in (("a", "kim"), ("b", "tiktok"), ("c", "tiktok")))
        >>> [[p.name for p in g] for _, g in _datasets([a, b, c])]
        [['a.csv'], ['b.csv', 'c.csv']]
    """
    out: list[tuple[str, list[Path]]] = []
    posts: dict[tuple[Path, str], list[Path]] = {}
    for f in files:
        if f.table == "posts":
            posts.setdefault((f.path.parent, f.preset or ""), []).append(f.path)
        elif f.table is not None:
            out.append((f.table, [f.path]))
    out += [("posts", group) for group in posts.values()]
    return sorted(out, key=lambda d: str(d[1][0]))


def _describe(datasets: Sequence[tuple[str, list[Path]]], files: Sequence[Recognised],
              common: Path | None) -> list[Dataset]:
    """The datasets named (their preset's title, else their files) with their platform and
    account ids, and the ones holding the same accounts as another marked (`mark_same_data`)."""
    by_path = {f.path: f for f in files}
    out = []
    for i, (table, group) in enumerate(datasets):
        first = by_path[group[0]]
        preset = get_preset(first.preset) if first.preset else None
        labels = [_label(p, common) for p in group]
        accounts: frozenset[str] = frozenset()
        platform = preset.platform if preset is not None else None
        if table in ("influencers", "posts"):
            try:
                data = read_table(group if len(group) > 1 else group[0], table).data
            except READ_ERRORS:
                data = None
            if data is not None:
                accounts = frozenset(data["account_id"].astype(str))
                platforms = data["platform"].dropna().unique() if "platform" in data else []
                platform = platform or (str(platforms[0]) if len(platforms) == 1 else None)
        out.append(Dataset(i, table, labels, dataset_name(preset.title if preset else None, labels),
                           platform, preset.name if preset else None,
                           preset.notes if preset else (), tuple(by_path[p].sha256 for p in group),
                           accounts))
    return mark_same_data(unique_names(out))


def analyze(
    paths: Iterable[str | Path],
    *,
    root: str | Path | None = None,
    workers: int | None = None,
    force: bool = False,
    parameters: Mapping[str, Any] | None = None,
    name: str = "analyze",
    progress: Progress | None = None,
    dry_run: bool = False,
    max_runs: int | None = None,
) -> tuple[AnalyzePlan, PlanResult | None]:
    """Plan and execute the analysis of `paths`; the plan result is None when nothing can run
    or `dry_run` asks for the plan only. Otherwise more planned runs than `max_runs` (None: no
    cap) raise `TooManyRuns`, carrying the plan, before any kernel starts.

    Usage: ``planned, result = analyze(["data/raw"])``; ``result.findings`` is the findings page
    (``reports/<UTC timestamp>-plan-analyze/findings.html``).
    """
    planned = plan_analysis(paths, parameters=parameters, progress=progress)
    if dry_run or not planned.runs:
        return planned, None
    if max_runs is not None and len(planned.runs) > max_runs:
        raise TooManyRuns(planned, max_runs)
    result = run_plan(Plan(name=name, runs=planned.runs), root=root, force=force, workers=workers)
    write_page(result.folder, planned, result)
    write_record(result.folder, planned)
    return planned, result


def write_record(folder: Path, planned: AnalyzePlan) -> Path:
    """Write ``analyze.json`` (the datasets, named, with the same data marked, and the skipped
    notebooks, every file relative to the analysed folders) and rewrite the findings page, which
    reads it to name its rows, group its skips and compare the datasets."""
    common = _common([f.path for f in planned.files])
    record = {"datasets": [d.record() for d in planned.datasets],
              "skipped": [{"notebook": s.notebook, "file": s.file, "reason": s.reason} for s in planned.skipped],
              "identical": [{"file": _label(f.path, common), "reason": _relative(f.summary, common)}
                            for f in planned.files if f.status == "identical"]}
    path = atomic_write_text(folder / ANALYZE_FILE, json.dumps(record, indent=2) + "\n")
    plan = json.loads((folder / PLAN_FILE).read_text(encoding="utf-8"))
    write_findings(folder, plan)
    return path


class TooManyRuns(ValueError):
    """More runs planned than allowed: nothing was started."""

    def __init__(self, planned: AnalyzePlan, limit: int) -> None:
        self.planned = planned
        super().__init__(f"{len(planned.runs):,} runs planned, more than --max-runs {limit:,}: "
                         "name fewer files or folders, or raise --max-runs (--dry-run lists them)")


def write_page(folder: Path, planned: AnalyzePlan, result: PlanResult) -> Path:
    """Write ``analyze.html``: the files as recognised, the runs and the skipped notebooks."""
    common = _common([f.path for f in planned.files])
    page = _ENV.get_template("analyze.html.j2").render(
        files=[{"file": _label(f.path, common), "table": f.table or f.status,
                "preset": f.preset or "", "rows": f"{f.rows:,}" if f.table else "",
                "summary": _relative(f.summary, common)} for f in planned.files],
        runs=[{**r, "file": _files(r["parameters"], common),
               "error": _relative(r["error"], common) if r.get("error") else r.get("error")}
              for r in result.runs],
        skipped=planned.skipped,
        tables=TABLES,
    )
    return atomic_write_text(folder / PAGE, page)


def _input_names() -> set[str]:
    return {name for q in discover() for name in q.inputs} | {"captions"}


def _files(parameters: Mapping[str, Any], common: Path | None) -> str:
    """The input files of a run's parameters, as labels."""
    names = _input_names()
    values = [x for k, v in parameters.items() if k in names and v
              for x in (v if isinstance(v, list) else [v])]
    return ", ".join(_label(Path(str(v)), common) for v in values)


def report_lines(planned: AnalyzePlan, result: PlanResult | None) -> list[str]:
    """What `inflresearch analyze` prints: one line per file, run (or planned run, when nothing
    ran) and skipped notebook; labels relative to the files' folder, control characters escaped."""
    common = _common([f.path for f in planned.files])
    lines = []
    for f in planned.files:
        what = (f"{f.table}" + (f", preset {f.preset}" if f.preset else "")) if f.table else f.status
        lines.append(f"file     {_label(f.path, common)}: {what}: {_relative(f.summary, common)}")
    if result is None:
        for run in planned.runs:
            files = _files(run.parameters, common)
            lines.append(f"planned  {run.notebook.stem} on {files}")
    for r in result.runs if result is not None else []:
        files = _files(r["parameters"], common)
        line = f"{r['status']:<8} {Path(r['notebook']).stem} on {files} -> {r.get('run_id') or '-'}"
        lines.append(line + (f": {_relative(r['error'], common)}" if r.get("error") else ""))
    for s in planned.skipped:
        lines.append(f"skipped  {s.notebook} on {s.file}: {s.reason}")
    if result is not None:
        lines.append(f"findings: {result.findings}\nsummary:  {result.folder / PAGE}")
        if result.index_error:
            lines.append(f"error: {result.index_error}")
    elif not planned.runs:
        lines.append("nothing to run: no notebook's needs are met by these files")
    return lines
