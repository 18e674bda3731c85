"""``archiver outlets suggest URL``: draft an outlet definition from what a site announces.

A handful of polite requests (the crawl's User-Agent, robots.txt obeyed): the page, robots.txt
(``Sitemap:`` lines), each feed the page announces (kept if it parses and lists entries), and
each sitemap (kept if it parses). The article-link selector and the pagination selector are
picked from common news-theme patterns by what they match on the page. Uses the standard
library's ``urllib`` rather than a Scrapy crawl: a few sequential GETs that are not archived.
"""

from __future__ import annotations

import gzip
import urllib.error
import urllib.request
from datetime import UTC, datetime
from urllib.parse import urljoin, urlsplit, urlunsplit

import attrs
from parsel import Selector
from protego import Protego

from archiver.discovery.feeds import feed_links, parse_feed
from archiver.discovery.sitemaps import parse_sitemap, robots_sitemaps
from archiver.discovery.urls import url_shape
from archiver.exceptions import ArchiverError, ConfigError
from archiver.outlets import http_url_problem

LINK_SELECTORS = (
    "h3.entry-title a::attr(href), .td-module-title a::attr(href)",
    "article h2 a::attr(href), article h3 a::attr(href)",
    "h2 a::attr(href), h3 a::attr(href)",
    "article a::attr(href)",
    "a::attr(href)",
)
"""Candidate article-link selectors, most specific first."""
PAGINATION_SELECTORS = (
    "link[rel=next]::attr(href), a.next.page-numbers::attr(href)",
    "link[rel=next]::attr(href), a[rel=next]::attr(href)",
)
MAX_BYTES = 20 * 1024 * 1024


@attrs.define
class Suggestion:
    """What was found for a URL; ``toml()`` renders it as a definition."""

    name: str
    url: str
    site_name: str
    domain: str
    feeds: list[str]
    sitemaps: list[str]
    article_links: str
    pagination: str | None
    sample_articles: list[str]

    def toml(self) -> str:
        today = datetime.now(UTC).strftime("%Y-%m-%d")
        lines = [
            f"# Suggested by `archiver outlets suggest {self.url}` on {today}.",
            "# Check the values, then save this in a file and run",
            f"# `archiver crawl {self.name} --outlets FILE`.",
        ]
        if self.sample_articles:
            lines.append("# Article links found on the page, for example:")
            lines += [f"#   {u}" for u in self.sample_articles[:3]]
        lines += [
            f"[{self.name}]",
            f"site_name = {_q(self.site_name)}",
            f"allowed_domains = [{_q(self.domain)}]",
            f"sections = [{_q(self.url)}]",
            "feeds = [" + ", ".join(_q(u) for u in self.feeds) + "]",
            "sitemaps = [" + ", ".join(_q(u) for u in self.sitemaps) + "]",
            f"article_links = {_q(self.article_links)}",
        ]
        if self.pagination:
            lines.append(f"pagination = {_q(self.pagination)}")
        lines.append(f"provenance = {_q(f'archiver outlets suggest {self.url} on {today}')}")
        return "\n".join(lines) + "\n"


def _q(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


class Fetcher:
    """Polite GETs: our User-Agent, robots.txt obeyed, bodies capped and un-gzipped."""

    def __init__(self, user_agent: str, timeout: float = 20.0) -> None:
        self.user_agent = user_agent
        self.timeout = timeout
        self._robots: dict[str, Protego] = {}
        self.robots_text: dict[str, bytes] = {}

    def get(self, url: str) -> tuple[int, str, bytes]:
        """``(status, content type, body)``; ``(0, "", b"")`` when unreachable or disallowed."""
        if not self.allowed(url):
            return 0, "", b""
        return self._get(url)

    def allowed(self, url: str) -> bool:
        parts = urlsplit(url)
        root = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
        if root not in self._robots:
            status, _, body = self._get(root)
            self.robots_text[root] = body if status == 200 else b""
            self._robots[root] = Protego.parse(self.robots_text[root].decode("utf-8", "replace"))
        return bool(self._robots[root].can_fetch(url, self.user_agent))

    def _get(self, url: str) -> tuple[int, str, bytes]:
        request = urllib.request.Request(
            url, headers={"User-Agent": self.user_agent, "Accept-Encoding": "gzip"}
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                body = response.read(MAX_BYTES)
                status = response.status
                headers = response.headers
        except urllib.error.HTTPError as e:
            return e.code, "", b""
        except (urllib.error.URLError, OSError, ValueError):
            return 0, "", b""
        if (headers.get("Content-Encoding") or "").lower() == "gzip":
            try:
                body = gzip.decompress(body)
            except (OSError, EOFError):
                return 0, "", b""
        return status, headers.get("Content-Type") or "", body


def suggest(url: str, user_agent: str, fetcher: Fetcher | None = None) -> Suggestion:
    """Fetch ``url`` and what it announces, and draft a definition; ArchiverError when the
    page cannot be fetched."""
    if problem := http_url_problem(url):
        raise ConfigError(f"{url!r} {problem}")
    parts = urlsplit(url)
    if url_shape(url) == "article":  # an outlet is drawn from its listings: the front page
        url = urlunsplit((parts.scheme, parts.netloc, "/", "", ""))
    host = (parts.hostname or "").lower()
    fetch = fetcher or Fetcher(user_agent)
    if not fetch.allowed(url):
        raise ArchiverError(f"robots.txt of {host} disallows {url} for our User-Agent")
    status, _, body = fetch.get(url)
    if status != 200 or not body:
        raise ArchiverError(f"cannot fetch {url} (status {status or 'none'}); is the URL right?")
    html = body.decode("utf-8", "replace")
    page = Selector(text=html)
    feeds = []
    for feed_url in feed_links(html, url):
        f_status, f_type, f_body = fetch.get(feed_url)
        if f_status == 200 and parse_feed(f_body, feed_url, f_type).entries:
            feeds.append(feed_url)
    robots_url = urlunsplit((parts.scheme, parts.netloc, "/robots.txt", "", ""))
    sitemaps = []
    for sitemap_url in robots_sitemaps(fetch.robots_text.get(robots_url, b""), robots_url):
        s_status, _, s_body = fetch.get(sitemap_url)
        if s_status == 200 and parse_sitemap(s_body, sitemap_url).kind:
            sitemaps.append(sitemap_url)
    links, samples = _article_links(page, url, host)
    return Suggestion(
        name=_name(host),
        url=url,
        site_name=(
            page.css("meta[property='og:site_name']::attr(content)").get()
            or (page.css("title::text").get() or host).split(" - ")[-1].strip()
        ),
        domain=host.removeprefix("www."),
        feeds=feeds,
        sitemaps=sitemaps,
        article_links=links,
        pagination=next((s for s in PAGINATION_SELECTORS if page.css(s).get()), None),
        sample_articles=samples,
    )


def _article_links(page: Selector, url: str, host: str) -> tuple[str, list[str]]:
    """The most specific selector whose links are mostly article-shaped (at least three)."""
    for selector in LINK_SELECTORS:
        found: list[str] = []
        for href in page.css(selector).getall():
            absolute = urljoin(url, href.strip())
            if (urlsplit(absolute).hostname or "").lower() == host and absolute not in found:
                found.append(absolute)
        articles = [u for u in found if url_shape(u) == "article"]
        if len(articles) >= 3 and len(articles) * 2 >= len(found):
            return selector, articles
    return LINK_SELECTORS[2], []


def _name(host: str) -> str:
    if host.replace(".", "").isdigit():
        return "site_" + host.replace(".", "_")
    labels = [part for part in host.split(".") if part not in ("www", "m", "news", "edition")]
    return (labels[0] if labels else host).replace("-", "_") or "outlet"
