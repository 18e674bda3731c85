"""``python -m archiver.bench.crawl MODE ARCHIVE OUTLETS OUT.json MAX_ARTICLES``: one benchmark
crawl (``MAX_ARTICLES`` 0: all).

``full`` is ``archiver crawl`` as users run it (WARC, extraction workers, index) with the
politeness brakes off for a local server; ``bare`` is the same spider with WARC capture,
extraction and index off (Scrapy's own cost per page). :class:`Timing` writes the crawl's wall
time and this process's CPU time from spider open to close into ``OUT.json``, so start-up and
imports are not counted.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import signals

from archiver import settings as project
from archiver.crawler import run_crawl

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

OUTLET = "bench"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Timing:
    """Records wall and CPU time of this process between spider open and close."""

    def __init__(self, crawler: Crawler, path: str) -> None:
        self.crawler, self.path = crawler, path
        self.opened = self.cpu_opened = 0.0
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler, crawler.settings.get("BENCH_TIMING_FILE"))

    def spider_opened(self) -> None:
        self.opened, self.cpu_opened = time.monotonic(), _cpu()

    def spider_closed(self, reason: str) -> None:
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        record = {
            "wall": time.monotonic() - self.opened,
            "cpu": _cpu() - self.cpu_opened,
            "reason": reason,
            "pages": stats.get("archiver/pages", 0),
            "articles": stats.get("archiver/articles", 0),
            "items": stats.get("item_scraped_count", 0),
            "responses": stats.get("response_received_count", 0),
        }
        Path(self.path).write_text(json.dumps(record))


def overrides(mode: str, timing_file: str) -> dict[str, Any]:
    """Settings of a benchmark crawl in ``mode`` (``full`` or ``bare``)."""
    extensions: dict[str, Any] = {**project.EXTENSIONS, "archiver.bench.crawl.Timing": 900}
    extensions["archiver.replay.extension.CdxjExtension"] = None  # no replay tools needed
    settings: dict[str, Any] = {
        "AUTOTHROTTLE_ENABLED": False,  # a local server: the brakes would measure the brakes
        "CONCURRENT_REQUESTS": 32,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 32,
        "DOWNLOAD_DELAY": 0,
        # the bench stops the crawl for a few seconds at a time to time extraction alone: a
        # response in flight must not time out meanwhile
        "DOWNLOAD_TIMEOUT": 300,
        "LOG_LEVEL": "WARNING",
        "ARCHIVER_CDXJ_ENABLED": False,
        # The issue's pipeline is the pages': the outlet's pages link images it does not serve.
        "ARCHIVER_PAGE_RESOURCES": False,
        "BENCH_TIMING_FILE": timing_file,
        "EXTENSIONS": extensions,
    }
    if mode == "bare":
        extensions["archiver.extensions.ArchiveIndexExtension"] = None
        settings |= {
            "ARCHIVER_WARC_ENABLED": False,
            "ARCHIVER_INDEX_ENABLED": False,
            "ARCHIVER_INCREMENTAL": False,
            "ITEM_PIPELINES": {},
        }
    elif mode != "full":
        raise SystemExit(f"unknown mode {mode!r}: full or bare")
    return settings


def main(argv: list[str]) -> int:
    mode, archive, outlets, out, limit = argv
    run_crawl(
        OUTLET,
        archive_dir=archive,
        outlets_file=outlets,
        overrides=overrides(mode, out),
        max_articles=int(limit) or None,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
