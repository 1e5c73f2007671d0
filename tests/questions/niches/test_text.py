"""Tokenisation and account documents for niche discovery: multilingual, hashtag- and emoji-safe."""

from __future__ import annotations

import pandas as pd
import pytest

from inflresearch.errors import DataError
from inflresearch.questions.niches.text import account_documents, hashtag_text, tokenize


def test_tokens_keep_hashtags_and_scripts_and_drop_noise():
    text = "Sunset in BALI 🌅🏼 #Travel #2019 @friend https://t.co/x ❤️ Привет мир नमस्ते ps5"
    assert tokenize(text) == ["sunset", "bali", "#travel", "привет", "мир", "नमस्ते", "ps5"]


def test_multilingual_stop_words_are_removed():
    assert tokenize("el viaje de la semana com os amigos und der Hund") == [
        "viaje", "semana", "amigos", "hund"]


def test_emoji_never_glue_or_split_words():
    assert tokenize("yoga😍class 💪💪 #gym💪") == ["yoga", "class", "#gym"]


@pytest.mark.parametrize("raw", ["a|B", "#a #b", "a, b", "a b"])
def test_hashtag_columns_in_any_export_format(raw):
    assert hashtag_text(pd.Series([raw])).str.lower().tolist() == ["#a #b"]


def test_inline_hashtags_are_not_counted_twice():
    posts = pd.DataFrame({"account_id": ["a", "a"], "caption": ["pasta night #food", "#food"],
                          "hashtags": ["food", None]})
    docs = account_documents(pd.DataFrame({"account_id": ["a"]}), posts,
                             post_text_columns=["caption", "hashtags"])
    assert sorted(docs.loc[0, "document"].split()) == ["#food", "#food", "night", "pasta"]
    assert docs.loc[0, "n_posts"] == 2


def test_accounts_without_text_are_kept_and_counted():
    acc = pd.DataFrame({"account_id": ["a", "b", "c"], "bio": ["gym life", None, "the and of"]})
    docs = account_documents(acc, text_columns=["bio"], stop_words=["life"])
    assert docs["account_id"].tolist() == ["a", "b", "c"]
    assert docs["n_tokens"].tolist() == [1, 0, 0]


def test_bad_columns_and_duplicates_raise_clear_errors():
    acc = pd.DataFrame({"account_id": ["a", "a"], "bio": ["x", "y"]})
    with pytest.raises(DataError, match="duplicate account ids"):
        account_documents(acc, text_columns=["bio"])
    with pytest.raises(DataError, match="'caption'.*not found"):
        account_documents(acc.iloc[:1], text_columns=["caption"])
    with pytest.raises(ValueError, match="text_columns"):
        account_documents(acc.iloc[:1])


def _reference_documents(accounts, posts, text_columns, post_text_columns):
    """The straightforward build: each account's raw text (own text, then its posts' text in
    file order) joined into one string and tokenised as a whole."""
    from inflresearch.questions.niches.text import _free_text

    out = []
    own = _free_text(accounts, text_columns, source="a") if text_columns else None
    post_text = _free_text(posts, post_text_columns, source="p") if post_text_columns else None
    for i, acc in enumerate(accounts["account_id"].astype(str)):
        raw = own.iloc[i] if own is not None else ""
        if post_text is not None:
            raw += " \n " + " \n ".join(post_text[posts["account_id"].astype(str) == acc])
        out.append(" ".join(tokenize(raw)))
    return out


@pytest.mark.parametrize(("text_columns", "post_text_columns"), [
    (["bio", "hashtags"], ["caption", "hashtags"]), (["bio"], []), ([], ["caption"])])
@pytest.mark.parametrize("chunk", [2, 100_000])
def test_documents_equal_tokenising_each_accounts_whole_text(text_columns, post_text_columns,
                                                             chunk, monkeypatch):
    """Tokenising each space-separated piece once gives the tokens of the whole text, also
    where NFKC makes spaces (¨, NBSP, ideographic space), with URLs, mentions and tabs, and
    posts read a few at a time give the same documents."""
    from inflresearch.questions.niches import text

    monkeypatch.setattr(text, "POST_CHUNK", chunk)
    acc = pd.DataFrame({"account_id": ["a", "b", "c", "d"],
                        "bio": ["Café  ¨x com amigos\u00a0e #CaféDaManhã ☕️ yoga😍class", None,
                                "http://x.co/a b @me.x ok ﬁne", "  "],
                        "hashtags": ["ootd|Style", "#gym fit", None, "x"]})
    posts = pd.DataFrame({"account_id": ["a", "a", "c", "zz", "b", "a"],
                          "caption": ["pasta night #food ²nd", "#food\tтест\u3000мир", None, "x",
                                      "", "Ôla  मौसम  @x www.y.z ok"],
                          "hashtags": ["food", None, "a b", "y", None, "#tag,  other"]})
    docs = account_documents(acc, posts if post_text_columns else None,
                             text_columns=text_columns, post_text_columns=post_text_columns)
    expected = _reference_documents(acc, posts, text_columns, post_text_columns)
    assert docs["document"].tolist() == expected
    assert docs["n_tokens"].tolist() == [len(d.split()) for d in expected]
