"""Follower tiers: named presets and assignment. Tier edges are subjective, so they are parameters.

A tier is a half-open follower range [low, high); high None means no upper edge.

Example:
    >>> assign_tiers(pd.Series([3_000, 7_000, 50_000, 2e6]), "blog").tolist()
    ['everyday', 'micro', 'macro', 'celebrity']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

Range = tuple[float, float | None]

PRESETS: dict[str, dict[str, Range]] = {
    # the claims' own words ("ten micro-influencers with 5k-10k followers beat one celebrity")
    "blog": {
        "everyday": (0, 5_000),
        "micro": (5_000, 10_000),
        "macro": (10_000, 100_000),
        "celebrity": (100_000, None),
    },
    # common benchmark reports
    "industry": {
        "sub_nano": (0, 1_000),
        "nano": (1_000, 10_000),
        "micro": (10_000, 100_000),
        "mid": (100_000, 500_000),
        "macro": (500_000, 1_000_000),
        "mega": (1_000_000, None),
    },
}


def preset(name: str) -> dict[str, Range]:
    """The tiers of a named preset."""
    if name not in PRESETS:
        raise ValueError(f"unknown tier preset {name!r}; expected one of {', '.join(PRESETS)}")
    return dict(PRESETS[name])


def coerce_range(value: Sequence[object] | None, name: str = "range") -> Range | None:
    """Validate a two-element [low, high] follower range (high may be None)."""
    if value is None:
        return None
    if isinstance(value, str) or len(value) != 2:
        raise ValueError(f"{name} must be two numbers [low, high] (high may be null), got {value!r}")
    if not all(v is None or isinstance(v, int | float | str) for v in value):
        raise ValueError(f"{name} must be two numbers [low, high] (high may be null), got {value!r}")
    low_value, high_value = value
    low = float(low_value)  # type: ignore[arg-type]  # checked above: a number or a numeric string
    high = None if high_value is None else float(high_value)  # type: ignore[arg-type]
    if low < 0 or (high is not None and high <= low):
        raise ValueError(f"{name} must satisfy 0 <= low < high, got {value!r}")
    return (low, high)


def in_range(followers: pd.Series, rng: Range) -> pd.Series:
    """Boolean mask of followers inside the half-open range."""
    low, high = rng
    mask = followers >= low
    if high is not None:
        mask &= followers < high
    return mask


def assign_tiers(followers: pd.Series, tiers: str | dict[str, Range] = "blog") -> pd.Series:
    """Ordered categorical tier label per row (NaN where followers is missing or below all tiers)."""
    table = preset(tiers) if isinstance(tiers, str) else dict(tiers)
    labels = np.full(len(followers), None, dtype=object)
    values = pd.to_numeric(followers, errors="coerce")
    for label, rng in table.items():
        labels[in_range(values, rng).to_numpy()] = label
    return pd.Series(
        pd.Categorical(labels, categories=list(table), ordered=True), index=followers.index, name="tier"
    )


def micro_macro(
    tiers: str = "blog",
    micro_range: Sequence[float | None] | None = None,
    macro_range: Sequence[float | None] | None = None,
) -> tuple[Range, Range]:
    """The micro and macro follower ranges: from the preset unless given explicitly.

    Example:
        >>> micro_macro("industry")
        ((10000, 100000), (500000, 1000000))
    """
    table = preset(tiers)
    micro = coerce_range(micro_range, "micro_range") or table["micro"]
    macro = coerce_range(macro_range, "macro_range") or table["macro"]
    return micro, macro
