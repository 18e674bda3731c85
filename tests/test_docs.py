"""Docs parity: every CLI command and every ARCHIVER_* setting is documented in the README."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archiver.cli import main

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text()


def used_settings() -> set[str]:
    names: set[str] = set()
    for path in [*(REPO / "archiver").rglob("*.py"), *(REPO / "spiders").rglob("*.py")]:
        names |= set(re.findall(r"\bARCHIVER_[A-Z0-9_]+\b", path.read_text()))
    return names


def test_settings_are_found() -> None:
    assert "ARCHIVER_ARCHIVE_DIR" in used_settings()


@pytest.mark.parametrize("name", sorted(used_settings()))
def test_setting_documented(name: str) -> None:
    assert f"| `{name}` |" in README, f"{name} is used but not in README's settings table"


@pytest.mark.parametrize("command", sorted(main.commands))  # type: ignore[attr-defined]
def test_command_documented(command: str) -> None:
    assert f"`archiver {command}" in README, f"archiver {command} is not in README"


def test_the_readmes_count_of_bad_inputs_is_the_catalogues() -> None:
    # it said 70 while the catalogue held 114
    from tests.test_bad_input import CASES

    [count] = re.findall(r"`tests/test_bad_input\.py` \((\d+) bad inputs\)", README)
    assert int(count) == len(CASES)
