"""The bundled demo outlet: its content, its pages, and what its server puts on the wire."""

from __future__ import annotations

import calendar
import gzip
import http.client
import json
import re
import socket
from datetime import date, datetime
from typing import Any
from urllib.parse import urlsplit

import lxml.html
import pytest

from archiver.demo.server import DemoServer, accepts_gzip, split_target
from archiver.demo.site import DEMO_HOST, DemoArticle, DemoSite
from archiver.exceptions import ArchiverError

Headers = list[tuple[str, str]]
_MONTHS = {name[:3].lower(): n for n, name in enumerate(calendar.month_name) if name}


@pytest.fixture(scope="module")
def site() -> DemoSite:
    return DemoSite()


def fetch(
    server: DemoServer,
    target: str,
    headers: dict[str, str] | None = None,
    method: str = "GET",
) -> tuple[int, Headers, bytes]:
    """One request over a fresh connection: status, headers as sent, body as sent."""
    host, port = server.address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request(method, target, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def values(headers: Headers, name: str) -> list[str]:
    return [v for k, v in headers if k.lower() == name.lower()]


def raw_exchange(server: DemoServer, request_lines: list[str]) -> tuple[bytes, bytes]:
    """Send a hand-written request (Connection: close) and return the raw head and body."""
    host, port = server.address.split(":")
    data = b""
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall("\r\n".join([*request_lines, "Connection: close", "", ""]).encode())
        while piece := sock.recv(65536):
            data += piece
    head, _, body = data.partition(b"\r\n\r\n")
    return head, body


def dechunk(body: bytes) -> list[bytes]:
    """The chunks of a chunked body, checking the framing byte by byte."""
    chunks: list[bytes] = []
    while True:
        size_line, _, rest = body.partition(b"\r\n")
        size = int(size_line, 16)
        if size == 0:
            assert rest == b"\r\n"
            return chunks
        assert rest[size : size + 2] == b"\r\n"
        chunks.append(rest[:size])
        body = rest[size + 2 :]


def dateline_date(dateline: str, year: int) -> date | None:
    if m := re.search(r"(\d{1,2}) ([A-Z][a-z]+) (\d{4})", dateline):
        return date(int(m[3]), _MONTHS[m[2][:3].lower()], int(m[1]))
    if m := re.search(r", ([A-Z][a-z]+)\.? (\d{1,2}) \(", dateline):
        return date(year, _MONTHS[m[1][:3].lower()], int(m[2]))
    return None


# -- content -------------------------------------------------------------------------------


def test_content_shape(site: DemoSite) -> None:
    articles = site.articles
    assert len(articles) >= 32
    assert len({a.slug for a in articles}) == len({a.id for a in articles}) == len(articles)
    assert 3 <= len({n for a in articles for n in a.authors}) <= 6
    assert all(site.authors[n].bio for a in articles for n in a.authors)
    assert 2 <= sum(len(a.authors) == 2 for a in articles) <= 3
    assert 0.35 <= sum(a.json_ld for a in articles) / len(articles) <= 0.65
    assert sum(a.promo is not None for a in articles) >= 0.75 * len(articles)
    assert all(5 <= len(a.paragraphs) <= 12 for a in articles)
    assert {a.published[:4] for a in articles} == {"2023", "2024"}
    assert any(a.modified for a in articles) and not all(a.modified for a in articles)
    assert max(len(a.section) for a in articles) == 3


def test_datelines_open_the_body_and_agree_with_the_date(site: DemoSite) -> None:
    undated = [a for a in site.articles if a.dateline is None]
    assert 0.2 <= len(undated) / len(site.articles) <= 0.35
    assert any(a.paragraphs[0].startswith("Kazakhstan is ") for a in undated)
    shapes = [
        r"[A-Z][a-z]+, \d{1,2} [A-Z][a-z]+ \d{4} \(TDI\):",  # Astana, 10 December 2023 (TDI):
        r"[A-Z]+, \d{1,2} [A-Z][a-z]+ \d{4} \(TDI\):",  # ISLAMABAD, 3 March 2024 (TDI):
        r"[A-Z ]+, [A-Z][a-z]+ \d{1,2} \(Reuters\) -",  # LONDON, Dec 11 (Reuters) -
        r"[A-Z ]+ \(AP\) \u2014",  # WASHINGTON (AP) —
        r"[A-Z ]+ \(AFP\) -",  # PARIS (AFP) -
        r"[A-Z]+ \(APP\):",  # KARACHI (APP):
    ]
    for shape in shapes:
        assert any(re.fullmatch(shape, a.dateline or "") for a in site.articles), shape
    for a in site.articles:
        if a.dateline:
            assert a.paragraphs[0].startswith(a.dateline + " "), a.slug
            published = datetime.fromisoformat(a.published)
            when = dateline_date(a.dateline, published.year)
            assert when in (None, published.date()), a.slug


def test_seed_style_article(site: DemoSite) -> None:
    seed = site.seed_article
    assert seed.section == ("World", "Asia", "Kazakhstan")
    assert seed.dateline == "Astana, 10 December 2023 (TDI):"
    assert seed.published.startswith("2023-12-10")
    assert len(seed.paragraphs) == 10 and not seed.json_ld
    assert seed.promo is not None and 3 <= seed.promo[1] <= 8
    assert " ".join(seed.paragraphs).lower().count("human rights") >= 4
    assert len(seed.authors) == 1 and site.authors[seed.authors[0]].bio


def test_renders_byte_identically(site: DemoSite) -> None:
    other = DemoSite()
    paths = ["/", "/robots.txt", *site.section_urls, "/category/world/page/3/"]
    paths += [a.path for a in site.articles] + site.removed_paths
    for path in paths:
        first = site.render("GET", path, DEMO_HOST, {})
        assert first == other.render("GET", path, DEMO_HOST, {}), path
        assert first == site.render("GET", path, DEMO_HOST, {}), path


def test_wire_helpers() -> None:
    assert accepts_gzip("gzip, deflate, br") and accepts_gzip("*") and accepts_gzip("x-gzip")
    assert not accepts_gzip(None) and not accepts_gzip("identity")
    assert not accepts_gzip("gzip;q=0") and accepts_gzip("br;q=1.0, gzip;q=0.5")
    assert split_target("/a/?p=1", "h:1") == ("h:1", "/a/?p=1")
    assert split_target(f"http://{DEMO_HOST}/a/?p=1", "x") == (DEMO_HOST, "/a/?p=1")
    assert split_target(f"http://{DEMO_HOST}", None) == (DEMO_HOST, "/")


# -- the wire ------------------------------------------------------------------------------


def test_robots_txt(demo_server: DemoServer) -> None:
    status, headers, body = fetch(demo_server, "/robots.txt", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert values(headers, "Content-Type") == ["text/plain; charset=utf-8"]
    assert values(headers, "Content-Length") == [str(len(body))]
    assert not values(headers, "Content-Encoding")
    lines = body.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /wp-admin/" in lines and "Disallow: /?s=" in lines


def test_home_page_is_chunked_and_gzipped_on_the_wire(demo_server: DemoServer) -> None:
    head, body = raw_exchange(
        demo_server, ["GET / HTTP/1.1", f"Host: {DEMO_HOST}", "Accept-Encoding: gzip"]
    )
    lines = head.decode().split("\r\n")
    assert lines[0] == "HTTP/1.1 200 OK"
    fields = [tuple(line.split(": ", 1)) for line in lines[1:]]
    assert ("Transfer-Encoding", "chunked") in fields and ("Content-Encoding", "gzip") in fields
    assert ("Server", "archiver-demo") in fields and any(k == "Date" for k, _ in fields)
    assert not any(k.lower() == "content-length" for k, _ in fields)
    chunks = dechunk(body)
    assert len(chunks) >= 3
    page = gzip.decompress(b"".join(chunks))
    assert page.startswith(b"<!doctype html") and b'<html lang="en-US">' in page
    assert b'href="/wp-admin/"' in page


def test_home_page_plain_without_gzip(demo_server: DemoServer) -> None:
    host, port = demo_server.address.split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        conn.request("GET", "/")
        response = conn.getresponse()
        body = response.read()
        assert response.status == 200 and response.chunked
        assert response.getheader("Content-Encoding") is None
        assert response.getheader("Content-Length") is None
        assert b'<h3 class="entry-title td-module-title"><a href="/' in body
    finally:
        conn.close()


def test_article_headers(demo_server: DemoServer, site: DemoSite) -> None:
    path = site.seed_article.path
    status, headers, body = fetch(demo_server, path, {"Accept-Encoding": "gzip"})
    assert status == 200
    assert values(headers, "Content-Encoding") == ["gzip"]
    assert values(headers, "Content-Length") == [str(len(body))]
    assert not values(headers, "Transfer-Encoding")
    assert values(headers, "Content-Type") == ["text/html; charset=UTF-8"]
    assert values(headers, "Vary") == ["Accept-Encoding"]
    assert values(headers, "Last-Modified") == ["Sun, 10 Dec 2023 09:12:00 GMT"]
    (etag,) = values(headers, "ETag")
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    links = values(headers, "Link")
    assert len(links) == 2
    assert f"<http://{demo_server.address}/?p={site.seed_article.id}>; rel=shortlink" in links
    plain_status, plain_headers, plain = fetch(demo_server, path)
    assert plain_status == 200 and gzip.decompress(body) == plain
    assert values(plain_headers, "ETag") == [etag]
    head_status, head_headers, nothing = fetch(demo_server, path, method="HEAD")
    assert head_status == 200 and nothing == b""
    assert values(head_headers, "Content-Length") == [str(len(plain))]


def test_absolute_form_target_through_the_proxy_address(
    demo_server: DemoServer, site: DemoSite
) -> None:
    url = f"http://{DEMO_HOST}{site.seed_article.path}"
    status, headers, body = fetch(demo_server, url)
    assert status == 200
    assert f'<link rel="canonical" href="{url}" />'.encode() in body
    assert f'<meta property="og:url" content="{url}" />'.encode() in body
    assert f"<http://{DEMO_HOST}/?p={site.seed_article.id}>; rel=shortlink" in values(
        headers, "Link"
    )
    _, _, direct = fetch(demo_server, site.seed_article.path)
    assert f'href="http://{demo_server.address}{site.seed_article.path}"'.encode() in direct


def test_redirects(demo_server: DemoServer, site: DemoSite) -> None:
    (old, new), *_ = site.old_slug_redirects.items()
    shortlink = f"/?p={site.seed_article.id}"
    cases = [
        (old, new),
        ("/category/world", "/category/world/"),
        (shortlink, site.seed_article.path),
    ]
    for target, location in cases:
        status, headers, body = fetch(demo_server, target)
        assert status == 301, target
        assert values(headers, "Location") == [location]
        assert values(headers, "Content-Length") == [str(len(body))] and len(body) < 400


def test_removed_article_is_a_themed_404(demo_server: DemoServer, site: DemoSite) -> None:
    (removed,) = site.removed_paths
    assert any(a.path == removed for a in site.listing("/category/economy/"))
    status, headers, body = fetch(demo_server, removed, {"Accept-Encoding": "gzip"})
    assert status == 404
    assert values(headers, "Content-Length") == [str(len(body))]
    assert b"<title>Page not found - The Demo Insight</title>" in gzip.decompress(body)


def test_conditional_requests(demo_server: DemoServer, site: DemoSite) -> None:
    path = site.articles[3].path
    _, headers, _ = fetch(demo_server, path)
    (etag,) = values(headers, "ETag")
    (last_modified,) = values(headers, "Last-Modified")
    for condition in ({"If-None-Match": etag}, {"If-Modified-Since": last_modified}):
        status, answer, body = fetch(demo_server, path, condition)
        assert status == 304 and body == b""
        assert values(answer, "ETag") == [etag]
    status, _, body = fetch(demo_server, path, {"If-None-Match": '"other"'})
    assert status == 200 and body


def test_world_has_three_listing_pages(demo_server: DemoServer) -> None:
    path: str | None = "/category/world/"
    seen = []
    while path:
        status, _, body = fetch(demo_server, path)
        assert status == 200
        seen.append(path)
        found = re.search(rb'<link rel="next" href="([^"]+)" />', body)
        assert (found is None) == (b'class="next page-numbers"' not in body)
        path = urlsplit(found[1].decode()).path if found else None
    assert seen == ["/category/world/", "/category/world/page/2/", "/category/world/page/3/"]


def test_following_the_sections_reaches_every_article(
    demo_server: DemoServer, site: DemoSite
) -> None:
    listings = list(site.section_urls)
    links: set[str] = set()
    for listing in listings:
        status, _, body = fetch(demo_server, listing)
        assert status == 200, listing
        items = re.findall(rb'<div class="td_module_10[^"]*">.*?<a href="(/[^"]+)"', body, re.S)
        links.update(item.decode() for item in items)
        if found := re.search(rb'<link rel="next" href="([^"]+)" />', body):
            listings.append(urlsplit(found[1].decode()).path)
    reached: set[str] = set()
    statuses = []
    for link in sorted(links):
        status, headers, _ = fetch(demo_server, link)
        statuses.append(status)
        if status == 301:
            link = values(headers, "Location")[0]
            status, headers, _ = fetch(demo_server, link)
        if status == 200:
            reached.add(link)
    assert {301, 404} <= set(statuses)
    assert reached == {a.path for a in site.articles}
    assert len(reached) >= 32


def test_seed_article_page(demo_server: DemoServer, site: DemoSite) -> None:
    seed = site.seed_article
    status, _, body = fetch(demo_server, f"http://{DEMO_HOST}{seed.path}")
    assert status == 200
    doc = lxml.html.document_fromstring(body.decode("utf-8"))
    assert doc.get("lang") == "en-US"
    assert doc.findtext(".//title") == f"{seed.title} - The Demo Insight"
    crumbs = doc.xpath('//div[@class="td-crumb-container"]//a[@class="entry-crumb"]/text()')
    assert crumbs == ["Home", "World", "Asia", "Kazakhstan"]
    assert doc.xpath('//h1[@class="entry-title"]/text()') == [seed.title]
    (time,) = doc.xpath('//header//time[@class="entry-date updated td-module-date"]')
    assert time.get("datetime") == "2023-12-10T09:12:00+00:00"
    paragraphs = doc.xpath('//div[contains(@class, "td-post-content")]/p')
    assert paragraphs[0].xpath("strong/text()") == ["Astana, 10 December 2023 (TDI):"]
    promos = [p for p in paragraphs if p.text_content().startswith("Also Read: ")]
    assert len(promos) == 1 and promos[0].xpath("strong/a/@href")
    assert [p.text_content() for p in paragraphs if p not in promos] == list(seed.paragraphs)
    names = doc.xpath('//div[@class="author-box-wrap"]//div[@class="td-author-name vcard author"]')
    assert [n.text_content() for n in names] == ["Amina Rahimova"]
    (bio,) = doc.xpath('//div[@class="td-author-description"]/text()')
    assert bio == site.authors["Amina Rahimova"].bio
    sidebar = doc.xpath("//aside")[0].text_content()
    assert "Follow us" in sidebar and "Most Popular" in sidebar
    meta = {m.get("property") or m.get("name"): m.get("content") for m in doc.xpath("//meta")}
    assert meta["og:type"] == "article" and meta["og:site_name"] == "The Demo Insight"
    assert meta["og:title"] == seed.title and meta["article:section"] == "Kazakhstan"
    assert meta["article:published_time"] == seed.published and meta["description"]
    assert not doc.xpath('//script[@type="application/ld+json"]')


def test_two_authors_in_box_and_json_ld(demo_server: DemoServer, site: DemoSite) -> None:
    pairs = [a for a in site.articles if len(a.authors) == 2]
    assert {a.json_ld for a in pairs} == {True, False}
    for article in pairs:
        _, _, body = fetch(demo_server, article.path)
        doc = lxml.html.document_fromstring(body.decode("utf-8"))
        names = doc.xpath('//div[@class="td-author-name vcard author"]')
        assert tuple(n.text_content() for n in names) == article.authors
        scripts = doc.xpath('//script[@type="application/ld+json"]/text()')
        assert len(scripts) == int(article.json_ld)
        if scripts:
            check_json_ld(json.loads(scripts[0]), article)


def check_json_ld(data: dict[str, Any], article: DemoArticle) -> None:
    graph = data["@graph"]
    (news,) = [n for n in graph if n["@type"] == "NewsArticle"]
    (crumbs,) = [n for n in graph if n["@type"] == "BreadcrumbList"]
    assert news["headline"] == article.title and news["datePublished"] == article.published
    assert news["dateModified"] == (article.modified or article.published)
    assert [p["name"] for p in news["author"]] == list(article.authors)
    assert news["publisher"]["name"] == "The Demo Insight"
    names = [item["name"] for item in crumbs["itemListElement"]]
    assert names == ["Home", *article.section, article.title]


def test_server_pages_match_the_site_across_processes(
    demo_server: DemoServer, site: DemoSite
) -> None:
    for path in ["/", "/category/world/page/2/", site.articles[-1].path, site.removed_paths[0]]:
        _, _, body = fetch(demo_server, path)
        assert body == site.render("GET", path, demo_server.address, {}).body, path
        _, _, zipped = fetch(demo_server, path, {"Accept-Encoding": "gzip"})
        assert zipped == fetch(demo_server, path, {"Accept-Encoding": "gzip"})[2]


def test_server_lifecycle() -> None:
    with DemoServer() as server:
        host, port = server.address.split(":")
        assert server.url == f"http://{server.address}/" and host == "127.0.0.1"
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((host, int(port)), timeout=5).close()
    with pytest.raises(ArchiverError, match="printed no URL"):
        DemoServer(host="203.0.113.9").start()
