"""What a load did with the source's columns, for a person checking it: the resolved mapping with
sample values, and warnings on picks that look wrong.

Example:
    >>> import pandas as pd
    >>> from inflresearch.data.load import read_table
    >>> mapping_lines(read_table(pd.DataFrame({"Handle": ["ann"], "Fans": ["2k"]}), "influencers"))[1]
    "'Fans' -> followers: 2,000"
"""

from __future__ import annotations

import pandas as pd

from inflresearch.data.load import LoadResult
from inflresearch.errors import quote

HANDLE = r"[\w.\-]+"  # what a handle looks like: no spaces, no emoji
NAMED = r"[\w.\-]*[^\W\d_][\w.\-]*"  # a handle with a letter (a rank or an id column is no handle)
HANDLE_MIN = 0.9  # an id column with fewer handle-like values than this is suspicious...
HANDLE_GAIN = 0.2  # ...when another column is this much more handle-like


def _sample(value: object) -> str:
    if isinstance(value, float):
        return f"{int(value):,}" if value.is_integer() else f"{value:.4g}"
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return quote(value, limit=40)


def mapping_lines(result: LoadResult) -> list[str]:
    """The resolved mapping of a load: ``'source header' -> contract column: two sample values``,
    then the source headers left out of the contract.

    Example:
        >>> from inflresearch.data.load import read_table
        >>> frame = pd.DataFrame({"Handle": ["ann", "bob"], "Fans": ["1.2k", "3M"]})
        >>> for line in mapping_lines(read_table(frame, "influencers")): print(line)
        'Handle' -> account_id: 'ann', 'bob'
        'Fans' -> followers: 1,200, 3,000,000
        (not in the file) -> platform: 'unknown'
    """
    lines = []
    for target, source in result.columns.items():
        values = result.data[target].dropna().head(2).tolist()
        samples = ", ".join(_sample(v) for v in values) if values else "(no values)"
        lines.append(f"{quote(source.strip())} -> {target}: {samples}")
    lines += [f"{quote(source.strip())} -> (left out)" for source in result.left_out]
    if "platform" in result.data and "platform" not in result.columns and len(result.data):
        lines.append(f"(not in the file) -> platform: {quote(result.data['platform'].iloc[0])}")
    return lines


def _handle_share(values: pd.Series, pattern: str = HANDLE) -> float:
    distinct = values.dropna().astype("str").drop_duplicates()
    return float(distinct.str.fullmatch(pattern).mean()) if len(distinct) else 0.0


def suspicious_picks(result: LoadResult) -> list[str]:
    """Warnings on mappings that look wrong: an id column with spaces or emoji while another
    column looks like handles; an "audience" country taken as the creator's country.

    Example:
        >>> from inflresearch.data.load import read_table
        >>> frame = pd.DataFrame({"Account": ["Leo Messi", "Kylie 🤍"] * 10,
        ...                       "login": [f"user{i}" for i in range(20)], "followers": [5] * 20})
        >>> suspicious_picks(read_table(frame, "influencers"))[0][:60]
        "account_id comes from 'Account', whose values have spaces or"
    """
    out = []
    data, sources = result.data, result.columns
    if "account_id" in sources:
        share = _handle_share(data["account_id"])
        extra = [c for c in data.columns if c not in sources and c != "platform"
                 and (pd.api.types.is_string_dtype(data[c].dtype) or data[c].dtype == object)]
        better = [(s, c) for c in extra if (s := _handle_share(data[c], NAMED)) >= share + HANDLE_GAIN
                  and data[c].nunique() >= 0.9 * data["account_id"].nunique()]
        if share < HANDLE_MIN and better:
            _, column = max(better)
            odd = data["account_id"][~data["account_id"].astype("str").str.fullmatch(HANDLE)]
            out.append(
                f"account_id comes from {quote(sources['account_id'].strip())}, whose values have "
                f"spaces or emoji (e.g. {', '.join(quote(v) for v in odd.head(2))}), while column "
                f"{column!r} looks like handles (e.g. {', '.join(quote(v) for v in data[column].head(2))}); "
                f"map it with columns={{{column!r}: 'account_id'}}"
            )
    if "country" in sources and "audience" in sources["country"].lower():
        out.append(
            f"country comes from {quote(sources['country'].strip())}: an audience country is not the "
            f"creator's country; keep it out with columns={{{sources['country'].strip()!r}: None}}"
        )
    return out
