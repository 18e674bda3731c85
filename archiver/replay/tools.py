"""The replay tools' own virtual environment: pywb, cdxj-indexer and py-wacz, pinned.

It lives in ``$XDG_CACHE_HOME/archiver/replay-tools`` (``~/.cache/archiver/replay-tools``
without ``XDG_CACHE_HOME``), apart from the project's environment: pywb's ``brotlipy`` would
shadow the ``brotli`` module Scrapy needs. ``archiver replay --install-tools`` (and
``make replay-tools``) creates it with pip; a marker file records the pins it was built with,
so a change of pins rebuilds it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path

from archiver.exceptions import ArchiverError, ConfigError

logger = logging.getLogger(__name__)

PINS = ("pywb==2.10.0", "cdxj-indexer==1.5.0", "wacz==0.6.0", "warcio==1.8.1")
"""What the environment holds: the versions the shared verifier uses."""
COMMANDS = ("wayback", "cdxj-indexer", "wacz")
MARKER = "archiver-replay-tools.json"
DEAD_PROXY = "http://127.0.0.1:9"
"""A closed loopback port: the tools' own outbound HTTP (tldextract's suffix list, say) fails
locally instead of reaching the internet."""


def default_location() -> Path:
    """``$XDG_CACHE_HOME/archiver/replay-tools``, or ``~/.cache/archiver/replay-tools``."""
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "archiver" / "replay-tools"


class ReplayTools:
    """The isolated environment at ``location`` (default: :func:`default_location`)."""

    def __init__(self, location: str | Path | None = None) -> None:
        self.location = Path(location) if location else default_location()

    def bin(self, name: str) -> Path:
        """Path of a command in the environment."""
        return self.location / "bin" / name

    @property
    def python(self) -> Path:
        return self.bin("python")

    def installed(self) -> bool:
        """Whether the environment exists, with the current pins and every command."""
        try:
            marker = json.loads((self.location / MARKER).read_text())
        except (OSError, ValueError):
            return False
        return marker.get("pins") == list(PINS) and all(
            os.access(self.bin(c), os.X_OK) for c in COMMANDS
        )

    def ensure(self, *, install: bool = False) -> ReplayTools:
        """The environment, installed first when ``install``; else ``ConfigError`` if missing."""
        if self.installed():
            return self
        if not install:
            raise ConfigError(
                f"the replay tools (pywb, cdxj-indexer, wacz) are not installed in "
                f"{self.location}; install them once with: archiver replay --install-tools"
            )
        self.install()
        return self

    def install(self) -> None:
        """(Re)create the environment with pip; needs the package index, nothing else."""
        logger.info("installing %s into %s", " ".join(PINS), self.location)
        shutil.rmtree(self.location, ignore_errors=True)
        self.location.parent.mkdir(parents=True, exist_ok=True)
        steps = [
            [sys.executable, "-m", "venv", str(self.location)],
            [
                str(self.python),
                *("-m", "pip", "install", "-q", "--disable-pip-version-check"),
                *PINS,
            ],
        ]
        for step in steps:
            proc = subprocess.run(step, capture_output=True, text=True)
            if proc.returncode != 0:
                tail = " ".join((proc.stderr or proc.stdout).split())[-200:]
                raise ArchiverError(
                    f"installing the replay tools into {self.location} failed ({tail}); "
                    "check access to the package index and run archiver replay --install-tools"
                )
        (self.location / MARKER).write_text(json.dumps({"pins": list(PINS)}) + "\n")

    def env(self) -> dict[str, str]:
        """Environment for the tools' processes: outbound HTTP goes to a closed local port."""
        env = dict(os.environ)
        for name in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            env[name] = DEAD_PROXY
        env["no_proxy"] = env["NO_PROXY"] = "127.0.0.1,localhost"
        env.pop("PYTHONPATH", None)
        return env

    def run(self, command: str, *args: str, cwd: str | Path | None = None) -> str:
        """Run a tool to completion; ``ArchiverError`` with its last output line on failure."""
        proc = subprocess.run(
            [str(self.bin(command)), *args],
            capture_output=True,
            text=True,
            env=self.env(),
            cwd=cwd,
        )
        if proc.returncode != 0:
            lines = (proc.stderr or proc.stdout).strip().splitlines() or ["no output"]
            raise ArchiverError(f"{command} failed (exit {proc.returncode}): {lines[-1][:200]}")
        return proc.stdout
