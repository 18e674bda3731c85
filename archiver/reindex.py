"""Rebuild an index from WARC files alone: no network, no old index.

Every ``response`` and ``revisit`` record becomes a capture row. Articles come from the
``metadata`` records the crawl wrote (the extracted JSON, ``WARC-Refers-To`` the response), or, with
``re_extract`` or for the HTML 200 responses of a file without metadata records, from running
:class:`~archiver.extract.ArticleExtractor` over the archived payload again (pages it does
not find to be articles are left out). The new index is
written to a temporary file beside ``out`` and renamed into place only when complete.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import re
import time
import zlib
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
from w3lib.encoding import http_content_type_encoding
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from archiver.archive import archive_file
from archiver.exceptions import ConfigError, WarcError
from archiver.extract import ArticleExtractor
from archiver.index import ArchiveIndex
from archiver.index.store import remove_index_files
from archiver.items import Article, CaptureRef, Dateline
from archiver.warc import content_type, read_response

if TYPE_CHECKING:
    from typing import Self

    from warcio.recordloader import ArcWarcRecord

logger = logging.getLogger(__name__)

_ARTICLE_FIELDS = {f.name for f in attrs.fields(Article)} - {"capture"}
_DATELINE_FIELDS = {f.name for f in attrs.fields(Dateline)}


@attrs.define(kw_only=True)
class ReindexSummary:
    """What a reindex found and wrote."""

    out: Path
    """The index written."""
    files: int
    """WARC files read."""
    captures: int
    """Response and revisit records indexed as captures."""
    articles: int
    """Article rows in the new index."""
    from_metadata: int
    """Articles read from ``metadata`` records."""
    re_extracted: int
    """Articles produced by running the extractor over an archived response."""
    elapsed: float
    """Wall-clock seconds."""


@attrs.define(kw_only=True)
class ScannedCapture:
    """A response or revisit record read back from a WARC file, as a capture row."""

    ref: CaptureRef
    url: str
    status: int
    content_type: str | None
    path: Path
    outlet: str | None

    @classmethod
    def from_record(
        cls,
        record: ArcWarcRecord,
        offset: int,
        length: int,
        *,
        path: Path,
        warc_file: str | None = None,
        outlet: str | None = None,
    ) -> Self:
        """The capture of ``record`` (a response or revisit with HTTP headers) at ``offset`` in
        ``path``, stored as ``warc_file`` (default: the file's name without ``.open``). A
        server-not-modified revisit holds the stored status line, freshened; its capture is the
        304 the crawl received, as the crawl indexed it."""
        headers, http = record.rec_headers, record.http_headers
        status = int(http.get_statuscode() or 0)
        profile = headers.get_header("WARC-Profile") or ""
        if record.rec_type == "revisit" and profile.endswith("server-not-modified"):
            status = 304
        ref = CaptureRef(
            record_id=headers.get_header("WARC-Record-ID") or "",
            warc_file=warc_file or path.name.removesuffix(".open"),
            offset=offset,
            length=length,
            payload_digest=headers.get_header("WARC-Payload-Digest"),
            date=headers.get_header("WARC-Date"),
            warc_type=record.rec_type,
            refers_to=headers.get_header("WARC-Refers-To"),
        )
        url = headers.get_header("WARC-Target-URI") or ""
        return cls(
            ref=ref,
            url=url,
            status=status,
            content_type=content_type(http.headers),
            path=path,
            outlet=outlet,
        )

    def add_to(self, index: ArchiveIndex, *, crawl_id: int | None) -> int:
        """Write this capture's row into ``index``; its row id."""
        return index.add_capture(
            self.ref,
            url=self.url,
            status=self.status,
            content_type=self.content_type,
            captured_at=self.ref.date or "",
            crawl_id=crawl_id,
        )


def article_from_metadata(data: dict[str, Any], capture: CaptureRef | None) -> Article:
    """An :class:`Article` from the JSON of its ``metadata`` record (unknown keys ignored)."""
    fields = {k: v for k, v in data.items() if k in _ARTICLE_FIELDS}
    dateline = fields.get("dateline")
    if isinstance(dateline, dict):
        fields["dateline"] = Dateline(
            **{k: v for k, v in dateline.items() if k in _DATELINE_FIELDS}
        )
    return Article(**fields, capture=capture)


def warc_files(warc_dir: Path) -> list[Path]:
    """The WARC files of a directory in crawl order (their names start with a UTC timestamp)."""
    if not warc_dir.is_dir():
        raise ConfigError(f"{warc_dir} is not a directory; pass the archive's warc/ directory")
    found = [p for p in warc_dir.iterdir() if re.search(r"\.warc(\.gz)?(\.open)?$", p.name)]
    if not found:
        raise ConfigError(f"no WARC files (*.warc.gz) in {warc_dir}; pass an archive's warc/")
    return sorted(found, key=lambda p: p.name)


def _warcinfo_fields(block: bytes) -> dict[str, str]:
    fields = {}
    for line in block.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep:
            fields[name.strip()] = value.strip()
    return fields


def _scan(path: Path, start: int = 0) -> Iterator[tuple[str, Any, bytes, int, int]]:
    """(type, warcio record, block, gzip member offset, member length) of every record (from
    the gzip member at ``start``); ``WarcError`` naming the file when it is truncated or
    corrupt."""
    offset, block = start, None
    # warcio reports a gzip member that fails mid-way on stderr and reads on as if the member
    # had ended: catch that report and treat it as the corruption it is.
    warcio_errors = io.StringIO()
    try:
        with path.open("rb") as fh, contextlib.redirect_stderr(warcio_errors):
            fh.seek(start)
            records = ArchiveIterator(fh, check_digests=True)
            for record in records:
                block = record.raw_stream.read()
                if warcio_errors.getvalue():
                    raise WarcError(
                        f"{path}: corrupt gzip data near offset {offset} "
                        f"({warcio_errors.getvalue().strip().splitlines()[0][:80]}); "
                        "restore the file or move it out of the directory"
                    )
                missing = getattr(record.raw_stream, "limit", 0) or 0
                offset, length = records.get_record_offset(), records.get_record_length()
                if missing > 0:
                    raise WarcError(
                        f"{path}: truncated WARC file, record at offset {offset} lacks "
                        f"{missing} bytes; restore the file or move it out of the directory"
                    )
                if record.digest_checker.passed is False:
                    raise WarcError(
                        f"{path}: corrupt WARC record at offset {offset} (digest mismatch); "
                        "restore the file or move it out of the directory"
                    )
                yield record.rec_type, record, block, offset, length
            if block is None and start == 0:
                raise WarcError(
                    f"{path}: empty WARC file (no records, not even warcinfo); "
                    "restore the file or move it out of the directory"
                )
            if path.name.removesuffix(".open").endswith(".gz") and block is not None:
                _check_last_member(path, fh, offset)
    except WarcError:
        raise
    except (ArchiveLoadFailed, EOFError, zlib.error, OSError, ValueError, AttributeError) as e:
        # AttributeError: warcio's parser on a record whose WARC headers are garbled
        text = re.sub(r"[^ -~]+", "?", " ".join(str(e).split()))[:120]
        head, found, line = text.partition("first line: ")
        if found and line.count("?") * 5 > len(line):  # a binary line: no use printing it
            text = f"{head}first line: binary data"
        raise WarcError(
            f"{path}: truncated or corrupt WARC file ({text or type(e).__name__}); "
            "restore the file or move it out of the directory"
        ) from e


scan_warc = _scan
"""Public name of the record scanner (``archiver check`` reads the WARC files with it too)."""


def _check_last_member(path: Path, fh: Any, offset: int) -> None:
    """A cut-off gzip trailer escapes warcio once the last record's bytes are read: check that
    the last member (at ``offset``) is whole and that nothing follows it."""
    fh.seek(offset)
    unpack = zlib.decompressobj(31)
    while not unpack.eof and (data := fh.read(1 << 20)):
        unpack.decompress(data)
    if not unpack.eof or unpack.unused_data or fh.read(1):
        raise WarcError(
            f"{path}: truncated WARC file, its last gzip member at offset {offset} is cut off "
            "or followed by stray bytes; restore the file or move it out of the directory"
        )


def payload_holders(captures: Iterable[ScannedCapture]) -> dict[str, ScannedCapture]:
    """Each capture by record id, an identical-payload revisit by the id of the response it
    refers to (which holds its payload; a revisit of a revisit, by that one's)."""
    by_id = {c.ref.record_id: c for c in captures}
    holders = {}
    for record_id, capture in by_id.items():
        seen = {record_id}
        while capture.ref.warc_type == "revisit" and capture.ref.refers_to not in seen:
            if (original := by_id.get(capture.ref.refers_to or "")) is None:
                break
            seen.add(original.ref.record_id)
            capture = original
        if capture.ref.warc_type == "response":
            holders[record_id] = capture
    return holders


def _re_extract(
    extractor: ArticleExtractor,
    response: ScannedCapture,
    default_outlet: str | None,
    holders: dict[str, ScannedCapture] | None = None,
) -> Article | None:
    """The article of the HTML page ``response``; of a revisit, from the payload of the record
    ``holders`` (:func:`payload_holders`) names for it (``None`` when none does)."""
    if response.status != 200 or "html" not in (response.content_type or "").lower():
        return None
    holder = (holders or {}).get(response.ref.record_id, response)
    if holder.ref.warc_type != "response":
        return None
    archived = read_response(holder.path, holder.ref.offset)
    try:
        article = extractor.extract(
            archived.payload,
            response.url,
            encoding=http_content_type_encoding(holder.content_type),  # as the crawl read it
            outlet=response.outlet or default_outlet,
            capture=response.ref,
        )
    except Exception as e:  # one bad page must not stop the rebuild
        logger.warning("extraction of %s failed: %r", response.url, e)
        return None
    return article if article.page_type == "article" else None


def _outside_the_archive(out: Path, warc_dir: Path) -> None:
    """A ``ConfigError`` when ``out`` is the index of the archive ``warc_dir`` belongs to (or one
    of SQLite's side files) or lies in ``warc_dir``: the index holds what the WARC files do not
    (the crawls' history, the seen URLs), and the WARC directory holds the WARC files only."""
    kind = archive_file(out, warc_dir / "..", warc_dir)
    if kind == "index":
        raise ConfigError(
            f"{out} is the archive's own index, which holds the crawls' history besides what "
            f"the WARC files do: write a new one (--out {out.resolve().with_name('new.db')}), "
            "check it, and move it in place"
        )
    if kind == "warc":
        raise ConfigError(
            f"{out} is in the archive's WARC directory {warc_dir}: write the new index outside "
            f"it (--out {warc_dir.resolve().parent / 'new.db'})"
        )


def reindex(
    warc_dir: str | Path | Sequence[str | Path],
    out: str | Path,
    *,
    re_extract: bool = False,
    force: bool = False,
    extractor: ArticleExtractor | None = None,
) -> ReindexSummary:
    """Build a new index at ``out`` from the WARC files in ``warc_dir`` (a directory, or
    several: the warc/ directories of the workers of a distributed crawl, whose file names
    differ by worker)."""
    started = time.monotonic()
    dirs = [Path(warc_dir)] if isinstance(warc_dir, (str, Path)) else [Path(d) for d in warc_dir]
    out = Path(out)
    if out.is_dir():  # "" is "." too
        raise ConfigError(f"--out {str(out)!r} is a directory; pass a file path for the new index")
    for d in dirs:
        _outside_the_archive(out, d)
    if out.exists() and not force:
        raise ConfigError(f"{out} already exists; pass --force to replace it or choose another")
    files = sorted((f for d in dirs for f in warc_files(d)), key=lambda p: p.name)
    names = [f.name.removesuffix(".open") for f in files]
    if clash := sorted({n for n in names if names.count(n) > 1}):
        raise ConfigError(
            f"WARC file {clash[0]} is in more than one of the directories given; an index "
            "names files, not paths: give each file once"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    remove_index_files(tmp)
    try:
        summary = _build(files, tmp, re_extract=re_extract, extractor=extractor)
        if force:
            remove_index_files(out)
        os.replace(tmp, out)
    except BaseException:
        remove_index_files(tmp)
        raise
    summary.out = out
    summary.elapsed = time.monotonic() - started
    return summary


def _build(
    files: list[Path], tmp: Path, *, re_extract: bool, extractor: ArticleExtractor | None
) -> ReindexSummary:
    responses: dict[str, ScannedCapture] = {}
    revisits: list[ScannedCapture] = []  # capture rows only: their payload is an earlier capture's
    metadata: list[tuple[str, dict[str, Any]]] = []  # (refers-to, article JSON), in WARC order
    outlets: list[str] = []
    with_metadata: set[Path] = set()
    repeated: dict[tuple[Path, Path], int] = {}  # (first file, copy): response records
    total_bytes = 0
    for path in files:
        total_bytes += path.stat().st_size
        info_outlet: dict[str, str] = {}
        for rec_type, record, block, offset, length in _scan(path):
            headers = record.rec_headers
            record_id = headers.get_header("WARC-Record-ID") or ""
            if rec_type == "warcinfo":
                part_of = _warcinfo_fields(block).get("isPartOf")
                if part_of:
                    info_outlet[record_id] = part_of
                    outlets += [] if part_of in outlets else [part_of]
            elif rec_type in ("response", "revisit") and record.http_headers is not None:
                outlet = info_outlet.get(headers.get_header("WARC-Warcinfo-ID") or "")
                capture = ScannedCapture.from_record(
                    record, offset, length, path=path, outlet=outlet
                )
                if rec_type == "revisit":
                    revisits.append(capture)
                elif (first := responses.get(record_id)) is not None:
                    pair = (first.path, path)
                    repeated[pair] = repeated.get(pair, 0) + 1
                else:
                    responses[record_id] = capture
            elif rec_type == "metadata" and "json" in (headers.get_header("Content-Type") or ""):
                try:
                    data = json.loads(block)
                except ValueError as e:
                    raise WarcError(
                        f"{path}: metadata record at offset {offset} is not valid JSON; "
                        "restore the file or rerun with --re-extract"
                    ) from e
                refers_to = headers.get_header("WARC-Refers-To") or ""
                if isinstance(data, dict) and refers_to:
                    metadata.append((refers_to, data))
                    with_metadata.add(path)
    if repeated:  # the first pair found names the copy
        (first_file, copy), n = next(iter(repeated.items()))
        raise ConfigError(
            f"{copy.name} repeats {n} response records of {first_file.name} (a copy of it?): "
            "move the copy out of the WARC directory, then reindex"
        )

    index = ArchiveIndex(tmp)
    try:
        crawl_id = index.start_crawl(",".join(outlets) or "reindex")
        with index.transaction():
            for response in [*responses.values(), *revisits]:
                response.add_to(index, crawl_id=crawl_id)
        articles: list[Article] = []
        described = set()
        by_id = {**responses, **{r.ref.record_id: r for r in revisits}}
        if not re_extract:
            for refers_to, data in metadata:
                described.add(refers_to)
                response_or_none = by_id.get(refers_to)
                articles.append(
                    article_from_metadata(data, response_or_none.ref if response_or_none else None)
                )
        from_metadata = len(articles)
        # Without --re-extract, a response lacking a metadata record is extracted only when its
        # file holds none (written before metadata records): in a file that has them, the crawl
        # found it was no article (a listing page, say) and extracting it again might disagree.
        pending = sorted(  # oldest first: the latest capture of an article is its row's
            (
                r
                for rid, r in by_id.items()
                if rid not in described and (re_extract or r.path not in with_metadata)
            ),
            key=lambda r: r.ref.date or "",
        )
        if pending:
            extractor = extractor or ArticleExtractor()
            default_outlet = outlets[0] if len(outlets) == 1 else None
            holders = payload_holders(by_id.values())
            for response in pending:
                article = _re_extract(extractor, response, default_outlet, holders)
                if article is not None:
                    articles.append(article)
        with index.transaction():
            for article in articles:
                index.add_article(article, crawl_id=crawl_id)
        count = index.count("articles")
        stats = {
            "archiver/pages": len(responses) + len(revisits),
            "archiver/articles": count,
            "archiver/warc/bytes_written": total_bytes,
            "archiver/errors": 0,
            "archiver/reindex/files": len(files),
            "archiver/reindex/from_metadata": from_metadata,
            "archiver/reindex/re_extracted": len(articles) - from_metadata,
        }
        index.finish_crawl(crawl_id, outcome="reindex", stats=stats)
    finally:
        index.close()
    return ReindexSummary(
        out=tmp,
        files=len(files),
        captures=len(responses) + len(revisits),
        articles=count,
        from_metadata=from_metadata,
        re_extracted=len(articles) - from_metadata,
        elapsed=0.0,
    )
