"""HTTP front of the demo outlet: nginx-like wire behaviour around :class:`DemoSite`.

``python -m archiver.demo.server [--host H] [--port P] [--verbose]`` prints its URL on the first
line of stdout and serves until SIGTERM or SIGINT. It accepts origin-form request targets
(``GET /path``) and the absolute form a client sends to a proxy (``GET http://host/path``), so
a crawl can reach it as ``http://demo-insight.test/`` through :attr:`DemoServer.address`.

On the wire: HTTP/1.1 keep-alive; gzip when the client accepts it; listing pages in chunked
transfer coding (several real chunks); everything else with a Content-Length. :class:`DemoServer`
runs the module as a subprocess, as Scrapy's test suite runs its mock server.
"""

from __future__ import annotations

import argparse
import gzip
import logging
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import FrameType, TracebackType
from typing import IO, Any, Self
from urllib.parse import urlsplit

from archiver.demo.site import DemoResponse, DemoSite
from archiver.exceptions import ArchiverError

logger = logging.getLogger(__name__)

CHUNK_SIZE = 1024
"""Bytes per chunk of a chunked response (a 5 KB gzip body goes out in about five chunks)."""
GZIP_MIN_LENGTH = 1024
"""Bodies shorter than this go out uncompressed, as with nginx's ``gzip_min_length``."""
_COMPRESSIBLE = (
    "text/html",
    "text/css",
    "text/xml",
    "application/json",
    "application/feed+json",
    "application/rss+xml",
    "application/atom+xml",
)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an ``Accept-Encoding`` value allows gzip (``gzip``, ``x-gzip`` or ``*``, q > 0)."""
    for item in (accept_encoding or "").split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if coding.lower() not in ("gzip", "x-gzip", "*"):
            continue
        weights = [p.partition("=")[2] for p in params if p.lower().startswith("q=")]
        try:
            if float(weights[0] if weights else 1) > 0:
                return True
        except ValueError:
            continue
    return False


def split_target(target: str, host_header: str | None) -> tuple[str, str]:
    """``(host, path?query)`` of a request target in origin-form or absolute-form."""
    if target[:8].lower().startswith(("http://", "https://")):
        parts = urlsplit(target)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        return parts.netloc.rpartition("@")[2], path
    return host_header or "", target


class DemoRequestHandler(BaseHTTPRequestHandler):
    """Turns each request into :meth:`DemoSite.render` and its answer into bytes on the wire."""

    protocol_version = "HTTP/1.1"
    server: DemoHTTPServer

    def version_string(self) -> str:
        return "archiver-demo"

    def do_GET(self) -> None:
        self._answer("GET")

    def do_HEAD(self) -> None:
        self._answer("HEAD")

    def _answer(self, method: str) -> None:
        host, path = split_target(self.path, self.headers.get("Host"))
        try:
            response = self.server.site.render(method, path, host, dict(self.headers.items()))
        except Exception:
            logger.exception("demo site failed on %s %s", method, self.path)
            self.send_error(500)
            return
        self._send(method, response)

    def _send(self, method: str, response: DemoResponse) -> None:
        body, headers = response.body, list(response.headers)
        content_type = response.header("Content-Type") or ""
        if (
            len(body) >= GZIP_MIN_LENGTH
            and content_type.startswith(_COMPRESSIBLE)
            and accepts_gzip(self.headers.get("Accept-Encoding"))
        ):
            body = gzip.compress(body, compresslevel=6, mtime=0)
            headers.append(("Content-Encoding", "gzip"))
        bodyless = response.status in (204, 304) or response.status < 200
        # HTTP/1.0 has no chunked coding: such clients get a Content-Length instead.
        chunked = response.chunked and not bodyless and self.request_version != "HTTP/1.0"
        self.send_response(response.status, response.reason)
        for name, value in headers:
            self.send_header(name, value)
        if chunked:
            self.send_header("Transfer-Encoding", "chunked")
        elif not bodyless:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if method == "HEAD" or bodyless:
            return
        if not chunked:
            self.wfile.write(body)
            return
        for start in range(0, len(body), CHUNK_SIZE):
            piece = body[start : start + CHUNK_SIZE]
            self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        self.wfile.write(b"0\r\n\r\n")

    def log_message(self, format: str, *args: Any) -> None:
        logger.info("%s %s", self.address_string(), format % args)


class DemoHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server holding one :class:`DemoSite`."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], site: DemoSite) -> None:
        super().__init__(address, DemoRequestHandler)
        self.site = site

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            logger.debug("client %s went away", client_address)
        else:
            logger.exception("error serving %s", client_address)


class DemoServer:
    """Runs ``python -m archiver.demo.server`` as a subprocess on 127.0.0.1 (ephemeral port by
    default) and reads the URL it prints; ``stop()`` ends it, and so does this process's exit
    (the child leaves when its stdin, a pipe from us, closes)."""

    start_timeout = 10.0
    """Seconds the child has to print its URL before :meth:`start` gives up."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, edition: int = 1) -> None:
        self.host = host
        self.port = port
        self.edition = edition
        """Which edition of the outlet to serve (``--edition``)."""
        self.url = ""
        """``http://127.0.0.1:PORT/`` once started."""
        self.address = ""
        """``127.0.0.1:PORT`` once started: what a proxy setting needs."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def start(self) -> None:
        """Start the child and wait for its URL; ArchiverError when it prints none in time."""
        if self._proc is not None:
            raise ArchiverError(f"demo server already running at {self.url}")
        root = str(Path(__file__).resolve().parents[2])
        env = {
            **os.environ,
            "PYTHONPATH": os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH")) if p),
        }
        command = [sys.executable, "-m", "archiver.demo.server", "--host", self.host]
        command += ["--port", str(self.port), "--exit-with-stdin"]
        command += ["--edition", str(self.edition)] if self.edition != 1 else []
        # Kept open across start() and stop() (closed there), so no context manager.
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115
        self._proc = subprocess.Popen(
            command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr, env=env
        )
        line = self._first_line(self._proc, self.start_timeout)
        if not line.startswith("http://"):
            code = self._proc.poll()
            self._stderr.seek(0)
            errors = self._stderr.read().decode("utf-8", "replace").strip()
            self.stop()
            state = "still running" if code is None else f"exit status {code}"
            raise ArchiverError(
                f"demo server ({' '.join(command[1:])}) printed no URL within "
                f"{self.start_timeout:g} s ({state}); its stderr: {errors or '(empty)'}"
            )
        self.url = line
        self.address = urlsplit(line).netloc
        logger.info("demo server running at %s", self.url)

    def stop(self) -> None:
        """Terminate the child (kill it if it lingers) and close its pipes; idempotent."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @staticmethod
    def _first_line(proc: subprocess.Popen[bytes], timeout: float) -> str:
        """The child's first stdout line, or what it printed by EOF or ``timeout`` seconds."""
        assert proc.stdout is not None
        data = b""
        with selectors.DefaultSelector() as selector:
            selector.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while b"\n" not in data and (left := deadline - time.monotonic()) > 0:
                if not selector.select(left):
                    break
                piece = os.read(proc.stdout.fileno(), 4096)
                if not piece:
                    break
                data += piece
        return data.partition(b"\n")[0].decode("utf-8", "replace").strip()


def _exit_on_signal(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    """Serve the demo outlet; print its URL on the first stdout line."""
    parser = argparse.ArgumentParser(
        prog="python -m archiver.demo.server", description="Serve the demo news outlet."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port to bind (0: any free port)")
    parser.add_argument("--verbose", action="store_true", help="log each request to stderr")
    parser.add_argument(
        "--edition",
        type=int,
        choices=[1, 2],
        default=1,
        help="1: the outlet as first published; 2: two new posts and one corrected post",
    )
    parser.add_argument("--exit-with-stdin", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        stream=sys.stderr,
        format="%(asctime)s %(name)s %(levelname)s: %(message)s",
    )
    httpd = DemoHTTPServer((args.host, args.port), DemoSite(args.edition))
    signal.signal(signal.SIGTERM, _exit_on_signal)
    if args.exit_with_stdin:
        threading.Thread(target=_shutdown_at_eof, args=(httpd,), daemon=True).start()
    host, port = httpd.server_address[:2]
    print(f"http://{host!s}:{port}/", flush=True)
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        logger.info("demo server stopping")
    finally:
        httpd.server_close()


def _shutdown_at_eof(httpd: DemoHTTPServer) -> None:
    """Stop serving when stdin reaches EOF: the parent that holds the pipe has gone."""
    sys.stdin.buffer.read()
    httpd.shutdown()


if __name__ == "__main__":
    main()
