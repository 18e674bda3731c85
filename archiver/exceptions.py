"""The errors the core raises. Each message names the URL, path or setting, and the fix.

Adapters translate them: ``DropItem``/``IgnoreRequest`` in Scrapy, ``click.ClickException``
in the CLI, so a user never sees a traceback for bad input.
"""

from __future__ import annotations

REBUILD_INDEX = (
    "run archiver check, and rebuild the index from the WARC files with archiver reindex"
)
"""What to do about an index that is damaged: the WARC files are the archive of record."""


def index_problem(error: Exception) -> str:
    """What to tell a user about an SQLite error ``error`` of the index: a file this process
    may not write (``chattr +i``, another user's), or a full disk, is no damaged index."""
    if str(getattr(error, "sqlite_errorname", "")).startswith("SQLITE_READONLY"):
        return (
            f"the index cannot be written ({error}): make the index file, its -wal and -shm "
            "files and its directory writable for this user (chmod u+w, chattr -i)"
        )
    if getattr(error, "sqlite_errorname", "") == "SQLITE_FULL":  # no damage: nothing to rebuild
        return (
            f"the index cannot be written ({error}): the disk is full; free some space on it"
            " and run again"
        )
    return f"the index cannot be read ({error}); {REBUILD_INDEX}"


class ArchiverError(Exception):
    """Base class of every error the archiver raises on purpose."""


class ConfigError(ArchiverError):
    """A setting, an outlet definition or a command-line value is wrong."""


class UnknownOutletError(ConfigError):
    """No outlet definition has the requested name."""


class WarcError(ArchiverError):
    """A WARC file cannot be written or read back."""


class IndexQueryError(ArchiverError):
    """A query against the index is malformed (bad FTS syntax, bad filter)."""


class NotFoundError(ArchiverError):
    """The index holds nothing for the requested URL or record."""


class ExtractionError(ArchiverError):
    """A page could not be turned into an article."""
