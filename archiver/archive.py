"""An archive on disk: ``<dir>/warc/*.warc.gz`` plus ``<dir>/index.db``, read together."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from archiver.exceptions import REBUILD_INDEX, NotFoundError, WarcError
from archiver.index import ArchiveIndex, ArticleFilter, IndexStats
from archiver.warc import ArchivedResponse, read_response
from archiver.warc.reader import read_http_head

IMPORTED = "imported"
"""The archive's directory of the files unpacked from WACZ files (``reextract``), one
directory per WACZ; capture rows name them ``../imported/<wacz>/<file>``, relative to
``warc/``, so that they move with the archive."""
_IMPORTED_NAME = re.compile(rf"\.\./{IMPORTED}/[^/]+/[^/]+")


def capture_path(warc_dir: Path, row: dict[str, Any]) -> Path:
    """The WARC file a capture row points into (a name in ``warc_dir``, an unpacked WACZ's
    file in the archive's ``imported/``, or the absolute path of a foreign file), once its
    pointer is sane: ``WarcError`` for a row damaged in the index (no file name, a path out of
    the archive, an offset or length that is no count)."""
    name, offset, length = row.get("warc_file"), row.get("warc_offset"), row.get("warc_length")
    counts = all(isinstance(v, int) and v >= 0 for v in (offset, length) if v is not None)
    if (
        not isinstance(name, str)
        or not (Path(name).is_absolute() or "/" not in name or _imported(name))
        or name in ("", ".", "..")
        or not isinstance(offset, int)
        or not counts
    ):
        raise WarcError(
            f"the index's capture row of {row.get('url')} is damaged (WARC file {name!r}, "
            f"offset {offset!r}, length {length!r}); {REBUILD_INDEX}"
        )
    if _imported(name):  # warc/ itself may not exist (an archive of imported files only)
        return warc_dir.parent / name.removeprefix("../")
    return warc_dir / name


def archive_file(out: Path, archive_dir: Path, warc_dir: Path | None = None) -> str | None:
    """Which of the files of the archive at ``archive_dir`` writing ``out`` would destroy:
    ``"index"`` (its index, or one of SQLite's side files), ``"warc"`` (a path in its WARC
    directory, ``warc_dir`` or ``archive_dir/warc``), else ``None``."""
    target = out.resolve()
    index = (archive_dir / "index.db").resolve()
    if target.parent == index.parent and target.name.startswith(index.name):
        return "index"
    if target.is_relative_to((warc_dir or archive_dir / "warc").resolve()):
        return "warc"
    return None


def _imported(name: str) -> bool:
    return bool(_IMPORTED_NAME.fullmatch(name)) and ".." not in name.split("/")[2:]


class Archive:
    """Read access to an archive directory: look captures up in the index, read them from WARC."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.warc_dir = self.directory / "warc"
        self.index_path = self.directory / "index.db"
        self._outside: tuple[object, list[str]] | None = None
        """The names of the files outside ``warc/`` the index held when it had the size and
        mtime recorded with them (:meth:`_index_stamp`)."""

    def open_index(self) -> ArchiveIndex:
        """The archive's index, for reading (read-only when this process may not write it);
        ``NotFoundError`` when there is none yet."""
        return ArchiveIndex(self.index_path, create=False, reads=True)

    def search(
        self, query: str, *, limit: int = 20, filters: ArticleFilter | None = None
    ) -> list[dict[str, Any]]:
        """Full-text search over the archived articles."""
        index = self.open_index()
        try:
            return index.search(query, limit=limit, filters=filters)
        finally:
            index.close()

    def export(
        self, query: str | None = None, *, filters: ArticleFilter | None = None
    ) -> Iterator[dict[str, Any]]:
        """The articles matching ``query`` (optional) and ``filters``, one dict each."""
        index = self.open_index()
        try:
            yield from index.export(query, filters=filters)
        finally:
            index.close()

    def stats(self) -> IndexStats:
        """Counts per outlet and day, field fill rates and their drops."""
        index = self.open_index()
        try:
            return index.stats()
        finally:
            index.close()

    def article(self, url: str) -> dict[str, Any]:
        """The indexed article of ``url``."""
        index = self.open_index()
        try:
            return index.find_article(url)
        finally:
            index.close()

    def history(self, url: str) -> list[dict[str, Any]]:
        """Every capture of ``url``, oldest first."""
        index = self.open_index()
        try:
            return index.capture_history(url)
        finally:
            index.close()

    def versions(self, url: str) -> list[dict[str, Any]]:
        """Every version of the article of ``url``, oldest first (none if it is no article)."""
        index = self.open_index()
        try:
            return index.article_versions(url)
        except NotFoundError:
            return []
        finally:
            index.close()

    def _warc_path(self, url: str, row: dict[str, Any]) -> Path:
        path = capture_path(self.warc_dir, row)
        if not path.exists() and not path.with_name(path.name + ".open").exists():
            raise NotFoundError(
                f"{url}: the index points at {path}, which is missing; "
                "restore the WARC file or rebuild the index from the WARC files"
            )
        return path

    def latest_capture(self, url: str) -> tuple[dict[str, Any], ArchivedResponse]:
        """The index row and the archived response of the latest capture of ``url``; for a
        revisit, the row of the earlier capture holding its payload, and that payload under
        the revisit's own status line and headers (its ``Date``, as pywb replays it)."""
        revisit, row = self._capture_rows(url)
        response = read_response(self._warc_path(url, row), row["warc_offset"])
        if revisit is not None:
            path = self._warc_path(url, revisit)
            response.status_line, response.headers = read_http_head(path, revisit["warc_offset"])
        return row, response

    def _capture_rows(self, url: str) -> tuple[dict[str, Any] | None, dict[str, Any]]:
        """The latest capture's row if it is a revisit, and the row of the capture holding its
        payload (the latest capture's own if it is no revisit)."""
        index = self.open_index()
        try:
            row = index.find_capture(url)
            if row.get("warc_type") == "revisit" and row.get("refers_to"):
                return row, index.capture_by_record_id(row["refers_to"])  # it holds the payload
            return None, row
        finally:
            index.close()

    def raw_http(self, url: str) -> bytes:
        """The HTTP response of the latest capture of ``url`` exactly as archived: the block of
        its WARC response record (status line, headers, body still Content-Encoded); for a
        revisit, the revisit's status line and headers and the body of the capture it refers
        to, as pywb replays it."""
        self.latest_capture(url)  # checks the records and the block digest
        revisit, row = self._capture_rows(url)
        block = self._record_block(url, row)
        if revisit is None:
            return block
        return self._record_block(url, revisit) + block.partition(b"\r\n\r\n")[2]

    def _record_block(self, url: str, row: dict[str, Any]) -> bytes:
        """The block of the WARC record of capture ``row`` (its HTTP message)."""
        path = self._warc_path(url, row)
        if not path.exists():
            path = path.with_name(path.name + ".open")
        with path.open("rb") as fh:
            fh.seek(row["warc_offset"])
            member = fh.read(row["warc_length"])
        try:
            record = zlib.decompressobj(31).decompress(member)
        except zlib.error as e:
            raise WarcError(f"{path} at offset {row['warc_offset']}: {e}; restore it") from e
        head, sep, rest = record.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            None,
        )
        if not sep or length is None or len(rest) < length:
            raise WarcError(
                f"{row.get('warc_type') or 'response'} record of {url} in {path} is "
                "truncated; restore it"
            )
        return rest[:length]

    def outside_warc_files(self) -> list[Path]:
        """The WARC files outside ``warc/`` that captures point into, those that exist: a
        WACZ's unpacked in ``imported/``, foreign ones by absolute path (``reextract``)."""
        return sorted(self._outside_names())

    def _outside_names(self) -> dict[Path, list[str]]:
        """Each existing WARC file outside ``warc/`` that captures point into, with the names
        the index gives it. The query reads every capture row (no index on ``warc_file``), so
        its answer is kept until ``index.db`` or its WAL changes (their size or mtime)."""
        stamp = self._index_stamp()
        if stamp is None:
            return {}
        if self._outside is None or self._outside[0] != stamp:
            index = self.open_index()
            try:
                rows = index.db.execute(
                    "select distinct warc_file from captures"
                    " where warc_file like '/%' or warc_file like '../%'"
                ).fetchall()
            finally:
                index.close()
            self._outside = (stamp, [name for (name,) in rows])  # stat before: a change
        found: dict[Path, list[str]] = {}  # meanwhile is read next time
        for name in self._outside[1]:
            try:
                path = capture_path(self.warc_dir, {"warc_file": name, "warc_offset": 0})
            except WarcError:  # a damaged row: archiver check reports it
                continue
            if path.is_file():
                found.setdefault(path, []).append(name)
        return found

    def _index_stamp(self) -> object:
        """The size and mtime of ``index.db`` and of its WAL (``None`` if there is no index):
        what a commit or a checkpoint changes."""
        stamp: list[tuple[int, int] | None] = []
        for path in (self.index_path, self.index_path.with_name(self.index_path.name + "-wal")):
            try:
                stat = path.stat()
            except FileNotFoundError:
                if path == self.index_path:
                    return None
                stamp.append(None)
            else:
                stamp.append((stat.st_size, stat.st_mtime_ns))
        return tuple(stamp)

    def outside_captures(self, files: list[Path]) -> dict[Path, list[str]]:
        """The URLs of the captures in each of ``files`` (as :meth:`outside_warc_files` lists
        them), oldest first."""
        names = {n: path for path, ns in self._outside_names().items() for n in ns if path in files}
        found: dict[Path, list[str]] = {path: [] for path in files}
        if not names:
            return found
        index = self.open_index()
        try:
            rows = index.db.execute(
                "select warc_file, url from captures"
                f" where warc_file in ({', '.join('?' * len(names))}) order by captured_at, id",
                list(names),
            ).fetchall()
        finally:
            index.close()
        for name, url in rows:
            found[names[name]].append(url)
        return found

    def warc_files(self) -> list[Path]:
        """Finished WARC files, oldest first."""
        if not self.warc_dir.is_dir():
            return []
        return sorted(self.warc_dir.glob("*.warc.gz"))
