"""HTTP header blocks as they go on the wire: latin-1 bytes both ways, framing rewritten to match.

Header values are ``str`` decoded as latin-1 from the wire and are written back as the same bytes
(warcio would %-encode non-ASCII values). A stored body is never chunked, so its headers are
rewritten to say so: the originals are kept under ``X-Archive-Orig-*`` names.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser

ORIG_TE = "X-Archive-Orig-Transfer-Encoding"
ORIG_CL = "X-Archive-Orig-Content-Length"
FOLD = re.compile(r"[\r\n]+[ \t]*")  # a CR/LF would end the header: unfold it to one space
Headers = list[tuple[str, str]]


def wire(text: str) -> bytes:
    """Latin-1 bytes of a header block; a character beyond latin-1 is written as UTF-8."""
    try:
        return text.encode("latin-1")
    except UnicodeEncodeError:
        return b"".join(c.encode("latin-1" if ord(c) < 256 else "utf-8") for c in text)


class WireHeaders(StatusAndHeaders):
    def compute_headers_buffer(self, header_filter: Any = None) -> None:
        self.headers_buff = wire(self.to_str(header_filter)) + b"\r\n"


class WireParser(StatusAndHeadersParser):
    @staticmethod
    def decode_header(line: bytes | str) -> str:
        return line.decode("latin-1") if isinstance(line, bytes) else line


def content_type(headers: Sequence[tuple[str, str]]) -> str | None:
    """The Content-Type a record's ``headers`` give, the last of several (as a browser takes
    it): what a capture row records, in a crawl as in a rebuild from the WARC files."""
    return next((v for n, v in reversed(headers) if n.lower() == "content-type"), None)


def framed(headers: Sequence[tuple[str, str]], size: int, add: bool) -> Headers:
    """Headers matching the stored body: no Transfer-Encoding, Content-Length == ``size``."""
    out: Headers = []
    has_length = False
    for name, value in headers:
        name, value, key = FOLD.sub(" ", name), FOLD.sub(" ", value), name.lower()
        if key == "transfer-encoding" or (key == "content-length" and has_length):
            out.append((ORIG_TE if key == "transfer-encoding" else ORIG_CL, value))
        elif key == "content-length":
            has_length = True
            out.append((name, str(size)))
            if value.strip() != str(size):
                out.append((ORIG_CL, value))
        else:
            out.append((name, value))
    return [*out, ("Content-Length", str(size))] if add and not has_length else out
