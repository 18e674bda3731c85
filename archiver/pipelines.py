"""Item pipelines: turn fetched pages into articles. Indexing happens in
:class:`archiver.extensions.ArchiveIndexExtension` on ``item_scraped``.

Extraction costs ten times what fetching, archiving and indexing a page cost together, so it
runs in worker processes (``ARCHIVER_EXTRACT_WORKERS``, one per core by default) while the
reactor thread goes on downloading; ``0`` extracts in the reactor thread. Scrapy holds a page's
response until its item is processed and stops scheduling downloads once the responses held
pass ``SCRAPER_SLOT_MAX_ACTIVE_SIZE`` bytes, which bounds the pages waiting for a worker.
Every ``ARCHIVER_EXTRACT_RECYCLE_AFTER`` pages the workers are replaced by fresh ones (the
libraries' caches and interned strings grow for tens of thousands of pages).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

from scrapy import signals
from scrapy.exceptions import DropItem
from scrapy.logformatter import LogFormatter, LogFormatterResult
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet import defer, threads

from archiver.exceptions import ExtractionError
from archiver.extract import ArticleExtractor
from archiver.items import Article, Page

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response
    from twisted.python.failure import Failure

logger = logging.getLogger(__name__)


class NotAnArticle(DropItem):
    """The page is a listing or other non-article page: archived, not indexed."""

    def __init__(self, message: str, page_type: str = "other") -> None:
        super().__init__(message)
        self.page_type = page_type
        """What the extractor found the page to be (``listing``, ``other``)."""


class ExtractionFailed(DropItem):
    """The extractor could not read the page (it stays archived in the WARC)."""


class DropsInOneLine(LogFormatter):
    """Scrapy's log messages, but a dropped page in one line, without the item: a
    :class:`Page` holds the page's HTML, which Scrapy's formatter printed whole. A page that is
    no article is logged at DEBUG (archived, not indexed: as expected of listings); a page the
    extractor could not read, at WARNING."""

    def dropped(
        self,
        item: Any,
        exception: BaseException,
        response: Response | Failure | None,
        spider: Spider,
    ) -> LogFormatterResult:
        level = logging.DEBUG if isinstance(exception, NotAnArticle) else logging.WARNING
        return {"level": level, "msg": "Dropped: %(exception)s", "args": {"exception": exception}}


_extractor: ArticleExtractor | None = None


def extract_page(page: Page) -> Article | str:
    """Extract ``page`` with this process's extractor: the article, or why it failed (a line).

    Runs in the worker processes (and inline with no workers); never raises, so nothing that
    crosses the process boundary needs to pickle an exception.
    """
    global _extractor
    if _extractor is None:
        _extractor = ArticleExtractor()
    try:
        return _extractor.extract(
            page.html,
            page.url,
            encoding=page.encoding,
            outlet=page.outlet,
            capture=page.capture,
            section_hint=page.section_hint,
        )
    except ExtractionError as e:
        return str(e)
    except Exception as e:  # a broken page must never kill the crawl
        logger.warning("extraction of %s failed: %r", page.url, e)
        return f"extraction failed ({e!r})"


def _warm_up() -> None:
    extract_page(Page(url="http://warm.up/", outlet="", html=b"<html><p>warm</p></html>"))


CRAWL_PID_ENV = "ARCHIVER_CRAWL_PID"
"""The crawl's process id, in the environment of its extraction pool's processes."""


def exit_with_parent(interval: float = 1.0) -> None:
    """End this process (a worker of the extraction pool, or its forkserver) once its parent
    or the crawl (:data:`CRAWL_PID_ENV`) has ended: a crawl killed with SIGKILL cannot stop
    them, and they would wait for pages for ever (the forkserver, each worker and the resource
    tracker: about 500 MB). The forkserver watches the crawl, each worker the forkserver, and
    both the crawl by its pid: the forkserver imports the extractor before it watches, and a
    crawl killed meanwhile had left it an orphan that took init for the parent to watch."""
    parent = os.getppid()
    crawl = int(os.environ.get(CRAWL_PID_ENV) or 0)

    def alive(pid: int) -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True  # another user's: a pid reused, or the crawl under another user
        return True

    def watch() -> None:
        while os.getppid() == parent and (not crawl or alive(crawl)):
            time.sleep(interval)
        os._exit(1)

    threading.Thread(target=watch, name="archiver-exit-with-parent", daemon=True).start()


def _worker_started() -> None:
    """A worker's set-up: it ends with the crawl (:func:`exit_with_parent`), and it leaves
    Ctrl-C to the crawl, which stops gracefully and ends the pool (a terminal sends SIGINT to
    the whole process group: a worker dying mid-page printed a KeyboardInterrupt traceback)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    exit_with_parent()


def extraction_pool(workers: int) -> ProcessPoolExecutor:
    """``workers`` processes running :func:`extract_page`, started now (while a crawl's first
    listings download).

    forkserver: they are forked from a clean process that has imported and warmed up the
    extractor (:mod:`archiver._pool_preload`), not from the crawl's, whose reactor threads and
    open files a fork would copy.
    """
    os.environ[CRAWL_PID_ENV] = str(os.getpid())  # before the forkserver starts: it inherits
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["archiver._pool_preload"])
    pool = ProcessPoolExecutor(workers, mp_context=context, initializer=_worker_started)
    for _ in range(workers):
        pool.submit(_warm_up)
    return pool


def worker_count(value: Any) -> int:
    """``ARCHIVER_EXTRACT_WORKERS`` (checked by :func:`archiver.crawler.check_settings`) as a
    number of processes: ``-1`` is one per core."""
    workers = int(value)
    return os.cpu_count() or 1 if workers == -1 else workers


class ExtractionPipeline:
    """Runs :class:`ArticleExtractor` over each :class:`Page` and passes on an :class:`Article`."""

    def __init__(self, crawler: Crawler, workers: int, *, recycle_after: int = 0) -> None:
        self.stats = crawler.stats
        self.workers = workers
        self.recycle_after = recycle_after
        self.pool: ProcessPoolExecutor | None = None
        self.pool_pages = 0
        """Pages sent to the current pool."""
        self.in_flight = 0
        """Pages sent to a worker and not back yet."""
        self._held: list[defer.Deferred[None]] | None = None
        """While the pool is being replaced: the pages waiting for the new one."""
        self._drained: defer.Deferred[None] | None = None
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings  # checked by archiver.crawler.check_settings
        recycle_after = settings.getint("ARCHIVER_EXTRACT_RECYCLE_AFTER", 10_000)
        workers = worker_count(settings.get("ARCHIVER_EXTRACT_WORKERS", -1))
        return cls(crawler, workers, recycle_after=recycle_after)

    def spider_opened(self) -> None:
        if self.workers:
            self.pool = self._start_pool()

    def _start_pool(self) -> ProcessPoolExecutor:
        self.pool_pages = 0
        self.stats.inc_value("archiver/extract/pools_started")
        return extraction_pool(self.workers)

    async def _recycled(self) -> None:
        """Wait while the pool is being replaced; replace it when it has had its pages.

        The old workers finish the pages they have and exit before the new ones start, so that
        the two never hold memory at the same time; new pages wait meanwhile (about as long as
        the workers take for the pages in flight)."""
        while self._held is not None:
            waiter: defer.Deferred[None] = defer.Deferred()
            self._held.append(waiter)
            await maybe_deferred_to_future(waiter)
        if not self.recycle_after or self.pool_pages < self.recycle_after:
            return
        self._held = []
        try:
            if self.in_flight:
                self._drained = defer.Deferred()
                await maybe_deferred_to_future(self._drained)
            old = self.pool
            if old is not None:
                await maybe_deferred_to_future(threads.deferToThread(old.shutdown, wait=True))
            self.pool = self._start_pool()
            logger.debug("extraction workers replaced after %d pages", self.recycle_after)
        finally:
            held, self._held = self._held, None
            for waiter in held:
                waiter.callback(None)

    def spider_closed(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, Page):
            return item
        if self.pool is None:
            return self._finish(item, extract_page(item))
        await self._recycled()
        self.pool_pages += 1
        self.in_flight += 1
        try:
            outcome = await maybe_deferred_to_future(self._in_worker(item, retry=True))
        finally:
            self.in_flight -= 1
            if not self.in_flight and self._drained is not None:
                drained, self._drained = self._drained, None
                drained.callback(None)
        return self._finish(item, outcome)

    def _in_worker(self, page: Page, *, retry: bool) -> defer.Deferred[Article | str]:
        """The outcome of :func:`extract_page` in a worker process."""
        from twisted.internet import reactor

        result: defer.Deferred[Article | str] = defer.Deferred()

        def done(future: Future[Article | str]) -> None:  # in the pool's management thread
            reactor.callFromThread(_settle, result, future)

        pool = self.pool
        try:
            assert pool is not None
            pool.submit(extract_page, page).add_done_callback(done)
        except BrokenProcessPool as e:
            result.errback(e)

        def broken(failure: Any) -> Any:
            failure.trap(BrokenProcessPool)
            # A worker died (killed, out of memory, a crash in a C library): start new ones and
            # give the page one more try; it stays archived whatever happens.
            self.stats.inc_value("archiver/extract/worker_died")
            logger.warning("an extraction worker died while extracting %s", page.url)
            if pool is not None and pool is self.pool:  # the first page to hear replaces it
                pool.shutdown(wait=False, cancel_futures=True)
                self.pool = self._start_pool()
            if retry:
                return self._in_worker(page, retry=False)
            return f"the extraction worker died on this page ({failure.value})"

        return result.addErrback(broken)

    def _finish(self, page: Page, outcome: Article | str) -> Article:
        if isinstance(outcome, str):
            self.stats.inc_value("archiver/extract/failed")
            raise ExtractionFailed(f"{page.url}: {outcome}")
        if outcome.page_type != "article":
            self.stats.inc_value(f"archiver/extract/page_type/{outcome.page_type}")
            raise NotAnArticle(
                f"{page.url} is a {outcome.page_type} page, not an article", outcome.page_type
            )
        return outcome


def _settle(result: defer.Deferred[Any], future: Future[Any]) -> None:
    error = future.exception()
    if error is not None:
        result.errback(error)
    else:
        result.callback(future.result())
