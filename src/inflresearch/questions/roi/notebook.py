"""ROI claims (notebook 03): parameters, inputs and one call per claim.

Which groups each claim compares (stated in the notebook too):

- ``micro_roi_exceeds_macro``: the preset's micro tier versus its macro tier (``blog``: 5k-10k
  versus 10k-100k; ``industry``: 10k-100k versus 500k-1M); `micro_range` / `macro_range`
  override them.
- ``ten_micro_beat_one_macro``: the claim's "one large influencer" is anyone at or above the
  macro tier's lower edge (``blog``: 10k+, so celebrities count), and the equal budget decides how
  large that one account is; `macro_range` overrides it.
- ``influencer_roi_exceeds_traditional``: every influencer activation versus every traditional
  placement.

Example:
    >>> import tempfile
    >>> p = notebook_params(tiers="industry", run_dir=tempfile.mkdtemp())
    >>> p.micro, p.macro, p.large
    ((10000, 100000), (500000, 1000000), (500000, None))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd
from IPython.display import Markdown

from inflresearch.claims import Claim, one_sided_p
from inflresearch.data.mapping import is_mapping_path
from inflresearch.params import (
    coerce_alpha,
    coerce_choice,
    coerce_column_map,
    coerce_float,
    coerce_int,
    coerce_mapping_file,
    coerce_optional_data,
    coerce_run_dir,
    input_records,
    is_sample,
    resolve_inputs,
)
from inflresearch.plots import figure_of
from inflresearch.plots.spec_grid import plot_spec_grid
from inflresearch.questions._base import (
    Analysis,
    Inputs,
    NotebookParameters,
    RunParams,
    Table,
    absent,
    banner_lines,
    load_tables,
)
from inflresearch.questions.roi import QUESTION, plots
from inflresearch.questions.roi.assumed import AssumedResult, cost_efficiency_assumed
from inflresearch.questions.roi.comparisons import (
    ClaimTest,
    format_range,
    influencer_vs_traditional,
    micro_vs_macro,
)
from inflresearch.questions.roi.metrics import (
    METRICS,
    pooled_metrics,
    ratio_of_sums_vs_mean,
)
from inflresearch.questions.roi.portfolios import PortfolioResult, equal_budget_portfolios
from inflresearch.questions.roi.robustness import micro_macro_grid, micro_macro_robustness
from inflresearch.questions.roi.speccurve import scheme_comparisons, spec_summary, specification_curve
from inflresearch.questions.roi.words import assumed_words, claim_words
from inflresearch.text import md_escape
from inflresearch.tiers import ALL, PRESETS, SCHEMES, Range, assign_tiers, coerce_range, micro_macro, scheme

NOTEBOOK = "03_roi_micro_vs_macro"


@dataclass(frozen=True, kw_only=True)
class RoiParams(RunParams):
    """The coerced parameters of notebook 03."""

    data: Path | None
    influencers: Path | None
    tiers: str  # the scheme of the claims (blog when all schemes were asked for)
    micro: Range
    macro: Range
    large: Range
    budget: float | None
    n_boot: int
    n_portfolios: int
    price_elasticity: float | None
    columns: Mapping[str, Mapping[str, str | None]]
    currency: str | None
    alpha: float
    seed: int
    tiers_asked: str = "blog"  # the parameter as given: a scheme name or "all"


def coerce_currency(value: Any) -> str | None:
    """An ISO 4217 code for the money in sentences (``"EUR"`` -> "€1.30"), or None ("per unit
    spent", bare numbers).

    Example:
        >>> coerce_currency("eur"), coerce_currency(None)
        ('EUR', None)
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str) or not re.fullmatch(r"[A-Za-z]{3}", value.strip()):
        raise ValueError(f"parameter 'currency' must be a three-letter ISO 4217 code such as "
                         f"'EUR' or 'USD', or None, got {value!r}")
    return value.strip().upper()


def _columns(value: Any) -> dict[str, dict[str, str | None]]:
    """A mapping for the campaigns file, or {"campaigns": {...}, "influencers": {...}}; a mapping
    file's path (one of these, or the whole parameter: its ``table:`` says which, default campaigns)."""
    if value is None:
        return {}
    if is_mapping_path(value):
        mapping = coerce_mapping_file(value, "columns")
        if mapping.table not in (None, "campaigns", "influencers"):
            raise ValueError(f"parameter 'columns': {value} maps a {mapping.table} table; notebook 03 "
                             "reads campaigns and influencers")
        return {mapping.table or "campaigns": mapping.columns}
    if isinstance(value, Mapping) and set(value) <= {"campaigns", "influencers"} and all(
            is_mapping_path(v) for v in value.values()):
        return {k: coerce_column_map(v, f"columns.{k}", table=k) or {} for k, v in value.items()}
    if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
        raise ValueError(f"parameter 'columns' must be a dict {{source column: contract column}}, "
                         f"got {value!r}")
    if value and set(value) <= {"campaigns", "influencers"} and all(
            isinstance(v, Mapping) for v in value.values()):
        return {k: dict(v) for k, v in value.items()}
    return {"campaigns": dict(value)}


class Parameters(NotebookParameters):
    """Notebook 03's ``parameters`` cell, declared once (its comments say what each one is)."""

    data: str | list[str] | None = "sample"
    influencers: str | list[str] | None = None
    tiers: str = "blog"
    micro_range: list[int | float | None] | None = None
    macro_range: list[int | float | None] | None = None
    budget: float | None = None
    n_boot: int = 1000
    n_portfolios: int = 10000
    price_elasticity: float | None = None
    columns: str | dict[str, str | dict[str, str | None] | None] | None = None
    currency: str | None = None
    alpha: float = 0.05
    seed: int = 7
    run_dir: str | None = None

    def coerce(self) -> RoiParams:
        """Coerce and validate: one `ValueError` naming a bad parameter.

        `data` is the campaigns file (or "sample", or None for influencer-level data only);
        `influencers` the influencer table for the assumption-based path (or "sample", or None).
        """
        given = resolve_inputs(list(QUESTION.inputs), {"data": self.data, "influencers": self.influencers})
        data, influencers = given["data"], given["influencers"]
        campaigns = coerce_optional_data(data, "data", "campaigns")
        accounts = coerce_optional_data(influencers, "influencers", "influencers")
        if campaigns is None and accounts is None:
            raise ValueError("parameters 'data' and 'influencers' are both empty: give a campaigns "
                             "file, an influencer table, or 'sample'")
        asked = coerce_choice(self.tiers, "tiers", (*SCHEMES, ALL))
        preset = "blog" if asked == ALL else asked  # "all": the claims keep their own words
        micro, macro = micro_macro(preset, self.micro_range, self.macro_range)
        large = coerce_range(self.macro_range, "macro_range") or (macro[0], None)
        if micro[1] is None or micro[1] > macro[0]:
            raise ValueError(f"micro range {list(micro)} must lie below macro range {list(macro)}")
        spend = None if self.budget is None else coerce_float(self.budget, "budget")
        if spend is not None and spend <= 0:
            raise ValueError(f"parameter 'budget' must be positive, got {self.budget!r}")
        g = None if self.price_elasticity is None else coerce_float(self.price_elasticity, "price_elasticity")
        return RoiParams(
            notebook=NOTEBOOK,
            data=campaigns, influencers=accounts,
            simulated=any(isinstance(v, str) and is_sample(v) for v in (data, influencers)),
            tiers=preset, tiers_asked=asked, micro=micro, macro=macro, large=large, budget=spend,
            n_boot=coerce_int(self.n_boot, "n_boot", minimum=50),
            n_portfolios=coerce_int(self.n_portfolios, "n_portfolios", minimum=100),
            price_elasticity=g, columns=_columns(self.columns),
            currency=coerce_currency(self.currency), alpha=coerce_alpha(self.alpha),
            seed=coerce_int(self.seed, "seed", minimum=0), run_dir=coerce_run_dir(self.run_dir, NOTEBOOK),
            inputs=input_records(given, QUESTION.inputs),
        )


def notebook_params(namespace: Mapping[str, Any] | None = None, /, **given: Any) -> RoiParams:
    """Notebook 03's parameters, from the notebook's namespace (``globals()``) and/or by name.

    Example:
        >>> import tempfile
        >>> p = notebook_params(micro_range=[1000, 10000], budget="2000",
        ...                     run_dir=tempfile.mkdtemp())
        >>> p.micro, p.budget
        ((1000.0, 10000.0), 2000.0)
    """
    return Parameters.read(namespace, **given).coerce()


def load_inputs(p: RoiParams) -> Inputs:
    """Read the campaigns and influencer files through `load_tables`; campaign rows get a
    ``tier`` column (the preset's tiers; ``traditional`` for traditional placements)."""
    out = load_tables([
        Table("campaigns", "data", "campaigns", (p.data,) if p.data else (), p.columns.get("campaigns")),
        Table("influencers", "influencers", "influencers", (p.influencers,) if p.influencers else (),
              p.columns.get("influencers")),
    ], p.run_dir)
    if out.campaigns is not None:
        c = out.campaigns
        tiers = assign_tiers(c["followers"], p.tiers) if "followers" in c else None
        if tiers is None:
            c["tier"] = pd.Categorical(["traditional"] * len(c))
        else:
            tiers = tiers.cat.add_categories(["traditional"])
            c["tier"] = tiers.where(c["channel"] == "influencer", "traditional")
    return out


def data_banner(p: RoiParams, inputs: Inputs) -> str:
    """Markdown naming the inputs (escaped), with a SIMULATED label when the sample is used."""
    lines = banner_lines(p.simulated, inputs.summaries, of="campaigns or accounts")
    if inputs.campaigns is None:
        lines.append("- no campaigns table: the campaign claims are **not testable**; only the "
                     "assumption-based path below applies")
    return "\n".join(lines)


def definitions(p: RoiParams) -> str:
    """Markdown stating which follower ranges each claim compares."""
    every = (" (`tiers: all`: the claims keep the claims' own split, **blog**; every scheme is "
             "compared below)") if p.tiers_asked == ALL else ""
    return (f"Tier scheme **{md_escape(p.tiers)}**, {md_escape(scheme(p.tiers).cited)}{every}. "
            f"Micro versus macro compares "
            f"**{format_range(p.micro)}** with **{format_range(p.macro)}** followers. "
            f"For ten micro versus one large, the large influencer is anyone with "
            f"**{format_range(p.large)}** followers whose post costs about the budget. "
            "Tier edges are definitions, not facts; the specification curve varies them, and "
            "the scheme comparison tries every published scheme.")


def metrics_overview(inputs: Inputs, p: RoiParams) -> pd.DataFrame:
    """Pooled metrics per channel and tier with campaign-cluster bootstrap CIs (empty without
    campaigns)."""
    if inputs.campaigns is None:
        return pd.DataFrame()
    return pooled_metrics(inputs.campaigns, by=["channel", "tier"], n_boot=p.n_boot,
                          alpha=p.alpha, seed=p.seed)


def metrics_table(metrics: pd.DataFrame, p: RoiParams) -> pd.DataFrame:
    """Wide view of `metrics_overview`: one row per channel and tier (preset order), one column
    per metric, pooled estimates only (the CIs are in the tidy table)."""
    if not len(metrics):
        return metrics
    wide = metrics.pivot_table(index=["channel", "tier"], columns="metric", values="estimate")
    order = [*PRESETS[p.tiers], "traditional"]
    keys = sorted(wide.index, key=lambda k: (k[0], order.index(k[1]) if k[1] in order else 99))
    cols = [m for m in METRICS if m in wide.columns]
    return wide.loc[keys, cols]


SHOWN = ["comparison", "metric", "statistic", "estimate", "ci_low", "ci_high", "p_value", "n",
         "n_clusters", "method", "note"]


def compact(table: pd.DataFrame) -> pd.DataFrame:
    """The columns of a claim test table a reader needs (its one-sided p labelled as such)."""
    return one_sided_p(table[[c for c in SHOWN if c in table.columns]])


def micro_macro_claim(inputs: Inputs, p: RoiParams) -> ClaimTest:
    """Claim ``micro_roi_exceeds_macro`` on the notebook's inputs (see `micro_vs_macro`)."""
    return micro_vs_macro(inputs.campaigns, micro=p.micro, macro=p.macro, n_boot=p.n_boot,
                          alpha=p.alpha, seed=p.seed)


def portfolio_claim(inputs: Inputs, p: RoiParams) -> PortfolioResult:
    """Claim ``ten_micro_beat_one_macro`` (see `equal_budget_portfolios`)."""
    return equal_budget_portfolios(inputs.campaigns, micro=p.micro, large=p.large,
                                   budget=p.budget, n_portfolios=p.n_portfolios,
                                   n_boot=p.n_boot, alpha=p.alpha, seed=p.seed)


def channel_claim(inputs: Inputs, p: RoiParams) -> ClaimTest:
    """Claim ``influencer_roi_exceeds_traditional`` (see `influencer_vs_traditional`)."""
    return influencer_vs_traditional(inputs.campaigns, n_boot=p.n_boot,
                                     alpha=p.alpha, seed=p.seed)


def spec_curve(inputs: Inputs, p: RoiParams) -> pd.DataFrame:
    """The specification curve with the notebook's own definition as the primary row."""
    if inputs.campaigns is None or "followers" not in inputs.campaigns:
        return pd.DataFrame()
    return specification_curve(inputs.campaigns, micro_low=p.micro[0],
                               primary=(p.micro, p.macro), n_boot=p.n_boot, alpha=p.alpha,
                               seed=p.seed)


def scheme_grid(inputs: Inputs, p: RoiParams) -> pd.DataFrame:
    """Micro versus macro under every published scheme, the claim's own definition first, with
    verdicts (`robustness.micro_macro_grid`); empty without campaigns with follower counts."""
    if inputs.campaigns is None or "followers" not in inputs.campaigns:
        return pd.DataFrame()
    own = scheme(p.tiers)
    primary = p.tiers if (p.micro, p.macro) == (own.micro, own.macro) else (p.micro, p.macro)
    table = scheme_comparisons(inputs.campaigns, primary=primary, n_boot=p.n_boot,
                               alpha=p.alpha, seed=p.seed)
    return micro_macro_grid(table, alpha=p.alpha)


def assumed_path(inputs: Inputs, p: RoiParams) -> AssumedResult | str:
    """The assumption-based CPE comparison, or the reason it cannot be run."""
    if inputs.influencers is None:
        return "no influencer table given (parameter 'influencers')"
    try:
        return cost_efficiency_assumed(inputs.influencers, micro=p.micro, macro=p.macro,
                                       price_elasticity=p.price_elasticity, alpha=p.alpha)
    except ValueError as exc:
        return str(exc)


def collect_estimates(
    p: RoiParams, *, metrics: pd.DataFrame, tests: Mapping[str, Any], portfolio: PortfolioResult,
    spec: pd.DataFrame, assumed: AssumedResult | str, schemes: pd.DataFrame | None = None,
) -> dict[str, Any]:
    """The ``estimates`` block of results.json."""
    pooled = metrics[metrics["metric"].isin(["roas", "roi"])] if len(metrics) else metrics
    out: dict[str, Any] = {
        "simulated": p.simulated,
        "definitions": {"tiers": p.tiers, "micro": list(p.micro), "macro": list(p.macro),
                        "large": list(p.large)},
        "pooled_by_channel_tier": pooled.astype(object).to_dict("records"),
        "portfolio": {**portfolio.pools,
                      **{r["quantity"]: {"estimate": r["estimate"], "ci": [r["ci_low"],
                                                                            r["ci_high"]]}
                         for r in portfolio.table.to_dict("records")}},
        "spec_curve": {**(spec_summary(spec) if len(spec) else {}),
                       "specs": spec.drop(columns=["micro_range", "macro_range"],
                                          errors="ignore").to_dict("records")},
    }
    for name, test in tests.items():
        out[name] = {"groups": test.groups.to_dict("records"),
                     "tests": test.table.to_dict("records")}
    if schemes is not None and len(schemes):
        out["robustness"] = {"micro_roi_exceeds_macro": micro_macro_robustness(schemes)}
    out["assumption_based"] = (assumed.summary if isinstance(assumed, AssumedResult)
                               else {"assumption_based": True, "not_run": assumed})
    return out


@dataclass
class RoiAnalysis(Analysis):
    """Every result of notebook 03, computed by `run_analysis`; each view says why it is empty."""

    p: RoiParams
    inputs: Inputs
    metrics: pd.DataFrame
    micro_macro: ClaimTest
    portfolio: PortfolioResult
    channels: ClaimTest
    spec: pd.DataFrame
    assumed: AssumedResult | str
    schemes: pd.DataFrame

    def tested_claims(self) -> list[Claim]:
        """The three campaign claims as tested (`claims()` gives them Holm-adjusted), each with
        the run's ``currency`` in its details for the sentences."""
        tested = [self.micro_macro.claim, self.portfolio.claim, self.channels.claim]
        return [replace(c, details={**c.details, "currency": self.p.currency}) for c in tested]

    def estimates(self) -> dict[str, Any]:
        """The ``estimates`` block of results.json."""
        return collect_estimates(
            self.p, metrics=self.metrics,
            tests={"micro_vs_macro": self.micro_macro, "influencer_vs_traditional": self.channels},
            portfolio=self.portfolio, spec=self.spec, assumed=self.assumed, schemes=self.schemes,
        )

    def metrics_views(self) -> list[Any]:
        """Pooled metrics per channel and tier, and the ROAS figure."""
        if not len(self.metrics):
            return [absent("No campaigns table was given (parameter `data`): no metrics.")]
        ax = plots.plot_pooled_metric(self.metrics, metric="roas", simulated=self.p.simulated)
        return [metrics_table(self.metrics, self.p).round(3), figure_of(ax)]

    def ratio_views(self) -> list[Any]:
        """Ratio of sums against the mean of per-activation ratios."""
        if self.inputs.campaigns is None:
            return [absent("No campaigns table was given.")]
        return [ratio_of_sums_vs_mean(self.inputs.campaigns, metric="roas", by=["channel", "tier"])]

    def portfolio_views(self) -> list[Any]:
        """The portfolio table and the distribution of simulated match-ups."""
        if not len(self.portfolio.draws):
            return [one_sided_p(self.portfolio.table),
                    absent(self.portfolio.claim.note or "No portfolios drawn.")]
        ax = plots.plot_portfolios(self.portfolio.draws, budget=self.portfolio.budget,
                                   simulated=self.p.simulated)
        return [one_sided_p(self.portfolio.table), figure_of(ax)]

    def spec_views(self) -> list[Any]:
        """The specification curve and its summary."""
        if not len(self.spec):
            return [absent("No campaigns with follower counts: no specification curve.")]
        ax = plots.plot_spec_curve(self.spec, simulated=self.p.simulated)
        summary = pd.DataFrame({"value": pd.Series(spec_summary(self.spec), dtype=object)})
        summary = summary.rename_axis("item")
        summary.attrs["name"] = "specification-curve-summary"
        return [figure_of(ax), summary]

    def scheme_views(self) -> list[Any]:
        """Micro versus macro under every published scheme: the robustness line, the figure of
        the estimate and interval per scheme, and the table."""
        if not len(self.schemes):
            return [absent("No campaigns with follower counts: no scheme comparison.")]
        ax = plot_spec_grid(self.schemes, null=0.0, simulated=self.p.simulated,
                            xlabel="pooled ROI difference, micro - macro (right of 0: micro better)")
        ax.set_title("Micro versus macro under every tier scheme")
        line = md_escape(micro_macro_robustness(self.schemes)["line"]).replace("\\<", "<")
        shown = ["specification", "scheme_source", "estimate", "ci_low", "ci_high",
                 "p_value", "p_holm", "verdict", "n_micro", "n_macro", "kish_accounts_micro",
                 "kish_accounts_macro", "note"]
        return [Markdown(f"**Micro versus macro across schemes:** {line}"), figure_of(ax),
                self.schemes[[c for c in shown if c in self.schemes.columns]]]

    def assumed_views(self) -> list[Any]:
        """The assumption-based cost-per-engagement path, or why it was not run."""
        if isinstance(self.assumed, str):
            return [absent(f"Assumption-based path not run: {md_escape(self.assumed)}")]
        ax = plots.plot_cpe_curve(self.assumed.summary, simulated=self.p.simulated)
        return [one_sided_p(self.assumed.table), Markdown(assumed_words(self.assumed)),
                figure_of(ax)]

    def verdict_views(self) -> list[Markdown]:
        """One paragraph per claim, after the report's Holm adjustment."""
        return [Markdown(claim_words(c)) for c in self.claims()]


def run_analysis(inputs: Inputs, p: RoiParams) -> RoiAnalysis:
    """Every test of notebook 03 on the loaded inputs.

    Example:
        >>> import tempfile
        >>> p = notebook_params(n_boot=50, n_portfolios=200, run_dir=tempfile.mkdtemp())
        >>> a = run_analysis(load_inputs(p), p)
        >>> [c.id for c in a.claims()]
        ['micro_roi_exceeds_macro', 'ten_micro_beat_one_macro', 'influencer_roi_exceeds_traditional']
    """
    return RoiAnalysis(
        p=p, inputs=inputs, metrics=metrics_overview(inputs, p),
        micro_macro=micro_macro_claim(inputs, p), portfolio=portfolio_claim(inputs, p),
        channels=channel_claim(inputs, p), spec=spec_curve(inputs, p), assumed=assumed_path(inputs, p),
        schemes=scheme_grid(inputs, p),
    )
