"""Merge index shards (the ``index.db`` of each worker of a distributed crawl) into one index.

Rows are matched on their natural keys, never on the shards' own row ids, so that merging is
idempotent: merging a shard twice, or into an index that already holds it, changes nothing.

- ``crawls``: ``worker``, ``outlet`` and ``started_at``; a crawl merged while it ran takes its
  finished state when merged again, or ``interrupted`` once ``check --repair`` found it so.
- ``captures``: the WARC ``record_id`` (a capture never changes).
- ``articles``: ``url``; of two rows of one URL (a page fetched by two workers, one of them killed
  before it acknowledged the page) the one indexed last wins, with its author, section and tag
  rows. The full-text index follows through its triggers.
- ``article_versions``: per article, a version whose title and body the index already has is not
  added again; versions are numbered again in capture order. A version's body equal to the
  merged article's is stored as null (``article_version_rows``: the row holds it).
- ``seen_urls``: ``url_key``; first seen is the earliest, the last fetch (with its capture and
  validators) the latest, checks the most.

Capture, article and crawl ids are translated to the merged index's own.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from pathlib import Path

import attrs
import sqlite_utils

from archiver.exceptions import ArchiverError, ConfigError, NotFoundError
from archiver.index.schema import stored_version
from archiver.index.store import (
    LINK_TABLES,
    ArchiveIndex,
    read_only_connection,
    remove_index_files,
)


@attrs.define(kw_only=True)
class MergeSummary:
    out: Path
    shards: int
    captures_added: int
    articles_added: int
    articles: int
    captures: int


_SHIFT = 1 << 40
"""Added to version numbers while they are numbered again (above any real one)."""


def _columns(conn: sqlite3.Connection, schema: str, table: str) -> list[str]:
    # schema and table come from this module's fixed names
    return [row[1] for row in conn.execute(f"pragma {schema}.table_info({table})")]


def _stored_version(path: Path) -> int:
    """The schema version of the index at ``path``, read without writing (0: no index)."""
    try:
        conn = read_only_connection(path)
        try:
            return stored_version(sqlite_utils.Database(conn))
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise ArchiverError(
            f"cannot read index shard {path}: {e}; pass the index.db of a worker"
        ) from e


def _same_file(path: Path, out: Path) -> bool:
    """Whether ``out`` is the file ``path``: the same path, a symlink or a hard link of it."""
    if path.resolve() == out.resolve():
        return True
    try:
        return out.exists() and os.path.samefile(path, out)
    except OSError:  # unreadable: the checks that follow say what is wrong
        return False


def merge(shards: Iterable[str | Path], out: str | Path) -> MergeSummary:
    """Merge the index files ``shards`` into ``out`` (created when missing)."""
    out = Path(out)
    paths = [Path(p) for p in shards]
    if not paths:
        raise ConfigError("give at least one shard: archiver index merge SHARD.db ... --out FILE")
    for path in paths:
        if not path.is_file():
            raise NotFoundError(f"no index shard at {path}; pass the index.db of a worker")
        if _same_file(path, out):
            raise ConfigError(f"{path} is the --out index itself; merge into another file")
        if _stored_version(path) == 0:  # read-only: opening would write a schema into it
            raise ConfigError(f"{path} holds no archiver index; pass the index.db of a worker")
        ArchiveIndex(path, create=False).close()  # an archiver index, at the current schema
    if out.is_dir():
        raise ConfigError(f"--out {out} is a directory; pass the path of the merged index file")
    created = not out.exists()
    index = ArchiveIndex(out)
    try:
        before = (index.count("captures"), index.count("articles"))
        for path in paths:
            try:
                _merge_one(index, path)
            except sqlite3.DatabaseError as e:  # each shard is one transaction: rolled back
                index.close()
                if created:  # nor is a new --out left behind
                    remove_index_files(out)
                raise ArchiverError(
                    f"index shard {path} cannot be read ({e}); rebuild it from its worker's "
                    "WARC files (archiver reindex WARC_DIR --out NEW.db) and merge that"
                    + ("" if created else f"; {out} holds the shards merged before it")
                ) from e
        return MergeSummary(
            out=out,
            shards=len(paths),
            captures_added=index.count("captures") - before[0],
            articles_added=index.count("articles") - before[1],
            articles=index.count("articles"),
            captures=index.count("captures"),
        )
    finally:
        index.close()


def _merge_one(index: ArchiveIndex, path: Path) -> None:
    conn = index.db.conn
    if conn.in_transaction:
        conn.commit()
    conn.execute("attach database ? as shard", [str(path)])
    try:
        with index.transaction():
            for name in ("crawl_map", "capture_map", "article_map", "won"):
                conn.execute(f"drop table if exists temp.{name}")
            _crawls(conn)
            _captures(conn)
            _articles(conn)
            _versions(conn)
            _seen(conn)
    finally:
        conn.execute("detach database shard")


def _crawls(conn: sqlite3.Connection) -> None:
    conn.execute("create temp table crawl_map (shard_id integer primary key, target_id integer)")
    columns = [c for c in _columns(conn, "shard", "crawls") if c != "id"]
    rows = conn.execute(f"select id, {', '.join(columns)} from shard.crawls order by id")
    for shard_id, *values in rows.fetchall():
        row = dict(zip(columns, values, strict=True))
        found = conn.execute(
            "select id, finished_at, outcome from main.crawls where coalesce(worker, '') = ?"
            " and outlet is ? and started_at is ?",
            [row.get("worker") or "", row["outlet"], row["started_at"]],
        ).fetchone()
        if found is None:
            cursor = conn.execute(
                f"insert into main.crawls ({', '.join(columns)})"
                f" values ({', '.join('?' * len(columns))})",
                values,
            )
            target = cursor.lastrowid
        else:
            target = found[0]
            ended = row["finished_at"] and (found[1] or "") < row["finished_at"]
            # a killed worker's crawl found interrupted (check --repair) has no end time
            found_out = found[2] == "running" and row["outcome"] not in (None, "running")
            if ended or found_out:
                conn.execute(
                    f"update main.crawls set {', '.join(f'{c} = ?' for c in columns)} where id = ?",
                    [*values, target],
                )
        conn.execute("insert into temp.crawl_map values (?, ?)", [shard_id, target])


def _captures(conn: sqlite3.Connection) -> None:
    columns = [c for c in _columns(conn, "shard", "captures") if c not in ("id", "crawl_id")]
    conn.execute(
        f"insert or ignore into main.captures ({', '.join(columns)}, crawl_id)"
        f" select {', '.join('s.' + c for c in columns)}, m.target_id from shard.captures s"
        " left join temp.crawl_map m on m.shard_id = s.crawl_id order by s.id"
    )
    conn.execute(
        "create temp table capture_map as select s.id as shard_id, c.id as target_id"
        " from shard.captures s join main.captures c on c.record_id = s.record_id"
    )
    conn.execute("create unique index temp.capture_map_shard on capture_map (shard_id)")


def _articles(conn: sqlite3.Connection) -> None:
    mapped = {"capture_id", "crawl_id"}
    columns = [c for c in _columns(conn, "shard", "articles") if c not in {"id", *mapped}]
    selected = ", ".join("s." + c for c in columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in [*columns, *mapped] if c != "url")
    conn.execute(
        f"insert into main.articles ({', '.join(columns)}, capture_id, crawl_id)"
        f" select {selected}, cm.target_id, m.target_id from shard.articles s"
        " left join temp.capture_map cm on cm.shard_id = s.capture_id"
        " left join temp.crawl_map m on m.shard_id = s.crawl_id where true order by s.id"
        f" on conflict (url) do update set {updates}"
        " where coalesce(excluded.indexed_at, '') > coalesce(main.articles.indexed_at, '')"
    )
    conn.execute(
        "create temp table article_map as select s.id as shard_id, a.id as target_id,"
        " (a.indexed_at is s.indexed_at and a.record_id is s.record_id) as won"
        " from shard.articles s join main.articles a on a.url = s.url"
    )
    conn.execute("create unique index temp.article_map_shard on article_map (shard_id)")
    for table in LINK_TABLES:  # the winning row's link rows (fixed table names)
        value, order = {
            "article_authors": ("author", "position"),
            "article_sections": ("section", "depth"),
            "article_tags": ("tag", "position"),
        }[table]
        conn.execute(
            f"delete from main.{table} where article_id in"
            " (select target_id from temp.article_map where won)"
        )
        conn.execute(
            f"insert into main.{table} (article_id, {value}, {order})"
            f" select m.target_id, l.{value}, l.{order} from shard.{table} l"
            " join temp.article_map m on m.shard_id = l.article_id where m.won"
        )


def _versions(conn: sqlite3.Connection) -> None:
    conn.execute(
        "insert into main.article_version_rows (article_id, version, title, body, capture_id,"
        " record_id, captured_at, crawl_id, indexed_at)"
        " select am.target_id, -v.id, v.title, v.body, cm.target_id, v.record_id, v.captured_at,"
        " m.target_id, v.indexed_at from shard.article_versions v"
        " join temp.article_map am on am.shard_id = v.article_id"
        " left join temp.capture_map cm on cm.shard_id = v.capture_id"
        " left join temp.crawl_map m on m.shard_id = v.crawl_id"
        " where not exists (select 1 from main.article_versions o where"
        "  o.article_id = am.target_id and o.title is v.title and o.body is v.body)"
        " order by v.article_id, v.version"
    )
    touched = "select target_id from temp.article_map"
    conn.execute(  # the text of the article's row is stored once, in the row
        "update main.article_version_rows set body = null where body ="
        " (select a.body from main.articles a where a.id = article_version_rows.article_id)"
        f" and article_id in ({touched})"
    )
    # number each touched article's versions again, in capture order: first out of the way
    # ((article_id, version) is unique at every step), then to their rank
    conn.execute(
        f"update main.article_version_rows set version = version + {_SHIFT}"
        f" where article_id in ({touched})"
    )
    conn.execute(
        "update main.article_version_rows set version = (select count(*) from"
        " main.article_version_rows o where o.article_id = article_version_rows.article_id and"
        " (coalesce(o.captured_at, '') < coalesce(article_version_rows.captured_at, '') or"
        "  (coalesce(o.captured_at, '') = coalesce(article_version_rows.captured_at, '')"
        "   and o.id <= article_version_rows.id)))"
        f" where article_id in ({touched})"
    )


def _seen(conn: sqlite3.Connection) -> None:
    newer = "coalesce(excluded.last_fetched, '') > coalesce(seen_urls.last_fetched, '')"
    conn.execute(
        "insert into main.seen_urls (url_key, url, outlet, article_id, first_seen, last_fetched,"
        " checks, capture_id, etag, last_modified, page_type)"
        " select s.url_key, s.url, s.outlet, am.target_id, s.first_seen, s.last_fetched,"
        " s.checks, cm.target_id, s.etag, s.last_modified, s.page_type from shard.seen_urls s"
        " left join temp.article_map am on am.shard_id = s.article_id"
        " left join temp.capture_map cm on cm.shard_id = s.capture_id where true"
        " on conflict (url_key) do update set"
        " first_seen = min(seen_urls.first_seen, excluded.first_seen),"
        " last_fetched = nullif(max(coalesce(seen_urls.last_fetched, ''),"
        "  coalesce(excluded.last_fetched, '')), ''),"
        " checks = max(seen_urls.checks, excluded.checks),"
        f" capture_id = case when {newer} then coalesce(excluded.capture_id, seen_urls.capture_id)"
        "  else coalesce(seen_urls.capture_id, excluded.capture_id) end,"
        f" etag = case when {newer} then excluded.etag else seen_urls.etag end,"
        f" last_modified = case when {newer} then excluded.last_modified"
        "  else seen_urls.last_modified end,"
        " article_id = coalesce(seen_urls.article_id, excluded.article_id),"
        " page_type = case when 'article' in (seen_urls.page_type, excluded.page_type)"
        f"  then 'article' when {newer} then coalesce(excluded.page_type, seen_urls.page_type)"
        "  else coalesce(seen_urls.page_type, excluded.page_type) end"
    )
