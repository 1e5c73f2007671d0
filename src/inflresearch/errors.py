"""The package's one exception type for bad input, and the one way to quote a value in a message."""

from __future__ import annotations

import reprlib

QUOTE_LIMIT = 80
_BOUNDED = reprlib.Repr()  # containers: 6 items per level, 3 levels, each leaf cut short
_BOUNDED.maxlevel = 3
_BOUNDED.maxtuple = _BOUNDED.maxlist = _BOUNDED.maxdict = _BOUNDED.maxset = _BOUNDED.maxfrozenset = 6
_BOUNDED.maxarray = _BOUNDED.maxdeque = 6
_BOUNDED.maxstring = _BOUNDED.maxlong = _BOUNDED.maxother = QUOTE_LIMIT


def quote(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`repr(value)` shortened to `limit` characters, with the full length when cut.

    Every offending value quoted in an error, a quarantine reason or a report goes through this,
    so a 50 MB cell cannot become 50 MB of stderr. Text is quoted whole, then cut (with its
    length); a container is shortened *before* it is written out (`reprlib`: 6 items per level,
    3 levels), so a small YAML file whose aliases expand to 10**12 items quotes in microseconds.

    Example:
        >>> quote("abc")
        "'abc'"
        >>> quote("x" * 1000, limit=12)
        "'xxxxxxxxxx… (1,002 characters)"
        >>> quote([list(range(10))] * 10**5)
        '[[0, 1, 2, 3, 4, 5, ...], [0, 1, 2, 3, 4, 5, ...], [0, 1, 2, 3, 4, 5, ...], [0,… (cut)'
    """
    if isinstance(value, str | bytes):
        return shorten(repr(value), limit)
    try:
        text = _BOUNDED.repr(value)
    except ValueError:  # an integer beyond Python's 4,300-digit conversion limit
        text = f"<an integer of {value.bit_length():,} bits>" if isinstance(value, int) else "<?>"
    return shorten(text, limit) if len(text) <= limit else f"{text[: limit - 1]}… (cut)"


def shorten(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` cut to `limit` characters, with the full length when cut.

    Example:
        >>> shorten("abc"), shorten("x" * 100, limit=5)
        ('abc', 'xxxx… (100 characters)')
    """
    if len(text) <= limit:
        return text
    return f"{text[: limit - 1]}… ({len(text):,} characters)"


class DataError(ValueError):
    """Input that cannot be used: names the file, the column and a few offending values.

    Example:
        >>> raise DataError("no usable followers column", path="x.csv", column="followers")
        Traceback (most recent call last):
        ...
        inflresearch.errors.DataError: x.csv: column 'followers': no usable followers column
    """

    def __init__(
        self,
        message: str,
        *,
        path: object | None = None,
        column: str | None = None,
        values: list[object] | None = None,
    ) -> None:
        self.path = None if path is None else str(path)
        self.column = column
        self.values = list(values or [])[:3]
        parts = []
        if self.path:
            parts.append(self.path)
        if column:
            parts.append(f"column {quote(column)}")
        parts.append(message)
        text = ": ".join(parts)
        if self.values:
            text += " (e.g. " + ", ".join(quote(v) for v in self.values) + ")"
        super().__init__(text)


def printable(text: str) -> str:
    r"""`text` with every non-printable character (terminal escapes, line breaks, bidi controls)
    written as its Python escape, so a file name can neither forge lines nor restyle a terminal.

    Example:
        >>> printable("a\x1b]0;title\x07b.csv\nok")
        'a\\x1b]0;title\\x07b.csv\\nok'
    """
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
