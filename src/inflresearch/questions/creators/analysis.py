"""Question 04's whole analysis on a posts table: size-adjusted engagement, persistence, picks.

`analyse` runs every step on a prepared post frame (`adjusted.prepare_posts`); a step the data
cannot support keeps its reason, so the claim is `not testable` with it and the notebook says
why a table or figure is absent. `CreatorsAnalysis` holds the results and the views the
notebook displays.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.questions.creators.adjusted import prepare_posts
    >>> w = simulate_world(seed=1, n_influencers=600, n_campaigns=0, with_text=False)
    >>> a = analyse(prepare_posts(w.posts), tier_range=(5e3, 1e6), n_boot=100)
    >>> [c.verdict for c in a.claims()][0]
    'supported'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from IPython.display import Markdown

from inflresearch.claims import Claim, format_p
from inflresearch.errors import DataError
from inflresearch.plots import figure_of
from inflresearch.questions._base import Analysis, absent
from inflresearch.questions.creators import plots
from inflresearch.questions.creators.adjusted import METHOD as ADJUSTED_METHOD
from inflresearch.questions.creators.adjusted import Adjusted, adjusted_engagement
from inflresearch.questions.creators.reliability import (
    MIN_PER_HALF,
    Halves,
    Reliability,
    claim_persistent,
    half_scores,
    split_half_reliability,
    split_halves,
)
from inflresearch.questions.creators.shortlist import (
    FLAG_RULES,
    PickComparison,
    _range_text,
    claim_pick,
    compare_picks,
    shortlist,
)
from inflresearch.questions.creators.words import persistent_sentence, pick_sentence
from inflresearch.text import md_escape
from inflresearch.tiers import Range


@dataclass
class CreatorsAnalysis(Analysis):
    """Every result of question 04 (None where a step could not run; the reason beside it)."""

    posts: pd.DataFrame
    adjusted: Adjusted | None
    within: Adjusted | None
    halves: Halves | None
    reliability: Reliability | None
    picks: PickComparison | None
    top: pd.DataFrame | None
    reasons: dict[str, str]
    tier_range: Range
    niche: str | None
    n_pick: int
    alpha: float

    def tested_claims(self) -> list[Claim]:
        """`engagement_is_persistent` and `adjusted_pick_beats_raw_rate`, before Holm."""
        return [claim_persistent(self.reliability, reason=self.reasons.get("reliability", "")),
                claim_pick(self.picks, reason=self.reasons.get("picks", ""))]

    def estimates(self) -> dict[str, Any]:
        """Key estimates for results.json."""
        out: dict[str, Any] = {
            "n_posts": len(self.posts), "n_accounts": int(self.posts["account"].nunique()),
            "engagements": self.posts.attrs.get("engagements", "likes"),
            "tier_range": list(self.tier_range), "niche": self.niche, "shortlist_size": self.n_pick,
        }
        if self.adjusted is not None:
            a = self.adjusted
            out |= {"elasticity": a.slope.estimate, "elasticity_ci_low": a.slope.ci_low,
                    "elasticity_ci_high": a.slope.ci_high, "account_effect_sd": float(np.sqrt(a.eb.tau2)),
                    "post_sd": float(np.sqrt(a.pooled_post_variance)),
                    "median_posts_per_account": float(a.table["n_posts"].median())}
        if self.reliability is not None:
            r = self.reliability
            out |= {"split_half_r": r.split_half_r, "reliability": r.reliability,
                    "top_persistence": r.top_persistence, "excluded_accounts": r.excluded,
                    "min_posts_per_half": r.min_per_half}
        if self.picks is not None and self.picks.testable:
            out |= {"raw_shortlist_later_rate": self.picks.raw_rate_later,
                    "adjusted_shortlist_later_rate": self.picks.adjusted_rate_later,
                    "pick_cost_estimate": self.picks.cost_estimate,
                    "pick_cost_ci_low": self.picks.cost_ci_low,
                    "pick_cost_ci_high": self.picks.cost_ci_high}
        if self.top is not None:
            out["shortlist"] = self.top["account"].tolist()
        return out

    def files(self) -> dict[str, pd.DataFrame]:
        """Every account's size-adjusted estimates as ``creators-adjusted.csv`` (when computed)."""
        if self.adjusted is None:
            return {}
        columns = ["account", "followers", "niche", "n_posts", "raw_rate", "expected_rate", "score",
                   "se", "shrinkage", "multiple", "multiple_ci_low", "multiple_ci_high", "rank"]
        return {"creators-adjusted.csv": self.adjusted.table[columns].sort_values("rank")}

    def adjusted_views(self, *, simulated: bool) -> list[Any]:
        """The size model, the shrinkage figure and what the adjusted multiple means."""
        if self.adjusted is None:
            return [absent(md_escape(self.reasons["adjusted"]))]
        a = self.adjusted
        text = (
            f"Engagements per post are {self.posts.attrs.get('engagements', 'likes')}. Across "
            f"{len(a.table):,} accounts, typical engagements per post grow with followers with "
            f"elasticity **b = {a.slope.estimate:.2f}** ({1 - a.alpha:.0%} CI "
            f"{a.slope.ci_low:.2f} to {a.slope.ci_high:.2f}, OLS with HC4 errors, pooled). "
            f"True account effects (persistent differences beyond size) have a spread of "
            f"**{np.sqrt(a.eb.tau2):.2f}** on the log scale (a creator one SD above her size "
            f"earns {np.exp(np.sqrt(a.eb.tau2)):.1f}x the expected engagement); one post varies "
            f"around its account's level by {np.sqrt(a.pooled_post_variance):.2f}. "
            f"Median posts per account: {a.table['n_posts'].median():.0f}. Every account's estimates "
            "are saved with the report as `creators-adjusted.csv`.")
        fits = [("pooled", a)] + ([("within niche", self.within)] if self.within is not None else [])
        models = pd.DataFrame([{
            "estimand": name, "elasticity": fit.slope.estimate, "ci_low": fit.slope.ci_low,
            "ci_high": fit.slope.ci_high, "creator_effect_sd": np.sqrt(fit.eb.tau2),
            "n": fit.slope.n, "method": ADJUSTED_METHOD} for name, fit in fits])
        models.attrs["name"] = "size_models"
        ax = plots.plot_shrinkage(a.table, simulated=simulated)
        return [Markdown(text), models, figure_of(ax)]

    def reliability_views(self, *, simulated: bool) -> list[Any]:
        """The split halves, the reliability table and the earlier-vs-later figure."""
        if self.reliability is None or self.halves is None:
            return [absent(md_escape(self.reasons["reliability"]))]
        r = self.reliability
        table = r.table()
        table.attrs["name"] = "reliability"
        claim = self.claims()[0]
        ax = plots.plot_halves(half_scores(self.halves), simulated=simulated)
        text = (f"{r.n_accounts:,} accounts have at least {r.min_per_half} dated posts in each half "
                f"(mean {r.mean_posts_per_half:.1f} per half); {r.excluded:,} with fewer were left "
                f"out. {persistent_sentence(claim)}")
        return [Markdown(md_escape(text)), table, figure_of(ax)]

    def pick_views(self) -> list[Any]:
        """The two shortlists' later engagements per follower, or why there is no comparison."""
        claim = self.claims()[1]
        if self.picks is None or not self.picks.testable:
            return [absent(md_escape(claim.note))]
        table = self.picks.table()
        table.attrs["name"] = "pick_comparison"
        views: list[Any] = [Markdown(md_escape(pick_sentence(claim))), table]
        c = self.picks
        if c.cost_estimate is not None and c.cost_ci_low is not None and c.cost_ci_high is not None:
            views.append(Markdown(
                f"Per unit cost (price per post): the adjusted shortlist earns "
                f"{100 * c.cost_estimate:+.0f}% engagements per unit cost relative to the raw-rate "
                f"shortlist ({1 - self.alpha:.0%} CI {100 * c.cost_ci_low:+.0f}% to "
                f"{100 * c.cost_ci_high:+.0f}%; a secondary estimate, not a claim)."))
        return views

    def shortlist_views(self) -> list[Any]:
        """The shortlist with its flags' rules printed above it."""
        if self.top is None:
            return [absent(md_escape(self.reasons["adjusted"]))]
        where = _range_text(self.tier_range) + (f", niche {md_escape(self.niche)}" if self.niche else "")
        rules = "\n".join(f"- **{name}**: {rule}" for name, rule in FLAG_RULES.items())
        head = (f"The top {self.n_pick} of {self.top.attrs.get('n_tier', 0):,} accounts with "
                f"{where}, by shrunk size-adjusted engagement on all posts. Flags are signals to "
                f"check, with these rules (never a hidden score):\n\n{rules}")
        return [Markdown(head), self.top]

    def verdict_views(self) -> list[Markdown]:
        """One line per claim: verdict, adjusted p and the note."""
        lines = []
        for c in self.claims():
            shown = "" if c.p_adjusted is None else format_p(c.p_adjusted)
            p = shown and f", Holm-adjusted p {shown if shown.startswith('<') else '= ' + shown}"
            lines.append(f"- *{md_escape(c.statement)}* -> **{c.verdict}**{p}. {md_escape(c.note)}")
        return [Markdown("\n".join(lines))]


def analyse(posts: pd.DataFrame, *, tier_range: Range, niche: str | None = None,
            n_pick: int = 10, within_niche: bool = False, min_per_half: int = MIN_PER_HALF,
            n_boot: int = 1000, alpha: float = 0.05, seed: int = 7,
            prices: pd.Series | None = None) -> CreatorsAnalysis:
    """Run question 04 on a prepared post frame (see the module docstring)."""
    reasons: dict[str, str] = {}
    adjusted = within = None
    top = None
    try:
        adjusted = adjusted_engagement(posts, alpha=alpha)
        if posts["niche"].notna().any():
            within = adjusted_engagement(posts, within_niche=True, alpha=alpha)
        chosen = within if within_niche and within is not None and within.within_niche else adjusted
        top = shortlist(chosen, tier_range=tier_range, niche=niche, n_pick=n_pick)
    except (DataError, ValueError) as exc:
        reasons["adjusted"] = f"No size-adjusted engagement: {exc}"
    halves = rel = picks = None
    if posts["posted_at"].isna().all():
        reasons["reliability"] = reasons["picks"] = (
            "the posts carry no dates (posted_at), so they cannot be split into earlier and later")
    else:
        halves = split_halves(posts, min_per_half=min_per_half)
        try:
            rel = split_half_reliability(halves, n_boot=n_boot, alpha=alpha, seed=seed)
            picks = compare_picks(halves, tier_range=tier_range, niche=niche, n_pick=n_pick,
                                  n_boot=n_boot, alpha=alpha, seed=seed, within_niche=within_niche,
                                  prices=prices)
        except (DataError, ValueError) as exc:
            reasons["reliability"] = reasons["picks"] = (
                f"{exc} ({halves.excluded:,} of {halves.n_accounts:,} accounts have fewer)")
    return CreatorsAnalysis(posts=posts, adjusted=adjusted, within=within, halves=halves,
                            reliability=rel, picks=picks, top=top, reasons=reasons,
                            tier_range=tier_range, niche=niche, n_pick=n_pick, alpha=alpha)
