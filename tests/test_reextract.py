"""`archiver reextract`: the current extractor over our own WARC files and foreign ones."""

from __future__ import annotations

import json
import shutil
import sqlite3
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from warcio.capture_http import capture_http

from archiver.demo.server import DemoServer
from archiver.extract import EXTRACTOR_VERSION
from archiver.replay.tools import ReplayTools
from tests.conftest import run_cli


def rows(index: Path, sql: str, *params: Any) -> list[dict[str, Any]]:
    conn = sqlite3.connect(index)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params).fetchall()]
    finally:
        conn.close()


def demo_articles(demo_archive: Path) -> dict[str, dict[str, Any]]:
    """Path -> article row of the demo crawl."""
    found = rows(demo_archive / "index.db", "select * from articles order by url")
    return {"/" + r["url"].split("/", 3)[3]: r for r in found}


@pytest.fixture(scope="module")
def foreign_warc(
    demo_archive: Path, demo_server: DemoServer, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """A WARC written by warcio's own capture_http, fetching three demo articles directly."""
    path = tmp_path_factory.mktemp("foreign") / "foreign.warc.gz"
    paths = list(demo_articles(demo_archive))[:3]
    with capture_http(str(path)):
        for page in [*paths, "/"]:
            with urllib.request.urlopen(demo_server.url.rstrip("/") + page, timeout=30) as r:
                r.read()  # 127.0.0.1 only
    return path


def test_reextract_indexes_a_foreign_warc(
    foreign_warc: Path, demo_archive: Path, demo_server: DemoServer, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    result = run_cli("reextract", "--archive", archive, foreign_warc, "--outlet", "foreign")
    assert result.returncode == 0, result.stderr
    assert "3 articles indexed" in result.stdout
    expected = demo_articles(demo_archive)
    got = rows(archive / "index.db", "select * from articles")
    assert len(got) == 3
    base = demo_server.url.rstrip("/")
    for row in got:
        assert row["url"].startswith(base)
        demo = expected[row["url"].removeprefix(base)]
        assert row["title"] == demo["title"]
        assert row["body"] == demo["body"]
        assert row["outlet"] == "foreign"
        assert row["extractor_version"] == EXTRACTOR_VERSION
        (capture,) = rows(
            archive / "index.db", "select * from captures where record_id = ?", row["record_id"]
        )
        assert capture["warc_file"] == str(foreign_warc.resolve())
    # the capture is read back from the foreign file where it lies
    shown = run_cli("show", "--archive", archive, got[0]["url"], "--text")
    assert shown.returncode == 0, shown.stderr
    assert got[0]["title"] in shown.stdout
    # again: the same rows, updated in place
    again = run_cli("reextract", "--archive", archive, foreign_warc, "--outlet", "foreign")
    assert again.returncode == 0, again.stderr
    assert len(rows(archive / "index.db", "select id from articles")) == 3


def test_check_reads_the_imported_files_the_index_points_into(
    foreign_warc: Path, demo_archive: Path, tmp_path: Path
) -> None:
    # reextract's captures of a foreign file were "bad-pointer" and its articles "dangling":
    # check read the archive's own WARC directory only
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    result = run_cli("reextract", "--archive", archive, foreign_warc, "--outlet", "foreign")
    assert result.returncode == 0, result.stderr
    check = run_cli("check", "--archive", archive)
    assert check.returncode == 0, check.stdout + check.stderr
    damaged = tmp_path / "foreign.warc.gz"  # the file moved away: now a problem
    shutil.move(foreign_warc, damaged)
    try:
        gone = run_cli("check", "--archive", archive)
    finally:
        shutil.move(damaged, foreign_warc)
    assert gone.returncode == 1 and "missing-warc" in gone.stdout, gone.stdout


def test_reextract_upgrades_our_own_archive(demo_archive: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    conn = sqlite3.connect(archive / "index.db")
    with conn:
        conn.execute("update articles set extractor_version = 'archiver-extract/0', title = 'x'")
    conn.close()
    before = rows(archive / "index.db", "select url from articles")
    result = run_cli("reextract", "--archive", archive)
    assert result.returncode == 0, result.stderr
    after = rows(archive / "index.db", "select * from articles")
    assert sorted(r["url"] for r in after) == sorted(r["url"] for r in before)
    assert {r["extractor_version"] for r in after} == {EXTRACTOR_VERSION}
    assert "x" not in {r["title"] for r in after}
    assert {r["outlet"] for r in after} == {"demo"}  # from the warcinfo record
    (crawl,) = rows(archive / "index.db", "select * from crawls where outcome = 'reextract'")
    assert json.loads(crawl["stats"])["archiver/reextract/extractor_version"] == EXTRACTOR_VERSION


def test_an_outlet_that_would_move_indexed_articles_is_refused(
    demo_archive: Path, tmp_path: Path
) -> None:
    # "--outlet DEMO", a slip for the warcinfo's "demo", moved all the archive's articles
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    before = (archive / "index.db").read_bytes()
    result = run_cli("reextract", "--archive", archive, "--outlet", "DEMO")
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "'demo'" in result.stderr and "leave --outlet out" in result.stderr
    assert (archive / "index.db").read_bytes() == before
    same = run_cli("reextract", "--archive", archive, "--outlet", "demo")
    assert same.returncode == 0, same.stderr


def test_reextract_a_wacz(demo_archive: Path, tmp_path: Path) -> None:
    if not ReplayTools().installed():
        pytest.fail("the replay tools are not installed: run make replay-tools")
    wacz = tmp_path / "demo.wacz"
    assert run_cli("export-wacz", "--archive", demo_archive, wacz).returncode == 0
    archive = tmp_path / "archive"
    result = run_cli("reextract", "--archive", archive, wacz)
    assert result.returncode == 0, result.stderr
    got = rows(archive / "index.db", "select url, title, outlet from articles")
    assert {r["url"] for r in got} == {r["url"] for r in demo_articles(demo_archive).values()}
    assert {r["outlet"] for r in got} == {"demo"}  # the WACZ's warcinfo names it
    assert (archive / "imported" / "demo" / "pages.warc.gz").is_file()
    shown = run_cli("show", "--archive", archive, got[0]["url"], "--text")
    assert shown.returncode == 0, shown.stderr
    # the unpacked files are the archive's: it may move (they were named by absolute path)
    moved = tmp_path / "moved"
    archive.rename(moved)
    shown = run_cli("show", "--archive", moved, got[0]["url"])  # read from the WARC file
    assert shown.returncode == 0, shown.stderr
    check = run_cli("check", "--archive", moved)
    assert check.returncode == 0, check.stdout + check.stderr


def test_reextract_of_the_archives_own_wacz_keeps_the_outlets(
    demo_archive: Path, tmp_path: Path
) -> None:
    """The README's walkthrough: export a WACZ, re-extract it into the same archive. The WACZ's
    warcinfo names no outlet: its articles went to the outlet 'demo-insight.test' (the host),
    and searches by 'demo' missed them."""
    if not ReplayTools().installed():
        pytest.fail("the replay tools are not installed: run make replay-tools")
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    wacz = tmp_path / "demo.wacz"
    assert (
        run_cli("export-wacz", "--archive", archive, wacz, "--since", "2024-01-01").returncode == 0
    )
    result = run_cli("reextract", "--archive", archive, wacz)
    assert result.returncode == 0, result.stderr
    assert {r["outlet"] for r in rows(archive / "index.db", "select outlet from articles")} == {
        "demo"
    }


def test_corrupt_warc_is_one_line_error_and_changes_nothing(
    demo_archive: Path, tmp_path: Path
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    (warc,) = (archive / "warc").glob("*.warc.gz")
    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(warc.read_bytes()[: warc.stat().st_size // 2])
    before = rows(archive / "index.db", "select * from articles order by id")
    result = run_cli("reextract", "--archive", archive, warc, broken)
    assert result.returncode == 2
    assert "broken.warc.gz" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert rows(archive / "index.db", "select * from articles order by id") == before
    missing = run_cli("reextract", "--archive", archive, tmp_path / "nope.warc.gz")
    assert missing.returncode == 2
    assert "does not exist" in missing.stderr


def test_two_waczs_of_one_name_keep_their_own_files(demo_archive: Path, tmp_path: Path) -> None:
    """The second WACZ named demo.wacz overwrote the first's unpacked WARC file, which the
    index points into: its articles could no longer be shown."""
    if not ReplayTools().installed():
        pytest.fail("the replay tools are not installed: run make replay-tools")
    archive = tmp_path / "archive"
    for part, selection in (("a", ("--until", "2023-12-31")), ("b", ("--since", "2024-01-01"))):
        wacz = tmp_path / part / "demo.wacz"
        made = run_cli("export-wacz", "--archive", demo_archive, wacz, *selection)
        assert made.returncode == 0, made.stderr
        result = run_cli("reextract", "--archive", archive, wacz)
        assert result.returncode == 0, result.stderr
    again = run_cli("reextract", "--archive", archive, tmp_path / "b" / "demo.wacz")
    assert again.returncode == 0, again.stderr  # the same WACZ again: its files, not a third copy
    assert sorted(p.name for p in (archive / "imported").iterdir()) == ["demo", "demo-2"]
    check = run_cli("check", "--archive", archive)
    assert check.returncode == 0, check.stdout + check.stderr
    got = rows(archive / "index.db", "select url from articles")
    assert {r["url"] for r in got} == {r["url"] for r in demo_articles(demo_archive).values()}
    for row in got:
        shown = run_cli("show", "--archive", archive, row["url"])
        assert shown.returncode == 0, shown.stderr
