"""Page resources: what an HTML page loads is archived with it (from any host), once."""

from __future__ import annotations

import io
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.discovery.resources import css_resources, html_resources, srcset_urls
from tests.conftest import run_cli, run_crawl_process
from tests.localserver import ReplyHandler, serving

PAGE = "https://news.example.org/2024/05/story/"


def found(markup: str, url: str = PAGE, **kwargs: int) -> list[str]:
    return html_resources(markup.encode(), url, **kwargs)


def test_what_a_page_loads_is_found_in_order() -> None:
    markup = """<html><head>
    <link rel="stylesheet" href="/css/site.css?ver=1.2">
    <link rel="icon" href="/favicon.ico"><link rel="apple-touch-icon" href="/touch.png">
    <link rel="preload" href="/fonts/a.woff2" as="font"><link rel="modulepreload" href="/m.js">
    <link rel="canonical" href="/2024/05/story/"><link rel="alternate" href="/feed/">
    <link rel="preload" href="/next-page/" as="document">
    <script src="https://cdn.example.net/app.js" defer></script>
    </head><body>
    <img src="/img/a.jpg" srcset="/img/a-400.jpg 400w, /img/a-800.jpg 800w" alt="A, b">
    <picture><source srcset="/img/b.webp 1x, /img/b@2x.webp 2x" type="image/webp">
    <img data-src="/img/lazy.jpg" data-srcset="/img/lazy-2.jpg 2x" src="data:image/gif;base64,R0">
    </picture>
    <video poster="/img/poster.jpg" src="/video/clip.mp4"><source src="/video/clip.webm"></video>
    <input type="image" src="/img/button.png"><input type="text" src="/not-an-image.png">
    <a href="/other-story/">Other</a><iframe src="https://video.example.com/embed/1"></iframe>
    </body></html>"""
    assert found(markup) == [
        "https://news.example.org/css/site.css?ver=1.2",
        "https://news.example.org/favicon.ico",
        "https://news.example.org/touch.png",
        "https://news.example.org/fonts/a.woff2",
        "https://news.example.org/m.js",
        "https://cdn.example.net/app.js",
        "https://news.example.org/img/a.jpg",
        "https://news.example.org/img/a-400.jpg",
        "https://news.example.org/img/a-800.jpg",
        "https://news.example.org/img/b.webp",
        "https://news.example.org/img/b@2x.webp",
        "https://news.example.org/img/lazy.jpg",
        "https://news.example.org/img/lazy-2.jpg",
        "https://news.example.org/img/poster.jpg",
        "https://news.example.org/img/button.png",
        "https://video.example.com/embed/1",  # a frame: a page of its own, fetched with it
    ]


def test_frames_sprites_captions_lazy_images_and_image_sets() -> None:
    """What headless chromium asked for in a replayed page and the archive did not have."""
    markup = """<link rel="manifest" href="/site.webmanifest">
    <link rel="preload" as="image" href="/img/hero.jpg" imagesrcset="/img/hero-2x.jpg 2x">
    <iframe src="https://embed.example.com/chart/1"></iframe>
    <svg><use href="/img/sprite.svg#icon-search"></use><use xlink:href="#local"></use>
    <image href="/img/in-svg.png"></image></svg>
    <object data="/img/infographic.svg"></object>
    <video poster="/img/p.jpg"><track kind="captions" src="/media/captions.vtt" default></video>
    <img data-lazy-src="/img/l.jpg" data-lazy-srcset="/img/l-2x.jpg 2x">
    <img data-original="/img/jq.jpg"><div class="lazyload" data-bg="/img/banner.jpg"></div>
    <div style="background-image: image-set('/img/promo.avif' type('image/avif') 1x,
      url(/img/promo.jpg) 2x)"></div>
    <noscript><img src="/pixel.gif?noscript=1"></noscript>"""
    assert found(markup) == [
        "https://news.example.org/site.webmanifest",
        "https://news.example.org/img/hero.jpg",
        "https://news.example.org/img/hero-2x.jpg",
        "https://embed.example.com/chart/1",
        "https://news.example.org/img/sprite.svg",
        "https://news.example.org/img/in-svg.png",
        "https://news.example.org/img/infographic.svg",
        "https://news.example.org/img/p.jpg",
        "https://news.example.org/media/captions.vtt",
        "https://news.example.org/img/l.jpg",
        "https://news.example.org/img/l-2x.jpg",
        "https://news.example.org/img/jq.jpg",
        "https://news.example.org/img/promo.jpg",  # style attributes,
        "https://news.example.org/img/promo.avif",
        "https://news.example.org/img/banner.jpg",  # then data-bg ones
    ]


def test_the_frames_of_a_frameset() -> None:
    markup = """<frameset cols="25%,75%"><FRAME SRC="/nav.html"><frame src='/main.html'>
    </frameset>"""
    assert found(markup) == [
        "https://news.example.org/nav.html",
        "https://news.example.org/main.html",
    ]


def test_comments_and_script_bodies_load_nothing() -> None:
    markup = """<!-- <img src="/old-logo.png"> -->
    <script>document.write('<img src="/written-by-script.png">');</script>
    <SCRIPT SRC="/upper.js"></SCRIPT><IMG SRC='/upper.png'>
    <script type="application/ld+json">{"image": "<img src=/json.png>"}</script>
    <img src=/unquoted.png>"""
    assert found(markup) == [
        "https://news.example.org/upper.js",
        "https://news.example.org/upper.png",
        "https://news.example.org/unquoted.png",
    ]


def test_base_entities_schemes_fragments_and_repeats() -> None:
    markup = """<base href="https://static.example.org/assets/">
    <img src="a.png?w=1&amp;h=2"><img src="a.png?w=1&h=2"><img src="//img.example.org/b.png">
    <img src="javascript:void(0)"><img src="data:image/png;base64,AAAA"><img src="">
    <img src="sprite.svg#icon"><img src="  spaced.png  "><img src="#only-a-fragment">"""
    assert found(markup, "http://news.example.org/a/") == [
        "https://static.example.org/assets/a.png?w=1&h=2",
        "https://img.example.org/b.png",  # the scheme of the base
        "https://static.example.org/assets/sprite.svg",
        "https://static.example.org/assets/spaced.png",
    ]


def test_css_in_the_page_and_the_limit() -> None:
    markup = """<style>
    /* .old { background: url(/commented.png) } */
    @import "/css/print.css";
    .hero { background-image: url('/img/hero.jpg'); }
    @font-face { src: url(/fonts/f.woff2) format("woff2"), url("data:font/woff;base64,AA"); }
    .icon { fill: url(#gradient); }
    </style><div style="background: url(&quot;/img/tile.png&quot;)"></div>
    <img src="/img/1.png"><img src="/img/2.png">"""
    assert found(markup) == [
        "https://news.example.org/css/print.css",
        "https://news.example.org/img/hero.jpg",
        "https://news.example.org/fonts/f.woff2",
        "https://news.example.org/img/1.png",
        "https://news.example.org/img/2.png",
        "https://news.example.org/img/tile.png",
    ]
    assert found(markup, limit=2) == [
        "https://news.example.org/css/print.css",
        "https://news.example.org/img/hero.jpg",
    ]


def test_a_quoted_greater_than_does_not_end_the_tag() -> None:
    markup = """<img alt="Home > News" src="/a.png">
    <img src="/b.png" data-caption="<b>x</b>" srcset="/c.png 2x">
    <img alt='it is > that' data-src='/d.png'>"""
    assert found(markup) == [
        "https://news.example.org/a.png",
        "https://news.example.org/b.png",
        "https://news.example.org/c.png",
        "https://news.example.org/d.png",
    ]


def test_style_attributes_in_scripts_and_comments_load_nothing() -> None:
    markup = """<!-- <div style="background:url(/in-comment.png)"> -->
    <script>el.innerHTML = '<div style="background:url(' + img + ')">';
    other = '<div style="background:url(/in-script.png)">';</script>
    <div style="background:url(/in-markup.png)"></div>"""
    assert found(markup) == ["https://news.example.org/in-markup.png"]


def test_urls_are_the_ones_the_crawl_requests() -> None:
    """Escaped as Scrapy escapes a request's URL (the index holds those), the host in lower
    case: the WACZ export looks the captures up by them."""
    markup = """<img src="/img/кот.jpg"><img src="/img/sp ace.png">
    <img src="http://CDN.Example.NET/img/Upper.jpg"><img src="/img/a.jpg?q=пёс">"""
    assert found(markup) == [
        "https://news.example.org/img/%D0%BA%D0%BE%D1%82.jpg",
        "https://news.example.org/img/sp%20ace.png",
        "http://cdn.example.net/img/Upper.jpg",
        "https://news.example.org/img/a.jpg?q=%D0%BF%D1%91%D1%81",
    ]
    windows = "<img src='/img/кот.jpg'>".encode("cp1251")
    assert html_resources(windows, PAGE, "cp1251") == [
        "https://news.example.org/img/%D0%BA%D0%BE%D1%82.jpg"
    ]


def test_markup_that_would_make_a_regex_backtrack_is_read_once() -> None:
    """Broken or hostile markup took quadratic time (measured: 84 s for the first page, 7 s
    for the second) on the reactor thread, which stopped the whole crawl meanwhile."""
    urls = b'<div style="' + b"url(" * 50_000 + b'">'
    assert html_resources(urls, PAGE) == []
    comments = b"<style>" + b"/* a " * 20_000 + b"</style><img src='/after.png'>"
    assert html_resources(comments, PAGE) == ["https://news.example.org/after.png"]
    names = b"<img " + b"a" * 200_000 + b" src='/x.png'>"
    assert html_resources(names, PAGE) == ["https://news.example.org/x.png"]
    quotes = b"<img " + b'"' * 100_000 + b">"
    assert html_resources(quotes, PAGE) == []


def test_a_stylesheet_loads_its_imports_fonts_and_images() -> None:
    css = """@import url("base.css"); @import 'theme.css' screen;
    /* url(/commented.png) */
    body { background: url( ../img/bg.png ) } .x { background: URL-less; }
    @font-face { src: url(https://fonts.example.net/f.woff2) }"""
    assert css_resources(css, "https://news.example.org/css/site.css") == [
        "https://news.example.org/css/theme.css",
        "https://news.example.org/css/base.css",
        "https://news.example.org/img/bg.png",
        "https://fonts.example.net/f.woff2",
    ]


@pytest.mark.parametrize(
    ("value", "urls"),
    [
        ("a.jpg 1x, b.jpg 2x", ["a.jpg", "b.jpg"]),
        ("a.jpg", ["a.jpg"]),
        (
            "https://i.example/x.jpg?w=100,200 100w, y.jpg 200w",
            ["https://i.example/x.jpg?w=100,200", "y.jpg"],
        ),
        ("a.jpg,b.jpg 2x", ["a.jpg,b.jpg"]),  # no white space: one URL with a comma in it
        ("a.jpg, b.jpg", ["a.jpg", "b.jpg"]),
        (" , a.jpg (x, y) 1x ,b.jpg", ["a.jpg", "b.jpg"]),
        ("", []),
    ],
)
def test_srcset_candidates(value: str, urls: list[str]) -> None:
    assert srcset_urls(value) == urls


# -- a real crawl: a site, and a CDN on another host -----------------------------------------

STORY = """<html lang="en"><head><title>A story with pictures</title>
<link rel="stylesheet" href="/css/site.css">
<meta property="og:type" content="article"></head><body><article><h1>A story with pictures</h1>
<p class="byline">By Jo Writer</p>
<img src="http://cdn.test/img/a.jpg" srcset="http://cdn.test/img/a-800.jpg 800w">
<img src="http://cdn.test/private/secret.jpg"><img alt="Home > Story" src="/img/кот.png">
<img src="http://cdn.test/private/secret-2.jpg"><img src="http://cdn.test/private/secret-3.jpg">
<img src="/moved.png"><iframe src="http://cdn.test/embed/chart"></iframe>
<!-- <img src="/commented.png"> -->
<p>{}</p></article><script src="/js/app.js"></script></body></html>""".format(
    "The pictures of this story are archived with it, so that it replays as it looked. " * 30
)


class Site(ReplyHandler):
    requested: ClassVar[list[str]] = []
    broken: ClassVar[bool] = False
    """The first crawl meets a stylesheet import that fails (503) and a redirect to a 404."""

    def do_GET(self) -> None:
        self.requested.append(self.path)
        files = {
            "/robots.txt": (b"User-agent: *\nAllow: /\n", "text/plain"),
            "/": (
                b"<html><body><img src='/logo.png'><h3><a href='/story/'>A story</a></h3>"
                b"</body></html>",
                "text/html",
            ),
            "/story/": (STORY.encode(), "text/html; charset=utf-8"),
            "/css/site.css": (
                b"@import '/css/more.css'; @import '/css/flaky.css';"
                b" h1 { font-family: url(/fonts/f.woff2) }",
                "text/css",
            ),
            "/css/more.css": (b"body { background: url(http://cdn.test/img/bg.png) }", "text/css"),
            "/css/flaky.css": (b"p { color: black }", "text/css"),
            "/fonts/f.woff2": (b"wOF2 font", "font/woff2"),
            "/js/app.js": (b"console.log('app')", "application/javascript"),
            "/logo.png": (b"\x89PNG logo", "image/png"),
            "/img/%D0%BA%D0%BE%D1%82.png": (b"\x89PNG cat", "image/png"),
        }
        if self.path == "/css/flaky.css" and self.broken:
            self.send(503, b"try later", "text/plain")
        elif self.path == "/moved.png":
            self.send(302, b"", "text/plain", [("Location", "http://cdn.test/img/moved.png")])
        elif self.path in files:
            body, ctype = files[self.path]
            self.send(200, body, ctype)
        else:
            self.send(404, b"not found", "text/plain")


class Cdn(ReplyHandler):
    """The other host, reached as a proxy (the outlet's ``host_map``): absolute request URLs."""

    requested: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        self.requested.append(path)
        if path == "/robots.txt":
            time.sleep(0.3)  # requests for the host queue up meanwhile: each must obey it
            self.send(200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path == "/img/moved.png" and Site.broken:
            self.send(404, b"not found", "text/plain")
        elif path == "/embed/chart":  # a frame: a page whose resources are fetched too
            self.send(200, b"<html><body><img src='/img/chart.png'></body></html>", "text/html")
        elif path.startswith("/img/"):
            self.send(200, b"\xff\xd8 jpeg " + path.encode(), "image/jpeg")
        else:
            self.send(404, b"not found", "text/plain")


@pytest.fixture
def outlets(tmp_path: Path) -> Iterator[Path]:
    Site.requested, Cdn.requested, Site.broken = [], [], False
    with serving(Site) as site, serving(Cdn) as cdn:
        path = tmp_path / "outlets.toml"
        path.write_text(
            f'[local]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://{site}/"]\n'
            'article_links = "h3 a::attr(href)"\n'
            f'host_map = {{ "cdn.test" = "{cdn}" }}\n'
        )
        yield path


def archived(archive: Path) -> dict[str, list[str]]:
    """Target URI -> statuses of its response and revisit records (the local site's by path)."""
    statuses: dict[str, list[str]] = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                if rec.rec_type in ("response", "revisit"):
                    url = rec.rec_headers["WARC-Target-URI"]
                    url = url if "cdn.test" in url else "/" + url.split("/", 3)[3]
                    statuses.setdefault(url, []).append(rec.http_headers.get_statuscode())
    return statuses


def test_a_crawl_archives_what_its_pages_load_once(outlets: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    Site.broken = True
    result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
    assert result.returncode == 0, result.stderr
    captured = archived(archive)
    for url in (
        "/css/site.css",  # the story's stylesheet,
        "/css/more.css",  # its import,
        "/fonts/f.woff2",  # its font,
        "http://cdn.test/img/bg.png",  # the import's image on the other host,
        "/js/app.js",
        "/logo.png",  # the section page's own
        "http://cdn.test/img/a.jpg",
        "http://cdn.test/img/a-800.jpg",  # every srcset candidate
        "/img/%D0%BA%D0%BE%D1%82.png",
        "http://cdn.test/embed/chart",  # a frame,
        "http://cdn.test/img/chart.png",  # and what it loads
    ):
        assert captured.get(url) == ["200"], (url, captured)
    assert captured["/css/flaky.css"] == ["503"] * 3  # retried twice
    assert captured["/moved.png"] == ["302"] and captured["http://cdn.test/img/moved.png"] == [
        "404"
    ]
    assert "/commented.png" not in Site.requested
    # the CDN's robots.txt is obeyed, by the requests that waited for it too
    assert not [p for p in Cdn.requested if p.startswith("/private/")], Cdn.requested
    assert "Page resources: 14 fetched" in result.stdout, result.stdout
    assert "0 archived by an earlier crawl" in result.stdout

    # A crawl that fetches every article again (not incremental) fetches again only the
    # resources the archive holds no good capture of, and the stylesheets, frames and
    # redirects, whose imports and targets may have failed: here two did, archived now.
    Site.broken = False
    before = {p: Site.requested.count(p) for p in set(Site.requested)}
    again = run_crawl_process(
        "local", archive, outlets=outlets, overrides={"ARCHIVER_INCREMENTAL": False}
    )
    assert again.returncode == 0, again.stderr
    assert Site.requested.count("/story/") == 2
    for path in ("/fonts/f.woff2", "/js/app.js", "/logo.png", "/img/%D0%BA%D0%BE%D1%82.png"):
        assert Site.requested.count(path) == before[path] == 1, path
    for path in ("/css/site.css", "/css/more.css", "/moved.png"):
        assert Site.requested.count(path) == 2, path
    assert Cdn.requested.count("/img/a.jpg") == Cdn.requested.count("/img/chart.png") == 1
    assert Cdn.requested.count("/embed/chart") == 2
    captured = archived(archive)
    assert captured["/css/flaky.css"][-1] == "200"
    assert captured["http://cdn.test/img/moved.png"][-1] == "200"
    # the logo, the script, three images, the font, the import's image and the frame's; the
    # image robots.txt forbids is asked for again (and forbidden again)
    assert again.summary["resources_archived"] == 8
    assert again.summary["robots_forbidden"] == 3
    assert again.summary["errors"] == 0  # a request robots.txt forbids is obeyed, not failed

    # A WACZ of the story holds what it loads, most of it from the first crawl: the captures
    # are found in the archived page, stylesheets and redirects followed.
    out = tmp_path / "story.wacz"
    result = run_cli("export-wacz", "--archive", archive, out)
    assert result.returncode == 0, result.stderr
    with zipfile.ZipFile(out) as zf:
        warc = zf.read("archive/pages.warc.gz")
    records = [r for r in ArchiveIterator(io.BytesIO(warc)) if r.rec_type == "response"]
    ids = [r.rec_headers.get_header("WARC-Record-ID") for r in records]
    assert len(ids) == len(set(ids))
    urls = {r.rec_headers.get_header("WARC-Target-URI") for r in records}
    assert {u if "cdn.test" in u else "/" + u.split("/", 3)[3] for u in urls} == {
        "/story/",
        "/css/site.css",
        "/css/more.css",
        "/css/flaky.css",
        "/fonts/f.woff2",
        "/js/app.js",
        "/img/%D0%BA%D0%BE%D1%82.png",
        "/moved.png",
        "http://cdn.test/img/moved.png",
        "http://cdn.test/img/bg.png",
        "http://cdn.test/img/a.jpg",
        "http://cdn.test/img/a-800.jpg",
        "http://cdn.test/embed/chart",
        "http://cdn.test/img/chart.png",
    }


def test_resources_can_be_left_out(outlets: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive, "--no-resources")
    assert result.returncode == 0, result.stderr
    assert set(archived(archive)) == {"/robots.txt", "/", "/story/"}
    assert Cdn.requested == []
    assert "Page resources" not in result.stdout
