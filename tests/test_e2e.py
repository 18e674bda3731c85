"""End to end: a real crawl of the demo outlet, WARC read back with warcio, index queried."""

from __future__ import annotations

import gzip
import json
import sqlite3
import zlib
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.demo.site import DEMO_HOST, DemoSite
from archiver.warc import read_response
from tests.conftest import DemoRun, run_cli

BASE = f"http://{DEMO_HOST}"


def warc_records(archive: Path) -> list[dict[str, Any]]:
    records = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            it = ArchiveIterator(fh, check_digests=True)
            for rec in it:
                http = rec.http_headers
                raw = rec.raw_stream.read()  # before get_record_offset(), which ends the record
                records.append(
                    {
                        "file": path.name,
                        "offset": it.get_record_offset(),
                        "type": rec.rec_type,
                        "id": rec.rec_headers.get_header("WARC-Record-ID"),
                        "uri": rec.rec_headers.get_header("WARC-Target-URI"),
                        "ip": rec.rec_headers.get_header("WARC-IP-Address"),
                        "concurrent_to": rec.rec_headers.get_header("WARC-Concurrent-To"),
                        "status": int(http.get_statuscode())
                        if rec.rec_type == "response"
                        else None,
                        "headers": list(http.headers) if http else [],
                        "raw": raw,
                        "digest_ok": rec.digest_checker.passed is not False,
                    }
                )
    return records


@pytest.fixture(scope="module")
def records(demo_archive: Path) -> list[dict[str, Any]]:
    return warc_records(demo_archive)


@pytest.fixture(scope="module")
def db(demo_archive: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(demo_archive / "index.db")
    conn.row_factory = sqlite3.Row
    return conn


def header(rec: dict[str, Any], name: str) -> list[str]:
    return [v for k, v in rec["headers"] if k.lower() == name.lower()]


def resp_by_path(records: list[dict[str, Any]], path: str) -> dict[str, Any]:
    return responses(records)[BASE + path]


def responses(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["uri"]: r for r in records if r["type"] == "response"}


def test_warc_files_finished_and_start_with_warcinfo(demo_archive: Path) -> None:
    files = sorted((demo_archive / "warc").iterdir())
    assert files and all(f.name.endswith(".warc.gz") for f in files)
    assert all(f.name.startswith("archiver-") for f in files)
    for f in files:
        with f.open("rb") as fh:
            first = next(iter(ArchiveIterator(fh)))
            assert first.rec_type == "warcinfo"
            assert first.rec_headers.get_header("WARC-Filename") == f.name


def test_every_exchange_has_request_and_response(records: list[dict[str, Any]]) -> None:
    by_id = {r["id"]: r for r in records}
    # a revisit stands for a response whose payload an earlier record holds
    resp = [r for r in records if r["type"] in ("response", "revisit")]
    reqs = [r for r in records if r["type"] == "request"]
    assert len(resp) == len(reqs) > 40
    for req in reqs:
        assert by_id[req["concurrent_to"]]["type"] in ("response", "revisit")
    assert all(r["digest_ok"] for r in records)
    assert all(r["ip"] == "127.0.0.1" for r in resp)
    assert all(r["uri"].startswith(BASE) for r in resp)


def test_robots_redirect_404_archived_and_robots_obeyed(records: list[dict[str, Any]]) -> None:
    resp = responses(records)
    assert resp[f"{BASE}/robots.txt"]["status"] == 200
    statuses = {r["status"] for r in resp.values()}
    assert {200, 301, 404} <= statuses
    redirect = next(r for r in resp.values() if r["status"] == 301)
    target = header(redirect, "Location")[0]
    assert (target if target.startswith("http") else BASE + target) in resp
    assert not any("/wp-admin/" in uri for uri in resp)


def test_robots_txt_is_fetched_once(records: list[dict[str, Any]]) -> None:
    """The robots middleware's copy serves the ``robots`` source (its ``Sitemap:`` lines) too:
    one exchange, not a second download kept as a revisit. (test_discovery: the lines are
    followed.)"""
    exchanges = [r for r in records if r["uri"] == f"{BASE}/robots.txt"]
    assert sorted(r["type"] for r in exchanges) == ["request", "response"]


def test_bodies_are_stored_as_downloaded(records: list[dict[str, Any]]) -> None:
    resp = [r for r in records if r["type"] == "response" and r["status"] == 200]
    gzipped = [r for r in resp if header(r, "Content-Encoding") == ["gzip"]]
    assert len(gzipped) > 30
    for r in gzipped:
        assert r["raw"][:2] == b"\x1f\x8b"
        decoded = zlib.decompress(r["raw"], 31)
        if header(r, "Content-Type")[0].startswith("text/html"):
            assert b"<html" in decoded.lower()
        elif header(r, "Content-Type")[0].startswith("text/css"):  # the pages' stylesheet
            assert b"body {" in decoded
        else:  # feeds and sitemaps
            assert decoded.lstrip().startswith((b"<?xml", b"{"))
    for r in resp:
        assert header(r, "Transfer-Encoding") == []
        assert header(r, "Content-Length") == [str(len(r["raw"]))]
    # The demo sends listings chunked. Twisted keeps connection-control headers
    # (Transfer-Encoding, Content-Length, Connection) from Scrapy, so the record carries the
    # de-chunked body with a Content-Length that matches it (checked above for every response).
    listing = resp_by_path(records, "/category/world/")
    assert listing["raw"][:2] == b"\x1f\x8b" and header(listing, "Content-Encoding") == ["gzip"]
    article = next(r for r in gzipped if len(header(r, "Link")) == 2)
    assert article


def test_index_holds_every_demo_article(db: sqlite3.Connection) -> None:
    site = DemoSite()
    rows = db.execute("select * from articles").fetchall()
    urls = {r["url"] for r in rows}
    assert {f"{BASE}/{a.slug}/" for a in site.articles} <= urls
    assert len(rows) >= 30
    for r in rows:
        assert r["title"] and r["body"] and r["published"]
        assert json.loads(r["authors"]), r["url"]
        assert r["outlet"] == "demo"
        if r["dateline_raw"]:
            assert r["dateline_place"] and r["dateline_date"] and r["dateline_agency"], r["url"]
            assert r["dateline_date"] == r["published"][:10]
    by_url = {r["url"]: r for r in rows}
    for a in site.articles:
        row = by_url[f"{BASE}/{a.slug}/"]
        assert row["title"] == a.title
        assert json.loads(row["authors"]) == list(a.authors)
        assert row["published"][:10] == a.published[:10]
        assert json.loads(row["section"]) == list(a.section)
        assert (row["dateline_raw"] or None) == a.dateline


def test_article_rows_point_at_their_exact_warc_record(
    demo_archive: Path, db: sqlite3.Connection
) -> None:
    rows = db.execute(
        "select a.url, a.title, a.record_id, c.warc_file, c.warc_offset, c.warc_length, c.status "
        "from articles a join captures c on c.id = a.capture_id"
    ).fetchall()
    assert len(rows) >= 30
    for r in rows:
        path = demo_archive / "warc" / r["warc_file"]
        response = read_response(path, r["warc_offset"])
        assert response.record_id == r["record_id"]
        assert response.url == r["url"] and response.status == r["status"] == 200
        assert r["title"].encode() in response.payload or b"&" in response.payload
        with path.open("rb") as fh:
            fh.seek(r["warc_offset"])
            member = fh.read(r["warc_length"])
        assert gzip.decompress(member).startswith(b"WARC/1.1\r\n")


def test_crawl_row_records_the_run(db: sqlite3.Connection) -> None:
    (crawl,) = db.execute("select * from crawls").fetchall()
    assert crawl["outlet"] == "demo" and crawl["outcome"] == "finished"
    assert crawl["articles"] >= 30 and crawl["pages"] > crawl["articles"]
    assert crawl["warc_bytes"] > 0 and crawl["finished_at"]
    captures = db.execute("select count(*) from captures").fetchone()[0]
    assert captures == crawl["pages"]
    batches = json.loads(crawl["stats"])["archiver/index/batches"]
    assert 0 < batches < captures, "index rows are written in batches, not one by one"


def test_search_and_show(demo_archive: Path) -> None:
    site = DemoSite()
    seed_url = f"{BASE}/{site.seed_article.slug}/"
    found = run_cli("search", "human rights", "--archive", demo_archive)
    assert found.returncode == 0, found.stderr
    assert seed_url in found.stdout.replace("\n", "")
    shown = run_cli("show", seed_url, "--archive", demo_archive)
    assert shown.returncode == 0, shown.stderr
    assert "<html" in shown.stdout and site.seed_article.title in shown.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("show", f"{BASE}/no-such-article/"),
        ("show", "not a url"),
        ("search", '"human rights'),
        ("search", "AND"),
        ("search", "   "),
    ],
)
def test_bad_input_is_one_line_and_exit_2(demo_archive: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args, "--archive", demo_archive)
    assert result.returncode == 2
    assert result.stderr.startswith("Error: ")
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_scrapy_crawl_runs_the_same_chain(scrapy_demo_archive: Path) -> None:
    conn = sqlite3.connect(scrapy_demo_archive / "index.db")
    try:
        assert conn.execute("select count(*) from articles").fetchone()[0] == len(
            DemoSite().articles
        )
    finally:
        conn.close()
    assert list((scrapy_demo_archive / "warc").glob("*.warc.gz"))


def test_demo_command_prints_paths_and_a_sample_query(demo_run: DemoRun) -> None:
    archive, out = demo_run.archive, demo_run.output.stdout
    assert f"WARC files: {archive / 'warc'}/" in out
    assert f"Index:      {archive / 'index.db'}" in out
    assert 'Sample query: archiver search "human rights"' in out
    assert f"archiver show {BASE}/{DemoSite().seed_article.slug}/" in out
    # A first crawl is no incremental one, though the author photos (one image) are archived as
    # revisits of the first
    assert "Incremental:" not in out
    assert "Revisit records: 4 (payloads the archive held already: not stored again)" in out
