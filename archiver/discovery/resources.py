"""Page resources: the stylesheets, scripts, images and fonts a page loads, so that it replays
as it looked, not as bare text.

Found the way Heritrix's HTML extractor finds them, by regular expressions over the page's
bytes rather than a parse: the crawl's reactor thread pays for this on every page, and a full
lxml parse of a real news page costs it about 2.4 ms where these expressions cost 0.5 (the 200
first pages of the extraction corpus, 326 KB mean). Comments and the bodies of scripts are
skipped; ``<base href>`` is obeyed; attribute values are unescaped (``&amp;``).

What a page loads:

- ``<link>`` of rel ``stylesheet``, ``icon``, ``apple-touch-icon``, ``preload``,
  ``modulepreload``; ``<script src>``;
- ``<img>``: ``src``, every ``srcset`` candidate (the browser replaying the page picks one by
  its screen, so every one is kept), and the lazy-loading attributes ``data-src``,
  ``data-srcset``, ``data-lazy-src`` that a page's scripts swap in;
- ``<source srcset>`` (of ``<picture>``), ``<video poster>``, ``<input type=image src>``;
- ``url(...)`` in ``<style>`` blocks and ``style`` attributes, and in stylesheets themselves,
  with their ``@import`` s (:func:`css_resources`).

Not: audio and video files (``<video src>``, ``<source src>``: megabytes each), frames (pages
of their own), links.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin

__all__ = ["css_resources", "html_resources", "srcset_urls"]

_START = re.compile(rb"<(!--|(?:script|style|img|link|source|video|input|base)\b)", re.IGNORECASE)
_END = {
    b"script": re.compile(rb"</script\s*>", re.IGNORECASE),
    b"style": re.compile(rb"</style\s*>", re.IGNORECASE),
}
_ATTRS = re.compile(
    rb"""([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE
)
# Lower case only, like the two below: ``STYLE=`` is rare, and this is searched for as a literal
# where a case-insensitive pattern is tried at every character (0.24 ms against 1.8 a page).
_STYLE_ATTR = re.compile(rb"""style\s*=\s*(?:"([^"]*url\([^"]*)"|'([^']*url\([^']*)')""")
# Lower case, as stylesheets write them: a case-insensitive pattern is tried at every character
# of a page's 100 KB of inline CSS, a lower-case one searched for as a literal.
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)""")
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""")
_SRCSET_URL = re.compile(r"[\s,]*(\S+)")
_SRCSET_DESCRIPTORS = re.compile(r"[^,(]*(?:\([^)]*\)?[^,(]*)*")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)

_LINK_RELS = frozenset({b"stylesheet", b"icon", b"apple-touch-icon", b"preload", b"modulepreload"})
_IMG_ATTRS = (b"src", b"srcset", b"data-src", b"data-srcset", b"data-lazy-src")
_SRCSET_ATTRS = frozenset({b"srcset", b"data-srcset"})


def html_resources(body: bytes, url: str, encoding: str = "utf-8", *, limit: int = 0) -> list[str]:
    """The absolute URLs of the resources the HTML page ``body`` (fetched from ``url``, in
    ``encoding``) loads, in order of appearance, each once; at most ``limit`` (0: all)."""
    base = url
    found: list[str] = []
    pos = 0
    while match := _START.search(body, pos):
        tag = match.group(1).lower()
        if tag == b"!--":  # a comment: nothing in it loads
            closed = body.find(b"-->", match.end())
            pos = len(body) if closed < 0 else closed + 3
            continue
        close = body.find(b">", match.end())
        if close < 0:
            break
        attributes, pos = body[match.end() : close], close + 1
        if tag in _END:  # the body of a script is code, not markup; a style's is CSS
            end = _END[tag].search(body, pos)
            if tag == b"style":
                found += _css_values(
                    body[pos : end.start() if end else None].decode(encoding, "replace")
                )
            else:
                found += _values(attributes, encoding, (b"src",))
            pos = end.end() if end else len(body)
        elif tag == b"base":
            if href := next(_values(attributes, encoding, (b"href",)), None):
                base = urljoin(url, href)
        else:
            found += _tag_values(tag, attributes, encoding)
    for match in _STYLE_ATTR.finditer(body):
        text = (match.group(1) or match.group(2)).decode(encoding, "replace")
        found += _css_values(html.unescape(text))
    return _absolute(found, base, limit)


def css_resources(text: str, url: str, *, limit: int = 0) -> list[str]:
    """The absolute URLs a stylesheet (``text``, fetched from ``url``) loads: its ``url(...)``
    references (fonts, images) and ``@import`` s."""
    return _absolute(_css_values(text), url, limit)


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` attribute's candidates (the HTML standard's parsing: a URL runs
    to white space, or ends at the commas that end it; its descriptors run to the next comma
    outside parentheses)."""
    urls, pos = [], 0
    while match := _SRCSET_URL.match(value, pos):
        url = match.group(1)
        if url.endswith(","):
            url, pos = url.rstrip(","), match.end()
        else:
            pos = _SRCSET_DESCRIPTORS.match(value, match.end()).end()  # type: ignore[union-attr]
        if url:
            urls.append(url)
    return urls


def _tag_values(name: bytes, attributes: bytes, encoding: str) -> Iterator[str]:
    attrs = _attributes(attributes)
    if name == b"link":
        rels = set(attrs.get(b"rel", b"").lower().split())
        fetched_as = attrs.get(b"as", b"").lower()  # a preloaded page or fetch is no resource
        if rels & _LINK_RELS and fetched_as not in (b"document", b"fetch"):
            yield from _decoded(attrs, (b"href",), encoding)
    elif name == b"img" or name == b"source":
        for key in _IMG_ATTRS if name == b"img" else (b"srcset", b"data-srcset"):
            for value in _decoded(attrs, (key,), encoding):
                if key in _SRCSET_ATTRS:
                    yield from srcset_urls(value)
                else:
                    yield value
    elif name == b"video":
        yield from _decoded(attrs, (b"poster",), encoding)
    elif name == b"input" and attrs.get(b"type", b"").lower() == b"image":
        yield from _decoded(attrs, (b"src",), encoding)


def _attributes(text: bytes) -> dict[bytes, bytes]:
    """A tag's attributes by lower-case name (the first of a repeated name), values as written."""
    attrs: dict[bytes, bytes] = {}
    for match in _ATTRS.finditer(text):
        key, *quoted = match.groups()
        attrs.setdefault(key.lower(), next((v for v in quoted if v is not None), b""))
    return attrs


def _decoded(attrs: dict[bytes, bytes], keys: Iterable[bytes], encoding: str) -> Iterator[str]:
    for key in keys:
        if raw := attrs.get(key, b"").strip():
            value = raw.decode(encoding, "replace")
            yield html.unescape(value) if "&" in value else value


def _values(text: bytes, encoding: str, keys: Iterable[bytes]) -> Iterator[str]:
    return _decoded(_attributes(text), keys, encoding)


def _css_values(text: str) -> Iterator[str]:
    text = _CSS_COMMENT.sub(" ", text)
    for match in _CSS_IMPORT.finditer(text):
        yield match.group(1) or match.group(2) or ""
    for match in _CSS_URL.finditer(text):
        yield next((v for v in match.groups() if v is not None), "").strip()


def _absolute(values: Iterable[str], base: str, limit: int) -> list[str]:
    urls: dict[str, None] = {}
    for value in values:
        if not value or value.startswith("#"):  # an SVG fragment reference, not a fetch
            continue
        value = value.strip()
        if value.startswith(("https://", "http://")):  # most are: urljoin costs 18 µs a URL
            absolute = value
        elif value.startswith("//"):
            absolute = base.partition(":")[0] + ":" + value
        else:
            absolute = urljoin(base, value)
            if absolute.partition(":")[0].lower() not in ("http", "https"):
                continue  # data:, javascript:, blob:, about:, mailto:
        absolute = absolute.partition("#")[0]
        urls[absolute] = None
        if limit and len(urls) >= limit:
            break
    return list(urls)
