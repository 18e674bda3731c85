"""The SQLite index of an archive: crawls, captures, articles, and full-text search over articles.

The index points into the WARC files (file, offset, length, record id); the WARC files stay the
archive of record. Built on sqlite-utils; WAL mode so readers work while a crawl writes. The
schema is a documented contract (``docs/index.md``), versioned and migrated forward on open.
"""

from __future__ import annotations

from archiver.index.query import ArticleFilter
from archiver.index.schema import FTS_COLUMNS, MIGRATIONS, SCHEMA_VERSION
from archiver.index.stats import IndexStats
from archiver.index.store import ArchiveIndex, utcnow

__all__ = [
    "FTS_COLUMNS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "ArchiveIndex",
    "ArticleFilter",
    "IndexStats",
    "utcnow",
]
