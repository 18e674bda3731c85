"""Extensions: the SQLite index kept in step with the crawl."""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from scrapy import Spider, signals
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro

from archiver import signals as archiver_signals
from archiver.index import ArchiveIndex
from archiver.index.store import disk_full
from archiver.items import Article, CaptureRef, Page
from archiver.seen import schedule_for

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.internet.base import DelayedCall, ReactorBase

logger = logging.getLogger(__name__)


def why_nothing_fetched(values: Mapping[str, Any]) -> str | None:
    """Why a crawl that ran to its end archived nothing of its outlet, or ``None`` when it
    did: every request failed (the network failures by kind), or the site's robots.txt
    answered a server error after its retries, which forbids the whole site."""
    failed = {
        k.rsplit("/", 1)[-1].rsplit(".", 1)[-1]: v
        for k, v in values.items()
        if k.startswith("downloader/exception_type_count/")
    }
    if not values.get("archiver/pages") and failed:
        return (
            f"{', '.join(f'{n} x {name}' for name, n in failed.items())}; check that the URL "
            "is right and the site reachable"
        )
    if values.get("archiver/robots/unreachable") and not values.get("archiver/pages/outlet"):
        return (
            "its robots.txt answered a server error after its retries, which forbids the whole "
            "site (RFC 9309); crawl again later"
        )
    return None


class ArchiveIndexExtension:
    """Records the crawl run, each capture and each article in ``<archive>/index.db``.

    Rows are written in batches, one transaction each: every ``ARCHIVER_INDEX_BATCH_SIZE``
    rows, and no row waits longer than ``ARCHIVER_INDEX_FLUSH_SECONDS`` (a timer, so the rows
    of the pages archived do not wait for a download that hangs), and when the crawl ends.
    A row still buffered when the process dies is in the WARC files (``archiver reindex``).
    """

    def __init__(
        self, crawler: Crawler, path: Path, *, batch_size: int = 200, flush_seconds: float = 2.0
    ) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.path = path
        self.batch_size = max(1, batch_size)
        self.flush_seconds = flush_seconds
        self.index: ArchiveIndex | None = None
        self.crawl_id: int | None = None
        self.outlet: str | None = None
        self.schedule: tuple[timedelta, ...] = ()
        self.pending: list[tuple[str, dict[str, Any]]] = []
        self.last_flush = time.monotonic()
        """When the batch's oldest row came (or the last batch was written)."""
        self._timer: DelayedCall | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.capture_written, signal=archiver_signals.capture_written)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.item_dropped, signal=signals.item_dropped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_INDEX_ENABLED", True):
            raise NotConfigured("ARCHIVER_INDEX_ENABLED is off")
        return cls(
            crawler,
            Path(settings.get("ARCHIVER_ARCHIVE_DIR", "archive")) / "index.db",
            batch_size=settings.getint("ARCHIVER_INDEX_BATCH_SIZE", 200),
            flush_seconds=settings.getfloat("ARCHIVER_INDEX_FLUSH_SECONDS", 2.0),
        )

    def spider_opened(self, spider: Spider) -> None:
        self.index = ArchiveIndex(self.path, crawl=True)
        outlet = getattr(spider, "outlet", None)
        self.outlet = getattr(outlet, "name", spider.name)
        self.schedule = schedule_for(spider, self.crawler.settings)
        worker = self.crawler.settings.get("ARCHIVER_WORKER_ID") or None
        self.crawl_id = self.index.start_crawl(self.outlet, worker=worker)
        self.stats.set_value("archiver/crawl_id", self.crawl_id)
        from twisted.internet import reactor

        # A crawl stopped while it opens (SIGTERM in its first second) never closes its spider:
        # its row would say 'running' for ever.
        core = cast("ReactorBase", reactor)
        core.addSystemEventTrigger("before", "shutdown", self._stopped_opening, spider)

    def _stopped_opening(self, spider: Spider) -> None:
        if self.index is not None:
            if self.stats.get_value("finish_reason") is None:
                self.stats.set_value("finish_reason", "shutdown")
            self.spider_closed(spider, "shutdown")

    def capture_written(
        self,
        ref: CaptureRef,
        url: str,
        status: int,
        content_type: str | None,
        captured_at: str,
        role: str | None = None,
        validators: dict[str, str | None] | None = None,
    ) -> None:
        fields = {"url": url, "status": status, "content_type": content_type}
        self._add("capture", {"ref": ref, **fields, "captured_at": captured_at})
        if role == "article":  # the seen-store notes the fetch (after the capture row)
            fetch = {"url": url, "status": status, "ref": ref, "captured_at": captured_at}
            self._add("fetch", {**fetch, "validators": validators or {}})

    def item_scraped(self, item: Any) -> None:
        if not isinstance(item, Article):
            return
        self._add("article", {"article": item})
        self.stats.inc_value("archiver/articles")

    def item_dropped(self, item: Any, exception: BaseException) -> None:
        """A fetched page that is no article: the seen-store notes it as processed."""
        if isinstance(item, Page):
            page_type = getattr(exception, "page_type", None) or "failed"
            self._add("page_type", {"url": item.url, "page_type": page_type})

    def _add(self, kind: str, row: dict[str, Any]) -> None:
        if self.index is None:
            return  # the crawl is over (a write finishing as the reactor stops): in the WARC
        if not self.pending:
            self.last_flush = time.monotonic()  # the batch's oldest row: the timer counts from it
            self._arm(self.flush_seconds)
        self.pending.append((kind, row))
        if len(self.pending) >= self.batch_size or self._due():
            self.flush()

    def flush(self) -> None:
        """Write the buffered rows in one transaction (captures before the articles they hold).

        An index that cannot be written (a damaged file, a full disk) stops the crawl: what is
        archived stays in the WARC files, from which ``archiver reindex`` rebuilds the index.
        """
        assert self.index is not None
        rows, self.pending = self.pending, []
        if self.stats.get_value("archiver/index/error") is not None:
            return  # the crawl is stopping; the rows are in the WARC files
        try:
            self._write(rows)
        except sqlite3.DatabaseError as e:
            self._failed(e)
            self.stats.inc_value("archiver/errors")
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="index_error"))

    def _failed(self, error: sqlite3.DatabaseError) -> None:
        """Log the index's first write error and keep it for ``run_crawl`` (one line, exit 2)."""
        message = f"cannot write the index {self.path} ({error})"
        if disk_full(error):
            message = (
                f"cannot write the index {self.path}: the disk is full; free some space, then"
                " run archiver check --repair, which indexes what the crawl archived"
            )
        logger.error("%s", message)
        self.stats.set_value("archiver/index/error", message)

    def _write(self, rows: list[tuple[str, dict[str, Any]]]) -> None:
        assert self.index is not None
        with self.index.transaction():
            for kind, row in rows:
                if kind == "capture":
                    self.index.add_capture(crawl_id=self.crawl_id, **row)
                elif kind == "fetch":
                    self.index.record_fetch(outlet=self.outlet, schedule=self.schedule, **row)
                elif kind == "page_type":
                    self.index.note_page_type(**row)
                else:
                    self.index.add_article(row["article"], crawl_id=self.crawl_id)
        self.last_flush = time.monotonic()
        self.stats.inc_value("archiver/index/batches")
        self.crawler.signals.send_catch_log(archiver_signals.index_flushed)

    def _flush_due(self) -> None:
        """The timer: write the batch once its oldest row has waited the flush time."""
        if self.index is None or not self.pending:
            return
        if (wait := self.flush_seconds - (time.monotonic() - self.last_flush)) > 0:
            self._arm(wait)  # a batch written meanwhile: this is a newer row's
        else:
            self.flush()

    def _arm(self, delay: float) -> None:
        if self._timer is None or not self._timer.active():
            from twisted.internet import reactor

            self._timer = cast("ReactorBase", reactor).callLater(delay, self._flush_due)

    def _due(self) -> bool:
        return time.monotonic() - self.last_flush >= self.flush_seconds

    def spider_idle(self) -> None:
        """Nothing to download: write what is buffered (a distributed worker may wait here for
        a long time, and its acknowledgements wait for the rows)."""
        if self.index is None:
            return
        if self.pending:
            self.flush()
        else:
            self.crawler.signals.send_catch_log(archiver_signals.index_flushed)

    def spider_closed(self, spider: Spider, reason: str) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        if self.index is None or self.crawl_id is None:
            return
        if self.pending:
            self.flush()
        values = self.stats.get_stats()
        if reason == "finished" and why_nothing_fetched(values):
            reason = "failed"  # the crawl exits 2, "fetched nothing"
        try:
            if self.stats.get_value("archiver/index/error") is None:
                self.index.finish_crawl(self.crawl_id, outcome=reason, stats=values)
        except sqlite3.DatabaseError as e:
            self._failed(e)
        finally:
            self.index.close()
            self.index = None
        logger.info("index %s updated (crawl %s, %s)", self.path, self.crawl_id, reason)
