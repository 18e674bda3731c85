"""Shared fixtures: the demo server and a real crawl of it, run once per session."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from archiver.demo.server import DemoServer

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@attrs.define
class CliResult:
    returncode: int
    stdout: str
    stderr: str


def run_cli(*args: str | Path, timeout: float = 300) -> CliResult:
    """Run ``python -m archiver ARGS`` in a subprocess (one Scrapy crawl per process)."""
    proc = subprocess.run(
        [sys.executable, "-m", "archiver", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


_RUN_CRAWL = """
import json, sys
import attrs
from archiver.crawler import run_crawl
s = run_crawl(sys.argv[1], archive_dir=sys.argv[2], outlets_file=sys.argv[3] or None,
              overrides=json.loads(sys.argv[4]))
print(json.dumps(attrs.asdict(s), default=str))
"""


@attrs.define
class CrawlRun:
    returncode: int
    stderr: str
    summary: dict[str, Any]
    """The crawl's ``CrawlSummary`` as a dict (paths as strings); empty if it failed."""


def run_crawl_process(
    outlet: str,
    archive: Path,
    *,
    outlets: Path | None = None,
    overrides: dict[str, Any] | None = None,
    timeout: float = 300,
) -> CrawlRun:
    """``archiver.crawler.run_crawl`` with settings ``overrides``, in a process of its own (a
    Twisted reactor runs one crawl)."""
    args = [outlet, str(archive), str(outlets or ""), json.dumps(overrides or {})]
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_CRAWL, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=REPO,
    )
    lines = proc.stdout.strip().splitlines()
    summary = json.loads(lines[-1]) if proc.returncode == 0 and lines else {}
    return CrawlRun(proc.returncode, proc.stderr, summary)


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@attrs.define
class DemoRun:
    archive: Path
    output: CliResult


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> DemoRun:
    """A real `archiver demo` (what `make demo` runs: the spider starts its own demo server)."""
    archive = tmp_path_factory.mktemp("demo") / "archive"
    result = run_cli("demo", "--archive", archive)
    assert result.returncode == 0, result.stderr
    return DemoRun(archive, result)


@pytest.fixture(scope="session")
def demo_archive(demo_run: DemoRun) -> Path:
    """The archive of that run, shared by the tests that only read it."""
    return demo_run.archive


def scrapy_crawl_args(
    archive: Path, *spider_args: str, settings: Sequence[str] = (), log_level: str = "WARNING"
) -> list[str]:
    """The command line of ``scrapy crawl news`` into ``archive``: ``-a`` spider arguments
    (``outlet=demo``) and ``-s`` settings (``NAME=VALUE``)."""
    return [
        *(sys.executable, "-m", "scrapy", "crawl", "news"),
        *(x for a in spider_args for x in ("-a", a)),
        *("-s", f"ARCHIVER_ARCHIVE_DIR={archive}", "-s", f"LOG_LEVEL={log_level}"),
        *(x for s in settings for x in ("-s", s)),
    ]


def scrapy_demo_crawl(archive: Path, *settings: str) -> subprocess.CompletedProcess[str]:
    """``scrapy crawl news -a outlet=demo`` into ``archive``, with ``-s`` settings."""
    return subprocess.run(
        scrapy_crawl_args(archive, "outlet=demo", settings=settings),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=REPO,
    )


@pytest.fixture(scope="session")
def scrapy_demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive made by plain ``scrapy crawl`` with the project's default settings."""
    archive = tmp_path_factory.mktemp("scrapy-demo")
    proc = scrapy_demo_crawl(archive)
    assert proc.returncode == 0, proc.stderr
    return archive
