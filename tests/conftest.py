"""Shared fixtures: the demo server and a real crawl of it, run once per session."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

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


@pytest.fixture(scope="session")
def demo_server() -> Iterator[DemoServer]:
    with DemoServer() as server:
        yield server


@pytest.fixture(scope="session")
def demo_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An archive made by a real `archiver crawl demo` (the spider starts its own demo server)."""
    archive = tmp_path_factory.mktemp("demo-archive")
    result = run_cli("crawl", "demo", "--archive", archive)
    assert result.returncode == 0, result.stderr
    return archive
