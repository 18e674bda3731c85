"""An archive on disk: ``<dir>/warc/*.warc.gz`` plus ``<dir>/index.db``, read together."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from archiver.exceptions import NotFoundError
from archiver.index import ArchiveIndex
from archiver.warc import ArchivedResponse, read_response


class Archive:
    """Read access to an archive directory: look captures up in the index, read them from WARC."""

    def __init__(self, directory: str | Path) -> None:
        self.directory = Path(directory)
        self.warc_dir = self.directory / "warc"
        self.index_path = self.directory / "index.db"

    def open_index(self) -> ArchiveIndex:
        """The archive's index; ``NotFoundError`` when there is none yet."""
        return ArchiveIndex(self.index_path, create=False)

    def search(self, query: str, *, limit: int = 20) -> list[dict[str, Any]]:
        """Full-text search over the archived articles."""
        index = self.open_index()
        try:
            return index.search(query, limit=limit)
        finally:
            index.close()

    def latest_capture(self, url: str) -> tuple[dict[str, Any], ArchivedResponse]:
        """The index row and the archived response of the latest capture of ``url``."""
        index = self.open_index()
        try:
            row = index.find_capture(url)
        finally:
            index.close()
        path = self.warc_dir / row["warc_file"]
        if not path.exists() and not path.with_name(path.name + ".open").exists():
            raise NotFoundError(
                f"{url}: the index points at {path}, which is missing; "
                "restore the WARC file or rebuild the index from the WARC files"
            )
        return row, read_response(path, row["warc_offset"])

    def warc_files(self) -> list[Path]:
        """Finished WARC files, oldest first."""
        if not self.warc_dir.is_dir():
            return []
        return sorted(self.warc_dir.glob("*.warc.gz"))
