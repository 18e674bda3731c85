"""An article archived as a revisit record: the same page under two URLs (a story filed under
two sections, byte for byte), the second capture a revisit of the first. Every command that
reads articles' captures back must read its payload from the record it refers to."""

from __future__ import annotations

import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.replay.tools import ReplayTools
from tests.conftest import run_cli
from tests.localserver import ReplyHandler, serving

SLUG = "2024/03/05/council-approves-school-budget/"
ARTICLE = b"""<!doctype html><html lang="en"><head>
<title>Council approves the new budget for schools</title>
<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Council approves the
new budget for schools", "datePublished": "2024-03-05T10:00:00Z", "author": {"@type": "Person",
"name": "Jane Roe"}}</script></head><body><article>
<h1>Council approves the new budget for schools</h1>
<p>The city council approved on Tuesday a budget that gives the schools of the district more
money than in any year before, after a debate that lasted until midnight.</p>
<p>Teachers had asked for the raise for three years, and the vote was fourteen to three in
favour of it, the mayor said after the session.</p>
<p>The budget takes effect in April and runs for two years, with a review after its first
year.</p></article></body></html>"""


class TwoSections(ReplyHandler):
    def do_GET(self) -> None:
        if self.path == "/":
            links = f'<a href="/news/{SLUG}">one</a> <a href="/world/{SLUG}">two</a>'
            self.send(200, f"<html><body><main>{links}</main></body></html>".encode())
        elif self.path in (f"/news/{SLUG}", f"/world/{SLUG}"):
            self.send(200, ARTICLE)
        else:
            self.send(404, b"not found")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with serving(TwoSections) as address:
        yield address


@pytest.fixture(scope="module")
def archive(server: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("revisit") / "archive"
    result = run_cli("crawl", f"http://{server}/", "--archive", archive)
    assert result.returncode == 0, result.stderr
    return archive


def captures(db: Path) -> dict[str, tuple[str | None, str | None]]:
    """Article URL: the type and record id of its capture."""
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "select a.url, c.warc_type, a.record_id from articles a"
            " left join captures c on c.record_id = a.record_id"
        ).fetchall()
    return {url: (kind, record_id) for url, kind, record_id in rows}


def test_one_article_is_a_revisit(archive: Path) -> None:
    kinds = sorted(kind or "" for kind, _ in captures(archive / "index.db").values())
    assert kinds == ["response", "revisit"]


def test_reindex_links_it_to_its_revisit_record(archive: Path, tmp_path: Path) -> None:
    result = run_cli("reindex", archive / "warc", "--out", tmp_path / "new.db")
    assert result.returncode == 0, result.stderr
    assert captures(tmp_path / "new.db") == captures(archive / "index.db")


def test_reindex_re_extract_reads_the_payload_it_refers_to(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "new.db"
    result = run_cli("reindex", archive / "warc", "--out", out, "--re-extract")
    assert result.returncode == 0, result.stderr
    assert captures(out) == captures(archive / "index.db")


def test_reextract_extracts_it(archive: Path) -> None:
    result = run_cli("reextract", "--archive", archive)
    assert result.returncode == 0, result.stderr
    assert "2 articles indexed" in result.stdout
    assert len(captures(archive / "index.db")) == 2


def test_export_wacz_packs_it_with_its_original(archive: Path, tmp_path: Path) -> None:
    if not ReplayTools().installed():
        pytest.fail("the replay tools are not installed: run make replay-tools")
    out = tmp_path / "dup.wacz"
    result = run_cli("export-wacz", out, "--archive", archive)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf, zf.open("archive/pages.warc.gz") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Record-ID"))
            for r in ArchiveIterator(fh)
            if r.rec_type in ("response", "revisit")
        ]
    assert sorted(kind for kind, _ in records) == ["response", "revisit"]
    assert {rid for _, rid in records} == {
        rid for _, rid in captures(archive / "index.db").values()
    }


def test_reindex_re_extract_keeps_each_revisits_outlet(
    archive: Path, server: str, tmp_path: Path
) -> None:
    """With two outlets in the WARC files, an article archived as a revisit had no outlet in a
    rebuilt index (its record's warcinfo was not read): --outlet, stats and export missed it."""
    both = tmp_path / "archive"
    shutil.copytree(archive, both)
    port = server.rsplit(":", 1)[1]
    result = run_cli("crawl", f"http://localhost:{port}/", "--archive", both)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "new.db"
    result = run_cli("reindex", both / "warc", "--out", out, "--re-extract")
    assert result.returncode == 0, result.stderr
    query = "select url, outlet from articles order by url"
    with sqlite3.connect(both / "index.db") as live, sqlite3.connect(out) as rebuilt:
        expected = live.execute(query).fetchall()
        assert {outlet for _, outlet in expected} == {"127.0.0.1", "localhost"}
        assert rebuilt.execute(query).fetchall() == expected
