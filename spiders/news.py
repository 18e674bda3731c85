"""The generic section spider: one spider for every outlet, driven by its declarative definition.

scrapy crawl news -a outlet=demo
archiver crawl demo
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import scrapy
from scrapy import signals
from scrapy.http import Response, TextResponse

from archiver.items import Page
from archiver.middlewares import CAPTURE_META_KEY
from archiver.outlets import Outlet, get_outlet
from archiver.seen import PAGINATION, ROLE

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from archiver.demo.server import DemoServer

logger = logging.getLogger(__name__)


class SectionSpider(scrapy.Spider):
    """Crawls an outlet's section pages, follows their pagination, and requests each article."""

    name = "news"

    def __init__(
        self,
        outlet: str | Outlet | None = None,
        outlets_file: str | None = None,
        max_articles: int | str | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self._outlet_arg = outlet
        self._outlets_file = outlets_file
        self._max_articles_arg = max_articles
        self.host_map: dict[str, str] = {}
        self.articles_requested = 0
        self._demo_server: DemoServer | None = None

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> Self:
        spider = super().from_crawler(crawler, *args, **kwargs)
        spider._configure(crawler)
        return spider

    def _configure(self, crawler: Crawler) -> None:
        settings = crawler.settings
        outlet = self._outlet_arg or settings.get("ARCHIVER_OUTLET")
        if not outlet:
            raise ValueError("no outlet given: run `scrapy crawl news -a outlet=NAME`")
        self.outlet = (
            outlet if isinstance(outlet, Outlet) else get_outlet(outlet, self._outlets_file)
        )
        self.allowed_domains = list(self.outlet.allowed_domains)
        limit = self._max_articles_arg
        if limit is None:
            limit = settings.getint("ARCHIVER_MAX_ARTICLES") or self.outlet.max_articles
        self.max_articles = int(limit or 0)
        self.host_map = dict(self.outlet.host_map)
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

    async def start(self) -> AsyncIterator[Any]:
        for url in self.outlet.sections:
            yield scrapy.Request(
                url, callback=self.parse_listing, cb_kwargs={"page": 1}, meta={ROLE: "listing"}
            )

    def parse_listing(self, response: Response, page: int) -> Iterator[scrapy.Request]:
        if not isinstance(response, TextResponse):
            return
        for href in response.css(self.outlet.article_links).getall():
            url = response.urljoin(href.strip())
            if not self._is_article_url(url):
                continue
            if self.max_articles and self.articles_requested >= self.max_articles:
                break
            self.articles_requested += 1
            yield scrapy.Request(url, callback=self.parse_article, meta={ROLE: "article"})
        next_href = response.css(self.outlet.pagination).get()
        if next_href and page < self.outlet.max_pages:
            yield scrapy.Request(
                response.urljoin(next_href.strip()),
                callback=self.parse_listing,
                cb_kwargs={"page": page + 1},
                meta={ROLE: "listing", PAGINATION: True},
            )

    def _is_article_url(self, url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        regex = self.outlet.article_regex
        return regex is None or regex.search(parts.path) is not None

    def parse_article(self, response: Response) -> Iterator[Page]:
        if not isinstance(response, TextResponse):
            self.crawler.stats.inc_value("archiver/non_html")
            return
        yield Page(
            url=response.url,
            outlet=self.outlet.name,
            html=response.body,
            encoding=response.encoding,
            capture=response.meta.get(CAPTURE_META_KEY),
        )
