"""Text from data made safe for reports: Markdown escaping at insertion, HTML allow-listing after.

Two layers. `inflresearch.text.md_escape` turns a data value (a file name, a platform, a niche or category name)
into Markdown that renders as exactly that text: no link, image, emphasis or HTML syntax survives.
`clean_fragment` then allow-lists the rendered HTML (tags, attributes and URL schemes): no script,
no event handler, no ``javascript:`` / ``vbscript:`` / ``data:`` link, and no image but the
``data:image/...`` ones the report embeds itself, so nothing loads from the network on open.

Example:
    >>> clean_fragment('<a href=" JaVaScRiPt:x">a</a><img src="https://example.org/a.png">')
    '<a rel="noopener noreferrer">a</a><img>'
"""

from __future__ import annotations

import re

import nh3

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
