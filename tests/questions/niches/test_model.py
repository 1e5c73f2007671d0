"""Niche discovery recovers the SIMULATED niches, says when they are weak, and is about content."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from sklearn.metrics import adjusted_rand_score

from inflresearch.data.synth import simulate_world
from inflresearch.errors import DataError
from inflresearch.questions.niches.model import NO_TEXT, NicheModel
from inflresearch.questions.niches.notebook import weak_markdown
from inflresearch.questions.niches.tables import agreement, confusion, niche_profiles, size_split
from inflresearch.questions.niches.text import account_documents


def _docs(world, posts=True):
    return account_documents(world.influencers, world.posts if posts else None,
                             text_columns=["bio", "hashtags"],
                             post_text_columns=["caption", "hashtags"] if posts else ())


@pytest.fixture(scope="module")
def clean():
    """Six well-separated SIMULATED niches, 3,000 accounts."""
    w = simulate_world(seed=21, n_influencers=3000, n_campaigns=0)
    return w, NicheModel(n_resamples=4, seed=21).fit(_docs(w))


def _ari(world, model):
    return adjusted_rand_score(world.influencers["niche"], model.assignments_["niche_discovered"])


def test_six_separated_niches_are_recovered_with_k_chosen_from_data(clean):
    w, m = clean
    assert m.selection_["k"].tolist() == list(range(4, 13))
    assert m.k_ == 6
    assert _ari(w, m) >= 0.8
    assert not m.weak_
    assert (m.stability_["jaccard"] >= 0.9).all() and not m.stability_["weak"].any()
    # each niche's label terms come from one true vocabulary
    vocab = {t: n for n, words in w.truth["niche_vocabularies"].items() for t in words}
    for niche, terms in m.terms_.groupby("niche")["term"]:
        owners = {vocab.get(t.lstrip("#")) for t in terms.head(3)} - {None}
        assert len(owners) == 1, (niche, terms.tolist())


def test_overlapping_vocabularies_lower_agreement_and_are_flagged_weak(clean):
    w0, m0 = clean
    w = simulate_world(seed=21, n_influencers=3000, n_campaigns=0, vocab_overlap=0.9,
                       topic_purity=0.4)
    m = NicheModel(n_resamples=4, seed=21).fit(_docs(w))
    assert _ari(w, m) < 0.6 < _ari(w0, m0)
    assert m.weak_
    chosen = m.selection_[m.selection_["chosen"]].iloc[0]
    assert chosen["stability"] < m.strong_stability  # reproducible enough to pick k, no more
    assert "Caution: weak niches" in weak_markdown(m)


def test_little_text_gives_unstable_niches_and_the_tables_say_so():
    w = simulate_world(seed=4, n_influencers=1500, n_campaigns=0, vocab_overlap=0.8)
    m = NicheModel(n_resamples=3, seed=4, k_range=(4, 8)).fit(_docs(w, posts=False))
    assert _ari(w, m) < 0.3
    assert m.weak_
    assert m.stability_["weak"].any() or not m.selection_["stable"].any()


def test_same_seed_same_niches():
    w = simulate_world(seed=8, n_influencers=700, n_campaigns=0)
    docs = _docs(w)
    a = NicheModel(n_resamples=2, k_range=(4, 7), seed=3).fit(docs)
    b = NicheModel(n_resamples=2, k_range=(4, 7), seed=3).fit(docs)
    pd.testing.assert_frame_equal(a.assignments_, b.assignments_)
    pd.testing.assert_frame_equal(a.selection_, b.selection_)
    pd.testing.assert_frame_equal(a.terms_, b.terms_)
    np.testing.assert_array_equal(a.topic_mix_, b.topic_mix_)


def test_accounts_without_text_are_counted_labelled_and_kept():
    w = simulate_world(seed=9, n_influencers=800, n_campaigns=0)
    inf = w.influencers.copy()
    blank = inf.index[::20]
    inf.loc[blank, ["bio", "hashtags"]] = None
    docs = account_documents(inf, text_columns=["bio", "hashtags"])
    m = NicheModel(n_niches=6, n_resamples=0, seed=1).fit(docs)
    a = m.assignments_
    assert m.n_no_text_ == len(blank) and m.summary()["n_no_text"] == len(blank)
    assert len(a) == len(inf)
    assert (a.loc[blank, "niche_discovered"] == NO_TEXT).all()
    assert not a.loc[blank, "has_text"].any() and a["has_text"].sum() == len(inf) - len(blank)
    prof = niche_profiles(a, inf)
    assert prof["niche"].iloc[-1] == NO_TEXT and prof["n"].iloc[-1] == len(blank)
    assert agreement(a, inf["niche"], n_boot=5)["n"].iloc[0] == len(inf) - len(blank)


def test_empty_text_and_too_few_accounts_raise_clear_errors():
    docs = pd.DataFrame({"account_id": list("abc"), "document": ["", None, "  "]})
    with pytest.raises(DataError, match="no account has any text"):
        NicheModel().fit(docs)
    few = pd.DataFrame({"account_id": list("abcdef"),
                        "document": ["gym yoga", "gym run", "pasta food", "pasta cake",
                                     "gym food", "yoga cake"]})
    with pytest.raises(DataError, match="need at least 24"):
        NicheModel(n_resamples=0).fit(few)
    with pytest.raises(DataError, match="document"):
        NicheModel().fit(pd.DataFrame({"account_id": ["a"]}))


def test_assignment_is_not_a_size_split_and_the_check_has_power(clean):
    w, m = clean
    check = size_split(m.assignments_, w.influencers["followers"], n_boot=50).set_index("metric")
    assert check.loc["eta_squared", "estimate"] < 0.02
    assert check.loc["ari_follower_quantiles", "estimate"] < 0.01
    # a 'clustering' that is a size split in disguise is caught
    bands = pd.qcut(np.log10(w.influencers["followers"]).rank(method="first"), 6, labels=False)
    fake = m.assignments_.assign(niche_discovered="N" + (bands + 1).astype(str))
    caught = size_split(fake, w.influencers["followers"], n_boot=50).set_index("metric")
    assert caught.loc["eta_squared", "estimate"] > 0.7
    assert caught.loc["ari_follower_quantiles", "estimate"] == pytest.approx(1.0)
    assert caught.loc["ari_follower_quantiles", "p_value"] < 0.05


def test_followers_can_never_be_a_feature(clean):
    w, _ = clean
    docs = _docs(w)
    with pytest.raises(ValueError, match="follower"):
        NicheModel().fit(docs, numeric=w.influencers[["followers"]])
    m = NicheModel(n_niches=6, n_resamples=0, seed=2).fit(
        docs, numeric=w.influencers[["engagement_rate"]])
    assert m.space_.shape[1] == m.svd_.n_components + 1
    assert _ari(w, m) > 0.8  # a weak numeric block does not drown the content


def test_agreement_and_confusion_against_known_partitions():
    a = pd.DataFrame({"niche_discovered": np.repeat(["N1", "N2", "N3"], 100)})
    same = pd.Series(np.repeat(["x", "y", "z"], 100))
    t = agreement(a, same, n_boot=50).set_index("metric")
    assert t.loc["ari", "estimate"] == pytest.approx(1.0) and t.loc["ari", "p_value"] < 0.05
    shuffled = pd.Series(np.random.default_rng(0).permutation(same.to_numpy()))
    t = agreement(a, shuffled, n_boot=200).set_index("metric")
    assert abs(t.loc["ari", "estimate"]) < 0.03 and t.loc["ari", "p_value"] > 0.05
    assert t.loc["ari", "ci_low"] <= t.loc["ari", "estimate"] <= t.loc["ari", "ci_high"]
    assert confusion(a, same).to_numpy().trace() == 300


def test_profiles_report_size_followers_and_engagement(clean):
    w, m = clean
    prof = niche_profiles(m.assignments_, w.influencers)
    assert prof["n"].sum() == len(w.influencers) and len(prof) == 6
    assert (prof["rate_ci_low"] <= prof["rate_median"]).all()
    assert (prof["rate_median"] <= prof["rate_ci_high"]).all()
    # the simulated niche effects make the pooled rates differ between niches
    assert prof["rate_pooled"].max() / prof["rate_pooled"].min() > 1.2


# --- scikit-learn estimator conventions (NicheModel is a BaseEstimator) ------------------------


def test_niche_model_passes_sklearns_parameter_checks():
    from sklearn.utils import estimator_checks as checks

    checks.check_parameters_default_constructible("NicheModel", NicheModel())
    for check in (checks.check_no_attributes_set_in_init, checks.check_get_params_invariance,
                  checks.check_set_params, checks.check_estimator_repr,
                  checks.check_estimator_cloneable,
                  checks.check_do_not_raise_errors_in_init_or_set_params):
        check("NicheModel", NicheModel(n_niches=5, k_range=(3, 9), seed=2))


def test_params_round_trip_clone_and_repr():
    from sklearn.base import clone

    m = NicheModel(5, k_range=(3, 9), char_ngrams=(2, 4), n_threads=None, seed=2)
    assert " ".join(repr(m).split()) == ("NicheModel(char_ngrams=(2, 4), k_range=(3, 9), "
                                         "n_niches=5, n_threads=None, seed=2)")
    params = m.get_params()
    assert params["k_range"] is m.k_range and params["n_niches"] == 5
    again = NicheModel().set_params(**params)
    assert again.get_params() == params and repr(again) == repr(m)
    c = clone(m)
    assert c is not m and c.get_params() == params


def test_fit_keeps_params_and_clone_is_unfitted():
    from sklearn.base import clone
    from sklearn.exceptions import NotFittedError
    from sklearn.utils.validation import check_is_fitted

    w = simulate_world(seed=8, n_influencers=400, n_campaigns=0)
    m = NicheModel(n_resamples=1, k_range=(4, 6), seed=3)
    before = m.get_params()
    with pytest.raises(NotFittedError):
        check_is_fitted(m)
    labels = m.fit_predict(_docs(w))
    check_is_fitted(m)
    assert m.get_params() == before  # fit never rewrites a parameter
    np.testing.assert_array_equal(labels, m.labels_)
    assert not any(k.endswith("_") for k in vars(clone(m)))


@pytest.mark.parametrize(("params", "quoted"), [
    ({"n_niches": 1}, "got 1"), ({"n_niches": "six"}, "got 'six'"),
    ({"k_range": (5, 3)}, r"got \(5, 3\)"), ({"n_init": 0}, "got 0"),
    ({"resample_fraction": 1.5}, "got 1.5"), ({"min_df": -1}, "got -1"),
    ({"max_df": "half"}, "got 'half'"), ({"n_threads": 0}, "got 0"),
    ({"char_ngrams": (3,)}, r"got \(3,\)"), ({"seed": 1.5}, "got 1.5"),
])
def test_bad_parameters_are_refused_at_fit_quoting_the_value(params, quoted):
    docs = pd.DataFrame({"account_id": ["a"], "document": ["gym"]})
    m = NicheModel(**params)  # stored unchanged, as scikit-learn requires
    name = next(iter(params))
    with pytest.raises(ValueError, match=rf"parameter '{name}' must be .*; {quoted}$"):
        m.fit(docs)


def test_y_is_refused_so_numeric_features_are_never_silently_dropped():
    docs = pd.DataFrame({"account_id": ["a"], "document": ["gym"]})
    with pytest.raises(ValueError, match="unsupervised"):
        NicheModel().fit(docs, pd.DataFrame({"rate": [0.1]}))


def test_cached_hashtag_ngrams_equal_sklearns_char_wb_analyzer():
    from sklearn.feature_extraction.text import TfidfVectorizer

    from inflresearch.questions.niches.model import HashtagNgrams, _hashtags_only

    docs = _docs(simulate_world(seed=5, n_influencers=300, n_campaigns=0))["document"]
    common = {"sublinear_tf": True, "min_df": 2, "max_df": 0.5, "lowercase": False}
    ref = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), preprocessor=_hashtags_only,
                          **common)
    ours = TfidfVectorizer(analyzer=HashtagNgrams((3, 5)), **common)
    a, b = ref.fit_transform(docs), ours.fit_transform(docs)
    assert list(ref.get_feature_names_out()) == list(ours.get_feature_names_out())
    assert (a != b).nnz == 0


def test_sample_analysis_keeps_its_k_selection_and_agreement(tmp_path):
    """The speed-ups (shared silhouette distances, contingency-table ARI/NMI, cached hashtag
    n-grams) change no statistic: notebook 02 on the SIMULATED sample gives the numbers of the
    reference implementation (sklearn's metrics per call, char_wb per document)."""
    from inflresearch.questions.niches.notebook import load_inputs, notebook_params, run_analysis

    p = notebook_params(data="sample", posts="sample", run_dir=str(tmp_path))
    a = run_analysis(load_inputs(p), p)
    sel = a.model.selection_.set_index("k")
    assert a.model.k_ == 6 and sel["chosen"].idxmax() == 6
    assert sel.loc[6, "stability"] == pytest.approx(1.0)
    assert sel["silhouette"].round(6).tolist() == [0.197503, 0.243563, 0.289181, 0.246231,
                                                   0.209984, 0.163717, 0.124111, 0.126242,
                                                   0.040159]
    est = a.estimates()
    assert est["ari"] == pytest.approx(0.9991623149024071, abs=1e-12)
    assert est["ari_ci"] == pytest.approx([0.9985699820894003, 0.9997980833643998], abs=1e-12)
    assert est["nmi"] == pytest.approx(0.9986478436244938, abs=1e-12)


def _reference_space(model, docs):
    """The LSA space as built with scikit-learn's vectorizers on the documents themselves."""
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    from inflresearch.questions.niches.model import HashtagNgrams

    common = {"sublinear_tf": True, "min_df": model.min_df, "max_df": model.max_df,
              "max_features": model.max_features, "dtype": np.float32, "lowercase": False}
    words = TfidfVectorizer(token_pattern=r"\S+", **common)
    tfidf = words.fit_transform(docs)
    is_tag = np.char.startswith(words.get_feature_names_out().astype(str), "#")
    tags = TfidfVectorizer(analyzer=HashtagNgrams(model.char_ngrams), **common)
    features = normalize(sp.hstack([model.word_weight * normalize(tfidf[:, ~is_tag]),
                                    model.hashtag_weight * normalize(tags.fit_transform(docs))]).tocsr())
    svd = TruncatedSVD(n_components=min(model.n_components, features.shape[1] - 1),
                       random_state=model.seed)
    return words, tags, tfidf, normalize(svd.fit_transform(features))


@pytest.mark.parametrize(("params", "chunk"), [({}, 8192), ({}, 64),
                                               ({"max_features": 300, "min_df": 0.01, "max_df": 0.6}, 100)])
def test_space_from_one_token_count_equals_sklearns_two_vectorizers(params, chunk, monkeypatch):
    """Counting tokens once (hashtag n-grams as a matrix product, built a chunk of documents at
    a time) gives the vectorizers, TF-IDF and LSA space of the two TfidfVectorizers bit for bit."""
    from inflresearch.questions.niches import model

    monkeypatch.setattr(model, "ROW_CHUNK", chunk)
    docs = _docs(simulate_world(seed=5, n_influencers=600, n_campaigns=0))["document"]
    m = NicheModel(seed=5, **params)
    space = m._space(docs, None)
    words, tags, tfidf, expected = _reference_space(m, docs)
    assert list(m.vectorizer_.get_feature_names_out()) == list(words.get_feature_names_out())
    assert list(m.tag_vectorizer_.get_feature_names_out()) == list(tags.get_feature_names_out())
    np.testing.assert_array_equal(m.vectorizer_.idf_, words.idf_)
    np.testing.assert_array_equal(m.tag_vectorizer_.idf_, tags.idf_)
    assert (m.tfidf_ != tfidf).nnz == 0
    np.testing.assert_array_equal(space, expected)


def test_indices_are_remapped_in_place_slice_by_slice():
    from inflresearch.questions.niches.model import _remap

    values, mapping = np.array([3, 1, 2, 0, 3]), np.array([9, 8, 7, 6])
    _remap(values, mapping, step=2)
    assert values.tolist() == [6, 8, 7, 9, 6]
