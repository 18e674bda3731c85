"""The SQLite index: schema, capture and article rows, full-text search, errors."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.exceptions import IndexQueryError, NotFoundError
from archiver.index import SCHEMA_VERSION, ArchiveIndex
from archiver.items import Article, CaptureRef, Dateline


def make_ref(n: int) -> CaptureRef:
    return CaptureRef(
        record_id=f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>",
        warc_file="archiver-20240102030405000000-00000-host.warc.gz",
        offset=100 * n,
        length=90,
        payload_digest="sha1:ABC",
        date="2024-01-02T03:04:05Z",
    )


@pytest.fixture
def index(tmp_path: Path) -> ArchiveIndex:
    ix = ArchiveIndex(tmp_path / "index.db")
    yield ix
    ix.close()


def add(index: ArchiveIndex, n: int, crawl_id: int, **fields: object) -> int:
    ref = make_ref(n)
    url = f"http://demo-insight.test/article-{n}/"
    index.add_capture(
        ref,
        url=url,
        status=200,
        content_type="text/html",
        captured_at=ref.date or "",
        crawl_id=crawl_id,
    )
    article = Article(url=url, outlet="demo", capture=ref, **fields)  # type: ignore[arg-type]
    return index.add_article(article, crawl_id=crawl_id)


def test_schema_version_and_wal(index: ArchiveIndex) -> None:
    assert set(index.db.table_names()) >= {"meta", "crawls", "captures", "articles", "articles_fts"}
    assert index.db["meta"].get("schema_version")["value"] == str(SCHEMA_VERSION)
    assert index.db.execute("pragma journal_mode").fetchone()[0] == "wal"


def test_article_row_links_capture_and_fields(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    dl = Dateline(
        raw="Astana, 10 December 2023 (TDI):", place="Astana", date="2023-12-10", agency="TDI"
    )
    row_id = add(
        index,
        1,
        crawl,
        title="Plan on human rights",
        body="Astana, ... (TDI): text here",
        authors=["Amina Rahimova"],
        dateline=dl,
        section=["World", "Asia"],
        published="2023-12-10",
    )
    row = index.db["articles"].get(row_id)
    assert row["dateline_place"] == "Astana" and row["dateline_agency"] == "TDI"
    assert json.loads(row["authors"]) == ["Amina Rahimova"]
    assert json.loads(row["section"]) == ["World", "Asia"]
    assert row["word_count"] == 5
    capture = index.db["captures"].get(row["capture_id"])
    assert capture["record_id"] == row["record_id"] == make_ref(1).record_id
    assert capture["warc_offset"] == 100 and capture["crawl_id"] == crawl


def test_upsert_keeps_one_row_per_url(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    first = add(index, 1, crawl, title="Old title", body="old body")
    second = add(index, 1, crawl, title="New title", body="new body")
    assert first == second and index.count("articles") == 1
    assert [h["title"] for h in index.search("new")] == ["New title"]
    assert index.search("old") == []


def test_search_ranks_and_highlights(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    add(index, 1, crawl, title="Trade talks", body="Rights mentioned once among many words " * 3)
    add(
        index,
        2,
        crawl,
        title="Human rights plan",
        body="A plan on human rights and human rights law",
    )
    hits = index.search('"human rights"')
    assert [h["title"] for h in hits] == ["Human rights plan"]
    assert "[human rights]" in hits[0]["snippet"]
    assert index.search("rights")[0]["title"] == "Human rights plan"


@pytest.mark.parametrize("query", ['"unbalanced', "AND", "NEAR(", "title:", "  "])
def test_bad_queries_raise_index_query_error(index: ArchiveIndex, query: str) -> None:
    with pytest.raises(IndexQueryError):
        index.search(query)


def test_find_capture_and_unknown_url(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    add(index, 3, crawl, title="t", body="b")
    assert index.find_capture("http://demo-insight.test/article-3")["warc_offset"] == 300
    with pytest.raises(NotFoundError, match="not in the archive"):
        index.find_capture("http://demo-insight.test/nope/")


def test_finish_crawl_stores_stats(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    stats = {"archiver/pages": 5, "archiver/articles": 3, "archiver/warc/bytes_written": 1234}
    index.finish_crawl(crawl, outcome="finished", stats=stats)
    row = index.db["crawls"].get(crawl)
    assert (row["pages"], row["articles"], row["warc_bytes"], row["outcome"]) == (
        5,
        3,
        1234,
        "finished",
    )
    assert json.loads(row["stats"])["archiver/pages"] == 5


def test_missing_index_is_not_created_when_reading(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="no index"):
        ArchiveIndex(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()
