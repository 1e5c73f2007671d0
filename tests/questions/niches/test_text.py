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
