"""An extension that holds a crawl in its opening: it writes ``SLOW_OPEN_MARKER`` (a setting)
when the spider opens, then waits 30 s before the crawl may start. Loaded by tests that stop a
crawl at that moment."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals
from twisted.internet import reactor
from twisted.internet.task import deferLater

if TYPE_CHECKING:
    from scrapy.crawler import Crawler
    from twisted.internet.defer import Deferred


class SlowOpen:
    def __init__(self, marker: Path) -> None:
        self.marker = marker

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SlowOpen:
        extension = cls(Path(crawler.settings["SLOW_OPEN_MARKER"]))
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        return extension

    def spider_opened(self, **_: Any) -> Deferred[None]:
        self.marker.write_text("open")
        return deferLater(reactor, 30, lambda: None)  # type: ignore[arg-type]
