"""Text from data made safe for reports: Markdown escaping at insertion, HTML allow-listing after.

Two layers. `md_escape` turns a data value (a file name, a platform, a niche or category name)
into Markdown that renders as exactly that text: no link, image, emphasis or HTML syntax survives.
`clean_fragment` then allow-lists the rendered HTML (tags, attributes and URL schemes): no script,
no event handler, no ``javascript:`` / ``vbscript:`` / ``data:`` link, and no image but the
``data:image/...`` ones the report embeds itself, so nothing loads from the network on open.

Example:
    >>> md_escape("[clk](javascript:x).csv")
    '\\\\[clk\\\\]\\\\(javascript\\\\:x\\\\)\\\\.csv'
    >>> clean_fragment('<a href=" JaVaScRiPt:x">a</a><img src="https://example.org/a.png">')
    '<a rel="noopener noreferrer">a</a><img>'
"""

from __future__ import annotations

import re

import nh3

_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
_BACKTICKS = re.compile(r"`+")
_EMBEDDED_IMAGE = re.compile(r"data:image/(?:png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*\Z")
_LINK_SCHEMES = ("http:", "https:", "mailto:")
# the report's own table downloads (report.tables.csv_link): inert text, saved, never run
_CSV_DOWNLOAD = re.compile(r"data:text/csv;base64,[A-Za-z0-9+/=]*\Z")
TAGS = nh3.ALLOWED_TAGS | {"main", "section"}
ATTRIBUTES = {
    "*": {"class", "id", "title", "align", "colspan", "rowspan"},
    "img": {"src", "alt", "width", "height"},
    "a": {"href", "download"},
}


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


def _url_filter(element: str, attribute: str, value: str) -> str | None:
    """Keep only embedded images as ``src`` and only web, mail and in-page links as ``href``."""
    compact = re.sub(r"[\x00-\x20]+", "", value).lower()
    if element == "img" and attribute == "src":
        return value if _EMBEDDED_IMAGE.match(value.strip()) else None
    if element == "a" and attribute == "download":
        return value if re.fullmatch(r"[A-Za-z0-9_.-]{1,120}", value) else None
    if attribute == "href" and compact.startswith("data:"):
        return value if _CSV_DOWNLOAD.match(value.strip()) else None
    if attribute == "href":
        has_scheme = re.match(r"[a-z][a-z0-9+.-]*:", compact)
        if has_scheme and not compact.startswith(_LINK_SCHEMES):
            return None
    return value


def clean_fragment(text: str) -> str:
    """Allow-list sanitised HTML: tables, text markup, embedded images; nothing executable.

    Example:
        >>> clean_fragment('<b onclick="x()">hi</b><script>alert(1)</script>')
        '<b>hi</b>'
    """
    return nh3.clean(
        text,
        tags=TAGS,
        attributes=ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "data"},
        attribute_filter=_url_filter,
        link_rel="noopener noreferrer",
    )
