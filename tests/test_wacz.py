"""`archiver export-wacz`: a WACZ of the demo archive's articles that `wacz validate` accepts."""

from __future__ import annotations

import io
import json
import sqlite3
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replay.tools import ReplayTools
from archiver.warc import read_response
from tests.conftest import run_cli

TOOLS = ReplayTools()


def articles(archive: Path, where: str = "1 = 1") -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(archive / "index.db")
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "select a.title, a.body, a.published, c.url, c.record_id, c.captured_at,"
            f" c.warc_file, c.warc_offset from articles a join captures c"
            f" on c.record_id = a.record_id where {where}"
        ).fetchall()
    finally:
        conn.close()
    return {r["url"]: dict(r) for r in rows}


@pytest.fixture(scope="module")
def wacz(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not TOOLS.installed():
        pytest.fail("the replay tools are not installed: run make replay-tools")
    out = tmp_path_factory.mktemp("wacz") / "demo.wacz"
    result = run_cli("export-wacz", "--archive", demo_archive, out)
    assert result.returncode == 0, result.stderr
    assert "wacz validate passed" in result.stdout
    return out


def test_wacz_validates(wacz: Path) -> None:
    proc = subprocess.run(
        [str(TOOLS.bin("wacz")), "validate", "-f", str(wacz)],
        capture_output=True,
        text=True,
        env=TOOLS.env(),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "is valid" in proc.stdout


def test_pages_list_every_article_with_text(wacz: Path, demo_archive: Path) -> None:
    expected = articles(demo_archive)
    assert len(expected) >= 30
    with zipfile.ZipFile(wacz) as zf:
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
        datapackage = json.loads(zf.read("datapackage.json"))
    header, pages = json.loads(lines[0]), [json.loads(line) for line in lines[1:]]
    assert header["format"] == "json-pages-1.0"
    assert header["hasText"] is True
    assert {p["url"] for p in pages} == set(expected)
    for page in pages:
        row = expected[page["url"]]
        assert page["title"] == row["title"]
        assert page["text"] == row["body"]
        assert page["text"].strip()
        assert page["ts"] == row["captured_at"]
    assert {r["path"] for r in datapackage["resources"]} >= {
        "pages/pages.jsonl",
        "archive/pages.warc.gz",
        "indexes/index.cdx.gz",
    }


def captures(archive: Path) -> dict[str, dict[str, Any]]:
    conn = sqlite3.connect(archive / "index.db")
    conn.row_factory = sqlite3.Row
    try:
        return {r["record_id"]: dict(r) for r in conn.execute("select * from captures")}
    finally:
        conn.close()


def test_wacz_records_are_the_archived_bytes(wacz: Path, demo_archive: Path) -> None:
    expected, known = articles(demo_archive), captures(demo_archive)
    with zipfile.ZipFile(wacz) as zf:
        warc = zf.read("archive/pages.warc.gz")
    seen: dict[str, list[str]] = {}
    for record in ArchiveIterator(io.BytesIO(warc)):
        url = record.rec_headers.get_header("WARC-Target-URI")
        seen.setdefault(record.rec_type, []).append(url)
        if record.rec_type in ("response", "revisit"):
            row = known[record.rec_headers.get_header("WARC-Record-ID")]
            assert row["url"] == url
        if record.rec_type == "response":
            archived = read_response(demo_archive / "warc" / row["warc_file"], row["warc_offset"])
            assert record.content_stream().read() == archived.payload
    pages = [u for u in seen["response"] if "/wp-content/" not in u]
    assert sorted(pages) == sorted(expected)
    loaded = seen["response"] + seen["revisit"]
    assert sorted(seen["request"]) == sorted(loaded)  # each response with its request
    # ours, then the warcinfo of each archive file the records come from, which they name
    assert len(seen["warcinfo"]) == 1 + len(list((demo_archive / "warc").glob("*.warc.gz")))
    infos, named = set(), set()
    for record in ArchiveIterator(io.BytesIO(warc)):
        if record.rec_type == "warcinfo":
            infos.add(record.rec_headers.get_header("WARC-Record-ID"))
        elif record.rec_headers.get_header("WARC-Warcinfo-ID"):
            named.add(record.rec_headers.get_header("WARC-Warcinfo-ID"))
    assert named and named <= infos
    # what the pages load: the stylesheet, and each author's photo (the demo's photos are one
    # image: one response record, the others revisits of it, which the WACZ holds too)
    assert sum("style.css" in u for u in seen["response"]) == 1
    photos = {u for u in loaded if u.endswith(".png")}
    assert len(photos) >= 5
    assert all(u.endswith(".png") for u in seen["revisit"])


def test_wacz_without_resources(demo_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "pages-only.wacz"
    result = run_cli("export-wacz", "--archive", demo_archive, out, "--no-resources")
    assert result.returncode == 0, result.stderr
    assert " and 0 captures of what they load," in result.stdout
    with zipfile.ZipFile(out) as zf:
        warc = zf.read("archive/pages.warc.gz")
    urls = [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(io.BytesIO(warc))]
    assert not any("/wp-content/" in u for u in urls if u)


def test_filters_select_articles(demo_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "asia.wacz"
    result = run_cli(
        "export-wacz", "--archive", demo_archive, out, "--outlet", "demo", "--since", "2024-01-01"
    )
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        lines = zf.read("pages/pages.jsonl").decode().splitlines()[1:]
    urls = {json.loads(line)["url"] for line in lines}
    expected = articles(demo_archive, "substr(a.published, 1, 10) >= '2024-01-01'")
    assert urls == set(expected)
    assert 0 < len(urls) < len(articles(demo_archive))


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--outlet", "nowhere"), "unknown outlet 'nowhere'"),
        (("--since", "2999-01-01"), "no archived article"),
        (("--since", "yesterday"), "--since"),
    ],
)
def test_bad_selection_is_one_line_error(
    demo_archive: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "x.wacz"
    result = run_cli("export-wacz", "--archive", demo_archive, out, *args)
    assert result.returncode == 2
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()


def test_refuses_existing_output(demo_archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.wacz"
    out.write_bytes(b"keep me")
    result = run_cli("export-wacz", "--archive", demo_archive, out)
    assert result.returncode == 2
    assert "--force" in result.stderr
    assert out.read_bytes() == b"keep me"


def test_a_page_is_read_in_the_encoding_the_crawl_read_it_in() -> None:
    """A charset declared in <meta> only: the export read the page as UTF-8 and looked for
    the captures of mangled image names."""
    from scrapy.http import HtmlResponse

    from archiver.discovery.resources import html_resources
    from archiver.replay.wacz import _as_crawled
    from archiver.warc import ArchivedResponse

    body = "<meta charset='windows-1251'><img src='/img/кот.jpg'>".encode("cp1251")
    page = ArchivedResponse(
        url="http://news.example.org/a/",
        record_id="<urn:uuid:1>",
        date="2024-05-01T00:00:00Z",
        status=200,
        status_line="HTTP/1.1 200 OK",
        headers=[("Content-Type", "text/html")],
        entity=body,
        payload=body,
        record_headers=[],
    )
    encoding = _as_crawled(page, HtmlResponse).encoding
    assert encoding == "cp1251"
    assert html_resources(body, page.url, encoding) == [
        "http://news.example.org/img/%D0%BA%D0%BE%D1%82.jpg"
    ]
