"""A large generated news site on 127.0.0.1 for crash tests: ``/news/`` lists its articles
twenty to a page, newest first, with a ``next`` link; each article is a plain news page of a few
hundred words. The server counts every article it serves, so a test can tell what a crawl
fetched without asking the crawler."""

from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PER_PAGE = 20
_TEXT = """
the council agreed a plan to widen the river road after months of debate while
traders in the old market said the works would cut their trade during the busy
season and the mayor promised a fund to help them through the summer as
engineers began to survey the banks and residents asked when the new bridge
would open to traffic
"""
WORDS = tuple(_TEXT.split())


def article_html(n: int) -> bytes:
    words = [WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(320)]
    paragraphs = [" ".join(words[i : i + 40]).capitalize() + "." for i in range(0, 320, 40)]
    body = "".join(f"<p>{p} Story {n} paragraph {k}.</p>" for k, p in enumerate(paragraphs))
    day = 1 + n % 28
    return (
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>Story {n}: the river road plan | Big Site</title>"
        f"<meta property='og:title' content='Story {n}: the river road plan'>"
        "<meta property='og:type' content='article'>"
        f"<meta property='article:published_time' content='2025-03-{day:02d}T08:00:00+00:00'>"
        "</head><body><header><nav><a href='/news/'>News</a></nav></header>"
        f"<main><article><h1>Story {n}: the river road plan</h1>"
        f"<p class='byline'>By Reporter {n % 17}</p>{body}</article></main>"
        "<footer>Big Site</footer></body></html>"
    ).encode()


def listing_html(page: int, articles: int) -> bytes:
    first = articles - (page - 1) * PER_PAGE
    links = "".join(
        f"<li><a class='story' href='/news/story-{n}/'>Story {n}</a></li>"
        for n in range(first, max(first - PER_PAGE, 0), -1)
    )
    more = first - PER_PAGE > 0
    nxt = f"<a class='next' href='/news/page/{page + 1}/'>Older</a>" if more else ""
    return (
        f"<!doctype html><html><head><title>News, page {page}</title></head><body>"
        f"<h1>News</h1><ul>{links}</ul>{nxt}</body></html>"
    ).encode()


class BigSite:
    """``with BigSite(2000) as site:`` serves ``site.url``; ``site.hits`` counts article paths."""

    def __init__(self, articles: int = 2000) -> None:
        self.articles = articles
        self.hits: Counter[str] = Counter()
        self.requests: Counter[str] = Counter()
        """Every path requested (listing pages and robots.txt too)."""
        self.lock = threading.Lock()
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:
                with site.lock:
                    site.requests[self.path] += 1
                body, status = site.page(self.path)
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: Any, client_address: Any) -> None:
                pass  # a crawler killed mid-request resets its connections: expected here

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def page(self, path: str) -> tuple[bytes, int]:
        if path == "/robots.txt":
            return b"User-agent: *\nAllow: /\n", 200
        if path == "/news/":
            return listing_html(1, self.articles), 200
        if path.startswith("/news/page/"):
            page = int(path.strip("/").rsplit("/", 1)[-1])
            return listing_html(page, self.articles), 200
        if path.startswith("/news/story-"):
            n = int(path.strip("/").rsplit("-", 1)[-1])
            if 1 <= n <= self.articles:
                with self.lock:
                    self.hits[path] += 1
                return article_html(n), 200
        return b"not found", 404

    def article_hits(self) -> int:
        with self.lock:
            return sum(self.hits.values())

    def snapshot(self) -> Counter[str]:
        with self.lock:
            return Counter(self.hits)

    def all_requests(self) -> Counter[str]:
        with self.lock:
            return Counter(self.requests)

    def __enter__(self) -> BigSite:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
