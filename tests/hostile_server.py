"""A hostile news site on 127.0.0.1: every route is a fault a real server commits.

``HostileServer`` serves a section page (``/``) linking to each fault, a robots.txt that
disallows ``/private/``, and an endless calendar of listing pages (a crawler trap: every day
links to the next). It logs each request it receives (``server.requests``) so a test can prove
what the crawler never asked for. Threaded, so a slow route never stalls the others.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
import time
from datetime import date, timedelta
from http.server import ThreadingHTTPServer
from typing import Any

from tests.localserver import ReplyHandler

ARTICLE = (
    "<html lang='en'><head><title>{title}</title>{meta}"
    "<meta property='og:type' content='article'>"
    "<meta property='article:published_time' content='2024-05-01T10:00:00+00:00'></head>"
    "<body><article><h1>{title}</h1><p class='byline'>By Jo Writer</p>{body}</article>"
    "</body></html>"
)
PARAGRAPH = "<p>{} The council met on Tuesday and agreed the budget after a long debate.</p>"

# A 1x1 PNG and a minimal PDF: binary bodies the archive must keep byte for byte.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd4"
    "0000000049454e44ae426082"
)
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    + bytes(range(256))
)
BROKEN = (
    b"<html><head><title>Broken <b>page</title><meta charset=><body><div><p>Half a tag <a href="
    b"\x00\x01\x02 <table><tr><td>unclosed <script>var x = '</div>';</scr"
    b"<article><h1>Broken\xff\xfe page</h1>" + b"<p>Words without end <i>" * 200 + b"</html><<<>>>"
)

FAULTS = {
    "/error500/": "500 on every attempt",
    "/unavailable/": "503 with Retry-After: 1, then the article",
    "/throttled/": "429 with Retry-After: 1, then the article",
    "/slow/": "headers only after SLOW_SECONDS, past the crawl's timeout",
    "/reset/": "connection reset (RST) mid-body",
    "/short/": "body shorter than its Content-Length, then a clean close",
    "/huge/": "Content-Length over DOWNLOAD_MAXSIZE",
    "/huge-chunked/": "chunked body that grows over DOWNLOAD_MAXSIZE",
    "/loop/a/": "redirect loop a -> b -> a",
    "/chain/0/": "endless redirect chain 0 -> 1 -> 2 ...",
    "/no-charset/": "UTF-8 article with no charset anywhere",
    "/lying-charset/": "Content-Type says utf-8, the bytes are windows-1252",
    "/header-charset/": "windows-1251 article whose charset only the Content-Type names",
    "/latin1-no-charset/": "windows-1252 article with no charset anywhere",
    "/doc.pdf": "a PDF",
    "/pixel.png": "a PNG image",
    "/empty/": "200 with an empty body",
    "/broken/": "broken HTML (NUL bytes, unclosed tags, invalid UTF-8)",
    "/private/secret/": "disallowed by robots.txt",
}
TRAP_START = date(2024, 1, 1)
SLOW_SECONDS = 4.0
HUGE_BYTES = 300_000
SHORT_SENT, SHORT_DECLARED = 1_000, 5_000


def article(title: str, words: str = "", meta: str = "") -> bytes:
    body = "".join(PARAGRAPH.format(f"{words} Paragraph {i}.") for i in range(12))
    return ARTICLE.format(title=title, body=body, meta=meta).encode()


class HostileHandler(ReplyHandler):
    server: HostileServer
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        path = self.path
        count = self.server.log(path)
        if path == "/robots.txt":
            self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path == "/":
            links = "".join(f"<h3><a href='{p}'>{d}</a></h3>" for p, d in FAULTS.items())
            self.send(200, f"<html><body>{links}</body></html>".encode(), "text/html")
        elif path.startswith("/calendar/"):
            self.calendar(path)
        elif path == "/error500/":
            self.send(500, b"<h1>Internal Server Error</h1>", "text/html")
        elif path in ("/unavailable/", "/throttled/") and count == 1:
            status = 503 if path == "/unavailable/" else 429
            self.send(status, b"come back later", "text/plain", [("Retry-After", "1")])
        elif path in ("/unavailable/", "/throttled/"):
            self.send(200, article(f"Article at {path}"), "text/html; charset=utf-8")
        elif path == "/slow/":
            time.sleep(SLOW_SECONDS)
            self.send(200, article("Too late"), "text/html; charset=utf-8")
        elif path in ("/reset/", "/short/"):
            self.cut(reset=path == "/reset/")
        elif path == "/huge/":
            self.send(200, b"x" * HUGE_BYTES, "text/plain")
        elif path == "/huge-chunked/":
            self.chunked(b"y" * 10_000, HUGE_BYTES // 10_000)
        elif path.startswith("/loop/"):
            self.redirect("/loop/b/" if path == "/loop/a/" else "/loop/a/")
        elif m := re.fullmatch(r"/chain/(\d+)/", path):
            self.redirect(f"/chain/{int(m[1]) + 1}/")
        elif path == "/no-charset/":
            self.send(200, article("Café Zürich déjà vu", "Ünïcödé wörds."), "text/html")
        elif path == "/lying-charset/":
            body = article("Caf\xe9 na\xefve", "Se\xf1or \u201cquoted\u201d.").decode()
            self.send(200, body.encode("cp1252"), "text/html; charset=utf-8")
        elif path == "/header-charset/":
            body = article("Переговоры в Москве", "Иван Петров пишет.").decode()
            self.send(200, body.encode("cp1251"), "text/html; charset=windows-1251")
        elif path == "/latin1-no-charset/":
            words = "Les élèves ont célébré la fête à Genève, où l'été était très chaud. " * 3
            body = article("Café société: à Genève, l'été", words).decode()
            self.send(200, body.encode("cp1252"), "text/html")
        elif path == "/doc.pdf":
            self.send(200, PDF, "application/pdf")
        elif path == "/pixel.png":
            self.send(200, PNG, "image/png")
        elif path == "/empty/":
            self.send(200, b"", "text/html; charset=utf-8")
        elif path == "/broken/":
            self.send(200, BROKEN, "text/html; charset=utf-8")
        else:
            self.send(404, b"not found", "text/plain")

    def calendar(self, path: str) -> None:
        m = re.fullmatch(r"/calendar/(\d{4}-\d{2}-\d{2})/", path)
        if not m:
            self.send(404, b"not found", "text/plain")
            return
        day = date.fromisoformat(m[1])
        nxt, prev = day + timedelta(days=1), day - timedelta(days=1)
        html = (
            f"<html><head><link rel='next' href='/calendar/{nxt}/'></head><body>"
            f"<h2>Events on {day}</h2><a href='/calendar/{prev}/'>previous day</a>"
            f"<a rel='next' href='/calendar/{nxt}/'>next day</a></body></html>"
        )
        self.send(200, html.encode(), "text/html; charset=utf-8")

    def redirect(self, location: str) -> None:
        self.send(302, b"", "text/html", [("Location", location)])

    def chunked(self, chunk: bytes, count: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        try:
            for _ in range(count):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except OSError:  # the client gave up at its size limit
            self.close_connection = True

    def cut(self, *, reset: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(SHORT_DECLARED))
        self.end_headers()
        self.wfile.write(article("Cut short")[:SHORT_SENT])
        self.wfile.flush()
        self.close_connection = True
        if reset:  # SO_LINGER 0: close() sends RST instead of FIN
            time.sleep(0.2)
            linger = struct.pack("ii", 1, 0)
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, linger)
            self.connection.close()


class HostileServer(ThreadingHTTPServer):
    """``with HostileServer() as server:`` serves on ``server.address`` (127.0.0.1:PORT)."""

    daemon_threads = True  # a slow handler never holds up shutdown

    def __init__(self, host: str = "127.0.0.1") -> None:
        super().__init__((host, 0), HostileHandler)
        self.requests: list[str] = []
        self._lock = threading.Lock()
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)

    @property
    def address(self) -> str:
        return f"127.0.0.1:{self.server_address[1]}"

    @property
    def url(self) -> str:
        return f"http://{self.address}/"

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # the client hanging up on a slow or huge response is part of the test

    def log(self, path: str) -> int:
        """Record a request; return how many times ``path`` has been asked for."""
        with self._lock:
            self.requests.append(path)
            return self.requests.count(path)

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for p in self.requests if p.startswith(prefix))

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
        self.server_close()
        self._thread.join()
