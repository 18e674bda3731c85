"""The SQLite index of an archive: crawls, captures, articles, and full-text search over articles.

The index points into the WARC files (file, offset, length, record id); the WARC files stay the
archive of record. Built on sqlite-utils; WAL mode so readers work while a crawl writes.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from archiver.exceptions import ArchiverError, IndexQueryError, NotFoundError
from archiver.items import Article, CaptureRef

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 1

_CRAWLS = {
    "id": int,
    "outlet": str,
    "started_at": str,
    "finished_at": str,
    "outcome": str,
    "pages": int,
    "articles": int,
    "warc_bytes": int,
    "errors": int,
    "stats": str,
}
_CAPTURES = {
    "id": int,
    "url": str,
    "status": int,
    "content_type": str,
    "payload_digest": str,
    "record_id": str,
    "warc_file": str,
    "warc_offset": int,
    "warc_length": int,
    "captured_at": str,
    "crawl_id": int,
}
_ARTICLES = {
    "id": int,
    "url": str,
    "canonical_url": str,
    "outlet": str,
    "title": str,
    "authors": str,
    "byline": str,
    "dateline_raw": str,
    "dateline_place": str,
    "dateline_date": str,
    "dateline_agency": str,
    "published": str,
    "modified": str,
    "section": str,
    "language": str,
    "site_name": str,
    "description": str,
    "body": str,
    "word_count": int,
    "capture_id": int,
    "record_id": str,
    "extractor_version": str,
    "provenance": str,
    "crawl_id": int,
    "indexed_at": str,
}
FTS_COLUMNS = ("title", "body", "byline")


def utcnow() -> str:
    """The current UTC time as an ISO 8601 string with a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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
            self.db.enable_wal()
            self._ensure_schema()
        except (sqlite3.DatabaseError, OSError) as e:
            raise ArchiverError(
                f"cannot open index {self.path}: {e}; check the path is a writable SQLite file"
            ) from e

    # -- schema ---------------------------------------------------------------------------
    def _ensure_schema(self) -> None:
        db = self.db
        if "meta" not in db.table_names():
            db.table("meta").create({"key": str, "value": str}, pk="key")
        if "crawls" not in db.table_names():
            db.table("crawls").create(_CRAWLS, pk="id")
        if "captures" not in db.table_names():
            db.table("captures").create(
                _CAPTURES, pk="id", foreign_keys=[("crawl_id", "crawls", "id")]
            )
            db.table("captures").create_index(["url"])
            db.table("captures").create_index(["record_id"], unique=True)
        if "articles" not in db.table_names():
            db.table("articles").create(
                _ARTICLES,
                pk="id",
                foreign_keys=[("capture_id", "captures", "id"), ("crawl_id", "crawls", "id")],
            )
            db.table("articles").create_index(["url"], unique=True)
            db.table("articles").create_index(["outlet", "published"])
            db.table("articles").enable_fts(FTS_COLUMNS, create_triggers=True, tokenize="porter")
        db.table("meta").upsert({"key": "schema_version", "value": str(SCHEMA_VERSION)}, pk="key")

    def close(self) -> None:
        """Close the connection (checkpoints the WAL)."""
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Group writes into one transaction."""
        with self.db.conn:
            yield

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
        table = self.db.table("captures")
        table.insert(
            {
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
            },
            ignore=True,
        )
        return self.capture_id(ref.record_id)

    def capture_id(self, record_id: str) -> int:
        """The capture id of a WARC record id."""
        row = self.db.execute("select id from captures where record_id = ?", [record_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no capture with record id {record_id} in {self.path}")
        return int(row[0])

    def find_capture(self, url: str) -> dict[str, Any]:
        """The latest capture of ``url`` (a trailing-slash variant also matches)."""
        variants = [url, url.rstrip("/"), url.rstrip("/") + "/"]
        row = self.db.execute(
            "select * from captures where url in (?, ?, ?)"
            " order by captured_at desc, id desc limit 1",
            variants,
        ).fetchone()
        if row is None:
            raise NotFoundError(
                f"{url} is not in the archive at {self.path}; "
                "list archived URLs with: archiver search QUERY"
            )
        columns = [c[0] for c in self.db.execute("select * from captures limit 0").description]
        return dict(zip(columns, row, strict=True))

    # -- articles -------------------------------------------------------------------------
    def add_article(self, article: Article, *, crawl_id: int | None) -> int:
        """Insert or replace the article of ``article.url``; returns its row id."""
        capture_id = None
        record_id = None
        if article.capture is not None:
            record_id = article.capture.record_id
            capture_id = self.capture_id(record_id)
        dl = article.dateline
        row = {
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
        table = self.db.table("articles")
        table.upsert(row, pk="url", alter=False)
        found = self.db.execute("select id from articles where url = ?", [article.url]).fetchone()
        return int(found[0])

    def count(self, table: str) -> int:
        """Number of rows in ``table``."""
        return self.db[table].count

    # -- queries --------------------------------------------------------------------------
    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over title, body and byline, best match first (bm25)."""
        if not query.strip():
            raise IndexQueryError(
                "empty search query: give words to search for, e.g. 'human rights'"
            )
        sql = """
            select articles.url, articles.title, articles.outlet, articles.published,
                   articles.authors,
                   snippet(articles_fts, 1, '[', ']', '…', 12) as snippet
            from articles_fts join articles on articles.id = articles_fts.rowid
            where articles_fts match ?
            order by bm25(articles_fts)
            limit ?
        """
        try:
            cursor = self.db.execute(sql, [query, limit])
        except sqlite3.OperationalError as e:
            raise IndexQueryError(
                f"bad search query {query!r}: {e}; quote phrases with double quotes and "
                "balance them, e.g. '\"human rights\"'"
            ) from e
        columns = [c[0] for c in cursor.description]
        rows = [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]
        for r in rows:
            r["authors"] = json.loads(r["authors"] or "[]")
        return rows
