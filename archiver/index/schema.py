"""The index schema: the version 1 tables, and forward migrations applied in order on open.

A migration is a function of an open connection, registered in :data:`MIGRATIONS` under the
version it produces. :func:`ensure_schema` applies every migration newer than the stored
``schema_version``, each in its own transaction together with the new version number, so an
archive written by an older archiver opens with a newer one and a failed step changes nothing.
The contract (every table and column) is documented in ``docs/index.md``.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable

import sqlite_utils

from archiver.exceptions import REBUILD_INDEX, ArchiverError
from archiver.index.cjk import cjk_terms
from archiver.index.fold import folded
from archiver.index.seen import canonical_key, normalize_url

logger = logging.getLogger(__name__)

SCHEMA_VERSION = 8
"""The schema version this archiver writes; older indexes are migrated up to it on open."""

TEXT_COLUMNS = ("title", "body", "byline")
"""The article columns a search covers, and a query's column filters name (``title:``)."""
CJK_COLUMNS = tuple(f"{c}_cjk" for c in TEXT_COLUMNS)
"""Each text column's CJK characters as tokens of their own (:mod:`archiver.index.cjk`)."""
FOLD_COLUMNS = tuple(f"{c}_fold" for c in TEXT_COLUMNS)
"""Each text column with the letters of :mod:`archiver.index.fold` folded."""
SHADOW_COLUMNS = (*CJK_COLUMNS, *FOLD_COLUMNS)
FTS_COLUMNS = (*TEXT_COLUMNS, *SHADOW_COLUMNS)
"""The columns of the full-text index ``articles_fts``, in order."""

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


def _create_v1(db: sqlite_utils.Database) -> None:
    """The version 1 tables (those missing), as the first archiver created them."""
    if "meta" not in db.table_names():
        db.table("meta").create({"key": str, "value": str}, pk="key")
    if "crawls" not in db.table_names():
        db.table("crawls").create(_CRAWLS, pk="id")
    if "captures" not in db.table_names():
        db.table("captures").create(_CAPTURES, pk="id", foreign_keys=[("crawl_id", "crawls", "id")])
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
        db.table("articles").enable_fts(TEXT_COLUMNS, create_triggers=True, tokenize="porter")


def _v2_link_tables(conn: sqlite3.Connection) -> None:
    """Authors and section paths as rows, filled from the JSON columns of existing articles."""
    conn.execute(
        "CREATE TABLE article_authors ("
        " article_id INTEGER NOT NULL REFERENCES articles(id),"
        " author TEXT NOT NULL,"
        " position INTEGER NOT NULL,"
        " PRIMARY KEY (article_id, position))"
    )
    conn.execute("CREATE INDEX idx_article_authors_author ON article_authors (author)")
    conn.execute(
        "CREATE TABLE article_sections ("
        " article_id INTEGER NOT NULL REFERENCES articles(id),"
        " section TEXT NOT NULL,"
        " depth INTEGER NOT NULL,"
        " PRIMARY KEY (article_id, depth))"
    )
    conn.execute("CREATE INDEX idx_article_sections_section ON article_sections (section)")
    conn.execute(
        "CREATE TRIGGER articles_links_ad AFTER DELETE ON articles BEGIN"
        " DELETE FROM article_authors WHERE article_id = old.id;"
        " DELETE FROM article_sections WHERE article_id = old.id;"
        " END"
    )
    for table, link_column, json_column, order in (
        ("article_authors", "author", "authors", "position"),
        ("article_sections", "section", "section", "depth"),
    ):  # identifiers from this tuple only; no value is formatted into SQL
        conn.execute(
            f"INSERT INTO {table} (article_id, {link_column}, {order})"
            f" SELECT a.id, trim(j.value), j.key FROM articles a, json_each(a.{json_column}) j"
            f" WHERE json_valid(a.{json_column}) AND json_type(a.{json_column}) = 'array'"
            " AND j.type = 'text' AND trim(j.value) != ''"
        )


def _v3_tags_images_paywall(conn: sqlite3.Connection) -> None:
    """Tags (JSON list, and rows in ``article_tags``), images (JSON list), the paywall flag."""
    conn.execute("ALTER TABLE articles ADD COLUMN tags TEXT")
    conn.execute("ALTER TABLE articles ADD COLUMN images TEXT")
    conn.execute("ALTER TABLE articles ADD COLUMN is_paywalled INTEGER")
    conn.execute(
        "CREATE TABLE article_tags ("
        " article_id INTEGER NOT NULL REFERENCES articles(id),"
        " tag TEXT NOT NULL,"
        " position INTEGER NOT NULL,"
        " PRIMARY KEY (article_id, position))"
    )
    conn.execute("CREATE INDEX idx_article_tags_tag ON article_tags (tag COLLATE NOCASE)")
    # filters compare names in any case: indexes in that collation, so a filter is a lookup
    for table, column in (("article_authors", "author"), ("article_sections", "section")):
        conn.execute(
            f"CREATE INDEX idx_{table}_{column}_nocase ON {table} ({column} COLLATE NOCASE)"
        )  # identifiers from the tuple above
    conn.execute("DROP TRIGGER articles_links_ad")
    conn.execute(
        "CREATE TRIGGER articles_links_ad AFTER DELETE ON articles BEGIN"
        " DELETE FROM article_authors WHERE article_id = old.id;"
        " DELETE FROM article_sections WHERE article_id = old.id;"
        " DELETE FROM article_tags WHERE article_id = old.id;"
        " END"
    )


def _v4_recurring_crawls(conn: sqlite3.Connection) -> None:
    """Revisit captures, the seen-store of article URLs, and article versions.

    Existing articles become version 1 of themselves, and their URLs (fetched and canonical,
    normalised) enter the seen-store as first seen when they were captured.
    """

    conn.execute("ALTER TABLE captures ADD COLUMN warc_type TEXT")
    conn.execute("ALTER TABLE captures ADD COLUMN refers_to TEXT")
    conn.execute("CREATE INDEX idx_captures_payload_digest ON captures (payload_digest)")
    conn.execute(
        "CREATE TABLE seen_urls ("
        " url_key TEXT PRIMARY KEY,"
        " url TEXT NOT NULL,"
        " outlet TEXT,"
        " article_id INTEGER REFERENCES articles(id),"
        " first_seen TEXT NOT NULL,"
        " last_fetched TEXT,"
        " checks INTEGER NOT NULL DEFAULT 0,"
        " capture_id INTEGER REFERENCES captures(id),"
        " etag TEXT,"
        " last_modified TEXT,"
        " page_type TEXT)"
    )
    conn.execute("CREATE INDEX idx_seen_urls_article_id ON seen_urls (article_id)")
    conn.execute(
        "CREATE TABLE article_versions ("
        " id INTEGER PRIMARY KEY,"
        " article_id INTEGER NOT NULL REFERENCES articles(id),"
        " version INTEGER NOT NULL,"
        " title TEXT,"
        " body TEXT,"
        " capture_id INTEGER REFERENCES captures(id),"
        " record_id TEXT,"
        " captured_at TEXT,"
        " crawl_id INTEGER REFERENCES crawls(id),"
        " indexed_at TEXT,"
        " UNIQUE (article_id, version))"
    )
    conn.execute(
        "CREATE TRIGGER articles_versions_ad AFTER DELETE ON articles BEGIN"
        " DELETE FROM article_versions WHERE article_id = old.id;"
        " UPDATE seen_urls SET article_id = NULL WHERE article_id = old.id;"
        " END"
    )
    conn.execute(
        "INSERT INTO article_versions"
        " (article_id, version, title, body, capture_id, record_id, captured_at, crawl_id,"
        "  indexed_at)"
        " SELECT a.id, 1, a.title, a.body, a.capture_id, a.record_id,"
        "  coalesce(c.captured_at, a.indexed_at), a.crawl_id, a.indexed_at"
        " FROM articles a LEFT JOIN captures c ON c.id = a.capture_id ORDER BY a.id"
    )
    rows = conn.execute(
        "SELECT a.id, a.url, a.canonical_url, a.outlet, coalesce(c.captured_at, a.indexed_at),"
        " a.capture_id FROM articles a LEFT JOIN captures c ON c.id = a.capture_id ORDER BY a.id"
    ).fetchall()
    for article_id, url, canonical, outlet, seen_at, capture_id in rows:
        for each, key in ((url, normalize_url(url)), (canonical, canonical_key(url, canonical))):
            if key:
                conn.execute(
                    "INSERT OR IGNORE INTO seen_urls (url_key, url, outlet, article_id,"
                    " first_seen, last_fetched, checks, capture_id, page_type)"
                    " VALUES (?, ?, ?, ?, ?, ?, 0, ?, 'article')",
                    [key, each, outlet, article_id, seen_at or "", seen_at, capture_id],
                )


def _v5_crawl_worker(conn: sqlite3.Connection) -> None:
    """``crawls.worker``: the worker of a distributed crawl that ran the crawl (null for a
    crawl on one machine); with ``outlet`` and ``started_at`` it names a crawl across shards."""
    conn.execute("ALTER TABLE crawls ADD COLUMN worker TEXT")


def _v6_search_filter_indexes(conn: sqlite3.Connection) -> None:
    """Indexes that let a filtered search check each full-text match without reading its row.

    ``idx_articles_filters`` holds the columns the outlet, language and date filters test,
    keyed by article id: a search reads this narrow index instead of the article row, whose
    body spans pages. The link tables get ``(article_id, name COLLATE NOCASE)`` indexes, so
    an author, section or tag filter is one lookup per match instead of a list of every
    article of that name (71,000 for a large section of a 1,000,000-article index).
    """
    conn.execute("CREATE INDEX idx_articles_filters ON articles (id, outlet, language, published)")
    for table, column in (
        ("article_authors", "author"),
        ("article_sections", "section"),
        ("article_tags", "tag"),
    ):  # identifiers from this tuple only
        conn.execute(
            f"CREATE INDEX idx_{table}_article_{column}"
            f" ON {table} (article_id, {column} COLLATE NOCASE)"
        )


def _v7_version_text_once(conn: sqlite3.Connection) -> None:
    """An article's current text stored once, not twice.

    The versions' table is renamed ``article_version_rows``; its ``body`` is null when it is
    the body of the article's row (its latest version's, the text of most articles' only one);
    ``article_versions`` becomes a view with the columns and values the table had. The
    trigger ``articles_versions_bu`` writes an article's old body into its versions that
    share it before the row takes a new one. A million-article index is about a third smaller.
    """
    conn.execute("ALTER TABLE article_versions RENAME TO article_version_rows")
    conn.execute(
        "UPDATE article_version_rows SET body = NULL WHERE body ="
        " (SELECT a.body FROM articles a WHERE a.id = article_version_rows.article_id)"
    )
    conn.execute("DROP TRIGGER articles_versions_ad")  # rewritten below, for any SQLite
    columns = [row[1] for row in conn.execute("PRAGMA table_info(article_version_rows)")]
    shown = ", ".join(
        "coalesce(v.body, a.body) AS body" if c == "body" else f"v.{c}" for c in columns
    )
    conn.execute(
        f"CREATE VIEW article_versions AS SELECT {shown}"
        " FROM article_version_rows v JOIN articles a ON a.id = v.article_id"
    )
    conn.execute(
        "CREATE TRIGGER articles_versions_ad AFTER DELETE ON articles BEGIN"
        " DELETE FROM article_version_rows WHERE article_id = old.id;"
        " UPDATE seen_urls SET article_id = NULL WHERE article_id = old.id;"
        " END"
    )
    conn.execute(
        "CREATE TRIGGER articles_versions_bu BEFORE UPDATE OF body ON articles"
        " WHEN new.body IS NOT old.body BEGIN"
        " UPDATE article_version_rows SET body = old.body"
        "  WHERE article_id = old.id AND body IS NULL;"
        " END"
    )


def _v8_shadow_columns(conn: sqlite3.Connection) -> None:
    """Full-text search inside Chinese, Japanese and Korean text (:mod:`archiver.index.cjk`),
    and of letters written for each other (Turkish dotless and dotted i, Russian yo and ye,
    the Arabic alef with and without hamza: :mod:`archiver.index.fold`).

    ``articles`` gets the shadow columns ``title_cjk``, ``body_cjk``, ``byline_cjk``,
    ``title_fold``, ``body_fold`` and ``byline_fold``, filled for the articles whose text needs
    them, and the full-text index is rebuilt with them: FTS5 cannot add a column to an index.
    The rebuild reads every article (18 s for 50,000 on this project's two-core machine).
    """
    for column in SHADOW_COLUMNS:
        conn.execute(f"ALTER TABLE articles ADD COLUMN {column} TEXT")
    count = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
    if count > 10_000:
        logger.warning(
            "index: rebuilding the full-text index of %s articles for search in Chinese,"
            " Japanese and Korean and of letters written for each other (schema version 8),"
            " once: about half a minute per 100,000",
            f"{count:,}",
        )
    # In Python, not by GLOB '*[一-鿿...]*', which took 24 s for 50,000 articles against 2
    select = f"SELECT id, {', '.join(TEXT_COLUMNS)} FROM articles"
    update = f"UPDATE articles SET {', '.join(f'{c} = ?' for c in SHADOW_COLUMNS)} WHERE id = ?"
    rows = [
        (*shadows, row[0])
        for row in conn.execute(select)
        if any(shadows := shadow_values(*row[1:]))
    ]
    config = conn.execute("SELECT k, v FROM articles_fts_config WHERE k != 'version'").fetchall()
    for name in ("articles_ai", "articles_ad", "articles_au"):
        conn.execute(f'DROP TRIGGER IF EXISTS "{name}"')
    conn.execute("DROP TABLE articles_fts")
    conn.executemany(update, rows)  # no full-text triggers: the rebuild below reads the rows
    _create_fts(conn)
    command = "INSERT INTO articles_fts (articles_fts, rank) VALUES (?, ?)"
    conn.execute(command, ["hashsize", 8 * 1024 * 1024])  # as bulk_load builds one
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('rebuild')")
    conn.execute("INSERT INTO articles_fts (articles_fts) VALUES ('optimize')")
    conn.execute("DELETE FROM articles_fts_config WHERE k = 'hashsize'")
    conn.executemany(command, config)  # the index's own FTS5 settings (hashsize)


def shadow_values(
    title: str | None, body: str | None, byline: str | None
) -> tuple[str | None, ...]:
    """The values of :data:`SHADOW_COLUMNS` for an article's title, body and byline."""
    texts = (title, body, byline)
    return (*(cjk_terms(t) for t in texts), *(folded(t) for t in texts))


def _create_fts(conn: sqlite3.Connection) -> None:
    """``articles_fts`` over :data:`FTS_COLUMNS` of ``articles``, and the triggers that keep it
    in step with the rows, as sqlite-utils' ``enable_fts`` writes them."""
    columns = ", ".join(f'"{c}"' for c in FTS_COLUMNS)
    new = ", ".join(f'new."{c}"' for c in FTS_COLUMNS)
    old = ", ".join(f'old."{c}"' for c in FTS_COLUMNS)
    delete = (
        f'INSERT INTO "articles_fts" ("articles_fts", rowid, {columns})'
        f" VALUES('delete', old.rowid, {old});"
    )
    insert = f'INSERT INTO "articles_fts" (rowid, {columns}) VALUES (new.rowid, {new});'
    conn.execute(
        f'CREATE VIRTUAL TABLE "articles_fts" USING FTS5 ({columns},'
        " tokenize='porter', content=\"articles\")"
    )
    conn.execute(f'CREATE TRIGGER "articles_ai" AFTER INSERT ON "articles" BEGIN {insert} END')
    conn.execute(f'CREATE TRIGGER "articles_ad" AFTER DELETE ON "articles" BEGIN {delete} END')
    conn.execute(
        f'CREATE TRIGGER "articles_au" AFTER UPDATE ON "articles" BEGIN {delete} {insert} END'
    )


Migration = Callable[[sqlite3.Connection], None]

MIGRATIONS: dict[int, Migration] = {
    2: _v2_link_tables,
    3: _v3_tags_images_paywall,
    4: _v4_recurring_crawls,
    5: _v5_crawl_worker,
    6: _v6_search_filter_indexes,
    7: _v7_version_text_once,
    8: _v8_shadow_columns,
}
"""Migration functions keyed by the schema version each produces, applied in order."""


def stored_version(db: sqlite_utils.Database) -> int:
    """The ``schema_version`` the index records (0 for an empty database)."""
    if "meta" not in db.table_names():
        return 1 if "articles" in db.table_names() else 0
    row = db.execute("SELECT value FROM meta WHERE key = ?", ["schema_version"]).fetchone()
    try:
        return int(row[0]) if row else 1
    except (TypeError, ValueError):
        raise sqlite3.DatabaseError(
            f"its schema_version {row[0]!r} is not a number: the index is damaged"
        ) from None


def ensure_ours(db: sqlite_utils.Database, *, where: str) -> None:
    """Refuse an SQLite database that holds tables but no archiver index: it is someone
    else's, and creating our schema in it would change it."""
    tables = db.table_names()
    if tables and stored_version(db) == 0:
        raise ArchiverError(
            f"{where} is an SQLite database but not an archiver index (tables: "
            f"{', '.join(tables[:5])}); move it away or pass --archive DIR of an archive"
        )


def ensure_schema(db: sqlite_utils.Database, *, where: str) -> None:
    """Create an empty index, or migrate an older one forward to :data:`SCHEMA_VERSION`."""
    version = stored_version(db)
    if version > SCHEMA_VERSION:
        raise ArchiverError(
            f"index {where} has schema version {version}, newer than this archiver's "
            f"{SCHEMA_VERSION}; upgrade archiver to read it"
        )
    if version < 1:
        _create_v1(db)
        _set_version(db.conn, 1)
        db.conn.commit()
        version = 1
    for target in range(version + 1, SCHEMA_VERSION + 1):
        try:
            apply_migration(db.conn, target, MIGRATIONS[target])
        except sqlite3.OperationalError as e:
            if "already exists" not in str(e) and "duplicate column" not in str(e):
                raise
            raise ArchiverError(  # the stored version is older than the tables it holds
                f"index {where} records schema version {version} but already holds what "
                f"version {target} adds ({e}): its version is damaged; {REBUILD_INDEX}"
            ) from e
        logger.info("migrated index %s to schema version %s", where, target)


def _set_version(conn: sqlite3.Connection, version: int) -> None:
    conn.execute(
        "INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", ["schema_version", str(version)]
    )


def apply_migration(conn: sqlite3.Connection, version: int, migration: Migration) -> None:
    """Run one migration and record ``version``, all in one transaction."""
    if conn.in_transaction:
        conn.commit()
    conn.execute("BEGIN IMMEDIATE")
    try:
        migration(conn)
        _set_version(conn, version)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
