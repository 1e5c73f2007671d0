"""The template's notebook glue: parameters declared once, inputs through `load_tables`, one analysis.

Example:
    >>> import tempfile
    >>> p = notebook_params(run_dir=tempfile.mkdtemp())
    >>> a = run_analysis(load_inputs(p), p)
    >>> a.claims(), a.estimates()["n_accounts"]
    ([], 3000)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from inflresearch.claims import Claim
from inflresearch.params import (
    coerce_alpha,
    coerce_column_map,
    coerce_int,
    coerce_optional_data,
    coerce_run_dir,
    input_records,
    is_sample,
    resolve_inputs,
)
from inflresearch.questions._base import (
    Analysis,
    Inputs,
    NotebookParameters,
    RunParams,
    Table,
    banner_lines,
    load_tables,
)
from inflresearch.questions._template import QUESTION

NOTEBOOK = "_template"


@dataclass(frozen=True, kw_only=True)
class TemplateParams(RunParams):
    """The coerced parameters (paths resolved, values checked)."""

    data: Path
    columns: Mapping[str, str | None] | None
    alpha: float
    seed: int


class Parameters(NotebookParameters):
    """The notebook's ``parameters`` cell, declared once: the same names, types and defaults."""

    data: str = "sample"
    columns: str | dict[str, str | None] | None = None
    alpha: float = 0.05
    seed: int = 7
    run_dir: str | None = None

    def coerce(self) -> TemplateParams:
        """Coerce and validate: one `ValueError` naming a bad parameter."""
        given = resolve_inputs(list(QUESTION.inputs), {"data": self.data})
        data = coerce_optional_data(given["data"], "data", "influencers")
        if data is None:
            raise ValueError("parameter 'data' must be a file path or 'sample'")
        return TemplateParams(
            notebook=NOTEBOOK, data=data, simulated=is_sample(self.data),
            columns=coerce_column_map(self.columns, "columns", "influencers"),
            alpha=coerce_alpha(self.alpha), seed=coerce_int(self.seed, "seed", minimum=0),
            run_dir=coerce_run_dir(self.run_dir, NOTEBOOK),
            inputs=input_records(given, QUESTION.inputs),
        )


def notebook_params(namespace: Mapping[str, Any] | None = None, /, **given: Any) -> TemplateParams:
    """The parameters, from the notebook's namespace (``globals()``) and/or by name."""
    return Parameters.read(namespace, **given).coerce()


def load_inputs(p: TemplateParams) -> Inputs:
    """The input tables through `load_tables` (records and quarantine files written there)."""
    return load_tables([Table("accounts", "data", "influencers", (p.data,), p.columns)], p.run_dir)


def data_banner(p: TemplateParams, inputs: Inputs) -> str:
    """Markdown naming the inputs (escaped), with a SIMULATED label when the sample is used."""
    return "\n".join(banner_lines(p.simulated, inputs.summaries))


@dataclass
class TemplateAnalysis(Analysis):
    """Every result the notebook shows, computed once by `run_analysis`."""

    accounts: pd.DataFrame

    def tested_claims(self) -> list[Claim]:
        """The claims as tested (one `claims.claim_result` per claim of ``QUESTION.claims``)."""
        return []

    def estimates(self) -> dict[str, Any]:
        """The key estimates for results.json."""
        return {"n_accounts": len(self.accounts)}


def run_analysis(inputs: Inputs, p: TemplateParams) -> TemplateAnalysis:
    """Every estimate of the notebook on the loaded inputs."""
    return TemplateAnalysis(accounts=inputs.accounts)
