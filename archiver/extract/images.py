"""The images of an article, each with its caption: ``og:image``, JSON-LD ``image``, and the
``<figure>``s of the article with their ``<figcaption>``.

The lead image comes first (``og:image``, else the JSON-LD one); an image found twice (also as
another size or crop of the same file: another query, or another path or host for a file name
that names one photo) keeps one entry, with the caption of whichever signal has one. Figures
in sidebars, teasers and other chrome are not the article's. Lazy-loading placeholders
(``data:`` URIs, ``src`` left empty or naming a stand-in) give way to ``data-src`` and
``srcset``; SVG files
(icons, placeholders, logos), stand-ins named as such (``lazyload-fallback.gif``,
``opengraph_default.png``) and the site's logo are left out.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from archiver.extract.markup import PageSignals, base_url, clean_text, in_chrome, text_of
from archiver.extract.metadata import unescape

Image = dict[str, str | None]
"""``{"url": ..., "caption": ...}``."""

_MAX_IMAGES = 30
_IMAGE_FILE = re.compile(r"\.(?:jpe?g|png|gif|webp|avif)$", re.I)
_SVG = re.compile(r"\.svgz?$", re.I)
"""Icons (a figure's zoom or play button), placeholders and logos, not photos."""
_EXTENSIONS = re.compile(r"(?:\.[a-z0-9-]{2,5})+$", re.I)
"""A file name's extensions, ``.jpg.webp`` included (a copy converted to another format)."""
_DISTINCT_NAME = re.compile(r"\d{6}|.{20}")
"""A file name that names one photo: an ID of six digits or more (``_109740197_swift.jpg``,
``GettyImages-1180855514.jpg``), or 20 characters before its extensions (a slug, a hash). Not
``photo.jpg``, ``960x0.jpg``, ``gallery_medium.jpg`` or ``size=320x180.jpg``, which name
different photos on one page."""
_STAND_IN = re.compile(
    r"placeholder|lazy[-_]?(?:load|picture)|spacer|spaceball|tinygif|gr[ae]y[-_]bg"
    r"|(?:^|[-_])(?:blank|dummy)(?:[-_]|$)|(?:opengraph|social|share|og)[-_]?default",
    re.I,
)
"""A file name of a stand-in: a lazy-loading placeholder (``lazyload-fallback.gif``,
``tinygif.gif``), a site's default share image (``opengraph_default.png``)."""
_STAND_IN_FOLDER = re.compile(r"/(?:placeholders?|blavatar|avatar)/", re.I)
_LOGO = re.compile(r"logo", re.I)
"""In a file name that names no one photo (``givewell_fb_logo.jpg``, not
``alibaba-logo-getty-1024-683-57ed9e94e3d24.jpg``): the site's logo."""
_LAZY_ATTRIBUTES = ("data-src", "data-lazy-src", "data-original", "data-srcset", "srcset")


def find_images(
    signals: PageSignals,
    article: dict[str, Any] | None,
    scope: HtmlElement,
    url: str,
) -> tuple[list[Image], str | None]:
    """The images and the signals that gave them (``"meta,json-ld,figure"``), or ``None``;
    relative URLs resolved against the page's base URL (``<base href>``, else ``url``)."""
    url = base_url(signals.root, url)
    found: dict[str, Image] = {}
    signals_used: list[str] = []

    def add(src: str | None, caption: str | None, signal: str) -> None:
        absolute = _absolute(src, url)
        if not absolute or _stand_in(absolute.split("?", 1)[0]):
            return
        key = _rendition_key(absolute)
        if key in found:
            found[key]["caption"] = found[key]["caption"] or caption
        elif len(found) < _MAX_IMAGES:
            found[key] = {"url": absolute, "caption": caption or None}
        if signal not in signals_used:
            signals_used.append(signal)

    for src in signals.meta_values("og:image") or signals.meta_values("og:image:url"):
        add(src, None, "meta")
    for entry in _jsonld_images(signals, article):
        add(entry[0], entry[1], "json-ld")
    for figure in scope.iter("figure"):
        if in_chrome(figure) or figure.xpath("ancestor::*[contains(@class, 'teaser')]"):
            continue
        caption_el = figure.find(".//figcaption")
        caption = text_of(caption_el) if caption_el is not None else None
        for img in figure.iter("img"):
            add(_img_src(img), caption, "figure")
    return list(found.values()), ",".join(signals_used) or None


def _jsonld_images(
    signals: PageSignals, article: dict[str, Any] | None
) -> list[tuple[str | None, str | None]]:
    value = article.get("image") if article else None
    images: list[tuple[str | None, str | None]] = []
    for entry in signals.entries(value):
        if isinstance(entry, str):
            images.append((entry, None))
        elif isinstance(entry, dict):
            src = entry.get("url") or entry.get("contentUrl")
            src = src[0] if isinstance(src, list) and src else src
            caption = unescape(entry.get("caption")) or unescape(entry.get("description"))
            images.append((src if isinstance(src, str) else None, caption))
    return images


def _img_src(img: HtmlElement) -> str | None:
    src = (img.get("src") or "").strip()
    if src and not src.startswith("data:") and not _stand_in(src.split("?", 1)[0]):
        return src
    for attribute in _LAZY_ATTRIBUTES:
        if value := clean_text(img.get(attribute)):
            return value.split(",")[0].split()[0]  # a srcset's first candidate
    return None


def _stand_in(path: str) -> bool:
    """An SVG file (an icon, a placeholder, a logo), or a file whose name or folder says it
    stands in for a photo (:data:`_STAND_IN`) or is the site's logo."""
    stem = _EXTENSIONS.sub("", path.rstrip("/").rsplit("/", 1)[-1])
    return bool(
        _SVG.search(path)
        or _STAND_IN.search(stem)
        or _STAND_IN_FOLDER.search(path)
        or (_LOGO.search(stem) and not _DISTINCT_NAME.search(stem))
    )


def _rendition_key(url: str) -> str:
    """One key for the renditions of one image file: ``pic.jpg?w=1024&rect=...`` ->
    ``pic.jpg`` (a query on a URL that names an image file only sizes or crops it), and
    ``.../1024/_109740197_swift.jpg`` and ``.../320/_109740197_swift.jpg`` -> the file name
    when it is :data:`_DISTINCT_NAME` (the size or crop is in the path, or a CDN serves a copy)."""
    path = url.split("?", 1)[0]
    stem = _EXTENSIONS.sub("", path.rstrip("/").rsplit("/", 1)[-1])
    if _DISTINCT_NAME.search(stem):
        return "name:" + stem.casefold()
    return path if _IMAGE_FILE.search(path) else url


def _absolute(src: str | None, url: str) -> str | None:
    src = (src or "").strip()
    if not src or src.startswith("data:"):
        return None
    absolute = urljoin(url, src)
    return absolute if absolute.startswith(("http://", "https://")) else None
