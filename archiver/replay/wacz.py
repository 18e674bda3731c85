"""``archiver export-wacz``: selected article captures packaged as a WACZ with ``pages.jsonl``.

The articles the filters select are looked up in the index; the gzip member of each one's
response record, and of the request record written with it, is copied byte for byte from the
archive's WARC files into one new WARC file, and so are the captures of what each page loads
(:func:`_resources`: its stylesheets and theirs, scripts, images and fonts, found in the
archived page as the crawl found them), so that the pages replay as they looked. py-wacz
(``wacz create``, from the replay tools' environment) packages it with its CDXJ index and our
``pages.jsonl`` — url, title, ts and the extracted text of each article, so ReplayWeb.page
lists the pages and searches their text — and ``wacz validate`` checks the result before it is
moved to ``OUT.wacz``.
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
from urllib.parse import urljoin

import attrs
from scrapy.http import HtmlResponse, TextResponse
from w3lib.url import safe_url_string
from warcio.warcwriter import WARCWriter

from archiver import __version__
from archiver.archive import Archive, capture_path
from archiver.discovery.resources import NESTING_DEPTH, css_resources, html_resources
from archiver.exceptions import ConfigError, NotFoundError, WarcError
from archiver.index import ArchiveIndex, ArticleFilter
from archiver.replay.tools import ReplayTools
from archiver.warc import ArchivedResponse, read_response

PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages", "hasText": True}


@attrs.define(kw_only=True)
class WaczSummary:
    out: Path
    pages: int
    resources: int
    """Captures of what the pages load (revisited originals and redirects included)."""
    records: int
    bytes: int


def _selected(archive: Archive, filters: ArticleFilter) -> list[dict[str, Any]]:
    index = archive.open_index()
    try:
        clauses, params = filters.validated(index.db).where()
        where = "".join(f" and {c}" for c in clauses)
        sql = (
            "select a.url as article_url, a.title, a.body, c.url, c.record_id, c.warc_file,"
            " c.warc_offset, c.warc_length, c.captured_at, c.warc_type, c.refers_to"
            " from articles a"
            f" join captures c on c.record_id = a.record_id where 1 = 1{where}"
            " order by c.warc_file, c.warc_offset"
        )
        cursor = index.db.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
    finally:
        index.close()


_COLUMNS = (
    *("url", "record_id", "warc_file", "warc_offset", "warc_length", "captured_at", "status"),
    *("warc_type", "refers_to", "content_type"),
)
_CAPTURE = f"select {', '.join(_COLUMNS)} from captures"


def _as_crawled(response: ArchivedResponse, kind: type[TextResponse]) -> TextResponse:
    """``response`` as the crawl's spider read it (Scrapy's encoding: the header, a BOM,
    ``<meta>`` in a page), so that its URLs are found as the crawl found them."""
    headers = [(n, v.encode("latin-1")) for n, v in response.headers]
    return kind(response.url, body=response.payload, headers=headers)


def _original(index: ArchiveIndex, capture: dict[str, Any]) -> dict[str, Any] | None:
    """The capture row of the response record that holds ``capture``'s payload: itself, or
    the record a revisit refers to (through revisits of revisits); ``None`` if the index
    lacks it (a revisit without its payload replays nothing)."""
    seen = set()
    while capture["warc_type"] == "revisit":
        seen.add(capture["record_id"])
        if not capture["refers_to"] or capture["refers_to"] in seen:
            return None
        row = index.db.execute(f"{_CAPTURE} where record_id = ?", [capture["refers_to"]])
        if (first := row.fetchone()) is None:
            return None
        capture = dict(zip(_COLUMNS, first, strict=True))
    return capture


def _page_originals(index: ArchiveIndex, pages: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """For each page archived as a revisit, by its record id, the capture holding its payload."""
    found = {}
    for page in pages:
        if page["warc_type"] == "revisit" and (original := _original(index, page)) is not None:
            found[page["record_id"]] = original
    return found


def _resources(
    archive: Archive,
    index: ArchiveIndex,
    pages: list[dict[str, Any]],
    originals: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    """The capture rows of what ``pages`` load: for each URL the page's archived HTML (read from
    ``originals`` for a revisit) names (:func:`html_resources`), the capture of it nearest the
    page's own (no error answer); the capture a revisit refers to; the target of a redirect; a
    stylesheet's or a frame's own, to ``NESTING_DEPTH``. Each once, in the order found."""
    found: dict[str, dict[str, Any]] = {}
    todo: list[tuple[str, str, int]] = []
    for page in pages:
        held = originals.get(page["record_id"], page)
        if held["warc_type"] != "response":
            continue  # a revisit whose original the index lacks
        response = read_response(capture_path(archive.warc_dir, held), held["warc_offset"])
        if any(n.lower() == "content-type" and "html" in v.lower() for n, v in response.headers):
            encoding = _as_crawled(response, HtmlResponse).encoding
            urls = html_resources(response.payload, page["url"], encoding)
            todo += ((url, page["captured_at"], 1) for url in reversed(urls))
    asked: set[str] = set()
    while todo:
        url, when, depth = todo.pop()
        if url in asked:
            continue
        asked.add(url)
        row = index.db.execute(
            f"{_CAPTURE} where url = ? and status < 400 and warc_offset is not null"
            " order by abs(julianday(captured_at) - julianday(?)), id desc limit 1",
            [url, when],
        ).fetchone()
        if row is None:
            continue
        capture = dict(zip(_COLUMNS, row, strict=True))
        if (original := _original(index, capture)) is None:
            continue  # a revisit without its payload would replay nothing
        original = found.setdefault(original["record_id"], original)
        found.setdefault(capture["record_id"], capture)
        kind = (capture["content_type"] or "").lower()
        redirect = 300 <= capture["status"] < 400
        stylesheet, frame = kind.startswith("text/css"), "html" in kind
        if redirect or (depth < NESTING_DEPTH and (stylesheet or frame)):
            response = read_response(
                capture_path(archive.warc_dir, original), original["warc_offset"]
            )
            headers = dict((n.lower(), v) for n, v in response.headers)
            if redirect and headers.get("location"):
                target = safe_url_string(urljoin(url, headers["location"]))
                todo.append((target, when, depth))
            elif stylesheet:
                text = _as_crawled(response, TextResponse).text
                todo += ((u, when, depth + 1) for u in reversed(css_resources(text, url)))
            elif frame:
                encoding = _as_crawled(response, HtmlResponse).encoding
                urls = html_resources(response.payload, url, encoding)
                todo += ((u, when, depth + 1) for u in reversed(urls))
    return list(found.values())


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


def _members(path: Path, offset: int, length: int, record_id: str) -> tuple[bytes, int]:
    """The response (or revisit) record's gzip member at ``offset`` and the request member
    after it (the writer puts an exchange's request right behind its response), as stored; and
    how many records that is."""
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
        return data + member, 2
    return data, 1


def _warcinfo(title: str) -> bytes:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=True, warc_version="WARC/1.1")
    info = {"software": f"archiver/{__version__}", "format": "WARC File Format 1.1"}
    info["description"] = title
    writer.write_record(writer.create_warcinfo_record("pages.warc.gz", info))
    return buffer.getvalue()


def _source_warcinfo(path: Path) -> bytes:
    """The warcinfo record a WARC file opens with, as stored (empty if it has none): the
    records copied from the file name it (``WARC-Warcinfo-ID``), and it names their crawl's
    outlet (``isPartOf``), which ``reextract`` files their articles under."""
    name = path if path.exists() else path.with_name(path.name + ".open")
    try:
        with name.open("rb") as fh:
            stored, content = _next_member(fh)
    except (OSError, zlib.error):
        return b""
    head = content.split(b"\r\n\r\n", 1)[0].lower()
    return stored if head.startswith(b"warc/") and b"warc-type: warcinfo" in head else b""


def export_wacz(
    archive_dir: str | Path,
    out: str | Path,
    *,
    filters: ArticleFilter | None = None,
    title: str | None = None,
    force: bool = False,
    resources: bool = True,
    tools: ReplayTools | None = None,
) -> WaczSummary:
    """Write the selected articles' captures to ``out`` as a validated WACZ, with the captures
    of what their pages load unless not ``resources``."""
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
    index = archive.open_index()
    try:
        originals = _page_originals(index, rows)  # a page archived as a revisit: its payload
        rows = [r for r in rows if r["warc_type"] == "response" or r["record_id"] in originals]
        loaded = list({r["record_id"]: r for r in originals.values()}.values())
        if resources:
            loaded += _resources(archive, index, rows, originals)
    finally:
        index.close()
    own = {row["record_id"] for row in rows}  # a page another page loads: written once
    loaded = list({r["record_id"]: r for r in loaded if r["record_id"] not in own}.values())
    tools = (tools or ReplayTools()).ensure()
    title = title or f"archiver export of {archive.directory.resolve().name}"
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="export-wacz-", dir=out.parent) as tmp:
        warc = Path(tmp) / "pages.warc.gz"
        pages = Path(tmp) / "pages.jsonl"
        records = 1
        with warc.open("wb") as fh, pages.open("w", encoding="utf-8") as pj:
            fh.write(_warcinfo(title))
            sources = dict.fromkeys(capture_path(archive.warc_dir, r) for r in [*loaded, *rows])
            for source in sources:
                if info := _source_warcinfo(source):
                    fh.write(info)
                    records += 1
            for row in [*loaded, *rows]:  # what the pages load first, then the pages
                path = capture_path(archive.warc_dir, row)
                data, n = _members(path, row["warc_offset"], row["warc_length"], row["record_id"])
                fh.write(data)
                records += n
            pj.write(json.dumps(PAGES_HEADER) + "\n")
            for row in rows:
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
    return WaczSummary(out=out, pages=len(rows), resources=len(loaded), records=records, bytes=size)
