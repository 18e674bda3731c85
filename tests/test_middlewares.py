"""The Scrapy adapters built from settings, as Scrapy builds them (``get_crawler``)."""

from __future__ import annotations

import asyncio
import gzip
import ipaddress
from pathlib import Path
from typing import Any

import pytest
from scrapy import Request
from scrapy.exceptions import NotConfigured
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archiver import signals as archiver_signals
from archiver.middlewares import (
    CAPTURE_META_KEY,
    HostMapMiddleware,
    WarcCaptureMiddleware,
    freshened,
)
from archiver.warc import read_response

HTML = "<html><body><p>Café ü</p></body></html>".encode()


def make_response(request: Request, **kwargs: Any) -> HtmlResponse:
    headers = {
        "Content-Type": "text/html; charset=UTF-8",
        "Content-Encoding": "gzip",
        "Transfer-Encoding": "chunked",
        "Link": ["<http://x.test/?p=1>; rel=shortlink", '<http://x.test/wp-json/>; rel="api"'],
        "X-Note": "caf\xe9".encode("latin-1"),
    }
    return HtmlResponse(
        request.url,
        status=200,
        headers=headers,
        body=gzip.compress(HTML, mtime=0),
        request=request,
        ip_address=ipaddress.ip_address("127.0.0.1"),
        protocol="HTTP/1.1",
        **kwargs,
    )


def test_capture_middleware_writes_the_exchange_verbatim(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_ARCHIVE_DIR": str(tmp_path)})
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    seen: list[dict[str, Any]] = []
    crawler.signals.connect(
        lambda **kw: seen.append(kw), signal=archiver_signals.capture_written, weak=False
    )
    request = Request("http://x.test/a/", headers={"Accept-Encoding": "gzip, br"})
    response = make_response(request)
    assert asyncio.run(mw.process_response(request, response)) is response
    ref = request.meta[CAPTURE_META_KEY]
    assert seen[0]["ref"] == ref and seen[0]["status"] == 200
    mw.spider_closed()
    (path,) = (tmp_path / "warc").glob("*.warc.gz")
    archived = read_response(path, ref.offset)
    assert archived.entity == response.body
    assert archived.payload == HTML
    names = [k.lower() for k, _ in archived.headers]
    assert "transfer-encoding" not in names
    assert ("Content-Length", str(len(response.body))) in archived.headers
    assert [v for k, v in archived.headers if k == "Link"] == [
        "<http://x.test/?p=1>; rel=shortlink",
        '<http://x.test/wp-json/>; rel="api"',
    ]
    assert ("X-Note", "caf\xe9") in archived.headers
    with path.open("rb") as fh:
        types = [
            (r.rec_type, r.rec_headers.get_header("WARC-IP-Address")) for r in ArchiveIterator(fh)
        ]
    assert types[0] == ("warcinfo", None)
    assert sorted(types[1:]) == [("request", None), ("response", "127.0.0.1")]
    stats = crawler.stats
    assert stats is not None and stats.get_value("archiver/pages") == 1


def test_dataloss_marks_record_truncated(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_ARCHIVE_DIR": str(tmp_path)})
    mw = WarcCaptureMiddleware.from_crawler(crawler)
    request = Request("http://x.test/b/")
    asyncio.run(mw.process_response(request, make_response(request, flags=["dataloss"])))
    mw.spider_closed()
    (path,) = (tmp_path / "warc").glob("*.warc.gz")
    with path.open("rb") as fh:
        responses = [r for r in ArchiveIterator(fh) if r.rec_type == "response"]
        assert responses[0].rec_headers.get_header("WARC-Truncated") == "length"


def test_capture_can_be_switched_off(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_WARC_ENABLED": False})
    with pytest.raises(NotConfigured):
        WarcCaptureMiddleware.from_crawler(crawler)


def test_host_map_routes_mapped_hosts_only() -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_HOST_MAP": {"demo-insight.test": "127.0.0.1:9"}})
    mw = HostMapMiddleware.from_crawler(crawler)
    mapped = Request("http://demo-insight.test/x/")
    other = Request("http://example.org/x/")
    mw.process_request(mapped)
    mw.process_request(other)
    assert mapped.meta["proxy"] == "http://127.0.0.1:9"
    assert "proxy" not in other.meta


def test_host_map_reroutes_a_request_it_routed_before() -> None:
    """A request retried or saved in JOBDIR keeps its meta: on resume the demo server has a new
    port, and the old proxy hop must not stick."""
    old = get_crawler(settings_dict={"ARCHIVER_HOST_MAP": {"demo-insight.test": "127.0.0.1:9"}})
    new = get_crawler(settings_dict={"ARCHIVER_HOST_MAP": {"demo-insight.test": "127.0.0.1:7"}})
    request = Request("http://demo-insight.test/x/")
    HostMapMiddleware.from_crawler(old).process_request(request)
    HostMapMiddleware.from_crawler(new).process_request(request)
    assert request.meta["proxy"] == "http://127.0.0.1:7"
    own = Request("http://demo-insight.test/y/", meta={"proxy": "http://user-proxy:3128"})
    HostMapMiddleware.from_crawler(new).process_request(own)
    assert own.meta["proxy"] == "http://user-proxy:3128"  # a proxy set by the user stays


def test_a_304_freshens_the_stored_headers_with_its_end_to_end_ones_only() -> None:
    """RFC 9111 section 4.3.4: a 304's headers replace the stored ones of their names, except
    the framing and the hop-by-hop ones (section 3.1), which were the 304's connection's."""
    stored = [("Connection", "keep-alive"), ("ETag", '"a"'), ("Content-Length", "9")]
    fresh = [
        ("Connection", "close, X-Hop"),
        ("ETag", '"b"'),
        ("Keep-Alive", "timeout=5"),
        ("X-Hop", "1"),
        ("Content-Length", "0"),
    ]
    assert freshened(stored, fresh) == [
        ("Connection", "keep-alive"),
        ("Content-Length", "9"),
        ("ETag", '"b"'),
    ]
