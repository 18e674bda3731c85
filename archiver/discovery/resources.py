"""Page resources: the stylesheets, scripts, images and fonts a page loads, so that it replays
as it looked, not as bare text.

Found the way Heritrix's HTML extractor finds them, by regular expressions over the page's
bytes rather than a parse: the crawl's reactor thread pays for this on every page, and a full
lxml parse of a real news page costs it about 2.4 ms where these expressions cost 0.5 (the 200
first pages of the extraction corpus, 326 KB mean). Comments and the bodies of scripts are
skipped; ``<base href>`` is obeyed; attribute values are unescaped (``&amp;``).

What a page loads:

- ``<link>`` of rel ``stylesheet``, ``icon``, ``apple-touch-icon``, ``manifest``, ``preload``
  (its ``imagesrcset`` too), ``modulepreload``; ``<script src>``;
- ``<img>``: ``src``, every ``srcset`` candidate (the browser replaying the page picks one by
  its screen, so every one is kept), and the lazy-loading attributes that a page's scripts swap
  in (``data-src``, ``data-srcset``, ``data-lazy-src``, ``data-lazy-srcset``,
  ``data-original``; ``data-bg`` on any element);
- ``<source srcset>`` (of ``<picture>``), ``<video poster>``, ``<track src>`` (captions),
  ``<input type=image src>``, ``<object data>``, SVG ``<use>`` and ``<image>`` ``href``;
- ``<iframe src>``, ``<frame src>``: a frame is a page of its own, whose resources are fetched
  in turn;
- ``url(...)`` and ``image-set()`` strings in ``<style>`` blocks and ``style`` attributes, and in
  stylesheets themselves, with their ``@import`` s (:func:`css_resources`); stylesheets and
  frames to ``NESTING_DEPTH``.

Not: audio and video files (``<video src>``, ``<source src>``: megabytes each), links, what
scripts load at run time (``fetch``, imports in modules), and the content of ``<noscript>``
(a browser running scripts never loads it: tracking pixels, mostly).
"""

from __future__ import annotations

import bisect
import html
import re
from collections.abc import Iterable, Iterator
from urllib.parse import urljoin

from w3lib.url import safe_url_string

__all__ = ["NESTING_DEPTH", "css_resources", "html_resources", "srcset_urls"]

NESTING_DEPTH = 5
"""Stylesheets and frames are followed this deep: a page's own (1), what they import or frame
(2), and so on; what one deeper down loads is not fetched (a trap could nest new ones for
ever)."""

_START = re.compile(
    rb"<(!--|(?:script|style|noscript|img|link|source|video|track|input|base|iframe|frame|object"
    rb"|use|image)\b)",
    re.IGNORECASE,
)
_END = {
    b"script": re.compile(rb"</script\s*>", re.IGNORECASE),
    b"style": re.compile(rb"</style\s*>", re.IGNORECASE),
    b"noscript": re.compile(rb"</noscript\s*>", re.IGNORECASE),
}
# A tag's attributes up to its ">": a quoted value may hold ">" (alt text, captions). Each
# alternative starts with a character the others cannot, so nothing backtracks.
_TAG_REST = re.compile(rb"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")
# An attribute name starts after white space, a quote or "/" (not inside a run of letters: a
# long run with no "=" was tried from each of its characters, quadratic).
_ATTRS = re.compile(
    rb"""(?<![^\s"'/])([^\s"'<>/=]++)\s*+=\s*+(?:"([^"]*+)"|'([^']*+)'|([^\s"'=<>`]++))"""
)
# Lower case only, like the two below: ``STYLE=`` is rare, and this is searched for as a literal
# where a case-insensitive pattern is tried at every character (0.24 ms against 1.8 a page).
_STYLE_ATTR = re.compile(rb"""style\s*+=\s*+(?:"([^"]*+)"|'([^']*+)')""")
_DATA_BG = re.compile(rb"""data-bg\s*+=\s*+(?:"([^"]*+)"|'([^']*+)')""")  # lazysizes
# Lower case, as stylesheets write them: a case-insensitive pattern is tried at every character
# of a page's 100 KB of inline CSS, a lower-case one searched for as a literal. An unquoted URL
# holds no "(": "url(url(url(..." was read to its end from each "url(", quadratic.
_CSS_URL = re.compile(r"""url\(\s*+(?:"([^"]*+)"|'([^']*+)'|([^()"'\s]*+))\s*+\)""")
# image-set("a.avif" type("image/avif") 1x, url(b.jpg) 2x): its bare strings are URLs too
_CSS_IMAGE_SET = re.compile(r"image-set\(([^()]*+(?:\([^()]*+\)[^()]*+)*+)\)")
_CSS_FUNCTION = re.compile(r"[\w-]++\([^()]*+\)")
_CSS_STRING = re.compile(r""""([^"]*+)"|'([^']*+)'""")
_CSS_IMPORT = re.compile(r"""@import\s++(?:"([^"]*+)"|'([^']*+)')""")
_UNSAFE = re.compile(r"[^A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]")
_SRCSET_URL = re.compile(r"[\s,]*+(\S++)")
_SRCSET_DESCRIPTORS = re.compile(r"[^,(]*+(?:\([^)]*+\)?[^,(]*+)*+")

_LINK_RELS = frozenset(
    {b"stylesheet", b"icon", b"apple-touch-icon", b"manifest", b"preload", b"modulepreload"}
)
_IMG_ATTRS = (
    *(b"src", b"srcset", b"data-src", b"data-srcset"),
    *(b"data-lazy-src", b"data-lazy-srcset", b"data-original"),
)
_SRCSET_ATTRS = frozenset({b"srcset", b"data-srcset", b"data-lazy-srcset", b"imagesrcset"})
_HREF = (b"href", b"xlink:href")


def html_resources(body: bytes, url: str, encoding: str = "utf-8", *, limit: int = 0) -> list[str]:
    """The absolute URLs of the resources the HTML page ``body`` (fetched from ``url``, in
    ``encoding``) loads, in order of appearance (that of ``style`` and ``data-bg`` attributes
    after the rest), each once; at most ``limit`` (0: all)."""
    base = url
    found: list[str] = []
    code: list[tuple[int, int]] = []  # where comments and script bodies lie: no markup
    pos = 0
    while match := _START.search(body, pos):
        tag = match.group(1).lower()
        if tag == b"!--":  # a comment: nothing in it loads
            closed = body.find(b"-->", match.end())
            pos = len(body) if closed < 0 else closed + 3
            code.append((match.start(), pos))
            continue
        rest = _TAG_REST.match(body, match.end())
        close = rest.end() - 1 if rest else body.find(b">", match.end())
        if close < 0:
            break
        attributes, pos = body[match.end() : close], close + 1
        if tag in _END:  # a script's body is code, a style's CSS, a noscript's never loaded
            end = _END[tag].search(body, pos)
            if tag == b"style":
                css = body[pos : end.start() if end else None]
                found += _css_values(css.decode(encoding, "replace"))
            elif tag == b"script":
                found += _values(attributes, encoding, (b"src",))
            code.append((pos, end.start() if end else len(body)))
            pos = end.end() if end else len(body)
        elif tag == b"base":
            if href := next(_values(attributes, encoding, (b"href",)), None):
                base = urljoin(url, href)
        else:
            found += _tag_values(tag, attributes, encoding)
    starts = [start for start, _ in code]
    for pattern in (_STYLE_ATTR, _DATA_BG):  # two literals: one alternation is tried everywhere
        for match in pattern.finditer(body):
            at = bisect.bisect_right(starts, match.start()) - 1
            if at >= 0 and match.start() < code[at][1]:
                continue  # in a comment or a script
            raw = match.group(1) or match.group(2) or b""
            text = html.unescape(raw.decode(encoding, "replace"))
            if "url(" in text or "image-set(" in text:
                found += _css_values(text)
            elif pattern is _DATA_BG and text.strip():
                found.append(text)  # a bare URL
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
            for value in _decoded(attrs, (b"imagesrcset",), encoding):
                yield from srcset_urls(value)
    elif name == b"img" or name == b"source":
        for key in _IMG_ATTRS if name == b"img" else (b"srcset", b"data-srcset"):
            for value in _decoded(attrs, (key,), encoding):
                if key in _SRCSET_ATTRS:
                    yield from srcset_urls(value)
                else:
                    yield value
    elif name == b"video":
        yield from _decoded(attrs, (b"poster",), encoding)
    elif name in (b"track", b"iframe", b"frame") or (
        name == b"input" and attrs.get(b"type", b"").lower() == b"image"
    ):
        yield from _decoded(attrs, (b"src",), encoding)
    elif name == b"object":
        yield from _decoded(attrs, (b"data",), encoding)
    elif name in (b"use", b"image"):
        yield from _decoded(attrs, _HREF, encoding)


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
    text = _without_comments(text)
    for match in _CSS_IMPORT.finditer(text):
        yield match.group(1) or match.group(2) or ""
    for match in _CSS_URL.finditer(text):
        yield next((v for v in match.groups() if v is not None), "").strip()
    if "image-set(" in text:
        for match in _CSS_IMAGE_SET.finditer(text):
            bare = _CSS_FUNCTION.sub(" ", match.group(1))  # url() read above; type() no URL
            for string in _CSS_STRING.finditer(bare):
                yield string.group(1) or string.group(2) or ""


def _without_comments(text: str) -> str:
    """``text`` without its ``/* */`` comments (one left open runs to the end, as in CSS). Not
    a regular expression: ``/\\*.*?\\*/`` read to the end from each unclosed ``/*``."""
    if "/*" not in text:
        return text
    parts, pos = [], 0
    while (start := text.find("/*", pos)) >= 0:
        parts.append(text[pos:start])
        end = text.find("*/", start + 2)
        if end < 0:
            return " ".join(parts)
        pos = end + 2
    parts.append(text[pos:])
    return " ".join(parts)


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
        # as Scrapy's Request escapes it (the index holds those): UTF-8 percent-escapes, the
        # host in lower case; most need nothing (safe_url_string: 8 µs a URL)
        absolute = absolute.partition("#")[0]
        host = absolute.split("/", 3)[2] if absolute.count("/") >= 2 else ""
        if not absolute.isascii() or _UNSAFE.search(absolute) or host != host.lower():
            absolute = safe_url_string(absolute)
        urls[absolute] = None
        if limit and len(urls) >= limit:
            break
    return list(urls)
