"""Notebook 04 (can engagement pick creators?): parameters declared once, inputs, one analysis.

The posts table is the main input (`data`); an influencers table (`influencers`) optionally adds
follower counts, a niche and ``price_per_post`` (for the per-cost comparison). The shortlist and
the pick comparison use one tier: the preset's `tier` (``micro`` of ``blog``: 5k-10k) unless
`tier_range` gives the edges.

Example:
    >>> import tempfile
    >>> p = notebook_params(data="sample", tiers="industry", run_dir=tempfile.mkdtemp())
    >>> p.tier_range, p.shortlist_size
    ((10000, 100000), 10)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from inflresearch.params import (
    coerce_alpha,
    coerce_choice,
    coerce_column_map,
    coerce_int,
    coerce_optional_str,
    coerce_run_dir,
    input_records,
    is_sample,
    resolve_data,
    resolve_inputs,
)
from inflresearch.questions._base import (
    Inputs,
    NotebookParameters,
    RunParams,
    Table,
    banner_lines,
    load_tables,
)
from inflresearch.questions.creators import QUESTION
from inflresearch.questions.creators.adjusted import prepare_posts
from inflresearch.questions.creators.analysis import CreatorsAnalysis, analyse
from inflresearch.questions.creators.shortlist import _range_text
from inflresearch.text import md_escape
from inflresearch.tiers import ALL, PRESETS, Range, coerce_range, preset

NOTEBOOK = "04_pick_creators"


@dataclass(frozen=True, kw_only=True)
class CreatorsParams(RunParams):
    """The coerced parameters of notebook 04."""

    data: tuple[Path, ...]
    influencers: tuple[Path, ...]
    tiers: str
    tier: str
    tier_range: Range
    niche: str | None
    within_niche: bool
    shortlist_size: int
    min_posts_per_half: int
    n_boot: int
    columns: Mapping[str, str | None] | None
    influencer_columns: Mapping[str, str | None] | None
    alpha: float
    seed: int


def _paths(value: Any, name: str, table: str) -> tuple[Path, ...]:
    """One or several input files (one read over all of them); none for None / "" / "none"."""
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return tuple(resolve_data(v, table) for v in items)
    except ValueError as exc:
        raise ValueError(f"parameter {name!r}: {exc}") from None


class Parameters(NotebookParameters):
    """Notebook 04's ``parameters`` cell, declared once (its comments say what each one is)."""

    data: str | list[str] = "sample"
    influencers: str | list[str] | None = None
    tiers: str = "blog"
    tier: str = "micro"
    tier_range: list[int | float | None] | None = None
    niche: str | None = None
    within_niche: bool = False
    shortlist_size: int = 10
    min_posts_per_half: int = 3
    n_boot: int = 1000
    columns: str | dict[str, str | None] | None = None
    influencer_columns: str | dict[str, str | None] | None = None
    alpha: float = 0.05
    seed: int = 7
    run_dir: str | None = None

    def coerce(self) -> CreatorsParams:
        """Coerce and validate: one `ValueError` naming a bad parameter."""
        given = resolve_inputs(list(QUESTION.inputs), {"data": self.data,
                                                       "influencers": self.influencers})
        posts = _paths(given["data"], "data", "posts")
        if not posts:
            raise ValueError("parameter 'data' must name a posts file (or several) or 'sample'")
        accounts = _paths(given["influencers"], "influencers", "influencers")
        tiers = coerce_choice(self.tiers, "tiers", (*PRESETS, ALL))
        tiers = "blog" if tiers == ALL else tiers  # one tier is picked from: "all" keeps blog
        tier = coerce_choice(self.tier, "tier", tuple(preset(tiers)))
        tier_range = coerce_range(self.tier_range, "tier_range") or preset(tiers)[tier]
        return CreatorsParams(
            notebook=NOTEBOOK, data=posts, influencers=accounts,
            simulated=any(isinstance(v, str) and is_sample(v) for v in given.values()),
            tiers=tiers, tier=tier, tier_range=tier_range,
            niche=coerce_optional_str(self.niche, "niche"), within_niche=bool(self.within_niche),
            shortlist_size=coerce_int(self.shortlist_size, "shortlist_size", minimum=1),
            min_posts_per_half=coerce_int(self.min_posts_per_half, "min_posts_per_half", minimum=1),
            n_boot=coerce_int(self.n_boot, "n_boot", minimum=50),
            columns=coerce_column_map(self.columns, "columns", "posts"),
            influencer_columns=coerce_column_map(self.influencer_columns, "influencer_columns",
                                                 "influencers"),
            alpha=coerce_alpha(self.alpha), seed=coerce_int(self.seed, "seed", minimum=0),
            run_dir=coerce_run_dir(self.run_dir, NOTEBOOK),
            inputs=input_records(given, QUESTION.inputs),
        )


def notebook_params(namespace: Mapping[str, Any] | None = None, /, **given: Any) -> CreatorsParams:
    """Notebook 04's parameters, from the notebook's namespace (``globals()``) and/or by name."""
    return Parameters.read(namespace, **given).coerce()


def load_inputs(p: CreatorsParams) -> Inputs:
    """The posts (and influencers) files through `load_tables`; the prepared post frame in
    ``inputs.prepared`` (`adjusted.prepare_posts`)."""
    out = load_tables([
        Table("posts", "data", "posts", p.data, p.columns),
        Table("influencers", "influencers", "influencers", p.influencers, p.influencer_columns),
    ], p.run_dir)
    out.extras["prepared"] = prepare_posts(out.posts, out.influencers)
    return out


def data_banner(p: CreatorsParams, inputs: Inputs) -> str:
    """Markdown naming the inputs (escaped), with a SIMULATED label when the sample is used."""
    lines = banner_lines(p.simulated, inputs.summaries, of="creators")
    prepared = inputs.prepared
    counts = prepared.groupby("account").size()
    lines.append(f"- {len(prepared):,} usable posts of {len(counts):,} accounts "
                 f"({prepared.attrs['n_dropped']:,} left out: no engagements or no follower count); "
                 f"posts per account: median {counts.median():.0f}, range {counts.min()}–{counts.max()}")
    return "\n".join(lines)


def definitions(p: CreatorsParams) -> str:
    """Markdown stating the tier (and niche) of the shortlist and the comparison."""
    where = f"**{_range_text(p.tier_range)}**"
    if p.niche:
        where += f" in niche **{md_escape(p.niche)}**"
    return (f"Tier preset **{md_escape(p.tiers)}**, tier **{md_escape(p.tier)}**: the shortlist and "
            f"the pick comparison use accounts with {where}; shortlists of {p.shortlist_size}. "
            f"Accounts need at least {p.min_posts_per_half} dated posts in each half to enter the "
            "persistence and pick tests.")


def run_analysis(inputs: Inputs, p: CreatorsParams) -> CreatorsAnalysis:
    """Every estimate of notebook 04 on the loaded inputs."""
    prices = None
    acc = inputs.influencers
    if acc is not None and "price_per_post" in acc.columns:
        known = acc.dropna(subset=["price_per_post"])
        prices = pd.Series(known["price_per_post"].to_numpy(dtype=float),
                           index=known["account_id"].astype(str))
    return analyse(inputs.prepared, tier_range=p.tier_range, niche=p.niche,
                   n_pick=p.shortlist_size, within_niche=p.within_niche,
                   min_per_half=p.min_posts_per_half, n_boot=p.n_boot, alpha=p.alpha, seed=p.seed,
                   prices=prices)
