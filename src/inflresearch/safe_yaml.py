"""The one YAML loader for files and values from outside: plans, ``--params`` files, ``-p``
values and mapping files.

It is PyYAML's safe loader (no tags such as ``!!python/object``) that also refuses aliases
(``*name``: a few hundred bytes of nested aliases expand to gigabytes) and collections nested more
than `MAX_DEPTH` deep (PyYAML composes recursively, so 20,000 levels end in a RecursionError).
Both raise an error whose text starts with what is wrong, so a caller adds the file name and the
CLI prints one line. The data readers refuse JSON nested deeper than the same `MAX_DEPTH`.

Example:
    >>> load("{runs: [{notebook: a.ipynb}]}")
    {'runs': [{'notebook': 'a.ipynb'}]}
    >>> load("[" * 200 + "]" * 200)
    Traceback (most recent call last):
    ...
    inflresearch.safe_yaml.NestedTooDeep: nested too deep: more than 100 levels of lists or mappings
    >>> load("a: &x [1]\\nb: *x")
    Traceback (most recent call last):
    ...
    yaml.composer.ComposerError: YAML aliases (*name) are not allowed
    ...
"""

from __future__ import annotations

from typing import Any

import yaml

MAX_DEPTH = 100  # levels of lists or mappings; real plans and mapping files use fewer than 6


class NestedTooDeep(ValueError):
    """A YAML or JSON document nested deeper than `MAX_DEPTH` levels."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"nested too deep: more than {limit} levels of lists or mappings")


class _SafeLoader(yaml.SafeLoader):
    """The safe loader, refusing aliases and nesting beyond `MAX_DEPTH`."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 (PyYAML API)
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            raise yaml.composer.ComposerError(
                None, None, "YAML aliases (*name) are not allowed", event.start_mark
            )
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise NestedTooDeep()
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def load(text: str) -> Any:
    """The YAML document in `text`.

    Raises `yaml.YAMLError` for text that is not YAML or uses aliases, and `NestedTooDeep` (a
    ValueError, not a YAMLError, so a caller that falls back to raw text on bad YAML still
    refuses it) for nesting beyond `MAX_DEPTH`.

    Example:
        >>> load("alpha: 0.1")
        {'alpha': 0.1}
    """
    try:
        return yaml.load(text, Loader=_SafeLoader)  # noqa: S506 (a SafeLoader subclass)
    except RecursionError:  # defensive: a structure the depth count did not see
        raise NestedTooDeep() from None
