"""Browse an archive's index in Datasette: facets on articles and canned queries.

The shipped ``browse_metadata.json`` configures the ``articles`` facets (outlet, section,
language, published by day), and the canned queries ``search`` (``:q`` over ``articles_fts``,
with a snippet), ``latest`` (each outlet's newest article) and ``captures_of_url`` (``:url``).
When the index has the ``article_sections``/``article_authors`` link tables, they get facets
and a ``section`` query too. Datasette runs in this process, on 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import copy
import json
import logging
import sqlite3
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

from archiver.exceptions import ConfigError, NotFoundError

logger = logging.getLogger(__name__)

METADATA_RESOURCE = "browse_metadata.json"
SQL_TIME_LIMIT_MS = 3000
"""Longest a query may run before Datasette cancels it."""

_SECTION_QUERY = {
    "title": "Articles in a section",
    "description": "Articles filed under a section name at any depth of their section path.",
    "sql": (
        "select a.published, a.title, a.outlet, a.url, s.depth from article_sections s"
        " join articles a on a.id = s.article_id where s.section = :section"
        " order by datetime(a.published) desc"
    ),
}


def shipped_metadata() -> dict[str, Any]:
    """The Datasette metadata shipped with the package (database key ``index``)."""
    text = resources.files("archiver").joinpath(METADATA_RESOURCE).read_text(encoding="utf-8")
    data: dict[str, Any] = json.loads(text)
    return data


def _tables(index_path: Path) -> set[str]:
    uri = f"{index_path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            rows = conn.execute("select name from sqlite_master where type = 'table'").fetchall()
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        raise ConfigError(f"cannot read index {index_path}: {e}; is it an archiver index?") from e
    return {row[0] for row in rows}


def browse_metadata(index_path: Path) -> dict[str, Any]:
    """The metadata for ``index_path``: the shipped file, keyed by the database's name, plus
    the link tables' facets and query when the index has them."""
    tables = _tables(index_path)
    if "articles" not in tables:
        raise ConfigError(f"{index_path} has no articles table; is it an archiver index?")
    meta = copy.deepcopy(shipped_metadata())
    database = meta["databases"].pop("index")
    if "article_sections" in tables:
        database["tables"]["article_sections"] = {"facets": ["section", "depth"]}
        database["queries"]["section"] = _SECTION_QUERY
    if "article_authors" in tables:
        database["tables"]["article_authors"] = {"facets": ["author"]}
    meta["databases"][index_path.stem] = database
    return meta


def prepare_index(index_path: Path) -> None:
    """Open the index as every command does, which migrates an older one to this archiver's
    schema (the ``search`` query names its newer columns); a read-only one must be current."""
    from archiver.index import ArchiveIndex

    ArchiveIndex(index_path, create=False, reads=True).close()


def serve(
    index_path: str | Path,
    *,
    host: str = "127.0.0.1",
    port: int = 8001,
    started: Callable[[], None] | None = None,
) -> None:
    """Run Datasette over ``index_path`` until interrupted (Ctrl-C or SIGTERM); ``started()``
    once the index and the port are known good, just before the server starts."""
    index_path = Path(index_path)
    if not index_path.is_file():
        raise NotFoundError(
            f"no index at {index_path}: run a crawl first (archiver crawl OUTLET) "
            "or pass --archive DIR pointing at an existing archive"
        )
    if not 0 < port <= 65535:
        raise ConfigError(f"port {port} is out of range; pass --port 1..65535")
    from archiver.replay.server import check_port

    check_port(host, port)  # before anything is printed: a port in use is one line
    prepare_index(index_path)
    meta = browse_metadata(index_path)
    # Imported late: slow to import, and only this command needs them.
    import uvicorn
    from datasette.app import Datasette

    _register_plugin()
    datasette = Datasette(
        [str(index_path)], metadata=meta, settings={"sql_time_limit_ms": SQL_TIME_LIMIT_MS}
    )
    logger.info("datasette over %s on http://%s:%s/", index_path, host, port)
    if started is not None:
        started()
    uvicorn.run(datasette.app(), host=host, port=port, log_level="info", lifespan="on")


def _fts_query(query: str | None) -> str | None:
    """:func:`~archiver.index.query.fts_query` as a SQL function: a query it refuses goes to
    FTS5 as typed, whose error Datasette shows."""
    from archiver.exceptions import IndexQueryError
    from archiver.index.query import fts_query

    try:
        return fts_query(query) if query else query
    except IndexQueryError:
        return query


def _shown_snippet(
    fts_snippet: str | None, folded_snippet: str | None, body: str | None, query: str | None
) -> str | None:
    """:func:`~archiver.index.query.shown_snippet` as a SQL function."""
    from archiver.index.query import shown_snippet

    return shown_snippet(fts_snippet, folded_snippet, body, query) if query else fts_snippet


class _Plugin:
    """Gives each of Datasette's connections ``fts_query(q)`` and ``shown_snippet(snippet,
    folded_snippet, body, q)``, which the ``search`` query uses: it reads words as ``archiver
    search`` does (``digital-tenge``, ``U.S.``, ``美術館``) and shows the same snippets."""

    @staticmethod
    def prepare_connection(conn: sqlite3.Connection) -> None:
        conn.create_function("fts_query", 1, _fts_query, deterministic=True)
        conn.create_function("shown_snippet", 4, _shown_snippet, deterministic=True)


def _register_plugin() -> None:
    from datasette import hookimpl
    from datasette.plugins import pm

    if not pm.has_plugin("archiver"):
        hookimpl(_Plugin.prepare_connection)
        pm.register(_Plugin, name="archiver")
