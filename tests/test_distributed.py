"""Distributed crawling: a real redis-server on 127.0.0.1, two `archiver worker` processes
sharing the queue and seen-set of a crawl of a 500-article local site, their index shards
merged. The site counts every request it serves, so "fetched once" is checked server-side."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from urllib.parse import urlsplit

import pytest

from tests.bigsite import BigSite
from tests.conftest import REPO, CliResult, run_cli
from tests.test_crash import outlet_file
from tests.test_verify_archive import VERIFIER

if TYPE_CHECKING:
    from archiver.distributed import DistributedScheduler

ARTICLES = 500
SMALL = 240
"""Articles of the site in the tests that stop a worker mid-crawl (a third of the way in)."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextlib.contextmanager
def redis_server(data: Path, *extra: str) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of its own on a free port of 127.0.0.1 (installed by `make sysdeps`),
    keeping nothing on disk, with arguments ``extra``: its URL and process."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.fail("redis-server is not installed: run `make sysdeps` (Debian: redis-server)")
    port = free_port()
    data.mkdir()
    args = ["--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", *extra]
    proc = subprocess.Popen(
        [binary, *args, "--dir", str(data)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            assert proc.poll() is None, "redis-server exited at start"
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", proc
    finally:
        proc.terminate()
        proc.wait(10)


@pytest.fixture
def redis_url(tmp_path: Path) -> Iterator[str]:
    with redis_server(tmp_path / "redis") as (url, _proc):
        yield url


def worker(
    url: str, archive: Path, worker_id: str, log: Path, *extra: str
) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "archiver", "worker", "--redis", url),
                *("--archive", str(archive), "--worker-id", worker_id),
                *("--idle-timeout", "0", "--dead-after", "4", *extra),
            ],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def finish(proc: subprocess.Popen[bytes], log: Path, timeout: float = 150, code: int = 0) -> None:
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        pytest.fail(f"worker did not finish:\n{log.read_text()[-3000:]}")
    assert proc.returncode == code, log.read_text()[-3000:]


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def dump(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of the tables a merge writes (ids included), for comparing two merges."""
    tables = ["crawls", "captures", "articles", "article_authors", "article_versions"]
    return {t: rows(path, f"select * from {t} order by 1, 2") for t in [*tables, "seen_urls"]}


def seed(url: str, outlets: Path) -> None:
    seeded = run_cli("crawl", "bigsite", "--redis", url, "--outlets", outlets)
    assert seeded.returncode == 0, seeded.stderr
    assert "1 start requests queued" in seeded.stdout, seeded.stdout


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_two_workers_fetch_each_url_once_and_merge(tmp_path: Path, redis_url: str) -> None:
    shards = [tmp_path / "w1", tmp_path / "w2"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with BigSite(ARTICLES) as site:
        outlets = outlet_file(tmp_path, site)
        seed(redis_url, outlets)
        procs = [worker(redis_url, a, a.name, log) for a, log in zip(shards, logs, strict=True)]
        for proc, log in zip(procs, logs, strict=True):
            finish(proc, log)
        served = site.all_requests()
    articles = {p: n for p, n in served.items() if p.startswith("/news/story-")}
    assert len(articles) == ARTICLES
    assert set(articles.values()) == {1}, "an article was fetched more than once"
    listings = {p: n for p, n in served.items() if p.startswith("/news/") and p not in articles}
    assert len(listings) == ARTICLES // 20 and set(listings.values()) == {1}, listings
    assert served["/robots.txt"] == 2  # each worker reads robots.txt itself

    per_worker = [rows(a / "index.db", "select count(*) from articles")[0][0] for a in shards]
    assert sum(per_worker) == ARTICLES and min(per_worker) > 0, per_worker
    for archive in shards:  # the worker id ends the WARC file names
        names = [p.name for p in (archive / "warc").iterdir()]
        assert names and all(n.endswith(f"-{archive.name}.warc.gz") for n in names), names
        assert rows(archive / "index.db", "select distinct worker from crawls") == [(archive.name,)]

    merged = tmp_path / "merged"
    out = merged / "index.db"
    first = run_cli("index", "merge", *(a / "index.db" for a in shards), "--out", out)
    assert first.returncode == 0, first.stderr
    assert f"{ARTICLES} articles" in first.stdout, first.stdout
    assert rows(out, "select count(distinct url) from articles")[0][0] == ARTICLES
    hits = rows(out, "select count(*) from articles_fts where articles_fts match 'river'")
    assert hits[0][0] == ARTICLES
    before = dump(out)
    again = run_cli("index", "merge", *(a / "index.db" for a in shards), "--out", out)
    assert again.returncode == 0 and "(0 articles and 0 captures new)" in again.stdout
    one = run_cli("index", "merge", shards[1] / "index.db", "--out", out)
    assert one.returncode == 0, one.stderr
    assert dump(out) == before, "merging a shard the index already holds changed it"

    # one archive of it all: the WARC files side by side (their names differ by worker)
    (merged / "warc").mkdir()
    for archive in shards:
        for path in (archive / "warc").iterdir():
            shutil.copy2(path, merged / "warc" / path.name)
    check = run_cli("check", "--archive", merged)
    assert check.returncode == 0 and check.stdout.strip().endswith("consistent"), check.stdout
    search = run_cli("search", "river road", "--archive", merged, "--limit", "3")
    assert search.returncode == 0 and "Story" in search.stdout, search.stdout

    rebuilt = tmp_path / "reindexed.db"
    re = run_cli("reindex", *(a / "warc" for a in shards), "--out", rebuilt)
    assert re.returncode == 0, re.stderr
    assert rows(rebuilt, "select count(*) from articles")[0][0] == ARTICLES

    report = tmp_path / "verify.json"
    proc = subprocess.run(
        ["bash", str(VERIFIER), str(merged / "warc"), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]


@pytest.mark.slow
@pytest.mark.timeout(400)
def test_killed_worker_loses_no_article(tmp_path: Path, redis_url: str) -> None:
    import redis

    shards = [tmp_path / "w1", tmp_path / "w2"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with BigSite(SMALL) as site:
        outlets = outlet_file(tmp_path, site)
        seed(redis_url, outlets)
        procs = [worker(redis_url, a, a.name, log) for a, log in zip(shards, logs, strict=True)]
        server = redis.Redis.from_url(redis_url)
        deadline = time.monotonic() + 120
        # mid-crawl, the worker that holds requests then (one may start later than the other,
        # or idle a moment while the other fetches the next listing page)
        holding: list[int] = []
        while site.article_hits() < SMALL // 3 or not holding:
            for proc, log in zip(procs, logs, strict=True):
                assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the crawl stalled"
            time.sleep(0.005)
            holding = [k for k, a in enumerate(shards) if server.hlen(inflight(a.name))]
        dead, alive = holding[0], 1 - holding[0]
        os.killpg(procs[dead].pid, signal.SIGKILL)
        procs[dead].wait()
        taken = server.hlen(inflight(shards[dead].name))
        finish(procs[alive], logs[alive])
        requeued = int(server.get("archiver:bigsite:requeued") or 0)
        assert requeued >= taken > 0, "the requests the killed worker had taken were re-queued"
        assert "stopped sending heartbeats" in logs[alive].read_text()
        assert f"Re-queued: {requeued} requests" in logs[alive].read_text()
        served = site.snapshot()
    assert len(served) == SMALL
    killed = shards[dead]
    assert list((killed / "warc").glob("*.open")), "a killed worker leaves its WARC open"

    out = tmp_path / "merged.db"
    merged = run_cli("index", "merge", *(a / "index.db" for a in shards), "--out", out)
    assert merged.returncode == 0, merged.stderr
    urls = {r[0] for r in rows(out, "select url from articles")}
    missing = {f"/news/story-{n}/" for n in range(1, SMALL + 1)} - {
        "/" + u.split("/", 3)[3] for u in urls
    }
    assert not missing, f"{len(missing)} articles missing from the merged index"
    assert len(urls) == SMALL

    # restarted on its archive, the killed worker finishes its WARC file and stops: the
    # crawl is over
    log = tmp_path / "again.log"
    again = worker(redis_url, killed, killed.name, log)
    finish(again, log, timeout=60)
    assert not list((killed / "warc").glob("*.open"))
    check = run_cli("check", "--archive", killed)
    assert "open-file" not in check.stdout and "corrupt-warc" not in check.stdout, check.stdout


def inflight(worker_id: str) -> str:
    return f"archiver:bigsite:inflight:{worker_id}"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_stopped_worker_puts_its_requests_back(tmp_path: Path, redis_url: str) -> None:
    import redis

    archive, logs = tmp_path / "w1", [tmp_path / "run1.log", tmp_path / "run2.log"]
    server = redis.Redis.from_url(redis_url)
    with BigSite(SMALL) as site:
        seed(redis_url, outlet_file(tmp_path, site))
        proc = worker(redis_url, archive, "w1", logs[0])
        deadline = time.monotonic() + 120
        while site.article_hits() < 80:
            assert proc.poll() is None, logs[0].read_text()[-3000:]
            assert time.monotonic() < deadline, "the crawl stalled"
            time.sleep(0.01)
        os.kill(proc.pid, signal.SIGINT)  # Ctrl-C: Scrapy's graceful shutdown
        # stopped, not finished: exit 3 and one line saying so, as `archiver crawl` (it had
        # exited 0 as a finished worker does)
        finish(proc, logs[0], timeout=60, code=3)
        last = logs[0].read_text().strip().splitlines()[-1]
        assert last.startswith("worker w1 of the crawl of bigsite stopped before"), last
        assert "--worker-id w1" in last and "shared queue" in last, last
        assert server.hlen("archiver:bigsite:inflight:w1") == 0
        assert server.zscore("archiver:bigsite:workers", "w1") is None
        assert server.zcard("archiver:bigsite:requests") > 0
        started = time.monotonic()
        again = worker(redis_url, archive, "w1", logs[1])
        finish(again, logs[1])
        # no heartbeat of a dead run to wait out: a clean stop unregistered the worker
        assert "waiting for it to expire" not in logs[1].read_text()
        served = site.snapshot()
    print(f"second run: {time.monotonic() - started:.1f} s")
    assert len(served) == SMALL
    assert rows(archive / "index.db", "select count(distinct url) from articles")[0][0] == SMALL


def scheduler(redis_url: str, worker: str) -> DistributedScheduler:
    """The scheduler of a worker of outlet ``x``, opened, without a crawl."""
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from archiver.distributed import DistributedScheduler, worker_settings

    settings = {**worker_settings(redis_url, "x", worker), "ARCHIVER_OUTLET": "x"}
    crawler = get_crawler(Spider, settings)
    crawler.spider = spider = Spider.from_crawler(crawler, name="x")
    made = DistributedScheduler.from_crawler(crawler)
    made.open(spider)
    return made


def test_an_article_is_queued_once_under_any_spelling(redis_url: str) -> None:
    """The shared seen-set takes an article request under the key a crawl on one machine
    does (the seen-store's normalised URL), a redirect to another article too (so that it and
    the article linked directly are one request); other requests, and an article's redirect to
    a spelling of itself (to https, or without its ``ref``), under the URL as written."""
    from scrapy import Request

    one, two = scheduler(redis_url, "w1"), scheduler(redis_url, "w2")

    def article(url: str, **meta: object) -> Request:
        return Request(url, meta={"archiver_role": "article", **meta})

    assert one.enqueue_request(article("http://x.test/A/"))
    for spelling in ("http://x.test/A/?ref=home", "https://X.test/A", "http://x.test:80/A/"):
        assert not two.enqueue_request(article(spelling)), spelling
    assert one.enqueue_request(article("http://x.test/B/?xtor=RSS-1"))
    assert not two.enqueue_request(article("http://x.test:80/B/"))
    redirected = article("https://x.test/A/", redirect_urls=["http://x.test/A/"])
    assert two.enqueue_request(redirected)
    assert one.enqueue_request(Request("http://x.test/A/?page=2"))  # a listing: as written
    assert two.enqueue_request(Request("http://x.test/A/?page=2&ref=home"))
    # /?p=123 redirects to /2024/05/slug/, which a listing links too: one request, either way
    assert one.enqueue_request(article("https://x.test/?p=123"))
    moved = article("https://x.test/2024/05/slug/", redirect_urls=["https://x.test/?p=123"])
    assert one.enqueue_request(moved)
    assert not two.enqueue_request(article("https://x.test/2024/05/slug/"))
    assert two.enqueue_request(article("https://x.test/?p=124"))
    assert one.enqueue_request(article("https://x.test/2024/05/other"))
    moved = article("https://x.test/2024/05/other/", redirect_urls=["https://x.test/?p=124"])
    assert not two.enqueue_request(moved)
    # and its hop to https or to the slash that a chain makes next is no new article
    hops = ["http://x.test/?p=125", "http://x.test/2024/05/third"]
    assert one.enqueue_request(article(hops[1], redirect_urls=hops[:1]))
    assert two.enqueue_request(article("https://x.test/2024/05/third/", redirect_urls=hops))
    assert len(one.queue) == 11


def test_a_worker_killed_while_queueing_a_link_does_not_lose_it(
    redis_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The seen-set and the queue are written in one step. Were they two (scrapy-redis's
    SADD, then ZADD), a worker killed between them would leave a link seen but never queued:
    the listing it came from is fetched again by another worker, but its link is then dropped
    as seen (a fresh-clone CI run lost one article of 240 in test_killed_worker that way)."""
    import redis
    from scrapy import Request

    killed, alive = scheduler(redis_url, "w1"), scheduler(redis_url, "w2")
    assert killed.enqueue_request(Request("http://x.test/1"))
    commands: list[str] = []
    send = redis.Redis.execute_command

    def dies_after_one_command(self: redis.Redis, *args: object, **kwargs: object) -> object:
        commands.append(str(args[0]))
        if len(commands) > 1:
            raise SystemExit("SIGKILL")  # the worker is gone: nothing more reaches Redis
        return send(self, *args, **kwargs)

    monkeypatch.setattr(redis.Redis, "execute_command", dies_after_one_command)
    with contextlib.suppress(SystemExit):
        killed.enqueue_request(Request("http://x.test/2"))
    monkeypatch.undo()
    assert commands  # it got as far as Redis
    alive.enqueue_request(Request("http://x.test/2"))  # from the listing, fetched again
    assert len(alive.queue) == 2
    assert not alive.enqueue_request(Request("http://x.test/2"))  # still fetched once


@pytest.mark.timeout(300)
def test_a_worker_that_loses_redis_stops_with_one_line_and_acknowledges_nothing(
    tmp_path: Path,
) -> None:
    """Redis goes away mid-crawl: the worker cannot queue the links it finds nor acknowledge
    what it did, so it stops with one line and exit 2 and its shard does not say finished (it
    had gone on, acknowledged listings whose links were never queued, printed thousands of
    traceback lines and exited 0 as finished with a quarter of the site)."""
    archive, log = tmp_path / "w1", tmp_path / "w1.log"
    with BigSite(SMALL) as site, redis_server(tmp_path / "redis") as (url, server):
        seed(url, outlet_file(tmp_path, site))
        proc = worker(url, archive, "w1", log)
        deadline = time.monotonic() + 120
        while site.article_hits() < 30:
            assert proc.poll() is None, log.read_text()[-3000:]
            assert time.monotonic() < deadline, "the crawl stalled"
            time.sleep(0.01)
        server.kill()
        server.wait()
        try:
            proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            pytest.fail(f"the worker did not stop:\n{log.read_text()[-3000:]}")
    output = log.read_text()
    assert proc.returncode == 2, output[-3000:]
    assert "Traceback" not in output and "Task exception" not in output, output[-3000:]
    # one line: the logged "ERROR archiver.distributed: Redis: ..." came before it
    lines = output.strip().splitlines()
    assert len(lines) == 1 and "lost its connection to Redis" in lines[0], output[-3000:]
    [(outcome,)] = rows(archive / "index.db", "select outcome from crawls")
    assert outcome == "redis_error"


def one_error_line(result: CliResult, needle: str) -> None:
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], result.stderr


def test_seeding_rules(tmp_path: Path, redis_url: str) -> None:
    """Without a crawl there: the worker says how to seed one. Seeded twice while under way: a
    refusal. Two outlets seeded: the worker must be told which."""
    import redis

    one_error_line(run_cli("worker", "--redis", redis_url), "no crawl is seeded")
    outlets = tmp_path / "two.toml"
    outlets.write_text(
        '[one]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://127.0.0.1:9/a/"]\n'
        '[two]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://127.0.0.1:9/b/"]\n'
    )
    seeded = run_cli("crawl", "one", "--redis", redis_url, "--outlets", outlets)
    assert seeded.returncode == 0 and "2 start requests queued" in seeded.stdout, seeded
    one_error_line(run_cli("crawl", "one", "--redis", redis_url, "--outlets", outlets), "under way")
    one_error_line(run_cli("worker", "two", "--redis", redis_url), "no crawl of two is seeded")
    assert run_cli("crawl", "two", "--redis", redis_url, "--outlets", outlets).returncode == 0
    one_error_line(run_cli("worker", "--redis", redis_url), "name the outlet")
    server = redis.Redis.from_url(redis_url)
    job = server.get("archiver:one:job")
    assert job is not None and b"http://127.0.0.1:9/a/" in job  # workers need no outlet file
    # one crawl done (nothing queued, nothing in flight): the worker takes the other; it had
    # been refused for good once two outlets were ever seeded in a Redis
    from archiver.distributed import load_job

    server.delete("archiver:one:requests")
    assert load_job(server, redis_url, None).outlet.name == "two"


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_max_articles_holds_across_workers(tmp_path: Path, redis_url: str) -> None:
    shards = [tmp_path / "w1", tmp_path / "w2"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with BigSite(200) as site:
        outlets = outlet_file(tmp_path, site)
        seeded = run_cli(
            "crawl", "bigsite", "--redis", redis_url, "--outlets", outlets, "--max-articles", "50"
        )
        assert seeded.returncode == 0, seeded.stderr
        procs = [worker(redis_url, a, a.name, log) for a, log in zip(shards, logs, strict=True)]
        for proc, log in zip(procs, logs, strict=True):
            finish(proc, log)
        assert site.article_hits() == 50


def test_a_worker_id_whose_heartbeat_has_not_expired_is_waited_for_in_one_line(
    redis_url: str, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    """A worker restarted at once with its id waits for the killed run's heartbeat to expire
    and says so in one line (the age came back from Redis as bytes, and the message was a
    "--- Logging error ---" with a traceback)."""
    import logging

    import redis

    from archiver.distributed import _HEARTBEAT, Keys, _claim_worker_id

    server = redis.Redis.from_url(redis_url)
    keys = Keys("x")
    server.register_script(_HEARTBEAT)(keys=[keys.workers], args=["w1"])
    with caplog.at_level(logging.WARNING, logger="archiver.distributed"):
        _claim_worker_id(server, keys, "w1", timeout=1.0)
    [message] = [r.getMessage() for r in caplog.records if "heartbeat" in r.getMessage()]
    assert message.startswith("worker w1 sent a heartbeat 0 s ago"), message
    assert "Logging error" not in capsys.readouterr().err


@pytest.mark.timeout(200)
def test_two_workers_started_together_with_one_id_do_not_both_run(
    tmp_path: Path, redis_url: str
) -> None:
    """The id is claimed in one Redis step as the worker starts: the second worker of an id
    waits for the first's heartbeats to end (and is refused if they go on). Both had run at
    once (a worker's first heartbeat came only once its spider opened, seconds later, and with
    a short --dead-after the claim's heartbeat expired while the first started), each taking
    the other's in-flight requests for its own, and most pages were fetched twice."""
    logs = [tmp_path / "a.log", tmp_path / "b.log"]
    with BigSite(40) as site:
        seed(redis_url, outlet_file(tmp_path, site))
        procs = [
            worker(redis_url, tmp_path / name, "same", log, "--dead-after", "1")
            for name, log in zip(("a", "b"), logs, strict=True)
        ]
        for proc in procs:
            proc.wait(150)
        served = site.all_requests()
    outputs = "\n".join(log.read_text()[-2000:] for log in logs)
    # the second waited: refused (its heartbeats went on) or run once the first had finished
    assert sorted(p.returncode for p in procs) in ([0, 0], [0, 2]), outputs
    assert "worker same sent a heartbeat 0 s ago: waiting for it to expire" in outputs
    assert max(served.values()) == 1, outputs


class TwoListings(BigSite):
    """Two section pages, ``/a/`` and ``/b/``, linking the same three stories under different
    spellings (a tracking ``ref``, an ``xtor`` of a feed, no trailing slash). Each listing is
    held until the other has been asked for, so that two workers read one each."""

    SPELLINGS: ClassVar[dict[str, tuple[str, ...]]] = {
        "/a/": ("/news/story-1/", "/news/story-2/", "/news/story-3/"),
        "/b/": ("/news/story-1/?ref=home", "/news/story-2/?xtor=RSS-1", "/news/story-3"),
    }

    def __init__(self) -> None:
        super().__init__(3)
        self.asked = {path: threading.Event() for path in self.SPELLINGS}

    def page(self, path: str) -> tuple[bytes, int]:
        if path in self.SPELLINGS:
            self.asked[path].set()
            other = next(p for p in self.SPELLINGS if p != path)
            self.asked[other].wait(60)
            links = "".join(f"<a class='story' href='{u}'>Story</a>" for u in self.SPELLINGS[path])
            return f"<!doctype html><html><body>{links}</body></html>".encode(), 200
        return super().page(urlsplit(path).path.rstrip("/") + "/")


_RUN_WORKER = """
import sys
from archiver.distributed import run_worker
overrides = {"ARCHIVER_REDIS_IDLE_TIMEOUT": 0, "ARCHIVER_REDIS_WORKER_TIMEOUT": 4,
             "CONCURRENT_REQUESTS": 1, "LOG_LEVEL": "WARNING"}
run_worker(sys.argv[1], archive_dir=sys.argv[2], worker_id=sys.argv[3], overrides=overrides)
"""


@pytest.mark.timeout(300)
def test_two_spellings_of_an_article_found_by_two_workers_are_fetched_once(
    tmp_path: Path, redis_url: str
) -> None:
    """Workers share the key a crawl on one machine requests an article under (the
    seen-store's normalised URL), not only scrapy-redis's fingerprint of the URL as written:
    ``/A/`` and ``/A/?ref=home`` found by two workers were both fetched, and the merged index
    held both as two articles."""
    shards = [tmp_path / "w1", tmp_path / "w2"]
    logs = [tmp_path / "w1.log", tmp_path / "w2.log"]
    with TwoListings() as site:
        outlets = tmp_path / "two.toml"
        outlets.write_text(
            '[bigsite]\nallowed_domains = ["127.0.0.1"]\ndiscover = false\n'
            f'sections = ["{site.url}/a/", "{site.url}/b/"]\n'
            'article_links = "a.story::attr(href)"\n'
        )
        seeded = run_cli("crawl", "bigsite", "--redis", redis_url, "--outlets", outlets)
        assert seeded.returncode == 0 and "2 start requests queued" in seeded.stdout, seeded
        # one request at a time: the first worker holds one listing while the second reads
        # the other
        with logs[0].open("ab") as out:
            first = subprocess.Popen(
                [sys.executable, "-c", _RUN_WORKER, redis_url, str(shards[0]), "w1"],
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        assert any(e.wait(60) for e in site.asked.values()), logs[0].read_text()[-3000:]
        second = worker(redis_url, shards[1], "w2", logs[1])
        finish(first, logs[0])
        finish(second, logs[1])
        assert all(e.is_set() for e in site.asked.values())
        served = site.snapshot()
    assert served == {f"/news/story-{n}/": 1 for n in (1, 2, 3)}, served
    out = tmp_path / "merged.db"
    merged = run_cli("index", "merge", *(a / "index.db" for a in shards), "--out", out)
    assert merged.returncode == 0, merged.stderr
    assert rows(out, "select count(*) from articles")[0][0] == 3


@pytest.mark.timeout(200)
def test_a_redis_password_is_never_printed(tmp_path: Path) -> None:
    """A Redis URL with a password is echoed with the password masked (seeding printed it:
    "seeded the crawl of one in redis://:PASSWORD@...")."""
    outlets = tmp_path / "one.toml"
    outlets.write_text(
        '[one]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://127.0.0.1:9/a/"]\n'
    )
    with redis_server(tmp_path / "redis", "--requirepass", "s3cret") as (url, _proc):
        secret = url.replace("redis://", "redis://:s3cret@")
        masked = url.replace("redis://", "redis://:***@")
        seeded = run_cli("crawl", "one", "--redis", secret, "--outlets", outlets)
        assert seeded.returncode == 0, seeded.stderr
        assert f"in {masked}:" in seeded.stdout and f"--redis {masked} " in seeded.stdout
        again = run_cli("crawl", "one", "--redis", secret, "--outlets", outlets)
        one_error_line(again, f"under way in {masked} ")
        wrong = run_cli("worker", "--redis", url.replace("redis://", "redis://:n0tit@"))
        one_error_line(wrong, f"cannot reach Redis at {url.replace('redis://', 'redis://:***@')}")
        unseeded = secret.replace("/0", "/1")
        one_error_line(run_cli("worker", "--redis", unseeded), f"seeded in {masked[:-1]}1;")
        worker = run_cli(
            *("worker", "--redis", secret, "--archive", tmp_path / "w1", "-vv"),
            *("--idle-timeout", "0", "--no-resources"),
        )
        assert "Traceback" not in worker.stderr, worker.stderr[-3000:]
        for result in (seeded, again, wrong, worker):
            assert "s3cret" not in result.stdout + result.stderr
            assert "n0tit" not in result.stdout + result.stderr
