"""A quiet request handler that replies in one call, and a threaded HTTP server on 127.0.0.1
running one for the length of a ``with`` block: the small servers the tests write."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class ReplyHandler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def send(
        self,
        status: int,
        body: bytes,
        ctype: str = "text/html; charset=utf-8",
        extra: list[tuple[str, str]] | None = None,
    ) -> None:
        """A whole response: status, Content-Type, Content-Length, ``extra`` headers, body."""
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for name, value in extra or []:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def serving(
    handler: type[socketserver.BaseRequestHandler],
    server: type[socketserver.TCPServer] = ThreadingHTTPServer,
) -> Iterator[str]:
    """``127.0.0.1:PORT`` of a ``server`` running ``handler`` in a thread until the block
    ends."""
    httpd = server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()
