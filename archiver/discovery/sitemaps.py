"""Sitemaps: ``<urlset>`` and ``<sitemapindex>`` documents, gzip'd or not, with the Google News
``news:`` namespace, and the ``Sitemap:`` lines of robots.txt.

Scrapy's own ``scrapy.utils.sitemap.Sitemap`` keeps only each entry's direct children as flat
text, so ``<news:news><news:publication_date>`` comes out empty; this parser reads the nested
element (with the same safe lxml settings: no entities, recover mode). Decompression and robots
lines use Scrapy's ``gunzip`` (with a size cap) and ``sitemap_urls_from_robots``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime
from io import BytesIO
from urllib.parse import urljoin

import attrs
import lxml.etree
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import sitemap_urls_from_robots

from archiver.discovery.dates import parse_w3c

NEWS_NS = "http://www.google.com/schemas/sitemap-news/0.9"
MAX_SITEMAP_SIZE = 50 * 1024 * 1024
"""The sitemaps protocol's limit on an uncompressed sitemap, enforced when unzipping."""


@attrs.define(frozen=True)
class SitemapEntry:
    """A ``<url>`` or ``<sitemap>`` of a sitemap."""

    loc: str
    lastmod: datetime | None = None
    published: datetime | None = None
    """``news:publication_date`` of a Google News sitemap entry."""
    title: str = ""
    """``news:title``."""

    @property
    def date(self) -> datetime | None:
        """What a ``--since`` cut-off compares: the latest of publication and modification."""
        dates = [d for d in (self.published, self.lastmod) if d is not None]
        return max(dates) if dates else None


@attrs.define(frozen=True)
class Sitemap:
    """A parsed sitemap: ``index`` (entries are sitemaps) or ``urlset`` (entries are pages)."""

    kind: str
    entries: list[SitemapEntry]
    news: bool = False
    """Whether any entry carries the Google News ``news:`` namespace."""


def is_gzip(body: bytes) -> bool:
    return body[:2] == b"\x1f\x8b"


def parse_sitemap(body: bytes, url: str = "") -> Sitemap:
    """The sitemap or sitemap index ``body`` (gzip'd or not); an unreadable document gives
    ``Sitemap("", [])``. ``loc`` values are resolved against ``url``."""
    if is_gzip(body):
        try:
            body = gunzip(body, max_size=MAX_SITEMAP_SIZE)
        except Exception:  # a truncated or oversized gzip member: no sitemap
            return Sitemap("", [])
    try:
        events = lxml.etree.iterparse(
            BytesIO(_from_the_start(body)),
            events=("start", "end"),
            recover=True,
            resolve_entities=False,
            remove_comments=True,
            remove_pis=True,
            huge_tree=False,
        )
        entries, kind, news = [], "", False
        for event, elem in events:
            name = lxml.etree.QName(elem).localname if isinstance(elem.tag, str) else ""
            if event == "start":
                kind = kind or {"urlset": "urlset", "sitemapindex": "index"}.get(name, "other")
                continue
            if name in ("url", "sitemap"):
                entry = _entry(elem, url)
                if entry is not None:
                    news = news or entry.published is not None
                    entries.append(entry)
                elem.clear()
    except lxml.etree.LxmlError:
        return Sitemap("", [])
    if kind not in ("urlset", "index"):
        return Sitemap("", [])
    return Sitemap(kind, entries, news)


_LEADING = re.compile(rb"(?:\s|\xef\xbb\xbf)+")
"""Blank lines, spaces and UTF-8 byte order marks before a document's first markup."""
_JUNK_MAX = 4096
"""Bytes of other output (a PHP notice or warning) looked past for the XML declaration."""


def _from_the_start(body: bytes) -> bytes:
    """``body`` from its first markup (its XML declaration, after up to ``_JUNK_MAX`` bytes of
    anything else), a UTF-8 byte order mark kept in front of it.

    WordPress with a theme or plugin that prints blank lines (Yoast's sitemaps, among others)
    serves them before ``<?xml ...?>``: lxml then reports "XML declaration allowed only at the
    start", and in recover mode drops every entity reference after it, so a ``loc`` of
    ``story?id=5&amp;cat=2`` came out ``story?id=5cat=2``.
    """
    declaration = body.find(b"<?xml", 0, _JUNK_MAX)
    if declaration > 0:  # output the server printed first (a PHP notice): not the document
        bom = b"\xef\xbb\xbf" if b"\xef\xbb\xbf" in body[:declaration] else b""
        return bom + body[declaration:]
    lead = _LEADING.match(body)
    if lead is None:
        return body
    return (b"\xef\xbb\xbf" if b"\xef\xbb\xbf" in lead[0] else b"") + body[lead.end() :]


def _entry(elem: lxml.etree._Element, base: str) -> SitemapEntry | None:
    loc = lastmod = published = title = None
    for child in elem.iter():
        if not isinstance(child.tag, str) or child is elem:
            continue
        qname = lxml.etree.QName(child)
        text = (child.text or "").strip()
        if qname.localname == "loc" and qname.namespace != NEWS_NS:
            loc = loc or text
        elif qname.localname == "lastmod":
            lastmod = text
        elif qname.namespace == NEWS_NS and qname.localname == "publication_date":
            published = text
        elif qname.namespace == NEWS_NS and qname.localname == "title":
            title = text
    if not loc:
        return None
    return SitemapEntry(urljoin(base, loc), parse_w3c(lastmod), parse_w3c(published), title or "")


def robots_sitemaps(robots_txt: bytes | str, base_url: str) -> Iterator[str]:
    """Absolute URLs of robots.txt's ``Sitemap:`` lines."""
    data = robots_txt.encode("utf-8") if isinstance(robots_txt, str) else robots_txt
    for url in sitemap_urls_from_robots(data, base_url=base_url):
        yield urljoin(base_url, url)
