"""Which creators to pick: the shortlist, its flags, and the out-of-sample pick comparison.

**Pick comparison** (claim `adjusted_pick_beats_raw_rate`). On the accounts of one tier (and
optionally one niche) with enough dated posts in both halves (`reliability.split_halves`), two
shortlists of N are chosen on the *earlier* posts: (a) the vendors' rule, the highest raw mean
engagement rate; (b) the highest shrunk size-adjusted score (`adjusted.adjusted_engagement` on
the earlier posts only). Each is scored on the *later* posts by its pooled engagements per
follower (sum of later mean engagements per post / sum of followers; per unit cost likewise
when prices are known). The estimate is the relative difference adjusted / raw - 1; the interval
and p-value come from a percentile bootstrap over the tier's accounts, re-picking both
shortlists in every replicate with the scores held fixed.

**Shortlist.** The top N of the tier by shrunk adjusted score on all posts, with flags whose
rules are printed beside the table (`FLAG_RULES`): signals for a person to check, not a score.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.questions.creators.adjusted import prepare_posts
    >>> from inflresearch.questions.creators.reliability import split_halves
    >>> w = simulate_world(seed=1, n_influencers=600, n_campaigns=0, with_text=False)
    >>> c = compare_picks(split_halves(prepare_posts(w.posts)), tier_range=(1e3, None), n_boot=100)
    >>> c.n_tier > 10, c.n_pick
    (True, 10)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from inflresearch.claims import ADJUSTED_PICK_BEATS_RAW_RATE, Claim, claim_result, not_testable
from inflresearch.methods.resampling import bootstrap_counts, bootstrap_p, percentile_ci
from inflresearch.questions.creators.adjusted import Adjusted
from inflresearch.questions.creators.reliability import Halves
from inflresearch.questions.creators.shrinkage import fit_normal_normal, moderated_variance, pooled_variance
from inflresearch.tiers import Range

MIN_TIER_MULTIPLE = 3  # a comparison needs at least three shortlists' worth of accounts
METHOD = ("shortlists chosen on earlier posts (raw mean engagement rate vs shrunk size-adjusted "
          "score), scored on later posts by pooled engagements per follower; percentile "
          "bootstrap over the tier's accounts, re-picking in every replicate")

FEW_POSTS = 6
VIRAL_SHARE = 0.5
COMMENT_FRACTION = 0.25
FLAG_RULES: Mapping[str, str] = {
    "few posts": f"fewer than {FEW_POSTS} posts: the estimate rests on little evidence",
    "one viral post": f"one post carries more than {VIRAL_SHARE:.0%} of the account's engagements",
    "few comments": (f"comments per like below {COMMENT_FRACTION:.0%} of the median of the "
                     "accounts in the tier (a pattern of bought likes)"),
    "engagement above followers": "more engagements per post than followers",
}


def early_scores(halves: Halves, *, within_niche: bool = False) -> pd.DataFrame:
    """The halves with ``predicted`` (size prediction of the earlier mean), ``score`` (shrunk
    size-adjusted, earlier posts: the posterior mean of the account effect) and ``raw`` (raw rate).

    The size model and the spread of account effects are fitted on every account's earlier
    half; the shrinkage uses the earlier half's own post variance (moderated).

    Example:
        >>> t = pd.DataFrame({"followers": np.geomspace(1e3, 1e6, 30), "n_half": 4.0,
        ...                   "y_early": np.sin(np.arange(30.0)), "var_early": 0.5,
        ...                   "rate_early": 0.01, "niche": None})
        >>> bool(early_scores(Halves(t, 3, 30, 0))["score"].abs().max() < 1)
        True
    """
    from inflresearch.methods.elasticity import log_log_slope

    t = halves.table
    data = pd.DataFrame({"log_followers": np.log(t["followers"]), "y": t["y_early"],
                         "niche": t["niche"].astype(str)})
    niche = within_niche and t["niche"].notna().all() and t["niche"].nunique() > 1
    slope = log_log_slope(data, outcome="y", covariates=("niche",) if niche else ())
    residual = t["y_early"].to_numpy() - np.asarray(slope.model.fittedvalues)
    n = t["n_half"].to_numpy()
    pooled = pooled_variance(t["var_early"].to_numpy(), n)
    se2 = moderated_variance(t["var_early"].to_numpy(), n, pooled) / n
    eb = fit_normal_normal(residual, se2)
    predicted = np.asarray(slope.model.fittedvalues)
    return t.assign(predicted=predicted, score=eb.posterior_mean, raw=t["rate_early"])


def _pick_weights(counts: np.ndarray, order: np.ndarray, n_pick: int) -> np.ndarray:
    """Per replicate, how often each account enters the top `n_pick` when ranked by `order`
    (duplicates of a resampled account count as separate picks)."""
    ranked = counts[:, order]
    before = np.cumsum(ranked, axis=1) - ranked
    weights = np.clip(n_pick - before, 0, ranked)
    out = np.empty_like(weights)
    out[:, order] = weights
    return out


@dataclass(frozen=True)
class PickComparison:
    """The out-of-sample comparison of the two shortlists (None fields when not testable)."""

    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p_value: float | None
    raw_rate_later: float | None
    adjusted_rate_later: float | None
    overlap: int | None
    cost_estimate: float | None
    n_tier: int
    n_pick: int
    tier_range: Range
    niche: str | None
    n_boot: int
    alpha: float
    cost_ci_low: float | None = None
    cost_ci_high: float | None = None

    @property
    def testable(self) -> bool:
        """True when the tier held enough accounts for a comparison."""
        return self.estimate is not None

    def table(self) -> pd.DataFrame:
        """One row per shortlist: its later engagements per follower.

        Example:
            >>> PickComparison(None, None, None, None, None, None, None, None, 5, 10, (0, None),
            ...                None, 100, 0.05).table()["shortlist"].tolist()
            ['raw engagement rate (vendors)', 'shrunk size-adjusted score']
        """
        return pd.DataFrame({
            "shortlist": ["raw engagement rate (vendors)", "shrunk size-adjusted score"],
            "later_engagements_per_follower": [self.raw_rate_later, self.adjusted_rate_later],
            "accounts_in_tier": self.n_tier, "shortlist_size": self.n_pick,
            "shared_accounts": self.overlap,
        })


def compare_picks(halves: Halves, *, tier_range: Range, niche: str | None = None,
                  n_pick: int = 10, n_boot: int = 1000, alpha: float = 0.05, seed: int = 7,
                  within_niche: bool = False, prices: pd.Series | None = None) -> PickComparison:
    """Compare the raw-rate and the shrunk-adjusted shortlists on later posts (see module doc).

    `prices` (price per post by account id), when given for every account of the tier, adds the
    relative difference in later engagements per unit cost (``cost_estimate`` with its percentile
    interval from the same replicates, ``cost_ci_low`` / ``cost_ci_high``).
    """
    scored = early_scores(halves, within_niche=within_niche)
    low, high = tier_range
    mask = scored["followers"].ge(low) & (scored["followers"].lt(high) if high is not None else True)
    if niche is not None:
        mask &= scored["niche"].astype(str).eq(niche)
    tier = scored[mask].reset_index(drop=True)
    empty = PickComparison(None, None, None, None, None, None, None, None, len(tier), n_pick,
                           tier_range, niche, n_boot, alpha)
    if len(tier) < MIN_TIER_MULTIPLE * n_pick:
        return empty
    later, fol = tier["eng_late"].to_numpy(), tier["followers"].to_numpy()
    orders = [np.argsort(-tier[c].to_numpy(), kind="stable") for c in ("raw", "score")]

    def rates(counts: np.ndarray, denominator: np.ndarray) -> list[np.ndarray]:
        picks = [_pick_weights(counts, order, n_pick) for order in orders]
        return [(w @ later) / (w @ denominator) for w in picks]

    ones = np.ones((1, len(tier)))
    raw, adj = (float(x[0]) for x in rates(ones, fol))
    counts = bootstrap_counts(np.random.default_rng(seed), len(tier), n_boot).astype(float)
    raw_reps, adj_reps = rates(counts, fol)
    reps = adj_reps / raw_reps - 1.0
    (lo,), (hi,) = percentile_ci(reps[:, None], alpha)
    cost = cost_lo = cost_hi = None
    if prices is not None:
        price = tier["account"].map(prices).to_numpy(dtype=float)
        if np.all(np.isfinite(price) & (price > 0)):
            c_raw, c_adj = (float(x[0]) for x in rates(ones, price))
            cost = c_adj / c_raw - 1.0
            cost_raw, cost_adj = rates(counts, price)
            (c_lo,), (c_hi,) = percentile_ci((cost_adj / cost_raw - 1.0)[:, None], alpha)
            cost_lo, cost_hi = float(c_lo), float(c_hi)
    overlap = len(set(orders[0][:n_pick]) & set(orders[1][:n_pick]))
    return PickComparison(adj / raw - 1.0, float(lo), float(hi), bootstrap_p(reps, 0.0, "greater"),
                          raw, adj, overlap, cost, len(tier), n_pick, tier_range, niche, n_boot,
                          alpha, cost_lo, cost_hi)


def _range_text(rng: Range) -> str:
    low, high = rng
    return f"{low:,.0f} or more followers" if high is None else f"{low:,.0f} to {high:,.0f} followers"


def claim_pick(comparison: PickComparison | None, *, reason: str = "") -> Claim:
    """`adjusted_pick_beats_raw_rate`: adjusted / raw - 1 > 0 in later engagements per follower.

    Example:
        >>> claim_pick(None, reason="no post dates").verdict
        'not testable'
    """
    if comparison is None:
        return not_testable(ADJUSTED_PICK_BEATS_RAW_RATE, reason, method=METHOD)
    c = comparison
    where = _range_text(c.tier_range) + (f" in niche {c.niche}" if c.niche else "")
    if not c.testable:
        return not_testable(
            ADJUSTED_PICK_BEATS_RAW_RATE,
            f"only {c.n_tier:,} accounts with enough dated posts in both halves have {where}; "
            f"a shortlist of {c.n_pick} needs at least {MIN_TIER_MULTIPLE * c.n_pick}",
            n=c.n_tier, method=METHOD)
    return claim_result(
        ADJUSTED_PICK_BEATS_RAW_RATE, estimate=c.estimate, ci_low=c.ci_low, ci_high=c.ci_high,
        p_value=c.p_value, n=c.n_tier, method=METHOD, null=0.0, direction="greater",
        alpha=c.alpha,
        note=f"shortlists of {c.n_pick} among {c.n_tier:,} accounts with {where}; "
             f"{c.overlap} accounts on both",
        raw_rate_later=c.raw_rate_later, adjusted_rate_later=c.adjusted_rate_later,
        shared_accounts=c.overlap, shortlist_size=c.n_pick, cost_estimate=c.cost_estimate,
        cost_ci_low=c.cost_ci_low, cost_ci_high=c.cost_ci_high,
        n_boot=c.n_boot)


def flags(table: pd.DataFrame) -> pd.Series:
    """The flags of each account (``'; '``-joined names of `FLAG_RULES`, '' for none).

    `table` has ``n_posts``, ``top_post_share``, ``comments_per_like``, ``mean_engagements``
    and ``followers``; the comment rule compares each account with the median of `table`.

    Example:
        >>> t = pd.DataFrame({"n_posts": [3.0, 20, 20, 20], "top_post_share": [0.4, 0.9, 0.1, 0.1],
        ...                   "comments_per_like": [0.05, 0.05, 0.001, 0.05],
        ...                   "mean_engagements": [10.0, 10, 10, 500], "followers": 100.0})
        >>> flags(t).tolist()
        ['few posts', 'one viral post', 'few comments', 'engagement above followers']
    """
    cpl = table["comments_per_like"].to_numpy(dtype=float)
    peers = np.nanmedian(cpl) if np.isfinite(cpl).sum() > 1 else np.nan
    rules = {
        "few posts": table["n_posts"].to_numpy() < FEW_POSTS,
        "one viral post": (table["top_post_share"].to_numpy() > VIRAL_SHARE)
        & (table["n_posts"].to_numpy() > 1),
        "few comments": np.isfinite(cpl) & np.isfinite(peers) & (cpl < COMMENT_FRACTION * peers),
        "engagement above followers": table["mean_engagements"].to_numpy()
        > table["followers"].to_numpy(),
    }
    names = np.array(list(rules))
    matrix = np.column_stack(list(rules.values()))
    return pd.Series(["; ".join(names[row]) for row in matrix], index=table.index, name="flags")


def shortlist(adjusted: Adjusted, *, tier_range: Range, niche: str | None = None,
              n_pick: int = 10) -> pd.DataFrame:
    """The top `n_pick` accounts of the tier (and niche) by shrunk size-adjusted score.

    Columns: ``account``, ``followers``, ``niche``, ``raw_rate``, ``expected_rate`` (for its
    size), ``multiple`` with ``multiple_ci_low`` / ``multiple_ci_high``, ``n_posts``,
    ``raw_rate_rank`` (its place by the vendors' rule in the tier), ``flags``.

    Example:
        >>> from inflresearch.data.synth import simulate_world
        >>> from inflresearch.questions.creators.adjusted import adjusted_engagement, prepare_posts
        >>> w = simulate_world(seed=4, n_influencers=400, n_campaigns=0, with_text=False)
        >>> s = shortlist(adjusted_engagement(prepare_posts(w.posts)), tier_range=(5e3, 1e5))
        >>> len(s), bool(s["multiple"].is_monotonic_decreasing)
        (10, True)
    """
    t = adjusted.table
    low, high = tier_range
    mask = t["followers"].ge(low) & (t["followers"].lt(high) if high is not None else True)
    if niche is not None:
        mask &= t["niche"].astype(str).eq(niche)
    tier = t[mask].copy()
    tier["raw_rate_rank"] = tier["raw_rate"].rank(ascending=False, method="min").astype(int)
    tier["flags"] = flags(tier)
    columns = ["account", "followers", "niche", "raw_rate", "expected_rate", "multiple",
               "multiple_ci_low", "multiple_ci_high", "n_posts", "raw_rate_rank", "flags"]
    top = tier.sort_values("shrunk", ascending=False, kind="stable").head(n_pick)[columns]
    top.attrs["name"] = "shortlist"
    top.attrs["n_tier"] = len(tier)
    if top.empty:
        top.attrs["empty_reason"] = f"no account has {_range_text(tier_range)}"
    return top.reset_index(drop=True)
