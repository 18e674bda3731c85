"""``ArchiveIndex``: opens the index, records crawls, captures and articles, answers queries."""

from __future__ import annotations

import errno
import json
import logging
import os
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import attrs
import sqlite_utils

from archiver.exceptions import ArchiverError, NotFoundError, index_problem
from archiver.index.fts_load import FTS_TABLE, SideFts
from archiver.index.query import ArticleFilter, export_rows, search_articles
from archiver.index.schema import (
    FTS_COLUMNS,
    SCHEMA_VERSION,
    SHADOW_COLUMNS,
    ensure_ours,
    ensure_schema,
    shadow_values,
    stored_version,
)
from archiver.index.seen import canonical_key, checks_due_by, normalize_url, parse_time
from archiver.index.stats import IndexStats, compute_stats
from archiver.items import Article, CaptureRef

logger = logging.getLogger(__name__)


def utcnow() -> str:
    """The current UTC time as an ISO 8601 string with a ``Z``."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


CACHE_KIB = 64 * 1024
MMAP_BYTES = 256 * 1024 * 1024
"""Page cache and memory map of a reader: searches of a large index read the same FTS doclist
pages again and again."""
CRAWL_CACHE_KIB = 4 * 1024
"""Page cache of a crawl's connections (the index writer and the seen-URL lookups), without a
memory map. Batched writes need few pages, and a crawl's memory must not grow with its index:
with the reader's 64 MB the crawl process grew by 66 MB in its first 2,000 pages, and writing
30,000 articles cost the same CPU per article at 4 MB (measured 2026-11-29)."""
BULK_CACHE_KIB = 256 * 1024
"""Page cache of a :meth:`ArchiveIndex.bulk_load`: the B-trees it fills stay in memory."""
BULK_FTS_HASH_BYTES = 8 * 1024 * 1024
FTS_HASH_BYTES = 1024 * 1024
"""FTS5's ``hashsize``: how many bytes of new postings it holds in memory before it writes them
out as a segment (SQLite's default, 1 MB, which a crawl keeps). A bulk load's full-text index
uses 8 MB: fewer segments to merge into larger ones. Measured when the load built it with a
``rebuild``: at 100,000 articles the ``rebuild`` and ``optimize`` cost 27 s of CPU at 1 MB,
about 19 at 8 MB and 16 at 256 MB (2026-12-05). Not more: ``optimize`` puts the merged index
one level above the highest level the ``rebuild`` reached, and the fewer the segments, the
lower that is. At 256 MB it was level 1, where a later crawl's small segments reach it after a
few transactions and rewrite the whole index each time: adding articles to such a
100,000-article index ran at 185 a second against 625. FTS5 keeps the value in its config
table, so the load sets it back."""

_json_text = json.JSONEncoder(ensure_ascii=False).encode
"""``json.dumps(value, ensure_ascii=False)`` without building an encoder for each call (which
``json.dumps`` does for any argument but the defaults): four for each article row."""
_json_sorted = json.JSONEncoder(sort_keys=True).encode
"""``json.dumps(value, sort_keys=True)``, the encoder built once."""


@attrs.define(frozen=True)
class Compacted:
    """What :meth:`ArchiveIndex.compact` made of the file."""

    size: int
    """Bytes of the compacted index."""
    waiting: bool
    """The compacted pages wait in the WAL for another process's read transaction to end; the
    file keeps its old size until then."""


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


def _writable(path: Path) -> bool:
    """Whether this process may write the index file and create its side files beside it."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def remove_index_files(path: Path) -> None:
    """Delete the index file ``path`` and SQLite's side files of it, those there are."""
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot write ``path``: its WAL is read when SQLite can (its side files
    exist or can be made), else the file as it stands (``immutable``)."""
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True)
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn = sqlite3.connect(f"{uri}?immutable=1", uri=True)
    return conn


def disk_full(error: BaseException) -> bool:
    """Whether ``error`` says the disk is full (``ENOSPC``, SQLite's ``SQLITE_FULL``)."""
    if isinstance(error, OSError) and error.errno == errno.ENOSPC:
        return True
    return getattr(error, "sqlite_errorcode", None) == SQLITE_FULL


SQLITE_FULL = 13


def _read_only(path: Path) -> sqlite_utils.Database:
    """A read-only connection to the index at ``path``, at the current schema."""
    try:
        conn = read_only_connection(path)
        db = sqlite_utils.Database(conn)
        version = stored_version(db)
    except sqlite3.DatabaseError as e:
        raise ArchiverError(f"cannot open index {path} (read-only): {e}") from e
    if version != SCHEMA_VERSION:
        conn.close()
        raise ArchiverError(
            f"index {path} is read-only here and at schema version {version}, not "
            f"{SCHEMA_VERSION}: open it once where it can be written, to migrate it"
        )
    return db


class ArchiveIndex:
    """Opens (and creates or migrates) the index at ``path``; all SQL takes parameters."""

    def __init__(
        self, path: str | Path, *, create: bool = True, crawl: bool = False, reads: bool = False
    ) -> None:
        """``crawl``: a connection of a running crawl (:data:`CRAWL_CACHE_KIB`). ``reads``: the
        caller only reads, so an index it may not write (read-only media, a shared copy)
        opens read-only instead of failing."""
        self.path = Path(path)
        self._cache_kib = CRAWL_CACHE_KIB if crawl else CACHE_KIB
        self._depth = 0
        if not create and not self.path.exists():
            raise NotFoundError(
                f"no index at {self.path}: run a crawl first (archiver crawl OUTLET) "
                "or pass --archive DIR pointing at an existing archive"
            )
        if reads and self.path.is_file() and not _writable(self.path):
            self.db = _read_only(self.path)
            return
        self._mmap_bytes = 0 if crawl else MMAP_BYTES
        self._open()

    def _open(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite_utils.Database(self.path)
            ensure_ours(self.db, where=str(self.path))  # before WAL mode rewrites the header
            self.db.enable_wal()
            # WAL + NORMAL: a commit does not wait for fsync; the database stays consistent
            # and the WARC files, not the index, are the archive of record.
            self.db.execute("pragma synchronous = normal")
            self.db.execute(f"pragma cache_size = -{self._cache_kib}")
            self.db.execute(f"pragma mmap_size = {self._mmap_bytes}")
            ensure_schema(self.db, where=str(self.path))
        except (sqlite3.DatabaseError, OSError) as e:
            if disk_full(e):
                raise ArchiverError(
                    f"cannot write the index {self.path}: the disk is full; free some space on"
                    " it and run again"
                ) from e
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
    def start_crawl(self, outlet: str, *, worker: str | None = None) -> int:
        """Record the start of a crawl run (by ``worker`` of a distributed crawl); returns its
        id."""
        table = self.db.table("crawls")
        row = {"outlet": outlet, "started_at": utcnow(), "outcome": "running", "worker": worker}
        table.insert(row)
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
            "warc_type": ref.warc_type,
            "refers_to": ref.refers_to,
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
        """Every capture of ``url`` (else of its trailing-slash variant, or of a URL that the
        seen-store's normalisation makes one it knows), oldest first."""
        for urls in ([url], _url_variants(url)):
            marks = ", ".join("?" * len(urls))
            query = f"select * from captures where url in ({marks}) order by captured_at, id"
            if rows := self._rows(query, urls):
                break
        key = None if rows else normalize_url(url)  # "#comments", "HTTP://Host/", utm_*
        if key and (seen := self.seen_entry(key)) is not None and seen["url"] != url:
            return self.capture_history(seen["url"])
        if not rows:
            raise NotFoundError(
                f"{url} is not in the archive at {self.path}; "
                "list archived URLs with: archiver search QUERY"
            )
        return rows

    def capture_by_record_id(self, record_id: str) -> dict[str, Any]:
        """The capture row of a WARC record id."""
        rows = self._rows("select * from captures where record_id = ?", [record_id])
        if not rows:
            raise NotFoundError(f"no capture with record id {record_id} in {self.path}")
        return rows[0]

    def find_capture(self, url: str) -> dict[str, Any]:
        """The latest capture of ``url`` (else of its trailing-slash variant)."""
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
            "authors": _json_text(article.authors),
            "byline": article.byline,
            "dateline_raw": dl.raw if dl else None,
            "dateline_place": dl.place if dl else None,
            "dateline_date": dl.date if dl else None,
            "dateline_agency": dl.agency if dl else None,
            "published": article.published,
            "modified": article.modified,
            "section": _json_text(article.section),
            "tags": _json_text(article.tags),
            "images": _json_text(article.images),
            "is_paywalled": None if article.is_paywalled is None else int(article.is_paywalled),
            "language": article.language,
            "site_name": article.site_name,
            "description": article.description,
            "body": article.body,
            **dict(
                zip(
                    SHADOW_COLUMNS,
                    shadow_values(article.title, article.body, article.byline),
                    strict=True,
                )
            ),
            "word_count": article.word_count,
            "capture_id": capture_id,
            "record_id": record_id,
            "extractor_version": article.extractor_version,
            "provenance": _json_sorted(article.provenance),
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
        """Insert or replace the article of ``article.url`` (or of the known article another
        URL of it maps to in the seen-store), keeping a new version when title or body
        changed; returns its row id."""
        row = self._article_row(article, crawl_id)
        conn = self.db.conn
        existing = self._existing_article(article)
        if existing is not None:  # another URL of a known article: update that one
            row["url"] = existing
        columns = list(row)  # identifiers from the dict above; every value is a parameter
        upsert = (
            f"insert into articles ({', '.join(columns)}) values ({', '.join('?' * len(columns))})"
            f" on conflict (url) do update set"
            f" {', '.join(f'{c} = excluded.{c}' for c in columns if c != 'url')}"
            " returning id"
        )
        with self.transaction():  # the row and its link rows in one transaction
            article_id = int(conn.execute(upsert, list(row.values())).fetchone()[0])
            self._add_version(article_id, article, row)
            self._link_seen(article_id, article, row)
            for table in LINK_TABLES:
                conn.execute(f"delete from {table} where article_id = ?", [article_id])
            self._add_links(article_id, article)
        return article_id

    def bulk_load(self, articles: Iterable[Article], *, crawl_id: int | None = None) -> int:
        """Load ``articles`` into an index that holds none yet; returns how many were loaded.

        The rows equal those :meth:`add_article` writes, but the full-text index is not written
        row by row through its triggers: it is built in a file and a thread of its own while the
        rows are written (:mod:`archiver.index.fts_load`), merged into one segment
        (``optimize``), which makes searches of the new index about twice as fast, and copied
        in. All of it is one transaction: an error leaves the index empty, triggers included.
        The connection is reopened afterwards (FTS5 caches the index's structure per
        connection). Inside a transaction of the caller's, the full-text index is built after
        the rows instead (an FTS5 ``rebuild``, about 1.4 times the CPU). For building new
        indexes (benchmarks, rebuilds); a live crawl uses :meth:`add_article`.

        The load runs with a rollback journal instead of the WAL when no other connection has
        the file open: pages the transaction adds to the file need no journal, while in WAL
        mode every page would be written twice, to the WAL and again when it is checkpointed
        (the index is gigabytes at a million articles). The WAL is back on when it returns.
        """
        if self.count("articles"):
            raise ArchiverError(
                f"bulk_load needs an empty index and {self.path} has articles: "
                "add them with add_article, or load into a new file"
            )
        conn = self.db.conn
        if self._depth or conn.in_transaction:  # inside the caller's transaction: as it is
            return self._bulk_load(articles, crawl_id, None)
        conn.execute(f"pragma cache_size = -{BULK_CACHE_KIB}")
        conn.execute("pragma journal_mode = delete")  # stays WAL if another reader has it open
        declaration = conn.execute(
            "select sql from sqlite_master where name = ?", [FTS_TABLE]
        ).fetchone()[0]
        side_path = self.path.with_name(f"{self.path.name}.fts-load")
        side_path.unlink(missing_ok=True)  # left by a load that was killed
        fts = SideFts(
            side_path, declaration, load_hash=BULK_FTS_HASH_BYTES, final_hash=FTS_HASH_BYTES
        )
        try:
            return self._bulk_load(articles, crawl_id, fts)
        finally:
            fts.abandon()
            conn.close()  # FTS5's cached structure of the index is stale: a new connection
            self._open()
            side_path.unlink(missing_ok=True)

    def _bulk_load(
        self, articles: Iterable[Article], crawl_id: int | None, fts: SideFts | None
    ) -> int:
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
                self._add_version(cursor.lastrowid, article, row, new=True)
                self._link_seen(cursor.lastrowid, article, row)
                self._add_links(cursor.lastrowid, article)
                if fts is not None:
                    fts.add(cursor.lastrowid, tuple(row[c] for c in FTS_COLUMNS))
                n += 1
            if fts is not None:
                fts.finish()
                fts.copy_into(conn)
            else:
                hashsize = "insert into articles_fts (articles_fts, rank) values ('hashsize', ?)"
                conn.execute(hashsize, [BULK_FTS_HASH_BYTES])
                conn.execute("insert into articles_fts (articles_fts) values ('rebuild')")
                conn.execute("insert into articles_fts (articles_fts) values ('optimize')")
                conn.execute(hashsize, [FTS_HASH_BYTES])
            for _, sql in triggers:
                conn.execute(sql)
        return n

    def _existing_article(self, article: Article) -> str | None:
        """The ``articles.url`` of the article ``article`` is a version of: same URL, or a URL
        or canonical URL the seen-store maps to an article."""
        row = self.db.execute("select url from articles where url = ?", [article.url]).fetchone()
        if row is not None:
            return str(row[0])
        url_key = normalize_url(article.url)
        keys = [url_key, canonical_key(article.url, article.canonical_url, url_key=url_key)]
        keys = [k for k in keys if k]
        for key in keys:
            row = self.db.execute(
                "select a.url from seen_urls s join articles a on a.id = s.article_id"
                " where s.url_key = ?",
                [key],
            ).fetchone()
            if row is not None:
                return str(row[0])
        return None

    def _add_version(
        self, article_id: int, article: Article, row: dict[str, Any], *, new: bool = False
    ) -> None:
        """A new version when title or body differ from the latest version (``new``: the
        article was just inserted, it has none). Its body is null: the article's row, just
        written, holds it (``article_version_rows``)."""
        latest = None
        if not new:
            latest = self.db.execute(
                "select version, title, body from article_versions where article_id = ?"
                " order by version desc limit 1",
                [article_id],
            ).fetchone()
        if latest is not None and (latest[1], latest[2]) == (article.title, article.body):
            return
        captured_at = article.capture.date if article.capture else None
        self.db.conn.execute(
            "insert into article_version_rows (article_id, version, title, body, capture_id,"
            " record_id, captured_at, crawl_id, indexed_at) values (?, ?, ?, null, ?, ?, ?, ?, ?)",
            [
                article_id,
                (latest[0] if latest else 0) + 1,
                article.title,
                row["capture_id"],
                row["record_id"],
                captured_at or row["indexed_at"],
                row["crawl_id"],
                row["indexed_at"],
            ],
        )

    def _link_seen(self, article_id: int, article: Article, row: dict[str, Any]) -> None:
        """Map the fetched URL and the canonical URL (normalised) to the article."""
        seen_at = (article.capture.date if article.capture else None) or row["indexed_at"]
        url_key = normalize_url(article.url)
        canonical = canonical_key(article.url, article.canonical_url, url_key=url_key)
        pairs: list[tuple[str | None, str | None]] = [(article.url, url_key)]
        if canonical != url_key:  # the same key again would update its row to what it holds
            pairs.append((article.canonical_url, canonical))
        for url, key in pairs:
            if key is None:
                continue
            self.db.conn.execute(
                "insert into seen_urls (url_key, url, outlet, article_id, first_seen, checks,"
                " page_type) values (?, ?, ?, ?, ?, 0, 'article')"
                " on conflict (url_key) do update set article_id = excluded.article_id,"
                " page_type = 'article'",
                [key, url, article.outlet, article_id, seen_at],
            )

    # -- seen-store -----------------------------------------------------------------------
    def seen_entry(self, url_key: str) -> dict[str, Any] | None:
        """The ``seen_urls`` row of a normalised URL, with the fields of its last full capture
        (``capture_url``, ``captured_at``, ``record_id``, ``payload_digest``, ``warc_file``,
        ``warc_offset``); ``None`` for an unknown URL."""
        rows = self._rows(
            "select s.*, c.url as capture_url, c.captured_at, c.record_id, c.payload_digest,"
            " c.warc_file, c.warc_offset from seen_urls s"
            " left join captures c on c.id = s.capture_id where s.url_key = ?",
            [url_key],
        )
        return rows[0] if rows else None

    def article_source(self, url_key: str) -> tuple[str, str] | None:
        """The URL and payload digest of the capture the current text of the article of a
        normalised URL was extracted from, or ``None``."""
        row = self.db.execute(
            "select c.url, c.payload_digest from seen_urls s"
            " join articles a on a.id = s.article_id join captures c on c.id = a.capture_id"
            " where s.url_key = ?",
            [url_key],
        ).fetchone()
        return (str(row[0]), str(row[1])) if row and row[0] and row[1] else None

    def articles_to_check(self, outlet: str, *, checks_below: int, seen_since: str) -> list[str]:
        """The URLs of ``outlet``'s articles whose seen-store rows have had fewer than
        ``checks_below`` revision checks and were first seen at ``seen_since`` (ISO 8601, UTC)
        or later: the candidates for a check that no listing page asks for."""
        rows = self.db.execute(
            "select distinct a.url from seen_urls s join articles a on a.id = s.article_id"
            " where s.outlet = ? and s.page_type = 'article' and s.checks < ?"
            " and s.first_seen >= ? order by a.id",
            [outlet, checks_below, seen_since],
        )
        return [str(url) for (url,) in rows]

    def original_capture(self, digest: str) -> dict[str, Any] | None:
        """The first full response record (not a redirect) with payload ``digest``:
        ``url``, ``captured_at``, ``record_id``, ``warc_file``; ``None`` if there is none."""
        rows = self._rows(
            "select url, captured_at, record_id, warc_file from captures where payload_digest = ?"
            " and coalesce(warc_type, 'response') = 'response'"
            " and not status between 300 and 399 order by id limit 1",
            [digest],
        )
        return rows[0] if rows else None

    def record_fetch(
        self,
        *,
        url: str,
        outlet: str | None,
        status: int,
        ref: CaptureRef,
        captured_at: str,
        validators: Mapping[str, str | None],
        schedule: Sequence[timedelta],
    ) -> None:
        """Note a fetch of an article URL in the seen-store: first seen, revision checks made,
        the full capture a later conditional request refers to, and its validators.
        A gone article (404, 410) is noted and checked again on the schedule; other error
        answers (5xx, 403, ...) are not: the URL stays new."""
        key = normalize_url(url)
        if key is None or (status >= 400 and status not in (404, 410)):
            return
        with self.transaction():
            old = self.seen_entry(key)
            first_seen = old["first_seen"] if old and old["first_seen"] else captured_at
            checks = 0
            if old is not None:
                first, now = parse_time(first_seen), parse_time(captured_at)
                passed = checks_due_by(first, now, schedule) if first and now else 0
                checks = max(int(old["checks"] or 0), passed)
            capture_id = old["capture_id"] if old else None
            etag, modified = validators.get("etag"), validators.get("last_modified")
            # a 304 archived as the 304 it is validated no capture held (its record was
            # damaged): the next check asks without validators
            foreign = status == 304 and ref.warc_type != "revisit"
            if ref.warc_type == "response" and status < 300:
                capture_id = self.capture_id(ref.record_id)
            elif ref.refers_to and status < 300:
                # A 2xx revisit: the page is again what that capture holds, and a 304 to the
                # validators just noted is archived as a revisit of it, with its status line
                # and headers. Unless it is another URL's capture, or one of another status
                # (a 404 page now served with 200): then no capture stands for this URL's
                # response, and its next check asks without validators. (A revisit of a 4xx
                # is never the capture a check stands on.)
                found = self.db.execute(
                    "select id, url, status from captures where record_id = ?", [ref.refers_to]
                ).fetchone()
                foreign = not found or found[2] != status or normalize_url(found[1]) != key
                capture_id = None if foreign else found[0]
            if foreign:
                etag = modified = capture_id = None
            elif status == 304 or not (etag or modified):
                etag = etag or (old["etag"] if old else None)
                modified = modified or (old["last_modified"] if old else None)
            self.db.conn.execute(
                "insert into seen_urls (url_key, url, outlet, first_seen, last_fetched, checks,"
                " capture_id, etag, last_modified) values (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                " on conflict (url_key) do update set last_fetched = excluded.last_fetched,"
                " checks = excluded.checks, capture_id = excluded.capture_id,"
                " etag = excluded.etag, last_modified = excluded.last_modified",
                [key, url, outlet, first_seen, captured_at, checks, capture_id, etag, modified],
            )

    def note_page_type(self, url: str, page_type: str) -> None:
        """Note what the extractor made of the page of a seen URL that is no article
        (``listing``, ``other``, ``failed``): processed, it is not fetched as new again."""
        key = normalize_url(url)
        if key is not None:
            with self.transaction():
                self.db.conn.execute(
                    "update seen_urls set page_type = ? where url_key = ?", [page_type, key]
                )

    def article_versions(self, url: str) -> list[dict[str, Any]]:
        """Every version of the article of ``url``, oldest first."""
        article = self.find_article(url)
        return self._rows(  # with the URL of each version's capture: one of the article's
            "select v.*, c.url as capture_url from article_versions v"
            " left join captures c on c.record_id = v.record_id"
            " where v.article_id = ? order by v.version",
            [article["id"]],
        )

    def find_article(self, url: str) -> dict[str, Any]:
        """The indexed article of ``url`` (else of its trailing-slash variant), with
        ``capture_url``, the URL of the capture its current text came from (another URL of
        the article, same canonical URL, when that one's text was newer)."""
        rows = self._rows(
            "select * from articles where url in (?, ?, ?) order by url = ? desc",
            [*_url_variants(url), url],
        )
        if not rows and (key := normalize_url(url)):  # another URL of the article
            rows = self._rows(
                "select a.* from seen_urls s join articles a on a.id = s.article_id"
                " where s.url_key = ?",
                [key],
            )
        if not rows:
            raise NotFoundError(
                f"no article for {url} in the index at {self.path} (the page may be archived "
                "but not an article); see its captures with: archiver show URL --history"
            )
        row = rows[0]
        found = self.db.execute("select url from captures where id = ?", [row["capture_id"]])
        row["capture_url"] = next((url for (url,) in found), None)  # where its text came from
        row["authors"] = json.loads(row["authors"] or "[]")
        row["section"] = json.loads(row["section"] or "[]")
        row["tags"] = json.loads(row["tags"] or "[]")
        row["images"] = json.loads(row["images"] or "[]")
        if row["is_paywalled"] is not None:
            row["is_paywalled"] = bool(row["is_paywalled"])
        return row

    def compact(self) -> Compacted:
        """Give the file's free pages back to the disk (SQLite's ``VACUUM``): the space of
        deleted rows, or of an index migrated to schema version 7. It rewrites the whole
        file, so it needs free disk of about twice the compacted index while it runs (a copy
        in the temporary directory, ``SQLITE_TMPDIR``, and the WAL), and no other process
        writing to it; an error leaves the index as it was. Another process reading the index
        in a transaction keeps the compacted pages in the WAL until it ends (the last
        connection to close moves them into the file): then ``Compacted.waiting``."""
        conn = self.db.conn
        if conn.in_transaction:
            conn.commit()
        try:
            conn.execute("vacuum")
            busy, _, _ = conn.execute("pragma wal_checkpoint(truncate)").fetchone()
            pages = conn.execute("pragma page_count").fetchone()[0]
            page_size = conn.execute("pragma page_size").fetchone()[0]
            return Compacted(size=pages * page_size, waiting=bool(busy))
        except sqlite3.OperationalError as e:
            if e.sqlite_errorname in ("SQLITE_BUSY", "SQLITE_LOCKED"):
                raise ArchiverError(
                    f"index {self.path} is in use: another process (a crawl?) is writing to "
                    "it; compact it when that has finished"
                ) from e
            if e.sqlite_errorname.startswith("SQLITE_READONLY"):
                raise ArchiverError(f"cannot compact {self.path}: {index_problem(e)}") from e
            raise ArchiverError(  # a full disk is "database or disk is full" or an I/O error
                f"cannot compact index {self.path}: {e}; it needs free disk of about twice "
                "the compacted index, in the temporary directory (SQLITE_TMPDIR) and beside "
                "the index; the index is unchanged"
            ) from e

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
