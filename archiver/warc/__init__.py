"""Write HTTP exchanges to rotating WARC/1.1 files, one gzip member per record; read them back.

Records are built with warcio, then each is compressed into its own gzip member (always gzip,
``gzip_level`` 0..9; 0 stores without compression), so a record can be read at its offset. An
exchange is a ``response`` record followed by its ``request`` record (warcio's and Heritrix's
order, which pywb's indexer expects), written with one ``write()``: never split across files.
Header values are ``str`` decoded as latin-1 from the wire and are written back as the same
bytes (warcio would %-encode non-ASCII values). No Scrapy here: the adapters call this package.

:mod:`~archiver.warc.writer` holds :class:`WarcWriter`, :mod:`~archiver.warc.reader` holds
:func:`read_response`, and :mod:`~archiver.warc.headers` the wire header handling both share.
"""

from __future__ import annotations

from archiver.warc.headers import ORIG_CL, ORIG_TE, Headers, content_type
from archiver.warc.reader import ArchivedResponse, read_response
from archiver.warc.writer import (
    CONFORMS_TO,
    IDENTICAL_PAYLOAD,
    SERVER_NOT_MODIFIED,
    Revisit,
    WarcWriter,
)

__all__ = [
    "CONFORMS_TO",
    "IDENTICAL_PAYLOAD",
    "ORIG_CL",
    "ORIG_TE",
    "SERVER_NOT_MODIFIED",
    "ArchivedResponse",
    "Headers",
    "Revisit",
    "WarcWriter",
    "content_type",
    "read_response",
]
