"""Distributed crawling on scrapy-redis: one shared frontier, many workers, no request lost.

``archiver crawl OUTLET --redis URL`` *seeds* a crawl: it writes the outlet's definition (the job)
to Redis and pushes its start requests (sections, feeds, sitemaps, robots.txt) into the shared
queue. ``archiver worker --redis URL`` runs a worker anywhere: the same spider, with
scrapy-redis's scheduler (a priority queue in Redis) and duplicate filter (a set of request
fingerprints in Redis) shared by every worker, so each URL is requested once across all of them;
an article request's fingerprint is that of its normalised URL (:func:`dedupe_fingerprint`), so
that two spellings of an article (``/A/``, ``/A/?ref=home``) are one request, as on one machine.
Each worker writes its own WARC files (``<prefix>-<timestamp>-<serial>-<worker>.warc.gz``) and its
own index shard (``<its archive>/index.db``); ``archiver index merge`` makes one index of them.

scrapy-redis pops a request from the queue and forgets it: a worker killed then loses every
request it had taken. Here the pop is a Lua script that moves the request, in one step, from the
queue into the worker's *in-flight* hash (``archiver:<outlet>:inflight:<worker>``). The entry is
removed (acknowledged) only when the request is done and its results are safe: its response is in
the WARC file, the requests its callback yielded are in the shared queue, its items went through
the pipelines, and the index rows it produced are committed to the shard (the acknowledgement
waits for the index extension's next batch, ``index_flushed``). A retry or redirect
acknowledges the request it replaces once the new one is queued. A link is noted seen and
queued in one Lua script too (scrapy-redis writes the duplicate filter, then the queue: a
worker killed between the two would leave a link seen that no one queues, even when its
listing page is fetched again). Every worker sends a heartbeat
(``archiver:<outlet>:workers``, a sorted set of worker -> Redis server time) every
``ARCHIVER_REDIS_HEARTBEAT`` seconds; at each heartbeat it also *reaps*: a worker whose heartbeat
is older than ``ARCHIVER_REDIS_WORKER_TIMEOUT`` is dead, and its in-flight requests go back into
the queue (directly, past the duplicate filter, which has seen them) in one Lua script. So a
request is done at least once: a worker killed after fetching a page but before acknowledging it
leaves a page that another worker fetches again (both copies are archived; the merge keeps one
article row). A worker stops when the queue has been empty, with nothing in flight at any live
worker, for ``ARCHIVER_REDIS_IDLE_TIMEOUT`` seconds; stopped cleanly (Ctrl-C), it puts its own
unfinished requests back at once.

The seen-store (``archiver.seen``) of a worker is its own shard: it skips articles that worker
archived before and knows nothing of other workers' shards.
"""

from __future__ import annotations

import contextlib
import json
import logging
import re
import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import attrs
import redis
from scrapy import Request, Spider, signals
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.queue import PriorityQueue
from scrapy_redis.scheduler import Scheduler
from twisted.internet import task
from twisted.python.failure import Failure

from archiver import signals as archiver_signals
from archiver.exceptions import ArchiverError, ConfigError
from archiver.locks import CrawlLockedError, outlet_lock
from archiver.outlets import Outlet
from archiver.seen import ROLE
from spiders.news import SectionSpider, article_key

if TYPE_CHECKING:
    from typing import Self

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings

    from archiver.crawler import CrawlSummary, ProgressHook

logger = logging.getLogger(__name__)

INFLIGHT = "archiver_inflight"
"""``request.meta`` key: the request's field in its worker's in-flight hash."""
JOBS = "archiver:jobs"
"""Redis set of the outlets seeded (one job per outlet at a time)."""

_POP = """
local r = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
if #r == 0 then return false end
redis.call('ZREM', KEYS[1], r[1])
local id = redis.sha1hex(r[1])
redis.call('HSET', KEYS[2], id, r[2] .. '\\n' .. r[1])
return {id, r[1]}
"""
"""Pop the best request and note it in flight, in one step: KEYS queue, in-flight hash."""

_QUEUE_UNSEEN = """
if redis.call('SADD', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[3])
return 1
"""
"""Queue a request unless the seen-set has its fingerprint, and note it seen, in one step
(scrapy-redis writes the two apart: a worker killed between them loses the request). KEYS
seen-set, queue; ARGV fingerprint, score, encoded request. Returns 1 when queued."""

_HEARTBEAT = """
local t = redis.call('TIME')
redis.call('ZADD', KEYS[1], tonumber(t[1]) + tonumber(t[2]) / 1000000, ARGV[1])
return t[1]
"""

_REQUEUE = """
local function requeue(key)
  local items = redis.call('HVALS', key)
  for _, v in ipairs(items) do
    local nl = string.find(v, '\\n', 1, true)
    redis.call('ZADD', KEYS[2], string.sub(v, 1, nl - 1), string.sub(v, nl + 1))
  end
  redis.call('DEL', key)
  if #items > 0 then redis.call('INCRBY', KEYS[3], #items) end
  return #items
end
"""
"""A Lua function the scripts below begin with: put the requests of in-flight hash ``key``
("score\\nrequest" values) back in the queue KEYS[2], counted in KEYS[3]; how many."""

_CLAIM = (
    _REQUEUE
    + """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and now - tonumber(s) <= tonumber(ARGV[2]) then
  return {'busy', tostring(now - tonumber(s))}
end
local count = requeue(ARGV[3] .. ARGV[1])
redis.call('ZADD', KEYS[1], now, ARGV[1])
return {'claimed', tostring(count)}
"""
)
"""Claim worker id ARGV[1] (heartbeats in KEYS[1]) unless its last heartbeat is younger than
ARGV[2] seconds: then ``busy`` and that age (Redis's clock), and nothing is written. Claimed:
the requests a killed run of the id had taken (its in-flight hash, ARGV[3] .. id) go back in
the queue KEYS[2] (counted in KEYS[3]), and a heartbeat is written; ``claimed`` and how many.
One step, so that of two workers started together with one id, one claims it."""

_REAP = (
    _REQUEUE
    + """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now - tonumber(ARGV[1]))
if ARGV[3] ~= '' then table.insert(dead, ARGV[3]) end
local out = {}
for _, w in ipairs(dead) do
  local count = requeue(ARGV[2] .. w)
  redis.call('ZREM', KEYS[1], w)
  table.insert(out, w)
  table.insert(out, count)
end
return out
"""
)
"""Put the in-flight requests of dead workers (heartbeat older than ARGV[1] s; and of ARGV[3]
if given) back in the queue and forget those workers. KEYS workers, queue, requeued counter."""


@attrs.frozen
class Keys:
    """The Redis keys of one outlet's distributed crawl (all under ``archiver:<outlet>:``)."""

    outlet: str

    @property
    def base(self) -> str:
        return f"archiver:{self.outlet}"

    @property
    def job(self) -> str:
        return f"{self.base}:job"

    @property
    def requests(self) -> str:
        return f"{self.base}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.base}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.base}:workers"

    @property
    def inflight_prefix(self) -> str:
        return f"{self.base}:inflight:"

    def inflight(self, worker: str) -> str:
        return self.inflight_prefix + worker

    @property
    def requeued(self) -> str:
        return f"{self.base}:requeued"

    @property
    def articles(self) -> str:
        return f"{self.base}:articles"

    def scrapy_key(self, key: str) -> str:
        """``key`` for a scrapy-redis setting, which %-formats it with the spider name."""
        return key.replace("%", "%%")


def _text(value: Any) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


def masked_url(url: str) -> str:
    """``url`` fit for a message: its password (``redis://USER:PASSWORD@HOST``, or a
    ``password`` parameter) written ``***``."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        return url
    end = min((i for i in map(rest.find, "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    if at and ":" in userinfo:
        rest = f"{userinfo.partition(':')[0]}:***@{host}{rest[end:]}"
    return f"{scheme}://" + _PASSWORD_PARAMETER.sub(r"\1***", rest)


_PASSWORD_PARAMETER = re.compile(r"([?&]password=)[^&#]*", re.IGNORECASE)


def connect(url: str) -> redis.Redis:
    """A client of the Redis at ``url`` (``redis://HOST:PORT/DB``), checked with a ping."""
    try:
        parts = urlsplit(url)
        scheme, db = parts.scheme, parts.path.strip("/")
    except ValueError:  # "redis://[::1/0"
        scheme = db = ""
    if scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            f"--redis {masked_url(url)!r} is not a Redis URL; write it as redis://HOST:PORT/DB"
        )
    if scheme != "unix" and db and not db.isdigit():  # redis-py would take database 0
        raise ConfigError(
            f"--redis {masked_url(url)!r}: the database {db!r} is not a number; write "
            "redis://HOST:PORT/DB"
        )
    try:
        server = redis.Redis.from_url(url, socket_connect_timeout=10, socket_timeout=30)
        server.ping()
    except (redis.RedisError, ValueError) as e:
        raise ConfigError(
            f"cannot reach Redis at {masked_url(url)}: {e}; start redis-server there or fix --redis"
        ) from None
    return server


def default_worker_id() -> str:
    """The host name: one worker per machine needs no ``--worker-id``."""
    return socket.gethostname() or "worker"


def check_worker_id(worker_id: str) -> str:
    if not worker_id or not all(c.isalnum() or c in "._-" for c in worker_id):
        raise ConfigError(
            f"--worker-id {worker_id!r} is not a plain name; use letters, digits, '.', '_', '-'"
        )
    return worker_id


# -- the job ------------------------------------------------------------------------------


def outlet_to_dict(outlet: Outlet) -> dict[str, Any]:
    return attrs.asdict(outlet)


def outlet_from_dict(data: Mapping[str, Any]) -> Outlet:
    names = {f.name for f in attrs.fields(Outlet)}
    fields = {k: v for k, v in data.items() if k in names}
    for key, value in fields.items():
        if isinstance(value, list):
            fields[key] = tuple(value)
    return Outlet(**fields)


@attrs.define(kw_only=True)
class Job:
    """What the workers crawl: one outlet, as the seeding command resolved it."""

    outlet: Outlet
    url: str | None = None
    """The start URL of a crawl of a bare URL (no definition): the spider's ``url``."""
    sources: str | None = None
    since: str | None = None
    max_articles: int | None = None
    partial: str | None = None
    """Why the crawl reads only part of the outlet's listings (``one page``: a URL on a
    defined outlet's host), or None."""
    seeded_at: str = ""

    def to_json(self) -> str:
        data = attrs.asdict(self, recurse=False)
        data["outlet"] = outlet_to_dict(self.outlet)
        return json.dumps(data)

    @classmethod
    def from_json(cls, text: str | bytes) -> Job:
        data = json.loads(text)
        data["outlet"] = outlet_from_dict(data["outlet"])
        return cls(**data)

    def spider_args(self) -> dict[str, Any]:
        args: dict[str, Any] = {
            "sources": self.sources,
            "since": self.since,
            "max_articles": self.max_articles,
            "partial": self.partial,
        }
        if self.url is not None:
            args["url"] = self.url
        else:
            args["outlet"] = self.outlet
        return args


@attrs.define(kw_only=True)
class SeedSummary:
    outlet: str
    redis_url: str
    requests: int


def _stats(server: redis.Redis, keys: Keys) -> dict[str, int]:
    workers = [_text(w) for w in server.zrange(keys.workers, 0, -1)]
    inflight = sum(int(server.hlen(keys.inflight(w))) for w in workers)
    return {
        "queued": int(server.zcard(keys.requests)),
        "inflight": inflight,
        "workers": len(workers),
    }


def seed(
    redis_url: str,
    outlet_name: str,
    *,
    outlets_file: str | None = None,
    max_articles: int | None = None,
    sources: str | None = None,
    since: str | None = None,
) -> SeedSummary:
    """Seed a distributed crawl of ``outlet_name``: its job and start requests into Redis.

    Refused while a crawl of the outlet is under way there (requests queued or in flight). A new
    crawl starts with an empty duplicate filter, as a crawl on one machine does."""
    from archiver.crawler import resolve_outlet

    outlet, spider_args = resolve_outlet(outlet_name, outlets_file, sources=sources, since=since)
    server = connect(redis_url)
    keys = Keys(outlet.name)
    busy = _stats(server, keys)
    if busy["queued"] or busy["inflight"]:
        raise ArchiverError(
            f"a distributed crawl of {outlet.name} is under way in {masked_url(redis_url)} "
            f"({busy['queued']} "
            f"requests queued, {busy['inflight']} in flight at {busy['workers']} workers); let "
            "its workers finish before seeding it again"
        )
    job = Job(
        outlet=outlet,
        url=spider_args.get("url"),
        sources=sources,
        since=since,
        max_articles=max_articles,
        partial=spider_args.get("partial"),
        seeded_at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    )
    spider = _seed_spider(job)
    queue = PriorityQueue(server, spider, keys.scrapy_key(keys.requests))
    dupefilter = RFPDupeFilter(server, key=keys.dupefilter)
    pipe = server.pipeline()
    pipe.delete(keys.dupefilter, keys.articles, keys.requeued)
    pipe.set(keys.job, job.to_json())
    pipe.sadd(JOBS, outlet.name)
    pipe.execute()
    pushed = 0
    for request in _start_requests(spider):
        if server.sadd(keys.dupefilter, dedupe_fingerprint(dupefilter, request)):
            queue.push(request)
            pushed += 1
    return SeedSummary(outlet=outlet.name, redis_url=redis_url, requests=pushed)


def dedupe_fingerprint(dupefilter: RFPDupeFilter, request: Request) -> str:
    """The fingerprint under which ``request`` is requested once across all workers. An
    article's is that of its key (:func:`spiders.news.article_key`, the seen-store's normalised
    URL), as a crawl on one machine requests it once: ``/A/`` and ``/A/?ref=home`` found by two
    workers are one request. So is a redirect's to another article (``/?p=123`` to
    ``/2024/05/slug/``, which a listing may link too), but a redirect to the key of a URL it came
    from (``http://`` to ``https://``, ``?ref=home`` dropped: a URL of its chain, in
    ``redirect_urls``, took that key) keeps its URL's own fingerprint, or it would be dropped."""
    if request.meta.get(ROLE) == "article":
        key = article_key(request.url)
        if key not in {article_key(url) for url in request.meta.get("redirect_urls", ())}:
            request = request.replace(url=f"http://{key}")
    return str(dupefilter.request_fingerprint(request))


def _seed_spider(job: Job) -> SectionSpider:
    """The spider of the job, configured as a worker's is, without a crawl: its start requests
    name its callbacks, which scrapy-redis serializes by name."""
    from spiders.news import bare_outlet

    spider = SectionSpider(**job.spider_args())
    spider.outlet = bare_outlet(job.url) if job.url is not None else job.outlet
    return spider


def _start_requests(spider: SectionSpider) -> list[Request]:
    import asyncio

    async def collect() -> list[Request]:
        return [r async for r in spider.start() if isinstance(r, Request)]

    return asyncio.run(collect())


def load_job(server: redis.Redis, redis_url: str, outlet: str | None) -> Job:
    """The job the worker is to crawl: ``outlet``'s, or the only one seeded, or the only one
    under way (a finished crawl's job stays in Redis)."""
    shown = masked_url(redis_url)
    if outlet is None:
        seeded = sorted(_text(name) for name in server.smembers(JOBS))
        if not seeded:
            raise ConfigError(
                f"no crawl is seeded in {shown}; seed one first: "
                f"archiver crawl OUTLET --redis {shown}"
            )
        if len(seeded) > 1:  # the crawls under way (queued or in flight), if one is
            seeded = [o for o in seeded if any(_stats(server, Keys(o)).values())] or seeded
        if len(seeded) > 1:
            raise ConfigError(
                f"{len(seeded)} crawls are seeded in {shown} ({', '.join(seeded)}); "
                "name the outlet: archiver worker OUTLET --redis URL"
            )
        outlet = seeded[0]
    text = server.get(Keys(outlet).job)
    if text is None:
        raise ConfigError(
            f"no crawl of {outlet} is seeded in {shown}; seed it first: "
            f"archiver crawl {outlet} --redis {shown}"
        )
    return Job.from_json(text)


# -- the worker ---------------------------------------------------------------------------


class WorkerTracker:
    """One worker's side of the shared crawl: pops into its in-flight hash, acknowledges done
    requests once their rows are committed, heartbeats, reaps dead workers, decides when the
    crawl is over. One per crawler (:meth:`from_crawler`)."""

    def __init__(self, crawler: Crawler, server: redis.Redis, keys: Keys, worker: str) -> None:
        settings = crawler.settings
        self.crawler = crawler
        self.server = server
        self.keys = keys
        self.worker = worker
        self.inflight_key = keys.inflight(worker)
        self.timeout = settings.getfloat("ARCHIVER_REDIS_WORKER_TIMEOUT", 30.0)
        self.heartbeat_every = heartbeat_every(settings)
        self.idle_timeout = settings.getfloat("ARCHIVER_REDIS_IDLE_TIMEOUT", 10.0)
        self.wait_for_index = settings.getbool("ARCHIVER_INDEX_ENABLED", True)
        self.pending_acks: list[str] = []
        self.idle_since: float | None = None
        self.lost: str | None = None
        """Why Redis failed this worker; it then acknowledges nothing and stops."""
        self._pop = server.register_script(_POP)
        self._heartbeat = server.register_script(_HEARTBEAT)
        self._reap = server.register_script(_REAP)
        self._loops: list[task.LoopingCall] = []
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(self.index_flushed, signal=archiver_signals.index_flushed)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> WorkerTracker:
        tracker = getattr(crawler, "_archiver_worker_tracker", None)
        if tracker is None:
            settings = crawler.settings
            url = settings.get("ARCHIVER_REDIS_URL") or settings.get("REDIS_URL")
            outlet = settings.get("ARCHIVER_OUTLET")
            if not url or not outlet:
                raise ConfigError("a distributed worker needs ARCHIVER_REDIS_URL and an outlet")
            worker = settings.get("ARCHIVER_WORKER_ID") or default_worker_id()
            tracker = cls(crawler, connect(url), Keys(outlet), worker)
            crawler._archiver_worker_tracker = tracker  # type: ignore[attr-defined]
        return tracker

    # -- the queue ----------------------------------------------------------------------

    def fail(self, error: redis.RedisError) -> None:
        """Redis failed a command this worker's requests depend on (a queued link, an
        acknowledgement, a heartbeat): stop, acknowledging nothing more. What it had taken stays
        in its in-flight hash and is fetched again once Redis is back (at least once)."""
        if self.lost is not None:
            return
        self.lost = f"{type(error).__name__}: {error}"
        self.pending_acks = []
        self.crawler.stats.set_value("archiver/redis/error", self.lost)
        # info: the crawl's one error line (archiver.crawler) names the error
        logger.info("Redis: %s; this worker stops", self.lost)
        engine = self.crawler.engine
        if engine is not None:
            deferred_from_coro(engine.close_spider_async(reason="redis_error"))

    def pop(self) -> tuple[str, bytes] | None:
        """The best queued request (encoded), now in this worker's in-flight hash."""
        if self.lost is not None:
            return None
        try:
            found = self._pop(keys=[self.keys.requests, self.inflight_key])
        except redis.RedisError as e:
            self.fail(e)
            return None
        if not found:
            return None
        fid, data = found
        return fid.decode(), data

    def done(self, fid: str | None) -> None:
        """Request ``fid`` is finished: acknowledged once the index has its rows."""
        if not fid or self.lost is not None:
            return
        if self.wait_for_index:
            self.pending_acks.append(fid)
        else:
            self._ack([fid])

    def index_flushed(self) -> None:
        acks, self.pending_acks = self.pending_acks, []
        if acks and self.lost is None:
            self._ack(acks)

    def _ack(self, fids: list[str]) -> None:
        try:
            self.server.hdel(self.inflight_key, *fids)
        except redis.RedisError as e:
            self.fail(e)

    def queued(self) -> int:
        return int(self.server.zcard(self.keys.requests))

    # -- liveness -----------------------------------------------------------------------

    def beat(self) -> None:
        self._heartbeat(keys=[self.keys.workers], args=[self.worker])

    def reap(self, *, also: str = "") -> int:
        """Re-queue the in-flight requests of dead workers (and of ``also``); returns how many."""
        out = self._reap(
            keys=[self.keys.workers, self.keys.requests, self.keys.requeued],
            args=[self.timeout, self.keys.inflight_prefix, also],
        )
        total = 0
        for worker, count in zip(out[::2], out[1::2], strict=True):
            name, n = _text(worker), int(count)
            total += n
            if name == self.worker:
                if n:
                    logger.warning("put %d unfinished requests of this worker back in the queue", n)
            else:
                logger.warning(
                    "worker %s stopped sending heartbeats: %d requests it had taken are queued "
                    "again",
                    name,
                    n,
                )
            if n:
                self.crawler.stats.inc_value("archiver/redis/requeued", n)
        return total

    def others_busy(self) -> int:
        """Requests in flight at other live workers (they may yet queue more)."""
        busy = 0
        for raw in self.server.zrange(self.keys.workers, 0, -1):
            worker = _text(raw)
            if worker != self.worker:
                busy += int(self.server.hlen(self.keys.inflight(worker)))
        return busy

    def tick(self) -> None:
        if self.lost is not None:
            return
        try:
            self.beat()
            self.reap()
        except redis.RedisError as e:
            # a worker without heartbeats is soon taken for dead and its requests fetched again
            self.fail(e)

    def poke(self) -> None:
        """Ask the engine for the next request when the shared queue has some: another worker
        may have queued them while this one idled (Scrapy looks again only every 5 s)."""
        slot = getattr(self.crawler.engine, "_slot", None)
        try:
            waiting = self.queued()
        except redis.RedisError:
            return
        if waiting and slot is not None:
            slot.nextcall.schedule()

    # -- signals ------------------------------------------------------------------------

    def spider_opened(self, spider: Spider) -> None:
        self.beat()
        _TRACKER_BEATS.set()  # the start-up heartbeats end: this worker's own take over
        engine = self.crawler.engine
        slot = engine.scraper.slot if engine is not None else None
        assert slot is not None, "the scraper's slot is made before spider_opened"
        finish = slot.finish_response

        def finish_response(result: Response | Failure, request: Request) -> None:
            finish(result, request)
            self.done(request.meta.get(INFLIGHT))

        # The scraper calls this once a response (or a download error) is fully handled: the
        # callback's requests scheduled, its items through the pipelines.
        slot.finish_response = finish_response  # type: ignore[method-assign]
        for call, every in ((self.tick, self.heartbeat_every), (self.poke, 0.5)):
            loop = task.LoopingCall(call)
            loop.start(every, now=False)
            self._loops.append(loop)
        logger.info("worker %s of the crawl of %s", self.worker, self.keys.outlet)

    def spider_idle(self) -> None:
        if self.lost is not None:
            return  # closing
        try:
            self._idle()
        except redis.RedisError as e:
            self.fail(e)

    def _idle(self) -> None:
        if self.queued():
            self.idle_since = None
            self.poke()
            raise DontCloseSpider
        if self.server.hlen(self.inflight_key):
            # idle, acknowledgements written: nothing of ours is under way any more
            self.reap(also=self.worker)
            self.beat()
            raise DontCloseSpider
        if self.others_busy():
            self.idle_since = None
            raise DontCloseSpider
        now = time.monotonic()
        if self.idle_since is None:
            self.idle_since = now
        if now - self.idle_since < self.idle_timeout:
            raise DontCloseSpider
        logger.info("the shared queue stayed empty with nothing in flight: the crawl is done")

    def spider_closed(self, reason: str) -> None:
        for loop in self._loops:
            if loop.running:
                loop.stop()
        if self.lost is not None:
            return
        try:
            self.index_flushed()  # the index extension has committed its last rows
            self.reap(also=self.worker)  # counted in archiver/redis/requeued
        except redis.RedisError as e:
            logger.error("Redis: %s; this worker's unfinished requests are reaped later", e)


class DistributedScheduler(Scheduler):
    """scrapy-redis's scheduler, whose pop notes the request in the worker's in-flight hash."""

    tracker: WorkerTracker
    df: Any

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        from scrapy.core.scraper import Slot

        if not callable(getattr(Slot, "finish_response", None)):  # see WorkerTracker.spider_opened
            raise ArchiverError(
                "this Scrapy's scraper slot has no finish_response(): a worker could not tell "
                "when a request is done; install a Scrapy version archiver supports"
            )
        instance = super().from_crawler(crawler)
        instance.tracker = WorkerTracker.from_crawler(crawler)
        return instance

    def open(self, spider: Spider) -> None:
        # scrapy-redis's open, less its deprecated spider.log() call
        self.spider = spider
        self.queue = PriorityQueue(self.server, spider, self.queue_key, self.serializer)
        if not self.df:
            self.df = RFPDupeFilter.from_spider(spider)
        self._queue_unseen = self.server.register_script(_QUEUE_UNSEEN)
        if waiting := len(self.queue):
            logger.info("%d requests in the shared queue", waiting)

    def enqueue_request(self, request: Request) -> bool:
        replaced = request.meta.pop(INFLIGHT, None)  # a retry or redirect of a request in flight
        if self.tracker.lost is not None:
            return False  # stopping: the request it came from is fetched again
        try:
            if request.dont_filter:
                self.queue.push(request)
            else:
                fingerprint = dedupe_fingerprint(self.df, request)
                data = self.queue._encode_request(request)
                keys, args = [self.df.key, self.queue.key], [fingerprint, -request.priority, data]
                if not self._queue_unseen(keys=keys, args=args):
                    self.df.log(request, self.spider)
                    return False
            if self.stats:
                self.stats.inc_value("scheduler/enqueued/redis")
            return True
        except redis.RedisError as e:
            self.tracker.fail(e)  # the request it came from stays in flight: fetched again
            return False
        finally:
            self.tracker.done(replaced)

    def next_request(self) -> Request | None:
        popped = self.tracker.pop()
        if popped is None:
            return None
        fid, data = popped
        request: Request = self.queue._decode_request(data)
        request.meta[INFLIGHT] = fid
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request


class WorkerSpider(SectionSpider):
    """The news spider of a worker: its requests come from the shared queue (the seeding
    command pushed the start requests), and ``max_articles`` holds across all workers."""

    async def start(self) -> AsyncIterator[Any]:
        return
        yield  # an async generator that yields nothing

    def article_request(self, url: str, source: str) -> Request | None:
        limit, self.max_articles = self.max_articles, 0
        try:
            request = super().article_request(url, source)
        finally:
            self.max_articles = limit
        if request is None or not limit:
            return request
        tracker = WorkerTracker.from_crawler(self.crawler)
        if int(tracker.server.incr(tracker.keys.articles)) > limit:
            return None
        return request


def heartbeat_every(settings: BaseSettings) -> float:
    """Seconds between a worker's heartbeats: ``ARCHIVER_REDIS_HEARTBEAT``, but at least
    three heartbeats within ``ARCHIVER_REDIS_WORKER_TIMEOUT``."""
    timeout = settings.getfloat("ARCHIVER_REDIS_WORKER_TIMEOUT", 30.0)
    return max(0.1, min(settings.getfloat("ARCHIVER_REDIS_HEARTBEAT", 2.0), timeout / 3))


def worker_settings(redis_url: str, outlet: str, worker: str) -> dict[str, Any]:
    keys = Keys(outlet)
    return {
        "ARCHIVER_REDIS_URL": redis_url,
        "ARCHIVER_WORKER_ID": worker,
        "ARCHIVER_RESUME": False,  # the queue is in Redis, not in a JOBDIR
        "REDIS_URL": redis_url,
        "SCHEDULER": "archiver.distributed.DistributedScheduler",
        "SCHEDULER_PERSIST": True,
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": keys.scrapy_key(keys.requests),
        "SCHEDULER_DUPEFILTER_KEY": keys.scrapy_key(keys.dupefilter),
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
    }


def _claim_worker_id(server: redis.Redis, keys: Keys, worker: str, timeout: float) -> None:
    """Wait for a heartbeat of ``worker`` left by a killed run to expire, then claim the id and
    take the run's unfinished requests back to the queue; refuse an id a live worker keeps
    using (its heartbeats go on)."""
    claim = server.register_script(_CLAIM)
    waited = 0.0
    while True:
        state, value = claim(
            keys=[keys.workers, keys.requests, keys.requeued],
            args=[worker, timeout, keys.inflight_prefix],
        )
        if _text(state) == "claimed":
            if count := int(value):
                logger.warning("put %d unfinished requests of this worker back in the queue", count)
            return
        if waited > 2 * timeout:
            raise ConfigError(
                f"worker id {worker} is in use by a live worker of the crawl of {keys.outlet} "
                "(its heartbeats go on); give this one another: --worker-id NAME"
            )
        if not waited:
            age = float(value)  # Redis gives bytes
            logger.warning(
                "worker %s sent a heartbeat %.0f s ago: waiting for it to expire", worker, age
            )
        time.sleep(1.0)
        waited += 1.0


_TRACKER_BEATS = threading.Event()
"""Set once this process's worker sends heartbeats of its own (its spider opened)."""


@contextlib.contextmanager
def _starting(server: redis.Redis, keys: Keys, worker: str, every: float) -> Iterator[None]:
    """Heartbeats from a thread of their own while a worker that has claimed its id starts,
    until its spider opens: recovering a large ``.open`` WARC file and building the crawler
    can take longer than a short ``--dead-after``, and the id would look free again."""
    _TRACKER_BEATS.clear()
    heartbeat = server.register_script(_HEARTBEAT)

    def beat() -> None:
        while not _TRACKER_BEATS.wait(every):
            with contextlib.suppress(redis.RedisError):
                heartbeat(keys=[keys.workers], args=[worker])

    thread = threading.Thread(target=beat, name="worker-starting", daemon=True)
    thread.start()
    try:
        yield
    finally:
        _TRACKER_BEATS.set()
        thread.join()


def run_worker(
    redis_url: str,
    *,
    outlet_name: str | None = None,
    archive_dir: str | Path = "archive",
    worker_id: str | None = None,
    overrides: Mapping[str, Any] | None = None,
    progress: ProgressHook | None = None,
) -> CrawlSummary:
    """Run one worker of the crawl seeded in ``redis_url`` until the crawl is done; its WARC
    files and index shard go to ``archive_dir``."""
    from archiver.crawler import _crawl_locked, build_settings, check_archive_dir, recover

    worker = check_worker_id(worker_id or default_worker_id())
    server = connect(redis_url)
    job = load_job(server, redis_url, outlet_name)
    outlet = job.outlet
    warc_dir = check_archive_dir(archive_dir)
    settings = {**(overrides or {}), **worker_settings(redis_url, outlet.name, worker)}
    built = build_settings(archive_dir, settings)
    timeout = built.getfloat("ARCHIVER_REDIS_WORKER_TIMEOUT")
    try:
        with outlet_lock(archive_dir, outlet.name):  # one worker per archive directory
            _claim_worker_id(server, Keys(outlet.name), worker, timeout)
            with _starting(server, Keys(outlet.name), worker, heartbeat_every(built)):
                recover(Path(archive_dir), warc_dir, outlet.name)
                return _crawl_locked(
                    outlet,
                    warc_dir,
                    archive_dir,
                    job.spider_args(),
                    settings,
                    progress,
                    spider_cls=WorkerSpider,
                )
    except CrawlLockedError as e:
        raise CrawlLockedError(f"{e}; give each worker on a machine its own --archive") from None
