"""Niche discovery: cluster accounts by what they post, choose the number of niches from the data.

Model (`NicheModel`). Each account's document (`niches_text.account_documents`) is turned into
two TF-IDF blocks (sublinear tf, ``min_df``/``max_df``): character 3-5-grams of its hashtags, which
split compound and multilingual tags (``#foodporn``, ``#travelgram``, ``#viagem``) into shared
pieces, and its words, down-weighted (``word_weight``) because in short multilingual captions
words say more about language than about topic. The blocks are stacked, reduced by TruncatedSVD
(LSA) and L2-normalised, so euclidean KMeans is cosine clustering.

For every k in ``k_range`` a seeded subsample of at most ``selection_size`` accounts gives

- ``silhouette``: mean silhouette in the LSA space (on at most ``silhouette_sample`` accounts);
- ``stability``: mean adjusted Rand index, over all accounts, between that clustering and the
  clusterings fitted on ``n_resamples`` random subsamples (``resample_fraction``, other seeds),
  each extended to every account by nearest centroid; ``stability_low`` is the lowest one.

The chosen k has the highest silhouette among the k whose stability is at least
``stability_threshold`` (0.75); when no k is that stable the best-silhouette k is used. The final
clustering uses all accounts. Each niche gets a Jaccard stability (Hennig 2007/2008: mean best
Jaccard match over the resamples; below 0.75 a niche is not a valid stable cluster, below 0.5 it
dissolves). The solution is flagged weak (``weak_``) unless the chosen k reproduces almost exactly
(stability >= ``strong_stability``, 0.9), every niche is valid, and the silhouette is at least
``min_silhouette`` (0.1; text clusters in a cosine space rarely reach the 0.25 of low-dimensional
data even when they are right). Choosing k and trusting the result are kept apart on purpose:
accounts that mix topics, or incidental structure (generic hashtags, language), give clusterings
that are reproducible enough to pick a k but far from distinct niches.

Niche labels are the terms (whole hashtags and words) whose TF-IDF is most above average in the
niche. An NMF topic model with k topics on the same terms gives
interpretable topics and each account's topic mix (the niche-focus test uses its entropy).

Optional numeric features (`fit(..., numeric=)`, e.g. an engagement profile or posting frequency)
enter as rank-based z-scores scaled to a small block (``numeric_weight``, total variance
``numeric_weight**2`` against the unit text vectors). Follower columns are refused: followers never
enter the model, since assignment is about content; `niches_report.size_split` checks afterwards
that the niches are not size bands.

Example:
    >>> from inflresearch.data.synth import simulate_world
    >>> from inflresearch.questions.niches.text import account_documents
    >>> w = simulate_world(seed=1, n_influencers=600, n_campaigns=0)
    >>> docs = account_documents(w.influencers, w.posts, text_columns=["bio", "hashtags"],
    ...                          post_text_columns=["caption", "hashtags"])
    >>> m = NicheModel(k_range=(4, 8), n_resamples=3, seed=1).fit(docs)
    >>> m.k_
    6
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClusterMixin
from sklearn.cluster import KMeans
from sklearn.decomposition import NMF, TruncatedSVD
from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer, TfidfVectorizer
from sklearn.metrics import pairwise_distances, silhouette_score
from sklearn.preprocessing import normalize
from threadpoolctl import threadpool_limits

from inflresearch.errors import DataError
from inflresearch.methods.partitions import ari

NO_TEXT = "(no text)"
WEAK_JACCARD = 0.75


def _hashtags_only(document: str) -> str:
    """The hashtags of a token document, without '#', for character n-grams."""
    return " ".join(t[1:] for t in document.split() if t[0] == "#")


class HashtagNgrams:
    """Analyzer: the ``char_wb`` n-grams of a document's hashtags, each hashtag's computed once.

    scikit-learn's ``char_wb`` analyzer pads and slices every word on its own, so a document's
    n-grams are those of its hashtags in turn; an account repeats its hashtags over many posts,
    and caching per hashtag gives the same n-grams (and TF-IDF) at a fraction of the cost.

    Example:
        >>> HashtagNgrams((3, 3))("#gym word #gym")
        [' gy', 'gym', 'ym ', ' gy', 'gym', 'ym ']
    """

    def __init__(self, ngram_range: tuple[int, int]) -> None:
        self.ngram_range = ngram_range
        self._ngrams = TfidfVectorizer(analyzer="char_wb", ngram_range=ngram_range,
                                       lowercase=False).build_analyzer()
        self._cache: dict[str, list[str]] = {}

    def __call__(self, document: str) -> list[str]:
        cache, out = self._cache, list[str]()
        for tag in _hashtags_only(document).split():
            grams = cache.get(tag)
            if grams is None:
                grams = cache[tag] = self._ngrams(tag)
            out += grams
        return out

    def matrix(self, hashtags: np.ndarray) -> tuple[sp.csr_matrix, np.ndarray, np.ndarray]:
        """The n-gram counts of each of `hashtags` (``#tag`` tokens; float32, hashtags x n-grams),
        the n-grams, sorted, and each one's place in the order first met along `hashtags`.
        A document's n-gram counts are its hashtag counts times this matrix.

        Example:
            >>> m, names, seen = HashtagNgrams((3, 3)).matrix(np.array(["#gym", "#ym"]))
            >>> names.tolist(), m.toarray().tolist(), seen.tolist()
            ([' gy', ' ym', 'gym', 'ym '], [[1.0, 0.0, 1.0, 1.0], [0.0, 1.0, 0.0, 1.0]], [0, 3, 1, 2])
        """
        index: dict[str, int] = {}
        rows: list[int] = []
        cols: list[int] = []
        for i, tag in enumerate(hashtags):
            grams = [index.setdefault(g, len(index)) for g in self(str(tag))]
            rows += [i] * len(grams)
            cols += grams
        names = np.array(list(index), dtype=object)
        order = np.argsort(names.astype(str), kind="stable")
        position = np.empty(len(order), dtype=np.int64)
        position[order] = np.arange(len(order))
        out = sp.csr_matrix((np.ones(len(rows), dtype=np.float32),
                             (np.asarray(rows, dtype=np.int64), position[np.asarray(cols, dtype=np.int64)])),
                            shape=(len(hashtags), len(order)))
        out.sum_duplicates()
        return out, names[order], order


def _limit_features(counts: sp.csr_matrix, names: np.ndarray, min_df: float, max_df: float,
                    max_features: int | None) -> tuple[sp.csr_matrix, np.ndarray]:
    """The columns (terms, sorted by name) that scikit-learn's CountVectorizer keeps with these
    `min_df`, `max_df` and `max_features`: its rule and tie order (`CountVectorizer._limit_features`)
    on the same sorted float32 counts, so the same terms. ValueError when none is left.

    Example:
        >>> c = sp.csr_matrix(np.array([[1, 2, 0], [1, 0, 0], [1, 0, 3]], dtype=np.float32))
        >>> _limit_features(c, np.array(["a", "b", "c"], dtype=object), 1, 0.9, None)[1].tolist()
        ['b', 'c']
    """
    dfs = np.bincount(counts.indices, minlength=counts.shape[1])
    tfs = np.asarray(counts.sum(axis=0)).ravel()
    kept = _kept_columns(dfs, tfs, counts.shape[0], min_df, max_df, max_features)
    if len(kept) == counts.shape[1]:
        return counts, names
    return counts[:, kept].tocsr(), names[kept]


#: documents whose hashtag n-grams are counted, weighted and placed together
ROW_CHUNK = 8192


def _kept_columns(dfs: np.ndarray, tfs: np.ndarray, n_doc: int, min_df: float, max_df: float,
                  max_features: int | None) -> np.ndarray:
    """The columns CountVectorizer keeps from their document frequencies `dfs` and totals `tfs`
    (float32, as it sums them): its rule and tie order. ValueError when none is left."""
    high = max_df if _is_int(max_df) else max_df * n_doc
    low = min_df if _is_int(min_df) else min_df * n_doc
    if high < low:
        raise ValueError("max_df corresponds to < documents than min_df")
    mask = (dfs <= high) & (dfs >= low)
    if max_features is not None and mask.sum() > max_features:
        mask_inds = (-tfs[mask]).argsort()[:max_features]
        new_mask = np.zeros(len(dfs), dtype=bool)
        new_mask[np.where(mask)[0][mask_inds]] = True
        mask = new_mask
    kept = np.flatnonzero(mask)
    if not len(kept):
        raise ValueError("After pruning, no terms remain. Try a lower min_df or a higher max_df.")
    return kept


def _with_tag_block(words: sp.csr_matrix | None, tag_docs: sp.csr_matrix, grams: sp.csr_matrix,
                    gram_names: np.ndarray, gram_seen: np.ndarray, vectorizer: TfidfVectorizer,
                    weight: float) -> sp.csr_matrix:
    """``hstack([words, weight * normalize(tfidf(tag_docs @ grams))])``, the hashtag block fitted
    into `vectorizer` as its own TfidfVectorizer would be (same pruning, IDF and order of
    entries), built `ROW_CHUNK` documents at a time straight into the stacked matrix: the
    n-gram counts (the largest matrix) are never all in memory. ValueError: no n-gram left."""
    n_doc, n_grams = tag_docs.shape[0], grams.shape[1]
    chunks = range(0, n_doc, ROW_CHUNK)
    dfs, tfs = np.zeros(n_grams, dtype=np.int64), np.zeros(n_grams)
    capacity = 0
    for a in chunks:  # document frequency and total count of every n-gram
        x = sp.csr_matrix(tag_docs[a:a + ROW_CHUNK] @ grams)
        dfs += np.bincount(x.indices, minlength=n_grams)
        tfs += np.bincount(x.indices, weights=x.data, minlength=n_grams)
        capacity += x.nnz
    kept = _kept_columns(dfs, tfs.astype(np.float32), n_doc, vectorizer.min_df,
                         vectorizer.max_df, vectorizer.max_features)
    idf = (dfs[kept].astype(np.float32) + np.float32(vectorizer.smooth_idf))  # as TfidfTransformer
    idf = np.full_like(idf, n_doc + int(vectorizer.smooth_idf), dtype=np.float32) / idf
    np.log(idf, out=idf)
    idf += 1.0
    vectorizer.vocabulary_ = {str(t): i for i, t in enumerate(gram_names[kept])}
    vectorizer.fixed_vocabulary_ = False
    vectorizer.idf_ = idf
    tfidf = TfidfTransformer(norm=vectorizer.norm, use_idf=vectorizer.use_idf,
                             smooth_idf=vectorizer.smooth_idf, sublinear_tf=vectorizer.sublinear_tf)
    tfidf.idf_ = idf
    tfidf.n_features_in_ = len(kept)
    grams = grams[:, kept].tocsr()
    place = np.argsort(np.argsort(gram_seen[kept], kind="stable"), kind="stable")
    n_words = 0 if words is None else words.shape[1]
    capacity += 0 if words is None else words.nnz
    indices = np.empty(capacity, dtype=np.int32 if n_words + len(kept) < 2**31 else np.int64)
    data = np.empty(capacity, dtype=np.float32)
    indptr = np.zeros(n_doc + 1, dtype=np.int64)
    for a in chunks:
        x = sp.csr_matrix(tag_docs[a:a + ROW_CHUNK] @ grams)
        _order_as_seen(x, place)
        x = normalize(tfidf.transform(x, copy=False), copy=False)
        x.data *= np.float32(weight)
        part = x if words is None else sp.hstack([words[a:a + ROW_CHUNK], x], format="csr")
        at = int(indptr[a])
        data[at:at + part.nnz] = part.data
        indices[at:at + part.nnz] = part.indices
        indptr[a + 1:a + 1 + part.shape[0]] = at + part.indptr[1:]
    end = int(indptr[-1])
    return sp.csr_matrix((data[:end], indices[:end], indptr), shape=(n_doc, n_words + len(kept)),
                         copy=False)


def _first_seen(counts: sp.csr_matrix) -> np.ndarray:
    """The columns of a CountVectorizer's counts in the order its terms were first met in the
    documents: within each row scikit-learn stores the entries in that order."""
    rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
    first = np.full(counts.shape[1], counts.shape[0], dtype=np.int64)
    np.minimum.at(first, counts.indices, rows)
    return np.asarray(counts.indices[first[counts.indices] == rows], dtype=np.int64)


def _order_as_seen(counts: sp.csr_matrix, seen: np.ndarray) -> None:
    """Store each row's entries in the order the terms were first met (`seen`: column ->
    place), as CountVectorizer stores them, so sums over a row add in the same order."""
    place = np.empty(len(seen), dtype=counts.indices.dtype)
    place[:] = seen
    column = np.empty(len(seen), dtype=counts.indices.dtype)
    column[place] = np.arange(len(seen))
    _remap(counts.indices, place)
    counts.has_sorted_indices = False
    counts.sort_indices()
    _remap(counts.indices, column)
    counts.has_sorted_indices = False


def _remap(values: np.ndarray, mapping: np.ndarray, step: int = 1 << 22) -> None:
    """``values[:] = mapping[values]`` in place, a slice at a time (no full-size temporary)."""
    for start in range(0, len(values), step):
        part = values[start:start + step]
        part[:] = mapping[part]


def _fit_tfidf(vectorizer: TfidfVectorizer, counts: sp.csr_matrix, terms: np.ndarray, *,
               copy: bool = True) -> sp.csr_matrix:
    """Make `vectorizer` the TfidfVectorizer fitted to documents with these term `counts`
    (columns: `terms`, sorted) and return their TF-IDF, as `vectorizer.fit_transform` would
    (``copy=False``: computed in place of `counts`)."""
    vectorizer.vocabulary_ = {str(t): i for i, t in enumerate(terms)}
    vectorizer.fixed_vocabulary_ = False
    weight = TfidfTransformer(norm=vectorizer.norm, use_idf=vectorizer.use_idf,
                              smooth_idf=vectorizer.smooth_idf,
                              sublinear_tf=vectorizer.sublinear_tf).fit(counts)
    vectorizer.idf_ = weight.idf_
    return weight.transform(counts, copy=copy)


def _labels_by_size(labels: np.ndarray, k: int) -> np.ndarray:
    """Relabel clusters 0..k-1 by decreasing size (ties by old label): deterministic names."""
    sizes = np.bincount(labels, minlength=k)
    order = np.lexsort((np.arange(k), -sizes))
    remap = np.empty(k, dtype=np.int64)
    remap[order] = np.arange(k)
    return remap[labels]


def _jaccard_best(reference: np.ndarray, other: np.ndarray, k: int) -> np.ndarray:
    """For each reference cluster, the best Jaccard overlap with any cluster of `other`."""
    table = np.zeros((k, int(other.max()) + 1))
    np.add.at(table, (reference, other), 1.0)
    union = table.sum(1)[:, None] + table.sum(0)[None, :] - table
    return (table / np.maximum(union, 1.0)).max(axis=1)


def _bad(name: str, value: object, rule: str) -> ValueError:
    return ValueError(f"NicheModel parameter {name!r} must be {rule}; got {value!r}")


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _check_int(name: str, value: object, minimum: int, *, optional: bool = False) -> None:
    if optional and value is None:
        return
    if not _is_int(value) or int(value) < minimum:  # type: ignore[call-overload]
        raise _bad(name, value, f"an integer >= {minimum}" + (" or None" if optional else ""))


def _check_range(name: str, value: object, lo: float, hi: float) -> None:
    if not _is_number(value) or not lo <= float(value) <= hi:  # type: ignore[arg-type]
        raise _bad(name, value, f"a number from {lo:g} to {hi:g}")


def _check_pair(name: str, value: object, minimum: int) -> None:
    ok = (isinstance(value, tuple | list) and len(value) == 2 and all(map(_is_int, value))
          and minimum <= value[0] <= value[1])
    if not ok:
        raise _bad(name, value, f"a pair of integers ({minimum} <= low <= high)")


class NicheModel(ClusterMixin, BaseEstimator):
    """Content niches from account documents (see the module docstring).

    A scikit-learn estimator: parameters are stored unchanged by ``__init__`` and validated by
    `fit` (a ValueError quoting the bad value), so `get_params`, `set_params`, `clone` and the
    repr work as for any estimator, and `fit_predict` returns ``labels_``. `fit` learns ``k_``,
    ``labels_`` (-1 for accounts without usable text), ``usable_`` (mask),
    ``assignments_`` (``account_id``, ``niche_discovered``,
    ``niche_terms``, ``niche_label``, ``has_text``: the hand-back to the engagement models),
    ``selection_`` (one row per k), ``stability_`` (one row per niche), ``terms_`` (top terms per
    niche), ``topics_`` and ``topic_mix_`` (NMF, clustered accounts), ``n_no_text_`` and
    ``n_no_vocab_`` (accounts without text / without a usable term), ``weak_``, ``space_`` (the
    LSA coordinates of clustered accounts) and the fitted ``vectorizer_``, ``tag_vectorizer_``,
    ``svd_``, ``kmeans_``, ``nmf_``, and ``counts_`` (the term counts of clustered accounts,
    the TF-IDF's input; the focus budget draws use them).

    Example:
        >>> m = NicheModel(n_niches=3, n_resamples=2)
        >>> m
        NicheModel(n_niches=3, n_resamples=2)
        >>> m.set_params(seed=1).get_params()["seed"]
        1
    """

    def __init__(
        self,
        n_niches: int | str = "auto",
        *,
        k_range: tuple[int, int] = (4, 12),
        n_components: int = 100,
        min_df: int | float = 2,
        max_df: float = 0.5,
        max_features: int | None = 100_000,
        n_resamples: int = 10,
        resample_fraction: float = 0.8,
        selection_size: int = 10_000,
        stability_threshold: float = 0.75,
        strong_stability: float = 0.9,
        min_silhouette: float = 0.1,
        silhouette_sample: int = 3000,
        n_init: int = 3,
        hashtag_weight: float = 1.0,
        word_weight: float = 0.3,
        char_ngrams: tuple[int, int] = (3, 5),
        n_terms: int = 8,
        numeric_weight: float = 0.2,
        n_threads: int | None = 1,
        seed: int = 7,
    ) -> None:
        self.n_niches = n_niches
        self.k_range = k_range
        self.n_components = n_components
        self.min_df = min_df
        self.max_df = max_df
        self.max_features = max_features
        self.n_resamples = n_resamples
        self.resample_fraction = resample_fraction
        self.selection_size = selection_size
        self.stability_threshold = stability_threshold
        self.strong_stability = strong_stability
        self.min_silhouette = min_silhouette
        self.silhouette_sample = silhouette_sample
        self.n_init = n_init
        self.hashtag_weight = hashtag_weight
        self.word_weight = word_weight
        self.char_ngrams = char_ngrams
        self.n_terms = n_terms
        self.numeric_weight = numeric_weight
        self.n_threads = n_threads
        self.seed = seed

    # --- fitting ---------------------------------------------------------------------------
    def _check_params(self) -> None:
        """Validate every parameter (at fit time, as scikit-learn estimators do)."""
        if not (self.n_niches == "auto" or _is_int(self.n_niches) and int(self.n_niches) >= 2):
            raise _bad("n_niches", self.n_niches, "'auto' or an integer >= 2")
        _check_pair("k_range", self.k_range, 2)
        _check_pair("char_ngrams", self.char_ngrams, 1)
        for name, minimum in (("n_components", 2), ("selection_size", 2), ("n_init", 1),
                              ("silhouette_sample", 2), ("n_terms", 1), ("n_resamples", 0),
                              ("seed", 0)):
            _check_int(name, getattr(self, name), minimum)
        _check_int("max_features", self.max_features, 1, optional=True)
        _check_int("n_threads", self.n_threads, 1, optional=True)
        for name, lo, hi in (("max_df", 0.0, 1.0), ("stability_threshold", 0.0, 1.0),
                             ("strong_stability", 0.0, 1.0), ("min_silhouette", -1.0, 1.0),
                             ("hashtag_weight", 0.0, np.inf), ("word_weight", 0.0, np.inf),
                             ("numeric_weight", 0.0, np.inf)):
            _check_range(name, getattr(self, name), lo, hi)
        if not _is_number(self.resample_fraction) or not 0 < self.resample_fraction < 1:
            raise _bad("resample_fraction", self.resample_fraction, "a number between 0 and 1")
        if not (_is_int(self.min_df) and self.min_df >= 1
                or _is_number(self.min_df) and 0 < self.min_df <= 1):
            raise _bad("min_df", self.min_df, "an integer >= 1 (accounts) or a share in (0, 1]")

    def _candidate_ks(self, n: int) -> list[int]:
        if self.n_niches != "auto":
            ks = [int(self.n_niches)]
        else:
            lo, hi = (int(v) for v in self.k_range)
            ks = list(range(lo, hi + 1))
        if n < 2 * max(ks):
            raise DataError(
                f"only {n} accounts have usable text; need at least {2 * max(ks)} to look for "
                f"up to {max(ks)} niches"
            )
        return ks

    def _kmeans(self, k: int, seed: int) -> KMeans:
        return KMeans(n_clusters=k, n_init=self.n_init, max_iter=100, random_state=seed)

    def _space(self, docs: pd.Series, numeric: pd.DataFrame | None) -> np.ndarray:
        common = {"sublinear_tf": True, "min_df": self.min_df, "max_df": self.max_df,
                  "max_features": self.max_features, "dtype": np.float32, "lowercase": False}
        # every token of every document counted once; the word and hashtag blocks come from it
        counter = CountVectorizer(token_pattern=r"\S+", lowercase=False, dtype=np.float32)
        every = counter.fit_transform(docs).tocsr()
        names = counter.get_feature_names_out().astype(object)  # sorted, as sklearn sorts
        self.vectorizer_ = TfidfVectorizer(token_pattern=r"\S+", **common)
        try:
            self.counts_, terms = _limit_features(every, names, self.min_df, self.max_df,
                                                  self.max_features)
        except ValueError:  # every term pruned by min_df / max_df
            raise DataError(
                f"no term survives the document-frequency limits (min_df={self.min_df}, "
                f"max_df={self.max_df}); too few accounts or too little text"
            ) from None
        self.tfidf_ = _fit_tfidf(self.vectorizer_, self.counts_, terms)
        is_tag = np.char.startswith(terms.astype(str), "#")
        words = (self.word_weight * normalize(self.tfidf_[:, ~is_tag])).tocsr() if (~is_tag).any() else None
        self.tag_vectorizer_ = None
        features = None
        if is_tag.any() and self.hashtag_weight > 0:
            ngrams = HashtagNgrams(self.char_ngrams)
            vectorizer = TfidfVectorizer(analyzer=ngrams, **common)
            seen = _first_seen(every)
            hashtags = seen[np.char.startswith(names[seen].astype(str), "#")]
            grams, gram_names, gram_seen = ngrams.matrix(names[hashtags])
            try:
                features = _with_tag_block(words, every[:, hashtags].tocsr(), grams, gram_names,
                                           gram_seen, vectorizer, self.hashtag_weight)
                self.tag_vectorizer_ = vectorizer
            except ValueError:  # hashtags too rare for min_df
                pass
        del every
        if features is None:
            if words is None:
                raise DataError("no word or hashtag survives the document-frequency limits")
            features = words
        features = normalize(features, copy=False)
        self.usable_rows_ = np.asarray(features.getnnz(axis=1) > 0)
        n_comp = max(2, min(self.n_components, features.shape[1] - 1, features.shape[0] - 1))
        self.svd_ = TruncatedSVD(n_components=n_comp, random_state=self.seed)
        space = normalize(self.svd_.fit_transform(features))
        if numeric is not None and numeric.shape[1]:
            ranks = numeric.rank(pct=True).fillna(0.5).to_numpy(dtype=float)
            z = (ranks - ranks.mean(0)) / np.where(ranks.std(0) > 0, ranks.std(0), 1.0)
            space = np.hstack([space, self.numeric_weight * z / np.sqrt(z.shape[1])])
        return np.ascontiguousarray(space, dtype=np.float32)

    def _select(self, space: np.ndarray, ks: list[int]) -> int:
        """Fill ``selection_`` and return the chosen k (see the module docstring)."""
        n = space.shape[0]
        rng = np.random.default_rng(self.seed)
        sel = np.sort(rng.choice(n, size=min(n, self.selection_size), replace=False))
        sil = rng.choice(len(sel), size=min(len(sel), self.silhouette_sample), replace=False)
        m = max(2 * max(ks), int(round(self.resample_fraction * len(sel))))
        subsets = [sel[rng.choice(len(sel), size=m, replace=False)]
                   for _ in range(self.n_resamples)]
        rows, self._fits, self._resampled = [], {}, {}
        distances = pairwise_distances(space[sel][sil])  # the same accounts for every k
        for k in ks:
            km = self._kmeans(k, self.seed).fit(space[sel])
            labels = km.predict(space)
            picked = labels[sel][sil]
            score = (silhouette_score(distances, picked, metric="precomputed")
                     if len(np.unique(picked)) > 1 else np.nan)
            others = [self._kmeans(k, self.seed + 1 + b).fit(space[idx]).predict(space)
                      for b, idx in enumerate(subsets)]
            aris = [ari(labels, o) for o in others]
            self._fits[k], self._resampled[k] = km, others
            rows.append({
                "k": k, "silhouette": float(score),
                "stability": float(np.mean(aris)) if aris else np.nan,
                "stability_low": float(np.min(aris)) if aris else np.nan,
                "inertia": float(km.inertia_) * n / len(sel),
            })
        table = pd.DataFrame(rows)
        table["stable"] = table["stability"] >= self.stability_threshold
        pool = table[table["stable"]] if table["stable"].any() else table
        k = int(pool["k"].to_numpy()[np.argmax(pool["silhouette"].fillna(-1.0).to_numpy())])
        table["chosen"] = table["k"] == k
        table["separated"] = table["silhouette"] >= self.min_silhouette
        self.selection_ = table
        chosen = table[table["chosen"]].iloc[0]
        unstable = bool(self.n_resamples) and not chosen["stability"] >= self.strong_stability
        self.weak_ = bool(not chosen["separated"] or unstable)
        return k

    def fit(self, documents: pd.DataFrame, y: None = None, *,
            numeric: pd.DataFrame | None = None) -> NicheModel:
        """Learn the niches from `documents` (``account_id``, ``document``; see
        `niches_text.account_documents`) and optional `numeric` features (same row order).

        Unsupervised: `y` must be None (it exists for scikit-learn's API). Raises ValueError
        for a bad parameter, DataError when no account has any text, or when too few have it
        for ``k_range``. BLAS and OpenMP threads are limited to ``n_threads`` while fitting.

        Example:
            >>> docs = pd.DataFrame({"account_id": ["a", "b"], "document": ["", None]})
            >>> NicheModel().fit(docs)
            Traceback (most recent call last):
            ...
            inflresearch.errors.DataError: column 'document': no account has any text ...
        """
        self._check_params()
        if y is not None:
            raise ValueError("NicheModel is unsupervised: y must be None "
                             "(pass numeric features as numeric=)")
        with threadpool_limits(limits=self.n_threads):
            return self._fit(documents, numeric)

    def _fit(self, documents: pd.DataFrame, numeric: pd.DataFrame | None) -> NicheModel:
        for col in ("account_id", "document"):
            if col not in documents.columns:
                raise DataError(f"documents need a {col!r} column (use account_documents)",
                                column=col)
        if numeric is not None:
            bad = [c for c in numeric.columns if "follower" in str(c).lower()]
            if bad:
                raise ValueError(f"follower counts must not drive niche assignment: drop {bad}")
            numeric = numeric.apply(pd.to_numeric, errors="coerce").reset_index(drop=True)
        doc = documents["document"].astype("string").fillna("").astype(object)
        doc = doc.reset_index(drop=True)
        has_text = doc.str.strip().ne("").to_numpy()
        if not has_text.any():
            raise DataError(
                "no account has any text in the chosen text columns (all documents are empty)",
                column="document",
            )
        space = self._space(doc[has_text], None if numeric is None else numeric[has_text])
        usable = np.zeros(len(doc), dtype=bool)
        usable[np.flatnonzero(has_text)] = self.usable_rows_
        self.n_no_text_ = int((~has_text).sum())
        self.n_no_vocab_ = int((has_text & ~usable).sum())
        space, self.tfidf_ = space[self.usable_rows_], self.tfidf_[self.usable_rows_]
        self.counts_ = self.counts_[self.usable_rows_]
        k = self._select(space, self._candidate_ks(int(usable.sum())))
        start = self._fits[k].cluster_centers_
        self.kmeans_ = KMeans(k, init=start, n_init=1, random_state=self.seed).fit(space)
        self.k_ = k
        labels = _labels_by_size(self.kmeans_.labels_, k)
        self.labels_ = np.full(len(doc), -1, dtype=np.int64)
        self.labels_[usable] = labels
        self.usable_, self.space_ = usable, space
        self._fit_stability(labels, self._resampled[k], k)
        self._fits, self._resampled = {}, {}
        self._fit_terms(labels, k)
        self._fit_topics(k)
        self.assignments_ = self._assignments(documents["account_id"].astype(str).to_numpy())
        return self

    def _fit_stability(self, labels: np.ndarray, resampled: list[np.ndarray], k: int) -> None:
        jac = np.array([_jaccard_best(labels, o, k) for o in resampled]) if resampled else None
        self.stability_ = pd.DataFrame({
            "niche": [f"N{j + 1}" for j in range(k)],
            "n": np.bincount(labels, minlength=k),
            "jaccard": jac.mean(0) if jac is not None else np.nan,
            "jaccard_low": jac.min(0) if jac is not None else np.nan,
        })
        self.stability_["weak"] = self.stability_["jaccard"] < WEAK_JACCARD
        self.weak_ = bool(self.weak_ or self.stability_["weak"].any())

    def _fit_terms(self, labels: np.ndarray, k: int) -> None:
        vocab = self.vectorizer_.get_feature_names_out()
        x = self.tfidf_
        overall = np.asarray(x.mean(axis=0)).ravel()
        rows = []
        for j in range(k):
            inside = np.asarray(x[labels == j].mean(axis=0)).ravel()
            score = inside - overall
            top = np.argsort(-score, kind="stable")[: self.n_terms]
            rows += [{"niche": f"N{j + 1}", "rank": r + 1, "term": vocab[t],
                      "score": float(score[t])} for r, t in enumerate(top)]
        self.terms_ = pd.DataFrame(rows)

    def _fit_topics(self, k: int) -> None:
        self.nmf_ = NMF(n_components=k, init="nndsvda", random_state=self.seed, max_iter=500)
        w = self.nmf_.fit_transform(self.tfidf_)
        vocab = self.vectorizer_.get_feature_names_out()
        self.topics_ = pd.DataFrame({
            "topic": [f"T{j + 1}" for j in range(k)],
            "terms": [", ".join(vocab[np.argsort(-h, kind="stable")[: self.n_terms]])
                      for h in self.nmf_.components_],
        })
        total = w.sum(axis=1, keepdims=True)
        self.topic_mix_ = np.divide(w, total, out=np.full_like(w, 1.0 / k), where=total > 0)

    def _assignments(self, ids: np.ndarray) -> pd.DataFrame:
        top3 = self.terms_[self.terms_["rank"] <= 3]
        label_terms = top3.groupby("niche", sort=False)["term"].agg(", ".join)
        names = np.array([f"N{j + 1}" for j in range(self.k_)] + [NO_TEXT], dtype=object)
        niche = names[self.labels_]
        terms = pd.Series(niche).map(label_terms).fillna("").to_numpy()
        return pd.DataFrame({
            "account_id": ids,
            "niche_discovered": niche,
            "niche_terms": terms,
            "niche_label": [n if not t else f"{n}: {t}" for n, t in zip(niche, terms, strict=True)],
            "has_text": self.usable_,
        })

    # --- summaries --------------------------------------------------------------------------
    def summary(self) -> dict[str, Any]:
        """The key numbers for results.json.

        Example:
            >>> sorted(NicheModel.summary.__annotations__)
            ['return']
        """
        row = self.selection_[self.selection_["chosen"]].iloc[0]
        return {
            "k": int(self.k_),
            "silhouette": float(row["silhouette"]),
            "stability": float(row["stability"]),
            "weak_niches": bool(self.weak_),
            "n_accounts": int(len(self.labels_)),
            "n_clustered": int(self.usable_.sum()),
            "n_no_text": int(self.n_no_text_),
            "n_no_usable_terms": int(self.n_no_vocab_),
            "n_terms": int(self.tfidf_.shape[1]),
        }
