"""Follower tiers: published schemes as data, and assignment. Tier edges are subjective.

A tier is a half-open follower range [low, high); high None means no upper edge. The schemes
(the claims' own ``blog`` split, ``industry``, HypeAuditor 2018, Modash, Later x Fohr / IMH,
Upfluence) live in ``tier_schemes.yml`` with their source and year; `scheme(name)` gives one,
`SCHEMES` all of them, and ``"all"`` in a tier parameter means every scheme (`scheme_names`).

Example:
    >>> assign_tiers(pd.Series([3_000, 7_000, 50_000, 2e6]), "blog").tolist()
    ['everyday', 'micro', 'macro', 'celebrity']
    >>> scheme("upfluence").micro
    (0, 20000)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib.resources import files
from typing import Any

import numpy as np
import pandas as pd
import yaml

Range = tuple[float, float | None]

#: the value of a tier parameter that selects every scheme
ALL = "all"


@dataclass(frozen=True)
class TierScheme:
    """One published tier scheme: its tiers in order, its micro and macro tier, its source."""

    name: str
    title: str
    source: str
    year: int | None
    tiers: Mapping[str, Range]
    micro_tier: str
    macro_tier: str
    micro_macro_note: str = ""

    @property
    def micro(self) -> Range:
        """The micro tier's follower range."""
        return self.tiers[self.micro_tier]

    @property
    def macro(self) -> Range:
        """The macro tier's follower range."""
        return self.tiers[self.macro_tier]

    @property
    def cited(self) -> str:
        """Title and year, for a table or a legend: ``'HypeAuditor 2018'``, ``'Modash (year not
        stated)'``."""
        if self.year is None:
            return f"{self.title} (year not stated)"
        return self.title if str(self.year) in self.title else f"{self.title} ({self.year})"


def _edge(value: Any, where: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{where}: a follower edge must be a number, got {value!r}")
    return int(value) if float(value).is_integer() else float(value)


def parse_schemes(document: Mapping[str, Any], origin: str = "tier_schemes.yml") -> dict[str, TierScheme]:
    """Check and read a schemes document (the shape of ``tier_schemes.yml``).

    Every scheme needs a source, ordered non-overlapping tiers with 0 <= low < high, and a micro
    and a macro tier among them with micro below macro; one `ValueError` names the first fault.

    Example:
        >>> doc = {"schemes": {"x": {"title": "X", "source": "s", "year": 2020, "micro": "a",
        ...        "macro": "b", "tiers": {"a": [0, 10], "b": [10, None]}}}}
        >>> parse_schemes(doc)["x"].macro
        (10, None)
    """
    raw = document.get("schemes") if isinstance(document, Mapping) else None
    if not isinstance(raw, Mapping) or not raw:
        raise ValueError(f"{origin}: expected a mapping 'schemes: {{name: scheme}}'")
    out: dict[str, TierScheme] = {}
    for name, item in raw.items():
        where = f"{origin}: scheme {name!r}"
        if not isinstance(item, Mapping):
            raise ValueError(f"{where}: expected a mapping")
        missing = [k for k in ("title", "source", "tiers", "micro", "macro") if not item.get(k)]
        if missing:
            raise ValueError(f"{where}: missing {', '.join(missing)}")
        tiers: dict[str, Range] = {}
        previous_high: float | None = 0.0
        for label, edges in dict(item["tiers"]).items():
            if not isinstance(edges, list | tuple) or len(edges) != 2:
                raise ValueError(f"{where}, tier {label!r}: expected [low, high], got {edges!r}")
            low, high = _edge(edges[0], f"{where}, tier {label!r}"), _edge(
                edges[1], f"{where}, tier {label!r}")
            if low is None or low < 0 or (high is not None and high <= low):
                raise ValueError(f"{where}, tier {label!r}: need 0 <= low < high, got {edges!r}")
            if previous_high is None or low < previous_high:
                raise ValueError(f"{where}, tier {label!r}: overlaps the tier before it")
            previous_high = high
            tiers[str(label)] = (low, high)
        for role in ("micro", "macro"):
            if item[role] not in tiers:
                raise ValueError(f"{where}: its {role} tier {item[role]!r} is not one of its tiers")
        year = item.get("year")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int)):
            raise ValueError(f"{where}: year must be a whole number or null, got {year!r}")
        found = TierScheme(name=str(name), title=str(item["title"]), source=str(item["source"]),
                           year=year, tiers=tiers, micro_tier=str(item["micro"]),
                           macro_tier=str(item["macro"]),
                           micro_macro_note=str(item.get("micro_macro_note") or ""))
        if found.micro[1] is None or found.micro[1] > found.macro[0]:
            raise ValueError(f"{where}: its micro tier must lie below its macro tier")
        out[str(name)] = found
    return out


def _load() -> dict[str, TierScheme]:
    text = files("inflresearch").joinpath("tier_schemes.yml").read_text(encoding="utf-8")
    return parse_schemes(yaml.safe_load(text))


#: every shipped scheme by name, in the file's order
SCHEMES: Mapping[str, TierScheme] = _load()
#: the tiers of every scheme by name (what the tier parameters accept, besides ``"all"``)
PRESETS: Mapping[str, Mapping[str, Range]] = {k: v.tiers for k, v in SCHEMES.items()}


def scheme(name: str) -> TierScheme:
    """The shipped scheme called `name` (case-insensitive).

    Example:
        >>> scheme("HypeAuditor_2018").cited
        'HypeAuditor 2018'
    """
    key = str(name).strip().lower()
    if key not in SCHEMES:
        raise ValueError(f"unknown tier scheme {name!r}; expected one of {', '.join(SCHEMES)} "
                         f"or {ALL!r}")
    return SCHEMES[key]


def scheme_names(value: str) -> tuple[str, ...]:
    """The scheme names a tier parameter selects: one name, or every scheme for ``"all"``.

    Example:
        >>> scheme_names("all")[:2], scheme_names("Modash")
        (('blog', 'industry'), ('modash',))
    """
    key = str(value).strip().lower()
    return tuple(SCHEMES) if key == ALL else (scheme(key).name,)


def preset(name: str) -> dict[str, Range]:
    """The tiers of a named scheme."""
    return dict(scheme(name).tiers)


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
    """The micro and macro follower ranges: from the scheme unless given explicitly.

    Example:
        >>> micro_macro("industry")
        ((10000, 100000), (500000, 1000000))
    """
    chosen = scheme(tiers)
    micro = coerce_range(micro_range, "micro_range") or chosen.micro
    macro = coerce_range(macro_range, "macro_range") or chosen.macro
    return micro, macro
