"""Recovery of the `.open` WARC files a killed crawl leaves: cut after the last whole record,
finish, never touch a file a live writer holds."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
from pathlib import Path

import pytest

from archiver.warc.recover import good_prefix, recover_file, recover_open_files
from tests.conftest import run_cli
from tests.test_verify_archive import VERIFIER
from tests.test_warc import exchange, make_writer, members, record_types


def finished_warc(tmp_path: Path, exchanges: int = 3) -> Path:
    writer = make_writer(tmp_path / "src")
    for i in range(exchanges):
        exchange(writer, url=f"https://news.example/story-{i}")
    [path] = writer.close()
    return Path(path)


def as_orphan(source: Path, directory: Path, cut: int | None = None, tail: bytes = b"") -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / (source.name + ".open")
    data = source.read_bytes()
    target.write_bytes((data if cut is None else data[:cut]) + tail)
    return target


def boundaries(path: Path) -> list[int]:
    """Offsets at which each gzip member ends."""
    return [offset + length for offset, length, _ in members(path)]


def test_good_prefix_of_a_whole_file_is_all_of_it(tmp_path: Path) -> None:
    path = finished_warc(tmp_path)
    assert good_prefix(path) == (7, path.stat().st_size)  # warcinfo + 3 x (response, request)


@pytest.mark.parametrize("where", ["mid-record", "mid-header", "one byte short", "at boundary"])
def test_cut_after_the_last_whole_record(tmp_path: Path, where: str) -> None:
    source = finished_warc(tmp_path)
    ends = boundaries(source)
    cut = {
        "mid-record": (ends[4] + ends[5]) // 2,
        "mid-header": ends[4] + 15,
        "one byte short": ends[5] - 1,
        "at boundary": ends[5],
    }[where]
    orphan = as_orphan(source, tmp_path / "warc", cut)
    [result] = recover_open_files(tmp_path / "warc")
    assert not orphan.exists() and result.path == tmp_path / "warc" / source.name
    expected = 6 if where == "at boundary" else 5
    assert result.records == expected
    assert result.path.stat().st_size == ends[expected - 1]
    assert result.path.read_bytes() == source.read_bytes()[: ends[expected - 1]]
    assert len(record_types(result.path)) == expected
    assert "recovered" in result.describe()


def test_garbage_after_the_last_record_is_cut(tmp_path: Path) -> None:
    source = finished_warc(tmp_path)
    orphan = as_orphan(source, tmp_path / "warc", tail=b"\x1f\x8b\x08\x00garbage")
    result = recover_file(orphan)
    assert result.records == 7 and result.cut_bytes == len(b"\x1f\x8b\x08\x00garbage")
    assert result.path is not None and result.path.read_bytes() == source.read_bytes()


def test_a_member_whose_record_is_short_of_its_content_length_is_cut(tmp_path: Path) -> None:
    """A gzip member that ends cleanly but holds a record shorter than its Content-Length."""
    source = finished_warc(tmp_path)
    _, _, raw = list(members(source))[1]
    bad = gzip.compress(raw[:-200])
    orphan = as_orphan(source, tmp_path / "warc", tail=bad)
    result = recover_file(orphan)
    assert result.records == 7 and result.cut_bytes == len(bad)


def test_a_file_without_a_whole_warcinfo_is_removed(tmp_path: Path) -> None:
    source = finished_warc(tmp_path)
    orphan = as_orphan(source, tmp_path / "warc", boundaries(source)[0] - 3)
    result = recover_file(orphan)
    assert result.path is None and not orphan.exists() and "removed" in result.describe()
    empty = as_orphan(source, tmp_path / "warc", 0)
    assert recover_file(empty).path is None and not empty.exists()


def test_a_file_being_written_is_left_alone(tmp_path: Path) -> None:
    writer = make_writer(tmp_path / "warc")
    exchange(writer)
    assert writer.open_path is not None
    assert recover_open_files(tmp_path / "warc") == []
    assert os.path.exists(writer.open_path)
    writer.close()


@pytest.mark.slow
@pytest.mark.skipif(not VERIFIER.exists(), reason="../shared/tools/verify_archive is not present")
def test_recovered_crawl_file_passes_the_shared_verifier(
    demo_archive: Path, tmp_path: Path
) -> None:
    source = max((demo_archive / "warc").glob("*.warc.gz"), key=lambda p: p.stat().st_size)
    ends = boundaries(source)
    as_orphan(source, tmp_path / "warc", (ends[-3] + ends[-2]) // 2)
    [result] = recover_open_files(tmp_path / "warc")
    assert result.records == len(ends) - 2
    report = tmp_path / "verify.json"
    proc = subprocess.run(
        ["bash", str(VERIFIER), str(tmp_path / "warc"), "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    assert json.loads(report.read_text())["ok"]


def test_the_next_crawl_recovers_a_killed_crawls_file(tmp_path: Path) -> None:
    source = finished_warc(tmp_path)
    orphan = as_orphan(source, tmp_path / "archive" / "warc", boundaries(source)[5] + 10)
    result = run_cli("crawl", "demo", "--archive", tmp_path / "archive", "--max-articles", "1")
    assert result.returncode == 0, result.stderr
    assert f"recovered {source.name}: 6 complete records" in result.stderr
    assert not orphan.exists() and (tmp_path / "archive" / "warc" / source.name).exists()
    assert not list((tmp_path / "archive" / "warc").glob("*.open"))
