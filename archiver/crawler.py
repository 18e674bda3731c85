"""Running a crawl from Python: settings, the Scrapy process, progress, and a summary."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import attrs
from scrapy import Spider, signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import BaseSettings, Settings
from twisted.python.failure import Failure

from archiver import settings as default_settings
from archiver import signals as archiver_signals
from archiver.exceptions import REBUILD_INDEX, ArchiverError, ConfigError, WarcError
from archiver.extensions import why_nothing_fetched
from archiver.index import ArchiveIndex
from archiver.index.seen import DEFAULT_REVISIT_AFTER, parse_schedule
from archiver.index.store import disk_full
from archiver.locks import outlet_lock, safe_name
from archiver.outlets import (
    Outlet,
    address_problem,
    get_outlet,
    http_url_problem,
    outlet_for_url,
)
from archiver.warc.recover import recover_open_files

logger = logging.getLogger(__name__)

_NETWORK_LOGGERS = ("scrapy.core.scraper", "scrapy.downloadermiddlewares.robotstxt")
"""Where Scrapy logs a request that failed, with the exception's traceback."""


class _ErrorsInOneLine(logging.Filter):
    """A logged error whose traceback says nothing its message does not becomes one line,
    the message and :meth:`note` of the exception."""

    def note(self, error: BaseException) -> str | None:
        """What to add to the message for ``error``, or None to leave the record as it is."""
        raise NotImplementedError

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if error is not None and (note := self.note(error)) is not None:
            record.msg, record.args = f"{record.getMessage()} ({note})", None
            record.exc_info, record.exc_text = None, None
        return True


class DiskFullInOneLine(_ErrorsInOneLine):
    """A write that failed for a full disk (Scrapy's saved queue and spider state, on its
    way out) is one log line: the crawl ends with the one line that says what to do."""

    def note(self, error: BaseException) -> str | None:
        return "the disk is full" if disk_full(error) else None


_DISK_LOGGERS = ("scrapy.core.engine", "scrapy.utils.signal")
"""Where Scrapy logs its own writes that failed, with the exception's traceback."""


class NetworkErrorsInOneLine(_ErrorsInOneLine):
    """A request that failed on the network (refused, timed out, no such host, connection
    lost) is one log line: its traceback says nothing the message does not."""

    def note(self, error: BaseException) -> str | None:
        return type(error).__name__ if _is_network_error(error) else None


def _is_network_error(error: BaseException) -> bool:
    from twisted.internet import error as twisted_errors
    from twisted.web._newclient import ResponseFailed

    return isinstance(
        error,
        (
            OSError,
            twisted_errors.ConnectError,
            twisted_errors.DNSLookupError,
            twisted_errors.TimeoutError,
            twisted_errors.ConnectionLost,
            ResponseFailed,
        ),
    ) or (
        type(error).__module__ == "scrapy.exceptions"
        and type(error).__name__.startswith(("Download", "CannotResolveHost", "ResponseDataLoss"))
    )


ProgressHook = Callable[[str, Mapping[str, Any]], None]
"""Called with an event name (``page``, ``article``) and the crawl's current stats."""


@attrs.define(kw_only=True)
class CrawlSummary:
    """What a finished crawl did."""

    outlet: str
    crawl_id: int | None
    finish_reason: str
    pages: int
    articles: int
    warc_bytes: int
    errors: int
    elapsed: float
    warc_dir: Path
    index_path: Path
    warc_files: list[str]
    resumed: bool = False
    """The crawl went on with the queue an interrupted crawl of the outlet left."""
    seen: dict[str, int] = attrs.Factory(dict)
    """The seen-store's counts: ``new``, ``skipped`` (known, not due), ``rechecked``
    articles, and ``revisits`` (revisit records written)."""
    requeued: int = 0
    """Requests of dead workers (and its own unfinished ones) a distributed worker put back in
    the shared queue."""
    robots_forbidden: int = 0
    """Requests the sites' robots.txt forbade (Scrapy's ``robotstxt/forbidden``)."""
    robots_unreachable: int = 0
    """Hosts whose robots.txt answered a server error (or 429) after its retries: RFC 9309
    reads that as disallowing everything, so nothing there was fetched."""
    given_up: int = 0
    """URLs given up after their retries (timeouts, refused connections, 5xx and 429 answers,
    bodies cut short) or a ``Retry-After`` longer than ``ARCHIVER_RETRY_AFTER_MAX``."""
    truncated: int = 0
    """Responses archived cut short (``WARC-Truncated``: lost connections, DOWNLOAD_MAXSIZE)."""
    resources: int = 0
    """Page resources (stylesheets, scripts, images, fonts) fetched and archived: their URLs
    (each hop of a redirect; a retry is not counted again)."""
    resources_archived: int = 0
    """Page resources not fetched because the archive held them from an earlier crawl."""


BOOLEAN_SETTINGS = (
    "ARCHIVER_WARC_ENABLED",
    "ARCHIVER_INDEX_ENABLED",
    "ARCHIVER_CDXJ_ENABLED",
    "ARCHIVER_INCREMENTAL",
    "ARCHIVER_PAGE_RESOURCES",
    "ARCHIVER_RESUME",
)
"""The project's switches."""

_NUMBER_SETTINGS: dict[str, tuple[type, float, float | None, str, str]] = {
    # name: (type, least, most, what it is, what to give); what each means: README, Settings
    "ARCHIVER_WARC_GZIP_LEVEL": (int, 0, 9, "a deflate level", "0 (none) to 9"),
    "ARCHIVER_WARC_MAX_SIZE": (int, 1, None, "a size", "bytes, 1 or more"),
    "ARCHIVER_INDEX_BATCH_SIZE": (int, 1, None, "a row count", "1 or more"),
    "ARCHIVER_INDEX_FLUSH_SECONDS": (float, 0.001, None, "a time", "seconds above 0"),
    "ARCHIVER_RETRY_AFTER_MAX": (float, 0, None, "a time", "seconds, 0 or more"),
    "ARCHIVER_GIVEN_UP_CRAWLS": (int, 1, None, "a crawl count", "1 or more"),
    "ARCHIVER_MAX_ARTICLES": (int, 0, None, "a count", "0 (the outlet's) or more"),
    "ARCHIVER_PAGE_RESOURCES_MAX": (int, 0, None, "a count", "0 (no limit) or more"),
    "ARCHIVER_EXTRACT_WORKERS": (int, -1, None, "a worker count", "-1 (a core each), 0 or more"),
    "ARCHIVER_EXTRACT_RECYCLE_AFTER": (int, 0, None, "a page count", "0 (never) or more"),
    "ARCHIVER_DEMO_EDITION": (int, 1, 2, "an edition", "1 or 2"),
    "ARCHIVER_REDIS_HEARTBEAT": (float, 0.001, None, "a time", "seconds above 0"),
    "ARCHIVER_REDIS_WORKER_TIMEOUT": (float, 0.001, None, "a time", "seconds above 0"),
    "ARCHIVER_REDIS_IDLE_TIMEOUT": (float, 0, None, "a time", "seconds, 0 or more"),
    # Scrapy's own that the project sets (their errors too were tracebacks, or silence)
    "DOWNLOAD_TIMEOUT": (float, 0.001, None, "a time", "seconds above 0"),
    "DOWNLOAD_DELAY": (float, 0, None, "a time", "seconds, 0 or more"),
    "DOWNLOAD_MAXSIZE": (int, 0, None, "a size", "bytes, 0 (no limit) or more"),
    "CONCURRENT_REQUESTS": (int, 1, None, "a count", "1 or more"),
    "CONCURRENT_REQUESTS_PER_DOMAIN": (int, 1, None, "a count", "1 or more"),
    "RETRY_TIMES": (int, 0, None, "a count", "0 or more"),
    "AUTOTHROTTLE_START_DELAY": (float, 0, None, "a time", "seconds, 0 or more"),
    "AUTOTHROTTLE_MAX_DELAY": (float, 0, None, "a time", "seconds, 0 or more"),
    "AUTOTHROTTLE_TARGET_CONCURRENCY": (float, 0.001, None, "a concurrency", "above 0"),
}


def check_settings(settings: BaseSettings) -> None:
    """A :class:`ConfigError` naming the first of the project's settings (and of the Scrapy
    settings it sets) whose value is of the wrong kind or out of range (``scrapy crawl -s
    NAME=VALUE``): raised before anything is crawled, not a traceback from the component that
    reads it, or, from a signal handler, an error Scrapy logs and a crawl that goes on without
    it."""
    for name in BOOLEAN_SETTINGS:
        try:
            settings.getbool(name, True)
        except ValueError:
            raise ConfigError(
                f"{name}={settings.get(name)!r} is not a boolean: give True or False (or 1, 0)"
            ) from None
    for name, (kind, least, most, what, give) in _NUMBER_SETTINGS.items():
        value = settings.get(name)
        if value is None or value == "":
            continue
        try:
            number = kind(value)
        except (TypeError, ValueError):
            number = None
        if number is None or number < least or (most is not None and number > most):
            raise ConfigError(f"{name}={value!r} is not {what}: give {give}")
    try:
        host_map = settings.getdict("ARCHIVER_HOST_MAP")
    except (TypeError, ValueError) as e:
        raise ConfigError(
            f"ARCHIVER_HOST_MAP={settings.get('ARCHIVER_HOST_MAP')!r} is not a JSON object "
            f'({e}): give one like \'{{"example.org": "127.0.0.1:8080"}}\''
        ) from None
    for address in host_map.values():
        if problem := address_problem(str(address)):
            raise ConfigError(
                f"ARCHIVER_HOST_MAP: {problem}: give one like"
                f' \'{{"example.org": "127.0.0.1:8080"}}\''
            )
    if revisit := settings.get("ARCHIVER_REVISIT_AFTER"):
        try:
            parse_schedule(revisit)
        except ConfigError as e:
            raise ConfigError(f"ARCHIVER_REVISIT_AFTER: {e}") from None


def build_settings(archive_dir: str | Path, overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project's settings (``archiver.settings``) with the archive dir and overrides applied."""
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    settings.set("ARCHIVER_ARCHIVE_DIR", str(archive_dir), priority="cmdline")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    check_settings(settings)
    return settings


def check_archive_dir(archive_dir: str | Path) -> Path:
    """Create ``<dir>/warc`` and make sure it, ``<dir>`` and the index are writable, or raise
    ``ConfigError`` before anything is crawled."""
    warc_dir = Path(archive_dir) / "warc"
    try:
        warc_dir.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise ConfigError(
            f"cannot create archive directory {warc_dir}: {e.strerror}; "
            "pass --archive DIR with a writable directory"
        ) from e
    for directory in (Path(archive_dir), warc_dir):
        if not os.access(directory, os.W_OK | os.X_OK):
            raise ConfigError(f"archive directory {directory} is not writable; pass --archive DIR")
    index = Path(archive_dir) / "index.db"
    for path in (index, index.with_name("index.db-wal"), index.with_name("index.db-shm")):
        if path.exists() and not os.access(path, os.W_OK):
            raise ConfigError(
                f"the index {path} is not writable: fix its permissions, or pass --archive DIR"
            )
    if index.exists():  # a corrupt or foreign index stops the crawl before it starts
        ArchiveIndex(index, create=False).close()
    return warc_dir


def run_crawl(
    outlet_name: str,
    *,
    archive_dir: str | Path = "archive",
    outlets_file: str | None = None,
    max_articles: int | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: ProgressHook | None = None,
    sources: str | None = None,
    since: str | None = None,
) -> CrawlSummary:
    """Crawl one outlet into ``archive_dir`` and return the summary. One crawl per process.

    ``outlet_name`` may be a URL: with a definition for its host, that outlet is crawled from
    this page alone (its selectors, pagination, limits and politeness; not its feeds or
    sitemaps); without one, the page's site is crawled
    with discovery alone (feeds, robots.txt sitemaps, article-shaped links) and each page is
    classified, only articles indexed. ``sources`` (comma-separated, default all) and ``since``
    (YYYY-MM-DD: feed and sitemap entries older than that are skipped) shape discovery.
    """
    outlet, spider_args = resolve_outlet(outlet_name, outlets_file, sources=sources, since=since)
    warc_dir = check_archive_dir(archive_dir)
    with outlet_lock(archive_dir, outlet.name):  # one crawl per outlet and archive at a time
        recover(Path(archive_dir), warc_dir, outlet.name)
        spider_args["max_articles"] = max_articles
        return _crawl_locked(outlet, warc_dir, archive_dir, spider_args, overrides, progress)


def resolve_outlet(
    outlet_name: str,
    outlets_file: str | None = None,
    *,
    sources: str | None = None,
    since: str | None = None,
) -> tuple[Outlet, dict[str, Any]]:
    """The outlet ``outlet_name`` names (a defined outlet, or a URL: see :func:`run_crawl`) and
    the spider arguments that crawl it; raises ``ConfigError`` early, before any network."""
    from spiders.news import bare_outlet, parse_since, parse_sources

    parse_sources(sources)
    parse_since(since)
    spider_args: dict[str, Any] = {"sources": sources, "since": since}
    if "://" in outlet_name:
        if problem := http_url_problem(outlet_name):
            raise ConfigError(f"{outlet_name!r} {problem}")
        defined = outlet_for_url(outlet_name, outlets_file)
        if defined is None:
            outlet = bare_outlet(outlet_name)
            spider_args["url"] = outlet_name
        else:
            # The outlet's rules (selectors, pagination, politeness) from this page only.
            outlet = attrs.evolve(
                defined,
                sections=bare_outlet(outlet_name).sections,
                feeds=(),
                sitemaps=(),
                discover=False,
            )
            spider_args["outlet"] = outlet
            spider_args["partial"] = "one page"
    else:
        outlet = get_outlet(outlet_name, outlets_file)
        spider_args["outlet"] = outlet
    return outlet, spider_args


def recover(archive_dir: Path, warc_dir: Path, outlet: str) -> None:
    """Clean up after a killed crawl, under the outlet's lock: finish the ``.open`` WARC files
    nobody holds, index the records their last batch never indexed (so their articles are not
    fetched again), and mark this outlet's crawls still recorded as running ``interrupted``."""
    from archiver.check import index_unindexed, mark_interrupted

    recovered = recover_open_files(warc_dir)
    for result in recovered:
        logger.warning("%s (left by an interrupted crawl)", result.describe())
    files = [r.path for r in recovered if r.path is not None]
    if files and (archive_dir / "index.db").exists():
        added = index_unindexed(archive_dir, files)
        if added:
            logger.warning("indexed %d records the interrupted crawl had not indexed", len(added))
    if n := mark_interrupted(archive_dir, outlet):
        logger.warning("marked %d crawl(s) of %s that never finished as interrupted", n, outlet)


def open_jobdir(
    settings: BaseSettings, archive_dir: str | Path, outlet: str
) -> tuple[Path | None, bool]:
    """Set ``JOBDIR`` to ``ARCHIVE/jobs/OUTLET`` (``ARCHIVER_RESUME``, unless one is given) so
    that an interrupted crawl resumes; the directory, and whether this run resumes a saved
    queue. A queue a crashed crawl left is discarded."""
    jobdir = None
    if settings.getbool("ARCHIVER_RESUME", True) and not settings.get("JOBDIR"):
        jobdir = Path(archive_dir) / "jobs" / safe_name(outlet)
        settings.set("JOBDIR", str(jobdir), priority="cmdline")
    queue = jobdir / "requests.queue" if jobdir is not None else None
    if jobdir and queue and queue.is_dir() and not (queue / "active.json").exists():
        # Scrapy writes active.json when it closes the queue: without it the crawl died (a
        # crash, SIGKILL) and the queue's on-disk pointers are stale, so popping it would
        # replay old requests and lose new ones. Start afresh: the index knows what it holds.
        logger.warning(
            "the last crawl of %s did not shut down cleanly; its saved queue in %s cannot be "
            "trusted and is discarded (articles already indexed are not fetched again)",
            outlet,
            jobdir,
        )
        shutil.rmtree(jobdir, ignore_errors=True)
    resumed = queue is not None and (queue / "active.json").exists()
    if resumed:
        logger.warning("resuming the interrupted crawl of %s from %s", outlet, jobdir)
    return jobdir, resumed


def check_outcome(
    values: Mapping[str, Any], outlet: str, jobdir: Path | None, *, worker: bool = False
) -> None:
    """After a crawl of ``outlet`` with stats ``values``: an :class:`ArchiverError` for a crawl
    that stopped on an error (WARC, Redis, index) or fetched nothing (``worker``: a distributed
    worker's crawl, which may have nothing to do); a finished crawl's saved queue removed."""
    pages = values.get("archiver/pages", 0)
    if warc_error := values.get("archiver/warc/error"):
        raise WarcError(
            f"crawl of {outlet} stopped: {warc_error} (the {pages} pages archived "
            "before are kept in closed WARC files)"
        )
    if redis_error := values.get("archiver/redis/error"):
        raise ArchiverError(
            f"worker of the crawl of {outlet} lost its connection to Redis ({redis_error}) "
            f"and stopped; the {pages} pages it archived are kept, and the requests it had "
            "taken are fetched again by a worker run once Redis is back"
        )
    if index_error := values.get("archiver/index/error"):
        advice = "" if "disk is full" in index_error else f": {REBUILD_INDEX}"
        raise ArchiverError(
            f"crawl of {outlet} stopped: {index_error}; the {pages} pages archived are "
            f"kept in the WARC files{advice}"
        )
    if jobdir is not None and values.get("finish_reason") == "finished":
        shutil.rmtree(jobdir, ignore_errors=True)  # done: the next run starts afresh
        with contextlib.suppress(OSError):
            jobdir.parent.rmdir()  # <archive>/jobs, when no other outlet has a job there
    if why := why_nothing_fetched(values):
        raise ArchiverError(f"crawl of {outlet} fetched nothing: {why}")
    idle = not values.get("downloader/request_count") and not worker
    if idle and values.get("finish_reason") == "finished":
        raise ArchiverError(
            f"crawl of {outlet} fetched nothing: its discovery sources found no URL to "
            "start from (for a site no definition covers, feeds come from its page and sitemaps "
            "from its robots.txt: add autodiscovery and robots to --sources, or sections)"
        )


def _crawl_locked(
    outlet: Outlet,
    warc_dir: Path,
    archive_dir: str | Path,
    spider_args: dict[str, Any],
    overrides: Mapping[str, Any] | None,
    progress: ProgressHook | None,
    spider_cls: type[Spider] | None = None,
) -> CrawlSummary:
    from spiders.news import SectionSpider

    settings = build_settings(archive_dir, {"ARCHIVER_OUTLET": outlet.name, **(overrides or {})})
    parse_schedule(  # a bad revisit schedule fails here, not inside the crawl
        getattr(outlet, "revisit_after", None)
        or settings.getlist("ARCHIVER_REVISIT_AFTER")
        or DEFAULT_REVISIT_AFTER
    )
    if settings.getbool("ARCHIVER_INDEX_ENABLED", True):
        # created or migrated here, before the crawl: a disk too full for it, or any other
        # reason it cannot be opened, is one line, not errors in a crawl that goes on
        ArchiveIndex(Path(archive_dir) / "index.db", crawl=True).close()
    jobdir, resumed = open_jobdir(settings, archive_dir, outlet.name)
    process = CrawlerProcess(settings)
    for names, kind in (
        (_NETWORK_LOGGERS, NetworkErrorsInOneLine),
        (_DISK_LOGGERS, DiskFullInOneLine),
    ):
        for name in names:  # once per process, whatever the number of crawls
            log = logging.getLogger(name)
            if not any(isinstance(f, kind) for f in log.filters):
                log.addFilter(kind())
    crawler = process.create_crawler(spider_cls or SectionSpider)
    if progress is not None:
        hook = progress

        def stats() -> Mapping[str, Any]:
            return crawler.stats.get_stats() if crawler.stats else {}

        # weak=False: pydispatcher holds receivers weakly and these lambdas have no other owner.
        crawler.signals.connect(
            lambda **_: hook("page", stats()),
            signal=archiver_signals.capture_written,
            weak=False,
        )
        crawler.signals.connect(
            lambda **_: hook("article", stats()), signal=signals.item_scraped, weak=False
        )
    failures: list[Failure] = []
    started = time.monotonic()
    deferred = process.crawl(crawler, **spider_args)
    deferred.addErrback(failures.append)
    process.start()
    elapsed = time.monotonic() - started
    if failures:
        error = failures[0].value
        if isinstance(error, ArchiverError):
            raise error
        raise ArchiverError(f"crawl of {outlet.name} failed: {error!r}")
    values = crawler.stats.get_stats() if crawler.stats else {}
    check_outcome(values, outlet.name, jobdir, worker=spider_cls is not None)
    seen = {k: int(values.get(f"archiver/seen/{k}", 0)) for k in ("new", "skipped", "rechecked")}
    seen["revisits"] = sum(int(v) for k, v in values.items() if k.startswith("archiver/revisits/"))
    return CrawlSummary(
        resumed=resumed,
        seen=seen,
        requeued=int(values.get("archiver/redis/requeued", 0)),
        robots_forbidden=int(values.get("robotstxt/forbidden", 0)),
        robots_unreachable=int(values.get("archiver/robots/unreachable", 0)),
        given_up=int(values.get("retry/max_reached", 0))
        + int(values.get("archiver/retry_after/given_up", 0)),
        truncated=int(values.get("archiver/truncated", 0)),
        resources=int(values.get("archiver/resources/fetched", 0)),
        resources_archived=int(values.get("archiver/resources/archived", 0)),
        outlet=outlet.name,
        crawl_id=values.get("archiver/crawl_id"),
        finish_reason=str(values.get("finish_reason", "unknown")),
        pages=int(values.get("archiver/pages", 0)),
        articles=int(values.get("archiver/articles", 0)),
        warc_bytes=int(values.get("archiver/warc/bytes_written", 0)),
        errors=int(values.get("archiver/errors", 0)),
        elapsed=elapsed,
        warc_dir=warc_dir,
        index_path=Path(archive_dir) / "index.db",
        warc_files=list(values.get("archiver/warc/files", [])),
    )
