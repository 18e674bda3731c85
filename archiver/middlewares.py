"""Downloader middlewares: verbatim WARC capture of every exchange, and host routing.

Adapters only: the WARC format lives in :mod:`archiver.warc`.
"""

from __future__ import annotations

import json
import logging
import os
import time
import weakref
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

from scrapy import Request, signals
from scrapy.downloadermiddlewares import redirect, robotstxt
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest, NotConfigured, StopDownload
from scrapy.http import Response
from scrapy.http.headers import Headers
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.asyncio import call_later
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet import defer, threads
from twisted.python.threadpool import ThreadPool

from archiver import __version__, wire
from archiver import signals as archiver_signals
from archiver.exceptions import WarcError
from archiver.items import Article, CaptureRef
from archiver.seen import (
    RECHECK,
    ROLE,
    GivenUpArticles,
    SeenStore,
    note_partial,
    payload_digest,
)
from archiver.warc import (
    IDENTICAL_PAYLOAD,
    SERVER_NOT_MODIFIED,
    Revisit,
    WarcWriter,
    content_type,
    read_response,
)

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from twisted.internet.base import ReactorBase

logger = logging.getLogger(__name__)

CAPTURE_META_KEY = "archiver_capture"
"""``request.meta`` key under which the capture middleware leaves the response's CaptureRef."""


REUSED_FLAG = "archiver: reused"
"""``Response.flags`` entry of a response served again from memory (robots.txt): not downloaded,
so neither archived nor retried again."""

FORBIDDEN_META_KEY = "archiver_forbidden"
"""``request.meta`` key :class:`RobotsTxtMiddleware` sets on a request robots.txt forbids."""
HOST_MAP_META_KEY = "archiver_host_mapped"
"""``request.meta`` key: the proxy URL :class:`HostMapMiddleware` set, to tell it from a user's."""


def truncation(response: Response) -> str | None:
    """The ``WARC-Truncated`` reason of a response: ``length`` when the connection lost part
    of the body (``dataloss``) or the download was stopped at ``DOWNLOAD_MAXSIZE`` (by
    :class:`WarcCaptureMiddleware`, the project's only ``StopDownload``)."""
    if "dataloss" in response.flags or "download_stopped" in response.flags:
        return "length"
    return None


Pairs = list[tuple[str, str]]


def header_pairs(headers: Headers) -> Pairs:
    """Every (name, value) of a Scrapy ``Headers``, repeated headers included, latin-1 decoded."""
    pairs = []
    for name, values in headers.items():
        key = name.decode("latin-1")
        for value in values:
            pairs.append((key, value.decode("latin-1")))
    return pairs


def article_metadata(article: Article) -> bytes:
    """The body of an article's ``metadata`` record: its fields as JSON, ``capture`` left out
    (the record's ``WARC-Refers-To`` names the response instead)."""
    data = article.to_dict()
    data.pop("capture", None)
    data.setdefault("extractor_version", article.extractor_version)
    return json.dumps(data, ensure_ascii=False, sort_keys=True).encode()


_FRAMING = {"content-length", "transfer-encoding", "content-encoding", "content-range"}
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}


def freshened(
    stored: Sequence[tuple[str, str]], fresh: Sequence[tuple[str, str]]
) -> list[tuple[str, str]]:
    """The stored response's headers updated with those of a ``304`` (RFC 9111 section 4.3.4):
    each header the 304 sends replaces the stored ones of its name; framing headers stay, and
    the 304's hop-by-hop headers (section 3.1: those its ``Connection`` names too) are left
    out."""
    hop = _HOP_BY_HOP | {
        token.strip().lower()
        for name, value in fresh
        if name.lower() == "connection"
        for token in value.split(",")
    }
    names = {name.lower() for name, _ in fresh if name.lower() not in _FRAMING | hop}
    kept = [(n, v) for n, v in stored if n.lower() not in names]
    return kept + [(n, v) for n, v in fresh if n.lower() in names]


def header_value(response: Response, name: str) -> str | None:
    """The (first) value of header ``name`` of ``response``, latin-1 decoded, or ``None``."""
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


class WarcCaptureMiddleware:
    """Writes a request and a response record for every response the downloader gets,
    and a ``metadata`` record (the extracted JSON) for every article scraped from one.

    Placed at 950 (see ``archiver.settings``) so it sees each response before
    HttpCompressionMiddleware (590) decodes the body and before RedirectMiddleware (600)
    follows a 3xx: the stored body is the entity as downloaded, and every hop is recorded.

    A body over ``DOWNLOAD_MAXSIZE`` is not dropped (as Scrapy would) but stopped there and
    archived with ``WARC-Truncated: length``, as is a body the connection cut short.
    """

    def __init__(self, crawler: Crawler, writer: WarcWriter) -> None:
        self.crawler = crawler
        self.writer = writer
        self.store = SeenStore.from_crawler(crawler)
        self.stats = crawler.stats
        self.maxsize = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        self._received: weakref.WeakKeyDictionary[Request, int] = weakref.WeakKeyDictionary()
        self._thread: ThreadPool | None = None
        self._closed = False
        self._writing: dict[str, list[defer.Deferred[None]]] = {}
        """Payload digests of full responses being written, with who waits for each."""
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.item_scraped, signal=signals.item_scraped)
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)
        crawler.signals.connect(self.bytes_received, signal=signals.bytes_received)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_WARC_ENABLED", True):
            raise NotConfigured("ARCHIVER_WARC_ENABLED is off")
        wire.install()  # so that the exchanges are archived as they went over the wire
        directory = Path(settings.get("ARCHIVER_ARCHIVE_DIR", "archive")) / "warc"
        info = {
            "operator": settings.get("ARCHIVER_WARC_OPERATOR") or "",
            "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
            "http-header-user-agent": settings.get("USER_AGENT") or "",
            "isPartOf": settings.get("ARCHIVER_OUTLET") or "",
        }
        writer = WarcWriter(
            directory,
            prefix=settings.get("ARCHIVER_WARC_PREFIX", "archiver"),
            max_size=settings.getint("ARCHIVER_WARC_MAX_SIZE", 1_000_000_000),
            gzip_level=settings.getint("ARCHIVER_WARC_GZIP_LEVEL", 6),
            warcinfo={k: v for k, v in info.items() if v},
            # a distributed worker's id ends its file names (prefix-timestamp-serial-worker)
            hostname=settings.get("ARCHIVER_WORKER_ID") or None,
        )
        logger.debug("archiver %s writing WARC files to %s", __version__, directory)
        return cls(crawler, writer)

    def _revisit(
        self, request: Request, response: Response, digest: str | None, headers: Pairs
    ) -> tuple[Revisit, int, str | None, Pairs] | None:
        """How to write ``response`` (whose headers are ``headers``) as a revisit (profile and
        original; status, reason and headers for the record), or ``None`` for a full response
        record."""
        known = request.meta.get(RECHECK)
        if (
            response.status == 304
            and known
            and known.get("record_id")
            and self.store.finished(known.get("warc_file"))
        ):
            try:  # the 304 freshens the stored response's headers (RFC 9111 section 4.3.4)
                original = read_response(
                    self.writer.directory_path(known["warc_file"]), int(known["warc_offset"])
                )
            except (WarcError, TypeError, ValueError) as e:
                logger.warning("304 for %s kept as a response record: %s", response.url, e)
                return None
            revisit = Revisit(
                profile=SERVER_NOT_MODIFIED,
                record_id=original.record_id,
                url=original.url,
                date=original.date,
                payload_digest=str(known.get("payload_digest") or payload_digest(b"")),
            )
            status_line = original.status_line.split(" ", 2)
            reason = status_line[2] if len(status_line) > 2 else None
            return revisit, original.status, reason, freshened(original.headers, headers)
        found = self.store.original(digest)
        if digest is None or found is None:
            return None
        revisit = Revisit(
            profile=IDENTICAL_PAYLOAD,
            record_id=found["record_id"],
            url=found["url"],
            date=found["captured_at"],
            payload_digest=digest,
        )
        return revisit, response.status, None, headers

    def _stop_oversize(self, request: Request, size: int) -> None:
        maxsize = request.meta.get("download_maxsize", self.maxsize)
        if maxsize and size > maxsize:
            self.stats.inc_value("archiver/truncated/maxsize")
            logger.warning("%s is larger than DOWNLOAD_MAXSIZE=%d: truncated", request.url, maxsize)
            raise StopDownload(fail=False)  # the bytes so far go on as the response

    def headers_received(self, request: Request, body_length: int | str, **_: Any) -> None:
        if isinstance(body_length, int):  # Twisted's UNKNOWN_LENGTH is a str
            self._stop_oversize(request, body_length)

    def bytes_received(self, request: Request, data: bytes, **_: Any) -> None:
        # per Request object: a retry or redirect copies meta, never this count
        received = self._received[request] = self._received.get(request, 0) + len(data)
        self._stop_oversize(request, received)

    def spider_opened(self) -> None:
        # One thread, so records keep the order they were handed over in. zlib and hashlib let
        # go of the GIL while they work, so compressing a record no longer stalls the reactor.
        self._thread = ThreadPool(minthreads=1, maxthreads=1, name="warc-writer")
        self._thread.start()
        # A crawl stopped while it opens (SIGTERM in its first second) never closes its spider:
        # the writer thread would keep the process alive after the reactor stops, for ever.
        from twisted.internet import reactor

        core = cast("ReactorBase", reactor)
        core.addSystemEventTrigger("before", "shutdown", self.spider_closed)

    async def _written(self, write: Callable[[], CaptureRef]) -> CaptureRef:
        """``write()`` in the writer thread (in this one before the spider opens)."""
        if self._thread is None:
            return write()
        from twisted.internet import reactor

        deferred = threads.deferToThreadPool(reactor, self._thread, write)
        return await maybe_deferred_to_future(deferred)

    async def process_response(self, request: Request, response: Response) -> Response:
        if REUSED_FLAG in response.flags:
            return response  # archived when it was downloaded
        truncated = truncation(response)
        if truncated:
            self.stats.inc_value("archiver/truncated")
        status, reason, protocol = response.status, None, response.protocol or "HTTP/1.1"
        headers = request_headers = None
        sent = wire.take(request)
        if sent is not None and sent.status == status:  # as on the wire, not as Scrapy rebuilt
            protocol, reason, headers = sent.version, sent.reason, sent.response_headers
            request_headers = sent.request_headers
        if headers is None:
            headers = header_pairs(response.headers)
        if request_headers is None:
            request_headers = wire.public_fields(header_pairs(request.headers))
        digest = None  # of a body that may be another capture's or become an original
        if response.body and not 300 <= response.status < 400 and not truncated:
            # pywb replays a 3xx revisit without its payload: keep redirects whole
            digest = payload_digest(response.body)
            while (waiting := self._writing.get(digest)) is not None:
                # The same bytes are being written (another URL, fetched at the same time):
                # once they are, this response is a revisit of them.
                waiter: defer.Deferred[None] = defer.Deferred()
                waiting.append(waiter)
                await maybe_deferred_to_future(waiter)
        revisit = None
        if not truncated and (found := self._revisit(request, response, digest, headers)):
            revisit, status, reason, headers = found
        write = partial(
            self.writer.write_exchange,
            url=response.url,
            method=request.method,
            request_headers=request_headers,
            request_body=request.body,
            status=status,
            reason=reason,
            protocol=protocol,
            response_headers=headers,
            body=response.body,
            ip_address=str(response.ip_address) if response.ip_address else None,
            truncated=truncated,
            revisit=revisit,
        )
        original = digest if revisit is None else None
        if original is not None:
            self._writing[original] = []
        try:
            ref = await self._written(write)
            if original is not None:  # before the waiters go on
                self.store.remember(
                    ref.payload_digest,
                    url=response.url,
                    date=ref.date or "",
                    record_id=ref.record_id,
                    warc_file=ref.warc_file,
                )
        except WarcError as e:
            # Nothing may be crawled that cannot be archived: stop cleanly, keep what is written.
            # The first error is kept for run_crawl (one line, exit 2); the rest only counted.
            if self.stats.get_value("archiver/warc/error") is None:
                logger.error("%s", e)
                self.stats.set_value("archiver/warc/error", str(e))
            self.stats.inc_value("archiver/errors")
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="warc_error"))
            raise IgnoreRequest(str(e)) from e
        finally:
            if original is not None:
                for waiter in self._writing.pop(original):
                    waiter.callback(None)
        request.meta[CAPTURE_META_KEY] = ref
        if revisit is not None:
            self.stats.inc_value(f"archiver/revisits/{revisit.profile.rsplit('/', 1)[-1]}")
        self.stats.inc_value("archiver/pages")
        if request.meta.get(ROLE) in ("listing", "article"):
            self.stats.inc_value("archiver/pages/outlet")  # not robots.txt, not resources
        if request.meta.get(ROLE) == "resource" and not request.meta.get("retry_times"):
            self.stats.inc_value("archiver/resources/fetched")  # a URL: its retries are not
        self.stats.set_value("archiver/warc/bytes_written", self.writer.bytes_written)
        self.stats.set_value("archiver/warc/records", self.writer.records_written)
        if response.status >= 400:
            self.stats.inc_value(f"archiver/status/{response.status}")
        self.crawler.signals.send_catch_log(
            archiver_signals.capture_written,
            ref=ref,
            url=response.url,
            status=response.status,
            # the record's (a 304's revisit holds the stored headers the 304 freshened)
            content_type=content_type(headers),
            captured_at=ref.date or datetime.now(UTC).isoformat(),
            role=request.meta.get(ROLE),
            validators={
                "etag": header_value(response, "ETag"),
                "last_modified": header_value(response, "Last-Modified"),
            },
        )
        return response

    def item_scraped(self, item: Any) -> None:
        """Archive an extracted article as a ``metadata`` record referring to its response
        (in the writer thread, after the records handed to it before)."""
        if not isinstance(item, Article) or item.capture is None:
            return
        if self._thread is None:
            self._write_metadata(item)
        else:
            self._thread.callInThread(self._write_metadata, item)

    def _write_metadata(self, item: Article) -> None:
        assert item.capture is not None
        try:
            self.writer.write_metadata(
                url=item.url,
                refers_to=item.capture.record_id,
                payload=article_metadata(item),
                content_type="application/json",
            )
        except WarcError as e:  # the article stays indexed; only its WARC copy is missing
            logger.error("%s", e)
            self.stats.inc_value("archiver/errors")
            return
        self.stats.inc_value("archiver/warc/metadata_records")
        self.stats.set_value("archiver/warc/bytes_written", self.writer.bytes_written)
        self.stats.set_value("archiver/warc/records", self.writer.records_written)

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, IgnoreRequest):
            # not sent at all: robots.txt forbids it, or it is off the outlet's hosts (counted
            # by those middlewares); an unwritable response counts where it failed
            return
        self.stats.inc_value("archiver/errors")
        logger.info("no response for %s: %s", request.url, exception)

    def spider_closed(self) -> None:
        if self._closed:
            return  # closed already (the spider closed, then the reactor stopped)
        self._closed = True
        if self._thread is not None:
            self._thread.stop()  # after the writes queued before
            self._thread = None
        files = [os.path.basename(path) for path in self.writer.close()]
        self.stats.set_value("archiver/warc/files", files)
        self.stats.set_value("archiver/warc/bytes_written", self.writer.bytes_written)
        for name in files:
            logger.info("WARC file %s", name)


class RobotsTxtMiddleware(robotstxt.RobotsTxtMiddleware):
    """Scrapy's, with every request that waits for a host's robots.txt made to obey it.

    Scrapy 2.19 has each such request await the one Deferred of the download with
    ``maybe_deferred_to_future``, whose callback returns ``None``: the first waiter got the
    parsed robots.txt, every later one ``None``, which reads as "no robots.txt, allow all".
    The outlet's start requests and the first resources from a new host all wait at once: in
    a test, two of three images robots.txt forbade on a CDN were fetched. Here each waiter
    gets a Deferred of its own, fed from the shared one, which keeps its result.
    """

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._responses: dict[str, tuple[str, Response]] = {}
        """Each host's robots.txt URL and its response as downloaded here, by network location."""

    async def process_request(self, request: Request) -> Response | None:  # type: ignore[override]
        """As Scrapy's; and the spider's own request for a robots.txt this middleware has
        downloaded (the ``robots`` source reads its ``Sitemap:`` lines) gets that response:
        one download and one WARC record, not a second kept as a revisit."""
        try:
            await super().process_request(request)
        except IgnoreRequest:
            request.meta[FORBIDDEN_META_KEY] = True  # never fetched (the spider's errback)
            raise
        url, robots = self._responses.get(urlparse_cached(request).netloc, ("", None))
        if robots is None or request.url != url or request.method != "GET":
            return None
        if robots.request is not None:
            request.meta[CAPTURE_META_KEY] = robots.request.meta.get(CAPTURE_META_KEY)
        return robots.replace(request=request, flags=[*robots.flags, REUSED_FLAG])

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        url = f"{urlparse_cached(request).scheme}://{netloc}/robots.txt"  # as Scrapy's asks
        self._responses[netloc] = (url, response)
        if response.status >= 500 or response.status == 429:
            # Unreachable after its retries: RFC 9309 (2.3.1.4) says to assume complete
            # disallow. Scrapy parses the error page as rules, which allows everything.
            logger.warning(
                "%s answered %s after its retries: nothing on %s is fetched (RFC 9309: an"
                " unreachable robots.txt disallows all); crawl again later",
                url,
                response.status,
                netloc,
            )
            self.crawler.stats.inc_value("archiver/robots/unreachable")
            response = response.replace(body=b"User-agent: *\nDisallow: /\n")
        await super()._parse_robots(response, netloc, request)

    async def robot_parser(self, request: Request) -> Any:
        pending = self._parsers.get(urlparse_cached(request).netloc)
        if not isinstance(pending, defer.Deferred):
            return await super().robot_parser(request)
        mine: defer.Deferred[Any] = defer.Deferred()

        def relay(parser: Any) -> Any:
            mine.callback(parser)
            return parser  # for the next waiter

        pending.addCallback(relay)
        return await maybe_deferred_to_future(mine)


class RedirectMiddleware(redirect.RedirectMiddleware):
    """Scrapy's, but a revision check redirected to another URL goes there without the
    validators of the checked URL's last capture (``If-None-Match``, ``If-Modified-Since``)
    and without its :data:`~archiver.seen.RECHECK` entry: they belong to that URL, and a 304
    of the new one was archived as a revisit of the old URL's capture instead of a response of
    its own. (Scrapy names ``_build_redirect_request`` as the method to override.)"""

    def _build_redirect_request(
        self, source_request: Request, response: Response, *, url: str, **kwargs: Any
    ) -> Request:
        request = super()._build_redirect_request(source_request, response, url=url, **kwargs)
        if request.meta.pop(RECHECK, None) is not None:
            for name in ("If-None-Match", "If-Modified-Since"):
                request.headers.pop(name, None)
        return request


class OffsiteRobotsMiddleware:
    """Lets the robots.txt of another host through the offsite filter when a request may go
    there (a page resource on a CDN, ``allow_offsite``).

    Scrapy's ``RobotsTxtMiddleware`` (100) asks for a host's robots.txt without
    ``allow_offsite``; the ``OffsiteMiddleware`` (50) drops that request, and a robots.txt that
    cannot be fetched allows everything: the other host's rules would never be obeyed. Only
    requests already past the offsite filter reach ``RobotsTxtMiddleware``, so this lets
    through the robots.txt of hosts the crawl is allowed to fetch from and no other.
    """

    def process_request(self, request: Request) -> None:
        if request.meta.get("dont_obey_robotstxt") and request.callback is NO_CALLBACK:
            request.meta.setdefault("allow_offsite", True)


class HostMapMiddleware:
    """Sends requests for mapped hosts through an address, as an HTTP proxy hop.

    The URL (and so every archived record) keeps the outlet's own host name while the
    bytes come from, e.g., the bundled demo server on an ephemeral loopback port.
    Mappings come from ``ARCHIVER_HOST_MAP`` and from the spider's ``host_map`` attribute.
    """

    def __init__(self, crawler: Crawler) -> None:
        self.crawler = crawler
        self.static = dict(crawler.settings.getdict("ARCHIVER_HOST_MAP"))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        host = urlsplit(request.url).hostname or ""
        mapping = {**self.static, **getattr(self.crawler.spider, "host_map", {})}
        address = mapping.get(host)
        # A request routed here before (retried, or saved in JOBDIR by an interrupted crawl)
        # is routed again: the mapped address may have changed. A user's own proxy stays.
        ours = request.meta.get(HOST_MAP_META_KEY) == request.meta.get("proxy")
        if address and ("proxy" not in request.meta or ours) and request.url.startswith("http://"):
            request.meta["proxy"] = request.meta[HOST_MAP_META_KEY] = f"http://{address}"


def retry_after_seconds(value: bytes | str | None, *, now: datetime | None = None) -> float | None:
    """Seconds a ``Retry-After`` value asks for (delta-seconds or HTTP-date); ``None`` if absent
    or unreadable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


_GIVEN_UP = "archiver_given_up_now"
"""``request.meta`` key :class:`RetryAfterMiddleware` sets on a request it gives up on."""


class RetryAfterMiddleware(RetryMiddleware):
    """Scrapy's retry, plus ``Retry-After`` on 429 and 503: no request goes to the host until
    the time the server asks for has passed, the retry included.

    The pause starts as the response arrives, in the downloader's ``response_downloaded``
    signal, which comes before the downloader sends the next request of the host's queue; and
    it moves the slot's last request time to the pause's end instead of raising its delay,
    which AutoThrottle sets again on every response of the requests still in flight (a 10 s
    pause lasted 5.4).

    A wait longer than ``ARCHIVER_RETRY_AFTER_MAX`` seconds is not honoured by waiting: the
    request is given up (the response stays archived) rather than stalling the crawl.

    A truncated response (see :func:`truncation`) is archived but never parsed: one the
    connection cut short is retried like a failed download, one stopped at
    ``DOWNLOAD_MAXSIZE`` is not (it would be cut again).
    """

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.max_wait = settings.getfloat("ARCHIVER_RETRY_AFTER_MAX", 300.0)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = super().from_crawler(crawler)
        crawler.signals.connect(middleware._downloaded, signal=signals.response_downloaded)
        # the list of articles given up on, read as the spider opens (after the index
        # extension has opened this crawl), before any answer can take one off it
        GivenUpArticles.from_crawler(crawler)
        return middleware

    def _wait(self, request: Request, response: Response) -> float | None:
        """The seconds ``response`` asks to wait before ``request`` is retried, if any."""
        if REUSED_FLAG in response.flags or response.status not in (429, 503):
            return None
        if request.meta.get("dont_retry", False):
            return None
        return retry_after_seconds(response.headers.get("Retry-After"))

    def _downloaded(self, response: Response, request: Request, spider: Any) -> None:
        wait = self._wait(request, response)
        if wait is not None and 0 < wait <= self.max_wait:
            self._pause_slot(request, wait)

    def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if REUSED_FLAG in response.flags:
            # retried, and waited for, when it was downloaded
            return self._answered(request, response)
        if truncation(response):
            retry = None
            if "dataloss" in response.flags and not request.meta.get("dont_retry", False):
                retry = self._retry(request, "data loss")
            if retry is None:
                self._answered(request, response)  # cut at DOWNLOAD_MAXSIZE: it would be again
                raise IgnoreRequest(f"{request.url}: truncated response (archived, not parsed)")
            return retry
        if (wait := self._wait(request, response)) is not None:
            stats = self.crawler.stats
            if wait > self.max_wait:
                logger.warning(
                    "%s asks to retry after %.0f s, more than ARCHIVER_RETRY_AFTER_MAX=%.0f;"
                    " giving up on it",
                    request.url,
                    wait,
                    self.max_wait,
                )
                if stats:
                    stats.inc_value("archiver/retry_after/given_up")
                self._given_up(request)
                return response
            if stats:
                stats.inc_value("archiver/retry_after/honoured")  # paused in _downloaded
        return self._answered(request, super().process_response(request, response))

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retry = super()._retry(request, reason)
        if retry is None:
            self._given_up(request)
        return retry

    def _given_up(self, request: Request) -> None:
        """A listing page given up on leaves the backlog unread: the next crawl must read every
        listing page again (``archiver.seen.PARTIAL_STAT``). An article given up on is left to
        the next crawls by name (:class:`archiver.seen.GivenUpArticles`)."""
        request.meta[_GIVEN_UP] = True
        role = request.meta.get(ROLE)
        if role == "listing":
            note_partial(self.crawler.stats, "given up")
        elif role == "article":
            GivenUpArticles.from_crawler(self.crawler).failed(request)

    def _answered(self, request: Request, result: Request | Response) -> Request | Response:
        """``result`` of ``request``: an article's answer that was not given up on takes it off
        the list of articles given up on."""
        if (
            isinstance(result, Response)
            and request.meta.get(ROLE) == "article"
            and not request.meta.get(_GIVEN_UP)
        ):
            GivenUpArticles.from_crawler(self.crawler).answered(request)
        return result

    def _pause_slot(self, request: Request, wait: float) -> None:
        engine = self.crawler.engine
        if engine is None:
            return
        downloader = engine.downloader
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return
        # The downloader sends a slot's next request once delay has passed since lastseen
        # (jitter only shortens or stretches the delay): a lastseen at the pause's end holds
        # the slot until then whatever the delay, which needs to be above 0 to be looked at.
        slot.lastseen = max(slot.lastseen, time.monotonic() + wait)
        if slot.delay <= 0:
            slot.delay = 0.001

            def restore() -> None:
                if slot.delay == 0.001:
                    slot.delay = 0.0

            call_later(wait, restore)
