"""Tests for archiver.warc: golden records, read-back, digests, rotation, errors."""

from __future__ import annotations

import errno
import gzip
import io
import os
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator

import archiver
from archiver.exceptions import ConfigError, WarcError
from archiver.items import CaptureRef
from archiver.warc import ArchivedResponse, WarcWriter, read_response

PINNED = datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=UTC)
HTML = b"<html><body><p>Astana, 10 December 2023 (TDI): hello.</p></body></html>\n"
# gzip.compress(HTML, mtime=0), pinned as bytes so the golden digests do not depend on zlib
GZ_HTML = (
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03\xb3\xc9(\xc9\xcd\xb1\xb3I\xcaO\xa9\xb4\xb3)\xb0s,"
    b".I\xccK\xd4Q04PpIMN\xcdMJ-R0202V\xd0\x08q\xf1\xd4\xb4R\xc8H\xcd\xc9\xc9\xd7\xb3\xd1/\xb0"
    b"\xb3\xd1\x87\xe8\xd1\x07\x1b\xc0\x05\x00\xceH\x04cH\x00\x00\x00"
)
RESPONSE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Transfer-Encoding", "chunked"),
    ("Content-Encoding", "gzip"),
    ("Link", "<https://news.example/app.css>; rel=preload; as=style"),
    ("Link", '<https://news.example/world/story>; rel="canonical"'),
    ("Set-Cookie", "a=1; Path=/"),
    ("Set-Cookie", "b=2; Path=/"),
    ("X-Caf\xe9", "caf\xe9 cr\xe8me"),
]


def ids() -> Callable[[], str]:
    counter = iter(range(1, 10_000))
    return lambda: f"<urn:uuid:00000000-0000-0000-0000-{next(counter):012d}>"


def make_writer(directory: Path, **kwargs: Any) -> WarcWriter:
    kwargs = {"hostname": "crawler1", "clock": lambda: PINNED, "make_id": ids(), **kwargs}
    return WarcWriter(directory, **kwargs)


def exchange(writer: WarcWriter, **overrides: Any) -> CaptureRef:
    kwargs: dict[str, Any] = {
        "url": "https://news.example/world/story?id=7#top",
        "method": "GET",
        "request_headers": [("User-Agent", "archiver-test/1.0"), ("Accept-Encoding", "gzip, br")],
        "request_body": b"",
        "status": 200,
        "reason": None,
        "protocol": "HTTP/1.1",
        "response_headers": RESPONSE_HEADERS,
        "body": GZ_HTML,
        "ip_address": "203.0.113.7",
        **overrides,
    }
    return writer.write_exchange(**kwargs)


def members(path: str | Path) -> Iterator[tuple[int, int, bytes]]:
    """(offset, length, uncompressed bytes) of every gzip member, one by one."""
    data = Path(path).read_bytes()
    offset = 0
    while offset < len(data):
        inflater = zlib.decompressobj(31)
        raw = inflater.decompress(data[offset:])
        assert inflater.eof, f"gzip member at {offset} is incomplete"
        length = len(data) - offset - len(inflater.unused_data)
        yield offset, length, raw
        offset += length


def record_types(path: str | Path) -> list[str]:
    with open(path, "rb") as fh:
        return [record.rec_type for record in ArchiveIterator(fh)]


def crlf(*lines: str) -> bytes:
    return "\r\n".join(lines).encode("latin-1")


# -- golden records -----------------------------------------------------------------------------

GOLDEN_RESPONSE = crlf(
    "WARC/1.1",
    "WARC-Type: response",
    "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000002>",
    "WARC-Date: 2024-01-02T03:04:05.123456Z",
    "WARC-Target-URI: https://news.example/world/story?id=7",
    "WARC-IP-Address: 203.0.113.7",
    "WARC-Warcinfo-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>",
    "WARC-Payload-Digest: sha1:63HSG2AGDPGRFUFUPHWLVOHNNTMVJZOK",
    "WARC-Block-Digest: sha1:AOWKABWYCKJBGJ5XRGEFM5I2ZX33LQIS",
    "Content-Type: application/http; msgtype=response",
    "Content-Length: 421",
    "",
    "HTTP/1.1 200 OK",
    "Content-Type: text/html; charset=utf-8",
    "X-Archive-Orig-Transfer-Encoding: chunked",
    "Content-Encoding: gzip",
    "Link: <https://news.example/app.css>; rel=preload; as=style",
    'Link: <https://news.example/world/story>; rel="canonical"',
    "Set-Cookie: a=1; Path=/",
    "Set-Cookie: b=2; Path=/",
    "X-Caf\xe9: caf\xe9 cr\xe8me",
    "Content-Length: 85",
    "",
    "",
)  # + GZ_HTML + CRLF CRLF

GOLDEN_REQUEST = crlf(
    "WARC/1.1",
    "WARC-Type: request",
    "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000003>",
    "WARC-Date: 2024-01-02T03:04:05.123456Z",
    "WARC-Target-URI: https://news.example/world/story?id=7",
    "WARC-Warcinfo-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>",
    "WARC-Concurrent-To: <urn:uuid:00000000-0000-0000-0000-000000000002>",
    "WARC-Payload-Digest: sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ",
    "WARC-Block-Digest: sha1:J6FY66YUIN75TK27JTVVGQT7ATDJLGP4",
    "Content-Type: application/http; msgtype=request",
    "Content-Length: 112",
    "",
    "GET /world/story?id=7 HTTP/1.1",
    "Host: news.example",
    "User-Agent: archiver-test/1.0",
    "Accept-Encoding: gzip, br",
    "",
    "",
    "",
    "",
)

NAME = "archiver-20240102030405123456-00000-crawler1.warc.gz"


def test_golden_records(tmp_path: Path) -> None:
    info = {"operator": "Test Desk <desk@example.org>", "http-header-user-agent": "ua/1.0"}
    with make_writer(tmp_path, warcinfo=info) as writer:
        ref = exchange(writer)
    path = tmp_path / NAME
    assert writer.finished_files == [str(path)]
    (_, _, warcinfo), (_, _, response), (_, _, request) = members(path)

    assert response == GOLDEN_RESPONSE + GZ_HTML + b"\r\n\r\n"
    assert request == GOLDEN_REQUEST
    assert ref == CaptureRef(
        record_id="<urn:uuid:00000000-0000-0000-0000-000000000002>",
        warc_file=NAME,
        offset=ref.offset,
        length=ref.length,
        payload_digest="sha1:63HSG2AGDPGRFUFUPHWLVOHNNTMVJZOK",
        date="2024-01-02T03:04:05.123456Z",
    )

    software = f"archiver/{archiver.__version__} warcio/"
    warcinfo_text = warcinfo.decode("utf-8")
    warcinfo_text = re.sub(r"warcio/\S+", "warcio/X", warcinfo_text)
    warcinfo_text = re.sub(r"(Block-Digest: sha1:|Content-Length: )\w+", r"\1X", warcinfo_text)
    assert software in warcinfo.decode("utf-8")
    assert warcinfo_text == "\r\n".join(
        [
            "WARC/1.1",
            "WARC-Type: warcinfo",
            "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000001>",
            "WARC-Date: 2024-01-02T03:04:05.123456Z",
            f"WARC-Filename: {NAME}",
            "WARC-Block-Digest: sha1:X",
            "Content-Type: application/warc-fields",
            "Content-Length: X",
            "",
            f"software: archiver/{archiver.__version__} warcio/X",
            "format: WARC File Format 1.1",
            "conformsTo: http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/",
            "hostname: crawler1",
            "operator: Test Desk <desk@example.org>",
            "http-header-user-agent: ua/1.0",
            "",
            "",
            "",
        ]
    )


def test_digests_match_an_independent_computation(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        exchange(writer)
    (_, _, _), (_, _, response), (_, _, request) = members(tmp_path / NAME)
    for raw in (response, request):
        head, _, rest = raw.partition(b"\r\n\r\n")
        fields = dict(line.split(": ", 1) for line in head.decode().split("\r\n")[1:])
        block = rest[:-4]
        assert len(block) == int(fields["Content-Length"])
        assert fields["WARC-Block-Digest"] == "sha1:" + b32sha1(block)
        payload = block.partition(b"\r\n\r\n")[2]
        assert fields["WARC-Payload-Digest"] == "sha1:" + b32sha1(payload)


def b32sha1(data: bytes) -> str:
    import base64
    import hashlib

    return base64.b32encode(hashlib.sha1(data).digest()).decode()


# -- reading back ------------------------------------------------------------------------------


def test_read_back_with_warcio(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        first = exchange(writer)
        second = exchange(
            writer,
            url="http://news.example:8080/b",
            body=b"plain",
            status=404,
            response_headers=[("Content-Length", "5")],
            reason="Gone Fishing",
        )
    assert writer.records_written == 5
    assert writer.bytes_written == os.path.getsize(tmp_path / NAME)
    assert record_types(tmp_path / NAME) == ["warcinfo"] + ["response", "request"] * 2
    found = [(offset, length) for offset, length, _ in members(tmp_path / NAME)]
    assert found[1] == (first.offset, first.length)
    assert found[3] == (second.offset, second.length)
    assert found[2][0] == first.offset + first.length  # the request follows its response

    with open(tmp_path / NAME, "rb") as fh:
        iterator = ArchiveIterator(fh, check_digests=True, verify_http=True)  # as pywb parses
        seen = []
        for record in iterator:
            record.content_stream().read()
            assert record.digest_checker.passed is not False, record.digest_checker.problems
            seen.append((iterator.get_record_offset(), iterator.get_record_length()))
    assert seen == found

    # offset and length cut out exactly one member holding exactly the response record
    data = (tmp_path / NAME).read_bytes()[first.offset : first.offset + first.length]
    record = next(ArchiveIterator(io.BytesIO(data)))
    assert record.rec_type == "response"
    assert record.rec_headers["WARC-Record-ID"] == first.record_id
    assert record.rec_headers["WARC-Payload-Digest"] == first.payload_digest

    got = read_response(tmp_path / NAME, first.offset)
    assert isinstance(got, ArchivedResponse)
    assert got.url == "https://news.example/world/story?id=7"
    assert got.record_id == first.record_id
    assert got.date == "2024-01-02T03:04:05.123456Z"
    assert (got.status, got.status_line) == (200, "HTTP/1.1 200 OK")
    assert got.entity == GZ_HTML
    assert got.payload == HTML
    assert ("X-Caf\xe9", "caf\xe9 cr\xe8me") in got.headers
    assert [v for n, v in got.headers if n == "Link"] == [v for n, v in RESPONSE_HEADERS[3:5]]
    assert ("WARC-IP-Address", "203.0.113.7") in got.record_headers

    got = read_response(str(tmp_path / NAME), second.offset)
    assert (got.status, got.status_line, got.payload) == (
        404,
        "HTTP/1.1 404 Gone Fishing",
        b"plain",
    )
    assert got.headers == [("Content-Length", "5")]
    assert got.url == "http://news.example:8080/b"


def test_latin1_values_round_trip_as_single_bytes(tmp_path: Path) -> None:
    # "\xc3\xa9" is what the two bytes C3 A9 decode to as latin-1; warcio's own reader would
    # turn them into "é" (it tries UTF-8 first), read_response gives back the wire bytes.
    headers = [("X-One", "caf\xe9"), ("X-Two", "caf\xc3\xa9"), ("X-Wide", "\u20ac")]
    with make_writer(tmp_path) as writer:
        ref = exchange(writer, response_headers=headers, body=b"x")
    raw = b"".join(raw for _, _, raw in members(tmp_path / NAME))
    assert b"\r\nX-One: caf\xe9\r\n" in raw
    assert b"\r\nX-Two: caf\xc3\xa9\r\n" in raw
    assert b"\r\nX-Wide: \xe2\x82\xac\r\n" in raw  # beyond latin-1: UTF-8, never %-encoded
    got = read_response(tmp_path / NAME, ref.offset)
    assert got.headers[:2] == headers[:2]


@pytest.mark.parametrize(
    ("coding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data, wbits=-15)),
        ("br", brotli.compress),
        ("identity", lambda data: data),
        ("gzip, br", lambda data: brotli.compress(gzip.compress(data))),
    ],
)
def test_payload_undoes_content_encoding(
    tmp_path: Path, coding: str, encode: Callable[[bytes], bytes]
) -> None:
    body = encode(HTML)
    with make_writer(tmp_path) as writer:
        ref = exchange(writer, response_headers=[("Content-Encoding", coding)], body=body)
    got = read_response(tmp_path / NAME, ref.offset)
    assert (got.entity, got.payload) == (body, HTML)


def test_payload_undoes_zstd(tmp_path: Path) -> None:
    zstd = pytest.importorskip("backports.zstd")
    body = zstd.compress(HTML) + zstd.compress(b"more")
    with make_writer(tmp_path) as writer:
        ref = exchange(writer, response_headers=[("Content-Encoding", "zstd")], body=body)
    assert read_response(tmp_path / NAME, ref.offset).payload == HTML + b"more"


def test_reads_a_chunked_record_written_by_another_tool(tmp_path: Path) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter as WarcioWriter

    path = tmp_path / "other.warc.gz"
    block = b"5\r\nhello\r\n0\r\n\r\n"
    with open(path, "wb") as fh:
        writer = WarcioWriter(fh, gzip=True)
        headers = StatusAndHeaders("200 OK", [("Transfer-Encoding", "chunked")], "HTTP/1.1")
        record = writer.create_warc_record(
            "http://other.example/",
            "response",
            payload=io.BytesIO(block),
            length=len(block),
            http_headers=headers,
        )
        writer.write_record(record)
    got = read_response(path, 0)
    assert (got.entity, got.payload) == (block, b"hello")


def test_truncated_body_decodes_as_far_as_it_goes(tmp_path: Path) -> None:
    big = os.urandom(20_000).hex().encode()
    body = gzip.compress(big)[:3000]
    with make_writer(tmp_path) as writer:
        ref = exchange(writer, body=body, truncated="length")
        bad = exchange(writer, body=body)
    got = read_response(tmp_path / NAME, ref.offset)
    assert ("WARC-Truncated", "length") in got.record_headers
    assert got.entity == body
    assert big.startswith(got.payload) and got.payload
    # cut off, but not marked truncated: the record is whole, the server sent it so
    sent = read_response(tmp_path / NAME, bad.offset)
    assert (sent.payload, sent.undecoded) == (body, "gzip")


# -- header rewriting -------------------------------------------------------------------------


def response_of(tmp_path: Path, **overrides: Any) -> ArchivedResponse:
    with make_writer(tmp_path) as writer:
        ref = exchange(writer, **overrides)
    return read_response(tmp_path / NAME, ref.offset)


def request_block(tmp_path: Path) -> bytes:
    (_, _, _), _, (_, _, request) = members(tmp_path / NAME)
    return request.partition(b"\r\n\r\n")[2]


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ([("Content-Length", "5")], [("Content-Length", "5")]),
        (
            [("Content-Length", "999")],
            [("Content-Length", "5"), ("X-Archive-Orig-Content-Length", "999")],
        ),
        ([], [("Content-Length", "5")]),
        (
            [("Transfer-Encoding", "chunked"), ("content-length", "5"), ("Content-Length", "5")],
            [
                ("X-Archive-Orig-Transfer-Encoding", "chunked"),
                ("content-length", "5"),
                ("X-Archive-Orig-Content-Length", "5"),
            ],
        ),
        ([("X-Folded", "a\r\n b")], [("X-Folded", "a b"), ("Content-Length", "5")]),
    ],
)
def test_framing_headers(tmp_path: Path, given: list[tuple[str, str]], stored: Any) -> None:
    got = response_of(tmp_path, response_headers=given, body=b"hello")
    assert got.headers == stored


@pytest.mark.parametrize(("method", "status"), [("HEAD", 200), ("GET", 304), ("GET", 204)])
def test_no_content_length_invented_for_bodiless_responses(
    tmp_path: Path, method: str, status: int
) -> None:
    got = response_of(tmp_path, method=method, status=status, response_headers=[], body=b"")
    assert got.headers == []
    assert got.status == status


def test_status_line_and_protocol(tmp_path: Path) -> None:
    got = response_of(tmp_path, protocol="h2", status=599, reason=None)
    assert got.status_line == "HTTP/1.1 599 "  # HTTP/2 is stored as HTTP/1.1, as pywb needs
    assert ("WARC-Protocol", "h2") in got.record_headers
    got = response_of(tmp_path / "b", protocol="HTTP/1.0", status=301, reason=None)
    assert got.status_line == "HTTP/1.0 301 Moved Permanently"
    assert not any(name == "WARC-Protocol" for name, _ in got.record_headers)


def test_request_record(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        exchange(
            writer,
            url="https://user:pw@news.example:443/search?q=a+b",
            method="POST",
            request_headers=[("Content-Type", "application/x-www-form-urlencoded")],
            request_body=b"q=a+b",
        )
    assert request_block(tmp_path) == crlf(
        "POST /search?q=a+b HTTP/1.1",
        "Host: news.example",
        "Content-Type: application/x-www-form-urlencoded",
        "Content-Length: 5",
        "",
        "q=a+b\r\n\r\n",
    )
    with make_writer(tmp_path / "b") as writer:
        exchange(writer, url="http://[::1]:8080", request_headers=[("host", "given")])
    assert request_block(tmp_path / "b").startswith(b"GET / HTTP/1.1\r\nhost: given\r\n\r\n")
    with make_writer(tmp_path / "c") as writer:
        exchange(writer, url="http://[::1]:8080", request_headers=[])
    assert request_block(tmp_path / "c").startswith(b"GET / HTTP/1.1\r\nHost: [::1]:8080\r\n\r\n")


# -- files: .open, rotation -------------------------------------------------------------------


def test_open_while_writing_renamed_on_close(tmp_path: Path) -> None:
    writer = make_writer(tmp_path / "warc")
    assert writer.open_path is None
    assert (tmp_path / "warc").is_dir()
    ref = exchange(writer)
    assert writer.open_path == str(tmp_path / "warc" / (NAME + ".open"))
    assert os.listdir(tmp_path / "warc") == [NAME + ".open"]
    assert ref.warc_file == NAME
    # readable while open, by its final name
    assert read_response(tmp_path / "warc" / NAME, ref.offset).payload == HTML
    assert writer.close() == [str(tmp_path / "warc" / NAME)]
    assert writer.open_path is None
    assert os.listdir(tmp_path / "warc") == [NAME]
    assert writer.close() == [str(tmp_path / "warc" / NAME)]  # idempotent
    with pytest.raises(WarcError, match="closed"):
        exchange(writer)


def test_no_file_without_exchanges(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        pass
    assert writer.finished_files == []
    assert os.listdir(tmp_path) == []


def test_rotation(tmp_path: Path) -> None:
    ticks = iter(range(1000))
    clock = lambda: PINNED + timedelta(seconds=next(ticks))  # noqa: E731
    with make_writer(tmp_path, max_size=2500, clock=clock) as writer:
        refs = [exchange(writer, url=f"https://news.example/{i}") for i in range(7)]
    files = writer.finished_files
    assert len(files) > 2
    assert sorted(os.listdir(tmp_path)) == [os.path.basename(f) for f in files]
    serials = [int(os.path.basename(f).split("-")[2]) for f in files]
    assert serials == list(range(len(files)))
    for path in files:
        assert os.path.basename(path).endswith("-crawler1.warc.gz")
        types = record_types(path)
        assert types[0] == "warcinfo" and types[1:] == ["response", "request"] * (len(types) // 2)
        with open(path, "rb") as fh:
            info = next(ArchiveIterator(fh))
            assert info.rec_headers["WARC-Filename"] == os.path.basename(path)
        assert os.path.getsize(path) < 2500 + 1500  # rotated right after crossing max_size
    by_file = {os.path.basename(f): f for f in files}
    for i, ref in enumerate(refs):
        assert read_response(by_file[ref.warc_file], ref.offset).url == f"https://news.example/{i}"


def test_every_exchange_its_own_file_with_tiny_max_size(tmp_path: Path) -> None:
    with make_writer(tmp_path, max_size=1, gzip_level=0) as writer:
        refs = [exchange(writer) for _ in range(3)]
    # same pinned clock: names differ by serial only
    assert [os.path.basename(f) for f in writer.finished_files] == [
        f"archiver-20240102030405123456-{n:05d}-crawler1.warc.gz" for n in range(3)
    ]
    assert [ref.warc_file for ref in refs] == [os.path.basename(f) for f in writer.finished_files]
    for path in writer.finished_files:
        assert [len(raw) > 0 for _, _, raw in members(path)] == [True] * 3


def test_name_clash_takes_next_serial(tmp_path: Path) -> None:
    (tmp_path / NAME).write_bytes(b"")
    with make_writer(tmp_path) as writer:
        ref = exchange(writer)
    assert ref.warc_file == NAME.replace("-00000-", "-00001-")


# -- errors -----------------------------------------------------------------------------------


def test_unwritable_directory(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a directory")
    target = tmp_path / "file" / "warc"
    with pytest.raises(WarcError, match=re.escape(str(target))) as info:
        make_writer(target)
    assert isinstance(info.value.__cause__, OSError)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize("kwargs", [{"gzip_level": 10}, {"max_size": 0}, {"prefix": "a/b"}])
def test_bad_settings(tmp_path: Path, kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigError):
        make_writer(tmp_path, **kwargs)


class DiskFull:
    """A file whose disk fills up after ``room`` more bytes."""

    def __init__(self, fh: Any, room: int) -> None:
        self.fh, self.room = fh, room

    def write(self, data: Any) -> int:
        if not self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        n = self.fh.write(data[: self.room])
        self.room -= n
        return int(n)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.fh, name)


def test_disk_full_leaves_whole_records(tmp_path: Path) -> None:
    writer = make_writer(tmp_path)
    exchange(writer)
    size = os.path.getsize(tmp_path / (NAME + ".open"))
    real = writer._fh
    writer._fh = DiskFull(real, room=100)  # type: ignore[assignment]
    with pytest.raises(WarcError, match=re.escape(str(tmp_path / (NAME + ".open")))) as info:
        exchange(writer)
    assert isinstance(info.value.__cause__, OSError)
    assert os.path.getsize(tmp_path / (NAME + ".open")) == size
    writer._fh = real
    ref = exchange(writer)  # space again: carries on at a record boundary
    assert ref.offset == size
    writer.close()
    assert record_types(tmp_path / NAME) == ["warcinfo"] + ["response", "request"] * 2


def test_disk_full_before_warcinfo_leaves_no_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = open
    monkeypatch.setattr(
        "archiver.warc.writer.open", lambda *a, **k: DiskFull(real_open(*a, **k), 10), raising=False
    )
    writer = make_writer(tmp_path)
    with pytest.raises(WarcError, match="No space left"):
        exchange(writer)
    assert os.listdir(tmp_path) == []
    monkeypatch.undo()
    ref = exchange(writer)
    assert writer.close() == [str(tmp_path / ref.warc_file)]
    assert record_types(tmp_path / ref.warc_file) == ["warcinfo", "response", "request"]


def test_a_body_its_content_encoding_misnames_is_read_back_as_sent(tmp_path: Path) -> None:
    # a server that labels plain HTML "Content-Encoding: gzip": the record is whole, but
    # `show` (and --raw) said the WARC file was damaged there
    plain = b"<html><body><p>Not gzip at all.</p></body></html>"
    with make_writer(tmp_path) as writer:
        ref = exchange(writer, body=plain)
    response = read_response(tmp_path / NAME, ref.offset)
    assert response.entity == plain and response.payload == plain
    assert response.undecoded == "gzip"


def test_read_response_errors(tmp_path: Path) -> None:
    with make_writer(tmp_path) as writer:
        ref = exchange(writer)
    path = tmp_path / NAME
    where = re.escape(str(path))
    with pytest.raises(WarcError, match=f"{where}.*request record"):
        read_response(path, ref.offset + ref.length)
    with pytest.raises(WarcError, match=f"{where}.*warcinfo record"):
        read_response(path, 0)
    with pytest.raises(WarcError, match=where):
        read_response(path, ref.offset + 7)
    with pytest.raises(WarcError, match=f"{where} ends at .* bytes, before the record"):
        read_response(path, os.path.getsize(path))
    with pytest.raises(WarcError, match=re.escape(str(tmp_path / "missing.warc.gz"))):
        read_response(tmp_path / "missing.warc.gz", 0)

    cut = tmp_path / "cut.warc.gz"
    cut.write_bytes(path.read_bytes()[: ref.offset + ref.length // 2])
    with pytest.raises(WarcError, match=re.escape(str(cut))) as info:
        read_response(cut, ref.offset)
    assert "\n" not in str(info.value)

    # a flipped byte inside the stored body: the block digest catches it
    raw = b"".join(raw for _, _, raw in members(path))
    flipped = tmp_path / "flipped.warc"
    flipped.write_bytes(raw.replace(b"charset=utf-8", b"charset=utf-9"))
    start = raw.index(b"WARC/1.1\r\nWARC-Type: response")
    with pytest.raises(WarcError, match="corrupt"):
        read_response(flipped, start)

    unknown = tmp_path / "u"
    with make_writer(unknown) as writer:
        ref = exchange(writer, response_headers=[("Content-Encoding", "snappy")], body=b"x")
    got = read_response(unknown / NAME, ref.offset)  # a coding we cannot undo: as sent
    assert (got.payload, got.undecoded) == (b"x", "snappy")
