"""``ArchiveIndex``: opens the index, records crawls, captures and articles, answers queries."""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from archiver.exceptions import ArchiverError, NotFoundError
from archiver.index.query import ArticleFilter, export_rows, search_articles
from archiver.index.schema import ensure_ours, ensure_schema
from archiver.index.stats import IndexStats, compute_stats
from archiver.items import Article, CaptureRef

logger = logging.getLogger(__name__)


def utcnow() -> str:
    """The current UTC time as an ISO 8601 string with a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


CACHE_KIB = 64 * 1024
MMAP_BYTES = 256 * 1024 * 1024

LINK_TABLES = ("article_authors", "article_sections", "article_tags")
"""The tables that hold an article's lists as rows, keyed by ``article_id``."""


def _link_rows(article: Article) -> list[tuple[str, str, str, list[tuple[int, str]]]]:
    """(table, value column, order column, [(order, value)]) for each list of ``article``."""
    return [
        (table, column, order, [(i, v.strip()) for i, v in enumerate(values) if v.strip()])
        for table, column, order, values in (
            ("article_authors", "author", "position", article.authors),
            ("article_sections", "section", "depth", article.section),
            ("article_tags", "tag", "position", article.tags),
        )
    ]


def _url_variants(url: str) -> list[str]:
    return [url, url.rstrip("/"), url.rstrip("/") + "/"]


class ArchiveIndex:
    """Opens (and creates or migrates) the index at ``path``; all SQL takes parameters."""

    def __init__(self, path: str | Path, *, create: bool = True) -> None:
        self.path = Path(path)
        if not create and not self.path.exists():
            raise NotFoundError(
                f"no index at {self.path}: run a crawl first (archiver crawl OUTLET) "
                "or pass --archive DIR pointing at an existing archive"
            )
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            ensure_ours(self.db, where=str(self.path))  # before WAL mode rewrites the header
            self.db.enable_wal()
            # WAL + NORMAL: a commit does not wait for fsync; the database stays consistent
            # and the WARC files, not the index, are the archive of record.
            self.db.execute("pragma synchronous = normal")
            # a 64 MB page cache and memory-mapped reads: searches of a large index read the
            # same FTS doclist pages again and again
            self.db.execute(f"pragma cache_size = -{CACHE_KIB}")
            self.db.execute(f"pragma mmap_size = {MMAP_BYTES}")
            self._depth = 0
            ensure_schema(self.db, where=str(self.path))
        except (sqlite3.DatabaseError, OSError) as e:
            raise ArchiverError(
                f"cannot open index {self.path}: {e}; check the path is a writable SQLite file"
            ) from e

    def close(self) -> None:
        """Close the connection (checkpoints the WAL)."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one transaction; a nested call joins the outer one."""
        if self._depth:
            self._depth += 1
            try:
                yield
            finally:
                self._depth -= 1
            return
        self._depth = 1
        try:
            with self.db.conn:
                # explicit: Python's sqlite3 opens a transaction before DML only, not before
                # DDL, and bulk_load drops and recreates triggers inside one
                if not self.db.conn.in_transaction:
                    self.db.conn.execute("begin immediate")
                yield
        finally:
            self._depth = 0

    def _rows(self, sql: str, params: list[Any]) -> list[dict[str, Any]]:
        cursor = self.db.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]

    # -- crawls ---------------------------------------------------------------------------
    def start_crawl(self, outlet: str) -> int:
        """Record the start of a crawl run; returns its id."""
        table = self.db.table("crawls")
        table.insert({"outlet": outlet, "started_at": utcnow(), "outcome": "running"})
        assert table.last_pk is not None
        return int(table.last_pk)

    def finish_crawl(self, crawl_id: int, *, outcome: str, stats: Mapping[str, Any]) -> None:
        """Record the end of a crawl run with its outcome and stats."""
        self.db.table("crawls").update(
            crawl_id,
            {
                "finished_at": utcnow(),
                "outcome": outcome,
                "pages": int(stats.get("archiver/pages", 0)),
                "articles": int(stats.get("archiver/articles", 0)),
                "warc_bytes": int(stats.get("archiver/warc/bytes_written", 0)),
                "errors": int(stats.get("archiver/errors", 0)),
                "stats": json.dumps(stats, default=str, sort_keys=True),
            },
        )

    # -- captures -------------------------------------------------------------------------
    def add_capture(
        self,
        ref: CaptureRef,
        *,
        url: str,
        status: int,
        content_type: str | None,
        captured_at: str,
        crawl_id: int | None,
    ) -> int:
        """Record one response record; returns the capture id (idempotent on the record id)."""
        row = {
            "url": url,
            "status": status,
            "content_type": content_type,
            "payload_digest": ref.payload_digest,
            "record_id": ref.record_id,
            "warc_file": ref.warc_file,
            "warc_offset": ref.offset,
            "warc_length": ref.length,
            "captured_at": captured_at,
            "crawl_id": crawl_id,
        }
        insert = (  # identifiers from the dict above; every value is a parameter
            f"insert or ignore into captures ({', '.join(row)})"
            f" values ({', '.join('?' * len(row))})"
        )
        with self.transaction():
            self.db.conn.execute(insert, list(row.values()))
        return self.capture_id(ref.record_id)

    def capture_id(self, record_id: str) -> int:
        """The capture id of a WARC record id."""
        row = self.db.execute("select id from captures where record_id = ?", [record_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no capture with record id {record_id} in {self.path}")
        return int(row[0])

    def capture_history(self, url: str) -> list[dict[str, Any]]:
        """Every capture of ``url`` (a trailing-slash variant also matches), oldest first."""
        rows = self._rows(
            "select * from captures where url in (?, ?, ?) order by captured_at, id",
            _url_variants(url),
        )
        if not rows:
            raise NotFoundError(
                f"{url} is not in the archive at {self.path}; "
                "list archived URLs with: archiver search QUERY"
            )
        return rows

    def find_capture(self, url: str) -> dict[str, Any]:
        """The latest capture of ``url`` (a trailing-slash variant also matches)."""
        return self.capture_history(url)[-1]

    # -- articles -------------------------------------------------------------------------
    def _article_row(self, article: Article, crawl_id: int | None) -> dict[str, Any]:
        capture_id = None
        record_id = None
        if article.capture is not None:
            record_id = article.capture.record_id
            capture_id = self.capture_id(record_id)
        dl = article.dateline
        return {
            "url": article.url,
            "canonical_url": article.canonical_url,
            "outlet": article.outlet,
            "title": article.title,
            "authors": json.dumps(article.authors, ensure_ascii=False),
            "byline": article.byline,
            "dateline_raw": dl.raw if dl else None,
            "dateline_place": dl.place if dl else None,
            "dateline_date": dl.date if dl else None,
            "dateline_agency": dl.agency if dl else None,
            "published": article.published,
            "modified": article.modified,
            "section": json.dumps(article.section, ensure_ascii=False),
            "tags": json.dumps(article.tags, ensure_ascii=False),
            "images": json.dumps(article.images, ensure_ascii=False),
            "is_paywalled": None if article.is_paywalled is None else int(article.is_paywalled),
            "language": article.language,
            "site_name": article.site_name,
            "description": article.description,
            "body": article.body,
            "word_count": article.word_count,
            "capture_id": capture_id,
            "record_id": record_id,
            "extractor_version": article.extractor_version,
            "provenance": json.dumps(article.provenance, sort_keys=True),
            "crawl_id": crawl_id,
            "indexed_at": utcnow(),
        }

    def _add_links(self, article_id: int, article: Article) -> None:
        conn = self.db.conn
        for table, column, order, values in _link_rows(article):
            # identifiers from _link_rows' fixed tuples; every value is a parameter
            conn.executemany(
                f"insert into {table} (article_id, {column}, {order}) values (?, ?, ?)",
                [(article_id, value, i) for i, value in values],
            )

    def add_article(self, article: Article, *, crawl_id: int | None) -> int:
        """Insert or replace the article of ``article.url``; returns its row id."""
        row = self._article_row(article, crawl_id)
        columns = list(row)  # identifiers from the dict above; every value is a parameter
        upsert = (
            f"insert into articles ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
            f" on conflict (url) do update set"
            f" {', '.join(f'{c} = excluded.{c}' for c in columns if c != 'url')}"
            " returning id"
        )
        conn = self.db.conn
        with self.transaction():  # the row and its link rows in one transaction
            article_id = int(conn.execute(upsert, list(row.values())).fetchone()[0])
            for table in LINK_TABLES:
                conn.execute(f"delete from {table} where article_id = ?", [article_id])
            self._add_links(article_id, article)
        return article_id

    def bulk_load(self, articles: Iterable[Article], *, crawl_id: int | None = None) -> int:
        """Load ``articles`` into an index that holds none yet; returns how many were loaded.

        The rows equal those :meth:`add_article` writes, but the full-text index is built once
        at the end (an FTS5 ``rebuild``) instead of row by row through its triggers, which
        halves the cost per article. All of it is one transaction: an error leaves the index
        empty, triggers included. For building new indexes (benchmarks, rebuilds); a live
        crawl uses :meth:`add_article`.
        """
        if self.count("articles"):
            raise ArchiverError(
                f"bulk_load needs an empty index and {self.path} has articles: "
                "add them with add_article, or load into a new file"
            )
        conn = self.db.conn
        n = 0
        with self.transaction():
            triggers = conn.execute(
                "select name, sql from sqlite_master where type = 'trigger'"
                " and tbl_name = 'articles' and sql like '%articles_fts%'"
            ).fetchall()
            for name, _ in triggers:
                conn.execute(f'drop trigger "{name}"')  # names read from sqlite_master
            insert = None
            for article in articles:
                row = self._article_row(article, crawl_id)
                if insert is None:
                    insert = (
                        f"insert into articles ({', '.join(row)})"
                        f" values ({', '.join('?' * len(row))})"
                    )
                cursor = conn.execute(insert, list(row.values()))
                assert cursor.lastrowid is not None
                self._add_links(cursor.lastrowid, article)
                n += 1
            conn.execute("insert into articles_fts (articles_fts) values ('rebuild')")
            for _, sql in triggers:
                conn.execute(sql)
        return n

    def find_article(self, url: str) -> dict[str, Any]:
        """The indexed article of ``url`` (a trailing-slash variant also matches)."""
        rows = self._rows("select * from articles where url in (?, ?, ?)", _url_variants(url))
        if not rows:
            raise NotFoundError(
                f"no article for {url} in the index at {self.path} (the page may be archived "
                "but not an article); see its captures with: archiver show URL --history"
            )
        row = rows[0]
        row["authors"] = json.loads(row["authors"] or "[]")
        row["section"] = json.loads(row["section"] or "[]")
        row["tags"] = json.loads(row["tags"] or "[]")
        row["images"] = json.loads(row["images"] or "[]")
        if row["is_paywalled"] is not None:
            row["is_paywalled"] = bool(row["is_paywalled"])
        return row

    def count(self, table: str) -> int:
        """Number of rows in ``table``."""
        return self.db[table].count

    # -- queries --------------------------------------------------------------------------
    def search(
        self, query: str, *, limit: int = 20, filters: ArticleFilter | None = None
    ) -> list[dict[str, Any]]:
        """Full-text search over title, body and byline, best match first (bm25)."""
        return search_articles(self.db, query, limit=limit, filters=filters)

    def export(
        self, query: str | None = None, *, filters: ArticleFilter | None = None
    ) -> Iterator[dict[str, Any]]:
        """Every article matching ``query`` (optional) and ``filters``, one dict each."""
        return export_rows(self.db, query, filters=filters)

    def stats(self) -> IndexStats:
        """Counts per outlet and day, field fill rates, and fill-rate drops per outlet."""
        return compute_stats(self.db)
