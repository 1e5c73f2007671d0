"""The shape every research question has: parameters -> inputs -> analysis -> claims + estimates.

A question is a subpackage ``inflresearch.questions.<name>`` whose ``__init__`` defines
``QUESTION``, a `Question` (its notebook, claims, and which notebook parameter reads which table).
Its ``notebook.py`` provides ``notebook_params(**parameters)`` (the one validating call),
``load_inputs(params)`` and an analysis object, an `Analysis`: it tests the claims, adjusts them
once for the report (Holm) and saves results.json. `discover` finds every question, so tests,
plans and the CLI list none of them by hand.

Example:
    >>> [q.name for q in discover()]
    ['engagement', 'niches', 'roi']
    >>> find("roi").inputs["data"]
    'campaigns'
    >>> find("engagement").needs[1].columns
    ('engagements', 'engagement_rate', 'avg_likes', 'likes')
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from IPython.display import Markdown

from inflresearch.atomic import atomic_write_text
from inflresearch.claims import Claim, adjust_holm
from inflresearch.paths import project_root
from inflresearch.runs import save_results

PIPELINE_NOTEBOOK = "notebook.ipynb"  # what the report pipeline executes into a run folder


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
    the tests.
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


def discover() -> list[Question]:
    """Every question package under `inflresearch.questions`, in notebook order."""
    import inflresearch.questions as package

    found = []
    for info in pkgutil.iter_modules(package.__path__):
        if info.ispkg and not info.name.startswith("_"):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            found.append(module.QUESTION)
    return sorted(found, key=lambda q: q.notebook)


def find(name: str) -> Question:
    """The question called `name`, or the one whose notebook is `name` (a path or a stem)."""
    for q in discover():
        if name in (q.name, q.stem, q.notebook) or Path(name).stem == q.stem:
            return q
    raise KeyError(f"no research question {name!r}; known: {', '.join(q.name for q in discover())}")


def banner_lines(simulated: bool, summaries: Sequence[str], *, of: str = "accounts") -> list[str]:
    """The first lines of a notebook's data banner: the SIMULATED label (when the sample is used)
    and one escaped line per loaded input.

    Example:
        >>> banner_lines(True, ["a.csv: kept 3 of 3 rows"])[0][:20]
        '**SIMULATED data**: '
    """
    from inflresearch.report.safe import md_escape

    label = (f"**SIMULATED data**: the bundled sample world generated by `inflresearch.data.synth` "
             f"(known truth, not real {of}).")
    return [label] * simulated + [f"- {md_escape(s)}" for s in summaries]


def absent(reason: str) -> Markdown:
    """What a notebook shows where a table or figure cannot be made, and why.

    `reason` is Markdown written by the package; escape any text from the data in it
    (`inflresearch.report.safe.md_escape`).
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

    def claims(self) -> list[Claim]:
        """The report's claims, Holm-adjusted across the report (computed once)."""
        cached: list[Claim] | None = self.__dict__.get("_adjusted")
        if cached is None:
            cached = adjust_holm(self.tested_claims())
            self.__dict__["_adjusted"] = cached
        return cached

    def save(self, run_dir: Path | None, *, notebook: str, data: list[dict[str, Any]],
             inputs: Mapping[str, Any] | None = None) -> Markdown:
        """Write results.json into the run folder; a line saying where.

        `inputs` is the ``run.inputs`` block (`params.input_records`: per input parameter its
        paths and whether it is simulated). Run by hand (the folder holds no executed notebook
        of the report pipeline), this one call also writes report.html and rebuilds the index.
        """
        path = save_results(run_dir, self.claims(), self.estimates(), notebook=notebook, data=data)
        if inputs is not None:
            document = json.loads(path.read_text())
            document["run"]["inputs"] = dict(inputs)
            atomic_write_text(path, json.dumps(document, indent=2, allow_nan=False) + "\n")
        folder = path.parent
        if (folder / PIPELINE_NOTEBOOK).is_file():  # the report pipeline renders the report
            return Markdown(f"Results written to `{folder.name}/{path.name}`.")
        from inflresearch.report.by_hand import finish_by_hand

        report, index = finish_by_hand(folder, notebook)
        return Markdown(f"Results written to `{folder.name}/{path.name}`; report "
                        f"`{folder.name}/{report.name}`; index `{index}` updated.")
