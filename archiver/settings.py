"""Scrapy settings of the archiver project: every ``ARCHIVER_*`` default lives here.

``scrapy.cfg`` points Scrapy at this module; the CLI loads it the same way, so
``archiver crawl`` and ``scrapy crawl news`` run with the same configuration.
"""

from __future__ import annotations

from archiver import __version__

BOT_NAME = "archiver"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"
# `scrapy crawl` with the project's errors on one line (archiver.scrapy_commands.crawl)
COMMANDS_MODULE = "archiver.scrapy_commands"

# --- politeness ---------------------------------------------------------------------------
ROBOTSTXT_OBEY = True
USER_AGENT = (
    f"archiver/{__version__} (news archiving crawler; +https://github.com/archiver-project/archiver;"
    " contact: archiver-operator@example.org)"
)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 32 * 1024 * 1024
# A body cut short reaches the middlewares (flag "dataloss") so it is archived with
# WARC-Truncated, then retried by RetryAfterMiddleware; same for a body over DOWNLOAD_MAXSIZE
# (WarcCaptureMiddleware stops it there), which is not retried.
DOWNLOAD_FAIL_ON_DATALOSS = False
RETRY_ENABLED = True
RETRY_TIMES = 2
# 429 is retried; Retry-After is honoured by archiver.middlewares.RetryAfterMiddleware.
ARCHIVER_RETRY_AFTER_MAX = 300.0
"""Longest Retry-After (seconds) the crawl waits for; a longer one gives the request up."""
ARCHIVER_GIVEN_UP_CRAWLS = 3
"""Crawls of an outlet that ask again for an article never fetched (given up on after its
retries) before it is no longer carried over (``archiver.seen.GivenUpArticles``)."""
RETRY_HTTP_CODES = [429, 500, 502, 503, 504, 522, 524, 408]
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
"""Scrapy 2.19's remote control (on by default) listens on a port for Python to run and keeps
its token in ``~/.local/state/scrapy/job_files/``: a server we did not mean to start and a file
outside the archive, left behind when the crawl is killed."""

DOWNLOADER_MIDDLEWARES = {
    # Before Scrapy's offsite filter (50): the robots.txt of a host a page resource comes from
    # is fetched, and obeyed (archiver.middlewares.OffsiteRobotsMiddleware says why).
    "archiver.middlewares.OffsiteRobotsMiddleware": 45,
    # Scrapy's robots.txt middleware, but obeyed by every request that waits for the file
    # (archiver.middlewares.RobotsTxtMiddleware says why).
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "archiver.middlewares.RobotsTxtMiddleware": 100,
    # Scrapy's retry, plus Retry-After on 429/503 (replaces RetryMiddleware at its place).
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "archiver.middlewares.RetryAfterMiddleware": 550,
    # Scrapy's redirects, with a redirected revision check's validators left behind.
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "archiver.middlewares.RedirectMiddleware": 600,
    # Route listed hosts through a local address (the demo outlet's stable URLs).
    "archiver.middlewares.HostMapMiddleware": 740,
    # 950: after every middleware that rewrites the request (UA 500, compression 590 adds
    # Accept-Encoding) and, on the way back, before HttpCompressionMiddleware (590) decodes the
    # body and before RedirectMiddleware (600) follows a 3xx: the bytes seen here are the bytes
    # as downloaded, and every redirect hop is seen.
    "archiver.middlewares.WarcCaptureMiddleware": 950,
}
# Items processed at once per response. A page gives one item, and Scrapy 2.19 starts this many
# asyncio tasks for each response's output: the default of 100 cost about 5 ms of CPU per page.
CONCURRENT_ITEMS = 8
# A dropped page in one line, without its HTML (Scrapy's formatter prints the whole item).
LOG_FORMATTER = "archiver.pipelines.DropsInOneLine"
ITEM_PIPELINES = {
    "archiver.pipelines.ExtractionPipeline": 300,
}
SPIDER_MIDDLEWARES = {
    # Next to the spider: drops known articles not due for a revision check, makes due ones
    # conditional, stops pagination after a page of known articles (archiver.seen).
    "archiver.seen.SeenMiddleware": 950,
}
# Scrapy checks each response's callback for a generator that returns a value by parsing the
# callback's source, cached by the bound method under a weak reference: with one request at a
# time (a polite crawl) the method is gone before the next response, and the source is parsed
# again for each page, 0.66 ms of the 3.9 a bare crawl costs (measured 2026-12-07). Off: the
# spider's callbacks are checked once, by tests/test_discovery.py.
WARN_ON_GENERATOR_RETURN_VALUE = False
# In-memory duplicate filter even with JOBDIR (why: archiver.seen.CrawlDupeFilter).
DUPEFILTER_CLASS = "archiver.seen.CrawlDupeFilter"
# A resumed crawl fetches a URL once, from its saved queue or found again (archiver.seen).
SCHEDULER = "archiver.seen.ResumingScheduler"
EXTENSIONS = {
    "archiver.extensions.ArchiveIndexExtension": 100,
    "archiver.replay.extension.CdxjExtension": 110,
}

# --- archiver -----------------------------------------------------------------------------
ARCHIVER_ARCHIVE_DIR = "archive"
"""Root of the archive: WARC files go to ``<dir>/warc``, the index to ``<dir>/index.db``."""
ARCHIVER_WARC_PREFIX = "archiver"
"""First part of every WARC file name (``<prefix>-<timestamp>-<serial>-<host>.warc.gz``)."""
ARCHIVER_WARC_MAX_SIZE = 1_000_000_000
"""Rotate to a new WARC file once the open one reaches this many bytes."""
ARCHIVER_WARC_GZIP_LEVEL = 6
"""zlib level of each record's gzip member (1 fastest, 9 smallest)."""
ARCHIVER_WARC_OPERATOR = ""
"""Who runs the crawl, written into each file's ``warcinfo`` record."""
ARCHIVER_EXTRACT_WORKERS = -1
"""Processes that extract articles while the crawl goes on downloading: -1 one per core, 0 none
(extract in the crawl's own thread)."""
ARCHIVER_EXTRACT_RECYCLE_AFTER = 10_000
"""Pages after which the extraction workers are replaced by fresh ones (0: never). The libraries
they run keep caches and interned strings that grow for tens of thousands of pages; recycling
keeps a long crawl's memory at its early level."""
ARCHIVER_INDEX_BATCH_SIZE = 200
"""Index rows written per transaction during a crawl."""
ARCHIVER_INDEX_FLUSH_SECONDS = 2.0
"""Longest time a row waits in the batch before it is written (checked as rows arrive)."""
ARCHIVER_CDXJ_ENABLED = True
"""Write each WARC file's CDXJ index to ``<dir>/cdxj`` as files rotate (needs the replay tools)."""
ARCHIVER_HOST_MAP: dict[str, str] = {}
"""``{"host": "127.0.0.1:PORT"}``: fetch these hosts through that address (an HTTP proxy hop)."""
ARCHIVER_OUTLET = ""
"""Name of the outlet definition to crawl (``-a outlet=`` on the spider takes precedence)."""
ARCHIVER_MAX_ARTICLES = 0
"""Stop requesting articles after this many (0: no limit besides the outlet's own)."""
ARCHIVER_INCREMENTAL = True
"""Skip known articles not due for a revision check, and stop pagination at a page of known
articles (off: fetch every article linked, as a first crawl does)."""
ARCHIVER_PAGE_RESOURCES = True
"""Archive what each HTML page loads (stylesheets, scripts, images with every ``srcset``
candidate, fonts), from any host, so that it replays as it looked; a resource the archive holds
from an earlier crawl is not fetched again (off: the pages alone)."""
ARCHIVER_PAGE_RESOURCES_MAX = 200
"""Most resources requested for one page (0: no limit)."""
ARCHIVER_REVISIT_AFTER = ["1h", "6h", "24h", "7d"]
"""Ages after first seen at which a known article is checked for a new version (an outlet's
``revisit_after`` takes precedence); after the last, it is not fetched again."""
ARCHIVER_RESUME = True
"""Keep the crawl's queue in ``<archive>/jobs/<outlet>`` (Scrapy's JOBDIR) so that an interrupted
crawl resumes on the next run; removed when a crawl finishes."""
ARCHIVER_DEMO_EDITION = 1
"""Edition of the bundled demo outlet the crawl serves (2: two new posts, one corrected)."""

# --- distributed crawls (archiver.distributed; set by `archiver worker`) -------------------
ARCHIVER_REDIS_URL = ""
"""Redis of a distributed crawl (``redis://HOST:PORT/DB``): the shared queue, seen-set and
in-flight sets; empty for a crawl on one machine."""
ARCHIVER_WORKER_ID = ""
"""This worker's id in a distributed crawl (default: the host name): the last part of its WARC
file names, and ``crawls.worker`` in its index shard."""
ARCHIVER_REDIS_HEARTBEAT = 2.0
"""Seconds between a worker's heartbeats (each also looks for dead workers to reap)."""
ARCHIVER_REDIS_WORKER_TIMEOUT = 30.0
"""A worker whose last heartbeat is older than this many seconds is dead: the requests it had
taken are put back in the shared queue."""
ARCHIVER_REDIS_IDLE_TIMEOUT = 10.0
"""A worker stops once the shared queue has been empty, with no request in flight at any live
worker, for this many seconds."""
