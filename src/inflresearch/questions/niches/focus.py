"""Niche focus: do smaller accounts speak to a more focused niche (`micro_audiences_more_focused`)?

An account's niche focus is one minus the normalised Shannon entropy of its NMF topic mix
(1: one topic only; 0: all k topics equally). Topic entropy rises mechanically with the amount of
text (a short text cannot show many topics), and larger accounts post more, so focus is measured
on an EQUAL TEXT BUDGET: every account's document is subsampled to the same number of tokens
(`budget`, by default the 20th percentile of document lengths, at least 20), the mix and focus
are computed on each of `n_draws` subsamples and averaged (`budget_focus`). Accounts with less
text than the budget are left out of the test and counted. In simulated worlds where focus does
not depend on size but larger accounts post more (NicheModel, 12 worlds), the whole-document focus
was falsely `supported` in 12, a linear ``log(n_tokens)`` control in 7, the budget in 0.

The test regresses focus on log10 followers by OLS with HC3 errors (``focus ~ log10(followers)``;
``+ log(n_tokens)`` only when a caller passes unequal budgets). The claim says micro accounts are
more focused, i.e. focus falls as followers grow: slope < 0. Reported: the slope per tenfold
followers, its two-sided CI, the one-sided p for slope < 0, the minimum detectable slope at 80%
power and, on a scale a reader can use, the difference in focus between a 10k and a 1M account
as a share of the spread (SD) of focus between accounts. A difference whose whole interval lies
within +-0.2 SD is called too small to matter (`NEGLIGIBLE_SD`: Cohen's "small" standardized
difference; below it the two accounts' focus distributions overlap by more than 92%).

Example:
    >>> import numpy as np
    >>> topic_entropy(np.array([[1.0, 0.0], [0.5, 0.5]])).round(3).tolist()
    [0.0, 1.0]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
import statsmodels.formula.api as smf
from scipy import stats
from sklearn.feature_extraction.text import TfidfTransformer

from inflresearch.claims import MICRO_AUDIENCES_MORE_FOCUSED, Claim, claim_result, declare_p_side, not_testable
from inflresearch.errors import DataError
from inflresearch.tidy import TidyResult

CLAIM = MICRO_AUDIENCES_MORE_FOCUSED
MIN_ACCOUNTS = 30
#: a 10k-vs-1M difference in focus within +-0.2 between-account SD is too small to matter
NEGLIGIBLE_SD = 0.2
#: the automatic text budget: this quantile of document lengths, and at least MIN_BUDGET tokens
BUDGET_QUANTILE = 0.2
MIN_BUDGET = 20


def topic_entropy(mix: np.ndarray) -> np.ndarray:
    """Shannon entropy of each row of a topic mix, divided by log(k): in [0, 1].

    Example:
        >>> topic_entropy(np.array([[0.25, 0.25, 0.25, 0.25]])).round(6).tolist()
        [1.0]
    """
    mix = np.asarray(mix, dtype=float)
    if mix.ndim != 2 or mix.shape[1] < 2:
        raise ValueError("topic mix must be a 2-D array with at least two topics")
    p = mix / np.where(mix.sum(1, keepdims=True) > 0, mix.sum(1, keepdims=True), 1.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = -np.where(p > 0, p * np.log(p), 0.0).sum(1)
    return np.abs(h / np.log(mix.shape[1]))  # abs: no -0.0


@dataclass
class FocusResult(TidyResult):
    """The focus regression: tidy ``table`` (one row per term) and the claim record."""

    table: pd.DataFrame
    claim: Claim
    data: pd.DataFrame

    @property
    def slope(self) -> pd.Series:
        """The row of the log10-followers slope."""
        row = self.table.set_index("term").loc["log10_followers"]
        assert isinstance(row, pd.Series)  # terms are unique
        return row

    def line(self) -> tuple[float, float]:
        """Intercept (at the mean log text length) and slope of the fitted focus line."""
        est = self.table.set_index("term")["estimate"]
        icpt = float(est["intercept"])
        if "log_tokens" in est.index:
            icpt += float(est["log_tokens"]) * float(self.data["log_tokens"].mean())
        return icpt, float(est["log10_followers"])


def focus_test(
    data: pd.DataFrame,
    *,
    focus: str = "focus",
    followers: str = "followers",
    n_tokens: str | None = "n_tokens",
    alpha: float = 0.05,
) -> FocusResult:
    """Regress niche focus on log10 followers (HC3) and test the claim slope < 0.

    Accounts without a positive follower count or without an entropy are left out (and counted in
    the claim's note). With fewer than 30 accounts the claim is not testable.

    Example:
        >>> rng = np.random.default_rng(0)
        >>> f = 10 ** rng.uniform(3, 7, 400)
        >>> d = pd.DataFrame({"followers": f, "n_tokens": 50.0,
        ...                   "focus": 0.8 - 0.05 * np.log10(f) + rng.normal(0, .1, 400)})
        >>> r = focus_test(d)
        >>> r.claim.verdict, round(float(r.slope["estimate"]), 2)
        ('supported', -0.05)
    """
    for col in (focus, followers) + ((n_tokens,) if n_tokens else ()):
        if col not in data.columns:
            raise DataError(f"focus test needs column {col!r}", column=col)
    frame = pd.DataFrame({
        "focus": pd.to_numeric(data[focus], errors="coerce"),
        "followers": pd.to_numeric(data[followers], errors="coerce"),
    })
    if n_tokens:
        frame["n_tokens"] = pd.to_numeric(data[n_tokens], errors="coerce")
    ok = frame.notna().all(axis=1) & (frame["followers"] > 0)
    if n_tokens:
        ok &= frame["n_tokens"] > 0
    dropped = int((~ok).sum())
    frame = frame[ok].assign(log10_followers=lambda d: np.log10(d["followers"]))
    formula = "focus ~ log10_followers"
    if n_tokens:
        frame["log_tokens"] = np.log(frame["n_tokens"])
        if frame["log_tokens"].nunique() > 1:
            formula += " + log_tokens"
    method = f"OLS, HC3 errors: {formula}; one-sided p for slope < 0"
    n = len(frame)
    if n < MIN_ACCOUNTS or frame["log10_followers"].nunique() < 3:
        claim = not_testable(CLAIM, f"only {n} accounts with text and followers", n=n,
                             method=method)
        return FocusResult(pd.DataFrame(), claim, frame)
    fit = smf.ols(formula, frame).fit(cov_type="HC3")
    crit = stats.norm.ppf(1 - alpha / 2)
    table = pd.DataFrame({
        "term": fit.params.index.str.replace("Intercept", "intercept"),
        "estimate": fit.params.to_numpy(),
        "se": fit.bse.to_numpy(),
        "ci_low": fit.params.to_numpy() - crit * fit.bse.to_numpy(),
        "ci_high": fit.params.to_numpy() + crit * fit.bse.to_numpy(),
        "p_value": fit.pvalues.to_numpy(),
        "n": n,
        "method": "OLS HC3 (two-sided p)",
    })
    declare_p_side(table, "two-sided, unadjusted")
    b, se = float(fit.params["log10_followers"]), float(fit.bse["log10_followers"])
    mde = (stats.norm.ppf(1 - alpha) + stats.norm.ppf(0.8)) * se
    sd = float(frame["focus"].std(ddof=1))
    effect = {"effect_10k_to_1m": 2 * b, "effect_ci_low": 2 * (b - crit * se),
              "effect_ci_high": 2 * (b + crit * se)}
    in_sd = {k.replace("effect", "effect_sd"): v / sd if sd > 0 else np.nan
             for k, v in effect.items()}
    negligible = bool(max(abs(in_sd["effect_sd_ci_low"]), abs(in_sd["effect_sd_ci_high"]))
                      < NEGLIGIBLE_SD)
    budget = data.attrs.get("budget")
    note = ("slope of niche focus (1 - normalised topic entropy, 0-1) per tenfold followers"
            + (f", measured on an equal budget of {budget} tokens per account" if budget else "")
            + f"; a 1M account differs from a 10k one by {effect['effect_10k_to_1m']:+.3f} "
            f"({in_sd['effect_sd_10k_to_1m']:+.2f} between-account SD)"
            + ("; too small to matter (the whole interval within "
               f"+-{NEGLIGIBLE_SD} SD)" if negligible else "")
            + f"; {dropped} accounts without followers or "
            + ("with less text than the budget" if budget else "without text") + " left out")
    claim = claim_result(
        CLAIM, estimate=b, ci_low=b - crit * se, ci_high=b + crit * se,
        p_value=float(stats.norm.cdf(b / se)), n=n, method=method, null=0.0, direction="less",
        alpha=alpha, note=note, mde=float(mde), focus_sd=sd, negligible=negligible,
        negligible_threshold_sd=NEGLIGIBLE_SD, text_budget=budget,
        effect_10k_to_1m=effect["effect_10k_to_1m"], effect_ci_low=effect["effect_ci_low"],
        effect_ci_high=effect["effect_ci_high"], effect_sd_10k_to_1m=in_sd["effect_sd_10k_to_1m"],
        effect_sd_ci_low=in_sd["effect_sd_ci_low"], effect_sd_ci_high=in_sd["effect_sd_ci_high"],
    )
    return FocusResult(table, claim, frame)


def text_budget(n_tokens: np.ndarray) -> int:
    """The automatic text budget: the 20th percentile of document lengths, at least 20 tokens.

    Example:
        >>> text_budget(np.arange(1, 101))
        20
    """
    lengths = np.asarray(n_tokens, dtype=float)
    lengths = lengths[lengths > 0]
    if not len(lengths):
        return MIN_BUDGET
    return max(MIN_BUDGET, int(np.floor(np.quantile(lengths, BUDGET_QUANTILE))))


def budget_focus(
    documents: Sequence[str],
    vocabulary: Mapping[str, int],
    mixer: Callable[[sp.csr_matrix], np.ndarray],
    *,
    budget: int,
    n_draws: int = 10,
    seed: int = 0,
) -> np.ndarray:
    """Focus of each document on an equal text budget, averaged over `n_draws` subsamples.

    Each document (space-separated tokens) with at least `budget` tokens is subsampled to
    `budget` tokens without replacement `n_draws` times (every token, in or out of `vocabulary`,
    counts towards the budget); `mixer` maps the draw's counts of the `vocabulary` terms (a
    sparse documents x terms matrix) to topic mixes (rows: documents); focus = 1 -
    `topic_entropy`, averaged over draws. NaN for documents shorter than the budget (they cannot
    be measured on it). The documents are counted once (`budget_focus_counts` draws the subsets
    from the counts).

    Example:
        >>> mix = lambda counts: counts.toarray()
        >>> budget_focus(["a a a a a", "a b b a", "a"], {"a": 0, "b": 1}, mix, budget=4,
        ...              n_draws=3).tolist()
        [1.0, 0.0, nan]
    """
    if budget < 1 or n_draws < 1:
        raise ValueError("budget and n_draws must be at least 1")
    n_terms = max(vocabulary.values(), default=-1) + 1
    rows, cols, lengths = [], [], np.zeros(len(documents), dtype=np.int64)
    for i, d in enumerate(documents):
        words = str(d).split()
        lengths[i] = len(words)
        ids = [j for j in map(vocabulary.get, words) if j is not None and j >= 0]
        rows += [i] * len(ids)
        cols += ids
    counts = sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                           shape=(len(lengths), n_terms))
    return budget_focus_counts(counts, lengths, mixer, budget=budget, n_draws=n_draws, seed=seed)


#: bits of the sort key left random at least: a tie at a document's budget boundary (where the
#: term id decides) has probability about length / 2**RANDOM_BITS, below 1e-6 for 1,000 tokens
RANDOM_BITS = 30
#: documents drawn together: at most 2**BLOCK_BITS (16,384), so each draw's sort works on arrays
#: of a few MB (cache-sized: the cost per document does not grow with the number of documents)
BLOCK_BITS = 14


def budget_focus_counts(
    counts: sp.csr_matrix | sp.csr_array,
    n_tokens: np.ndarray,
    mixer: Callable[[sp.csr_matrix], np.ndarray],
    *,
    budget: int,
    n_draws: int = 10,
    seed: int = 0,
) -> np.ndarray:
    """`budget_focus` from term counts: `counts` (documents x terms, whole numbers) and the
    documents' lengths `n_tokens` (all tokens; those outside the terms are the difference).

    A document's tokens are its terms repeated by their counts plus its other tokens (one extra
    term that the mixer never sees). Every draw gives each token a random key and keeps each
    document's `budget` tokens with the smallest keys, a uniform subset without replacement.
    Vectorised as one integer sort per draw and block of documents: document, random key and
    term are packed into one 64-bit key (blocks of at most 2**`BLOCK_BITS` documents, small
    enough to leave `RANDOM_BITS` random bits), so the sorted keys keep each document's tokens
    in place and its first `budget` keys are the draw.

    Example:
        >>> c = sp.csr_matrix(np.array([[5.0, 0.0], [2.0, 2.0], [1.0, 0.0]]))
        >>> budget_focus_counts(c, np.array([5, 4, 1]), lambda m: m.toarray(), budget=4,
        ...                     n_draws=3).tolist()
        [1.0, 0.0, nan]
    """
    if budget < 1 or n_draws < 1:
        raise ValueError("budget and n_draws must be at least 1")
    counts = sp.csr_matrix(counts)
    lengths = np.asarray(n_tokens, dtype=np.int64)
    in_terms = np.asarray(counts.sum(axis=1)).ravel().round().astype(np.int64)
    if len(lengths) != counts.shape[0] or (lengths < in_terms).any():
        raise ValueError("n_tokens must give one length per row of counts, at least its count")
    long_enough = lengths >= budget
    out = np.full(len(lengths), np.nan)
    if not long_enough.any():
        return out
    n_terms = counts.shape[1]
    term_bits = max(1, int(n_terms).bit_length())  # ids 0..n_terms, n_terms: any other token
    doc_bits = min(BLOCK_BITS, 64 - RANDOM_BITS - term_bits)
    if doc_bits < 1:
        raise ValueError(f"too many terms ({n_terms:,}) for 64-bit sort keys")
    rows = np.flatnonzero(long_enough)
    blocks = [rows[i:i + (1 << doc_bits)] for i in range(0, len(rows), 1 << doc_bits)]
    tokens = [_block_tokens(counts, lengths, in_terms, b, term_bits, budget) for b in blocks]
    rng = np.random.default_rng(seed)
    total = np.zeros(len(rows))
    for _ in range(n_draws):
        drawn = sp.vstack([_draw(t, len(b), budget, n_terms, term_bits, rng)
                           for t, b in zip(tokens, blocks, strict=True)], format="csr")
        total += 1.0 - topic_entropy(np.asarray(mixer(drawn), dtype=float))
    out[rows] = total / n_draws
    return out


def _block_tokens(counts: sp.csr_matrix, lengths: np.ndarray, in_terms: np.ndarray,
                  rows: np.ndarray, term_bits: int, budget: int) -> tuple[np.ndarray, np.ndarray]:
    """The tokens of documents `rows` as 64-bit keys ``(document << shift) | term`` (documents
    in order, numbered from 0 in the block; ``term = n_terms`` for tokens outside the terms) and
    whether each token's place within its document is among the first `budget`."""
    block = counts[rows]
    block.sum_duplicates()
    per_row = np.diff(block.indptr)
    other = lengths[rows] - in_terms[rows]
    n = len(rows)
    doc = np.concatenate([np.repeat(np.arange(n), per_row), np.arange(n)])
    term = np.concatenate([block.indices.astype(np.int64),
                           np.full(n, counts.shape[1], dtype=np.int64)])
    reps = np.concatenate([np.rint(block.data).astype(np.int64), other])
    order = np.argsort(doc, kind="stable")  # document-major
    doc, term, reps = doc[order], term[order], reps[order]
    shift = np.uint64(RANDOM_BITS + term_bits)
    key = np.repeat((doc.astype(np.uint64) << shift) | term.astype(np.uint64), reps)
    sizes = lengths[rows]
    rank = np.arange(len(key)) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    return key, rank < budget


def _draw(tokens: tuple[np.ndarray, np.ndarray], n_docs: int, budget: int, n_terms: int,
          term_bits: int, rng: np.random.Generator) -> sp.csr_matrix:
    """One draw of `budget` tokens per document of a block: the documents' term counts."""
    base, first = tokens
    key = rng.integers(0, 1 << RANDOM_BITS, size=len(base), dtype=np.uint64)
    key <<= np.uint64(term_bits)
    key |= base
    key.sort()  # by document, then random key: each document's block stays in place
    term = (key[first] & np.uint64((1 << term_bits) - 1)).astype(np.int64).reshape(n_docs, budget)
    term.sort(axis=1)  # each document's drawn terms in order: counts are the run lengths
    flat = term.ravel()
    start = np.ones(len(flat), dtype=bool)
    start[1:] = flat[1:] != flat[:-1]
    start[::budget] = True
    at = np.flatnonzero(start)
    runs = np.diff(np.append(at, len(flat)))
    keep = flat[at] < n_terms  # tokens outside the terms are not counted
    at, runs = at[keep], runs[keep]
    indptr = np.zeros(n_docs + 1, dtype=np.int64)
    np.cumsum(np.bincount(at // budget, minlength=n_docs), out=indptr[1:])
    drawn = sp.csr_matrix((runs.astype(np.float32), flat[at], indptr), shape=(n_docs, n_terms))
    return drawn


def nmf_mixer(model: Any) -> Callable[[sp.csr_matrix], np.ndarray]:
    """The topic mix a fitted `NicheModel` gives term counts over its vocabulary: the counts
    weighted exactly as its TF-IDF vectorizer weights them (same IDF, sublinear tf and norm),
    then its NMF. Counts of the tokens of a document give the same mix as the document itself.

    Example:
        >>> nmf_mixer.__name__
        'nmf_mixer'
    """
    v = model.vectorizer_
    weight = TfidfTransformer(norm=v.norm, use_idf=v.use_idf, smooth_idf=v.smooth_idf,
                              sublinear_tf=v.sublinear_tf)
    weight.idf_ = v.idf_

    def mix(counts: sp.csr_matrix) -> np.ndarray:
        return np.asarray(model.nmf_.transform(weight.transform(counts.astype(v.dtype))))

    return mix


def focus_data(
    model: Any,
    documents: pd.DataFrame,
    accounts: pd.DataFrame,
    *,
    followers: str = "followers",
    budget: int | str | None = "auto",
    n_draws: int = 10,
    seed: int = 0,
) -> pd.DataFrame:
    """Per clustered account: ``account_id``, ``niche``, ``n_tokens``, ``topic_entropy``,
    ``focus`` (1 - entropy) and ``followers`` (from `accounts`, matched on account_id).

    Focus is measured on an equal text budget (`budget_focus` with the model's own TF-IDF + NMF;
    ``"auto"``: `text_budget`; an int: that many tokens); ``n_tokens`` is then the budget for
    every account and accounts with less text get NaN focus (left out by `focus_test`, which
    counts them). ``budget=None`` uses each whole document (the old, volume-sensitive measure).
    ``attrs["budget"]`` records the budget.

    Example:
        >>> focus_data.__name__
        'focus_data'
    """
    usable = np.asarray(model.usable_)
    n_tokens = documents["n_tokens"].to_numpy()[usable]
    out = pd.DataFrame({
        "account_id": documents["account_id"].astype(str).to_numpy()[usable],
        "niche": model.assignments_["niche_discovered"].to_numpy()[usable],
        "n_tokens": n_tokens,
        "topic_entropy": topic_entropy(model.topic_mix_),
    })
    chosen = text_budget(n_tokens) if budget == "auto" else budget
    if chosen is not None:
        focus = budget_focus_counts(model.counts_, n_tokens, nmf_mixer(model),
                                    budget=int(chosen), n_draws=n_draws, seed=seed)
        out["topic_entropy"] = 1.0 - focus
        out["n_tokens"] = np.where(np.isfinite(focus), int(chosen), n_tokens)
    out["focus"] = 1.0 - out["topic_entropy"]
    if followers not in accounts.columns:
        raise DataError(f"accounts need a {followers!r} column", column=followers)
    size = accounts.assign(account_id=accounts["account_id"].astype(str)).drop_duplicates(
        "account_id").set_index("account_id")[followers]
    out["followers"] = pd.to_numeric(out["account_id"].map(size), errors="coerce")
    out.attrs["budget"] = None if chosen is None else int(chosen)
    return out
