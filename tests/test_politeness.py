"""Politeness: a 429 with Retry-After pauses the host and is retried; robots.txt is obeyed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.middlewares import retry_after_seconds
from tests.conftest import run_cli
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


@pytest.fixture
def server() -> Iterator[str]:
    Handler.hits, Handler.requested = {}, []
    with serving(Handler) as address:
        yield address


def test_retry_after_is_honoured_and_robots_obeyed(server: str, tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(
        f'[local]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://{server}/"]\n'
        'article_links = "h3 a::attr(href)"\n'
    )
    archive = tmp_path / "archive"
    result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
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


def test_a_robots_txt_that_fails_is_retried_once_over(tmp_path: Path) -> None:
    """The robots middleware's 503, handed to the spider's own robots.txt request, went through
    the retries again: their waits again, 'given up' twice for one URL."""
    UnwellRobots.requested = []
    with serving(UnwellRobots) as address:
        outlets = tmp_path / "outlets.toml"
        outlets.write_text(
            f'[local]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://{address}/"]\n'
            'article_links = "h3 a::attr(href)"\n'
        )
        result = run_cli("crawl", "local", "--outlets", outlets, "--archive", tmp_path / "a")
    assert result.returncode == 0, result.stderr
    assert UnwellRobots.requested.count("/robots.txt") == 3  # the first try and 2 retries
    assert "Not archived whole: 1 URLs given up" in result.stdout
