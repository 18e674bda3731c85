"""`archiver check [--repair]` on a copy of a real demo crawl, damaged as crashes damage it."""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_recover import boundaries
from tests.test_warc import exchange


@pytest.fixture
def archive(demo_archive: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "archive"
    shutil.copytree(demo_archive, copy)
    return copy


def sql(archive: Path, statement: str, *params: object) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        rows = list(db.execute(statement, params))
        db.commit()
        return rows


def test_a_fresh_crawl_is_consistent(archive: Path) -> None:
    result = run_cli("check", "--archive", archive)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("articles: consistent")


def test_crash_damage_is_found_then_repaired(archive: Path) -> None:
    [warc] = (archive / "warc").glob("*.warc.gz")
    ends = boundaries(warc)
    original = warc.read_bytes()
    # a killed crawl: its file still .open, cut inside the last record ...
    opened = warc.with_name(warc.name + ".open")
    opened.write_bytes(original[: (ends[-2] + ends[-1]) // 2])
    warc.unlink()
    # ... index rows it had not flushed yet, and its crawl row still "running"
    lost = [r[0] for r in sql(archive, "select url from articles order by id limit 2")]
    sql(archive, "delete from articles where url in (?, ?)", *lost)
    [(capture_url,)] = sql(
        archive,
        "select url from captures where id not in "
        "(select capture_id from articles where capture_id is not null) limit 1",
    )
    sql(archive, "delete from captures where url = ?", capture_url)
    sql(archive, "update crawls set outcome = 'running', finished_at = null")

    found = run_cli("check", "--archive", archive)
    assert found.returncode == 1, found.stderr
    lines = found.stdout.strip().splitlines()
    kinds = sorted(line.split(":")[0] for line in lines[:-1])
    assert kinds == [
        "interrupted-crawl",
        "open-file",
        "unindexed-article",
        "unindexed-article",
        "unindexed-capture",
    ], found.stdout
    assert all(line.endswith("(archiver check --repair fixes it)") for line in lines[:-1])
    assert lines[-1].endswith("5 problem(s)")
    assert opened.exists()  # checking changes nothing

    repaired = run_cli("check", "--repair", "--archive", archive)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "repaired: recovered" in repaired.stdout
    assert not opened.exists() and warc.exists()
    assert warc.read_bytes() == original[: ends[-2]]
    assert {r[0] for r in sql(archive, "select url from articles")} >= set(lost)
    assert sql(archive, "select outcome from crawls") == [("interrupted",)]
    again = run_cli("check", "--archive", archive)
    assert again.returncode == 0 and again.stdout.strip().endswith("consistent"), again.stdout


def test_bad_pointer_and_corrupt_file_are_reported_not_repaired(archive: Path) -> None:
    sql(archive, "update captures set warc_offset = warc_offset + 1 where id = 1")
    [warc] = (archive / "warc").glob("*.warc.gz")
    broken = warc.with_name("archiver-29991231000000000000-00000-x.warc.gz")
    broken.write_bytes(warc.read_bytes()[:5000])
    result = run_cli("check", "--repair", "--archive", archive)
    assert result.returncode == 1
    kinds = {line.split(":")[0] for line in result.stdout.strip().splitlines()[:-1]}
    # the broken file is a truncated copy of the real one: its whole first record repeats
    assert kinds == {"bad-pointer", "corrupt-warc", "repeated-records"}, result.stdout
    assert "(archiver check --repair fixes it)" not in result.stdout
    assert broken.exists()  # never deleted


def test_a_pointer_to_a_record_found_elsewhere_is_repaired(archive: Path) -> None:
    # the record is whole, once, in the archive: --repair points the row at it, where the
    # advice was a reindex, which drops the crawl history
    sql(archive, "update captures set warc_offset = warc_offset + 1 where id = 3")
    found = run_cli("check", "--archive", archive)
    assert found.returncode == 1
    assert found.stdout.startswith("stale-pointer: "), found.stdout
    assert "(archiver check --repair fixes it)" in found.stdout
    repaired = run_cli("check", "--repair", "--archive", archive)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    again = run_cli("check", "--archive", archive)
    assert again.returncode == 0 and again.stdout.strip().endswith("consistent"), again.stdout
    [(url,)] = sql(archive, "select url from captures where id = 3")
    shown = run_cli("show", url, "--archive", archive)
    assert shown.returncode == 0, shown.stderr


@pytest.mark.parametrize("page", [4, 7, 39])
def test_a_damaged_index_page_is_reported(archive: Path, page: int) -> None:
    # one 4 KB page overwritten (a disk error); the header and schema still read, so the index
    # opens, and before the fix check went on to a traceback or called the archive consistent
    with (archive / "index.db").open("r+b") as fh:
        fh.seek(4096 * page)
        fh.write(b"\xa5" * 4096)
    for args in (["check"], ["check", "--repair"]):
        result = run_cli(*args, "--archive", archive)
        assert result.returncode == 1, result.stdout + result.stderr
        assert "Traceback" not in result.stderr
        assert result.stdout.startswith("corrupt-index: "), result.stdout
        assert "archiver reindex" in result.stdout


def test_one_damaged_record_is_one_problem_not_every_record_after_it(archive: Path) -> None:
    # one byte flipped inside one record's gzip member. Before, the scan stopped there and every
    # capture after it was a "bad pointer", every article after it "dangling" (35 problems)
    [warc] = (archive / "warc").glob("*.warc.gz")
    [(offset, url)] = sql(
        archive,
        "select warc_offset, url from captures where warc_type = 'response'"
        " order by warc_offset limit 1 offset 20",
    )
    data = bytearray(warc.read_bytes())
    data[int(offset) + 200] ^= 0xFF
    warc.write_bytes(bytes(data))
    result = run_cli("check", "--archive", archive)
    assert result.returncode == 1
    problems = result.stdout.strip().splitlines()[:-1]
    kinds = [line.split(":")[0] for line in problems]
    assert kinds.count("corrupt-warc") == 1, result.stdout
    assert set(kinds) <= {"corrupt-warc", "bad-pointer", "dangling-article"}, result.stdout
    assert all(str(url) in line for line in problems if not line.startswith("corrupt")), problems
    assert len(problems) <= 3, result.stdout


def test_a_missing_warc_file_is_named_once(archive: Path) -> None:
    # before: one bad-pointer line per capture, each advising a reindex (which would drop them)
    [warc] = (archive / "warc").glob("*.warc.gz")
    warc.unlink()
    result = run_cli("check", "--archive", archive)
    assert result.returncode == 1
    [problem, summary] = result.stdout.strip().splitlines()
    assert problem.startswith(f"missing-warc: {warc.name} is missing"), problem
    assert "restore it from a backup" in problem
    assert summary.endswith("1 problem(s)")


def test_a_copied_warc_file_is_named_not_taken_for_bad_pointers(archive: Path) -> None:
    [warc] = (archive / "warc").glob("*.warc.gz")
    shutil.copy(warc, archive / "warc" / "archiver-copy.warc.gz")
    result = run_cli("check", "--archive", archive)
    assert result.returncode == 1
    [problem, _] = result.stdout.strip().splitlines()
    assert problem.startswith("repeated-records: archiver-copy.warc.gz holds"), problem
    assert warc.name in problem


def test_no_archive_is_one_line_exit_2(tmp_path: Path) -> None:
    result = run_cli("check", "--archive", tmp_path / "none")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Error: no index at")
    assert len(result.stderr.strip().splitlines()) == 1


def test_repaired_captures_match_what_reindex_writes(tmp_path: Path) -> None:
    # A 304 is archived as a server-not-modified revisit holding the stored status line; the
    # crawl and `reindex` index it as status 304, and so must `check --repair`.
    from archiver.index import ArchiveIndex
    from archiver.index.seen import payload_digest
    from archiver.warc import WarcWriter
    from archiver.warc.writer import SERVER_NOT_MODIFIED, Revisit

    archive = tmp_path / "archive"
    body = b"<html>same bytes</html>"
    page = {
        "url": "http://a.test/",
        "request_headers": [],
        "response_headers": [("Content-Type", "text/html")],
        "ip_address": None,
    }
    with WarcWriter(archive / "warc") as writer:
        first = exchange(writer, **page, body=body)
        revisit = Revisit(
            profile=SERVER_NOT_MODIFIED,
            record_id=first.record_id,
            url="http://a.test/",
            date=first.date or "",
            payload_digest=payload_digest(body),
        )
        exchange(writer, **page, body=b"", revisit=revisit)
    ArchiveIndex(archive / "index.db").close()
    repaired = run_cli("check", "--repair", "--archive", archive)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    (tmp_path / "rebuilt").mkdir()
    rebuilt = run_cli("reindex", archive / "warc", "--out", tmp_path / "rebuilt" / "index.db")
    assert rebuilt.returncode == 0, rebuilt.stderr
    rows = "select warc_type, status from captures order by id"
    assert sql(archive, rows) == [("response", 200), ("revisit", 304)]
    assert sql(tmp_path / "rebuilt", rows) == sql(archive, rows)


def test_an_index_entry_that_disagrees_with_its_row_is_damage(archive: Path) -> None:
    """A byte changed in an index's page (a disk error) leaves the b-tree well formed: SQLite's
    ``quick_check`` passes it, ``integrity_check`` finds the row missing from the index, and a
    lookup through it misses the URL. check called that index consistent."""
    db_path = archive / "index.db"
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        db.execute("pragma wal_checkpoint(truncate)")
        [(page_size,)] = db.execute("pragma page_size")
        pages = [
            n
            for (n,) in db.execute("select pageno from dbstat where name = ?", ["idx_captures_url"])
        ]
        urls = [u for (u,) in db.execute("select url from captures order by url")]
    data = bytearray(db_path.read_bytes())
    for page in pages:
        start = (page - 1) * page_size
        chunk = bytes(data[start : start + page_size])
        url = next((u for u in urls if chunk.count(u.encode()) == 1 and u.endswith("/")), None)
        if url is not None:
            at = start + chunk.index(url.encode()) + len(url) - 1
            data[at] = ord("0")  # ".../" -> ".../0" sorts where it did
            break
    else:
        pytest.fail("no index page holds a URL once")
    db_path.write_bytes(bytes(data))
    with contextlib.closing(sqlite3.connect(db_path)) as db:
        assert db.execute("pragma quick_check").fetchall() == [("ok",)]
    result = run_cli("check", "--archive", archive)
    assert result.returncode == 1, result.stdout
    assert "corrupt-index" in result.stdout and "reindex" in result.stdout


def test_a_file_a_crawl_is_writing_is_left_to_it(archive: Path) -> None:
    """check beside a running crawl: the file it writes is not read, and the articles indexed
    from it were reported dangling, exit 1 (a cron'd check raised false alarms)."""
    import fcntl

    [warc] = (archive / "warc").glob("*.warc.gz")
    live = warc.with_name(warc.name + ".open")
    warc.rename(live)
    with live.open("rb") as held:
        fcntl.flock(held, fcntl.LOCK_EX)  # as the crawl's writer holds it
        result = run_cli("check", "--archive", archive)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("consistent")


def test_what_a_running_crawl_has_not_indexed_yet_is_left_to_it(archive: Path) -> None:
    """A running crawl indexes its records in batches, after they are written (and after the
    file they are in is rotated and closed): check reported them unindexed, exit 1, and
    --repair indexed them as no crawl's."""
    from archiver.locks import outlet_lock

    latest = sql(archive, "select record_id from captures order by captured_at desc limit 3")
    for (record_id,) in latest:
        sql(archive, "delete from captures where record_id = ?", record_id)
    sql(archive, "update crawls set outcome = 'running', finished_at = null")
    with outlet_lock(archive, "demo"):  # the crawl runs
        result = run_cli("check", "--archive", archive)
        assert result.returncode == 0, result.stdout + result.stderr
        repaired = run_cli("check", "--repair", "--archive", archive)
        assert repaired.returncode == 0, repaired.stdout + repaired.stderr
        assert "indexed capture" not in repaired.stdout
    assert len(sql(archive, "select id from captures where crawl_id is null")) == 0
    # the crawl is gone (killed): what it left unindexed is a problem again
    result = run_cli("check", "--archive", archive)
    assert result.returncode == 1
    assert result.stdout.count("unindexed-capture") == 3, result.stdout
