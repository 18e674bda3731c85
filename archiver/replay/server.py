"""``archiver replay``: pywb's ``wayback`` over the archive, its index kept current.

pywb runs from the tools' own environment (:mod:`~archiver.replay.tools`) with a generated
``config.yaml`` in a working directory under the cache: one collection, ``archive``, whose
index is the directory of per-file CDXJ indexes (``archive/cdxj``) and whose WARC files are
read where they lie: ``archive/warc``, and the files outside it that the archive's index
points into (a WACZ's unpacked in ``archive/imported/``, foreign ones by absolute path, both
indexed by ``archiver reextract``), so that what ``archiver show`` reads, replay serves.
pywb lists that directory on every lookup, so :func:`serve` only has to keep the CDXJ files
current (every ``REFRESH_SECONDS``, with :func:`~archiver.replay.cdxj.update_cdxj`) for
captures of a crawl still running, or of a later one, to replay.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType

from archiver.archive import Archive
from archiver.exceptions import ArchiverError, ConfigError, NotFoundError
from archiver.replay.cdxj import cdxj_dir, index_roots, update_cdxj
from archiver.replay.tools import ReplayTools, default_location

logger = logging.getLogger(__name__)

COLLECTION = "archive"
REFRESH_SECONDS = 2.0
STARTUP_SECONDS = 60.0


def timestamp14(captured_at: str) -> str:
    """``2026-11-29T01:57:43Z`` as pywb's 14-digit timestamp ``20261129015743``."""
    return re.sub(r"\D", "", captured_at)[:14]


def collection_url(host: str, port: int) -> str:
    """Where pywb serves the archive's collection."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/{COLLECTION}/"


def capture_urls(archive: Archive, urls: list[str], base: str) -> list[str]:
    """The replay URL of the latest capture of each of ``urls`` (``NotFoundError`` if none)."""
    found = []
    for url in urls:
        row = archive.history(url)[-1]
        found.append(f"{base}{timestamp14(row['captured_at'])}/{row['url']}")
    return found


def workdir(warc_dir: Path) -> Path:
    """pywb's working directory for ``warc_dir``: beside the tools, one per archive."""
    key = hashlib.sha1(str(warc_dir.resolve()).encode()).hexdigest()[:12]
    return default_location().parent / "replay" / key


def write_config(warc_dir: Path) -> Path:
    """Write pywb's ``config.yaml`` (JSON is YAML) for ``warc_dir``; returns its directory."""
    where = workdir(warc_dir)
    where.mkdir(parents=True, exist_ok=True)
    indexes = str(cdxj_dir(warc_dir).resolve()) + "/"
    # tried in turn for each index entry's filename, relative to one of them
    roots = [str(p.resolve()).rstrip("/") + "/" for p in index_roots(warc_dir)]
    config = {
        "collections": {COLLECTION: {"index_paths": indexes, "archive_paths": roots}},
        "enable_memento": True,
        # frameless: the replay URL of a capture is the page itself (with pywb's banner), so
        # it can be opened, linked and inspected like any page
        "framed_replay": False,
    }
    (where / "config.yaml").write_text(json.dumps(config, indent=2) + "\n")
    return where


def outside_warc_files(
    archive: Archive, last: list[Path], warn: Callable[[str], None]
) -> list[Path]:
    """The WARC files outside the archive's WARC directory that its index points into
    (:meth:`Archive.outside_warc_files`); ``last`` (the list so far) and a warning if the
    index cannot be read now (locked by another process, say)."""
    try:
        return archive.outside_warc_files()
    except (ArchiverError, sqlite3.Error, OSError) as e:
        warn(
            f"cannot list the WARC files outside {archive.warc_dir} that the index names ({e}); "
            f"replay keeps the {len(last)} it knew of"
        )
        return last


def failure_warnings(archive: Archive, failed: dict[Path, str]) -> list[str]:
    """One line per WARC file outside the WARC directory that cdxj-indexer could not index,
    naming it and the captures that will not replay."""
    if not failed:
        return []
    try:
        captures: dict[Path, list[str] | None] = dict(archive.outside_captures(list(failed)))
    except (ArchiverError, sqlite3.Error, OSError):  # the index locked, say: no URLs then
        captures = dict.fromkeys(failed)
    lines = []
    for warc, urls in captures.items():
        which = "its captures"
        if urls is not None:
            more = f" and {len(urls) - 3} more" if len(urls) > 3 else ""
            which = f"its {len(urls)} capture(s) ({', '.join(urls[:3])}{more})"
        lines.append(
            f"{warc} is not replayed, cdxj-indexer cannot index it ({failed[warc]}): {which} "
            "will not replay; the rest of the archive does"
        )
    return lines


def _wait_until_up(proc: subprocess.Popen[bytes], base: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            with urllib.request.urlopen(base, timeout=5):  # our own pywb on 127.0.0.1
                return
        except urllib.error.HTTPError:
            return  # pywb answered
        except (urllib.error.URLError, ConnectionError, TimeoutError) as e:
            if proc.poll() is not None:
                raise ArchiverError(
                    f"pywb exited with status {proc.returncode} on start; is the port taken? "
                    "pass another --port"
                ) from e
            if time.monotonic() > deadline:
                raise ArchiverError(f"pywb did not answer at {base} within a minute") from e
            time.sleep(0.2)


def check_port(host: str, port: int) -> None:
    """ConfigError unless a server can listen on ``host`` port ``port`` now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError as e:
            raise ConfigError(
                f"cannot listen on {host} port {port} ({e.strerror or e}); "
                "pass another --port, or a --host this machine has"
            ) from e


@contextlib.contextmanager
def _sigterm_exits() -> Iterator[None]:
    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def serve(
    archive_dir: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8080,
    urls: list[str] | None = None,
    install_tools: bool = False,
    announce: Callable[[str], None] = print,
    warn: Callable[[str], None] = logger.warning,
) -> None:
    """Run pywb over the archive until interrupted (Ctrl-C or SIGTERM).

    ``announce`` gets the collection URL, then the replay URL of each of ``urls``, once pywb
    answers; ``warn`` a line per damaged WARC file, and per file outside the WARC directory
    that cannot be indexed (at the start, then as files are indexed).
    """
    archive = Archive(archive_dir)
    others = archive.outside_warc_files()
    if not archive.warc_dir.is_dir() and not others:
        raise NotFoundError(
            f"no WARC files in {archive.warc_dir}: run a crawl first (archiver crawl OUTLET) "
            "or pass --archive DIR pointing at an existing archive"
        )
    if not 0 < port <= 65535:
        raise ConfigError(f"port {port} is out of range; pass --port 1..65535")
    check_port(host, port)
    base = collection_url(host, port)
    captures = capture_urls(archive, urls or [], base)  # unknown URL: fail before starting
    tools = ReplayTools().ensure(install=install_tools)
    update = update_cdxj(archive.warc_dir, tools, others=others)
    for line in update.warnings() + failure_warnings(archive, update.failed):
        warn(line)
    cwd = write_config(archive.warc_dir)
    with _sigterm_exits():
        proc = subprocess.Popen(
            [str(tools.bin("wayback")), "--bind", host, "--port", str(port)],
            cwd=cwd,
            env=tools.env(),
        )
        try:
            local = collection_url("127.0.0.1" if host in ("0.0.0.0", "::") else host, port)
            _wait_until_up(proc, local)
            where = f"{archive.warc_dir}" + (
                f" and {len(others)} WARC files outside it that its index names" if others else ""
            )
            announce(f"pywb replays {where} at {base} (Ctrl-C stops it)")
            for url in captures:
                announce(url)
            while proc.poll() is None:
                time.sleep(REFRESH_SECONDS)
                others = outside_warc_files(archive, others, warn)  # reextract may add some
                try:
                    update = update_cdxj(archive.warc_dir, tools, others=others)
                except ArchiverError as e:  # keep serving what is indexed
                    warn(f"CDXJ update failed: {e}")
                else:
                    failed = {w: e for w, e in update.failed.items() if w in update.new}
                    for line in update.warnings(new_only=True) + failure_warnings(archive, failed):
                        warn(line)
            raise ArchiverError(f"pywb exited with status {proc.returncode}")
        except KeyboardInterrupt:
            pass
        finally:
            if proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()
