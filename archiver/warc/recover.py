"""Recover the ``*.open`` WARC files a killed crawl left behind.

A writer holds an exclusive ``flock`` on the ``.open`` file it writes, and the kernel drops the
lock when the process ends however it ends; a ``.open`` file nobody holds is an orphan. Its
records were appended one gzip member at a time, so everything up to the last complete member
is good: recovery checks member by member (the gzip stream must end, and warcio must read the
member back as one WARC record whose block is as long as its ``Content-Length``), cuts the file
after the last good member, fsyncs it and renames it to drop ``.open``. A file without even a
complete ``warcinfo`` record holds nothing and is removed. Nothing is ever silently left behind:
each file recovered is reported.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import mmap
import os
import zlib
from pathlib import Path

import attrs
from warcio.archiveiterator import ArchiveIterator

from archiver.exceptions import WarcError
from archiver.locks import is_held

logger = logging.getLogger(__name__)

_CHUNK = 1 << 20


@attrs.define(kw_only=True)
class Recovered:
    """What recovery did with one orphaned ``.open`` file."""

    open_path: Path
    path: Path | None
    """The finished file, or ``None`` when nothing in it was complete (it was removed)."""
    records: int
    kept_bytes: int
    cut_bytes: int

    def describe(self) -> str:
        if self.path is None:
            return f"removed {self.open_path.name}: no complete record ({self.cut_bytes} bytes)"
        cut = f", cut {self.cut_bytes} bytes of an unfinished record" if self.cut_bytes else ""
        return f"recovered {self.path.name}: {self.records} complete records{cut}"


def _is_whole_record(data: bytes) -> bool:
    """Whether ``data`` is exactly one WARC record warcio reads back at its declared length."""
    try:
        records = ArchiveIterator(io.BytesIO(data), no_record_parse=True)
        record = next(records)
        declared = int(record.rec_headers.get_header("Content-Length") or -1)
        block = record.raw_stream.read()
        if len(block) != declared:
            return False
        with contextlib.suppress(StopIteration):
            next(records)
            return False
        return True
    except Exception:  # warcio raises assorted errors on damaged input
        return False


def good_prefix(path: Path) -> tuple[int, int]:
    """(records, bytes) of the complete, readable records at the start of ``path``: each gzip
    member must end, and hold one whole WARC record."""
    size = path.stat().st_size
    if size == 0:
        return 0, 0
    records = offset = 0
    with path.open("rb") as fh, mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
        while offset < size:
            inflater = zlib.decompressobj(31)
            pos, out = offset, []
            try:
                while not inflater.eof and pos < size:
                    chunk = data[pos : pos + _CHUNK]
                    out.append(inflater.decompress(chunk))
                    pos += len(chunk)
            except zlib.error:
                break
            if not inflater.eof or not _is_whole_record(b"".join(out)):
                break
            records += 1
            offset = pos - len(inflater.unused_data)
    return records, offset


def is_orphan(path: Path) -> bool:
    """Whether no writer holds ``path`` (an ``.open`` file) right now."""
    return not is_held(path) and path.exists()


def recover_file(open_path: Path) -> Recovered:
    """Cut an orphaned ``.open`` file after its last complete record and finish it."""
    if open_path.suffix != ".open":
        raise WarcError(f"{open_path} is not an .open WARC file")
    final = open_path.with_suffix("")
    size = open_path.stat().st_size
    records, good = good_prefix(open_path)
    try:
        if records == 0:
            open_path.unlink()
            return Recovered(
                open_path=open_path, path=None, records=0, kept_bytes=0, cut_bytes=size
            )
        with open_path.open("r+b") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            fh.truncate(good)
            fh.flush()
            os.fsync(fh.fileno())
        if final.exists():
            raise WarcError(f"cannot recover {open_path}: {final.name} exists; move one aside")
        os.rename(open_path, final)
        with contextlib.suppress(OSError):
            dir_fd = os.open(open_path.parent, os.O_RDONLY)
            try:
                os.fsync(dir_fd)
            finally:
                os.close(dir_fd)
    except OSError as e:
        raise WarcError(
            f"cannot recover {open_path}: {e.strerror or e}; check the disk and permissions"
        ) from e
    return Recovered(
        open_path=open_path, path=final, records=records, kept_bytes=good, cut_bytes=size - good
    )


def orphaned_open_files(warc_dir: str | Path) -> list[Path]:
    """The ``.open`` files in ``warc_dir`` no writer holds."""
    directory = Path(warc_dir)
    if not directory.is_dir():
        return []
    return [p for p in sorted(directory.glob("*.warc.gz.open")) if is_orphan(p)]


def recover_open_files(warc_dir: str | Path) -> list[Recovered]:
    """Recover every orphaned ``.open`` file in ``warc_dir``; files being written are left be."""
    done = []
    for path in orphaned_open_files(warc_dir):
        done.append(recover_file(path))
    return done
