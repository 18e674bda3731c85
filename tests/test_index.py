"""The SQLite index: schema, capture and article rows, full-text search, errors."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.exceptions import ArchiverError, IndexQueryError, NotFoundError
from archiver.index import MIGRATIONS, SCHEMA_VERSION, ArchiveIndex, ArticleFilter
from archiver.index.schema import apply_migration
from archiver.index.store import FTS_HASH_BYTES
from archiver.items import Article, CaptureRef, Dateline
from tests.conftest import run_cli

REPO = Path(__file__).resolve().parent.parent

# The schema as archiver 0.1 (schema version 1) created it, from its sqlite_master.
V1_DDL = """
CREATE TABLE "meta" (
   "key" TEXT PRIMARY KEY,
   "value" TEXT
);
CREATE TABLE "crawls" (
   "id" INTEGER PRIMARY KEY,
   "outlet" TEXT,
   "started_at" TEXT,
   "finished_at" TEXT,
   "outcome" TEXT,
   "pages" INTEGER,
   "articles" INTEGER,
   "warc_bytes" INTEGER,
   "errors" INTEGER,
   "stats" TEXT
);
CREATE TABLE "captures" (
   "id" INTEGER PRIMARY KEY,
   "url" TEXT,
   "status" INTEGER,
   "content_type" TEXT,
   "payload_digest" TEXT,
   "record_id" TEXT,
   "warc_file" TEXT,
   "warc_offset" INTEGER,
   "warc_length" INTEGER,
   "captured_at" TEXT,
   "crawl_id" INTEGER REFERENCES "crawls"("id")
);
CREATE INDEX "idx_captures_url"
    ON "captures" ("url");
CREATE UNIQUE INDEX "idx_captures_record_id"
    ON "captures" ("record_id");
CREATE TABLE "articles" (
   "id" INTEGER PRIMARY KEY,
   "url" TEXT,
   "canonical_url" TEXT,
   "outlet" TEXT,
   "title" TEXT,
   "authors" TEXT,
   "byline" TEXT,
   "dateline_raw" TEXT,
   "dateline_place" TEXT,
   "dateline_date" TEXT,
   "dateline_agency" TEXT,
   "published" TEXT,
   "modified" TEXT,
   "section" TEXT,
   "language" TEXT,
   "site_name" TEXT,
   "description" TEXT,
   "body" TEXT,
   "word_count" INTEGER,
   "capture_id" INTEGER REFERENCES "captures"("id"),
   "record_id" TEXT,
   "extractor_version" TEXT,
   "provenance" TEXT,
   "crawl_id" INTEGER REFERENCES "crawls"("id"),
   "indexed_at" TEXT
);
CREATE UNIQUE INDEX "idx_articles_url"
    ON "articles" ("url");
CREATE INDEX "idx_articles_outlet_published"
    ON "articles" ("outlet", "published");
CREATE VIRTUAL TABLE "articles_fts" USING FTS5 (
    "title", "body", "byline",
    tokenize='porter',
    content="articles"
);
CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN
  INSERT INTO "articles_fts" (rowid, "title", "body", "byline")
    VALUES (new.rowid, new."title", new."body", new."byline");
END;
CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body", "byline")
    VALUES('delete', old.rowid, old."title", old."body", old."byline");
END;
CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN
  INSERT INTO "articles_fts" ("articles_fts", rowid, "title", "body", "byline")
    VALUES('delete', old.rowid, old."title", old."body", old."byline");
  INSERT INTO "articles_fts" (rowid, "title", "body", "byline")
    VALUES (new.rowid, new."title", new."body", new."byline");
END;
"""


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


@pytest.mark.parametrize(
    "query", ['"unbalanced', "AND", "NEAR(", "title:", "  ", "-rights", "& ---", "author:smith"]
)
def test_bad_queries_raise_index_query_error(index: ArchiveIndex, query: str) -> None:
    with pytest.raises(IndexQueryError):
        index.search(query)


@pytest.mark.parametrize(
    ("query", "found"),
    [
        # what researchers type: words FTS5's syntax rejects or misreads, searched as written
        ("COVID-19", [1]),
        ("covid-19 cases", [1]),
        ("U.S.", [1]),
        ("Kazakhstan's", [1]),  # the page writes a curly apostrophe
        ("e-mail", [1]),
        ("10:30", [1]),  # not the column "10"
        ("#MeToo", [1]),
        ("C++", [2]),
        ("covid-1*", [1]),
        # FTS5's own syntax keeps its meaning
        ("rights -covid-19", [2]),  # a leading minus excludes, as in web search engines
        ("rights NOT covid-19", [2]),
        ("title:covid-19", [1]),
        ("rights title:-covid-19", [2]),  # leaves out articles whose title has it
        ("body:covid-19", []),
        ('"human rights" OR u.s.', [1, 2]),
        ("(e-mail OR tenge) AND plan", [2]),
        ("(e-mail OR tenge) AND rights", [1, 2]),
        ("NEAR(human rights, 2)", [2]),
        ("kazakh*", [1]),
    ],
)
def test_words_with_punctuation_are_searched_as_written(
    index: ArchiveIndex, query: str, found: list[int]
) -> None:
    crawl = index.start_crawl("demo")
    add(
        index,
        1,
        crawl,
        title="Covid-19 cases fall in the U.S.",
        body="The e-mail sent at 10:30 said Kazakhstan\u2019s #MeToo rights debate goes on.",
    )
    add(index, 2, crawl, title="Human rights plan", body="Human rights, C++ and the digital tenge.")
    urls = sorted(h["url"] for h in index.search(query))
    assert urls == [f"http://demo-insight.test/article-{n}/" for n in found]


def test_find_capture_and_unknown_url(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    add(index, 3, crawl, title="t", body="b")
    assert index.find_capture("http://demo-insight.test/article-3")["warc_offset"] == 300
    with pytest.raises(NotFoundError, match="not in the archive"):
        index.find_capture("http://demo-insight.test/nope/")


def test_a_url_archived_itself_is_not_shown_as_its_trailing_slash_variant(
    index: ArchiveIndex,
) -> None:
    """``/x`` and ``/x/`` are two resources when both were archived (a sitemap listed the 404
    ``/x/``): ``show /x`` is the article, not its newer variant's 404."""
    crawl = index.start_crawl("demo")
    add(index, 3, crawl, title="t", body="b")  # .../article-3/
    variant = make_ref(4)
    url = "http://demo-insight.test/article-3"
    index.add_capture(
        variant,
        url=url,
        status=404,
        content_type="text/html",
        captured_at="2099-01-01T00:00:00Z",
        crawl_id=crawl,
    )
    assert index.find_capture(url + "/")["status"] == 200
    assert [c["url"] for c in index.capture_history(url + "/")] == [url + "/"]
    assert index.find_capture(url)["status"] == 404
    assert index.find_article(url)["url"] == url + "/"  # the variant of an article


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


def make_v1(path: Path) -> None:
    conn = sqlite3.connect(path)
    conn.executescript(V1_DDL)
    conn.execute("insert into meta values ('schema_version', '1')")
    conn.execute("insert into crawls (id, outlet, outcome) values (1, 'demo', 'finished')")
    conn.execute(
        "insert into articles (url, outlet, title, body, byline, authors, section, crawl_id)"
        " values (?, 'demo', 'Old plan', 'human rights body', 'By A and B', ?, ?, 1)",
        ["http://demo-insight.test/old/", '["Amina Rahimova", "Bo Li"]', '["World", "Asia"]'],
    )
    conn.execute(
        "insert into articles (url, outlet, title, body, authors, section, crawl_id)"
        " values ('http://demo-insight.test/bare/', 'demo', 'Bare', 'text', '[]', NULL, 1)"
    )
    conn.commit()
    conn.close()


def test_v1_archive_is_migrated_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    make_v1(path)
    ix = ArchiveIndex(path)
    try:
        assert ix.db["meta"].get("schema_version")["value"] == str(SCHEMA_VERSION) == "8"
        assert ix.count("articles") == 2 and ix.count("crawls") == 1
        assert ix.count("article_tags") == 0
        old = ix.find_article("http://demo-insight.test/old/")
        assert old["tags"] == [] and old["images"] == [] and old["is_paywalled"] is None
        assert list(ix.db.execute("select author, position from article_authors")) == [
            ("Amina Rahimova", 0),
            ("Bo Li", 1),
        ]
        assert list(ix.db.execute("select section, depth from article_sections")) == [
            ("World", 0),
            ("Asia", 1),
        ]
        assert [h["title"] for h in ix.search("rights")] == ["Old plan"]
        hits = ix.search("rights", filters=ArticleFilter(author="bo li", section="asia"))
        assert [h["title"] for h in hits] == ["Old plan"]
    finally:
        ix.close()
    ix = ArchiveIndex(path)  # opening again migrates nothing
    ix.close()


def test_failed_migration_changes_nothing(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    make_v1(path)
    conn = sqlite3.connect(path)

    def broken(c: sqlite3.Connection) -> None:
        MIGRATIONS[2](c)
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError):
        apply_migration(conn, 2, broken)
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}
    assert "article_authors" not in tables
    assert conn.execute("select value from meta").fetchone() == ("1",)
    conn.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "index.db"
    ArchiveIndex(path).close()
    conn = sqlite3.connect(path)
    conn.execute("update meta set value = '99' where key = 'schema_version'")
    conn.commit()
    conn.close()
    with pytest.raises(ArchiverError, match="schema version 99, newer"):
        ArchiveIndex(path)


def test_link_tables_follow_add_article(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    row_id = add(
        index, 1, crawl, title="t", body="b", authors=["A", "B"], section=["X", "Y"], tags=["p"]
    )
    add(index, 1, crawl, title="t", body="b", authors=["C"], section=["Z"], tags=["q", " "])
    authors = list(index.db.execute("select * from article_authors"))
    assert authors == [(row_id, "C", 0)]
    assert list(index.db.execute("select * from article_sections")) == [(row_id, "Z", 0)]
    assert list(index.db.execute("select * from article_tags")) == [(row_id, "q", 0)]
    index.db.execute("delete from articles where id = ?", [row_id])
    assert index.count("article_authors") == index.count("article_sections") == 0
    assert index.count("article_tags") == 0


def test_tags_images_and_paywall_round_trip_and_filter(index: ArchiveIndex) -> None:
    crawl = index.start_crawl("demo")
    image = {"url": "http://demo-insight.test/a.jpg", "caption": "A caption"}
    add(
        index,
        1,
        crawl,
        title="Plan",
        body="human rights plan",
        tags=["Human Rights", "Kazakhstan"],
        images=[image],
        is_paywalled=False,
    )
    add(index, 2, crawl, title="Other", body="human rights other", is_paywalled=True)
    row = index.find_article("http://demo-insight.test/article-1/")
    assert row["tags"] == ["Human Rights", "Kazakhstan"]
    assert row["images"] == [image] and row["is_paywalled"] is False
    hits = index.search("rights", filters=ArticleFilter(tag="human rights"))
    assert [h["title"] for h in hits] == ["Plan"]
    exported = {r["title"]: r for r in index.export(filters=ArticleFilter())}
    assert exported["Plan"]["tags"] == ["Human Rights", "Kazakhstan"]
    assert exported["Plan"]["images"] == [image]
    assert exported["Other"]["is_paywalled"] is True and exported["Other"]["tags"] == []


def documented_columns() -> dict[str, set[str]]:
    text = (REPO / "docs" / "index.md").read_text()
    documented: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        if m := re.match(r"### `(\w+)`", line):
            current = documented.setdefault(m.group(1), set())
        elif current is not None and (m := re.match(r"\| `(\w+)` \|", line)):
            current.add(m.group(1))
    return documented


def test_every_table_and_column_is_documented(index: ArchiveIndex) -> None:
    documented = documented_columns()
    live = index.db.execute(
        "select name from sqlite_master where type in ('table', 'view')"
        " and name not like 'sqlite_%' and name not like 'articles_fts_%'"
    ).fetchall()
    assert len(live) >= 7
    stale = set(documented) - {name for (name,) in live}
    assert not stale, f"docs/index.md documents tables the schema lacks: {sorted(stale)}"
    for (table,) in live:
        assert table in documented, f"table {table} is not in docs/index.md"
        columns = {r[1] for r in index.db.execute(f"pragma table_info('{table}')")}
        missing = columns - documented[table]
        assert not missing, f"{table} columns {sorted(missing)} are not in docs/index.md"
    assert "schema_version" in (REPO / "docs" / "index.md").read_text()


def sample_articles(n: int) -> list[Article]:
    return [
        Article(
            url=f"http://demo-insight.test/bulk-{i}/",
            outlet="demo",
            title=f"Plan number {i}",
            body=f"human rights plan {i}\n\nsecond paragraph about trade {i % 3}",
            authors=["Amina Rahimova", "Bo Li"][: 1 + i % 2],
            section=["World", "Asia"],
            tags=["rights"] if i % 2 else [],
            published=f"2023-12-{1 + i % 28:02d}",
        )
        for i in range(n)
    ]


def table_dump(ix: ArchiveIndex) -> dict[str, list[tuple[object, ...]]]:
    tables = ("articles", "article_authors", "article_sections", "article_tags")
    dump = {t: list(ix.db.execute(f"select * from {t} order by 1, 2")) for t in tables}
    indexed_at = [c[1] for c in ix.db.execute("pragma table_info('articles')")].index("indexed_at")
    dump["articles"] = [r[:indexed_at] + r[indexed_at + 1 :] for r in dump["articles"]]
    return dump


def test_bulk_load_writes_what_add_article_writes(tmp_path: Path) -> None:
    one_by_one = ArchiveIndex(tmp_path / "a.db")
    bulk = ArchiveIndex(tmp_path / "b.db")
    try:
        for article in sample_articles(30):
            one_by_one.add_article(article, crawl_id=None)
        assert bulk.bulk_load(sample_articles(30)) == 30
        assert table_dump(bulk) == table_dump(one_by_one)
        # the index matches the article rows (rank 1: checked against the content table too)
        bulk.db.execute(
            "insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)"
        )
        # the load's larger FTS5 hash is not left behind for the crawls that add to this index
        config = dict(bulk.db.execute("select k, v from articles_fts_config"))
        assert config.get("hashsize", FTS_HASH_BYTES) == FTS_HASH_BYTES
        # the load's large FTS5 hash is not left behind for the crawls that add to this index
        for query in ("rights", "trade", '"plan number"'):
            assert bulk.search(query, limit=50) == one_by_one.search(query, limit=50)
        # the full-text triggers are back: a later add_article is searchable
        bulk.add_article(
            Article(url="http://x.test/late/", outlet="demo", body="zebra"), crawl_id=None
        )
        assert [h["url"] for h in bulk.search("zebra")] == ["http://x.test/late/"]
        with pytest.raises(ArchiverError, match="needs an empty index"):
            bulk.bulk_load(sample_articles(1))
    finally:
        one_by_one.close()
        bulk.close()


def test_bulk_load_into_an_index_searched_before(tmp_path: Path) -> None:
    """The full-text index is built beside the rows and copied in: the index, searched while
    empty, finds the loaded articles, passes FTS5's integrity check against the article rows,
    and the side file is gone."""
    ix = ArchiveIndex(tmp_path / "i.db")
    try:
        assert ix.search("rights") == []
        assert ix.bulk_load(sample_articles(30)) == 30
        assert len(ix.search("rights", limit=50)) == sum(
            "rights" in f"{a.title} {a.body}".lower() for a in sample_articles(30)
        )
        ix.db.execute("insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)")
        assert sorted(p.name for p in tmp_path.iterdir()) == ["i.db", "i.db-shm", "i.db-wal"]
    finally:
        ix.close()


def test_bulk_load_inside_a_transaction_rebuilds_the_full_text_index(tmp_path: Path) -> None:
    """Inside the caller's transaction the load cannot reopen its connection: it builds the
    full-text index after the rows (FTS5 ``rebuild``) instead, to the same result."""
    ix = ArchiveIndex(tmp_path / "i.db")
    beside = ArchiveIndex(tmp_path / "b.db")
    try:
        with ix.transaction():
            assert ix.bulk_load(sample_articles(30)) == 30
        beside.bulk_load(sample_articles(30))
        ix.db.execute("insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)")
        for query in ("rights", "trade", '"plan number"'):
            assert ix.search(query, limit=50) == beside.search(query, limit=50)
            assert ix.search(query, limit=50)
        assert not (tmp_path / "i.db.fts-load").exists()
    finally:
        ix.close()
        beside.close()


def test_failed_bulk_load_leaves_the_index_empty(tmp_path: Path) -> None:
    ix = ArchiveIndex(tmp_path / "i.db")

    def broken() -> Iterator[Article]:
        yield from sample_articles(5)
        raise RuntimeError("generator failed")

    try:
        with pytest.raises(RuntimeError):
            ix.bulk_load(broken())
        assert ix.count("articles") == ix.count("article_authors") == 0
        assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith("i.db")) == []
        assert not (tmp_path / "i.db.fts-load").exists()
        triggers = {
            r[0] for r in ix.db.execute("select name from sqlite_master where type='trigger'")
        }
        assert {"articles_ai", "articles_ad", "articles_au"} <= triggers
        ix.add_article(sample_articles(1)[0], crawl_id=None)
        assert len(ix.search("rights")) == 1
    finally:
        ix.close()


def test_readers_work_while_a_writer_holds_a_transaction(tmp_path: Path) -> None:
    """WAL: `archiver search` in another process answers from the last commit while a crawl's
    batch is open, and sees the batch once it commits; nothing waits on the writer."""
    archive = tmp_path / "archive"
    writer = ArchiveIndex(archive / "index.db")
    try:
        writer.bulk_load(sample_articles(20))
        with writer.transaction():
            writer.add_article(
                Article(url="http://demo-insight.test/new/", outlet="demo", body="zebra rights"),
                crawl_id=None,
            )
            during = run_cli("search", "rights", "--archive", archive, "--format", "json")
            zebra_during = run_cli("search", "zebra", "--archive", archive, "--format", "json")
        after = run_cli("search", "zebra", "--archive", archive, "--format", "json")
    finally:
        writer.close()
    assert during.returncode == 0, during.stderr
    assert len(json.loads(during.stdout)) == 20
    assert zebra_during.returncode == 0 and json.loads(zebra_during.stdout) == []
    assert after.returncode == 0
    assert [h["url"] for h in json.loads(after.stdout)] == ["http://demo-insight.test/new/"]


def test_a_crawls_connections_keep_a_small_page_cache(tmp_path: Path) -> None:
    # A crawl's memory must not grow with its index: the readers' 64 MB page cache and memory
    # map grew a benchmark crawl by 66 MB in its first 2,000 pages.
    from scrapy import Spider
    from scrapy.utils.test import get_crawler

    from archiver.extensions import ArchiveIndexExtension
    from archiver.index.store import CACHE_KIB, CRAWL_CACHE_KIB
    from archiver.seen import SeenStore

    def pragmas(index: ArchiveIndex) -> tuple[int, int]:
        cache = index.db.execute("pragma cache_size").fetchone()[0]
        return cache, index.db.execute("pragma mmap_size").fetchone()[0]

    crawler = get_crawler(Spider, {"ARCHIVER_ARCHIVE_DIR": str(tmp_path)})
    crawler.spider = Spider("news")
    extension = ArchiveIndexExtension.from_crawler(crawler)
    extension.spider_opened(crawler.spider)
    store = SeenStore.from_crawler(crawler)
    assert store.lookup("https://example.com/a") is None  # opens its connection
    assert store._index is not None
    for index in (extension.index, store._index):
        assert pragmas(index) == (-CRAWL_CACHE_KIB, 0)
    store.close()
    reader = ArchiveIndex(tmp_path / "index.db")
    assert pragmas(reader)[0] == -CACHE_KIB and CRAWL_CACHE_KIB < CACHE_KIB
    reader.close()


@pytest.mark.parametrize("list_at_most", [0, 10_000])
@pytest.mark.parametrize(
    "flt",
    [
        ArticleFilter(author="bo li"),
        ArticleFilter(section="ASIA"),
        ArticleFilter(tag="rights"),
        ArticleFilter(author="amina rahimova", tag="rights"),
        ArticleFilter(author="bo li", outlet="demo", since="2023-12-10"),
        ArticleFilter(section="world", lang="en"),
    ],
    ids=repr,
)
def test_search_filters_give_the_filtered_ranking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, flt: ArticleFilter, list_at_most: int
) -> None:
    """A filtered search returns the unfiltered ranking's hits that pass the filter, in order,
    whether the filter's articles are listed first (a rare name) or each match is looked up."""
    monkeypatch.setattr("archiver.index.query.LIST_AT_MOST", list_at_most)
    articles = sample_articles(60)
    for i, article in enumerate(articles):
        article.language = "en" if i % 3 else "de"
    by_url = {a.url: a for a in articles}

    def passes(a: Article) -> bool:
        folded = [s.casefold() for s in a.section]
        return (
            (flt.author is None or flt.author in [x.casefold() for x in a.authors])
            and (flt.section is None or flt.section.casefold() in folded)
            and (flt.tag is None or flt.tag in a.tags)
            and (flt.since is None or (a.published or "") >= flt.since)
            and (flt.lang is None or a.language == flt.lang)
        )

    ix = ArchiveIndex(tmp_path / "index.db")
    try:
        ix.bulk_load(articles)
        for query, limit in (("rights", 5), ("trade", 50), ('"plan number"', 50)):  # body, title
            everything = ix.search(query, limit=100)
            expected = [h["url"] for h in everything if passes(by_url[h["url"]])][:limit]
            assert expected, "the case must have hits"
            hits = ix.search(query, limit=limit, filters=flt)
            assert [h["url"] for h in hits] == expected
            assert query.startswith('"') or all("[" in h["snippet"] for h in hits)
    finally:
        ix.close()


def test_export_without_a_query_lists_the_newest_instant_first(index: ArchiveIndex) -> None:
    # published times in the publisher's zone: 22:54 in New York on 1 May is 02:54 UTC on
    # 2 May, later than 01:00 UTC the same day, though it sorts first as text
    crawl = index.start_crawl("demo")
    add(index, 1, crawl, title="New York", body="b", published="2020-05-01T22:54:29-04:00")
    add(index, 2, crawl, title="London", body="b", published="2020-05-02T01:00:00+00:00")
    add(index, 3, crawl, title="Day only", body="b", published="2020-04-30")
    add(index, 4, crawl, title="Undated", body="b")
    titles = [row["title"] for row in index.export()]
    assert titles == ["New York", "London", "Day only", "Undated"]


def test_a_read_only_index_is_reported_as_one_not_as_damaged(tmp_path: Path) -> None:
    # chattr +i, or a file of another user: "rebuild the index with archiver reindex" was the
    # advice, which would throw away the crawl history for nothing
    from archiver.exceptions import index_problem

    ArchiveIndex(tmp_path / "index.db").close()
    conn = sqlite3.connect(f"{(tmp_path / 'index.db').as_uri()}?mode=ro", uri=True)
    try:
        with pytest.raises(sqlite3.OperationalError) as info:
            conn.execute("insert into meta (key, value) values ('x', 'y')")
    finally:
        conn.close()
    message = index_problem(info.value)
    assert "cannot be written" in message and "writable" in message
    assert "reindex" not in message
    damaged = sqlite3.DatabaseError("database disk image is malformed")
    assert "reindex" in index_problem(damaged)


@pytest.mark.parametrize(
    ("flt", "found"),
    [
        (ArticleFilter(author="LUCÍA FERNÁNDEZ"), [1]),
        (ArticleFilter(author="lucía fernández"), [1]),
        (ArticleFilter(author="ÇAĞLA ÖZTÜRK"), [2]),
        (ArticleFilter(section="économie"), [1]),
        (ArticleFilter(tag="énergie"), [2]),
        (ArticleFilter(author="LUCIA FERNANDEZ"), []),  # a letter is not its accented kin
        # names typed in ASCII or capitals whose case Python folds (a hunt: each found none)
        (ArticleFilter(author="AY\u015eE YILMAZ"), [3]),  # a dotless i stored
        (ArticleFilter(tag="istanbul"), [3]),  # İstanbul, capital dotted I
        (ArticleFilter(section="AUSSENPOLITIK"), [3]),  # Außenpolitik
    ],
    ids=repr,
)
def test_name_filters_ignore_the_case_of_letters_past_ascii(
    index: ArchiveIndex, flt: ArticleFilter, found: list[int]
) -> None:
    # SQLite's NOCASE folds A-Z only: "LUCÍA FERNÁNDEZ" did not find "Lucía Fernández"
    crawl = index.start_crawl("demo")
    add(
        index,
        1,
        crawl,
        title="Prix",
        body="rights",
        authors=["Lucía Fernández"],
        section=["Économie"],
    )
    add(index, 2, crawl, title="Gaz", body="rights", authors=["Çağla Öztürk"], tags=["Énergie"])
    add(
        index,
        3,
        crawl,
        title="Rights",
        body="rights",
        authors=["Ay\u015fe Y\u0131lmaz"],
        tags=["\u0130stanbul"],
        section=["Au\u00dfenpolitik"],
    )
    urls = sorted(h["url"] for h in index.search("rights", filters=flt))
    assert urls == [f"http://demo-insight.test/article-{n}/" for n in found]


def test_norwegian_takes_in_bokmal_and_nynorsk(index: ArchiveIndex) -> None:
    """Pages declare Norwegian as ``no``, ``nb`` (Bokmål) or ``nn`` (Nynorsk), and the index
    keeps the code a page declares: ``--lang no`` found only the pages that wrote ``no``."""
    crawl = index.start_crawl("demo")
    for n, code in enumerate(("no", "nb", "nn", "da"), 1):
        add(index, n, crawl, title=f"Nyheter {code}", body="nyheter", language=code)

    def titles(lang: str) -> list[str]:
        return sorted(h["title"] for h in index.search("nyheter", filters=ArticleFilter(lang=lang)))

    assert titles("NO") == ["Nyheter nb", "Nyheter nn", "Nyheter no"]
    assert titles("nb") == ["Nyheter nb"]  # a narrower code: its own pages only


def test_a_language_with_a_region_is_refused_with_the_code_to_give(index: ArchiveIndex) -> None:
    """The index records a language's primary subtag (``pt``): ``--lang pt-BR`` matched
    nothing, with no word why, while the message for a bad code offered ``pt-BR`` as an
    example."""
    add(index, 1, index.start_crawl("demo"), title="Notícias", body="texto", language="pt")
    with pytest.raises(IndexQueryError, match="--lang pt"):
        index.search("texto", filters=ArticleFilter(lang="pt-BR"))
    with pytest.raises(IndexQueryError) as bad:
        index.search("texto", filters=ArticleFilter(lang="portugués"))
    assert "pt-BR" not in str(bad.value)
    assert [h["title"] for h in index.search("texto", filters=ArticleFilter(lang="PT"))] == [
        "Notícias"
    ]
