"""Metadata records in the WARC files, and an index rebuilt from the WARC files alone."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.exceptions import WarcError
from archiver.reindex import reindex
from archiver.warc import WarcWriter
from tests.conftest import run_cli

IGNORED = {"id", "crawl_id", "capture_id", "indexed_at"}


def table(db: Path, name: str, key: str) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(f"select * from {name}").fetchall()  # names are fixed above
    finally:
        conn.close()
    return {r[key]: {k: v for k, v in dict(r).items() if k not in IGNORED} for r in rows}


@pytest.fixture(scope="module")
def rebuilt(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("reindex") / "new.db"
    result = run_cli("reindex", demo_archive / "warc", "--out", out)
    assert result.returncode == 0, result.stderr
    assert "articles" in result.stdout
    return out


def test_metadata_record_per_article_refers_to_its_response(demo_archive: Path) -> None:
    responses: dict[str, str] = {}
    metadata = []
    for path in sorted((demo_archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh, check_digests=True):
                headers = rec.rec_headers
                if rec.rec_type == "response":
                    responses[headers.get_header("WARC-Record-ID")] = headers.get_header(
                        "WARC-Target-URI"
                    )
                elif rec.rec_type == "metadata":
                    metadata.append(
                        (dict(headers.headers), json.loads(rec.content_stream().read()))
                    )
    articles = table(demo_archive / "index.db", "articles", "url")
    assert len(metadata) == len(articles) >= 30
    for headers, data in metadata:
        assert headers["Content-Type"] == "application/json"
        url = responses[headers["WARC-Refers-To"]]
        assert url == data["url"] == headers["WARC-Refers-To-Target-URI"]
        assert headers["WARC-Target-URI"] == WarcWriter.METADATA_URI_PREFIX + url
        assert "capture" not in data and data["extractor_version"]
        assert articles[url]["title"] == data["title"]


def test_write_metadata_rotates_like_exchanges(tmp_path: Path) -> None:
    with WarcWriter(tmp_path, max_size=1, hostname="h") as writer:
        ref = writer.write_exchange(
            url="http://example.test/a#x",
            method="GET",
            request_headers=[],
            request_body=b"",
            status=200,
            reason=None,
            protocol="HTTP/1.1",
            response_headers=[("Content-Type", "text/html")],
            body=b"<html></html>",
            ip_address=None,
        )
        meta = writer.write_metadata(
            url="http://example.test/a#x",
            refers_to=ref.record_id,
            payload=b'{"title": "A"}',
            content_type="application/json",
        )
    assert meta.warc_file != ref.warc_file  # max_size=1: each write finishes its file
    with (tmp_path / meta.warc_file).open("rb") as fh:
        fh.seek(meta.offset)
        rec = next(iter(ArchiveIterator(fh)))
        assert rec.rec_type == "metadata"
        assert rec.rec_headers.get_header("WARC-Refers-To") == ref.record_id
        assert rec.rec_headers.get_header("WARC-Refers-To-Target-URI") == "http://example.test/a"
        assert rec.content_stream().read() == b'{"title": "A"}'


def test_reindex_gives_the_live_article_and_capture_rows(demo_archive: Path, rebuilt: Path) -> None:
    live, new = demo_archive / "index.db", rebuilt
    live_articles, new_articles = table(live, "articles", "url"), table(new, "articles", "url")
    assert live_articles.keys() == new_articles.keys()
    for url, row in live_articles.items():
        for field, value in row.items():
            assert new_articles[url][field] == value, (url, field)
    assert table(live, "captures", "record_id") == table(new, "captures", "record_id")
    conn = sqlite3.connect(new)
    try:
        ((outcome, pages, articles),) = conn.execute("select outcome, pages, articles from crawls")
        linked = conn.execute(
            "select count(*) from articles a join captures c on c.id = a.capture_id"
            " where c.record_id = a.record_id"
        ).fetchone()[0]
    finally:
        conn.close()
    assert outcome == "reindex" and pages == len(table(new, "captures", "record_id"))
    assert articles == linked == len(live_articles)


def test_reindex_of_revisits_gives_the_crawls_capture_rows(
    demo_archive: Path, tmp_path: Path
) -> None:
    """A 304 archived as a revisit: its capture row's Content-Type is the record's (the
    stored headers the 304 freshened), in the crawl's index as in one rebuilt from the WARC
    files. The crawl had written the 304's own, which it has none of."""
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    again = run_cli("demo", "--edition", "2", "--revisit-after", "1s", "--archive", archive)
    assert again.returncode == 0, again.stderr
    out = tmp_path / "rebuilt.db"
    result = run_cli("reindex", archive / "warc", "--out", out)
    assert result.returncode == 0, result.stderr
    live = table(archive / "index.db", "captures", "record_id")
    assert sum(1 for row in live.values() if row["status"] == 304) >= 10
    assert table(out, "captures", "record_id") == live


def test_re_extract_gives_the_same_titles_authors_dates(demo_archive: Path, tmp_path: Path) -> None:
    summary = reindex(demo_archive / "warc", tmp_path / "x.db", re_extract=True)
    assert summary.from_metadata == 0 and summary.re_extracted == summary.articles
    live = table(demo_archive / "index.db", "articles", "url")
    new = table(tmp_path / "x.db", "articles", "url")
    # Every article comes back. Listing pages the crawl never extracted are extracted now and
    # may come back too when the extractor takes one for an article (/category/world/page/3/).
    assert live.keys() <= new.keys()
    for url, row in live.items():
        for field in ("title", "authors", "published", "modified", "dateline_raw", "outlet"):
            assert new[url][field] == row[field], (url, field)


def test_existing_out_is_kept_without_force(demo_archive: Path, rebuilt: Path) -> None:
    before = rebuilt.read_bytes()
    result = run_cli("reindex", demo_archive / "warc", "--out", rebuilt)
    assert result.returncode == 2 and "--force" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert rebuilt.read_bytes() == before


@pytest.mark.parametrize("out", ["index.db", "index.db-wal", "warc/new.db"])
def test_force_does_not_replace_the_archives_own_index(
    demo_archive: Path, tmp_path: Path, out: str
) -> None:
    # the index holds what the WARC files do not (crawl history, seen URLs): it is rebuilt
    # beside the archive and moved in by hand, never overwritten in place
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive / "warc", archive / "warc")
    shutil.copy(demo_archive / "index.db", archive / "index.db")
    before = (archive / "index.db").read_bytes()
    result = run_cli("reindex", archive / "warc", "--out", archive / out, "--force")
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "archive's" in result.stderr and "new.db" in result.stderr
    assert (archive / "index.db").read_bytes() == before
    assert not (archive / "warc" / "new.db").exists()


def test_a_copy_of_a_warc_file_in_the_directory_is_refused(
    demo_archive: Path, tmp_path: Path
) -> None:
    # its records repeat the original's: the captures went to whichever file came last, and
    # `check` then told to move the copy out, which left them pointing at nothing
    warc = tmp_path / "warc"
    shutil.copytree(demo_archive / "warc", warc)
    [original] = sorted(warc.glob("*.warc.gz"))
    shutil.copy(original, warc / f"copy-of-{original.name}")
    out = tmp_path / "new.db"
    result = run_cli("reindex", warc, "--out", out)
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert f"copy-of-{original.name}" in result.stderr and "move" in result.stderr
    assert not out.exists()


def test_force_replaces(demo_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.db"
    out.write_bytes(b"not a database")
    summary = reindex(demo_archive / "warc", out, force=True)
    assert summary.articles >= 30
    assert table(out, "crawls", "id")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.db"]


@pytest.mark.parametrize("damage", ["cut-middle", "cut-trailer", "garbage"])
def test_corrupt_warc_is_one_line_and_leaves_nothing(
    demo_archive: Path, tmp_path: Path, damage: str
) -> None:
    (source,) = sorted((demo_archive / "warc").glob("*.warc.gz"))[:1]
    warc_dir = tmp_path / "warc"
    warc_dir.mkdir()
    broken = warc_dir / source.name
    shutil.copy(source, broken)
    data = source.read_bytes()
    if damage == "cut-middle":
        broken.write_bytes(data[: len(data) // 2])
    elif damage == "cut-trailer":
        broken.write_bytes(data[:-6])
    else:
        half = len(data) // 2
        broken.write_bytes(data[:half] + b"\xff" * 64 + data[half + 64 :])
    out = tmp_path / "out" / "new.db"
    result = run_cli("reindex", warc_dir, "--out", out)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("Error: ") and str(broken) in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not out.exists()
    assert not list(out.parent.iterdir())


def test_garbage_anywhere_is_an_error_not_a_silent_cut(
    demo_archive: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """warcio reports a gzip member that breaks mid-way on stderr and reads on; reindex must
    turn that, and warcio's AttributeError on garbled WARC headers, into a WarcError."""
    (source,) = sorted((demo_archive / "warc").glob("*.warc.gz"))[:1]
    data = source.read_bytes()
    for n, pos in enumerate(range(0, len(data) - 64, len(data) // 25)):
        warc_dir = tmp_path / f"w{n}"
        warc_dir.mkdir()
        (warc_dir / source.name).write_bytes(data[:pos] + b"\xff" * 64 + data[pos + 64 :])
        with pytest.raises(WarcError):
            reindex(warc_dir, tmp_path / f"out{n}.db")
    assert capfd.readouterr().err == ""


def test_sigterm_leaves_no_temporary_index(demo_archive: Path, tmp_path: Path) -> None:
    """SIGTERM's default action ended the process with no exception: the temporary index (named
    with the pid, so never cleaned up by a later run) stayed beside --out."""
    import signal
    import subprocess
    import sys
    import time

    from tests.conftest import REPO

    out = tmp_path / "new.db"
    args = ["reindex", str(demo_archive / "warc"), "--out", str(out), "--re-extract"]
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver", *args], cwd=REPO, stderr=subprocess.PIPE, text=True
    )
    deadline = time.monotonic() + 60
    while not list(tmp_path.glob(".new.db.*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.005)
    assert list(tmp_path.glob(".new.db.*.tmp")), "the temporary index never appeared"
    proc.send_signal(signal.SIGTERM)
    _, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 143, stderr
    assert "Traceback" not in stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == []
