"""Recurring crawls: each outlet's ``schedule`` (a cron expression) says when a crawl is due.

``archiver schedule --once`` starts what is due and exits (for cron or a systemd timer);
``archiver schedule`` stays up and starts each crawl when it falls due. Either way:

- each due *slot* (the cron fire time) is claimed in ``ARCHIVE/schedule.json`` before its crawl
  starts, so a scheduler killed mid-crawl and started again never runs that slot twice; slots
  missed while nothing ran collapse into one crawl (the latest), not a burst of catch-up crawls;
- an outlet never crawled by the scheduler is due at once;
- one crawl per outlet at a time: every crawl, scheduled or started by hand, holds an exclusive
  ``flock`` on ``ARCHIVE/locks/OUTLET.lock`` while it runs. The kernel drops the lock when the
  process ends, however it ends, so a crash leaves no stale lock behind;
- each crawl runs as its own process (``archiver crawl``; a Twisted reactor runs once per
  process), logging to ``ARCHIVE/logs/schedule/``, and records itself in the index's ``crawls``
  table (start, end, outcome, stats) as every crawl does;
- SIGTERM or SIGINT stops the scheduler cleanly: the running crawl gets SIGTERM, which Scrapy
  turns into a graceful shutdown that finishes the WARC file it has open, and the scheduler
  waits for it before exiting.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import attrs
from croniter import croniter

from archiver.exceptions import ConfigError
from archiver.locks import is_locked, safe_name
from archiver.outlets import Outlet

logger = logging.getLogger(__name__)

Clock = Callable[[], datetime]
STATE_FILE = "schedule.json"
STOPPED_EXIT = 3
"""Exit status of ``archiver crawl`` stopped before it finished (Ctrl-C, SIGTERM): its queue is
kept, and the same command resumes it."""
BUSY_RETRY = 30.0
"""Seconds between tries of a due outlet that a crawl not started by the scheduler holds."""


def utc_now() -> datetime:
    return datetime.now(UTC)


class ScheduleState:
    """The last slot started per outlet, in a JSON file replaced atomically on each change."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            raw = json.loads(path.read_text("utf-8")) if path.exists() else {"last_slot": {}}
            self.last = {name: datetime.fromisoformat(v) for name, v in raw["last_slot"].items()}
            if naive := next((n for n, when in self.last.items() if when.tzinfo is None), None):
                raise ValueError(f"the time of {naive!r} has no time zone")
        except (ValueError, KeyError, TypeError, AttributeError) as e:
            raise ConfigError(
                f"schedule state {path} is damaged ({e}); move it aside and the scheduler "
                "starts every scheduled outlet once, then keeps time again"
            ) from e

    def claim(self, outlet: str, slot: datetime) -> None:
        self.last[outlet] = slot
        data = {"last_slot": {k: v.isoformat() for k, v in sorted(self.last.items())}}
        tmp = self.path.with_suffix(".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.path)


@attrs.define(frozen=True)
class Due:
    """A crawl the schedule says should run: ``outlet`` for its fire time ``slot``."""

    outlet: str
    slot: datetime


@attrs.define
class Run:
    """One crawl the scheduler started."""

    outlet: str
    slot: datetime
    started: datetime
    finished: datetime
    returncode: int
    log: Path


def _schedules(outlets: dict[str, Outlet], names: Sequence[str]) -> dict[str, str]:
    """Cron expression per outlet to schedule: those named, else the user's own scheduled ones
    (shipped definitions carry suggested schedules but run only when named)."""
    if not names:
        return {n: o.schedule for n, o in sorted(outlets.items()) if o.schedule and not o.shipped}
    chosen = {}
    for name in names:
        outlet = outlets.get(name)
        if outlet is None:
            known = ", ".join(sorted(outlets))
            raise ConfigError(f"unknown outlet {name!r}; known outlets: {known}")
        if not outlet.schedule:
            raise ConfigError(
                f'outlet {name!r} has no schedule: add schedule = "0 * * * *" to its definition'
            )
        chosen[name] = outlet.schedule
    return dict(sorted(chosen.items()))


def crawl_command(outlet: str, archive_dir: Path, outlets_file: str | None) -> list[str]:
    """The ``archiver crawl`` command line the scheduler runs for ``outlet``."""
    command = [sys.executable, "-m", "archiver", "crawl", outlet, "--archive", str(archive_dir)]
    if outlets_file:
        command += ["--outlets", str(outlets_file)]
    return command


class Scheduler:
    """Starts due crawls of ``outlets`` into ``archive_dir``, one at a time, in due order."""

    def __init__(
        self,
        archive_dir: str | Path,
        outlets: dict[str, Outlet],
        *,
        outlets_file: str | None = None,
        names: Sequence[str] = (),
        clock: Clock = utc_now,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.archive_dir = Path(archive_dir)
        self.outlets_file = outlets_file
        self.schedules = _schedules(outlets, names)
        if not self.schedules:
            shipped = ", ".join(n for n, o in sorted(outlets.items()) if o.schedule and o.shipped)
            raise ConfigError(
                'no outlet to schedule: add schedule = "0 * * * *" (a cron expression) to '
                "your outlet definitions (--outlets FILE)"
                + (f", or name shipped ones with --outlet NAME ({shipped})" if shipped else "")
            )
        self.clock = clock
        self.sleep = sleep
        self.archive_dir.mkdir(parents=True, exist_ok=True)
        self.state = ScheduleState(self.archive_dir / STATE_FILE)
        self.log_dir = self.archive_dir / "logs" / "schedule"
        self._stopping = False
        self.busy: list[str] = []
        """Due outlets the last run_due left because a crawl of them was running."""
        self._retry_at: dict[str, datetime] = {}
        """When to try again each busy outlet (BUSY_RETRY after it was found busy)."""
        self._child: subprocess.Popen[bytes] | None = None

    # -- when ------------------------------------------------------------------------------
    def due(self, now: datetime | None = None) -> list[Due]:
        """The outlets due at ``now``, each with its latest fire time, earliest first."""
        now = now or self.clock()
        due = []
        for name, expression in self.schedules.items():
            last = self.state.last.get(name)
            if last is None:
                due.append(Due(name, now))
                continue
            if croniter(expression, last).get_next(datetime) <= now:
                # the latest fire time at or before now: missed slots collapse into one crawl
                latest = croniter(expression, now + timedelta(seconds=1)).get_prev(datetime)
                due.append(Due(name, latest))
        return sorted(due, key=lambda d: (d.slot, d.outlet))

    def next_due(self) -> datetime:
        """When the next crawl falls due (now, if one is due already)."""
        times = []
        for name, expression in self.schedules.items():
            last = self.state.last.get(name)
            due = self.clock() if last is None else croniter(expression, last).get_next(datetime)
            times.append(max(due, self._retry_at.get(name, due)))
        return min(times)

    # -- running ---------------------------------------------------------------------------
    def run_due(self) -> list[Run]:
        """Start every crawl due now, one after the other; returns what ran. A due outlet
        that a crawl of its own is running is left for later (:attr:`busy`)."""
        runs = []
        self.busy.clear()
        for item in self.due():
            if self._stopping:
                break
            if is_locked(self.archive_dir, item.outlet):
                if item.outlet not in self._retry_at:
                    logger.warning(
                        "%s is due but a crawl of it is running; trying again every %.0f s"
                        " until it ends",
                        item.outlet,
                        BUSY_RETRY,
                    )
                self._retry_at[item.outlet] = self.clock() + timedelta(seconds=BUSY_RETRY)
                self.busy.append(item.outlet)
                continue
            self._retry_at.pop(item.outlet, None)
            runs.append(self._run(item))
        return runs

    def _run(self, item: Due) -> Run:
        self.state.claim(item.outlet, item.slot)  # before the crawl: a restart never repeats it
        self.log_dir.mkdir(parents=True, exist_ok=True)
        stamp = item.slot.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        log = self.log_dir / f"{safe_name(item.outlet)}-{stamp}.log"
        command = crawl_command(item.outlet, self.archive_dir, self.outlets_file)
        started = utc_now()
        logger.info("starting %s (slot %s), log %s", item.outlet, item.slot.isoformat(), log)
        with log.open("ab") as out:
            returncode = self._spawn(command, out)
        finished = utc_now()
        outcome = {0: "finished", STOPPED_EXIT: "stopped"}.get(returncode, f"exit {returncode}")
        logger.info("%s %s in %.1f s", item.outlet, outcome, (finished - started).total_seconds())
        return Run(item.outlet, item.slot, started, finished, returncode, log)

    def _spawn(self, command: list[str], out: IO[bytes]) -> int:
        self._child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        try:
            while True:
                try:
                    return self._child.wait(timeout=0.5)
                except subprocess.TimeoutExpired:
                    continue
        finally:
            self._child = None

    def stop(self, *_: Any) -> None:
        """Stop after the running crawl, which gets SIGTERM (Scrapy's graceful shutdown)."""
        self._stopping = True
        child = self._child
        if child is not None and child.poll() is None:
            child.send_signal(signal.SIGTERM)

    def run_forever(self) -> None:
        """Start due crawls until SIGTERM/SIGINT (see :meth:`stop`)."""
        while not self._stopping:
            self.run_due()
            while not self._stopping:
                wait = (self.next_due() - self.clock()).total_seconds()
                if wait <= 0:
                    break
                self.sleep(min(wait, 1.0))

    @contextlib.contextmanager
    def signals_stop(self) -> Iterator[None]:
        """Within the block, SIGTERM and SIGINT call :meth:`stop`; a second one kills the crawl."""

        def handler(signum: int, frame: Any) -> None:
            if self._stopping and self._child is not None:
                self._child.kill()
            self.stop()

        previous = {s: signal.signal(s, handler) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            yield
        finally:
            for s, h in previous.items():
                signal.signal(s, h)
