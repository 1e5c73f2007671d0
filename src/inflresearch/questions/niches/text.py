"""Account documents for niche discovery: tokenisation of short, multilingual creator text.

Every account becomes one document of space-separated tokens, built from its own text columns
(bio, hashtags) and, when posts are given, from its posts' captions and hashtags. Tokens are

- words: a letter (any script) followed by letters or digits (NFKC-normalised, case-folded,
  accents kept), at least two characters, multilingual stop words removed;
- hashtags: ``#tag`` tokens, taken from hashtag columns (space, comma or ``|`` separated, with or
  without ``#``) and from ``#tags`` inside free text. Hashtags are the strongest topical signal in
  short captions, so they stay separate from words (``#travel`` is not ``travel``).

Emoji, digits, punctuation, URLs and @mentions separate tokens but never become tokens: emoji
mark mood more than topic (on the Kim et al. 2020 Instagram sample they pulled clusters towards
style and lowered the agreement with the given categories).

A post whose hashtag column is filled has the inline ``#tags`` of its caption removed, since exports
parse that column from the caption, so nothing is counted twice.

Example:
    >>> tokenize("Sunset in Bali 🌅 #Travel #wanderlust @friend https://x.co 2019")
    ['sunset', 'bali', '#travel', '#wanderlust']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from inflresearch.errors import DataError
from inflresearch.questions.niches.stopwords import STOP_WORDS

_URL = re.compile(r"https?://\S+|www\.\S+")
_MENTION = re.compile(r"@[\w.]+")
_HASHTAG = re.compile(r"#(\w+)")
# letters in any script; combining marks of Indic and Thai scripts belong to the word
_MARKS = "\u0300-\u036f\u0900-\u0dff\u0e00-\u0e7f"
_TOKEN = re.compile(rf"#\w+|[^\W\d_](?:[^\W_]|[{_MARKS}])+")
_TAG_SPLIT = re.compile(r"[^\w]+")
#: posts turned into text and tokens this many at a time (the raw text is never all in memory)
POST_CHUNK = 100_000


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return _MENTION.sub(" ", _URL.sub(" ", text))


def tokenize(text: str, *, stop_words: Iterable[str] = STOP_WORDS) -> list[str]:
    """Tokens of one free text: words and ``#hashtags`` (see the module docstring).

    Example:
        >>> tokenize("Café com amigos e #CaféDaManhã ☕️ yoga😍class")
        ['café', 'amigos', '#cafédamanhã', 'yoga', 'class']
    """
    stop = stop_words if isinstance(stop_words, frozenset | set) else set(stop_words)
    out = []
    for tok in _TOKEN.findall(_normalise(text)):
        if tok[0] == "#":
            if not tok[1:].isdigit():
                out.append(tok)
        elif tok not in stop:
            out.append(tok)
    return out


class _ChunkTokens(dict[str, str]):
    """Space-separated pieces of text -> their tokens joined by spaces, each piece tokenised once.

    Tokens never contain whitespace, and NFKC normalisation, case folding and the URL and
    @mention rules never act across a space, so the tokens of a text are the tokens of its
    space-separated pieces in turn. Creator text repeats its words and hashtags, so the
    distinct pieces are few and `tokenize` runs on each only once.

    Example:
        >>> _ChunkTokens(frozenset({"in"})).texts(pd.Series(["Sunset in Bali #Travel", None]))
        ['sunset bali #travel', '']
    """

    def __init__(self, stop_words: frozenset[str]) -> None:
        super().__init__()
        self.stop_words = stop_words

    def __missing__(self, piece: str) -> str:
        out = self[piece] = " ".join(tokenize(piece, stop_words=self.stop_words))
        return out

    def texts(self, texts: pd.Series) -> list[str]:
        """The tokens of each text of `texts` (missing: none), joined by spaces."""
        get = self.__getitem__
        return [" ".join(filter(None, map(get, t.split(" ")))) if isinstance(t, str) else ""
                for t in texts.to_numpy()]


def hashtag_text(values: pd.Series) -> pd.Series:
    """A hashtag column (``"a b"``, ``"a|b"``, ``"#a, #b"``) as free text of ``#tags``.

    Example:
        >>> hashtag_text(pd.Series(["ootd|Style", None, "#gym fit"])).tolist()
        ['#ootd #Style', '', '#gym #fit']
    """
    text = values.astype("string").fillna("")
    parts = text.str.replace(_TAG_SPLIT, " ", regex=True).str.strip()  # tags, one space apart
    tagged = ("#" + parts.str.replace(" ", " #", regex=False)).where(parts != "", "")
    return tagged.astype(object)


def _free_text(frame: pd.DataFrame, columns: Sequence[str], *, source: str) -> pd.Series:
    """Row-wise join of text columns; hashtag columns become ``#tags`` (dedup against captions)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise DataError(
            f"text column(s) {', '.join(map(repr, missing))} not found; available: "
            f"{', '.join(map(str, frame.columns))}",
            path=source,
        )
    tag_cols = [c for c in columns if "hashtag" in str(c).lower()]
    word_cols = [c for c in columns if c not in tag_cols]
    tags = pd.Series("", index=frame.index, dtype=object)
    for c in tag_cols:
        tags = tags + " " + hashtag_text(frame[c])
    has_tags = tags.str.strip() != ""
    pieces = [tags]
    for c in word_cols:
        text = frame[c].astype("string").fillna("").astype(object)
        if tag_cols:
            text = text.where(~has_tags, text.str.replace(_HASHTAG, " ", regex=True))
        pieces.append(text)
    out = pieces[0]
    for p in pieces[1:]:
        out = out + " \n " + p
    return out


def _release_freed_memory() -> None:
    """Hand the memory freed by the posts' text back to the operating system.

    The raw text of a million posts passes through pandas' Arrow-backed strings and Python
    strings; once freed, Arrow's memory pool and glibc's heap keep most of it (about 600 MB at
    1M posts) for reuse that the numeric steps after this never make, so it only inflates the
    process's resident memory. Both are asked to release it (glibc only where present).
    """
    import contextlib
    import ctypes
    import ctypes.util
    import gc
    import sys

    gc.collect()
    if "pyarrow" in sys.modules:
        sys.modules["pyarrow"].default_memory_pool().release_unused()
    libc = ctypes.util.find_library("c")
    if sys.platform.startswith("linux") and libc:
        with contextlib.suppress(OSError, AttributeError):  # not glibc: no malloc_trim
            ctypes.CDLL(libc).malloc_trim(0)


def account_documents(
    accounts: pd.DataFrame,
    posts: pd.DataFrame | None = None,
    *,
    text_columns: Sequence[str] = (),
    post_text_columns: Sequence[str] = (),
    account: str = "account_id",
    stop_words: Iterable[str] = (),
) -> pd.DataFrame:
    """One token document per account of `accounts`, from its own and its posts' text.

    Returns ``account_id``, ``document`` (space-separated tokens), ``n_tokens`` and ``n_posts``
    (posts with any text), in the order of `accounts`. Accounts without text get an empty
    document; they are kept (the niche model counts and labels them) and never dropped.
    `stop_words` are added to the built-in multilingual list.

    Example:
        >>> acc = pd.DataFrame({"account_id": ["a", "b"], "bio": ["Gym & protein", None]})
        >>> account_documents(acc, text_columns=["bio"])["document"].tolist()
        ['gym protein', '']
    """
    out = _documents(accounts, posts, text_columns, post_text_columns, account, stop_words)
    _release_freed_memory()
    return out


def _documents(accounts: pd.DataFrame, posts: pd.DataFrame | None, text_columns: Sequence[str],
               post_text_columns: Sequence[str], account: str,
               stop_words: Iterable[str]) -> pd.DataFrame:
    if account not in accounts.columns:
        raise DataError(f"account column {account!r} not found", column=account)
    if not text_columns and (posts is None or not post_text_columns):
        raise ValueError("give text_columns, or posts with post_text_columns")
    ids = accounts[account].astype(str)
    if ids.duplicated().any():
        dupes: list[object] = list(ids[ids.duplicated()])
        raise DataError("duplicate account ids", column=account, values=dupes)
    stop = frozenset(STOP_WORDS) | frozenset(w.casefold() for w in stop_words)
    tokens = _ChunkTokens(stop)
    document = pd.Series("", index=ids.to_numpy(), dtype=object)
    n_posts = pd.Series(0, index=ids.to_numpy(), dtype=np.int64)
    if text_columns:
        document = pd.Series(tokens.texts(_free_text(accounts, text_columns, source="accounts")),
                             index=document.index, dtype=object)
    if posts is not None and post_text_columns:
        if account not in posts.columns:
            raise DataError(f"posts have no account column {account!r}", column=account)
        _free_text(posts.iloc[:0], post_text_columns, source="posts")  # the columns exist
        texts: list[str] = []
        has = np.zeros(len(posts), dtype=bool)
        for start in range(0, len(posts), POST_CHUNK):  # bounded memory: raw text per chunk
            text = _free_text(posts.iloc[start:start + POST_CHUNK], post_text_columns,
                              source="posts")
            texts += tokens.texts(text)
            has[start:start + len(text)] = text.str.strip().ne("").to_numpy()
        frame = pd.DataFrame({"a": posts[account].astype(str).to_numpy(), "t": texts, "has": has})
        del texts
        grouped = frame.groupby("a", sort=False)
        n_posts = grouped["has"].sum().reindex(n_posts.index).fillna(0).astype(np.int64)
        with_tokens = frame[frame["t"] != ""]
        joined = with_tokens.groupby("a", sort=False)["t"].agg(" ".join)
        own, joined = document.to_numpy(), joined.reindex(document.index).fillna("").to_numpy()
        gap = np.where((own != "") & (joined != ""), " ", "").astype(object)
        document = pd.Series(own + gap + joined, index=document.index, dtype=object)
    doc = document.to_numpy()
    n_tokens = np.where(doc != "", pd.Series(doc, dtype=object).str.count(" ").to_numpy() + 1, 0)
    return pd.DataFrame(
        {
            "account_id": ids.to_numpy(),
            "document": doc,
            "n_tokens": n_tokens.astype(np.int64),
            "n_posts": n_posts.to_numpy(),
        }
    )
