"""Run the current extractor over archived responses and update the archive's index.

The WARC files may be the archive's own (the default), or foreign ones — a Heritrix WARC, the
WARC files inside a Browsertrix WACZ, anything warcio reads. Each HTML ``200`` response is
extracted again (:func:`archiver.reindex` owns the scanning and the extraction step, reused
here) and the article upserted with the extractor's version; its capture row points at the
record where it lies: a file of ``archive/warc`` by name, any other by absolute path. The
WARC files of a WACZ are unpacked into ``archive/imported/<wacz name>/`` first, so that
``archiver show`` can read the captures back later. No network is touched.
"""

from __future__ import annotations

import itertools
import logging
import os
import re
import time
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlsplit

import attrs

from archiver.archive import IMPORTED, Archive
from archiver.exceptions import ArchiverError, ConfigError, NotFoundError
from archiver.extract import EXTRACTOR_VERSION, ArticleExtractor
from archiver.index import ArchiveIndex
from archiver.items import Article
from archiver.reindex import (
    ScannedCapture,
    _re_extract,
    _scan,
    _warcinfo_fields,
    payload_holders,
    warc_files,
)

logger = logging.getLogger(__name__)

_WARC_NAME = re.compile(r"\.warc(\.gz)?$")


@attrs.define(kw_only=True)
class ReextractSummary:
    """What a re-extraction read and wrote."""

    files: int
    responses: int
    """HTML 200 responses the extractor ran over."""
    articles: int
    """Articles written to the index (inserted or updated)."""
    kept_newer: int
    """Pages skipped because the index holds the article from a newer capture."""
    extractor_version: str
    elapsed: float


def _crc32(path: Path) -> int:
    crc = 0
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            crc = zlib.crc32(chunk, crc)
    return crc


def _holds(folder: Path, members: list[zipfile.ZipInfo]) -> bool:
    """Whether ``folder`` may take ``members``: each is absent there, or there already (same
    size and CRC-32: the same WACZ imported again)."""
    for member in members:
        target = folder / Path(member.filename).name
        if target.exists() and (
            target.stat().st_size != member.file_size or _crc32(target) != member.CRC
        ):
            return False
    return True


def unpack_wacz(wacz: Path, into: Path) -> list[Path]:
    """The WARC files of ``wacz``, unpacked into the folder ``into`` (kept: the index points at
    them), or ``into-2``, ``into-3``... when ``into`` holds other files of those names (another
    WACZ of the same name, whose captures the index points into)."""
    try:
        with zipfile.ZipFile(wacz) as zf:
            members = [m for m in zf.infolist() if _WARC_NAME.search(m.filename)]
            if not members:
                raise ConfigError(f"{wacz} holds no WARC files (archive/*.warc.gz); is it a WACZ?")
            folder = into
            for n in itertools.count(2):
                if not folder.exists() or _holds(folder, members):
                    break
                folder = into.with_name(f"{into.name}-{n}")
            paths = []
            folder.mkdir(parents=True, exist_ok=True)
            for member in members:
                target = folder / Path(member.filename).name
                if not target.exists():
                    part = target.with_name(target.name + ".part")
                    with zf.open(member) as src, part.open("wb") as dst:
                        while chunk := src.read(1 << 20):
                            dst.write(chunk)
                    os.replace(part, target)
                paths.append(target)
    except (zipfile.BadZipFile, OSError) as e:
        raise ConfigError(f"{wacz}: not a readable WACZ (zip) file ({e}); check the path") from e
    return sorted(paths)


def _inputs(archive: Archive, paths: list[Path]) -> list[Path]:
    if not paths:
        return warc_files(archive.warc_dir)
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found += warc_files(path)
        elif not path.is_file():
            raise NotFoundError(f"{path} does not exist; pass WARC or WACZ files")
        elif path.suffix == ".wacz":
            found += unpack_wacz(path, archive.directory / IMPORTED / path.stem)
        else:
            found.append(path)
    return found


def _stored_name(archive: Archive, path: Path) -> str:
    """How a capture row names ``path``: by name in ``archive/warc``, relative to it in the
    archive's ``imported/`` (a WACZ's files, which move with the archive), else by absolute
    path."""
    path = path.resolve()
    if path.parent == archive.warc_dir.resolve():
        return path.name.removesuffix(".open")
    if path.parent.parent == (archive.directory / IMPORTED).resolve():
        return f"../{IMPORTED}/{path.parent.name}/{path.name}"
    return str(path)


def _responses(archive: Archive, path: Path, outlet: str | None) -> list[ScannedCapture]:
    found, info_outlet = [], {}
    name = _stored_name(archive, path)
    for rec_type, record, block, offset, length in _scan(path):
        headers = record.rec_headers
        if rec_type == "warcinfo":
            part_of = _warcinfo_fields(block).get("isPartOf")
            if part_of:
                info_outlet[headers.get_header("WARC-Record-ID") or ""] = part_of
        elif rec_type in ("response", "revisit") and record.http_headers is not None:
            # a revisit is a capture row too (its payload is an earlier record's)
            response = ScannedCapture.from_record(record, offset, length, path=path, warc_file=name)
            response.outlet = (
                outlet
                or info_outlet.get(headers.get_header("WARC-Warcinfo-ID") or "")
                or urlsplit(response.url).hostname
            )
            found.append(response)
    return found


def _refuse_moving(index: ArchiveIndex, outlet: str, urls: Sequence[str]) -> None:
    """A ``ConfigError`` when ``--outlet`` would move articles the index holds under another
    outlet (a slip of the name would move them all; searches by the old name would miss them)."""
    moved: dict[str, int] = {}
    for url in urls:
        row = index.db.execute("select outlet from articles where url = ?", [url]).fetchone()
        if row is not None and row[0] != outlet:
            moved[row[0]] = moved.get(row[0], 0) + 1
    if moved:
        held = ", ".join(f"{n} under {name!r}" for name, n in sorted(moved.items()))
        raise ConfigError(
            f"--outlet {outlet!r} would move articles the index holds under another outlet "
            f"({held}): leave --outlet out to keep each file's own, or give that name"
        )


def reextract(
    archive_dir: str | Path,
    paths: Sequence[str | Path] | None = None,
    *,
    outlet: str | None = None,
    extractor: ArticleExtractor | None = None,
) -> ReextractSummary:
    """Extract the articles of ``paths`` (default: the archive's WARC files) into its index."""
    started = time.monotonic()
    archive = Archive(archive_dir)
    imported = archive.directory / IMPORTED
    before = set(imported.rglob("*")) if imported.is_dir() else set()
    try:
        files = _inputs(archive, [Path(p) for p in paths or ()])
        # every file is read before anything is written: a corrupt one changes nothing
        found = [r for path in files for r in _responses(archive, path, outlet)]
    except ArchiverError as e:
        # nor does it leave the files unpacked from a WACZ behind
        for made in sorted(set(imported.rglob("*")) - before, reverse=True):
            made.rmdir() if made.is_dir() else made.unlink()
        if imported.is_dir() and not before:
            imported.rmdir()
        wacz = [str(p) for p in paths or () if str(p).endswith(".wacz")]
        raise type(e)(f"{e} (unpacked from {', '.join(wacz)})" if wacz else str(e)) from e
    extractor = extractor or ArticleExtractor()
    latest: dict[str, tuple[ScannedCapture, Article]] = {}
    responses = 0
    holders = payload_holders(found)
    for response in found:
        html = "html" in (response.content_type or "").lower()
        if response.ref.record_id not in holders or response.status != 200 or not html:
            continue
        responses += 1
        article = _re_extract(extractor, response, None, holders)
        if article is None:
            continue
        seen = latest.get(article.url)
        if seen is None or (seen[0].ref.date or "") <= (response.ref.date or ""):
            latest[article.url] = (response, article)
    written = kept = 0
    index = ArchiveIndex(archive.index_path)
    try:
        if outlet is not None:
            _refuse_moving(index, outlet, [article.url for _, article in latest.values()])
        with index.transaction():
            crawl_id = index.start_crawl(outlet or "reextract")
            for response in found:
                response.add_to(index, crawl_id=crawl_id)
            for response, article in latest.values():
                row = index.db.execute(
                    "select c.captured_at from articles a join captures c"
                    " on c.record_id = a.record_id where a.url = ?",
                    [article.url],
                ).fetchone()
                if row is not None and (row[0] or "") > (response.ref.date or ""):
                    kept += 1  # the index has it from a newer capture
                    continue
                if outlet is None:  # an article the index holds keeps its outlet
                    held = index.db.execute(
                        "select outlet from articles where url = ?", [article.url]
                    ).fetchone()
                    if held is not None and held[0]:
                        article.outlet = held[0]
                index.add_article(article, crawl_id=crawl_id)
                written += 1
            stats = {
                "archiver/pages": responses,
                "archiver/articles": written,
                "archiver/errors": 0,
                "archiver/reextract/files": len(files),
                "archiver/reextract/kept_newer": kept,
                "archiver/reextract/extractor_version": EXTRACTOR_VERSION,
            }
            index.finish_crawl(crawl_id, outcome="reextract", stats=stats)
    finally:
        index.close()
    return ReextractSummary(
        files=len(files),
        responses=responses,
        articles=written,
        kept_newer=kept,
        extractor_version=EXTRACTOR_VERSION,
        elapsed=time.monotonic() - started,
    )
