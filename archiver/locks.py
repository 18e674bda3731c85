"""One crawl per outlet and archive at a time: an exclusive ``flock`` on
``ARCHIVE/locks/OUTLET.lock``.

The kernel releases a ``flock`` when its process ends, however it ends (exit, crash, SIGKILL), so
a crashed crawl leaves no stale lock for anyone to clean up; the lock file keeps the holder's pid
for the error message.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import os
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from archiver.exceptions import ArchiverError


def safe_name(name: str) -> str:
    """``name`` as one file name inside a directory: no separators, no leading dot. A name that
    must change to be one ends with a digest of it, so that two names never share a file (``a
    b`` and ``a_b``: one lock, one jobs directory)."""
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", name).lstrip(".")
    if safe == name:
        return name
    return f"{safe or '_'}-{hashlib.sha1(name.encode('utf-8', 'surrogatepass')).hexdigest()[:8]}"


class CrawlLockedError(ArchiverError):
    """Another process is crawling this outlet into this archive."""


def _flock_briefly(fh: IO[str], patience: float = 2.0) -> None:
    """Take the exclusive lock, waiting up to ``patience`` seconds: :func:`is_locked` probes
    take it for an instant, and a crawl starting at that instant must not fail."""
    deadline = time.monotonic() + patience
    while True:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES) or time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def outlet_lock(archive_dir: str | Path, outlet: str) -> Iterator[Path]:
    """Hold the exclusive lock of ``outlet``'s crawls in ``archive_dir``, or raise at once."""
    lock_dir = Path(archive_dir) / "locks"
    lock_dir.mkdir(parents=True, exist_ok=True)
    path = lock_dir / f"{safe_name(outlet)}.lock"
    with path.open("a+") as fh:
        try:
            _flock_briefly(fh)
        except OSError as e:
            if e.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            fh.seek(0)
            holder = fh.read().strip() or "another process"
            raise CrawlLockedError(
                f"outlet {outlet!r} is already being crawled into {archive_dir} ({holder}); "
                "wait for that crawl to finish, or stop it"
            ) from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        try:
            yield path
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def is_held(path: Path) -> bool:
    """Whether another open file holds an ``flock`` on ``path`` right now (``False`` when
    ``path`` does not exist). The probe takes the lock for an instant and gives it back."""
    try:
        with path.open("rb") as fh:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as e:
                if e.errno in (errno.EAGAIN, errno.EACCES):
                    return True
                raise
            fcntl.flock(fh, fcntl.LOCK_UN)
            return False
    except FileNotFoundError:
        return False


def is_locked(archive_dir: str | Path, outlet: str) -> bool:
    """Whether a crawl of ``outlet`` holds its lock in ``archive_dir`` right now."""
    return is_held(Path(archive_dir) / "locks" / f"{safe_name(outlet)}.lock")


def crawls_running(archive_dir: str | Path) -> list[str]:
    """The outlets (their lock files' names) a crawl into ``archive_dir`` holds the lock of
    right now."""
    lock_dir = Path(archive_dir) / "locks"
    return sorted(p.stem for p in lock_dir.glob("*.lock") if is_held(p))
