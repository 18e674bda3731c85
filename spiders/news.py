"""The generic news spider: one spider for every outlet, driven by its declarative definition,
or by a bare URL when there is none.

scrapy crawl news -a outlet=demo
scrapy crawl news -a url=https://some.outlet/section/
archiver crawl demo --sources feeds,sitemaps --since 2024-01-01

Sources, each optional and all merged: section pages with pagination, feeds (RSS, Atom, JSON
Feed), sitemaps and sitemap indexes (``.gz``, Google News), ``Sitemap:`` lines of robots.txt,
and feeds announced by section pages (``<link rel="alternate">``). Article URLs are deduplicated
across sources (the seen-store's normalised URL, :func:`article_key`), so each article is
requested once per crawl.

Every request carries ``meta["archiver_role"]``: ``listing`` (section and pagination pages,
feeds, sitemaps, robots.txt), ``article``, or ``resource`` (what an HTML page loads: its
stylesheets, scripts, images and fonts, from any host, so that it replays as it looked;
``ARCHIVER_PAGE_RESOURCES``); a section's next page also carries
``meta["archiver_pagination"] = True``.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit, urlunsplit

import scrapy
from scrapy import signals
from scrapy.http import HtmlResponse, Response, TextResponse
from twisted.python.failure import Failure
from w3lib.encoding import http_content_type_encoding

from archiver.discovery import feed_links, normalize_url, parse_feed, parse_sitemap, url_shape
from archiver.discovery.resources import NESTING_DEPTH, css_resources, html_resources
from archiver.discovery.sitemaps import robots_sitemaps
from archiver.discovery.urls import without_tracking
from archiver.exceptions import ConfigError
from archiver.extract.markup import in_chrome
from archiver.items import Page
from archiver.middlewares import CAPTURE_META_KEY, FORBIDDEN_META_KEY, header_value
from archiver.outlets import SOURCES, Outlet, get_outlet
from archiver.seen import PAGINATION, ROLE, GivenUpArticles, note_partial
from archiver.seen import normalize_url as seen_key

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from archiver.demo.server import DemoServer

logger = logging.getLogger(__name__)

WAITING_MAX = 10_000
"""Most article candidates kept, once ``max_articles`` is reached, for the places of requests
robots.txt forbids."""


def article_key(url: str) -> str:
    """The key under which article ``url`` (a request's URL) is requested once per crawl: the
    seen-store's key (:func:`archiver.seen.normalize_url`: courlan's rules, trailing slash,
    ``ref``, ``xtor``, ``_ga``...), so that two URLs the index takes for one article are one
    request too, in w3lib's canonical form (query order, escapes, dot segments), with no scheme
    (http and https name one article)."""
    return normalize_url(seen_key(url) or url).partition("://")[2]


def parse_sources(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """``"feeds,sitemaps"`` -> ``("feeds", "sitemaps")``; ``None`` -> every source."""
    if value is None or value == "":
        return SOURCES
    names = [v.strip() for v in (value.split(",") if isinstance(value, str) else value)]
    unknown = [n for n in names if n not in SOURCES]
    if unknown or not names:
        raise ConfigError(
            f"unknown source {', '.join(unknown) or '(none)'}; choose from {', '.join(SOURCES)}"
        )
    return tuple(dict.fromkeys(names))


def parse_since(value: str | date | None) -> datetime | None:
    """``YYYY-MM-DD`` (or a date) -> midnight UTC of that day; ``None`` stays ``None``."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since {value!r} is not a date; write it as YYYY-MM-DD") from None
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


START_PAGE = "archiver_start_page"
"""``request.meta`` key: on the page a crawl by URL starts from, which may be an article."""
RESOURCE_DEPTH = "archiver_resource_depth"
"""``request.meta`` key of a resource request: 1 for what a page loads, 2 for what a stylesheet
it loads imports or loads, and so on."""


def bare_outlet(url: str) -> Outlet:
    """An outlet for a URL no definition covers: its host, the URL as its one section."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme not in ("http", "https") or not host:
        raise ConfigError(f"{url!r} is not an absolute http(s) URL or a known outlet name")
    start = urlunsplit((parts.scheme, parts.netloc, parts.path or "/", parts.query, ""))
    return Outlet(name=host, site_name=host, allowed_domains=(host,), sections=(start,))


class SectionSpider(scrapy.Spider):
    """Crawls an outlet's sections (with pagination), feeds and sitemaps, and requests each
    article once; with ``url`` and no outlet, discovers them from that page itself."""

    name = "news"

    def __init__(
        self,
        outlet: str | Outlet | None = None,
        outlets_file: str | None = None,
        max_articles: int | str | None = None,
        url: str | None = None,
        sources: str | Iterable[str] | None = None,
        since: str | date | None = None,
        partial: str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.partial = partial
        """Why this crawl reads only part of the outlet's listings (``one page``), or None."""
        self._outlet_arg = outlet
        self._outlets_file = outlets_file
        self._max_articles_arg = max_articles
        self.bare = url is not None and outlet is None
        self._url = url
        self.sources = parse_sources(sources)
        self.since = parse_since(since)
        self.host_map: dict[str, str] = {}
        self.articles_requested = 0
        self._waiting: deque[tuple[str, str]] = deque()
        """Article candidates (URL, source) turned away by ``max_articles``, in order."""
        self.seen_filter: Callable[[Iterable[scrapy.Request]], Iterator[scrapy.Request]] | None = (
            None
        )
        """The seen-store middleware's filter (``archiver.seen.SeenMiddleware`` sets it)."""
        self._seen: set[str] = set()
        self._resources_seen: set[int] = set()
        """Hashes of the resource URLs requested in this crawl: a page's stylesheet, scripts and
        logo are on every page, and each would otherwise be looked up in the seen-store."""
        self.page_resources = True
        self.resources_max = 0
        self._demo_server: DemoServer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler)
        return spider

    def _configure(self, crawler: Crawler) -> None:
        settings = crawler.settings
        outlet = self._outlet_arg or settings.get("ARCHIVER_OUTLET")
        if self.bare and self._url:
            self.outlet = bare_outlet(self._url)
        elif not outlet:
            raise ValueError(
                "no outlet given: run `scrapy crawl news -a outlet=NAME` (or `-a url=URL`)"
            )
        else:
            self.outlet = (
                outlet if isinstance(outlet, Outlet) else get_outlet(outlet, self._outlets_file)
            )
        self.allowed_domains = list(self.outlet.allowed_domains)
        limit = self._max_articles_arg
        if limit is None:
            limit = settings.getint("ARCHIVER_MAX_ARTICLES") or self.outlet.max_articles
        self.max_articles = int(limit or 0)
        self.page_resources = settings.getbool("ARCHIVER_PAGE_RESOURCES", True)
        self.resources_max = settings.getint("ARCHIVER_PAGE_RESOURCES_MAX", 200)  # checked
        for key, value in self.outlet.scrapy_settings().items():
            settings.set(key, value, priority="spider")
        self.host_map = dict(self.outlet.host_map)
        crawler.signals.connect(self._not_an_article, signal=signals.item_dropped)
        if self.outlet.demo and not self._demo_routed(settings.getdict("ARCHIVER_HOST_MAP")):
            self._start_demo_server(crawler)

    def _demo_routed(self, static_map: dict[str, str]) -> bool:
        return all(d in static_map or d in self.host_map for d in self.outlet.allowed_domains)

    def _start_demo_server(self, crawler: Crawler) -> None:
        from archiver.demo.server import DemoServer

        self._demo_server = DemoServer(edition=crawler.settings.getint("ARCHIVER_DEMO_EDITION", 1))
        self._demo_server.start()
        for domain in self.outlet.allowed_domains:
            self.host_map[domain] = self._demo_server.address
        crawler.signals.connect(self._stop_demo_server, signal=signals.spider_closed)
        logger.info("demo outlet served at %s", self._demo_server.url)

    def _stop_demo_server(self) -> None:
        if self._demo_server is not None:
            self._demo_server.stop()
            self._demo_server = None

    # -- requests ---------------------------------------------------------------------------

    def _listing(self, url: str, callback: Any, **kwargs: Any) -> scrapy.Request:
        meta: dict[str, Any] = {ROLE: "listing"}
        if kwargs.pop("pagination", False):
            meta[PAGINATION] = True
        return scrapy.Request(url, callback=callback, meta=meta, cb_kwargs=kwargs)

    def article_request(self, url: str, source: str) -> scrapy.Request | None:
        """The request for article ``url``, or None when it is filtered, seen, or over limit."""
        if not self._is_article_url(url, source):
            return None
        request = scrapy.Request(
            without_tracking(url),
            callback=self.parse_article,
            errback=self.article_failed,
            meta={ROLE: "article"},
        )
        key = article_key(request.url)
        if key in self._seen:
            self.crawler.stats.inc_value("archiver/discovery/duplicates")
            return None
        if self.max_articles and self.articles_requested >= self.max_articles:
            note_partial(self.crawler.stats, "max_articles")
            if len(self._waiting) < WAITING_MAX:  # for the place of one never fetched
                self._waiting.append((url, source))
            return None
        self._seen.add(key)
        self.articles_requested += 1
        self.crawler.stats.inc_value(f"archiver/discovery/articles/{source}")
        return request

    def article_failed(self, failure: Failure) -> Failure | Iterator[scrapy.Request]:
        """An article request that failed: one robots.txt forbids was never fetched, so it
        gives its place under ``max_articles`` to the next candidate the limit turned away.
        Any other failure goes on to Scrapy's handling (its log)."""
        request = getattr(failure, "request", None)
        if request is None or not request.meta.get(FORBIDDEN_META_KEY):
            return failure
        GivenUpArticles.from_crawler(self.crawler).answered(request)  # robots.txt's answer
        self.articles_requested -= 1
        # an errback's requests go to the engine without the spider middlewares: through the
        # seen-store's filter here (a known article not due is skipped, its place given back)
        instead = self._instead()
        return self.seen_filter(instead) if self.seen_filter is not None else instead

    def _not_an_article(self, item: Any, response: Response, exception: BaseException) -> None:
        """A fetched article candidate the extractor found to be no article (a listing, an
        about page in the sitemap) gives its place under ``max_articles`` to the next
        candidate the limit turned away: the limit is a number of articles."""
        if not (self.max_articles and isinstance(item, Page)):
            return
        if response is None or not (
            response.meta.get(ROLE) == "article" or response.meta.get(START_PAGE)
        ):
            return  # no candidate article: it took no place
        if getattr(exception, "page_type", None) not in ("listing", "other"):
            return  # an extraction that failed may have been an article: its place is spent
        self.articles_requested -= 1
        self.crawler.stats.inc_value("archiver/discovery/not_articles")
        engine = self.crawler.engine
        instead = self._instead()
        for request in self.seen_filter(instead) if self.seen_filter is not None else instead:
            if engine is not None:
                engine.crawl(request)

    def _instead(self) -> Iterator[scrapy.Request]:
        """Candidates the limit turned away, while there is room: a lazy generator, so that a
        known article the seen-store skips (and gives its place back) is followed by the next."""
        while self._waiting and self.articles_requested < self.max_articles:
            url, source = self._waiting.popleft()
            if (request := self.article_request(url, source)) is not None:
                yield request

    def _resources(self, response: Response) -> Iterator[scrapy.Request]:
        """Requests for what the HTML page ``response`` loads (stylesheets, scripts, images,
        fonts), from any host, each URL once per crawl."""
        if self.page_resources and isinstance(response, HtmlResponse):
            urls = html_resources(
                response.body, response.url, response.encoding, limit=self.resources_max
            )
            yield from self._resource_requests(urls, depth=1)

    def _resource_requests(self, urls: Iterable[str], depth: int) -> Iterator[scrapy.Request]:
        for url in urls:
            key = hash(url)
            if key in self._resources_seen:
                continue
            self._resources_seen.add(key)
            meta = {ROLE: "resource", RESOURCE_DEPTH: depth, "allow_offsite": True}
            yield scrapy.Request(url, callback=self.parse_resource, meta=meta)

    def _is_article_url(self, url: str, source: str) -> bool:
        """Whether ``url``, found by ``source``, is fetched as an article: on the outlet's hosts,
        and its ``article_pattern``; for a bare URL, a link on a page is taken by its shape (an
        article's), an entry of a feed or sitemap unless it has a listing's shape (the site
        lists it as a page of its own, whatever its URL looks like)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in self.outlet.allowed_domains):
            return False
        if self.bare:
            shape = url_shape(url)
            return shape == "article" or (source != "sections" and shape != "listing")
        regex = self.outlet.article_regex
        return regex is None or regex.search(parts.path) is not None

    def _too_old(self, when: datetime | None) -> bool:
        if self.since is None or when is None:
            return False
        if when < self.since:
            self.crawler.stats.inc_value("archiver/discovery/too_old")
            return True
        return False

    async def start(self) -> AsyncIterator[Any]:
        outlet = self.outlet
        # a crawl that leaves listings unread says so (the first reason noted stays): the next
        # crawl must not stop paginating at a page of articles it knows
        if self.partial is not None:
            note_partial(self.crawler.stats, self.partial)
        if "sections" not in self.sources:
            note_partial(self.crawler.stats, "sources")
        if "sections" in self.sources or "autodiscovery" in self.sources:
            for url in outlet.sections:
                request = self._listing(url, self.parse_listing, page=1)
                if self.bare or self.partial == "one page":
                    request.meta[START_PAGE] = True
                yield request
        if "feeds" in self.sources:
            for url in outlet.feeds:
                yield self._listing(url, self.parse_feed)
        if "sitemaps" in self.sources:
            for url in outlet.sitemaps:
                yield self._listing(url, self.parse_sitemap)
        if "robots" in self.sources and outlet.discover and self._robots_wanted():
            roots = dict.fromkeys(
                urlunsplit((p.scheme, p.netloc, "/robots.txt", "", ""))
                for p in map(urlsplit, (*outlet.sections, *outlet.feeds, *outlet.sitemaps))
            )
            for url in roots:
                yield self._listing(url, self.parse_robots)

    def _robots_wanted(self) -> bool:
        """A bare crawl reads the site's sitemaps only when it starts from the site's root:
        from a section it keeps to that section's pages and feeds."""
        return not self.bare or urlsplit(self.outlet.sections[0]).path in ("", "/")

    # -- callbacks --------------------------------------------------------------------------

    def parse_listing(self, response: Response, page: int) -> Iterator[Page | scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        if page == 1 and response.meta.get(START_PAGE):
            # the page a crawl by URL starts from may be an article (the user named it): the
            # extractor tells (a listing is dropped there, and gives its place back), besides
            # reading it for links; it takes a place under max_articles meanwhile
            self.articles_requested += 1
            self._seen.add(article_key(response.url))
            yield self._page(response)
        yield from self._resources(response)
        if page == 1 and "autodiscovery" in self.sources and self.outlet.discover:
            yield from self._discovered_feeds(response)
        if "sections" not in self.sources:
            return  # fetched only for the feeds it announces
        for href in self._links(response):
            request = self.article_request(response.urljoin(href.strip()), "sections")
            if request is not None:
                yield request
        next_href = response.css(self.outlet.pagination).get()
        if next_href and page < self.outlet.max_pages:
            yield self._listing(
                response.urljoin(next_href.strip()),
                self.parse_listing,
                page=page + 1,
                pagination=True,
            )

    def _links(self, response: TextResponse) -> list[str]:
        """Candidate article links: the outlet's selector, or for a bare URL every link
        outside the page's chrome (navigation, sidebars, widgets, related-links blocks)."""
        if not self.bare:
            return response.css(self.outlet.article_links).getall()
        return [a.attrib["href"] for a in response.css("a[href]") if not in_chrome(a.root)]

    def _discovered_feeds(self, response: TextResponse) -> Iterator[scrapy.Request]:
        found = feed_links(response.text, response.url)
        if self.bare:
            # From a section page, its own feed (WordPress: <section>/feed/) rather than the
            # whole site's, when it announces one.
            path = urlsplit(response.url).path
            own = [u for u in found if path != "/" and urlsplit(u).path.startswith(path)]
            found = own or found
        for url in found:
            self.crawler.stats.inc_value("archiver/discovery/feeds_found")
            yield self._listing(url, self.parse_feed)

    def parse_feed(self, response: Response) -> Iterator[scrapy.Request]:
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1")
        feed = parse_feed(response.body, response.url, content_type)
        if not feed.format:
            logger.warning("%s is not an RSS, Atom or JSON feed", response.url)
            self.crawler.stats.inc_value("archiver/discovery/bad_feeds")
            return
        for entry in feed.entries:
            if self._too_old(entry.published):
                continue
            request = self.article_request(entry.url, "feeds")
            if request is not None:
                yield request

    def parse_sitemap(self, response: Response) -> Iterator[scrapy.Request]:
        sitemap = parse_sitemap(response.body, response.url)
        if not sitemap.kind:
            logger.warning("%s is not a sitemap or sitemap index", response.url)
            self.crawler.stats.inc_value("archiver/discovery/bad_sitemaps")
            return
        for entry in sitemap.entries:
            if self._too_old(entry.date):
                continue
            if sitemap.kind == "index":
                yield self._listing(entry.loc, self.parse_sitemap)
            elif (request := self.article_request(entry.loc, "sitemaps")) is not None:
                yield request

    def parse_robots(self, response: Response) -> Iterator[scrapy.Request]:
        if response.status != 200:
            return
        for url in robots_sitemaps(response.body, response.url):
            host = (urlsplit(url).hostname or "").lower()
            if any(host == d or host.endswith("." + d) for d in self.outlet.allowed_domains):
                yield self._listing(url, self.parse_sitemap)

    def parse_article(self, response: Response) -> Iterator[Page | scrapy.Request]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("archiver/non_html")
            return
        yield self._page(response)
        yield from self._resources(response)

    def _page(self, response: TextResponse) -> Page:
        return Page(
            url=response.url,
            outlet=self.outlet.name,
            html=response.body,
            # the header's charset, not Scrapy's guess from the bytes when none is declared:
            # the extractor reads the page as a browser does (and as reindex does)
            encoding=http_content_type_encoding(header_value(response, "Content-Type")),
            capture=response.meta.get(CAPTURE_META_KEY),
        )

    def parse_resource(self, response: Response) -> Iterator[scrapy.Request]:
        """What a stylesheet loads (fonts, images, imports) or a frame (a page of its own), to
        ``NESTING_DEPTH``; other resources are archived and that is all."""
        depth = int(response.meta.get(RESOURCE_DEPTH, 1))
        if depth >= NESTING_DEPTH:
            return
        content_type = (response.headers.get("Content-Type") or b"").decode("latin-1").lower()
        if isinstance(response, HtmlResponse):
            urls = html_resources(
                response.body, response.url, response.encoding, limit=self.resources_max
            )
            yield from self._resource_requests(urls, depth=depth + 1)
        elif isinstance(response, TextResponse) and content_type.startswith("text/css"):
            urls = css_resources(response.text, response.url, limit=self.resources_max)
            yield from self._resource_requests(urls, depth=depth + 1)
