"""Politeness: a 429 with Retry-After pauses the host and is retried; robots.txt is obeyed."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.middlewares import retry_after_seconds
from tests.conftest import CliResult, run_cli
from tests.localserver import ReplyHandler, serving

ARTICLE = (
    "<html lang='en'><head><title>A slow article</title>"
    "<meta property='og:type' content='article'>"
    "<meta property='article:published_time' content='2024-05-01T10:00:00+00:00'></head>"
    "<body><article><h1>A slow article</h1><p class='byline'>By Jo Writer</p>"
    + "<p>{}</p>".format("The server asked the crawler to slow down and it did. " * 40)
    + "</article></body></html>"
)


class Handler(ReplyHandler):
    hits: ClassVar[dict[str, int]] = {}
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        count = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif self.path == "/":
            links = "<h3><a href='/slow/'>Slow</a></h3><h3><a href='/private/x/'>Private</a></h3>"
            self.send(200, f"<html><body>{links}</body></html>".encode(), "text/html")
        elif self.path == "/slow/" and count == 1:
            self.send(429, b"slow down", "text/plain", [("Retry-After", "2")])
        elif self.path == "/slow/":
            self.send(200, ARTICLE.encode(), "text/html; charset=utf-8")
        else:
            self.send(404, b"not found", "text/plain")


def crawl_local(tmp_path: Path, address: str, archive: Path) -> CliResult:
    """``archiver crawl`` of an outlet whose one section is the server's ``/``."""
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(
        f'[local]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://{address}/"]\n'
        'article_links = "h3 a::attr(href)"\n'
    )
    return run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits, Handler.requested = {}, []
    with serving(Handler) as address:
        yield address


def test_retry_after_is_honoured_and_robots_obeyed(server: str, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    result = crawl_local(tmp_path, server, archive)
    assert result.returncode == 0, result.stderr
    assert "/private/x/" not in Handler.requested
    assert "robots.txt forbade 1 request" in result.stdout  # said, not left to guess
    captures = []
    for path in (archive / "warc").glob("*.warc.gz"):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type == "response" and rec.rec_headers["WARC-Target-URI"].endswith(
                    "/slow/"
                ):
                    date = rec.rec_headers["WARC-Date"].replace("Z", "+00:00")
                    captures.append(
                        (datetime.fromisoformat(date), rec.http_headers.get_statuscode())
                    )
    captures.sort()
    assert [status for _, status in captures] == ["429", "200"]
    assert (captures[1][0] - captures[0][0]).total_seconds() >= 1.9


def test_retry_after_values() -> None:
    now = datetime(2024, 1, 1, 12, 0, 0, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120
    assert retry_after_seconds("Mon, 01 Jan 2024 12:00:30 GMT", now=now) == 30
    assert retry_after_seconds("Mon, 01 Jan 2024 11:00:00 GMT", now=now) == 0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


class UnwellRobots(ReplyHandler):
    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.requested.append(self.path)
        if self.path == "/robots.txt":
            self.send(503, b"unavailable", "text/plain", [("Retry-After", "1")])
        elif self.path == "/":
            self.send(200, b"<html><body><h3><a href='/a/'>A</a></h3></body></html>")
        else:
            self.send(200, ARTICLE.encode(), "text/html; charset=utf-8")


def test_a_robots_txt_that_fails_is_retried_once_over_and_forbids_everything(
    tmp_path: Path,
) -> None:
    """The robots middleware's 503, handed to the spider's own robots.txt request, went through
    the retries again: their waits again, 'given up' twice for one URL. And a robots.txt that
    answers a server error after its retries is unreachable, which RFC 9309 (2.3.1.4) reads as
    disallowing everything: the host's pages are not fetched (they were, as if allowed)."""
    UnwellRobots.requested = []
    with serving(UnwellRobots) as address:
        result = crawl_local(tmp_path, address, tmp_path / "a")
    assert UnwellRobots.requested == ["/robots.txt"] * 3  # the first try and 2 retries
    # nothing of the outlet archived: an error, and a crawl recorded failed, as when a site is
    # down (exit 0 and "finished" would let cron and schedule take it for a good crawl)
    assert result.returncode == 2, result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: crawl of local fetched nothing: its robots.txt"), last
    db = sqlite3.connect(tmp_path / "a" / "index.db")
    try:
        assert db.execute("select outcome from crawls").fetchall() == [("failed",)]
    finally:
        db.close()


class BusyHost(ReplyHandler):
    """Eight slow articles; the first answers 429 with Retry-After: 3 the first time."""

    log: ClassVar[list[tuple[float, str, int]]] = []

    def do_GET(self) -> None:
        arrived = time.monotonic()
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/":
            links = "".join(f"<h3><a href='/a{n}/'>A{n}</a></h3>" for n in range(1, 9))
            self.send(200, f"<html><body>{links}</body></html>".encode(), "text/html")
        elif self.path == "/a1/" and not any(p == "/a1/" for _, p, _ in self.log):
            self.log.append((arrived, self.path, 429))
            self.send(429, b"slow down", "text/plain", [("Retry-After", "3")])
            return
        else:
            time.sleep(1.0)  # in flight while the pause runs: AutoThrottle sees their 200s
            self.send(200, ARTICLE.encode(), "text/html; charset=utf-8")
        self.log.append((arrived, self.path, 200))


def test_a_retry_after_pause_holds_while_other_responses_arrive(tmp_path: Path) -> None:
    """No request goes to the host until Retry-After has passed: not the next one queued at
    the moment the 429 arrives, nor one sent when AutoThrottle lowers the slot's delay on the
    responses of requests that were in flight (the pause lasted about half the wait)."""
    BusyHost.log = []
    with serving(BusyHost) as address:
        result = crawl_local(tmp_path, address, tmp_path / "a")
    assert result.returncode == 0, result.stderr
    log = sorted(BusyHost.log)
    [paused] = [t for t, _, status in log if status == 429]
    early = [(round(t - paused, 2), path) for t, path, _ in log if paused < t < paused + 2.95]
    assert not early, early
    assert sum(1 for _, path, status in log if path == "/a1/" and status == 200) == 1
