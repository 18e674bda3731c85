"""SIGKILL a crawl of a 2,000-article local site (100 listing pages) at five moments, restart it
each time, and check the archive after each restart: the killed run's `.open` WARC file
recovered, never left; `archiver check` consistent; no finished article fetched again; at the
end every article indexed and the shared verifier passing."""

from __future__ import annotations

import contextlib
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.bigsite import BigSite
from tests.conftest import REPO, run_cli, scrapy_crawl_args
from tests.test_verify_archive import VERIFIER

ARTICLES = 2000
KILL_AFTER = (120, 300, 260, 420, 350)
"""Articles the server hands out in each run before that run is killed (fetched mid-crawl):
1,450 in all, so the last run still has 550 and pages the killed runs never reached."""


def outlet_file(tmp_path: Path, site: BigSite) -> Path:
    path = tmp_path / "bigsite.toml"
    path.write_text(
        "[bigsite]\n"
        'site_name = "Big Site"\n'
        'allowed_domains = ["127.0.0.1"]\n'
        f'sections = ["{site.url}/news/"]\n'
        'article_links = "a.story::attr(href)"\n'
        'pagination = "a.next::attr(href)"\n'
        "max_pages = 200\n"
        "discover = false\n"
    )
    return path


def indexed_urls(archive: Path) -> set[str]:
    if not (archive / "index.db").exists():
        return set()
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        try:
            return {row[0] for row in db.execute("select url from articles")}
        except sqlite3.OperationalError:
            return set()


def crawl(archive: Path, outlets: Path, log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "archiver", "crawl", "bigsite"),
                *("--archive", str(archive), "--outlets", str(outlets)),
            ],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def assert_no_refetch(fetched: Counter[str], finished: set[str], run: str) -> None:
    again = sorted(urlsplit(url).path for url in finished if fetched[urlsplit(url).path])
    assert not again, f"{run} fetched {len(again)} finished articles again: {again[:5]}"


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_sigkill_at_five_moments_loses_nothing(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    warc_dir = archive / "warc"
    finished: set[str] = set()
    left_open: list[Path] = []
    with BigSite(ARTICLES) as site:
        outlets = outlet_file(tmp_path, site)
        before = site.snapshot()
        for run, kill_after in enumerate(KILL_AFTER, 1):
            log = tmp_path / f"run{run}.log"
            start = site.article_hits()
            proc = crawl(archive, outlets, log)
            deadline = time.monotonic() + 240
            while site.article_hits() - start < kill_after:
                assert proc.poll() is None, f"run {run} ended early:\n{log.read_text()[-3000:]}"
                assert time.monotonic() < deadline, f"run {run} stalled:\n{log.read_text()[-3000:]}"
                time.sleep(0.01)
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            assert_no_refetch(site.snapshot() - before, finished, f"run {run}")
            for path in left_open:  # the kill before: recovered by this run, not left behind
                assert not path.exists() and path.with_suffix("").exists(), path.name
            left_open = sorted(warc_dir.glob("*.open"))
            assert left_open, "a killed crawl leaves its WARC file open"
            checked = run_cli("check", "--archive", archive)
            assert "open-file" in checked.stdout, checked.stdout
            assert "bad-pointer" not in checked.stdout and "corrupt-warc" not in checked.stdout
            finished = indexed_urls(archive)
            before = site.snapshot()
        final = run_cli("crawl", "bigsite", "--archive", archive, "--outlets", outlets, timeout=600)
        assert final.returncode == 0, final.stderr[-3000:]
        assert_no_refetch(site.snapshot() - before, finished, "the last run")
        served = site.snapshot()
    for path in left_open:
        assert not path.exists() and path.with_suffix("").exists(), path.name
    assert not list(warc_dir.glob("*.open"))
    assert len(indexed_urls(archive)) == len(served) == ARTICLES
    check = run_cli("check", "--archive", archive)
    assert check.returncode == 0 and check.stdout.strip().endswith("consistent"), check.stdout
    report = tmp_path / "verify.json"
    started = time.monotonic()
    proc = subprocess.run(
        ["bash", str(VERIFIER), str(warc_dir), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=1500,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    print(f"verifier: {time.monotonic() - started:.0f} s; {proc.stdout.strip().splitlines()[-1]}")


class _HangingStory(BigSite):
    """A BigSite whose story 1 answers only once ``release`` is set (or after 60 s)."""

    def __init__(self, articles: int) -> None:
        super().__init__(articles)
        self.release = threading.Event()

    def page(self, path: str) -> tuple[bytes, int]:
        if path == "/news/story-1/":
            self.release.wait(60)
        return super().page(path)


def test_rows_wait_no_longer_than_the_flush_time_while_a_download_hangs(tmp_path: Path) -> None:
    """``ARCHIVER_INDEX_FLUSH_SECONDS`` is the longest a row waits in the batch: the batch was
    written only when a later row came, or the crawl went idle, so the articles already
    archived stayed out of the index (and a distributed worker's requests unacknowledged)
    for as long as one download hung."""
    with _HangingStory(3) as site:
        archive = tmp_path / "archive"
        proc = subprocess.Popen(
            scrapy_crawl_args(
                archive,
                *("outlet=bigsite", f"outlets_file={outlet_file(tmp_path, site)}"),
                settings=["ARCHIVER_INDEX_FLUSH_SECONDS=3"],
            ),
            cwd=REPO,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            deadline, found = time.monotonic() + 25, set()
            while time.monotonic() < deadline and len(found) < 2 and proc.poll() is None:
                found = {urlsplit(u).path for u in indexed_urls(archive)}
                time.sleep(0.2)
            site.release.set()
            _, err = proc.communicate(timeout=120)
        finally:
            site.release.set()
            if proc.poll() is None:
                proc.kill()
    assert proc.returncode == 0, err.decode()[-2000:]
    assert found == {"/news/story-3/", "/news/story-2/"}, found
    assert {urlsplit(u).path for u in indexed_urls(archive)} == {
        f"/news/story-{n}/" for n in (1, 2, 3)
    }
