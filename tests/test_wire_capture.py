"""The exchange is archived as it went over the wire: the response's status line and headers as
the server sent them (names as spelled, in their order, connection headers too), the request's
headers as the crawler sent them; only the framing of the stored body is rewritten."""

from __future__ import annotations

import base64
import socketserver
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import run_cli
from tests.localserver import serving

SECTION = (
    b"<html><body><h3><a href='/story/'>Story</a></h3><h3><a href='/copy/'>Copy</a></h3>"
    b"</body></html>"
)
STORY = (
    b"<html lang='en'><head><title>A story</title>"
    b"<meta property='og:type' content='article'></head><body><article><h1>A story</h1>"
    + b"<p>The council met on Tuesday and agreed the budget after a long debate.</p>" * 20
    + b"</article></body></html>"
)
# The section page: names in the server's own spelling, a repeated header split by others,
# connection headers, a reason phrase of the server's own, and a chunked body.
SECTION_HEAD = [
    ("server", "raw/1.0"),
    ("Set-Cookie", "a=1; Path=/"),
    ("content-type", "text/html; charset=utf-8"),
    ("ETag", '"v1"'),
    ("Set-Cookie", "b=2; Path=/"),
    ("X-XSS-Protection", "1; mode=block"),
    ("Connection", "keep-alive"),
    ("Keep-Alive", "timeout=5"),
    ("Transfer-Encoding", "chunked"),
]
# The article: HTTP/1.0, a lower-case content-length, the connection closed after it.
STORY_HEAD = [
    ("content-length", str(len(STORY))),
    ("Content-Type", "text/html"),
    ("Connection", "close"),
    ("x-served-by", "cache-ams"),
]


def head(status_line: str, headers: list[tuple[str, str]]) -> bytes:
    lines = [status_line, *(f"{name}: {value}" for name, value in headers), "", ""]
    return "\r\n".join(lines).encode("latin-1")


class RawHandler(socketserver.StreamRequestHandler):
    """Answers from canned bytes; keeps each request's header lines as received."""

    received: ClassVar[dict[str, list[tuple[str, str]]]] = {}

    def handle(self) -> None:
        while line := self.rfile.readline():
            target = line.split()[1].decode()
            path = "/" + target.split("://", 1)[-1].partition("/")[2]  # proxy requests
            fields = []
            while (field := self.rfile.readline()) not in (b"\r\n", b"\n", b""):
                name, _, value = field.decode("latin-1").partition(":")
                fields.append((name, value.strip()))
            self.received[path] = fields
            if path == "/robots.txt":
                rules = b"User-agent: *\nAllow: /\n"
                self.wfile.write(head("HTTP/1.1 200 OK", [("Content-Length", str(len(rules)))]))
                self.wfile.write(rules)
            elif path in ("/", "/copy/"):  # the copy: an identical payload, so a revisit
                self.wfile.write(head("HTTP/1.1 200 Fine", SECTION_HEAD))
                for i in range(0, len(SECTION), 20):
                    chunk = SECTION[i : i + 20]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                self.wfile.write(b"0\r\n\r\n")
            else:
                self.wfile.write(head("HTTP/1.0 200 OK", STORY_HEAD) + STORY)
                return


class RawServer(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


@pytest.fixture
def server() -> Iterator[str]:
    RawHandler.received = {}
    with serving(RawHandler, RawServer) as address:
        yield address


def crawl(tmp_path: Path, site: str) -> dict[str, dict[str, object]]:
    """``archiver crawl`` of ``http://SITE/``; each URL's response and request as archived."""
    outlets = tmp_path / "outlets.toml"
    domain = site.split(":")[0]
    outlets.write_text(
        f'[local]\nallowed_domains = ["{domain}"]\nsections = ["http://{site}/"]\n'
        'article_links = "h3 a::attr(href)"\n'
    )
    archive = tmp_path / "archive"
    result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
    assert result.returncode == 0, result.stderr
    records: dict[str, dict[str, object]] = {}
    for path in (archive / "warc").glob("*.warc.gz"):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "request", "revisit"):
                    url = rec.rec_headers.get_header("WARC-Target-URI")
                    http = rec.http_headers
                    records.setdefault(url, {})[rec.rec_type] = {
                        "status_line": f"{http.protocol} {http.statusline}",
                        "headers": list(http.headers),
                        "raw": rec.content_stream().read() if rec.rec_type != "request" else b"",
                    }
    return records


def test_response_headers_are_archived_as_the_server_sent_them(server: str, tmp_path: Path) -> None:
    records = crawl(tmp_path, server)
    section = records[f"http://{server}/"]["response"]
    assert section["status_line"] == "HTTP/1.1 200 Fine"
    # as sent, but the stored body is no longer chunked: the header says so under another name
    expected = [*SECTION_HEAD[:-1], ("X-Archive-Orig-Transfer-Encoding", "chunked")]
    assert section["headers"] == [*expected, ("Content-Length", str(len(SECTION)))]
    assert section["raw"] == SECTION
    story = records[f"http://{server}/story/"]["response"]
    assert story["status_line"] == "HTTP/1.0 200 OK"
    assert story["headers"] == STORY_HEAD
    # a revisit's headers describe the payload it refers to: framed as the original's are
    copy = records[f"http://{server}/copy/"]["revisit"]
    assert copy["headers"] == section["headers"]


def test_request_headers_are_archived_as_the_crawler_sent_them(server: str, tmp_path: Path) -> None:
    records = crawl(tmp_path, server)
    for path in ("/robots.txt", "/", "/story/"):
        request = records[f"http://{server}{path}"]["request"]
        assert request["headers"] == RawHandler.received[path], path


def test_proxy_credentials_are_not_archived(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A proxy's credentials go to the proxy, not to the site: the request record leaves out
    ``Proxy-Authorization``, which was on the wire."""
    monkeypatch.setenv("http_proxy", f"http://archivist:s3cret@{server}")
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.delenv("NO_PROXY", raising=False)
    records = crawl(tmp_path, "news.test")
    token = base64.b64encode(b"archivist:s3cret").decode()
    assert ("Proxy-Authorization", f"Basic {token}") in RawHandler.received["/story/"]
    request = records["http://news.test/story/"]["request"]
    sent = [field for field in RawHandler.received["/story/"] if field[0] != "Proxy-Authorization"]
    assert request["headers"] == sent
    assert records["http://news.test/story/"]["response"]["headers"] == STORY_HEAD
