"""The exchange as it went over the wire, for the archive.

Scrapy gives a downloader middleware headers it has rebuilt: names re-cased (``ETag`` becomes
``Etag``, ``content-type`` ``Content-Type``), the values of a repeated header grouped, the
connection headers (``Connection``, ``Keep-Alive``, ``Transfer-Encoding``) gone, and the
reason phrase lost. A request's headers are those Scrapy meant to send, without the ``Host``
that Twisted adds and in another order. Neither library keeps the lines themselves, so
:func:`install` wraps three methods to record them, changing nothing they send or parse:

- Twisted's ``HTTPClientParser.statusReceived`` and ``headerReceived`` (the hooks its
  ``HTTPParser`` documents for overriding): the status line and each header as received, with
  the name as spelled; the value has its surrounding white space stripped by Twisted, and a
  folded value is unfolded;
- Twisted's ``Request._writeHeaders``: the request's header block as written;
- Scrapy's ``_ScrapyAgent._cb_bodyready``, the one place that holds both Twisted's response and
  Scrapy's request: it files the record under the request for :func:`take`.

A response another download handler fetched (HTTP/2) has no record; the capture then falls back
to Scrapy's headers. ``Proxy-Authorization`` is never in a record: it is the proxy's, not part
of the exchange with the site (and the archive would keep the credentials).
"""

from __future__ import annotations

import logging
import threading
import weakref
from typing import Any

import attrs
from scrapy import Request

logger = logging.getLogger(__name__)

_ATTR = "_archiver_wire"
PRIVATE_REQUEST_HEADERS = frozenset({"proxy-authorization"})
"""Request headers never archived (lower case)."""

Headers = list[tuple[str, str]]


@attrs.frozen
class Wire:
    """One exchange as on the wire: the response's status line parts and headers in order,
    and the request's headers in order (``None`` when the request's block was not seen)."""

    version: str
    status: int
    reason: str
    response_headers: Headers
    request_headers: Headers | None


_recorded: weakref.WeakKeyDictionary[Request, tuple[bytes, list[tuple[bytes, bytes]], bytes | None]]
_recorded = weakref.WeakKeyDictionary()
_install_lock = threading.Lock()
_installed = False


def take(request: Request) -> Wire | None:
    """The exchange recorded for ``request``'s download (forgotten once taken), or ``None``."""
    raw = _recorded.pop(request, None)
    if raw is None:
        return None
    status_line, fields, sent = raw
    version, _, rest = status_line.decode("latin-1").partition(" ")
    code, _, reason = rest.partition(" ")
    try:
        status = int(code)
    except ValueError:
        return None
    headers = [(n.decode("latin-1"), v.decode("latin-1")) for n, v in fields]
    return Wire(version, status, reason, headers, None if sent is None else request_fields(sent))


def request_fields(block: bytes) -> Headers:
    """The header fields of a request's header block, in order, private ones left out."""
    fields = []
    for line in block.decode("latin-1").split("\r\n")[1:]:
        name, sep, value = line.partition(":")
        if sep and name.lower() not in PRIVATE_REQUEST_HEADERS:
            fields.append((name, value.strip()))
    return fields


def public_fields(headers: Headers) -> Headers:
    """``headers`` without the private ones."""
    return [(n, v) for n, v in headers if n.lower() not in PRIVATE_REQUEST_HEADERS]


class _Recorder:
    """A transport that keeps what Twisted writes to it in one ``writeSequence`` call."""

    def __init__(self, transport: Any) -> None:
        self._transport = transport
        self.written: list[bytes] = []

    def writeSequence(self, data: list[bytes]) -> None:
        self.written.extend(data)
        self._transport.writeSequence(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def install() -> bool:
    """Wrap the three methods (once per process); ``False`` (and a warning) when this Scrapy or
    Twisted has no such methods: exchanges are then archived with Scrapy's headers."""
    global _installed
    with _install_lock:
        if _installed:
            return True
        from scrapy.core.downloader.handlers import http11
        from twisted.web import _newclient

        parser = _newclient.HTTPClientParser
        agent = getattr(http11, "_ScrapyAgent", None) or getattr(http11, "ScrapyAgent", None)
        try:
            status_received, header_received = parser.statusReceived, parser.headerReceived
            write_headers = _newclient.Request._writeHeaders
            body_ready = agent._cb_bodyready  # type: ignore[union-attr]
        except AttributeError as e:
            logger.warning(
                "headers are archived as Scrapy rebuilt them, not as on the wire (%s: a "
                "Scrapy or Twisted release archiver was not made for)",
                e,
            )
            return False

        def statusReceived(self: Any, status: bytes) -> None:
            status_received(self, status)
            # the request was written before its response came: file its block with it
            sent = getattr(self.request, _ATTR, None)
            setattr(self.response, _ATTR, (status, [], sent))

        def headerReceived(self: Any, name: bytes, value: bytes) -> None:
            record = getattr(getattr(self, "response", None), _ATTR, None)
            if record is not None:
                record[1].append((name, value))
            header_received(self, name, value)

        def _writeHeaders(self: Any, transport: Any, te_or_cl: bytes | None) -> None:
            recorder = _Recorder(transport)
            write_headers(self, recorder, te_or_cl)
            setattr(self, _ATTR, b"".join(recorder.written))

        def _cb_bodyready(self: Any, txresponse: Any, request: Request) -> Any:
            record = getattr(txresponse, _ATTR, None)
            if record is not None:
                _recorded[request] = record
            return body_ready(self, txresponse, request)

        setattr(parser, "statusReceived", statusReceived)  # noqa: B010 (mypy: method-assign)
        setattr(parser, "headerReceived", headerReceived)  # noqa: B010
        setattr(_newclient.Request, "_writeHeaders", _writeHeaders)  # noqa: B010
        setattr(agent, "_cb_bodyready", _cb_bodyready)  # noqa: B010
        _installed = True
        return True
