"""Disk and permission faults: a full disk or an unwritable archive stops the crawl with one
line and exit 2, and nothing already archived is damaged.

The full disk is an ``OSError(ENOSPC)`` injected under the WARC writer once a byte budget is
spent (every file the writer opens draws on the same budget, as files on one disk do). An
unwritable directory is a real one (mode 0555); as root the crawl runs under ``setpriv``
without CAP_DAC_OVERRIDE, so the permission bits bind it as they bind any user.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import REPO, SHARED, run_cli

VERIFIER = SHARED / "tools" / "verify_archive" / "verify_archive.sh"

FULL_DISK = """
import builtins, errno, os, sys
from archiver.warc import writer

budget = [int(sys.argv[1])]

class FullDisk:
    def __init__(self, fh):
        self._fh = fh
    def write(self, data):
        if len(data) > budget[0]:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        budget[0] -= len(data)
        return self._fh.write(data)
    def __getattr__(self, name):
        return getattr(self._fh, name)

writer.open = lambda *a, **k: FullDisk(builtins.open(*a, **k))
from archiver.cli import main
main(sys.argv[2:], prog_name="archiver")
"""
NO_DAC = ["setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"]


def tree_hashes(root: Path) -> dict[str, str]:
    """sha256 of every file under ``root`` (the index's WAL/SHM side files left out)."""
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not p.name.endswith(("-wal", "-shm"))
    }


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(demo_archive, copy)
    return copy


def one_line_error(stderr: str) -> str:
    assert "Traceback" not in stderr, stderr
    last = stderr.strip().splitlines()[-1]
    assert last.startswith("Error: "), stderr
    return last


def test_full_disk_stops_the_crawl_and_keeps_what_was_written(archive: Path) -> None:
    before = tree_hashes(archive / "warc")
    proc = subprocess.run(
        [sys.executable, "-c", FULL_DISK, "8000", "crawl", "demo", "--archive", str(archive)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    error = one_line_error(proc.stderr)
    assert "No space left on device" in error and "WARC" in error, error
    after = tree_hashes(archive / "warc")
    assert {k: after[k] for k in before} == before  # the earlier crawl's files, untouched
    new = sorted(set(after) - set(before))
    assert new and all(name.endswith(".warc.gz") for name in new), new  # closed, not .open
    check = run_cli("check", "--archive", archive)
    assert check.returncode == 0, check.stdout + check.stderr
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        outcomes = [row[0] for row in db.execute("select outcome from crawls order by id")]
    assert outcomes == ["finished", "warc_error"]
    if VERIFIER.exists():
        verified = subprocess.run(
            ["bash", str(VERIFIER), str(archive / "warc")],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert verified.returncode == 0, verified.stdout[-3000:] + verified.stderr[-2000:]


@contextlib.contextmanager
def read_only(*paths: Path) -> Iterator[None]:
    modes = [p.stat().st_mode for p in paths]
    for p in paths:
        p.chmod(0o555 if p.is_dir() else 0o444)
    try:
        yield
    finally:
        for p, mode in zip(paths, modes, strict=True):
            p.chmod(mode)


def without_privileges(*args: str | Path) -> subprocess.CompletedProcess[str]:
    prefix = NO_DAC if os.geteuid() == 0 else []
    return subprocess.run(
        [*prefix, sys.executable, "-m", "archiver", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


def crawl_without_privileges(archive: Path) -> subprocess.CompletedProcess[str]:
    return without_privileges("crawl", "demo", "--archive", archive)


@contextlib.contextmanager
def tmpfs(mount: Path, size: str) -> Iterator[Path]:
    """A real file system of ``size`` at ``mount`` (tmpfs; root only) for the block."""
    mount.mkdir()
    made = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True
    )
    if made.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {made.stderr.decode().strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """300 KB: too small for a new index."""
    with tmpfs(tmp_path / "disk", "300k") as mount:
        yield mount


def test_a_disk_that_fills_during_the_crawl_is_one_line_without_tracebacks(
    tmp_path: Path,
) -> None:
    """Scrapy's own writes (its saved queue, the spider's state) fail too once the disk is
    full: their tracebacks were printed before the one line."""
    with tmpfs(tmp_path / "disk", "3m") as mount:
        (mount / "fill").write_bytes(bytes(2300 * 1024))  # about 700 KB left
        proc = run_cli("crawl", "demo", "--archive", mount / "archive", timeout=300)
        # the repair the error asks for, on the same full disk: it said the index was damaged
        repair = run_cli("check", "--repair", "--archive", mount / "archive", timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    error = one_line_error(proc.stderr)
    assert "disk is full" in error and "free" in error, error
    if repair.returncode != 0:  # (it may find room: the crawl's queue was freed)
        assert repair.returncode == 2, repair.stdout + repair.stderr
        error = one_line_error(repair.stderr)
        assert "disk is full" in error and "rebuild" not in error, error


def test_a_disk_too_full_for_a_new_index_is_one_line_exit_2(small_disk: Path) -> None:
    """Before: six tracebacks, then "stopped before it finished (Ctrl-C or SIGTERM)", exit 3."""
    proc = run_cli("crawl", "demo", "--archive", small_disk / "archive", timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    error = one_line_error(proc.stderr)
    assert "disk is full" in error and "free" in error, error
    assert "Traceback" not in proc.stdout + proc.stderr


@pytest.mark.parametrize(
    ("unwritable", "message"),
    [
        ("", "not writable"),  # the archive directory itself
        ("warc", "not writable"),
        ("index.db", "index"),
    ],
)
def test_unwritable_archive_is_one_line_exit_2_and_untouched(
    archive: Path, unwritable: str, message: str
) -> None:
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.fail("running as root needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
    target = archive / unwritable if unwritable else archive
    paths = [target, archive / "warc"] if not unwritable else [target]
    before = tree_hashes(archive)
    with read_only(*paths):
        proc = crawl_without_privileges(archive)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert message in one_line_error(proc.stderr)
    assert tree_hashes(archive) == before


def test_a_damaged_index_stops_the_crawl_and_the_warc_files_rebuild_it(
    archive: Path, tmp_path: Path
) -> None:
    # one page of the index overwritten: it opens, and the crawl's first batch fails to write.
    # Before: a traceback per flush in the log, "0 errors" in the summary, rows lost silently
    before = tree_hashes(archive / "warc")
    with (archive / "index.db").open("r+b") as fh:
        fh.seek(4096 * 7)
        fh.write(b"\xa5" * 4096)
    proc = run_cli("demo", "--edition", "2", "--archive", archive, timeout=300)
    assert proc.returncode == 2, proc.stdout + proc.stderr
    error = one_line_error(proc.stderr)
    assert "cannot write the index" in error and "archiver reindex" in error, error
    after = tree_hashes(archive / "warc")
    assert {k: after[k] for k in before} == before
    new = sorted(set(after) - set(before))
    assert new and all(name.endswith(".warc.gz") for name in new), new  # closed, not .open
    rebuilt = run_cli("reindex", archive / "warc", "--out", tmp_path / "rebuilt.db")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    with contextlib.closing(sqlite3.connect(tmp_path / "rebuilt.db")) as db:
        [(articles,)] = db.execute("select count(*) from articles")
    assert articles >= 37  # the first crawl's 35 and the second edition's new posts


def test_a_read_only_archive_can_be_searched_and_read(archive: Path, tmp_path: Path) -> None:
    # a shared copy on read-only media: reading commands open the index read-only (before:
    # "unable to open database file; check the path is a writable SQLite file")
    if os.geteuid() == 0 and shutil.which("setpriv") is None:
        pytest.fail("running as root needs setpriv (util-linux) to drop CAP_DAC_OVERRIDE")
    url = "http://demo-insight.test/kazakhstan-adopts-first-human-rights-action-plan/"
    before = tree_hashes(archive)
    with read_only(archive / "index.db", archive / "warc", archive):
        search = without_privileges("search", "human rights", "--archive", archive)
        show = without_privileges("show", url, "--text", "--archive", archive)
        stats = without_privileges("stats", "--format", "json", "--archive", archive)
        export = without_privileges("export", tmp_path / "o.jsonl", "--archive", archive)
        check = without_privileges("check", "--archive", archive)  # without --repair: reads
        crawl = crawl_without_privileges(archive)
    for proc in (search, show, stats, export, check):
        assert proc.returncode == 0, (proc.args, proc.stderr)
    assert "consistent" in check.stdout
    assert url in search.stdout
    assert "Kazakhstan adopts first national action plan" in show.stdout
    assert len((tmp_path / "o.jsonl").read_text().splitlines()) == 35
    assert crawl.returncode == 2 and "not writable" in one_line_error(crawl.stderr)
    assert tree_hashes(archive) == before
