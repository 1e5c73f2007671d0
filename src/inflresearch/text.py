"""Text written into reports from data: Markdown that renders exactly as the data's text.

Also the number words of the key-findings sentences (`sig`, `percent`, `money`, `followers`) and
an interval in words (`interval_words`).

Example:
    >>> md_escape("[clk](javascript:x).csv")
    '\\\\[clk\\\\]\\\\(javascript\\\\:x\\\\)\\\\.csv'
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Protocol


class Interval(Protocol):
    """What interval words need of a claim (`inflresearch.claims.Claim` has it): its interval's
    name and ends. A protocol, so this module imports nothing of the package."""

    @property
    def ci_label(self) -> str: ...

    @property
    def ci_low(self) -> float | None: ...

    @property
    def ci_high(self) -> float | None: ...

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")


def md_escape(text: object) -> str:
    """`text` as Markdown that renders literally: punctuation backslash-escaped, line breaks and
    control characters made spaces (so no new block, e.g. a reference definition, can start).

    Example:
        >>> md_escape("a*b*\\n[1]: x")
        'a\\\\*b\\\\* \\\\[1\\\\]\\\\: x'
    """
    return _PUNCTUATION.sub(r"\\\1", _CONTROL.sub(" ", str(text)))


def md_code(text: object) -> str:
    """`text` as a Markdown code span that no backtick inside it can close.

    Example:
        >>> md_code("a`b")
        '`` a`b ``'
        >>> md_code("niche")
        '` niche `'
    """
    flat = _CONTROL.sub(" ", str(text))
    fence = "`" * (max((len(m) for m in _BACKTICKS.findall(flat)), default=0) + 1)
    return f"{fence} {flat} {fence}"


def sig(value: float, digits: int = 2) -> str:
    """A number for readers with `digits` significant digits and thousands separators.

    Example:
        >>> sig(0.13137), sig(1234567.0), sig(12.0), sig(0.0)
        ('0.13', '1,200,000', '12', '0')
    """
    if value == 0 or not math.isfinite(value):
        return "0" if value == 0 else "—"
    magnitude = math.floor(math.log10(abs(value)))
    rounded = round(value, digits - 1 - magnitude)
    return f"{rounded:,.{max(0, digits - 1 - magnitude)}f}"


def level(alpha: float) -> str:
    """A significance level (or any small probability) the one way reports write it: two
    significant digits, no trailing zeros, never scientific notation.

    Example:
        >>> level(0.05), level(0.1), level(0.016666), level(0.0125)
        ('0.05', '0.1', '0.017', '0.013')
    """
    text = sig(float(alpha), 2)
    return text.rstrip("0").rstrip(".") if "." in text else text


def percent(fraction: float, digits: int = 2) -> str:
    """A fraction as a percentage with `digits` significant digits: ``percent(0.1313) == '13%'``."""
    return sig(100 * fraction, digits) + "%"


#: symbols written before an amount; other ISO 4217 codes follow it ("1.30 CHF")
CURRENCY_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


def money(value: float, currency: str | None = None) -> str:
    """An amount with two decimals below 10, else 2-3 significant digits, in `currency` (an ISO
    4217 code; None: a bare number): ``money(1.3, "EUR") == '€1.30'``.

    Example:
        >>> money(1.3), money(-0.256), money(47.53), money(12345.0)
        ('1.30', '-0.26', '48', '12,300')
        >>> money(1.3, "EUR"), money(-0.256, "USD"), money(12345.0, "CHF")
        ('€1.30', '-$0.26', '12,300 CHF')
    """
    text = f"{value:,.2f}" if abs(value) < 10 else sig(value, 3 if abs(value) >= 100 else 2)
    if not currency:
        return text
    symbol = CURRENCY_SYMBOLS.get(currency)
    if symbol is None:
        return f"{text} {currency}"
    return f"-{symbol}{text[1:]}" if text.startswith("-") else f"{symbol}{text}"


def per_spent(currency: str | None = None) -> str:
    """What a return is per: ``'per unit spent'`` without a currency, ``'per €1 spent'`` with one.

    Example:
        >>> per_spent(), per_spent("EUR"), per_spent("CHF")
        ('per unit spent', 'per €1 spent', 'per 1 CHF spent')
    """
    if not currency:
        return "per unit spent"
    symbol = CURRENCY_SYMBOLS.get(currency)
    return f"per {symbol}1 spent" if symbol else f"per 1 {currency} spent"


def followers(value: float) -> str:
    """A follower count in words: ``followers(250000) == '250k'``, ``followers(1.2e6) == '1.2M'``."""
    if value >= 1e6:
        return f"{sig(value / 1e6, 2)}M"
    if value >= 1e3:
        return f"{sig(value / 1e3, 2)}k"
    return sig(value, 2)


def interval_words(claim: Interval, lo: float, hi: float, unit: Callable[[float], str],
                   up: str, down: str) -> str:
    """``'95% CI 12% to 14% lower'`` for a change whose sign says the direction."""
    lo, hi = min(lo, hi), max(lo, hi)
    if hi <= 0:
        return f"{claim.ci_label} {unit(-hi)} to {unit(-lo)} {down}"
    if lo >= 0:
        return f"{claim.ci_label} {unit(lo)} to {unit(hi)} {up}"
    return f"{claim.ci_label} {unit(-lo)} {down} to {unit(hi)} {up}"


def has_interval(claim: Interval) -> bool:
    """True when the claim has both interval ends."""
    return claim.ci_low is not None and claim.ci_high is not None


def group_label(text: str) -> str:
    """``'micro 5k-10k'`` -> ``'micro (5k–10k)'``."""
    match = re.fullmatch(r"(.+?) (\S+)-(\S+)", text)
    return f"{match[1]} ({match[2]}–{match[3]})" if match else text


def capital(text: str) -> str:
    """The text with its first letter upper-case: ``capital('micro') == 'Micro'``."""
    return text[:1].upper() + text[1:]
