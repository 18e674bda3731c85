"""Extraction in worker processes (``ARCHIVER_EXTRACT_WORKERS``): the same articles as extraction
in the crawl's own thread, a worker killed mid-crawl replaced without losing a page, and a bad
worker count refused in one line."""

from __future__ import annotations

import contextlib
import gc
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from archiver.pipelines import extraction_pool
from tests.bigsite import BigSite
from tests.conftest import REPO, run_cli, run_crawl_process, scrapy_demo_crawl
from tests.test_crash import outlet_file


def article_rows(archive: Path) -> dict[str, tuple[Any, ...]]:
    columns = "url, title, authors, byline, published, section, body, dateline_raw, language"
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        return {r[0]: r for r in db.execute(f"select {columns} from articles")}


def test_workers_extract_what_the_crawl_thread_extracts(
    tmp_path: Path, scrapy_demo_archive: Path
) -> None:
    # the shared crawl ran with the default, one worker per core: at least two in CI and here
    assert (os.cpu_count() or 1) >= 2
    inline = scrapy_demo_crawl(tmp_path / "inline", "ARCHIVER_EXTRACT_WORKERS=0")
    assert inline.returncode == 0, inline.stderr
    rows = article_rows(tmp_path / "inline")
    assert len(rows) == 35
    assert article_rows(scrapy_demo_archive) == rows


def test_bad_worker_count_is_one_line(tmp_path: Path) -> None:
    result = scrapy_demo_crawl(tmp_path, "ARCHIVER_EXTRACT_WORKERS=many")
    assert result.returncode != 0
    assert "ARCHIVER_EXTRACT_WORKERS='many' is not a worker count" in result.stderr


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        with contextlib.suppress(OSError):
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as f:
                    kids = [int(k) for k in f.read().split()]
                out += kids
                todo += kids
    return out


@pytest.mark.timeout(300)
def test_a_killed_worker_is_replaced_and_no_article_lost(tmp_path: Path) -> None:
    articles = 240
    archive = tmp_path / "archive"
    log = tmp_path / "crawl.log"
    with BigSite(articles) as site, log.open("wb") as out:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "archiver", "crawl", "bigsite"),
                *("--archive", str(archive), "--outlets", str(outlet_file(tmp_path, site))),
            ],
            cwd=REPO,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        killed = None
        deadline = time.monotonic() + 120
        while killed is None and proc.poll() is None and time.monotonic() < deadline:
            # the workers are the forkserver's children (the resource tracker is its sibling)
            workers = [p for p in descendants(proc.pid) if _forked_by_forkserver(p)]
            if site.article_hits() >= 60 and workers:
                killed = workers[0]
                os.kill(killed, signal.SIGKILL)
            time.sleep(0.05)
        assert proc.wait(timeout=240) == 0, log.read_text()
        assert killed is not None, "the crawl ended before a worker could be killed"
        assert site.article_hits() >= articles
    assert "an extraction worker died" in log.read_text()
    assert len(article_rows(archive)) == articles
    check = run_cli("check", "--archive", archive)
    assert check.returncode == 0, check.stdout + check.stderr


@pytest.mark.timeout(300)
def test_a_killed_crawl_takes_its_extraction_processes_with_it(tmp_path: Path) -> None:
    # SIGKILL of the crawl (an OOM kill, a scheduler's kill -9) left the forkserver, its
    # workers and the resource tracker running, about 500 MB, until killed by hand
    archive = tmp_path / "archive"
    with BigSite(240) as site:
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "archiver", "crawl", "bigsite"),
                *("--archive", str(archive), "--outlets", str(outlet_file(tmp_path, site))),
            ],
            cwd=REPO,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        left: list[int] = []
        try:
            deadline = time.monotonic() + 120
            while proc.poll() is None and time.monotonic() < deadline:
                left = descendants(proc.pid)
                if site.article_hits() >= 20 and any(_forked_by_forkserver(p) for p in left):
                    break
                time.sleep(0.05)
            assert proc.poll() is None, "the crawl ended before it could be killed"
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            deadline = time.monotonic() + 20
            while (alive := [p for p in left if _alive(p)]) and time.monotonic() < deadline:
                time.sleep(0.2)
            assert not alive, f"{len(alive)} of the crawl's {len(left)} processes outlived it"
        finally:
            for pid in left:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def _forked_by_forkserver(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            parent = f.read().rsplit(")", 1)[1].split()[1]
        with open(f"/proc/{parent}/cmdline", "rb") as f:
            return b"multiprocessing.forkserver" in f.read()
    except (OSError, IndexError):  # the process just ended
        return False


def _worker_state() -> tuple[bool, int]:
    from archiver import pipelines

    return pipelines._extractor is not None, gc.get_freeze_count()


def test_workers_share_the_extractor_their_forkserver_warmed_up() -> None:
    """The forkserver builds the extractor and freezes it before forking: a worker starts
    with it (shared pages, not a copy of its own) and its collections leave those pages alone."""
    pool = extraction_pool(1)
    try:
        has_extractor, frozen = pool.submit(_worker_state).result(timeout=120)
    finally:
        pool.shutdown()
    assert has_extractor
    assert frozen > 10_000  # the extractor's libraries: about 60,000 objects


def test_workers_leave_ctrl_c_to_the_crawl() -> None:
    """Ctrl-C in a terminal signals the whole process group: the crawl stops gracefully and
    ends its pool; a worker that took SIGINT too died mid-page with a KeyboardInterrupt
    traceback on the terminal."""
    pool = extraction_pool(1)
    try:
        handler = pool.submit(signal.getsignal, signal.SIGINT).result(timeout=120)
    finally:
        pool.shutdown()
    assert handler == signal.SIG_IGN


def test_workers_are_replaced_after_their_pages_and_no_article_lost(tmp_path: Path) -> None:
    """``ARCHIVER_EXTRACT_RECYCLE_AFTER``: every 15 pages the two workers finish their pages,
    exit and fresh ones take over; every article is extracted once, none fails."""
    archive = tmp_path / "archive"
    with BigSite(60) as site:
        run = run_crawl_process(
            "bigsite",
            archive,
            outlets=outlet_file(tmp_path, site),
            overrides={"ARCHIVER_EXTRACT_RECYCLE_AFTER": 15, "ARCHIVER_EXTRACT_WORKERS": 2},
        )
    assert run.returncode == 0, run.stderr[-3000:]
    assert (run.summary["finish_reason"], run.summary["articles"]) == ("finished", 60)
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        stats = json.loads(db.execute("select stats from crawls").fetchone()[0])
    # the 60 article pages go to the workers: a pool for each 15
    assert stats["archiver/extract/pools_started"] == 4
    assert "archiver/extract/failed" not in stats
    assert "archiver/extract/worker_died" not in stats
    assert len(article_rows(archive)) == 60


def test_bad_recycle_count_is_one_line(tmp_path: Path) -> None:
    result = scrapy_demo_crawl(tmp_path, "ARCHIVER_EXTRACT_RECYCLE_AFTER=-5")
    assert result.returncode != 0
    assert "ARCHIVER_EXTRACT_RECYCLE_AFTER='-5' is not a page count" in result.stderr


def test_a_dropped_page_is_logged_in_one_line_without_its_html() -> None:
    """Scrapy's formatter logged every page that is no article at WARNING, followed by the
    whole Page item: its HTML, 100 KB a page, on the terminal of every crawl."""
    import logging

    from scrapy.utils.test import get_crawler

    from archiver import settings
    from archiver.items import Page
    from archiver.pipelines import ExtractionFailed, NotAnArticle
    from spiders.news import SectionSpider

    crawler = get_crawler(SectionSpider, {"LOG_FORMATTER": settings.LOG_FORMATTER})
    formatter = crawler.logformatter
    page = Page(url="https://a.org/tag/x/", outlet="a", html=b"<html>" + b"x" * 5000)
    spider = SectionSpider.from_crawler(crawler, url="https://a.org/")
    for exception, level in (
        (NotAnArticle("https://a.org/tag/x/ is a listing page, not an article"), logging.DEBUG),
        (ExtractionFailed("https://a.org/tag/x/: it broke"), logging.WARNING),
    ):
        entry = formatter.dropped(page, exception, None, spider)
        assert entry["level"] == level
        message = entry["msg"] % entry["args"]
        assert message.startswith("Dropped: https://a.org/tag/x/") and "xxxx" not in message


def test_a_pool_process_whose_crawl_died_before_it_watched_exits() -> None:
    """The forkserver imports the extractor before it starts watching its parent: a crawl
    killed meanwhile left it (and so its workers) waiting for pages for ever, its parent
    already init. It knows the crawl's pid from the environment and exits when it is gone."""
    gone = subprocess.run(  # a pid that was a process and is none now
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    code = (
        "import time\n"
        "from archiver.pipelines import exit_with_parent\n"
        "exit_with_parent(interval=0.1)\n"
        "time.sleep(30)\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO,
        env={**os.environ, "ARCHIVER_CRAWL_PID": gone.stdout.strip()},
        timeout=60,
    )
    assert result.returncode == 1
    assert time.monotonic() - started < 20
