"""The seen-store: which article URLs the archive already holds, and when each is due again.

A recurring crawl re-fetches listing pages every time but requests a known article only when it
is due for a revision check: the check ages (``ARCHIVER_REVISIT_AFTER``, or an outlet's
``revisit_after``; default 1 h, 6 h, 24 h, 7 d after first seen) decay, and after the last one
an article is not fetched again. A due article is requested conditionally (``If-None-Match`` /
``If-Modified-Since`` from its last capture). Pagination stops at a listing page whose article
links are all known.

URLs are compared normalised (:func:`normalize_url`, courlan's rules: scheme and host case,
default port, tracking parameters, sorted query, fragment, trailing slash), and an article's
canonical URL maps to it as well, so many URLs lead to one article.

:class:`SeenMiddleware` is the Scrapy adapter (a spider middleware keyed on the request meta the
spiders set: ``archiver_role`` = ``listing`` or ``article``, ``archiver_pagination`` on a
next-page request); :class:`SeenStore` reads the index for it and for the WARC capture.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from scrapy import Request, signals
from scrapy.core.scheduler import Scheduler
from scrapy.dupefilters import RFPDupeFilter
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response

from archiver import signals as archiver_signals
from archiver.index.seen import (
    DEFAULT_REVISIT_AFTER,
    checks_due_by,
    is_due,
    normalize_url,
    parse_duration,
    parse_schedule,
    parse_time,
    payload_digest,
)
from archiver.items import Page

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler

    from archiver.index import ArchiveIndex

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_REVISIT_AFTER",
    "GIVEN_UP_STAT",
    "PAGINATION",
    "PARTIAL_STAT",
    "QUEUED_BY",
    "RECHECK",
    "ROLE",
    "CrawlDupeFilter",
    "GivenUpArticles",
    "ResumingScheduler",
    "SeenMiddleware",
    "SeenStore",
    "checks_due_by",
    "conditional_headers",
    "is_due",
    "normalize_url",
    "note_partial",
    "parse_duration",
    "parse_schedule",
    "parse_time",
    "payload_digest",
    "schedule_for",
]

ROLE = "archiver_role"
"""``request.meta`` key: ``listing``, ``article`` or ``resource`` (set by the spiders)."""
PAGINATION = "archiver_pagination"
"""``request.meta`` key: ``True`` on a request for a listing's next page."""
QUEUED_BY = "archiver_queued_by"
"""``request.meta`` key :class:`ResumingScheduler` sets: the run of the crawl that queued it."""
RECHECK = "archiver_recheck"
"""``request.meta`` key the middleware sets on a revision check: the known capture (a dict)."""
PARTIAL_STAT = "archiver/listings/partial"
"""Crawl stat set when a crawl leaves listings, or articles they name, unread (why:
``max_articles``, ``sources``, ``one page``, ``given up``): the next crawl then reads every
listing page again."""


GIVEN_UP_STAT = "archiver/given_up/articles"
"""Crawl stat: the articles never fetched that the crawl leaves to the next ones, ``{url: number
of crawls that gave up on it}`` (see :class:`GivenUpArticles`)."""
GIVEN_UP_KEY = "archiver_given_up"
"""``request.meta`` key: on a request for an article an earlier crawl gave up on, its URL's key."""


def note_partial(stats: Any, why: str) -> None:
    """Record in a crawl's ``stats`` that it leaves listings (or the articles they name)
    unread, and the first reason why: see ``PARTIAL_STAT``."""
    if stats is not None and stats.get_value(PARTIAL_STAT) is None:
        stats.set_value(PARTIAL_STAT, why)


def schedule_for(spider: Any, settings: Any) -> tuple[timedelta, ...]:
    """The revisit schedule of a crawl: the outlet's ``revisit_after``, else the setting."""
    outlet = getattr(spider, "outlet", None)
    values = getattr(outlet, "revisit_after", None)
    if not values:
        values = settings.get("ARCHIVER_REVISIT_AFTER") or DEFAULT_REVISIT_AFTER
    return parse_schedule(values)


class SeenStore:
    """Lookups in the index for one crawl: known URLs, and earlier captures by payload digest.

    Opens the index lazily (``None`` path: nothing is known). The index is written in batches:
    a capture written during this crawl is remembered in memory until the batch that holds it is
    committed (``index_flushed``), and looked up in the index after that, so memory does not
    grow with the crawl. Its WARC file may still be open then, but it is this crawl's own.
    """

    def __init__(self, index_path: Path | None, warc_dir: Path | None = None) -> None:
        self.index_path = index_path
        self.warc_dir = warc_dir
        """Where finished WARC files are: an original in a file left ``.open`` by a crash is
        not referred to (pywb does not index such files)."""
        self._index: ArchiveIndex | None = None
        self._pending: dict[str, dict[str, Any]] = {}
        """Captures of this crawl not yet committed to the index, by payload digest."""
        self._own_files: set[str] = set()
        """WARC files this crawl writes: finished when it closes, so their captures may be
        referred to while still ``.open``."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SeenStore:
        """The crawl's one store (shared by the spider and downloader middlewares)."""
        store = getattr(crawler, "_archiver_seen_store", None)
        if store is None:
            settings = crawler.settings
            path = None
            if settings.getbool("ARCHIVER_INDEX_ENABLED", True):
                path = Path(settings.get("ARCHIVER_ARCHIVE_DIR", "archive")) / "index.db"
            warc_dir = Path(settings.get("ARCHIVER_ARCHIVE_DIR", "archive")) / "warc"
            store = cls(path, warc_dir)
            crawler._archiver_seen_store = store  # type: ignore[attr-defined]
            crawler.signals.connect(store.close, signal=signals.spider_closed, weak=False)
            if path is not None:
                crawler.signals.connect(
                    store.flushed, signal=archiver_signals.index_flushed, weak=False
                )
        return store

    def _open(self) -> ArchiveIndex | None:
        if self._index is None and self.index_path is not None and self.index_path.exists():
            from archiver.index import ArchiveIndex

            self._index = ArchiveIndex(self.index_path, crawl=True)
        return self._index

    def articles_to_check(
        self, outlet: str, now: datetime, schedule: Sequence[timedelta]
    ) -> list[str]:
        """The articles of ``outlet`` that may be due for a revision check at ``now``: fewer
        checks than ``schedule`` has, and first seen within twice its last age (an article
        whose last check was missed by weeks is not checked now)."""
        index = self._open()
        if index is None or not schedule:
            return []
        horizon = (now - 2 * max(schedule)).isoformat()
        return index.articles_to_check(outlet, checks_below=len(schedule), seen_since=horizon)

    def lookup(self, url: str) -> dict[str, Any] | None:
        """The ``seen_urls`` row of ``url`` (with its last capture's fields), or ``None``."""
        key = normalize_url(url)
        index = self._open()
        if key is None or index is None:
            return None
        return index.seen_entry(key)

    def reverted(self, page: Page) -> bool:
        """Whether ``page``, a revisit of an earlier capture, holds other bytes than those its
        article's current text was extracted from at the same URL: the page went back to an
        earlier text (v1, v2, v1 again), which is a version again. An article whose text came
        from another of its URLs is left alone, or two URLs of one article would take turns.
        ``False`` when the index cannot say (a damaged page: the index writes stop the crawl)."""
        key, index = normalize_url(page.url), self._open()
        if key is None or index is None or page.capture is None:
            return False
        try:
            source = index.article_source(key)
        except sqlite3.DatabaseError as e:
            logger.warning("cannot tell whether %s went back to an earlier text: %s", page.url, e)
            return False
        if source is None:
            return False
        url, digest = source
        return digest != page.capture.payload_digest and normalize_url(url) == key

    def original(self, digest: str | None) -> dict[str, Any] | None:
        """The first full capture in this archive with payload ``digest``, or ``None``."""
        if not digest:
            return None
        if digest in self._pending:
            return self._pending[digest]
        index = self._open()
        found = index.original_capture(digest) if index is not None else None
        if found is not None and not self.finished(found.get("warc_file")):
            found = None
        return found

    def finished(self, warc_file: str | None) -> bool:
        """Whether ``warc_file`` is a finished WARC file (not one a crash left ``.open``)."""
        if self.warc_dir is None or warc_file in self._own_files:
            return True
        return bool(warc_file) and (self.warc_dir / str(warc_file)).is_file()

    def archived(self, url: str) -> bool:
        """Whether the archive holds a capture of exactly ``url`` (a ``2xx`` answer) in a
        finished WARC file: a page resource that is, is not fetched again. Not a stylesheet, a
        frame (HTML) or a redirect: fetched again, they lead to what they load, which an earlier
        crawl may have failed to get (the archived one is not read back for it)."""
        index = self._open()
        if index is None:
            return False
        row = index.db.execute(
            "select warc_file, content_type from captures where url = ? and status < 300"
            " order by id desc limit 1",
            [url],
        ).fetchone()
        kind = (row[1] or "").lower() if row else ""
        if row is None or kind.startswith("text/css") or "html" in kind:
            return False  # a stylesheet or a frame: fetched again for what it loads
        return self.finished(row[0])

    def last_crawl_completed(self, outlet: str, current: int | None) -> bool:
        """Whether the crawl of ``outlet`` before crawl ``current`` ran to its end and read
        every listing: only then did it walk the whole backlog, so that a listing page of known
        articles means the rest is known too. A crawl killed, stopped or crashed leaves pages it
        never reached; so does one that finished with listings unread (its stat
        ``PARTIAL_STAT``: its article limit reached, sources without sections, one page)."""
        index = self._open()
        if index is None:
            return False
        row = index.db.execute(
            "select outcome, case when json_valid(stats) then json_extract(stats, ?) end"
            " from crawls where outlet = ? and id < ? order by id desc limit 1",
            [f'$."{PARTIAL_STAT}"', outlet, current if current is not None else 2**62],
        ).fetchone()
        return row is not None and row[0] == "finished" and row[1] is None

    def given_up_before(self, outlet: str, current: int | None) -> dict[str, int]:
        """The articles the latest crawl of ``outlet`` before crawl ``current`` that kept the
        list (``GIVEN_UP_STAT``) left to the next crawls, with the number of crawls that gave
        up on each. A crawl killed before it closed left no list: the one before it counts."""
        index = self._open()
        if index is None:
            return {}
        path = f'$."{GIVEN_UP_STAT}"'
        row = index.db.execute(
            "select json_extract(stats, :path) from crawls where outlet = :outlet"
            " and id < :current and json_valid(stats) and json_type(stats, :path) = 'object'"
            " order by id desc limit 1",
            {"path": path, "outlet": outlet, "current": current if current is not None else 2**62},
        ).fetchone()
        try:
            found = json.loads(row[0]) if row and row[0] else {}
        except ValueError:
            return {}
        return {
            str(url): int(n)
            for url, n in found.items()
            if isinstance(url, str) and isinstance(n, int) and n > 0
        }

    def remember(
        self, digest: str | None, *, url: str, date: str, record_id: str, warc_file: str
    ) -> None:
        """Note a full capture written during this crawl, to ``warc_file``."""
        self._own_files.add(warc_file)
        if digest and digest not in self._pending:  # the middleware found no original
            self._pending[digest] = {
                "url": url,
                "captured_at": date,
                "record_id": record_id,
                "warc_file": warc_file,
            }

    def flushed(self) -> None:
        """The index has committed every capture written so far: look them up there."""
        self._pending.clear()

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None


def conditional_headers(entry: dict[str, Any]) -> dict[str, str]:
    """``If-None-Match`` / ``If-Modified-Since`` from a known URL's last capture."""
    headers = {}
    if entry.get("etag"):
        headers["If-None-Match"] = entry["etag"]
    if entry.get("last_modified"):
        headers["If-Modified-Since"] = entry["last_modified"]
    elif not headers and (when := parse_time(entry.get("captured_at"))):
        headers["If-Modified-Since"] = format_datetime(when, usegmt=True)
    return headers


class GivenUpArticles:
    """Articles a crawl gave up on after their retries (a 5xx, 429 or timeout each time), kept
    in the crawl's stats (``GIVEN_UP_STAT``) and asked for again by the outlet's next crawls,
    so that those need not read every listing page again to find them: pagination may stop at
    a page of known articles (one broken article page had made every crawl walk the whole
    backlog). An article given up on by ``ARCHIVER_GIVEN_UP_CRAWLS`` crawls is no longer
    carried over, and the crawl says so: a listing page that names it still leads to it.

    The list starts as the previous crawl's, so a crawl stopped before it asked for them
    leaves them to the next one; an article fetched (whatever its answer: a 404 is an answer)
    leaves it. A revision check of a known article is not carried: its schedule brings it back.
    """

    def __init__(self, crawler: Crawler, store: SeenStore) -> None:
        self.crawler = crawler
        self.store = store
        self.limit = crawler.settings.getint("ARCHIVER_GIVEN_UP_CRAWLS", 3)
        self._carried: dict[str, tuple[str, int]] | None = None
        """The previous crawls' list by URL key: ``(url, crawls that gave up on it)``."""
        self._current: dict[str, tuple[str, int]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> GivenUpArticles:
        """The crawl's one list (shared by the retry and seen-store middlewares)."""
        found = getattr(crawler, "_archiver_given_up", None)
        if found is None:
            found = cls(crawler, SeenStore.from_crawler(crawler))
            crawler._archiver_given_up = found  # type: ignore[attr-defined]
            crawler.signals.connect(found.load, signal=signals.spider_opened, weak=False)
        return found

    def load(self) -> None:
        """Read the previous crawls' list (once the index extension has opened this crawl)."""
        if self._carried is not None:
            return
        stats = self.crawler.stats
        outlet = getattr(getattr(self.crawler.spider, "outlet", None), "name", None)
        current = stats.get_value("archiver/crawl_id") if stats else None
        found: dict[str, int] = {}
        if outlet and self.crawler.settings.getbool("ARCHIVER_INCREMENTAL", True):
            try:
                found = self.store.given_up_before(str(outlet), current)
            except sqlite3.DatabaseError as e:  # the crawl's index writes report it
                logger.warning("cannot read the articles earlier crawls gave up on: %s", e)
        self._carried = {}
        for url, n in found.items():
            if (key := normalize_url(url)) is not None:
                self._carried[key] = (url, n)
        self._current = dict(self._carried)
        self._publish()

    def _publish(self) -> None:
        if self.crawler.stats is not None:
            self.crawler.stats.set_value(GIVEN_UP_STAT, dict(self._current.values()))

    def carried(self) -> list[tuple[str, str]]:
        """``(key, url)`` of each article earlier crawls gave up on that this crawl has not
        asked for yet."""
        self.load()
        assert self._carried is not None
        return [
            (key, url)
            for key, (url, n) in self._carried.items()
            if self._current.get(key) == (url, n)
        ]

    def _key(self, request: Request) -> str | None:
        return request.meta.get(GIVEN_UP_KEY) or normalize_url(request.url)

    def failed(self, request: Request) -> None:
        """``request``, an article's, was given up on after its retries."""
        if RECHECK in request.meta or (key := self._key(request)) is None:
            return
        self.load()
        assert self._carried is not None
        url, before = self._carried.get(key, (request.url, 0))
        if before + 1 >= self.limit:
            self._current.pop(key, None)
            logger.warning(
                "%s given up by %d crawls: no longer asked for (a listing page that names it"
                " still leads to it; or crawl its URL when it works again)",
                url,
                before + 1,
            )
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("archiver/given_up/dropped")
        else:
            self._current[key] = (url, before + 1)
        self._publish()

    def answered(self, request: Request) -> None:
        """``request``, an article's, got an answer: it is no longer carried over."""
        self.load()
        if self._current and (key := self._key(request)) in self._current:
            del self._current[key]
            self._publish()

    def dismiss(self, key: str) -> None:
        """Carry the article of ``key`` no longer (it is known and not due)."""
        if self._current.pop(key, None) is not None:
            self._publish()


class CrawlDupeFilter(RFPDupeFilter):
    """Scrapy's duplicate filter, kept in memory even with ``JOBDIR``.

    Scrapy would persist the fingerprints of every request scheduled, including those in flight
    when the crawl was interrupted, which are in no queue: a resumed crawl would never fetch
    them. Here a resumed crawl starts from its saved queue plus the section pages again, and
    the seen-store (not the fingerprints) keeps the finished articles from being fetched again.
    """

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        debug = crawler.settings.getbool("DUPEFILTER_DEBUG")
        return cls(None, debug, fingerprinter=crawler.request_fingerprinter)


class ResumingScheduler(Scheduler):
    """Scrapy's scheduler, for a crawl that resumes a saved queue (``JOBDIR``) without fetching
    anything twice.

    The duplicate filter starts empty (:class:`CrawlDupeFilter`), so a request in the saved
    queue and the same one found again (the sections, feeds and sitemaps start over, and list
    the articles queued before) were both fetched: a resumed crawl of the demo fetched 46 of its
    URLs twice.
    Requests carry the run that queued them; one popped from an earlier run's queue passes the
    duplicate filter then, so whichever comes second, found or popped, is dropped.
    """

    def open(self, spider: Any) -> Any:
        self._run = uuid.uuid4().hex
        return super().open(spider)

    def enqueue_request(self, request: Request) -> bool:
        request.meta[QUEUED_BY] = self._run
        return super().enqueue_request(request)

    def _dqpop(self) -> Request | None:
        while (request := super()._dqpop()) is not None:
            if request.meta.get(QUEUED_BY) == self._run:
                return request
            request.meta[QUEUED_BY] = self._run  # saved by the interrupted crawl
            if request.dont_filter or not self.df.request_seen(request):
                return request
            assert self.stats is not None
            self.stats.inc_value("archiver/resume/duplicates")
        return None


class SeenMiddleware:
    """Spider middleware: drops requests for known articles that are not due, makes due ones
    conditional, stops pagination after a listing page of known articles only, drops the
    pages of articles whose payload is unchanged (archived as revisit records), and drops
    requests for page resources the archive holds."""

    def __init__(self, crawler: Crawler, store: SeenStore) -> None:
        self.crawler = crawler
        self.stats = crawler.stats
        self.store = store
        self.enabled = crawler.settings.getbool("ARCHIVER_INCREMENTAL", True)
        self._schedule: tuple[timedelta, ...] | None = None
        self._backlog_known: bool | None = None
        self._due_scheduled = False
        self.started = datetime.now(UTC)
        """URLs first seen since are this crawl's own: new for pagination, and left to the
        duplicate filter (the index is written during the crawl)."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler, SeenStore.from_crawler(crawler))
        crawler.signals.connect(middleware.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        return middleware

    def spider_opened(self, spider: Any) -> None:
        """Give the spider this middleware's filter for the requests it returns from an
        errback, which Scrapy hands to the engine without the spider middlewares."""
        if hasattr(spider, "seen_filter"):
            spider.seen_filter = self.filter_requests

    def filter_requests(self, requests: Iterable[Request]) -> Iterator[Request]:
        """``requests`` as the middleware lets a callback's through, lazily: a known article
        skipped gives its place back before the next one is taken."""
        yield from self._filter(None, requests)

    @property
    def schedule(self) -> tuple[timedelta, ...]:
        if self._schedule is None:
            self._schedule = schedule_for(self.crawler.spider, self.crawler.settings)
        return self._schedule

    def _filter(self, response: Response | None, results: Iterable[Any]) -> Iterator[Any]:
        articles = new = 0
        held: list[Request] = []
        for item in results:
            if isinstance(item, Page) and item.capture and item.capture.warc_type == "revisit":
                entry = self.store.lookup(item.url)
                if entry is not None and entry.get("page_type") and not self.store.reverted(item):
                    self.stats.inc_value("archiver/seen/unchanged")
                    continue  # same bytes as a capture already extracted: the same article
            if isinstance(item, Request) and item.meta.get(ROLE) == "resource":
                # the archive's bytes, whatever ARCHIVER_INCREMENTAL says of articles
                if self.store.archived(item.url):
                    self.stats.inc_value("archiver/resources/archived")
                else:
                    yield item
                continue
            if not isinstance(item, Request) or not self.enabled:
                yield item
                continue
            if item.meta.get(PAGINATION):
                held.append(item)  # decided once the page's article links are counted
                continue
            if item.meta.get(ROLE) != "article":
                yield item
                continue
            articles += 1
            request = self._article_request(item)
            if request is None:
                continue
            if RECHECK not in request.meta:
                new += 1
            yield request
        if held and articles and not new and self.backlog_known():
            url = response.url if response is not None else "?"
            logger.info("%s lists only known articles: pagination stops here", url)
            self.stats.inc_value("archiver/seen/pagination_stopped")
            return
        yield from held

    def backlog_known(self) -> bool:
        """Whether pagination may stop at known articles: the outlet's previous crawl ended
        normally (see :meth:`SeenStore.last_crawl_completed`)."""
        if self._backlog_known is None:
            outlet = getattr(getattr(self.crawler.spider, "outlet", None), "name", None)
            current = self.stats.get_value("archiver/crawl_id") if self.stats else None
            self._backlog_known = bool(outlet) and self.store.last_crawl_completed(
                str(outlet), current
            )
            if not self._backlog_known:
                logger.info(
                    "the last crawl did not finish or left listings unread: every listing page"
                    " is followed"
                )
        return self._backlog_known

    def _article_request(self, request: Request) -> Request | None:
        entry = self.store.lookup(request.url)
        first_seen = parse_time(entry.get("first_seen")) if entry else None
        if (
            entry is None
            or (first_seen is not None and first_seen >= self.started)
            or (entry.get("capture_id") and not entry.get("page_type"))
        ):  # unknown, seen in this crawl, or fetched but never extracted (the crawl died)
            self.stats.inc_value("archiver/seen/new")
            return request
        if not is_due(entry, datetime.now(UTC), self.schedule):
            self.stats.inc_value("archiver/seen/skipped")
            # A skipped article is not requested: it does not count against the spider's
            # limit (``articles_requested`` of spiders with ``max_articles``), so a limited
            # crawl still gets its share of new articles.
            spider = self.crawler.spider
            if isinstance(getattr(spider, "articles_requested", None), int):
                spider.articles_requested -= 1  # type: ignore[union-attr]
            return None
        self.stats.inc_value("archiver/seen/rechecked")
        headers = conditional_headers(entry) if entry.get("capture_id") else {}
        request = request.replace(meta={**request.meta, RECHECK: dict(entry)})
        for name, value in headers.items():
            request.headers[name] = value
        return request

    def spider_idle(self) -> None:
        """Once the crawl has nothing left to do the first time, a request for each of the
        outlet's articles that is due for a revision check (:meth:`SeenStore.articles_to_check`)
        and was not requested yet: an article that has dropped off the listing pages a crawl
        reads (pagination stops at a page of known articles) is checked on schedule too. Not at
        the start: the new articles the listings name come first, within ``max_articles``."""
        if self._due_scheduled:
            return
        self._due_scheduled = True
        engine = self.crawler.engine
        due = [*self._given_up_requests(), *self._due_requests()]
        if engine is None or not due:
            return
        for request in due:
            engine.crawl(request)
        raise DontCloseSpider

    def _given_up_requests(self) -> Iterator[Request]:
        """A request for each article earlier crawls gave up on (:class:`GivenUpArticles`)
        that this crawl has not asked for: never fetched, they come before the checks."""
        spider = self.crawler.spider
        make = getattr(spider, "article_request", None)
        if not self.enabled or make is None:
            return
        given_up = GivenUpArticles.from_crawler(self.crawler)
        asked = 0
        for key, url in given_up.carried():
            request = make(url, "given-up")
            if request is None:
                limit = getattr(spider, "max_articles", 0)
                if not (limit and getattr(spider, "articles_requested", 0) >= limit):
                    # requested by this crawl already (its answer was no answer: robots.txt
                    # forbade it, say), or no longer one of the outlet's articles
                    given_up.dismiss(key)
                continue  # (over the article limit: left to the next crawl)
            request.meta[GIVEN_UP_KEY] = key
            if (request := self._article_request(request)) is None:
                given_up.dismiss(key)  # archived since, and not due
                continue
            asked += 1
            yield request
        if asked:
            logger.info("%s articles earlier crawls gave up on, asked for again", asked)

    def _due_requests(self) -> Iterator[Request]:
        spider = self.crawler.spider
        outlet = getattr(getattr(spider, "outlet", None), "name", None)
        make = getattr(spider, "article_request", None)
        if not self.enabled or not outlet or make is None:
            return
        due: list[Request] = []
        try:
            now = datetime.now(UTC)
            for url in self.store.articles_to_check(str(outlet), now, self.schedule):
                entry = self.store.lookup(url)
                if entry is None or not is_due(entry, now, self.schedule):
                    continue
                request = make(url, "seen-store")
                if request is not None and (request := self._article_request(request)):
                    due.append(request)
        except sqlite3.DatabaseError as e:  # the crawl's index writes report it, and stop
            logger.warning("the seen-store cannot list the articles due (%s): none of them", e)
            return
        yield from due
        if due:
            logger.info("%s articles due for a revision check, from the seen-store", len(due))
            self.stats.set_value("archiver/seen/due_from_store", len(due))

    def process_spider_output(self, response: Response, result: Iterable[Any]) -> Iterator[Any]:
        yield from self._filter(response, result)

    async def process_spider_output_async(
        self, response: Response, result: AsyncIterator[Any]
    ) -> AsyncIterator[Any]:
        items = [item async for item in result]
        for item in self._filter(response, items):
            yield item
