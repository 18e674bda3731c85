"""``archiver check``: is the archive consistent? ``--repair`` fixes what can be fixed safely.

What is checked, WARC files first (they are the archive of record, the index points into them):

- ``open-file``: a ``*.open`` WARC file no writer holds (left by a killed crawl). Repair: cut it
  after its last whole record and close it (:mod:`archiver.warc.recover`).
- ``corrupt-warc``: a finished WARC file that is truncated or corrupt. Not repaired: restore it.
- ``stale-pointer``: a capture row whose record (its record id and URL) lies whole at another
  place in the archive, one place only. Repair: point the row at it.
- ``bad-pointer``: a capture row whose WARC file, offset, length or record id does not match a
  response or revisit record. Not repaired: rebuild the index with ``archiver reindex``.
- ``unindexed-capture``: a response or revisit record with no capture row. Repair: add the row.
- ``unindexed-article``: an article the crawl archived (its ``metadata`` record) whose URL has no
  article row. Repair: add the row from the metadata record (the latest one for that URL).
- ``dangling-article``: an article row whose capture is not in the archive. Not repaired.
- ``interrupted-crawl``: a crawl row still ``running`` while no crawl of its outlet holds the
  outlet's lock. Repair: mark it ``interrupted``.
"""

from __future__ import annotations

import json
import sqlite3
import zlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import attrs

from archiver.archive import IMPORTED, capture_path
from archiver.exceptions import NotFoundError, WarcError
from archiver.index import ArchiveIndex
from archiver.index.seen import parse_time
from archiver.locks import is_locked
from archiver.reindex import ScannedCapture, article_from_metadata, scan_warc
from archiver.warc.recover import is_orphan, orphaned_open_files, recover_file

REPAIRABLE = {
    "open-file",
    "stale-pointer",
    "unindexed-capture",
    "unindexed-article",
    "interrupted-crawl",
}


@attrs.define
class Problem:
    kind: str
    detail: str

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE

    def line(self) -> str:
        return f"{self.kind}: {self.detail}"


@attrs.define
class CheckReport:
    """What :func:`check_archive` found (and, with ``repair``, fixed)."""

    warc_files: int = 0
    records: int = 0
    captures: int = 0
    articles: int = 0
    problems: list[Problem] = attrs.Factory(list)
    repaired: list[str] = attrs.Factory(list)
    copies: dict[str, list[ScannedCapture]] = attrs.Factory(dict)
    """Response records found again in another file, by record id (a copied WARC file)."""
    missing_files: dict[str, int] = attrs.Factory(dict)
    """WARC files the capture rows name that are not there, with how many rows name each."""

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        state = "consistent" if self.ok else f"{len(self.problems)} problem(s)"
        fixed = f", {len(self.repaired)} repaired" if self.repaired else ""
        return (
            f"checked {self.warc_files} WARC files ({self.records} records), "
            f"{self.captures} captures, {self.articles} articles: {state}{fixed}"
        )


def check_archive(archive_dir: str | Path, *, repair: bool = False) -> CheckReport:
    """Check the archive at ``archive_dir``; with ``repair``, fix the repairable problems."""
    archive = Path(archive_dir)
    warc_dir = archive / "warc"
    if not (archive / "index.db").exists():
        raise NotFoundError(
            f"no index at {archive / 'index.db'}: pass --archive DIR of an existing archive "
            "(or rebuild one with archiver reindex)"
        )
    report = CheckReport()
    orphans = []
    for path in orphaned_open_files(warc_dir):
        if repair:
            report.repaired.append(recover_file(path).describe())
        else:
            orphans.append(path)
            report.problems.append(
                Problem("open-file", f"{path.name} was left open by an interrupted crawl")
            )
    index = ArchiveIndex(archive / "index.db", create=False, reads=not repair)
    try:
        imported = _imported_files(index, warc_dir)
        responses, metadata = _scan_files(warc_dir, orphans, report, imported=imported)
        if damage := _index_damage(index):
            report.problems.append(
                Problem(
                    "corrupt-index",
                    f"{archive / 'index.db'} is damaged ({damage}); rebuild it from the WARC "
                    "files with archiver reindex WARC_DIR --out NEW.db",
                )
            )
            return report
        since = _running_since(index, archive)
        held = _being_written(warc_dir)
        _check_captures(index, responses, report, repair, warc_dir, held, since)
        _check_articles(index, responses, metadata, report, repair, held, since)
        _check_crawls(index, archive, report, repair)
        report.captures = index.count("captures")
        report.articles = index.count("articles")
    finally:
        index.close()
    return report


def _index_damage(index: ArchiveIndex) -> str | None:
    """What SQLite's ``integrity_check`` and a read of the full-text index find wrong, if any.
    (``quick_check``, which is faster, does not compare the indexes with their tables: an index
    entry a disk error changed, which lookups then miss, passed it.)"""
    try:
        rows = [r[0] for r in index.db.execute("pragma integrity_check(3)").fetchall()]
        index.db.execute("select rowid from articles_fts where articles_fts match 'a' limit 1")
    except sqlite3.DatabaseError as e:
        return str(e)
    return None if rows == ["ok"] else "; ".join(rows)


def index_unindexed(archive_dir: str | Path, files: list[Path]) -> list[str]:
    """Index what ``files`` hold and the index lacks: capture rows of their response and revisit
    records, and the articles of their metadata records. For the file of a killed crawl, once
    recovered: the rows its last batch never wrote. Returns one line per row added."""
    report = CheckReport()
    responses, metadata = _scan_files(Path(archive_dir) / "warc", [], report, only=files)
    added: list[str] = []
    index = ArchiveIndex(Path(archive_dir) / "index.db")
    try:
        with index.transaction():
            for record_id, response in responses.items():
                found = index.db.execute(
                    "select 1 from captures where record_id = ?", [record_id]
                ).fetchone()
                if found is None:
                    response.add_to(index, crawl_id=None)
                    added.append(f"indexed capture of {response.url} ({record_id})")
            for url, (refers_to, data) in sorted(metadata.items()):
                if index.db.execute("select 1 from articles where url = ?", [url]).fetchone():
                    continue
                response_or_none = responses.get(refers_to)
                ref = response_or_none.ref if response_or_none else None
                index.add_article(article_from_metadata(data, ref), crawl_id=None)
                added.append(f"indexed article {url}")
    finally:
        index.close()
    return added


def mark_interrupted(archive_dir: str | Path, outlet: str) -> int:
    """Mark ``outlet``'s crawls still recorded as running ``interrupted``; call it only while
    holding the outlet's lock (no crawl of it can be running then). Returns how many."""
    path = Path(archive_dir) / "index.db"
    if not path.exists():
        return 0
    index = ArchiveIndex(path)
    try:
        with index.transaction():
            cursor = index.db.execute(
                "update crawls set outcome = 'interrupted'"
                " where outlet = ? and outcome = 'running'",
                [outlet],
            )
        return int(cursor.rowcount or 0)
    finally:
        index.close()


def _file_of(warc_dir: Path, name: str) -> Path:
    """The file a capture row's ``warc_file`` names (``warc_dir / name`` for a damaged one)."""
    try:
        return capture_path(warc_dir, {"warc_file": name, "warc_offset": 0})
    except WarcError:
        return warc_dir / name


def _imported_files(index: ArchiveIndex, warc_dir: Path) -> list[tuple[Path, str]]:
    """The files outside the WARC directory that captures point into (foreign WARC files by
    absolute path, WACZ files' unpacked in the archive's ``imported/``, which ``archiver
    reextract`` indexed), those that exist (a missing one is reported as ``missing-warc``),
    each with the name the index gives it."""
    try:
        rows = index.db.execute(
            "select distinct warc_file from captures"
            " where warc_file like '/%' or warc_file like '../%'"
        ).fetchall()
    except sqlite3.DatabaseError:  # reported as corrupt-index
        return []
    files = [(_file_of(warc_dir, name), name) for (name,) in rows]
    return [(path, name) for path, name in files if path.is_file()]


def _scan_files(
    warc_dir: Path,
    orphans: list[Path],
    report: CheckReport,
    only: list[Path] | None = None,
    imported: Sequence[tuple[Path, str]] = (),
) -> tuple[dict[str, ScannedCapture], dict[str, tuple[str, dict[str, Any]]]]:
    """Response records by record id, and the latest metadata per URL: (refers-to, JSON), of
    the finished files (or ``only`` those), the whole records of orphaned ``.open`` ones, and
    the ``imported`` files outside the WARC directory, under the names the index gives them."""
    scan = _Scan(report)
    if only is not None:
        files = list(only)
    else:
        files = sorted(warc_dir.glob("*.warc.gz")) if warc_dir.is_dir() else []
    for path in sorted([*files, *orphans], key=lambda p: p.name):
        report.warc_files += 1
        scan.file(path, orphan=path in orphans)
    for path, name in imported:
        report.warc_files += 1
        scan.file(path, orphan=False, name=name)
    for (first_file, copy_file), n in scan.repeated.items():
        if copy_file.startswith(f"../{IMPORTED}/"):
            continue  # WACZ exports overlap (a page's stylesheet, a revisit's original)
        report.problems.append(
            Problem(
                "repeated-records",
                f"{copy_file} holds {n} response records that {first_file} holds too (a copy "
                "of the file?); move the copy out of the WARC directory",
            )
        )
    return scan.responses, scan.metadata


@attrs.define
class _Scan:
    """What the WARC files hold, read record by record; past a corrupt record, from the next
    whole one (a gzip member that starts a WARC record), so that one damaged record is one
    problem, not every record after it."""

    report: CheckReport
    responses: dict[str, ScannedCapture] = attrs.Factory(dict)
    metadata: dict[str, tuple[str, dict[str, Any]]] = attrs.Factory(dict)
    repeated: dict[tuple[str, str], int] = attrs.Factory(dict)

    def file(self, path: Path, *, orphan: bool, name: str | None = None) -> None:
        """Read ``path``, whose captures the index names ``name`` (default: the file name)."""
        start: int | None = 0
        while start is not None:
            end = start
            try:
                for rec_type, record, block, offset, length in scan_warc(path, start):
                    end = offset + length
                    self._record(path, rec_type, record, block, offset, length, name)
                start = None
            except WarcError as e:
                if orphan:  # its unfinished end is reported as open-file already
                    return
                self.report.problems.append(Problem("corrupt-warc", str(e)))
                start = _next_record(path, end + 1)

    def _record(
        self,
        path: Path,
        rec_type: str,
        record: Any,
        block: bytes,
        offset: int,
        length: int,
        name: str | None,
    ) -> None:
        self.report.records += 1
        headers = record.rec_headers
        record_id = headers.get_header("WARC-Record-ID") or ""
        if rec_type in ("response", "revisit") and record.http_headers is not None:
            capture = ScannedCapture.from_record(record, offset, length, path=path, warc_file=name)
            if (first := self.responses.get(record_id)) is not None:
                pair = (first.ref.warc_file, capture.ref.warc_file)
                self.repeated[pair] = self.repeated.get(pair, 0) + 1
                self.report.copies.setdefault(record_id, []).append(capture)
            else:
                self.responses[record_id] = capture
        elif rec_type == "metadata" and "json" in (headers.get_header("Content-Type") or ""):
            try:
                data = json.loads(block)
            except ValueError:
                return
            refers_to = headers.get_header("WARC-Refers-To") or ""
            if isinstance(data, dict) and data.get("url") and refers_to:
                self.metadata[str(data["url"])] = (refers_to, data)


def _next_record(path: Path, after: int) -> int | None:
    """The offset of the first gzip member at or after ``after`` that starts a WARC record."""
    magic = b"\x1f\x8b\x08"
    with path.open("rb") as fh:
        pos = after
        while True:
            fh.seek(pos)
            if not (chunk := fh.read(1 << 20)):
                return None
            at = chunk.find(magic)
            while at >= 0:
                fh.seek(pos + at)
                try:
                    head = zlib.decompressobj(31).decompress(fh.read(4096), 16)
                except zlib.error:
                    head = b""
                if head.startswith(b"WARC/"):
                    return pos + at
                at = chunk.find(magic, at + 1)
            pos += max(1, len(chunk) - len(magic) + 1)


def _running_since(index: ArchiveIndex, archive: Path) -> datetime | None:
    """When the earliest crawl still running (its outlet's lock held) started: what it wrote
    since may wait in its index batch (``ARCHIVER_INDEX_FLUSH_SECONDS``), even in a file it
    has rotated and closed; ``None`` when no crawl runs."""
    rows = index.db.execute("select outlet, started_at from crawls where outcome = 'running'")
    starts = [parse_time(at) for name, at in rows.fetchall() if name and is_locked(archive, name)]
    return min((when for when in starts if when is not None), default=None)


def _not_indexed_yet(capture: ScannedCapture | None, since: datetime | None) -> bool:
    """Whether ``capture`` was written by a crawl that is still running (see above)."""
    when = parse_time(capture.ref.date) if capture is not None and since is not None else None
    return when is not None and since is not None and when >= since


def _check_captures(
    index: ArchiveIndex,
    responses: dict[str, ScannedCapture],
    report: CheckReport,
    repair: bool,
    live_dir: Path,
    held: set[str],
    since: datetime | None,
) -> None:
    seen = set()
    missing = report.missing_files
    rows = index.db.execute(
        "select id, url, record_id, warc_file, warc_offset, warc_length from captures"
    )
    for capture_id, url, record_id, warc_file, offset, length in rows.fetchall():
        seen.add(record_id)
        if warc_file in held:
            continue  # a crawl is still writing that file
        live = live_dir / f"{warc_file}.open"
        if warc_file and not _file_of(live_dir, warc_file).exists() and not live.exists():
            missing[warc_file] = missing.get(warc_file, 0) + 1
            continue
        found = responses.get(record_id)
        places = [
            (c.ref.warc_file, c.ref.offset, c.ref.length)
            for c in ([found] if found else []) + report.copies.get(record_id, [])
        ]
        if (warc_file, offset, length) not in places:
            where = f"{warc_file} at {offset}"
            if len(places) == 1 and found is not None and found.url == url:
                place = f"{found.ref.warc_file} at {found.ref.offset}"
                if repair:
                    index.db.execute(
                        "update captures set warc_file = ?, warc_offset = ?, warc_length = ?"
                        " where id = ?",
                        [*places[0], capture_id],
                    )
                    index.db.conn.commit()
                    report.repaired.append(f"pointed capture {capture_id} of {url} at {place}")
                else:
                    report.problems.append(
                        Problem(
                            "stale-pointer",
                            f"capture {capture_id} of {url} points at {where}, and its record "
                            f"{record_id} is at {place}",
                        )
                    )
                continue
            report.problems.append(
                Problem(
                    "bad-pointer",
                    f"capture {capture_id} of {url} points at {where}, where no response "
                    f"record {record_id} is; rebuild the index with archiver reindex",
                )
            )
    for warc_file, n in missing.items():
        report.problems.append(
            Problem(
                "missing-warc",
                f"{warc_file} is missing"
                + ("" if "/" in warc_file else f" from {live_dir}")
                + f": {n} captures point at it; restore it from a backup",
            )
        )
    for record_id, response in responses.items():
        if record_id in seen or _not_indexed_yet(response, since):
            continue
        if repair:
            response.add_to(index, crawl_id=None)
            report.repaired.append(f"indexed capture of {response.url} ({record_id})")
        else:
            report.problems.append(
                Problem(
                    "unindexed-capture",
                    f"{response.url} ({response.ref.warc_file} at {response.ref.offset}) "
                    "has no capture row",
                )
            )


def _being_written(warc_dir: Path) -> set[str]:
    """The WARC files a crawl is writing (their ``.open`` twins are held), by the name capture
    rows give them: check does not read them, and leaves the rows that point into them alone."""
    live = warc_dir.glob("*.warc.gz.open") if warc_dir.is_dir() else []
    return {p.name.removesuffix(".open") for p in live if not is_orphan(p)}


def _check_articles(
    index: ArchiveIndex,
    responses: dict[str, ScannedCapture],
    metadata: dict[str, tuple[str, dict[str, Any]]],
    report: CheckReport,
    repair: bool,
    held: set[str],
    since: datetime | None,
) -> None:
    rows = index.db.execute(
        "select a.url, a.record_id, c.warc_file from articles a"
        " left join captures c on c.record_id = a.record_id"
    ).fetchall()
    indexed = {url for url, _, _ in rows}
    for url, record_id, warc_file in rows:
        if warc_file in report.missing_files or warc_file in held:
            continue  # said once for the whole file; a crawl's file is its own
        if record_id is not None and record_id not in responses:
            report.problems.append(
                Problem(
                    "dangling-article",
                    f"article {url} was extracted from {record_id}, which no WARC file holds",
                )
            )
    for url, (refers_to, data) in sorted(metadata.items()):
        if url in indexed or _not_indexed_yet(responses.get(refers_to), since):
            continue
        if repair:
            response = responses.get(refers_to)
            article = article_from_metadata(data, response.ref if response else None)
            index.add_article(article, crawl_id=None)
            report.repaired.append(f"indexed article {url}")
        else:
            report.problems.append(
                Problem("unindexed-article", f"{url} is archived as an article but not indexed")
            )


def _check_crawls(index: ArchiveIndex, archive: Path, report: CheckReport, repair: bool) -> None:
    rows = index.db.execute("select id, outlet from crawls where outcome = 'running'").fetchall()
    for crawl_id, outlet in rows:
        if outlet and is_locked(archive, outlet):
            continue  # still running
        if repair:
            index.db.execute(
                "update crawls set outcome = 'interrupted' where id = ? and outcome = 'running'",
                [crawl_id],
            )
            index.db.conn.commit()
            report.repaired.append(f"marked crawl {crawl_id} ({outlet}) interrupted")
        else:
            report.problems.append(
                Problem(
                    "interrupted-crawl",
                    f"crawl {crawl_id} of {outlet} is recorded as running but no crawl of it is",
                )
            )
