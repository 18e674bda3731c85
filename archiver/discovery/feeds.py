"""Feeds: RSS 0.9x/1.0/2.0 and Atom with feedparser, JSON Feed with a small reader, and feed
autodiscovery from ``<link rel="alternate">``.

feedparser 6.0 (the released line) has no JSON Feed support (it is only on its unreleased
development branch), so JSON Feed 1.0/1.1 (``items[].url``, ``date_published``) is read here
with the standard ``json`` module: a handful of lines against a fixed, small spec.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urljoin

import attrs
import feedparser
from parsel import Selector

from archiver.discovery.dates import from_struct, parse_w3c

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
)
"""``type`` values of ``<link rel="alternate">`` that name a feed."""


@attrs.define(frozen=True)
class FeedEntry:
    """One item of a feed: the article's URL and, when the feed says, when it was published."""

    url: str
    published: datetime | None = None
    """Publication (else update) time, aware UTC."""
    title: str = ""


@attrs.define(frozen=True)
class Feed:
    """A parsed feed: its format (``rss20``, ``atom10``, ``json1``, ...), title and entries."""

    format: str
    title: str
    entries: list[FeedEntry]


def is_json_feed(body: bytes, content_type: str = "") -> bool:
    """Whether ``body`` is a JSON Feed (by media type or by its ``version`` member)."""
    if "json" in content_type.lower():
        return True
    head = body.lstrip()[:200]
    return head.startswith(b"{") and b"jsonfeed.org/version" in head


def parse_feed(body: bytes, url: str, content_type: str = "") -> Feed:
    """Entries of the RSS, Atom or JSON Feed document ``body`` fetched from ``url``.

    Relative entry links are resolved against ``url``. A document that is no feed at all gives
    a ``Feed`` with format ``""`` and no entries (feedparser is lenient and never raises).
    """
    if is_json_feed(body, content_type):
        return _parse_json_feed(body, url)
    parsed = feedparser.parse(body, response_headers={"content-location": url})
    entries = []
    for e in parsed.entries:
        link = e.get("link") or next(
            (li.get("href") for li in e.get("links", []) if li.get("rel") == "alternate"), None
        )
        if not link:
            continue
        when = from_struct(e.get("published_parsed") or e.get("updated_parsed"))
        entries.append(FeedEntry(urljoin(url, link.strip()), when, e.get("title", "")))
    return Feed(parsed.get("version", ""), parsed.feed.get("title", ""), entries)


def _parse_json_feed(body: bytes, url: str) -> Feed:
    try:
        data: Any = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return Feed("", "", [])
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        return Feed("", "", [])
    version = str(data.get("version", ""))
    entries = []
    for item in data["items"]:
        if not isinstance(item, dict):
            continue
        link = item.get("url") or item.get("external_url")
        if not isinstance(link, str) or not link.strip():
            continue
        when = parse_w3c(item.get("date_published") or item.get("date_modified"))
        entries.append(FeedEntry(urljoin(url, link.strip()), when, str(item.get("title", ""))))
    fmt = "json" + version.rstrip("/").rsplit("/", 1)[-1].replace(".", "")
    return Feed(fmt, str(data.get("title", "")), entries)


def feed_links(html: str | bytes, url: str) -> list[str]:
    """Absolute URLs of the feeds a page announces with ``<link rel="alternate" type=...>``."""
    text = html.decode("utf-8", "replace") if isinstance(html, bytes) else html
    found = []
    for link in Selector(text=text).css("link[rel~=alternate][href]"):
        kind = (link.attrib.get("type") or "").split(";")[0].strip().lower()
        if kind in FEED_TYPES:
            absolute = urljoin(url, link.attrib["href"].strip())
            if absolute not in found:
                found.append(absolute)
    return found
