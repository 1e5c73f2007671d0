"""The niche-focus test (`micro_audiences_more_focused`) on SIMULATED worlds with a known
focus_slope."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from inflresearch.data.synth import simulate_world
from inflresearch.questions.niches.focus import (
    budget_focus,
    focus_data,
    focus_test,
    nmf_mixer,
    text_budget,
    topic_entropy,
)
from inflresearch.questions.niches.model import NicheModel
from inflresearch.questions.niches.text import account_documents


def _focus(seed: int, focus_slope: float, n: int = 1500):
    w = simulate_world(seed=seed, n_influencers=n, n_campaigns=0, focus_slope=focus_slope)
    docs = account_documents(w.influencers, w.posts, text_columns=["bio", "hashtags"],
                             post_text_columns=["caption", "hashtags"])
    model = NicheModel(n_niches=6, n_resamples=0, seed=seed).fit(docs)
    return focus_test(focus_data(model, docs, w.influencers))


def test_entropy_is_normalised():
    mix = np.array([[1.0, 0, 0, 0], [0.25] * 4, [0.5, 0.5, 0, 0]])
    np.testing.assert_allclose(topic_entropy(mix), [0.0, 1.0, 0.5])
    with pytest.raises(ValueError):
        topic_entropy(np.ones(3))


@pytest.mark.parametrize(("slope", "verdict"), [(-0.5, "supported"), (0.5, "contradicted")])
def test_the_sign_of_focus_slope_is_recovered(slope, verdict):
    r = _focus(seed=3, focus_slope=slope)
    assert r.claim.verdict == verdict
    assert np.sign(r.claim.estimate) == np.sign(slope)
    assert r.claim.direction == "less" and r.claim.details["mde"] > 0
    assert r.claim.ci_low < r.claim.estimate < r.claim.ci_high


def test_too_few_accounts_is_not_testable():
    d = pd.DataFrame({"followers": [1e3, 1e4, 1e5], "focus": [0.5, 0.4, 0.3], "n_tokens": 10})
    assert focus_test(d).claim.verdict == "not testable"


@pytest.mark.slow
def test_false_positive_rate_without_a_focus_effect():
    """focus_slope = 0: the one-sided 5% test must reject in about 5% of worlds (not more)."""
    p = np.array([_focus(seed=s, focus_slope=0.0, n=800).claim.p_value for s in range(60)])
    rate = float((p < 0.05).mean())
    assert rate <= 0.12, rate  # 60 worlds: 5% +- 2.8% sd; 0.12 is > 2.4 sd above 0.05
    assert 0.2 < float(np.mean(p)) < 0.8  # p-values spread over (0, 1), not piled at one end


def _known_topic_mixer(truth):
    """The true topic mix of a SIMULATED document, from its counts of the true niche
    vocabularies: (vocabulary, mixer on term counts, mixer on whole documents)."""
    from sklearn.feature_extraction.text import CountVectorizer

    names, vocab = truth["niches"], truth["niche_vocabularies"]
    words = sorted({v for name in names for v in vocab[name]})
    index = {v: i for i, v in enumerate(words)}
    member = np.zeros((len(words), len(names)))
    for k, name in enumerate(names):
        for v in vocab[name]:
            member[index[v], k] += 1.0
    member /= member.sum(1, keepdims=True)
    counter = CountVectorizer(vocabulary=words, token_pattern=r"\S+", lowercase=False)

    def from_counts(counts):
        return np.asarray(counts @ member) + 1e-12

    return index, from_counts, lambda docs: from_counts(counter.transform(docs))


def _volume_world(seed: int, n: int = 300, slope: float = 0.3):
    """focus_slope = 0 (focus independent of followers), larger accounts post more text."""
    w = simulate_world(seed=seed, n_influencers=n, n_campaigns=0, focus_slope=0.0,
                       text_volume_slope=slope)
    text = (w.posts["caption"] + " " + w.posts["hashtags"]).groupby(w.posts["account_id"]).agg(
        " ".join)
    acc = w.influencers.set_index("account_id")
    docs = (acc["bio"] + " " + acc["hashtags"] + " " + text.reindex(acc.index).fillna(""))
    return w, docs.to_numpy(), acc["followers"].to_numpy()


def test_budget_focus_removes_the_text_volume_artefact_in_one_world():
    w, docs, followers = _volume_world(seed=0, n=600)
    vocabulary, mix, mix_documents = _known_topic_mixer(w.truth)
    n_tok = np.array([len(d.split()) for d in docs])
    assert np.corrcoef(np.log(followers), n_tok)[0, 1] > 0.3  # larger accounts post more
    whole = pd.DataFrame({"followers": followers, "n_tokens": n_tok,
                          "focus": 1 - topic_entropy(mix_documents(list(docs)))})
    assert focus_test(whole, n_tokens=None).claim.verdict == "supported"  # the artefact
    focus = budget_focus(docs, vocabulary, mix, budget=text_budget(n_tok), n_draws=5, seed=0)
    fair = focus_test(pd.DataFrame({"followers": followers, "focus": focus}), n_tokens=None)
    assert fair.claim.verdict == "inconclusive"
    assert fair.claim.details["negligible_threshold_sd"] == 0.2
    assert abs(fair.claim.details["effect_sd_10k_to_1m"]) < 0.3


@pytest.mark.slow
def test_false_supported_at_most_5_percent_when_larger_accounts_post_more():
    """120 worlds, focus independent of followers, posts per account ~ followers^0.3.

    Same worlds, before/after: the whole-document focus is `supported` in 69% of them and the
    log(n_tokens) control swings to 5.8% `contradicted`; the equal budget: 0% `supported`, 1.7%
    `contradicted`.
    """
    verdicts = []
    for seed in range(120):
        w, docs, followers = _volume_world(seed)
        n_tok = np.array([len(d.split()) for d in docs])
        vocabulary, mix, _ = _known_topic_mixer(w.truth)
        focus = budget_focus(docs, vocabulary, mix, budget=text_budget(n_tok), n_draws=3,
                             seed=seed)
        frame = pd.DataFrame({"followers": followers, "focus": focus})
        verdicts.append(focus_test(frame, n_tokens=None).claim.verdict)
    v = np.array(verdicts)
    assert (v == "supported").mean() <= 0.05, (v == "supported").mean()
    assert (v == "contradicted").mean() <= 0.05, (v == "contradicted").mean()


def test_focus_effect_is_stated_on_a_readable_scale():
    rng = np.random.default_rng(1)
    f = 10 ** rng.uniform(3, 7, 2000)
    d = pd.DataFrame({"followers": f, "focus": 0.5 - 0.05 * np.log10(f) + rng.normal(0, 0.1, 2000)})
    c = focus_test(d, n_tokens=None).claim
    assert c.details["effect_10k_to_1m"] == pytest.approx(2 * c.estimate)
    sd = d["focus"].std()
    assert c.details["effect_sd_10k_to_1m"] == pytest.approx(2 * c.estimate / sd)
    assert not c.details["negligible"] and "between-account SD" in c.note
    tiny = d.assign(focus=0.5 - 0.001 * np.log10(f) + rng.normal(0, 0.1, 2000))
    assert focus_test(tiny, n_tokens=None).claim.details["negligible"]


def test_the_budget_draws_are_uniform_subsets_without_replacement():
    """Each token is drawn with probability budget / length, never twice (counts never exceed
    the document's own), and a budget equal to the length keeps the whole document."""
    doc = " ".join(f"w{i}" for i in range(10))
    vocabulary = {f"w{i}": i for i in range(10)}
    seen = []
    budget_focus([doc] * 2000, vocabulary, lambda c: seen.append(c.toarray()) or
                 np.ones((c.shape[0], 2)), budget=3, n_draws=1, seed=1)
    drawn = seen[0]
    assert drawn.max() == 1 and (drawn.sum(1) == 3).all()
    np.testing.assert_allclose(drawn.mean(0), 0.3, atol=0.04)  # 2000 draws: sd 0.010
    full = budget_focus([doc], vocabulary, lambda c: np.c_[c.toarray()[:, :5].sum(1), 1.0],
                        budget=10, n_draws=1)
    assert full[0] == pytest.approx(1 - topic_entropy(np.array([[5.0, 1.0]]))[0])


def test_nmf_mixer_on_counts_equals_the_model_on_the_documents():
    w = simulate_world(seed=5, n_influencers=400, n_campaigns=0)
    docs = account_documents(w.influencers, w.posts, text_columns=["bio", "hashtags"],
                             post_text_columns=["caption", "hashtags"])
    model = NicheModel(n_niches=4, n_resamples=0, seed=5).fit(docs)
    from sklearn.feature_extraction.text import CountVectorizer

    text = docs["document"].astype(str).tolist()[:50]
    counts = CountVectorizer(vocabulary=model.vectorizer_.vocabulary_, token_pattern=r"\S+",
                             lowercase=False).transform(text)
    direct = model.nmf_.transform(model.vectorizer_.transform(text))
    np.testing.assert_allclose(nmf_mixer(model)(counts), direct, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("block_bits", [14, 2])
def test_budget_draws_from_counts_equal_a_per_document_reference(block_bits, monkeypatch):
    """One vectorised draw (`budget_focus_counts`) equals the plain one: per document, list its
    tokens (terms by their counts, then one 'other' token per token outside the terms), give
    each the same random key (drawn block of documents by block), keep the `budget` tokens
    with the smallest keys and count them."""
    import scipy.sparse as sp

    from inflresearch.questions.niches import focus

    monkeypatch.setattr(focus, "BLOCK_BITS", block_bits)
    rng = np.random.default_rng(3)
    counts = sp.random(40, 7, density=0.5, random_state=4, format="csr")
    counts.data = rng.integers(1, 9, len(counts.data)).astype(float)
    in_terms = np.asarray(counts.sum(1)).ravel().astype(int)
    lengths = in_terms + rng.integers(0, 5, 40)
    budget = 12
    seen = []
    focus.budget_focus_counts(counts, lengths, lambda c: seen.append(c.toarray()) or
                              np.ones((c.shape[0], 2)), budget=budget, n_draws=1, seed=9)
    rows = np.flatnonzero(lengths >= budget)
    draw = np.random.default_rng(9)
    expected = []
    for block in np.array_split(rows, range(1 << block_bits, len(rows), 1 << block_bits)):
        keys, at = draw.integers(0, 1 << focus.RANDOM_BITS, size=int(lengths[block].sum()),
                                 dtype=np.uint64), 0
        for i in block:
            row = counts[[i]]
            terms = (list(np.repeat(row.indices, row.data.astype(int)))
                     + [7] * (lengths[i] - in_terms[i]))
            k = keys[at:at + len(terms)]
            at += len(terms)
            kept = [t for _, t in sorted(zip(k.tolist(), terms, strict=True))[:budget]]
            expected.append(np.bincount(kept, minlength=8)[:7])
    np.testing.assert_array_equal(seen[0], np.array(expected))


def test_budget_focus_counts_equals_budget_focus_on_documents():
    docs = ["a b c a zz", "b b b c", "a", "c c a b a b zz q"]
    vocabulary = {"a": 0, "b": 1, "c": 2}
    mix = lambda c: c.toarray() + 0.1  # noqa: E731
    import scipy.sparse as sp

    from inflresearch.questions.niches.focus import budget_focus_counts

    counts = sp.csr_matrix(np.array([[2, 1, 1], [0, 3, 1], [1, 0, 0], [2, 2, 2]], dtype=float))
    np.testing.assert_array_equal(
        budget_focus(docs, vocabulary, mix, budget=3, n_draws=4, seed=2),
        budget_focus_counts(counts, np.array([5, 4, 1, 8]), mix, budget=3, n_draws=4, seed=2))
