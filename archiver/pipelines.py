"""Item pipelines: turn fetched pages into articles. Indexing happens in
:class:`archiver.extensions.ArchiveIndexExtension` on ``item_scraped``."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from scrapy.exceptions import DropItem

from archiver.exceptions import ExtractionError
from archiver.extract import ArticleExtractor
from archiver.items import Article, Page

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class NotAnArticle(DropItem):
    """The page is a listing or other non-article page: archived, not indexed."""

    def __init__(self, message: str, page_type: str = "other") -> None:
        super().__init__(message)
        self.page_type = page_type
        """What the extractor found the page to be (``listing``, ``other``)."""


class ExtractionFailed(DropItem):
    """The extractor could not read the page (it stays archived in the WARC)."""


class ExtractionPipeline:
    """Runs :class:`ArticleExtractor` over each :class:`Page` and passes on an :class:`Article`."""

    def __init__(self, crawler: Crawler) -> None:
        self.stats = crawler.stats
        self.extractor = ArticleExtractor()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        try:
            article: Article = self.extractor.extract(
                item.html,
                item.url,
                outlet=item.outlet,
                capture=item.capture,
                section_hint=item.section_hint,
            )
        except ExtractionError as e:
            self.stats.inc_value("archiver/extract/failed")
            raise ExtractionFailed(f"{item.url}: {e}") from e
        except Exception as e:  # a broken page must never kill the crawl
            self.stats.inc_value("archiver/extract/failed")
            logger.warning("extraction of %s failed: %r", item.url, e)
            raise ExtractionFailed(f"{item.url}: extraction failed ({e!r})") from e
        if article.page_type != "article":
            self.stats.inc_value(f"archiver/extract/page_type/{article.page_type}")
            raise NotAnArticle(
                f"{item.url} is a {article.page_type} page, not an article", article.page_type
            )
        return article
