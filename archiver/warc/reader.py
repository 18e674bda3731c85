"""Read a response record back from a WARC file, with its body decoded.

The record is located by the offset of its gzip member (:attr:`CaptureRef.offset`), checked
against its block digest, and its body has Transfer- and Content-Encoding undone.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import zlib
from typing import Any

import attrs
import brotli
from warcio.archiveiterator import WARCIterator
from warcio.bufferedreaders import ChunkedDataReader
from warcio.exceptions import ArchiveLoadFailed

from archiver.exceptions import WarcError
from archiver.warc.headers import Headers, WireParser

_zstd: Any
try:
    from backports import zstd as _zstd
except ImportError:  # pragma: no cover - optional, as in Scrapy
    _zstd = None


@attrs.define(kw_only=True)
class ArchivedResponse:
    """A response record read back from a WARC file."""

    url: str
    record_id: str
    date: str
    status: int
    status_line: str
    """The HTTP status line as stored, ``HTTP/1.1 200 OK``."""
    headers: Headers
    """HTTP headers in stored order, values decoded as latin-1."""
    entity: bytes
    """The body as stored (still Content-Encoded)."""
    payload: bytes
    """The body with Transfer- and Content-Encoding undone."""
    record_headers: Headers
    """The WARC record headers."""
    undecoded: str | None = None
    """The Content-Encoding the body does not decode as (a server labelling plain bytes
    ``gzip``): ``payload`` is then the body as sent, de-chunked."""


def _decode(data: bytes, coding: str, partial: bool) -> bytes:
    """Undo one content coding; a cut-off stream is an error unless ``partial``."""
    if coding in ("", "identity") or not data:
        return data
    if coding == "br":
        unbrotli = brotli.Decompressor()
        out, done = [unbrotli.process(data)], unbrotli.is_finished()
    elif coding in ("gzip", "x-gzip", "deflate") or (coding == "zstd" and _zstd is not None):
        wbits = 47  # gzip or zlib; "deflate" is raw when the data lacks a zlib header
        if coding == "deflate" and (
            len(data) < 2 or int.from_bytes(data[:2]) % 31 or data[0] & 15 != 8
        ):
            wbits = -15
        out, done = [], True
        while data and done:  # member after member (gzip), frame after frame (zstd)
            unpack = _zstd.ZstdDecompressor() if coding == "zstd" else zlib.decompressobj(wbits)
            out.append(unpack.decompress(data))
            done, data = unpack.eof, unpack.unused_data.lstrip(b"\0")
    else:
        raise ValueError(f"unsupported Content-Encoding {coding!r}")
    if not done and not partial:
        raise ValueError(f"{coding} stream ends early")
    return b"".join(out)


def _block_intact(block: bytes, expected: str | None) -> bool:
    """Whether ``block`` matches its ``WARC-Block-Digest`` (base32, base16 or base64)."""
    algo, _, value = (expected or "").partition(":")
    try:
        digest = hashlib.new(algo.lower().replace("-", ""), block).digest()
    except ValueError:  # no digest, or an algorithm hashlib lacks: nothing to check
        return True
    b32, b64 = base64.b32encode(digest).decode(), base64.b64encode(digest).decode()
    return value.strip().upper() in (b32, digest.hex().upper()) or value.strip() == b64


_CHECK = "run archiver check, which lists every capture the index cannot find"


def _readable(path: str | os.PathLike[str]) -> str:
    """``path``, or its ``.open`` twin when only that exists (a file still being written)."""
    name = os.fspath(path)
    if not os.path.exists(name) and os.path.exists(name + ".open"):
        name += ".open"
    return name


def read_http_head(path: str | os.PathLike[str], offset: int) -> tuple[str, Headers]:
    """The HTTP status line and headers of the response or revisit record at ``offset`` in
    ``path`` (a revisit holds them without the payload)."""
    name = _readable(path)
    try:
        with open(name, "rb") as fh:
            fh.seek(offset)
            record = next(iter(WARCIterator(fh)), None)
            if record is None or record.http_headers is None:
                raise WarcError(f"{name} at offset {offset} holds no HTTP response; {_CHECK}")
            http = record.http_headers
            return f"{http.protocol} {http.statusline}", list(http.headers)
    except (OSError, ArchiveLoadFailed) as e:
        raise WarcError(f"cannot read a record from {name} at offset {offset}: {e}") from e


def read_response(path: str | os.PathLike[str], offset: int) -> ArchivedResponse:
    """Read the response record whose gzip member starts at ``offset`` in ``path``.

    ``path`` may name a file still being written: its ``.open`` twin is read then.
    """
    name = _readable(path)
    where = f"{name} at offset {offset}"
    try:
        with open(name, "rb") as fh:
            fh.seek(offset)
            records = WARCIterator(fh, no_record_parse=True)
            try:
                record = next(records, None)
                block = record.raw_stream.read() if record else b""
            finally:
                records.close()
        if record is None and (size := os.path.getsize(name)) <= offset:
            raise WarcError(
                f"{name} ends at {size:,} bytes, before the record at offset {offset:,}: the "
                f"file is cut short (restore it from a copy), or the index points past its end; "
                f"{_CHECK}"
            )
        if record is None or record.rec_type != "response":
            kind = f"a {record.rec_type} record, not a response" if record else "no record"
            raise WarcError(f"{where} holds {kind}: the index points at the wrong place; {_CHECK}")
        headers = record.rec_headers
        if len(block) != record.length or not _block_intact(
            block, headers.get_header("WARC-Block-Digest")
        ):
            raise WarcError(f"response record in {where} is truncated or corrupt; restore {name}")
        stream = io.BytesIO(block)
        first = stream.readline()
        http = WireParser([], verify=False).parse(stream, full_statusline=first)
        entity = payload = stream.read()
        status = int(http.get_statuscode())
        if "chunked" in (http.get_header("Transfer-Encoding") or "").lower():
            payload = ChunkedDataReader(io.BytesIO(entity)).read()
        codings = ",".join(v for n, v in http.headers if n.lower() == "content-encoding")
        sent, undecoded = payload, None
        try:
            for coding in reversed(codings.lower().split(",")):
                payload = _decode(
                    payload, coding.strip(), bool(headers.get_header("WARC-Truncated"))
                )
        except Exception:  # zlib, brotli, zstd: the record is whole (its digest), the server lied
            payload, undecoded = sent, codings
    except WarcError:
        raise
    except FileNotFoundError as e:
        raise WarcError(f"WARC file {name} does not exist; check the path") from e
    except ArchiveLoadFailed as e:
        raise WarcError(
            f"no WARC record starts in {where}: the file is damaged there, or the index points "
            f"at the wrong place; {_CHECK}"
        ) from e
    except Exception as e:  # zlib, brotli, int() and warcio raise many kinds
        text = re.sub(r"[^ -~]+", "?", " ".join(str(e).split()))[:120]
        raise WarcError(
            f"cannot read a response record from {where} ({text}): the file is damaged there, "
            f"or the index points at the wrong place; {_CHECK}"
        ) from e
    return ArchivedResponse(
        url=headers.get_header("WARC-Target-URI") or "",
        record_id=headers.get_header("WARC-Record-ID") or "",
        date=headers.get_header("WARC-Date") or "",
        status=status,
        status_line=first.rstrip(b"\r\n").decode("latin-1"),
        headers=list(http.headers),
        entity=entity,
        payload=payload,
        record_headers=list(headers.headers),
        undecoded=undecoded,
    )
