"""The package's one exception type for bad input."""

from __future__ import annotations


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
            parts.append(f"column {column!r}")
        parts.append(message)
        text = ": ".join(parts)
        if self.values:
            text += " (e.g. " + ", ".join(repr(v) for v in self.values) + ")"
        super().__init__(text)
