"""Extensions: the SQLite index kept in step with the crawl."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured

from archiver import signals as archiver_signals
from archiver.index import ArchiveIndex
from archiver.items import Article, CaptureRef

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class ArchiveIndexExtension:
    """Records the crawl run, each capture and each article in ``<archive>/index.db``."""

    def __init__(self, crawler: Crawler, path: Path) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = path
        self.index: ArchiveIndex | None = None
        self.crawl_id: int | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.capture_written, signal=archiver_signals.capture_written)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_INDEX_ENABLED", True):
            raise NotConfigured("ARCHIVER_INDEX_ENABLED is off")
        return cls(crawler, Path(settings.get("ARCHIVER_ARCHIVE_DIR", "archive")) / "index.db")

    def spider_opened(self, spider: Spider) -> None:
        self.index = ArchiveIndex(self.path)
        outlet = getattr(spider, "outlet", None)
        self.crawl_id = self.index.start_crawl(getattr(outlet, "name", spider.name))
        self.stats.set_value("archiver/crawl_id", self.crawl_id)

    def capture_written(
        self, ref: CaptureRef, url: str, status: int, content_type: str | None, captured_at: str
    ) -> None:
        assert self.index is not None
        self.index.add_capture(
            ref,
            url=url,
            status=status,
            content_type=content_type,
            captured_at=captured_at,
            crawl_id=self.crawl_id,
        )

    def item_scraped(self, item: Any) -> None:
        if not isinstance(item, Article):
            return
        assert self.index is not None
        self.index.add_article(item, crawl_id=self.crawl_id)
        self.stats.inc_value("archiver/articles")

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self.index is None or self.crawl_id is None:
            return
        self.index.finish_crawl(self.crawl_id, outcome=reason, stats=self.stats.get_stats())
        self.index.close()
        logger.info("index %s updated (crawl %s, %s)", self.path, self.crawl_id, reason)
