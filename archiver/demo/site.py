"""The Demo Insight (TDI): a bundled news outlet in the markup of a WordPress "Newspaper" site.

Content (``content/articles.json``) becomes pages (``templates/*``) here, with no networking:
:meth:`DemoSite.render` answers one request with a :class:`DemoResponse` holding the uncompressed
body, and :mod:`archiver.demo.server` adds what the wire needs (gzip, chunked framing, keep-alive).
Links in pages are root-relative; the few absolute URLs (canonical, og:url, JSON-LD, ``Link``
headers) are built from the request's host, so a page is byte-identical for a given host.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import math
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from importlib import resources
from string import Template
from typing import Any
from urllib.parse import parse_qs, urlsplit

import attrs

logger = logging.getLogger(__name__)

DEMO_HOST = "demo-insight.test"
SITE_NAME = "The Demo Insight"
SEED_SLUG = "kazakhstan-adopts-first-human-rights-action-plan"
PER_PAGE = 10
HTML_TYPE = "text/html; charset=UTF-8"
_INDEX = "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1"
_HOST_RE = re.compile(r"^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$")
_LISTING_RE = re.compile(
    r"^(?P<base>/|/category/(?:[a-z0-9-]+/)+?|/author/[a-z0-9-]+/)(?:page/(?P<page>\d+)/)?$"
)
_MONTHS = "January February March April May June July August September October November December"
_ENTITIES = {0x2018: "&#8216;", 0x2019: "&#8217;", 0x201C: "&#8220;", 0x201D: "&#8221;"}
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478"
    "9c6360000002000001e221bc330000000049454e44ae426082"
)
_TEMPLATES = "layout article author_box module related listing sidebar popular page not_found"


def esc(text: str) -> str:
    """Escape for HTML text and attributes; curly quotes as WordPress's numeric entities."""
    return html.escape(text).translate(_ENTITIES)


def slugify(name: str) -> str:
    """WordPress-style slug of a section name: ``"Middle East"`` -> ``"middle-east"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def section_path(section: tuple[str, ...]) -> str:
    """URL path of a section listing: ``("World", "Asia")`` -> ``/category/world/asia/``."""
    return "/category/" + "".join(f"{slugify(name)}/" for name in section)


def human_date(iso: str) -> str:
    """``2023-12-10T09:12:00+00:00`` -> ``December 10, 2023``, as the theme prints dates."""
    when = datetime.fromisoformat(iso)
    return f"{_MONTHS.split()[when.month - 1]} {when.day}, {when.year}"


@attrs.define(kw_only=True, frozen=True)
class DemoAuthor:
    """A staff writer: name as bylined, URL slug, and the bio shown in the author box."""

    name: str
    slug: str
    bio: str

    @property
    def path(self) -> str:
        return f"/author/{self.slug}/"


@attrs.define(kw_only=True, frozen=True)
class DemoArticle:
    """One post of the demo outlet, as published."""

    slug: str
    title: str
    section: tuple[str, ...]
    """Category path, outermost first: ``("World", "Asia", "Kazakhstan")``."""
    authors: tuple[str, ...]
    published: str
    """ISO 8601 with offset, e.g. ``2023-12-10T09:12:00+00:00``."""
    modified: str | None
    dateline: str | None
    """The dateline exactly as it opens the body (``"Astana, 10 December 2023 (TDI):"``)."""
    paragraphs: tuple[str, ...]
    """Body paragraphs as published (dateline included in the first); promos excluded."""
    json_ld: bool
    id: int
    promo: tuple[str, int] | None = None
    """``(slug, n)``: an "Also Read" promo for article ``slug`` follows body paragraph ``n``."""
    old_slug: str | None = None
    """A former slug, which answers 301 to this article."""
    excerpt: str = ""
    """The teaser shown on listing pages."""
    removed: bool = False
    """A post deleted after listing pages linked it: its URL answers 404."""

    @property
    def path(self) -> str:
        return f"/{self.slug}/"

    @property
    def description(self) -> str:
        """The first sentence of the body without its dateline (the meta description)."""
        if not self.paragraphs:
            return self.excerpt
        lead = self.paragraphs[0].removeprefix(self.dateline or "").strip()
        return re.split(r"(?<=[a-z0-9]\.)\s", lead, maxsplit=1)[0]


@attrs.define(kw_only=True, frozen=True)
class DemoResponse:
    """An answer before the wire: the server compresses, frames and measures ``body``."""

    status: int
    reason: str
    headers: list[tuple[str, str]]
    body: bytes
    chunked: bool = False

    def header(self, name: str) -> str | None:
        """The first value of header ``name`` (case-insensitive), or None."""
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class DemoSite:
    """The outlet's content and pages; read-only after construction, hence thread-safe."""

    def __init__(self) -> None:
        root = resources.files("archiver.demo")
        data = json.loads(root.joinpath("content/articles.json").read_text(encoding="utf-8"))
        folder = root.joinpath("templates")
        self._tpl = {
            name: Template(folder.joinpath(f"{name}.html").read_text(encoding="utf-8"))
            for name in _TEMPLATES.split()
        }
        self._files = {
            "/robots.txt": (
                "text/plain; charset=utf-8",
                folder.joinpath("robots.txt").read_bytes(),
            ),
            "/wp-content/themes/Newspaper/style.css": (
                "text/css",
                folder.joinpath("style.css").read_bytes(),
            ),
        }
        self.tagline: str = data["site"]["tagline"]
        self.authors: dict[str, DemoAuthor] = {a["name"]: DemoAuthor(**a) for a in data["authors"]}
        self.sections: list[tuple[str, ...]] = [tuple(s) for s in data["sections"]]
        self.section_urls: list[str] = [section_path(s) for s in self.sections if len(s) == 1]
        entries = [(e, False) for e in data["articles"]] + [(e, True) for e in data["removed"]]
        entries.sort(key=lambda e: (datetime.fromisoformat(e[0]["published"]), e[0]["slug"]))
        posts = _newest_first(
            [_post(e, 1021 + 17 * n, gone) for n, (e, gone) in enumerate(entries)]
        )
        self.articles: list[DemoArticle] = [a for a in posts if not a.removed]
        self.removed: list[DemoArticle] = [a for a in posts if a.removed]
        self._by_slug = {a.slug: a for a in self.articles}
        self.seed_article: DemoArticle = self.article(SEED_SLUG)
        self.old_slug_redirects: dict[str, str] = {
            f"/{a.old_slug}/": a.path for a in self.articles if a.old_slug
        }
        self.removed_paths: list[str] = [a.path for a in self.removed]
        self._pages: dict[str, dict[str, Any]] = {p["slug"]: p for p in data["pages"]}
        top = [s for s in self.sections if len(s) == 1]
        self._menu = '<li class="menu-item menu-item-home"><a href="/">Home</a></li>' + "".join(
            self._menu_item(s) for s in top
        )
        self._footer = "".join(
            f'<li class="menu-item"><a href="{section_path(s)}">{esc(s[-1])}</a></li>' for s in top
        )
        popular = "".join(self._teaser("popular", self.article(s)) for s in data["popular"])
        self._sidebar = self._tpl["sidebar"].substitute(popular=popular)

    def article(self, slug: str) -> DemoArticle:
        """The published article with this slug (KeyError if there is none)."""
        return self._by_slug[slug]

    def listing(self, base: str) -> list[DemoArticle]:
        """The posts listed under ``base`` (``/``, a section or an author path), newest first.

        A section lists its subsections' posts too (as WordPress does), removed ones included.
        """
        if base == "/":
            return list(self.articles)
        if base.startswith("/author/"):
            return [a for a in self.articles if self._author_at(base) in a.authors]
        section = next((s for s in self.sections if section_path(s) == base), None)
        posts = _newest_first(self.articles + self.removed)
        return [a for a in posts if section and a.section[: len(section)] == section]

    def page_count(self, base: str) -> int:
        """How many listing pages ``base`` has (``/category/world/`` -> 3)."""
        return max(1, math.ceil(len(self.listing(base)) / PER_PAGE))

    def render(self, method: str, path: str, host: str, headers: Mapping[str, str]) -> DemoResponse:
        """Answer ``method path`` for ``host`` (the request's Host), like WordPress behind nginx.

        ``headers`` are the request's (names matched case-insensitively); the body is never
        compressed, and HEAD gets the GET body so that the server can measure it.
        """
        origin = "http://" + (host if _HOST_RE.match(host or "") else DEMO_HOST)
        if method not in ("GET", "HEAD"):
            return _nginx(405, "Method Not Allowed", [("Allow", "GET, HEAD")])
        target = urlsplit(path)
        route, query = target.path or "/", parse_qs(target.query)
        slug = route.strip("/")
        listing = _LISTING_RE.match(route)
        if route == "/" and "p" in query:
            found = [a for a in self.articles if str(a.id) == query["p"][0]]
            return _redirect(found[0].path) if found else self._not_found(origin)
        if route in self._files:
            kind, body = self._files[route]
            return DemoResponse(
                status=200, reason="OK", headers=[("Content-Type", kind)], body=body
            )
        if route.startswith("/wp-content/uploads/") and route.endswith(".png"):
            return DemoResponse(
                status=200, reason="OK", headers=[("Content-Type", "image/png")], body=_PNG
            )
        if route == "/wp-admin" or route.startswith("/wp-admin/"):
            return _nginx(403, "Forbidden", [])
        if listing and (listing["base"] == "/" or self.listing(listing["base"])):
            return self._listing_page(listing["base"], listing["page"], origin)
        if route == f"/{slug}/" and "/" not in slug:
            if slug in self._by_slug:
                lowered = {k.lower(): v for k, v in headers.items()}
                return self._article_page(self.article(slug), origin, lowered)
            if route in self.old_slug_redirects:
                return _redirect(self.old_slug_redirects[route])
            if slug in self._pages:
                return self._static_page(self._pages[slug], origin)
        if not route.endswith("/") and self.render("HEAD", route + "/", host, {}).status < 400:
            return _redirect(route + "/" + (f"?{target.query}" if target.query else ""))
        return self._not_found(origin)

    def _article_page(
        self, a: DemoArticle, origin: str, request: Mapping[str, str]
    ) -> DemoResponse:
        body = self._article_html(a, origin).encode("utf-8")
        etag = f'"{hashlib.sha256(body).hexdigest()[:32]}"'
        changed = datetime.fromisoformat(a.modified or a.published).astimezone(UTC)
        cache = [
            ("Vary", "Accept-Encoding"),
            ("Last-Modified", format_datetime(changed, usegmt=True)),
            ("ETag", etag),
        ]
        if _not_modified(request, etag, changed):
            return DemoResponse(status=304, reason="Not Modified", headers=cache, body=b"")
        links = [
            ("Link", f'<{origin}/wp-json/wp/v2/posts/{a.id}>; rel="https://api.w.org/"'),
            ("Link", f"<{origin}/?p={a.id}>; rel=shortlink"),
        ]
        headers = [("Content-Type", HTML_TYPE), *cache, *links]
        return DemoResponse(status=200, reason="OK", headers=headers, body=body)

    def _article_html(self, a: DemoArticle, origin: str) -> str:
        url = origin + a.path
        paragraphs = []
        for n, text in enumerate(a.paragraphs, start=1):
            if n == 1 and a.dateline and "(TDI)" in a.dateline:
                rest = esc(text.removeprefix(a.dateline))
                paragraphs.append(f"<p><strong>{esc(a.dateline)}</strong>{rest}</p>")
            else:
                paragraphs.append(f"<p>{esc(text)}</p>")
            if a.promo and a.promo[1] == n:
                other = self.article(a.promo[0])
                promo = f'<a href="{other.path}">{esc(other.title)}</a>'
                paragraphs.append(f"<p><strong>Also Read: {promo}</strong></p>")
        at = self.articles.index(a)
        neighbours = [
            ("prev", "Previous article", self.articles[at + 1 : at + 2]),
            ("next", "Next article", self.articles[max(at - 1, 0) : at]),
        ]
        related = sorted(
            (o for o in self.articles if o is not a), key=lambda o: -_shared(o.section, a.section)
        )
        authors = [self.authors[name] for name in a.authors]
        content = self._tpl["article"].substitute(
            id=a.id,
            category_slug=slugify(a.section[-1]),
            category_path=section_path(a.section),
            category_name=esc(a.section[-1]),
            title=esc(a.title),
            byline=self._byline(a),
            published=a.published,
            published_human=human_date(a.published),
            views=(a.id * 7919) % 4000 + 150,
            paragraphs="\n".join(paragraphs),
            next_prev="".join(
                f'<div class="td-block-span6 td-post-{kind}-post"><div class="td-post-next-prev-'
                f'content"><span>{label}</span><a href="{p.path}">{esc(p.title)}</a></div></div>'
                for kind, label, found in neighbours
                for p in found
            ),
            related="".join(self._teaser("related", o) for o in related[:3]),
            author_boxes="\n".join(
                self._tpl["author_box"].substitute(
                    path=au.path, name=esc(au.name), slug=au.slug, bio=esc(au.bio)
                )
                for au in authors
            ),
        )
        meta = [
            ("name", "description", a.description),
            ("property", "og:locale", "en_US"),
            ("property", "og:type", "article"),
            ("property", "og:title", a.title),
            ("property", "og:description", a.description),
            ("property", "og:url", url),
            ("property", "og:site_name", SITE_NAME),
            ("property", "article:published_time", a.published),
            *([("property", "article:modified_time", a.modified)] if a.modified else []),
            ("property", "article:section", a.section[-1]),
            ("name", "author", ", ".join(a.authors)),
            ("name", "twitter:card", "summary_large_image"),
        ]
        head = _head(meta, [("canonical", url), ("shortlink", f"{origin}/?p={a.id}")])
        if a.json_ld:
            head += "\n" + self._json_ld(a, url, origin)
        trail = [(name, section_path(a.section[: n + 1])) for n, name in enumerate(a.section)]
        return self._layout(
            title=f"{a.title} - {SITE_NAME}",
            head=head,
            origin=origin,
            content=content,
            crumbs=_breadcrumbs(trail),
            container_class="td-post-template-default",
            body_class=f"post-template-default single single-post postid-{a.id} td-standard-pack",
        )

    def _json_ld(self, a: DemoArticle, url: str, origin: str) -> str:
        """Yoast-style ``@graph``: a NewsArticle (authors inline as Person) and a BreadcrumbList."""
        people = [
            {"@type": "Person", "name": name, "url": origin + self.authors[name].path}
            for name in a.authors
        ]
        trail = [("Home", "/")] + [
            (s, section_path(a.section[: k + 1])) for k, s in enumerate(a.section)
        ]
        crumbs: list[dict[str, Any]] = [
            {"@type": "ListItem", "position": n, "name": name, "item": origin + path}
            for n, (name, path) in enumerate(trail, start=1)
        ]
        crumbs.append({"@type": "ListItem", "position": len(crumbs) + 1, "name": a.title})
        logo = {"@type": "ImageObject", "url": f"{origin}/wp-content/uploads/logo.png"}
        article = {
            "@type": "NewsArticle",
            "@id": f"{url}#article",
            "headline": a.title,
            "datePublished": a.published,
            "dateModified": a.modified or a.published,
            "author": people[0] if len(people) == 1 else people,
            "publisher": {
                "@type": "Organization",
                "name": SITE_NAME,
                "url": f"{origin}/",
                "logo": logo,
            },
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "articleSection": list(a.section),
            "wordCount": sum(len(p.split()) for p in a.paragraphs),
            "inLanguage": "en-US",
        }
        breadcrumb = {
            "@type": "BreadcrumbList",
            "@id": f"{url}#breadcrumb",
            "itemListElement": crumbs,
        }
        graph = {"@context": "https://schema.org", "@graph": [article, breadcrumb]}
        text = json.dumps(graph, ensure_ascii=False, separators=(",", ":")).replace("</", "<\\/")
        return f'    <script type="application/ld+json" class="yoast-schema-graph">{text}</script>'

    def _listing_page(self, base: str, number: str | None, origin: str) -> DemoResponse:
        page, pages = int(number or 1), self.page_count(base)
        if number == "1":
            return _redirect(base)
        if not 1 <= page <= pages:
            return self._not_found(origin)
        section = next((s for s in self.sections if section_path(s) == base), ())
        name = section[-1] if section else self._author_at(base) or "Latest News"
        if base == "/":
            title, trail = f"{SITE_NAME} - {self.tagline}", []
            heading = f'<h4 class="block-title"><span>{name}</span></h4>'
        else:
            title = f"{name} Archives" if section else f"{name}, Author at {SITE_NAME}"
            title = f"{title} - {SITE_NAME}" if section else title
            last = [(section[-1] if section else f"Posts by {name}", None)]
            trail = [(s, section_path(section[: k + 1])) for k, s in enumerate(section[:-1])] + last
            heading = f'<h1 class="entry-title td-page-title"><span>{esc(name)}</span></h1>'
        if page > 1:
            title = (
                f"{title.removesuffix(f' - {SITE_NAME}')} - Page {page} of {pages} - {SITE_NAME}"
            )
        children = [s for s in self.sections if section and s[:-1] == section]
        subsections = "".join(
            f'<li class="entry-category"><a href="{section_path(s)}">{esc(s[-1])}</a></li>'
            for s in children
        )
        items = self.listing(base)[(page - 1) * PER_PAGE : page * PER_PAGE]
        url = origin + _page_path(base, page)
        links = [("canonical", url)] + [
            (rel, origin + _page_path(base, n))
            for rel, n in (("prev", page - 1), ("next", page + 1))
            if 1 <= n <= pages
        ]
        meta = [
            ("property", "og:locale", "en_US"),
            ("property", "og:type", "website"),
            ("property", "og:title", title.removesuffix(f" - {SITE_NAME}")),
            ("property", "og:url", url),
            ("property", "og:site_name", SITE_NAME),
        ]
        content = self._tpl["listing"].substitute(
            heading=heading,
            subsections=f'<div class="td-category-siblings"><ul class="td-category">{subsections}'
            "</ul></div>"
            if children
            else "",
            items="\n".join(self._teaser("module", a, old=a.section == section) for a in items),
            pagination=_pagination(base, page, pages),
        )
        kind = "home blog" if base == "/" else "archive " + ("category" if section else "author")
        body = self._layout(
            title=title,
            head=_head(meta, links),
            origin=origin,
            content=content,
            crumbs=_breadcrumbs(trail) if trail else "",
            body_class=f"{kind} td-standard-pack",
        )
        return _html(200, "OK", body, origin, chunked=True)

    def _static_page(self, page: dict[str, Any], origin: str) -> DemoResponse:
        url = f"{origin}/{page['slug']}/"
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in page["paragraphs"])
        meta = [("property", "og:type", "website"), ("property", "og:title", page["title"])]
        body = self._layout(
            title=f"{page['title']} - {SITE_NAME}",
            head=_head([*meta, ("property", "og:url", url)], [("canonical", url)]),
            origin=origin,
            content=self._tpl["page"].substitute(title=esc(page["title"]), paragraphs=paragraphs),
            crumbs=_breadcrumbs([(page["title"], None)]),
            body_class="page-template-default page td-standard-pack",
        )
        return _html(200, "OK", body, origin)

    def _not_found(self, origin: str) -> DemoResponse:
        body = self._layout(
            title=f"Page not found - {SITE_NAME}",
            head="",
            origin=origin,
            content=self._tpl["not_found"].substitute(),
            sidebar=False,
            robots="noindex, follow",
            body_class="error404 td-standard-pack",
        )
        return _html(404, "Not Found", body, origin)

    def _layout(
        self,
        *,
        title: str,
        head: str,
        origin: str,
        content: str,
        body_class: str,
        crumbs: str = "",
        sidebar: bool = True,
        robots: str = _INDEX,
        container_class: str = "",
    ) -> str:
        return self._tpl["layout"].substitute(
            title=esc(title),
            robots=robots,
            head=head,
            origin=origin,
            tagline=esc(self.tagline),
            body_class=body_class,
            container_class=container_class,
            menu=self._menu,
            crumbs=crumbs,
            content=content,
            sidebar=self._sidebar if sidebar else "",
            footer_sections=self._footer,
        )

    def _teaser(self, template: str, a: DemoArticle, old: bool = False) -> str:
        """A teaser of ``a`` (module, related, popular); ``old`` links its former slug if any."""
        return self._tpl[template].substitute(
            path=f"/{a.old_slug}/" if old and a.old_slug else a.path,
            title=esc(a.title),
            byline=self._byline(a),
            published=a.published,
            published_human=human_date(a.published),
            excerpt=esc(a.excerpt),
        )

    def _byline(self, a: DemoArticle) -> str:
        return " and ".join(f'<a href="{self.authors[n].path}">{esc(n)}</a>' for n in a.authors)

    def _author_at(self, base: str) -> str | None:
        slug = base.removeprefix("/author/").strip("/")
        return next((au.name for au in self.authors.values() if au.slug == slug), None)

    def _menu_item(self, section: tuple[str, ...]) -> str:
        children = "".join(self._menu_item(s) for s in self.sections if s[:-1] == section)
        sub = f'<ul class="sub-menu">{children}</ul>' if children else ""
        more = " menu-item-has-children" if children else ""
        return (
            f'<li class="menu-item menu-item-object-category{more}">'
            f'<a href="{section_path(section)}">{esc(section[-1])}</a>{sub}</li>'
        )


def _post(entry: dict[str, Any], post_id: int, removed: bool) -> DemoArticle:
    words = " ".join(entry.get("paragraphs", [])[:1]).split()
    promo = entry.get("promo")
    return DemoArticle(
        slug=entry["slug"],
        title=entry["title"],
        section=tuple(entry["section"]),
        authors=tuple(entry["authors"]),
        published=entry["published"],
        modified=entry.get("modified"),
        dateline=entry.get("dateline"),
        paragraphs=tuple(entry.get("paragraphs", ())),
        json_ld=bool(entry.get("json_ld")),
        id=post_id,
        promo=(promo["slug"], promo["after"]) if promo else None,
        old_slug=entry.get("old_slug"),
        excerpt=entry.get("excerpt") or " ".join(words[:25]) + ("..." if len(words) > 25 else ""),
        removed=removed,
    )


def _newest_first(posts: list[DemoArticle]) -> list[DemoArticle]:
    return sorted(posts, key=lambda a: (datetime.fromisoformat(a.published), a.slug), reverse=True)


def _shared(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    """Length of the common leading part of two section paths."""
    return next(
        (n for n, (x, y) in enumerate(zip(left, right, strict=False)) if x != y),
        min(len(left), len(right)),
    )


def _page_path(base: str, page: int) -> str:
    return base if page == 1 else f"{base}page/{page}/"


def _head(meta: list[tuple[str, str, str]], links: list[tuple[str, str]]) -> str:
    tags = [f'    <meta {attr}="{key}" content="{esc(value)}" />' for attr, key, value in meta]
    tags += [f'    <link rel="{rel}" href="{esc(href)}" />' for rel, href in links]
    return "\n".join(tags)


def _breadcrumbs(trail: Sequence[tuple[str, str | None]]) -> str:
    """The theme's crumbs: Home, then each ``(name, href)``; a crumb without href is the last."""
    parts = ['<span><a title="" class="entry-crumb" href="/">Home</a></span>']
    for name, href in trail:
        if href:
            parts.append(
                f'<i class="td-icon-right td-bread-sep"></i> <span><a title="View all posts in '
                f'{esc(name)}" class="entry-crumb" href="{href}">{esc(name)}</a></span>'
            )
        else:
            parts.append(
                '<i class="td-icon-right td-bread-sep td-bred-no-url-last"></i> '
                f'<span class="td-bred-no-url-last">{esc(name)}</span>'
            )
    return '<div class="entry-crumbs">' + " ".join(parts) + "</div>"


def _pagination(base: str, page: int, pages: int) -> str:
    """The theme's ``page-nav`` block around WordPress's ``paginate_links`` markup."""
    if pages < 2:
        return ""
    parts = [
        f'<span aria-current="page" class="page-numbers current">{n}</span>'
        if n == page
        else f'<a class="page-numbers" href="{_page_path(base, n)}">{n}</a>'
        for n in range(1, pages + 1)
    ]
    if page > 1:
        parts.insert(
            0,
            f'<a class="prev page-numbers" rel="prev" href="{_page_path(base, page - 1)}">'
            '<i class="td-icon-menu-left"></i></a>',
        )
    if page < pages:
        parts.append(
            f'<a class="next page-numbers" rel="next" href="{_page_path(base, page + 1)}">'
            '<i class="td-icon-menu-right"></i></a>'
        )
    parts.append(f'<span class="pages">Page {page} of {pages}</span>')
    inner = "".join(parts)
    return f'<div class="page-nav td-pb-padding-side">{inner}<div class="clearfix"></div></div>'


def _not_modified(request: Mapping[str, str], etag: str, changed: datetime) -> bool:
    """Whether a conditional GET (lower-cased header names) earns a 304."""
    if (tags := request.get("if-none-match")) is not None:
        listed = [t.strip().removeprefix("W/") for t in tags.split(",")]
        return "*" in listed or etag in listed
    if since_text := request.get("if-modified-since"):
        try:
            since = parsedate_to_datetime(since_text)
        except (TypeError, ValueError):
            return False
        return changed <= (since if since.tzinfo else since.replace(tzinfo=UTC))
    return False


def _html(status: int, reason: str, body: str, origin: str, chunked: bool = False) -> DemoResponse:
    headers = [
        ("Content-Type", HTML_TYPE),
        ("Vary", "Accept-Encoding"),
        ("Link", f'<{origin}/wp-json/>; rel="https://api.w.org/"'),
    ]
    return DemoResponse(
        status=status, reason=reason, headers=headers, body=body.encode("utf-8"), chunked=chunked
    )


def _redirect(location: str) -> DemoResponse:
    """WordPress's redirect: 301 to a root-relative ``location``, with a tiny HTML body."""
    body = (
        "<html>\n<head><title>301 Moved Permanently</title></head>\n<body>\n"
        "<h1>Moved Permanently</h1>\n"
        f'<p>The document has moved <a href="{esc(location)}">here</a>.</p>\n</body>\n</html>\n'
    )
    headers = [("Content-Type", HTML_TYPE), ("Location", location), ("X-Redirect-By", "WordPress")]
    return DemoResponse(status=301, reason="Moved Permanently", headers=headers, body=body.encode())


def _nginx(status: int, reason: str, extra: list[tuple[str, str]]) -> DemoResponse:
    """nginx's own small error page, for what never reaches WordPress."""
    body = (
        f"<html>\n<head><title>{status} {reason}</title></head>\n<body>\n<center><h1>{status} "
        f"{reason}</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n"
    )
    headers = [("Content-Type", HTML_TYPE), *extra]
    return DemoResponse(status=status, reason=reason, headers=headers, body=body.encode())
