"""The Demo Insight (TDI): a bundled news outlet in the markup of a WordPress "Newspaper" site.

Content (``content/articles.json``) becomes pages (``templates/*``) here, with no networking:
:meth:`DemoSite.render` answers one request with a :class:`DemoResponse` holding the uncompressed
body, and :mod:`archiver.demo.server` adds what the wire needs (gzip, chunked framing, keep-alive).
Links in pages are root-relative; the few absolute URLs (canonical, og:url, JSON-LD, ``Link``
headers) are built from the request's host, so a page is byte-identical for a given host.

This module routes requests and speaks HTTP (status, headers, redirects, conditional GET);
:mod:`archiver.demo.content` loads the content and :mod:`archiver.demo.pages` builds the HTML.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit

import attrs

from archiver.demo import feeds
from archiver.demo.content import (
    PER_PAGE,
    SEED_SLUG,
    SITE_NAME,
    DemoArticle,
    DemoAuthor,
    DemoContent,
    section_path,
    slugify,
)
from archiver.demo.markup import esc, human_date
from archiver.demo.pages import PageBuilder

__all__ = [
    "DEMO_HOST",
    "HTML_TYPE",
    "PER_PAGE",
    "SEED_SLUG",
    "SITE_NAME",
    "DemoArticle",
    "DemoAuthor",
    "DemoResponse",
    "DemoSite",
    "esc",
    "human_date",
    "section_path",
    "slugify",
]

logger = logging.getLogger(__name__)

DEMO_HOST = "demo-insight.test"
HTML_TYPE = "text/html; charset=UTF-8"
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
_LISTING_RE = re.compile(
    r"^(?P<base>/|/category/(?:[a-z0-9-]+/)+?|/author/[a-z0-9-]+/)(?:page/(?P<page>\d+)/)?$"
)
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000001e221bc330000000049454e44ae426082"
)


@attrs.define(kw_only=True, frozen=True)
class DemoResponse:
    """An answer before the wire: the server compresses, frames and measures ``body``."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    chunked: bool = False

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class DemoSite(DemoContent):
    """The outlet's content and pages; read-only after construction, hence thread-safe."""

    def __init__(self, edition: int = 1) -> None:
        super().__init__(edition)
        self._theme = PageBuilder(self)

    def render(self, method: str, path: str, host: str, headers: Mapping[str, str]) -> DemoResponse:
        """Answer ``method path`` for ``host`` (the request's Host), like WordPress behind nginx.

        ``headers`` are the request's (names matched case-insensitively); the body is never
        compressed, and HEAD gets the GET body so that the server can measure it.
        """
        origin = "http://" + (host if _HOST_RE.match(host or "") else DEMO_HOST)
        if method not in ("GET", "HEAD"):
            return _nginx(405, "Method Not Allowed", [("Allow", "GET, HEAD")])
        target = urlsplit(path)
        route, query = target.path or "/", parse_qs(target.query)
        slug = route.strip("/")
        listing = _LISTING_RE.match(route)
        if route == "/" and "p" in query:
            found = [a for a in self.articles if str(a.id) == query["p"][0]]
            return _redirect(found[0].path) if found else self._not_found(origin)
        if (fed := self._feed_or_sitemap(route, origin)) is not None:
            return fed
        if route in self._theme.files:
            kind, body = self._theme.files[route]
            if route == "/robots.txt":
                body = feeds.robots_txt(body, origin)
            return DemoResponse(
                status=200, reason="OK", headers=[("Content-Type", kind)], body=body
            )
        if route.startswith("/wp-content/uploads/") and route.endswith(".png"):
            return DemoResponse(
                status=200, reason="OK", headers=[("Content-Type", "image/png")], body=_PNG
            )
        if route == "/wp-admin" or route.startswith("/wp-admin/"):
            return _nginx(403, "Forbidden", [])
        if listing and (listing["base"] == "/" or self.listing(listing["base"])):
            return self._listing_page(listing["base"], listing["page"], origin)
        if route == f"/{slug}/" and "/" not in slug:
            if slug in self._by_slug:
                lowered = {k.lower(): v for k, v in headers.items()}
                return self._article_page(self.article(slug), origin, lowered)
            if route in self.old_slug_redirects:
                return _redirect(self.old_slug_redirects[route])
            if slug in self.static_pages:
                body_text = self._theme.static_html(self.static_pages[slug], origin)
                return _html(200, "OK", body_text, origin)
        if not route.endswith("/") and self.render("HEAD", route + "/", host, {}).status < 400:
            return _redirect(route + "/" + (f"?{target.query}" if target.query else ""))
        return self._not_found(origin)

    def _feed_or_sitemap(self, route: str, origin: str) -> DemoResponse | None:
        """Feeds (RSS, Atom, JSON Feed), sitemaps and the news sitemap, or None."""
        answer: tuple[str, str | bytes] | None = None
        if route == "/feed/":
            answer = (feeds.RSS_TYPE, feeds.rss(self, origin))
        elif (base := feeds.section_feed_base(route, self)) is not None:
            answer = (feeds.RSS_TYPE, feeds.rss(self, origin, base))
        elif route == "/feed/atom/":
            answer = (feeds.ATOM_TYPE, feeds.atom(self, origin))
        elif route == "/feed/json/":
            answer = (feeds.JSON_FEED_TYPE, feeds.json_feed(self, origin))
        elif route == feeds.SITEMAP_INDEX:
            answer = (feeds.XML_TYPE, feeds.sitemap_index(self, origin))
        elif route == feeds.NEWS_SITEMAP:
            answer = (feeds.XML_TYPE, feeds.news_sitemap(self, origin))
        elif route in feeds.POST_SITEMAPS:
            kind = feeds.GZIP_TYPE if route.endswith(".gz") else feeds.XML_TYPE
            answer = (kind, feeds.post_sitemap(self, origin, route))
        if answer is None:
            return None
        kind, body = answer
        data = body.encode("utf-8") if isinstance(body, str) else body
        return DemoResponse(status=200, reason="OK", headers=[("Content-Type", kind)], body=data)

    def _article_page(
        self, a: DemoArticle, origin: str, request: Mapping[str, str]
    ) -> DemoResponse:
        body = self._theme.article_html(a, origin).encode("utf-8")
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        changed = datetime.fromisoformat(a.modified or a.published).astimezone(UTC)
        cache = [
            ("Vary", "Accept-Encoding"),
            ("Last-Modified", format_datetime(changed, usegmt=True)),
            ("ETag", etag),
        ]
        if _not_modified(request, etag, changed):
            return DemoResponse(status=304, reason="Not Modified", headers=cache, body=b"")
        links = [
            ("Link", f'<{origin}/wp-json/wp/v2/posts/{a.id}>; rel="https://api.w.org/"'),
            ("Link", f"<{origin}/?p={a.id}>; rel=shortlink"),
        ]
        headers = [("Content-Type", HTML_TYPE), *cache, *links]
        return DemoResponse(status=200, reason="OK", headers=headers, body=body)

    def _listing_page(self, base: str, number: str | None, origin: str) -> DemoResponse:
        page, pages = int(number or 1), self.page_count(base)
        if number == "1":
            return _redirect(base)
        if not 1 <= page <= pages:
            return self._not_found(origin)
        body = self._theme.listing_html(base, page, pages, origin)
        return _html(200, "OK", body, origin, chunked=True)

    def _not_found(self, origin: str) -> DemoResponse:
        return _html(404, "Not Found", self._theme.not_found_html(origin), origin)


def _not_modified(request: Mapping[str, str], etag: str, changed: datetime) -> bool:
    """Whether a conditional GET (lower-cased header names) earns a 304."""
    if (tags := request.get("if-none-match")) is not None:
        listed = [t.strip().removeprefix("W/") for t in tags.split(",")]
        return "*" in listed or etag in listed
    if since_text := request.get("if-modified-since"):
        try:
            since = parsedate_to_datetime(since_text)
        except (TypeError, ValueError):
            return False
        return changed <= (since if since.tzinfo else since.replace(tzinfo=UTC))
    return False


def _html(status: int, reason: str, body: str, origin: str, chunked: bool = False) -> DemoResponse:
    headers = [
        ("Content-Type", HTML_TYPE),
        ("Vary", "Accept-Encoding"),
        ("Link", f'<{origin}/wp-json/>; rel="https://api.w.org/"'),
    ]
    return DemoResponse(
        status=status, reason=reason, headers=headers, body=body.encode("utf-8"), chunked=chunked
    )


def _redirect(location: str) -> DemoResponse:
    """WordPress's redirect: 301 to a root-relative ``location``, with a tiny HTML body."""
    body = (
        "<html>\n<head><title>301 Moved Permanently</title></head>\n<body>\n"
        "<h1>Moved Permanently</h1>\n"
        f'<p>The document has moved <a href="{esc(location)}">here</a>.</p>\n</body>\n</html>\n'
    )
    headers = [("Content-Type", HTML_TYPE), ("Location", location), ("X-Redirect-By", "WordPress")]
    return DemoResponse(status=301, reason="Moved Permanently", headers=headers, body=body.encode())


def _nginx(status: int, reason: str, extra: list[tuple[str, str]]) -> DemoResponse:
    """nginx's own small error page, for what never reaches WordPress."""
    body = (
        f"<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<center><h1>{status} "
        f"{reason}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )
    headers = [("Content-Type", HTML_TYPE), *extra]
    return DemoResponse(status=status, reason=reason, headers=headers, body=body.encode())
