"""Notebook 01 (engagement vs followers): parameters, inputs, the whole analysis and its results.

The notebook stays thin: `notebook_params` coerces its parameters, `load_inputs` reads the files
through `load_tables` (quarantined rows go to the run folder), `run_analysis` runs every model
(`analyse_accounts` on a table, what the benchmark times), and `EngagementAnalysis.claims` /
`.estimates` go to results.json.

Example:
    >>> sorted(Parameters.model_fields)[:3]
    ['alpha', 'columns', 'data']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown
from pydantic import Strict

from inflresearch.claims import Claim
from inflresearch.errors import DataError
from inflresearch.methods.counts import PostResult, offset_view, post_elasticity
from inflresearch.methods.elasticity import niche_elasticities, prepare_accounts
from inflresearch.methods.rate_definitions import RateDefinition, parse_definition
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
from inflresearch.plots import figure_of
from inflresearch.plots.diagnostics import plot_qq, plot_residuals
from inflresearch.plots.forest import plot_forest
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
from inflresearch.questions.engagement import QUESTION, plots
from inflresearch.questions.engagement.elasticity import (
    ElasticityResult,
    claim_rate_declines,
    contamination_sensitivity,
    elasticity,
    estimand_table,
    follower_noise_sensitivity,
    niche_heterogeneity,
    rate_models,
    sensitivity_sentence,
)
from inflresearch.questions.engagement.models import compare_models, influential_accounts, residual_frame
from inflresearch.questions.engagement.prepare import RangeCheck, data_overview, range_check
from inflresearch.questions.engagement.robustness import (
    apply_definition,
    decline_grid,
    decline_robustness,
    definition_words,
)
from inflresearch.questions.engagement.shape import (
    QuadraticResult,
    SegmentedResult,
    lowess_curve,
    quadratic_fit,
    segmented_fit,
    spline_curve,
)
from inflresearch.questions.engagement.sweet_spot import (
    claim_inverted_u,
    claim_rate_sweet_spot,
    rate_low_point,
    two_lines_test,
)
from inflresearch.questions.engagement.tier_table import account_draws, compare_published, scheme_tier_table
from inflresearch.questions.engagement.words import verdict_markdown
from inflresearch.text import md_escape
from inflresearch.tiers import ALL, SCHEMES, scheme_names

NOTEBOOK = "01_engagement_vs_followers"


@dataclass(frozen=True, kw_only=True)
class EngagementParams(RunParams):
    """The coerced parameters of notebook 01."""

    data: tuple[Path, ...]
    posts: tuple[Path, ...]
    tiers: str
    er_definition: RateDefinition
    platform: str | None
    niche_column: str | None
    columns: Mapping[str, str | None] | None
    post_columns: Mapping[str, str | None] | None
    selected_on_outcome: bool | None
    alpha: float
    seed: int
    n_boot: int
    engine: str = "duckdb"


def _paths(value: Any, name: str, table: str) -> tuple[Path, ...]:
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", "none")):
        return ()
    items = value if isinstance(value, list | tuple) else [value]
    try:
        return tuple(resolve_data(v, table) for v in items)
    except ValueError as exc:
        raise ValueError(f"parameter {name!r}: {exc}") from None


class Parameters(NotebookParameters):
    """Notebook 01's ``parameters`` cell, declared once (its comments say what each one is)."""

    data: str | list[str] | None = "sample"
    posts: str | list[str] | None = None
    tiers: str = "blog"
    er_definition: str = "default"
    platform: str | None = None
    niche_column: str | None = "niche"
    columns: str | dict[str, str | None] | None = None
    post_columns: str | dict[str, str | None] | None = None
    selected_on_outcome: Annotated[bool | None, Strict()] = None
    alpha: float = 0.05
    seed: int = 7
    n_boot: int = 1000
    engine: str = "duckdb"
    run_dir: str | None = None

    def coerce(self) -> EngagementParams:
        """Coerce and validate: one `ValueError` naming a bad parameter.

        `data` and `posts` are a path, a list of paths, ``"sample"`` (the SIMULATED sample world)
        or None (`data=None` builds the account table from `posts` with the aggregation step on
        `engine`, ``"duckdb"`` or ``"spark"``).
        """
        given = resolve_inputs(list(QUESTION.inputs), {"data": self.data, "posts": self.posts})
        data, posts = given["data"], given["posts"]
        data_paths = _paths(data, "data", "influencers")
        post_paths = _paths(posts, "posts", "posts")
        if not data_paths and not post_paths:
            raise ValueError("parameter 'data' must be a file path or 'sample' (or give 'posts')")
        return EngagementParams(
            notebook=NOTEBOOK, data=data_paths, posts=post_paths,
            simulated=any(is_sample(v) for v in (data, posts) if isinstance(v, str)),
            tiers=coerce_choice(self.tiers, "tiers", (*SCHEMES, ALL)),
            er_definition=_definition(self.er_definition),
            platform=(coerce_optional_str(self.platform, "platform") or "").lower() or None,
            niche_column=coerce_optional_str(self.niche_column, "niche_column"),
            columns=coerce_column_map(self.columns, "columns", "influencers"),
            post_columns=coerce_column_map(self.post_columns, "post_columns", "posts"),
            selected_on_outcome=self.selected_on_outcome, alpha=coerce_alpha(self.alpha),
            seed=coerce_int(self.seed, "seed", minimum=0), n_boot=coerce_int(self.n_boot, "n_boot", minimum=0),
            run_dir=coerce_run_dir(self.run_dir, NOTEBOOK),
            engine=coerce_choice(self.engine, "engine", ("duckdb", "spark")),
            inputs=input_records(given, QUESTION.inputs),
        )


def _definition(value: Any) -> RateDefinition:
    try:
        return parse_definition(value)
    except ValueError as exc:
        raise ValueError(f"parameter {exc}") from None


def notebook_params(namespace: Mapping[str, Any] | None = None, /, **given: Any) -> EngagementParams:
    """Notebook 01's parameters, from the notebook's namespace (``globals()``) and/or by name.

    Example:
        >>> import tempfile
        >>> notebook_params(alpha="0.1", tiers="INDUSTRY", run_dir=tempfile.mkdtemp()).tiers
        'industry'
    """
    return Parameters.read(namespace, **given).coerce()


def _on_platform(data: pd.DataFrame, platform: str | None) -> pd.DataFrame:
    """The rows on `platform` (all rows when None or when the table has no platform column)."""
    if platform is None or "platform" not in data.columns:
        return data
    kept = data[data["platform"].astype("string").str.lower() == platform]
    if kept.empty:
        found = sorted(data["platform"].dropna().astype(str).unique())
        raise DataError(f"no rows on platform {platform!r}; the data has {found}", column="platform")
    return kept.reset_index(drop=True)


def load_inputs(p: EngagementParams) -> Inputs:
    """Read the influencers (and posts) files of `p` through `load_tables`, keeping `p.platform`.

    Without an influencers file the account table is aggregated from the posts
    (`aggregate.load_accounts_from_posts`).

    Example:
        >>> import tempfile
        >>> inputs = load_inputs(notebook_params(data="sample", run_dir=tempfile.mkdtemp()))
        >>> len(inputs.accounts), inputs.records[0]["rows"]
        (3000, 3000)
    """
    out = load_tables([Table("accounts", "data", "influencers", p.data, p.columns, p.platform),
                       Table("posts", "posts", "posts", p.posts, p.post_columns, p.platform)], p.run_dir)
    for key, frame in out.tables.items():
        if frame is not None:
            out.tables[key] = _on_platform(frame, p.platform)
    if out.accounts is None:
        from inflresearch.data.aggregate import load_accounts_from_posts

        accounts = load_accounts_from_posts(out.posts, engine=p.engine)
        out.tables["accounts"] = accounts
        out.summaries.append(f"account table aggregated from {len(out.posts):,} posts on {p.engine}: "
                             f"{len(accounts):,} accounts")
    return out


def data_banner(p: EngagementParams, inputs: Inputs) -> str:
    """Markdown naming the inputs (escaped), with a SIMULATED label when the sample is used.

    Example:
        >>> import tempfile
        >>> p = notebook_params(data="sample", run_dir=tempfile.mkdtemp())
        >>> data_banner(p, load_inputs(p)).startswith("**SIMULATED data**")
        True
    """
    lines = banner_lines(p.simulated, inputs.summaries, of="accounts")
    if p.platform:
        lines.append(f"- filtered to platform **{md_escape(p.platform)}**")
    return "\n".join(lines)


@dataclass
class EngagementAnalysis(Analysis):
    """Every result of notebook 01, computed by `run_analysis`."""

    accounts: pd.DataFrame
    overview: pd.DataFrame
    check: RangeCheck
    fit: ElasticityResult
    rate_models: pd.DataFrame
    noise: pd.DataFrame
    quadratic: QuadraticResult
    two_lines: pd.DataFrame
    segmented: SegmentedResult
    spline: pd.DataFrame
    lowess: pd.DataFrame
    niches: pd.DataFrame | None
    niche_test: pd.DataFrame | None
    tiers: pd.DataFrame
    schemes: pd.DataFrame
    published: pd.DataFrame
    robustness: pd.DataFrame
    models: pd.DataFrame
    residuals: pd.DataFrame
    influential: pd.DataFrame
    posts: PostResult | None = None
    posts_offset: PostResult | None = None
    alpha: float = 0.05
    er_definition: RateDefinition = RateDefinition(name="default")
    rate_words: str = ""

    def tested_claims(self) -> list[Claim]:
        """The three claims as tested (`claims()` gives them Holm-adjusted for the report)."""
        return [claim_rate_declines(self.fit, range_check=self.check,
                                    low_point=rate_low_point(self.two_lines)),
                claim_inverted_u(self.two_lines, range_check=self.check, alpha=self.alpha),
                claim_rate_sweet_spot(self.two_lines, range_check=self.check, alpha=self.alpha)]

    def definition_markdown(self) -> Markdown:
        """The engagement-rate definition every rate of the report uses, in words."""
        return Markdown(f"**Engagement rate** in this report: {md_escape(self.rate_words)}.")

    def tier_views(self, *, simulated: bool) -> list[Any]:
        """The tier table of the chosen scheme(s) (figure, table) and the published benchmarks."""
        several = self.tiers["scheme"].nunique() > 1
        ax = (plots.plot_scheme_tiers(self.tiers, simulated=simulated) if several else
              plots.plot_tier_rates(self.tiers, published=self.published, simulated=simulated))
        return [figure_of(ax), self.tiers, self.published]

    def scheme_views(self, *, simulated: bool) -> list[Any]:
        """The tier table under every shipped scheme, side by side (figure and table)."""
        if self.tiers["scheme"].nunique() == len(SCHEMES):
            return [Markdown("The tier table above already shows every scheme (`tiers: all`).")]
        ax = plots.plot_scheme_tiers(self.schemes, simulated=simulated)
        return [figure_of(ax), self.schemes]

    def robustness_summary(self) -> dict[str, Any]:
        """The decline claim across the grid of rate definitions (`decline_robustness`)."""
        return decline_robustness(self.robustness)

    def robustness_views(self, *, simulated: bool) -> list[Any]:
        """The robustness line, the figure of b per definition, and the grid table."""
        ax = plot_spec_grid(self.robustness, null=1.0, simulated=simulated,
                            xlabel="elasticity b under each definition (left of 1: the rate falls)")
        ax.set_title("Engagement-rate decline under every rate definition")
        line = md_escape(self.robustness_summary()["line"]).replace("\\<", "<")  # "p < 0.001"
        return [Markdown(f"**Decline claim across definitions:** {line}"), figure_of(ax),
                self.robustness.drop(columns=["withheld"], errors="ignore")]

    def estimand_views(self) -> list[Any]:
        """Pooled and within-niche elasticities side by side: which one "b" means in this report."""
        table = estimand_table(self.accounts, alpha=self.alpha)
        table.attrs["name"] = "estimands"
        return [Markdown("Every *b* in this report is the **pooled** elasticity: how engagement "
                         "differs between accounts of different sizes as a brand meets them. "
                         "The within-niche slope compares accounts of one niche only."), table]

    def sensitivity_views(self) -> list[Any]:
        """How much fake followers or follower drift would explain the decline away."""
        table = contamination_sensitivity(self.fit)
        table.attrs["name"] = "contamination_sensitivity"
        return [Markdown(md_escape(sensitivity_sentence(table))), table]

    def post_views(self) -> list[Any]:
        """The post-level count models, or why they were not run."""
        if self.posts is None or self.posts_offset is None:
            return [absent("No posts table was given (parameter `posts`), so the post-level "
                           "models were not run.")]
        views: list[Any] = [self.posts.table, self.posts_offset.table, self.posts.covariates]
        if self.posts.platform_test is not None:
            views.append(self.posts.platform_test)
        return views

    def niche_views(self, *, simulated: bool) -> list[Any]:
        """Per-niche elasticities (forest plot and tables), or why there are none."""
        if self.niches is None:
            return [absent("The data has no usable niche column (parameter `niche_column`).")]
        ax = plot_forest(self.niches, simulated=simulated)
        views: list[Any] = [figure_of(ax), self.niches]
        if self.niche_test is not None:
            views.append(self.niche_test)
        return views

    def diagnostic_views(self, *, simulated: bool, seed: int = 7) -> list[Any]:
        """Model comparison, residual and Q-Q plots, and the most influential accounts."""
        fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4))
        plot_residuals(self.residuals, ax=left, seed=seed, simulated=simulated)
        plot_qq(self.residuals, ax=right, seed=seed, simulated=simulated)
        return [self.models, figure_of(left), self.influential]

    def estimates(self) -> dict[str, Any]:
        """Key estimates for results.json."""
        row = self.fit.table.iloc[0]
        seg = self.segmented.table.iloc[0]
        quad = self.quadratic.table.set_index("outcome")
        peak = self.quadratic.turning_point_followers is not None
        out: dict[str, Any] = {
            "elasticity": float(row["estimate"]),
            "elasticity_se": float(row["se"]),
            "elasticity_ci_low": float(row["ci_low"]),
            "elasticity_ci_high": float(row["ci_high"]),
            "elasticity_p_value_b_below_1": float(row["p_value"]),
            "rate_change_per_doubling": float(row["rate_change_per_doubling"]),
            "elasticity_method": str(row["method"]),
            "n_accounts": int(row["n"]),
            "n_dropped_zero_engagement": int(self.accounts.attrs.get("n_dropped_zero", 0)),
            "follower_min": float(self.accounts["followers"].min()),
            "follower_max": float(self.accounts["followers"].max()),
            "follower_span_decades_p05_p95": float(
                self.check.table.set_index("check").loc["follower_span_decades", "value"]),
            "range_warning": self.check.warning,
            "range_warnings": self.check.messages,
            "turning_point_followers": self.quadratic.turning_point_followers,
            "turning_point_inside_range": self.quadratic.turning_point_inside,
            "turning_point_ci_low": float(quad.loc["engagements", "tp_ci_low"]) if peak else None,
            "turning_point_ci_high": float(quad.loc["engagements", "tp_ci_high"]) if peak else None,
            "curvature": float(quad.loc["engagements", "curvature"]),
            "two_lines_p_value": float(self.two_lines["p_value"].iloc[0]),
            "rate_two_lines_p_value": float(self.two_lines["p_value"].iloc[1]),
            "rate_low_point_p_value": float(self.two_lines["p_value"].iloc[2]),
            "breakpoint_followers": float(seg["breakpoint"]),
            "breakpoint_ci_low": float(seg["ci_low"]),
            "breakpoint_ci_high": float(seg["ci_high"]),
            "breakpoint_slope_change_p_value": float(seg["change_p_value"]),
            "elasticity_below_breakpoint": float(seg["slope_before"]),
            "elasticity_above_breakpoint": float(seg["slope_after"]),
            "noise_sd_explaining_decline": float(self.noise["noise_sd"].iloc[-1]),
        }
        if self.niches is not None:
            out["niche_elasticities"] = {
                str(r.niche): r.estimate for r in self.niches.itertuples() if np.isfinite(r.estimate)}
            out["niche_heterogeneity_p_value"] = (
                float(self.niche_test["p_value"].iloc[0]) if self.niche_test is not None else None)
        if self.posts is not None:
            out["post_level_elasticity"] = {
                str(r.platform): {"estimate": r.estimate, "ci_low": r.ci_low, "ci_high": r.ci_high,
                                  "n_posts": r.n_posts, "n_accounts": r.n_accounts}
                for r in self.posts.table.itertuples()}
        out["tiers"] = self.tiers[["scheme", "tier", "follower_min", "follower_max", "n",
                                   "median_rate", "median_rate_ci_low", "median_rate_ci_high",
                                   "mean_rate", "pooled_rate", "pooled_rate_ci_low",
                                   "pooled_rate_ci_high"]].astype(object).where(
            self.tiers.notna(), None).to_dict("records")
        out["tier_schemes"] = self.schemes[["scheme", "scheme_source", "tier", "follower_min",
                                            "n", "median_rate", "mean_rate", "pooled_rate"]
                                           ].astype(object).where(self.schemes.notna(), None
                                                                  ).to_dict("records")
        out["er_definition"] = {"spelling": self.er_definition.spelling,
                                "name": self.er_definition.name, "words": self.rate_words,
                                "pooled": self.er_definition.pooled}
        out["robustness"] = {"engagement_rate_declines": self.robustness_summary()}
        return out

    def verdict_markdown(self) -> str:
        """The elasticity and the verdicts in plain words (`words.verdict_markdown`)."""
        return verdict_markdown(self.fit.table.iloc[0], self.check, self.claims(), alpha=self.alpha)


def run_analysis(inputs: Inputs, p: EngagementParams) -> EngagementAnalysis:
    """Every engagement model on the loaded inputs, with the notebook's settings.

    Example:
        >>> import tempfile
        >>> p = notebook_params(data="sample", n_boot=20, run_dir=tempfile.mkdtemp())
        >>> [c.id for c in run_analysis(load_inputs(p), p).claims()]
        ['engagement_rate_declines', 'engagement_inverted_u', 'engagement_rate_sweet_spot']
    """
    return analyse_accounts(inputs.accounts, inputs.posts, niche=p.niche_column, tiers=p.tiers,
                            alpha=p.alpha, seed=p.seed, n_boot=p.n_boot,
                            selected_on_outcome=p.selected_on_outcome,
                            er_definition=p.er_definition)


def analyse_accounts(
    accounts: pd.DataFrame,
    posts: pd.DataFrame | None = None,
    *,
    niche: str | None = "niche",
    tiers: str = "blog",
    alpha: float = 0.05,
    seed: int = 7,
    n_boot: int = 1000,
    selected_on_outcome: bool | None = None,
    published_platform: str | None = None,
    er_definition: RateDefinition | str | None = None,
) -> EngagementAnalysis:
    """Run every engagement model on an influencers table (and optional posts table).

    `tiers` is a scheme name or ``"all"``; `er_definition` the engagement-rate definition of
    every rate and of the elasticity (`methods.rate_definitions`; None: the default, which
    leaves the table as it is). The decline claim is also re-estimated under every definition
    the data can answer (`robustness.decline_grid`), with this one as the pre-specified row.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> w = simulate_world(seed=1, n_influencers=600, n_campaigns=0)
        >>> a = analyse_accounts(w.influencers, w.posts, n_boot=20)
        >>> a.posts.table["platform"].item(), a.check.warning
        ('instagram', False)
    """
    definition = parse_definition(er_definition)
    raw_accounts = accounts
    accounts = apply_definition(accounts, posts, definition)
    niche = niche if niche and niche in accounts.columns and accounts[niche].nunique() > 1 else None
    platform = "platform" if "platform" in accounts.columns else None
    acc = prepare_accounts(accounts, niche=niche, platform=platform)
    check = range_check(acc, selected_on_outcome=selected_on_outcome)
    fit = elasticity(acc, alpha=alpha)
    niches = niche_test = None
    if niche is not None:
        niches = niche_elasticities(accounts, niche=niche, alpha=alpha)
        if int(niches["estimate"].notna().sum()) >= 2:
            niche_test = niche_heterogeneity(accounts, niche=niche)
    platforms = acc["platform"].dropna().unique().tolist() if platform else []
    bench = published_platform or (str(platforms[0]) if len(platforms) == 1 else "instagram")
    post_fit = post_offset = None
    if posts is not None:
        post_fit = post_elasticity(posts, accounts=accounts, alpha=alpha)
        post_offset = offset_view(post_fit)
    draws = account_draws(accounts, tiers=tiers, platform=bench, n_boot=n_boot, seed=seed)
    return EngagementAnalysis(
        accounts=acc, overview=data_overview(accounts, acc), check=check, fit=fit,
        rate_models=rate_models(fit), noise=follower_noise_sensitivity(fit),
        quadratic=quadratic_fit(acc, alpha=alpha), two_lines=two_lines_test(acc, alpha=alpha),
        segmented=segmented_fit(acc, alpha=alpha), spline=spline_curve(acc, alpha=alpha),
        lowess=lowess_curve(acc, seed=seed), niches=niches, niche_test=niche_test,
        tiers=scheme_tier_table(accounts, schemes=scheme_names(tiers), alpha=alpha, draws=draws
                                ).assign(er_definition=definition.spelling),
        schemes=scheme_tier_table(accounts, alpha=alpha, draws=draws
                                  ).assign(er_definition=definition.spelling),
        robustness=decline_grid(raw_accounts, posts, primary=definition,
                                primary_fit=fit.table.iloc[0], alpha=alpha,
                                withheld=" ".join(check.messages) if check.warning else None),
        er_definition=definition, rate_words=definition_words(raw_accounts, posts, definition),
        published=compare_published(accounts, platform=bench, alpha=alpha, draws=draws),
        models=compare_models(acc, seed=seed, covariates=("niche", "platform")),
        residuals=residual_frame(fit), influential=influential_accounts(fit),
        posts=post_fit, posts_offset=post_offset, alpha=alpha,
    )
