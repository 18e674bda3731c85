"""`archiver schedule`: cron-due crawls in order, never two of one outlet at once, a slot never
run twice across a killed scheduler, a clean stop on SIGTERM. Crawls are real (demo outlets)."""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from archiver.exceptions import ConfigError
from archiver.locks import CrawlLockedError, is_locked, outlet_lock
from archiver.outlets import load_outlets
from archiver.scheduler import BUSY_RETRY, Scheduler
from tests.conftest import REPO, run_cli, scrapy_crawl_args, scrapy_demo_crawl

OUTLET = """
[{name}]
site_name = "The Demo Insight"
allowed_domains = ["demo-insight.test"]
sections = ["http://demo-insight.test/category/world/"]
article_links = "h3.entry-title a::attr(href), .td-module-title a::attr(href)"
pagination = "link[rel=next]::attr(href), a.next.page-numbers::attr(href)"
max_pages = 1
max_articles = {max_articles}
demo = true
schedule = "{schedule}"
"""


def outlets_file(tmp_path: Path, *outlets: tuple[str, str], max_articles: int = 2) -> Path:
    path = tmp_path / "outlets.toml"
    path.write_text(
        "".join(OUTLET.format(name=n, schedule=s, max_articles=max_articles) for n, s in outlets)
    )
    return path


def crawl_rows(archive: Path) -> list[tuple[str, str, str | None, str]]:
    sql = "select outlet, started_at, finished_at, outcome from crawls order by id"
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        try:
            return list(db.execute(sql))
        except sqlite3.OperationalError:  # the crawl has not created its tables yet
            return []


class FakeClock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


T0 = datetime(2026, 1, 5, 10, 0, tzinfo=UTC)


def test_due_order_claims_and_missed_slots(tmp_path: Path) -> None:
    path = outlets_file(tmp_path, ("alpha", "0 * * * *"), ("beta", "*/30 * * * *"))
    clock = FakeClock(T0)
    scheduler = Scheduler(tmp_path / "a", load_outlets(path), outlets_file=str(path), clock=clock)
    assert [d.outlet for d in scheduler.due()] == ["alpha", "beta"]  # never run: due at once
    for d in scheduler.due():
        scheduler.state.claim(d.outlet, d.slot)
    assert scheduler.due() == []
    assert scheduler.next_due() == T0 + timedelta(minutes=30)
    clock.now = T0 + timedelta(minutes=45)
    assert [(d.outlet, d.slot) for d in scheduler.due()] == [("beta", T0 + timedelta(minutes=30))]
    clock.now = T0 + timedelta(hours=5, minutes=10)  # missed slots collapse into the latest
    due = scheduler.due()
    assert [(d.outlet, d.slot) for d in due] == [
        ("alpha", T0 + timedelta(hours=5)),
        ("beta", T0 + timedelta(hours=5)),
    ]
    # the state survives a restart
    again = Scheduler(tmp_path / "a", load_outlets(path), outlets_file=str(path), clock=clock)
    assert again.state.last == scheduler.state.last


def test_three_due_crawls_of_two_outlets_run_in_order_without_overlap(tmp_path: Path) -> None:
    path = outlets_file(tmp_path, ("alpha", "0 * * * *"), ("beta", "*/30 * * * *"))
    archive = tmp_path / "archive"
    clock = FakeClock(T0)
    scheduler = Scheduler(archive, load_outlets(path), outlets_file=str(path), clock=clock)
    first = scheduler.run_due()
    clock.now = T0 + timedelta(minutes=10)
    assert scheduler.run_due() == []  # nothing due in between
    clock.now = T0 + timedelta(minutes=31)
    second = scheduler.run_due()
    runs = first + second
    assert [(r.outlet, r.slot) for r in runs] == [
        ("alpha", T0),
        ("beta", T0),
        ("beta", T0 + timedelta(minutes=30)),
    ]
    assert all(r.returncode == 0 for r in runs), [r.log.read_text()[-2000:] for r in runs]
    rows = crawl_rows(archive)
    assert [r[0] for r in rows] == ["alpha", "beta", "beta"]
    assert all(r[3] == "finished" and r[2] for r in rows)
    for earlier, later in itertools.pairwise(rows):
        assert earlier[2] <= later[1], "crawls overlapped"
    assert all(r.log.exists() and r.log.stat().st_size for r in runs)


def test_a_busy_outlet_is_tried_again_after_a_pause_and_warned_of_once(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A due outlet that a crawl by hand holds: the scheduler waits BUSY_RETRY between its
    tries and warns once, instead of trying again at once, thousands of times a second."""
    path = outlets_file(tmp_path, ("alpha", "* * * * *"))
    archive = tmp_path / "archive"
    clock = FakeClock(T0)
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += timedelta(seconds=seconds)

    scheduler = Scheduler(archive, load_outlets(path), clock=clock, sleep=sleep)
    tries = 0
    run_due = scheduler.run_due

    def counted() -> list[Any]:
        nonlocal tries
        tries += 1
        if tries >= 50 or clock.now >= T0 + timedelta(minutes=2):
            scheduler.stop()
        return run_due()

    scheduler.run_due = counted  # type: ignore[method-assign]
    with outlet_lock(archive, "alpha"), caplog.at_level(logging.WARNING):
        scheduler.run_forever()
    assert tries <= 1 + 120 / BUSY_RETRY, tries
    assert sum(slept) >= 120
    warned = [r for r in caplog.records if "is due but a crawl of it is running" in r.message]
    assert len(warned) == 1


def wait_unlocked(archive: Path, outlet: str) -> None:
    deadline = time.monotonic() + 30
    while is_locked(archive, outlet):  # killed processes release their locks as they exit
        assert time.monotonic() < deadline, "the lock outlived its process"
        time.sleep(0.05)


def start_scheduler(archive: Path, path: Path, *extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            *(sys.executable, "-m", "archiver", "schedule"),
            *("--archive", str(archive), "--outlets", str(path), *extra),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group: the test can kill it with its crawl
    )


def wait_for_lock(archive: Path, outlet: str, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + 60
    while not is_locked(archive, outlet):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the crawl never started"
        time.sleep(0.05)


def test_killed_scheduler_restarted_does_not_run_a_slot_twice(tmp_path: Path) -> None:
    path = outlets_file(tmp_path, ("alpha", "0 0 1 1 *"), ("beta", "0 0 1 1 *"), max_articles=20)
    archive = tmp_path / "archive"
    proc = start_scheduler(archive, path)
    wait_for_lock(archive, "alpha", proc)
    deadline = time.monotonic() + 60
    while not (archive / "index.db").exists() or not crawl_rows(archive):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the scheduler and its crawl, as a crash would
    proc.communicate()
    wait_unlocked(archive, "alpha")  # the kernel drops the lock with the process
    claimed = set(json.loads((archive / "schedule.json").read_text())["last_slot"])
    assert "alpha" in claimed  # (beta too, if alpha finished before the kill)
    result = run_cli("schedule", "--once", "--archive", archive, "--outlets", path)
    assert result.returncode == 0, result.stderr
    for outlet in ("alpha", "beta"):
        ran = f"{outlet}: finished" in result.stdout
        assert ran == (outlet not in claimed), result.stdout
    again = run_cli("schedule", "--once", "--archive", archive, "--outlets", path)
    assert again.returncode == 0 and again.stdout.startswith("nothing due; next crawl at 20")
    outlets = [r[0] for r in crawl_rows(archive)]
    assert outlets.count("alpha") == 1 and outlets.count("beta") <= 1  # no slot ran twice


def test_sigterm_stops_cleanly_and_finishes_the_warc(tmp_path: Path) -> None:
    path = outlets_file(tmp_path, ("alpha", "0 0 1 1 *"), max_articles=30)
    archive = tmp_path / "archive"
    proc = start_scheduler(archive, path)
    wait_for_lock(archive, "alpha", proc)
    deadline = time.monotonic() + 60
    while not list((archive / "warc").glob("*.open")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert not list((archive / "warc").glob("*.open"))
    assert list((archive / "warc").glob("*.warc.gz"))
    [(outlet, _, finished, outcome)] = crawl_rows(archive)
    assert outlet == "alpha" and finished and outcome in ("shutdown", "finished")


def test_sigterm_while_the_crawl_opens_ends_it(tmp_path: Path) -> None:
    """Stopped before its spider was open (SIGTERM in the crawl's first second), a crawl printed
    its summary and then hung for ever: its WARC writer thread kept the process alive, and the
    scheduler waiting for it too. Its crawl row stayed 'running'."""
    archive, marker = tmp_path / "archive", tmp_path / "opened"
    script = (
        "import sys; from archiver.crawler import run_crawl; "
        "s = run_crawl('demo', archive_dir=sys.argv[1], overrides={'EXTENSIONS': "
        "{'archiver.extensions.ArchiveIndexExtension': 100, 'tests.slow_open.SlowOpen': 900},"
        " 'SLOW_OPEN_MARKER': sys.argv[2]}); print(s.finish_reason)"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script, str(archive), str(marker)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not marker.exists():
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.05)
    proc.send_signal(signal.SIGTERM)
    try:
        out, err = proc.communicate(timeout=25)  # less than the opening's 30 s
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail("the crawl did not end after SIGTERM")
    assert proc.returncode == 0, err
    assert out.split() == ["shutdown"]
    [(outlet, _, finished, outcome)] = crawl_rows(archive)
    assert outlet == "demo" and finished and outcome == "shutdown"
    assert not list((archive / "warc").glob("*.open"))
    assert not is_locked(archive, "demo")


def test_a_crawl_of_an_outlet_being_crawled_is_refused(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    with outlet_lock(archive, "demo"):
        with pytest.raises(CrawlLockedError), outlet_lock(archive, "demo"):
            pass
        result = run_cli("crawl", "demo", "--archive", archive)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines()[-1] == (
        f"Error: outlet 'demo' is already being crawled into {archive} (pid {os.getpid()}); "
        "wait for that crawl to finish, or stop it"
    )
    assert "Traceback" not in result.stderr
    assert not (archive / "index.db").exists()


def test_scrapy_crawl_takes_the_outlet_lock_too(tmp_path: Path) -> None:
    """`scrapy crawl news` ran beside `archiver crawl` of the same outlet, and the second
    marked the first's crawl row interrupted."""
    archive = tmp_path / "archive"
    with outlet_lock(archive, "demo"):
        proc = scrapy_demo_crawl(archive)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        f"Error: outlet 'demo' is already being crawled into {archive} (pid {os.getpid()}); "
        "wait for that crawl to finish, or stop it"
    ]
    assert not (archive / "index.db").exists()


@pytest.mark.parametrize("expression", ["every hour", "0 * * *", "61 * * * *", "* * * * * *"])
def test_bad_schedule_names_file_outlet_and_field(tmp_path: Path, expression: str) -> None:
    path = outlets_file(tmp_path, ("alpha", expression))
    with pytest.raises(ConfigError, match=rf"{path}: outlet 'alpha': schedule: .* cron"):
        load_outlets(path)
    result = run_cli("schedule", "--once", "--archive", tmp_path / "a", "--outlets", path)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1


def test_outlets_may_be_a_directory_as_for_crawl(tmp_path: Path) -> None:
    # `--outlets DIR` (*.toml in it), as `crawl` and `outlets list` read it: its definitions are
    # loaded (here a bad schedule in one of them, named), not refused as a directory
    folder = tmp_path / "outlets"
    folder.mkdir()
    outlets_file(tmp_path, ("alpha", "61 * * * *")).rename(folder / "mine.toml")
    result = run_cli("schedule", "--once", "--archive", tmp_path / "a", "--outlets", folder)
    assert result.returncode == 2, result.stderr
    assert "outlet 'alpha': schedule:" in result.stderr, result.stderr


def test_no_scheduled_outlet_is_one_line(tmp_path: Path) -> None:
    result = run_cli("schedule", "--archive", tmp_path / "a")
    assert result.returncode == 2
    assert "no outlet to schedule" in result.stderr and "--outlet NAME (demo" in result.stderr
    unscheduled = run_cli("schedule", "--archive", tmp_path / "a", "--outlet", "bbc")
    assert unscheduled.returncode == 2 and "'bbc' has no schedule" in unscheduled.stderr


@pytest.mark.parametrize("stamp", ["2026-12-07T11:54:43", "soon", 7])
def test_a_damaged_schedule_state_is_one_line(tmp_path: Path, stamp: object) -> None:
    """A time without a zone compared with the schedule's was a TypeError traceback."""
    from archiver.scheduler import ScheduleState

    path = tmp_path / "schedule.json"
    path.write_text(json.dumps({"last_slot": {"demo": stamp}}))
    with pytest.raises(ConfigError, match=r"schedule state .* is damaged"):
        ScheduleState(path)


def interrupted(command: list[str], archive: Path, signum: int) -> tuple[int, str, str]:
    """Run ``command`` (a crawl into ``archive``), send it ``signum`` once its WARC file is
    open: its exit status, stdout and stderr."""
    proc = subprocess.Popen(
        command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list((archive / "warc").glob("*.open")):
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.01)
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    return proc.returncode, out, err


def test_an_interrupted_scrapy_crawl_exits_3_too(tmp_path: Path) -> None:
    """`scrapy crawl news` stopped by SIGTERM exited 0, as if it had finished."""
    archive = tmp_path / "archive"
    command = scrapy_crawl_args(archive, "outlet=demo")
    code, out, err = interrupted(command, archive, signal.SIGTERM)
    assert code == 3, out + err
    assert "stopped before it finished" in err.strip().splitlines()[-1], err[-2000:]
    # and the same command resumes it, as the message says (its queue was never kept)
    assert (archive / "jobs" / "demo" / "requests.queue" / "active.json").exists()
    again = scrapy_demo_crawl(archive)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "resuming the interrupted crawl of demo" in again.stderr
    assert not (archive / "jobs").exists()


def test_an_interrupted_crawl_says_so_and_exits_3(tmp_path: Path) -> None:
    """Ctrl-C ended `archiver crawl` with its summary and exit 0: a cron job or script took the
    half-done crawl for a finished one."""
    archive = tmp_path / "archive"
    command = [sys.executable, "-m", "archiver", "crawl", "demo", "--archive", str(archive)]
    code, out, err = interrupted(command, archive, signal.SIGINT)
    assert code == 3, out + err
    assert ": shutdown" in out  # the summary
    assert err.strip().splitlines()[-1] == (
        "crawl of demo stopped before it finished (Ctrl-C or SIGTERM): run the same command "
        "again to resume it"
    )
    again = run_cli("crawl", "demo", "--archive", archive)
    assert again.returncode == 0, again.stderr
    assert "(resumed)" in again.stdout


def test_outlet_names_that_differ_keep_their_own_files() -> None:
    """'a b' and 'a_b' shared one lock (one could not crawl while the other did) and one jobs
    directory (one resumed the other's queue)."""
    from archiver.locks import safe_name

    assert safe_name("demo") == "demo" and safe_name("tdi-2") == "tdi-2"  # as they were
    names = ["a b", "a_b", "a/b", "a:b", ".a", "a"]
    assert len({safe_name(n) for n in names}) == len(names)
    for name in ("../../etc/x", ".hidden", "a b"):
        made = safe_name(name)
        assert "/" not in made and not made.startswith(".") and made.isascii()


def test_once_with_the_due_outlet_being_crawled_says_so(tmp_path: Path) -> None:
    """It printed "nothing due; next crawl at <now>", under its own warning that the outlet
    was due: the crawl is left to the next run, and the last line says that."""
    path = outlets_file(tmp_path, ("alpha", "0 0 1 1 *"))
    archive = tmp_path / "archive"
    with outlet_lock(archive, "alpha"):
        result = run_cli("schedule", "--once", "--archive", archive, "--outlets", path)
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.startswith("due but being crawled already: alpha;"), result.stdout
    assert "nothing due" not in result.stdout
