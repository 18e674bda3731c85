"""A generated news outlet for the pipeline benchmark, and a server fast enough not to matter.

Pages look like a real outlet's: 60-150 KB, a mega-menu, breadcrumbs, share buttons with inline
SVG, a figure, an article of 8 to 30 paragraphs with inline links, promo boxes and an embedded
post, tags, an author box, a newsletter form, related stories, a sidebar of most-read and latest
lists, comments, a footer of link columns, inline CSS, analytics scripts and JSON-LD. Every
article is distinct (title, body, links), so no two payloads share a digest.

Pages are put together from pieces generated once (30 page chromes, 4,000 paragraphs), so the
server spends about 0.1 ms of CPU on a page: ``python -m archiver.bench.site`` prints its port
and serves until killed; ``GET /__stats`` reports pages served and the server's CPU seconds.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import resource
import sys
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html import escape
from typing import TypeVar

from archiver.bench.synthetic import vocabulary

T = TypeVar("T")
PER_LISTING = 50
"""Article links on a listing page (``/news/page/K/``)."""
_CHROMES = 30
_PARAGRAPHS = 4_000
_SECTIONS = ("World", "Politics", "Business", "Economy", "Sport", "Culture", "Science", "Health")
_CITIES = ("LONDON", "PARIS", "NAIROBI", "ASTANA", "LIMA", "OSLO", "MANILA", "CAIRO", "QUITO")


class Outlet:
    """The generated outlet: ``article(n)`` and ``listing(k)`` give a page's HTML."""

    def __init__(self, articles: int, *, base: str = "", seed: int = 3) -> None:
        self.articles = articles
        self.base = base
        rng = random.Random(seed)
        words = vocabulary()
        ranks = range(1, len(words) + 1)
        self._words = words
        self._cum = list(_accumulate([r**-1.05 for r in ranks]))
        self._rng = rng
        self.paragraphs = [self._sentences(rng, rng.randint(2, 6)) for _ in range(_PARAGRAPHS)]
        # Each paragraph split around one word, which an article turns into an inline link.
        self.linkable = [_split_at(p, rng) for p in self.paragraphs]
        self.authors = [self._name(rng) for _ in range(400)]
        self.titles = [self._title(rng) for _ in range(2_000)]
        self.sentences = [self._sentences(rng, 1) for _ in range(2_000)]
        self.snippets = [self._text(rng, 14) for _ in range(2_000)]
        self.chromes = [self._chrome(rng, i) for i in range(_CHROMES)]

    # --- vocabulary -------------------------------------------------------------------------
    def _text(self, rng: random.Random, n: int) -> str:
        return " ".join(rng.choices(self._words, cum_weights=self._cum, k=n))

    def _sentences(self, rng: random.Random, n: int) -> str:
        out = []
        for _ in range(n):
            s = self._text(rng, rng.randint(8, 30))
            out.append(s[:1].upper() + s[1:] + rng.choice(".....?"))
        return " ".join(out)

    def _name(self, rng: random.Random) -> str:
        first, last = rng.choices(self._words[2000:20000], k=2)
        return f"{first.capitalize()} {last.capitalize()}"

    def _title(self, rng: random.Random) -> str:
        t = self._text(rng, rng.randint(6, 13))
        return t[:1].upper() + t[1:]

    # --- page chrome, generated once ----------------------------------------------------------
    def _chrome(self, rng: random.Random, i: int) -> dict[str, str]:
        css = "\n".join(
            f".c{i}-{k}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;"
            f"color:#{rng.randrange(16**6):06x};font:{rng.randint(11, 22)}px/1.4 Georgia,serif}}"
            for k in range(rng.randint(120, 260))
        )
        menu = "".join(
            f'<li class="nav__item nav__item--{s.lower()} js-nav-item" data-section="{s}">'
            f'<a class="nav__link nav__link--primary" data-track="nav|{s.lower()}" '
            f'href="{self.base}/{s.lower()}/">{s}</a><div class="nav__mega"><div class="nav__col">'
            "<ul>"
            + "".join(
                f'<li class="nav__sub-item"><a class="nav__sub-link" data-track="subnav" '
                f'href="{self.base}/{s.lower()}/{self._text(rng, 1)}/">'
                f'<span class="nav__label">{self._text(rng, rng.randint(1, 3)).title()}</span>'
                "</a></li>"
                for _ in range(rng.randint(20, 40))
            )
            + "</ul></div></div></li>"
            for s in _SECTIONS
        )
        svg = "".join(
            '<svg class="icon" viewBox="0 0 24 24" aria-hidden="true">'
            f'<path d="M{rng.random():.3f} '
            + " ".join(f"L{rng.random() * 24:.2f} {rng.random() * 24:.2f}" for _ in range(30))
            + ' Z"/></svg>'
            for _ in range(4)
        )
        footer = "".join(
            f'<div class="footer__col"><h4>{self._text(rng, 2).title()}</h4><ul>'
            + "".join(
                f'<li><a href="{self.base}/info/{self._text(rng, 1)}/">'
                f"{self._text(rng, rng.randint(1, 3)).title()}</a></li>"
                for _ in range(rng.randint(8, 16))
            )
            + "</ul></div>"
            for _ in range(6)
        )
        script = json.dumps(
            {f"k{k}": self._text(rng, rng.randint(1, 6)) for k in range(rng.randint(200, 500))}
        )
        return {
            "css": css,
            "menu": menu,
            "svg": svg,
            "footer": footer,
            "script": script,
            "ticker": "".join(
                f'<li><a href="{self.base}/live/{k}/">{self._title(rng)}</a></li>' for k in range(5)
            ),
        }

    # --- pages --------------------------------------------------------------------------------
    def published(self, n: int) -> datetime:
        """Article ``n``'s publication time: the newest (``n == articles``) on 1 January 2025,
        each older one 97 minutes before the next (never in the future, where htmldate would
        reject the page's dates and search the whole text instead)."""
        return datetime(2025, 1, 1, tzinfo=UTC) - timedelta(minutes=97 * (self.articles - n))

    def article_url(self, n: int) -> str:
        return f"{self.base}/news/{n}/"

    def _head(self, chrome: dict[str, str], title: str, extra: str) -> str:
        return (
            '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)} | The Bench Herald</title>{extra}"
            + "".join(
                f'<link rel="preload" href="{self.base}/static/font{k}.woff2" as="font">'
                for k in range(6)
            )
            + f"<style>{chrome['css']}</style>"
            f"<script>window.__CONFIG__={chrome['script']};</script></head>"
        )

    def _header(self, chrome: dict[str, str]) -> str:
        return (
            '<body class="page"><a class="skip" href="#main">Skip to content</a>'
            '<header class="site-header"><div class="topbar"><span class="date">Today</span>'
            f'<a href="{self.base}/subscribe/">Subscribe</a>'
            f'<a href="{self.base}/login/">Sign in</a>'
            f'</div><a class="logo" href="{self.base}/">The Bench Herald</a>'
            f'<nav class="nav" aria-label="Main"><ul class="nav__list">{chrome["menu"]}</ul></nav>'
            '<form class="search" action="/search"><input name="q" type="search">'
            '<button type="submit">Search</button></form>'
            f'<div class="ticker"><strong>Breaking</strong><ul>{chrome["ticker"]}</ul></div>'
            "</header>"
        )

    def _sidebar(self, rng: _Pick, n: int) -> str:
        def teasers(label: str) -> str:
            items = "".join(
                f'<li class="teaser teaser--rail"><a class="teaser__link" '
                f'href="{self.article_url(rng.randint(1, self.articles))}">'
                f'<img class="teaser__img" src="{self.base}/img/t{rng.randint(1, 999)}.jpg" alt="">'
                f'<span class="teaser__title">{rng.choice(self.titles)}</span></a>'
                + (
                    f"<p class='teaser__summary'>{rng.choice(self.snippets)}</p>"
                    if rng.random() < 0.25
                    else ""
                )
                + f"<span class='teaser__time'>{rng.randint(1, 59)} min ago</span></li>"
                for _ in range(12)
            )
            return f'<section class="rail"><h3>{label}</h3><ol>{items}</ol></section>'

        ad = '<div class="ad ad--rail" data-slot="rail-{0}"><span>Advertisement</span></div>'
        return (
            '<aside class="sidebar">'
            + ad.format(n % 7)
            + teasers("Most read")
            + ad.format(n % 5)
            + teasers("Latest")
            + "</aside>"
        )

    def _footer(self, chrome: dict[str, str]) -> str:
        return (
            f'<footer class="site-footer"><div class="footer__cols">{chrome["footer"]}</div>'
            f'<div class="social">{chrome["svg"]}</div>'
            "<p>© 2025 The Bench Herald. All rights reserved.</p></footer>"
            '<script src="/static/app.js" defer></script>'
            "<script>(function(){var s=document.createElement('script');s.async=true;"
            "s.src='/static/analytics.js';document.head.appendChild(s);})();</script>"
            "</body></html>"
        )

    def article(self, n: int) -> str:
        rng = _Pick(n)
        chrome = self.chromes[n % _CHROMES]
        title = f"{rng.choice(self.titles)} ({n})"
        authors = rng.sample(self.authors, rng.choice((1, 1, 1, 2)))
        section = _SECTIONS[n % len(_SECTIONS)]
        when = self.published(n).isoformat()
        url = self.article_url(n)
        lead = self.paragraphs[rng.randrange(_PARAGRAPHS)]
        # One page in ten is a short item (a video, a brief): little text in a lot of page.
        short = rng.random() < 0.1
        count = rng.randint(1, 2) if short else rng.randint(5, 24)
        paragraphs = [rng.choice(self.linkable) for _ in range(count)]
        city = rng.choice(_CITIES)
        body = [f"<p>{city} (BH) — Story {n}. {self.paragraphs[rng.randrange(_PARAGRAPHS)]}</p>"]
        for k, (before, word, after) in enumerate(paragraphs, start=1):
            if k % 4 == 0:
                body.append(f"<h2>{rng.choice(self.titles)}</h2>")
            target = self.article_url(rng.randint(1, self.articles))
            body.append(
                f'<div class="text-block" data-component="text-block"><p>{before}'
                f'<a class="inline-link" href="{target}">{word}</a>{after}</p></div>'
            )
            if k == 3:
                body.append(
                    '<aside class="promo"><strong>Also read:</strong> '
                    f'<a href="{self.article_url(rng.randint(1, self.articles))}">'
                    f"{rng.choice(self.titles)}</a></aside>"
                )
            if k == 6:
                body.append(
                    '<div class="ad ad--inline" data-slot="inline"><span>Advertisement</span></div>'
                )
            if k == 9:
                body.append(
                    '<blockquote class="embed-post"><p>'
                    f"{rng.choice(self.sentences)}</p>— {rng.choice(self.authors)} (@bh{n})"
                    "</blockquote>"
                )
        byline = " and ".join(
            f'<a rel="author" href="{self.base}/authors/{a.lower().replace(" ", "-")}/">{a}</a>'
            for a in authors
        )
        jsonld = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "NewsArticle",
                "headline": title,
                "datePublished": when,
                "dateModified": when,
                "author": [{"@type": "Person", "name": a} for a in authors],
                "articleSection": section,
                "mainEntityOfPage": url,
                "publisher": {"@type": "Organization", "name": "The Bench Herald"},
                "image": [f"{self.base}/img/{n}/1200.jpg"],
            }
        )
        breadcrumbs = json.dumps(
            {
                "@context": "https://schema.org",
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": 1, "name": "Home", "item": self.base + "/"},
                    {
                        "@type": "ListItem",
                        "position": 2,
                        "name": section,
                        "item": f"{self.base}/{section.lower()}/",
                    },
                ],
            }
        )
        meta = (
            f'<meta name="description" content="{escape(lead[:160])}">'
            f'<link rel="canonical" href="{url}">'
            f'<meta property="og:title" content="{escape(title)}">'
            '<meta property="og:type" content="article">'
            f'<meta property="og:url" content="{url}">'
            '<meta property="og:site_name" content="The Bench Herald">'
            f'<meta property="article:published_time" content="{when}">'
            f'<meta property="article:section" content="{section}">'
            f'<meta name="author" content="{escape(", ".join(authors))}">'
            '<meta name="twitter:card" content="summary_large_image">'
            f'<script type="application/ld+json">{jsonld}</script>'
            f'<script type="application/ld+json">{breadcrumbs}</script>'
        )
        tags = "".join(
            f'<li><a href="{self.base}/tag/{t}/">{t}</a></li>'
            for t in rng.choice(self.snippets).split()[:5]
        )
        related = "".join(
            f'<div class="card"><a href="{self.article_url(rng.randint(1, self.articles))}">'
            f'<img src="{self.base}/img/r{k}.jpg" alt="" loading="lazy">'
            f"<h3>{rng.choice(self.titles)}</h3></a><p>{rng.choice(self.snippets)}</p></div>"
            for k in range(12)
        )
        comments = "".join(
            f'<li class="comment" id="c{n}-{k}"><div class="comment__meta">'
            f'<img class="avatar" src="{self.base}/avatars/{k}.png" alt="">'
            f'<span class="comment__author">{rng.choice(self.authors)}</span>'
            f'<time class="comment__time">{k + 1} hours ago</time></div>'
            f'<div class="comment__body"><p>{rng.choice(self.sentences)} '
            f"{rng.choice(self.sentences)}</p></div>"
            '<div class="comment__actions"><button class="btn btn--reply">Reply</button>'
            '<button class="btn btn--like">Like <span class="count">3</span></button></div></li>'
            for k in range(rng.randint(8, 40))
        )
        return (
            self._head(chrome, title, meta)
            + self._header(chrome)
            + '<div class="layout"><main id="main" class="content">'
            f'<nav class="breadcrumbs"><a href="{self.base}/">Home</a> &rsaquo; '
            f'<a href="{self.base}/{section.lower()}/">{section}</a></nav>'
            '<article class="story">'
            f'<header class="story__header"><h1 class="story__title">{escape(title)}</h1>'
            f'<p class="standfirst">{lead}</p>'
            f'<div class="byline">By {byline} <time datetime="{when}">'
            f"{self.published(n):%d %B %Y, %H:%M}</time></div>"
            f'<div class="share">{chrome["svg"]}<button>Share</button></div></header>'
            f'<figure class="story__figure"><img src="{self.base}/img/{n}/800.jpg" '
            f'srcset="{self.base}/img/{n}/400.jpg 400w, {self.base}/img/{n}/800.jpg 800w" '
            f'alt="{escape(title)}"><figcaption>{rng.choice(self.sentences)} Photo: '
            f"{rng.choice(self.authors)}</figcaption></figure>"
            f'<div class="story__body">{"".join(body)}</div>'
            f'<ul class="tags">{tags}</ul>'
            f'<div class="author-box"><p>{authors[0]} is a reporter for The Bench Herald. '
            f"{rng.choice(self.sentences)}</p></div>"
            '<form class="newsletter"><p>Get the morning briefing in your inbox.</p>'
            '<input type="email" name="email"><button>Sign up</button></form>'
            "</article>"
            f'<section class="related"><h2>More stories</h2>{related}</section>'
            f'<section class="comments"><h2>Comments</h2><ol>{comments}</ol></section>'
            "</main>" + self._sidebar(rng, n) + "</div>" + self._footer(chrome)
        )

    def listing(self, k: int) -> str | None:
        """Listing page ``k`` (1-based), newest first; ``None`` past the last."""
        first = self.articles - (k - 1) * PER_LISTING
        if k < 1 or first < 1:
            return None
        chrome = self.chromes[k % _CHROMES]
        items = "".join(
            f'<li><a class="story" href="{self.article_url(n)}">Story {n}</a></li>'
            for n in range(first, max(0, first - PER_LISTING), -1)
        )
        more = (
            f'<a class="next" href="{self.base}/news/page/{k + 1}/">Older</a>'
            if first - PER_LISTING >= 1
            else ""
        )
        return (
            self._head(chrome, f"News, page {k}", "")
            + self._header(chrome)
            + f'<main id="main"><h1>News</h1><ul class="list">{items}</ul>{more}</main>'
            + self._footer(chrome)
        )


class _Pick:
    """The few random draws a page needs, cheaper than :class:`random.Random`'s own methods."""

    def __init__(self, seed: int) -> None:
        self.random = random.Random(seed).random

    def randrange(self, n: int) -> int:
        return int(self.random() * n)

    def randint(self, low: int, high: int) -> int:
        return low + int(self.random() * (high - low + 1))

    def choice(self, seq: Sequence[T]) -> T:
        return seq[int(self.random() * len(seq))]

    def sample(self, seq: Sequence[T], k: int) -> list[T]:
        return random.Random(self.random()).sample(list(seq), k)


def _split_at(paragraph: str, rng: random.Random) -> tuple[str, str, str]:
    words = paragraph.split(" ")
    j = rng.randrange(len(words))
    return " ".join(words[:j]) + " ", words[j], " " + " ".join(words[j + 1 :])


def _accumulate(values: list[float]) -> list[float]:
    total, out = 0.0, []
    for v in values:
        total += v
        out.append(total)
    return out


class _Http(asyncio.Protocol):
    """HTTP/1.1 with keep-alive, GET only: just enough for a crawler."""

    def __init__(self, server: OutletServer) -> None:
        self.server = server
        self.buffer = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            path = head.split(b" ", 2)[1].decode("latin-1") if b" " in head else "/"
            assert self.transport is not None
            self.transport.write(self.server.respond(path))


class OutletServer:
    """Serves an :class:`Outlet` on 127.0.0.1."""

    def __init__(self, outlet: Outlet) -> None:
        self.outlet = outlet
        self.served = 0

    def respond(self, path: str) -> bytes:
        status, ctype, body = "200 OK", "text/html; charset=utf-8", ""
        parts = [p for p in path.split("?")[0].split("/") if p]
        page: str | None = None
        if parts == ["robots.txt"]:
            ctype, page = "text/plain", "User-agent: *\nAllow: /\n"
        elif parts == ["__stats"]:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            cpu = usage.ru_utime + usage.ru_stime
            ctype, page = "application/json", json.dumps({"served": self.served, "cpu": cpu})
        elif parts == ["news"]:
            page = self.outlet.listing(1)
        elif len(parts) == 3 and parts[:2] == ["news", "page"] and parts[2].isdigit():
            page = self.outlet.listing(int(parts[2]))
        elif len(parts) == 2 and parts[0] == "news" and parts[1].isdigit():
            n = int(parts[1])
            page = self.outlet.article(n) if 1 <= n <= self.outlet.articles else None
        if page is None:
            status, page = "404 Not Found", "<!DOCTYPE html><title>Not found</title>"
        if parts != ["__stats"]:
            self.served += 1
        body_bytes = (body or page).encode()
        return (
            f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\nContent-Length: {len(body_bytes)}\r\n"
            "Server: bench\r\n\r\n"
        ).encode() + body_bytes


async def _serve(articles: int, port: int) -> None:
    loop = asyncio.get_running_loop()
    holder: dict[str, OutletServer] = {}
    server = await loop.create_server(lambda: _Http(holder["s"]), "127.0.0.1", port)
    sock = server.sockets[0].getsockname()
    holder["s"] = OutletServer(Outlet(articles, base=f"http://127.0.0.1:{sock[1]}"))
    print(sock[1], flush=True)
    await server.serve_forever()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archiver.bench.site", description=__doc__)
    parser.add_argument("--articles", type=int, default=5_000)
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args(argv)
    started = time.monotonic()
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_serve(args.articles, args.port))
    print(f"served for {time.monotonic() - started:.0f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
