"""``archiver export-wacz``: selected article captures packaged as a WACZ with ``pages.jsonl``.

The articles the filters select are looked up in the index; the gzip member of each one's
response record, and of the request record written with it, is copied byte for byte from the
archive's WARC files into one new WARC file. py-wacz (``wacz create``, from the replay tools'
environment) packages it with its CDXJ index and our ``pages.jsonl`` — url, title, ts and the
extracted text of each article, so ReplayWeb.page lists the pages and searches their text —
and ``wacz validate`` checks the result before it is moved to ``OUT.wacz``.
"""

from __future__ import annotations

import io
import json
import os
import tempfile
import zlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import attrs
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.archive import Archive, capture_path
from archiver.exceptions import ConfigError, NotFoundError, WarcError
from archiver.index import ArticleFilter
from archiver.replay.tools import ReplayTools

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}


@attrs.define(kw_only=True)
class WaczSummary:
    out: Path
    pages: int
    records: int
    bytes: int


def _selected(archive: Archive, filters: ArticleFilter) -> list[dict[str, Any]]:
    index = archive.open_index()
    try:
        clauses, params = filters.validated(index.db).where()
        where = "".join(f" and {c}" for c in clauses)
        sql = (
            "select a.url as article_url, a.title, a.body, c.url, c.record_id, c.warc_file,"
            " c.warc_offset, c.warc_length, c.captured_at from articles a"
            f" join captures c on c.record_id = a.record_id where 1 = 1{where}"
            " order by c.warc_file, c.warc_offset"
        )
        cursor = index.db.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        index.close()


def _next_member(fh: Any) -> tuple[bytes, bytes]:
    """The gzip member at the file position: (its bytes as stored, its content)."""
    start = fh.tell()
    unpack, content, stored = zlib.decompressobj(31), [], 0
    while not unpack.eof and (chunk := fh.read(1 << 16)):
        stored += len(chunk)
        content.append(unpack.decompress(chunk))
    if not unpack.eof:
        return b"", b""
    fh.seek(start)
    return fh.read(stored - len(unpack.unused_data)), b"".join(content)


def _members(path: Path, offset: int, length: int, record_id: str) -> bytes:
    """The response record's gzip member at ``offset`` and the request member after it (the
    writer puts an exchange's request right behind its response), as stored."""
    name = path if path.exists() else path.with_name(path.name + ".open")
    try:
        with name.open("rb") as fh:
            fh.seek(offset)
            data = fh.read(length)
            if len(data) != length:
                raise WarcError(f"{name} ends inside the record at offset {offset}; restore it")
            fh.seek(offset)  # a member damaged on disk would fail wacz create later, naming no file
            try:
                stored, content = _next_member(fh)
            except zlib.error:
                stored, content = b"", b""
            if len(stored) != length or not content.startswith(b"WARC/"):
                raise WarcError(
                    f"the record of {record_id} in {name} at offset {offset} is damaged; run "
                    "archiver check, and restore the file"
                )
            member, content = _next_member(fh)
    except FileNotFoundError as e:
        raise NotFoundError(
            f"the index points at {path}, which is missing; restore it or rebuild the index"
        ) from e
    head = content.split(b"\r\n\r\n", 1)[0].decode("latin-1").lower()
    if "warc-type: request" in head and f"warc-concurrent-to: {record_id}".lower() in head:
        data += member
    return data


def _warcinfo(title: str) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    info = {"software": f"archiver/{__version__}", "format": "WARC File Format 1.1"}
    info["description"] = title
    writer.write_record(writer.create_warcinfo_record("pages.warc.gz", info))
    return buffer.getvalue()


def export_wacz(
    archive_dir: str | Path,
    out: str | Path,
    *,
    filters: ArticleFilter | None = None,
    title: str | None = None,
    force: bool = False,
    tools: ReplayTools | None = None,
) -> WaczSummary:
    """Write the selected articles' captures to ``out`` as a validated WACZ."""
    archive, out = Archive(archive_dir), Path(out)
    if out.suffix != ".wacz":  # ".wacz" alone is a name with no suffix
        raise ConfigError(f"{out} is not named NAME.wacz; name the output like demo.wacz")
    if out.exists() and not force:
        raise ConfigError(f"{out} already exists; pass --force to replace it or choose another")
    rows = _selected(archive, filters or ArticleFilter())
    if not rows:
        raise NotFoundError(
            f"no archived article in {archive.directory} matches the filters; "
            "check them with archiver search"
        )
    tools = (tools or ReplayTools()).ensure()
    title = title or f"archiver export of {archive.directory.resolve().name}"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="export-wacz-", dir=out.parent) as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        pages = Path(tmp) / "pages.jsonl"
        with warc.open("wb") as fh, pages.open("w", encoding="utf-8") as pj:
            fh.write(_warcinfo(title))
            pj.write(json.dumps(PAGES_HEADER) + "\n")
            for row in rows:
                path = capture_path(archive.warc_dir, row)
                fh.write(_members(path, row["warc_offset"], row["warc_length"], row["record_id"]))
                page = {
                    "id": row["record_id"].strip("<>").removeprefix("urn:uuid:"),
                    "url": row["url"],
                    "title": row["title"] or "",
                    "ts": row["captured_at"],
                    "text": row["body"] or "",
                }
                pj.write(json.dumps(page, ensure_ascii=False) + "\n")
        part = Path(tmp) / out.name
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        tools.run(
            "wacz",
            *("create", "-o", str(part), "-p", str(pages), "--copy-pages"),
            *("--title", title, "--date", stamp, str(warc)),
        )
        tools.run("wacz", "validate", "-f", str(part))
        size = part.stat().st_size
        os.replace(part, out)
    return WaczSummary(out=out, pages=len(rows), records=2 * len(rows) + 1, bytes=size)
