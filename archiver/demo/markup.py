"""Pieces of the theme's markup: escaping, dates, ``<head>`` tags, crumbs, pagination, JSON-LD.

Each returns HTML as the "Newspaper" WordPress theme (with Yoast SEO) prints it, so that pages
built by :mod:`archiver.demo.pages` look like a real outlet's to the extractors.
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from archiver.demo.content import SITE_NAME, DemoArticle, DemoAuthor, section_path

_MONTHS = "January February March April May June July August September October November December"
_ENTITIES = {0x2018: "&#8216;", 0x2019: "&#8217;", 0x201C: "&#8220;", 0x201D: "&#8221;"}


def esc(text: str) -> str:
    """Escape for HTML text and attributes; curly quotes as WordPress's numeric entities."""
    return html.escape(text).translate(_ENTITIES)


def human_date(iso: str) -> str:
    """``2023-12-10T09:12:00+00:00`` -> ``December 10, 2023``, as the theme prints dates."""
    when = datetime.fromisoformat(iso)
    return f"{_MONTHS.split()[when.month - 1]} {when.day}, {when.year}"


def page_path(base: str, page: int) -> str:
    """Path of listing page ``page`` under ``base``: ``base`` itself, then ``base/page/N/``."""
    return base if page == 1 else f"{base}page/{page}/"


def head_tags(meta: list[tuple[str, str, str]], links: list[tuple[str, str]]) -> str:
    """``<meta attr="key" content="value">`` then ``<link rel href>`` tags for ``<head>``."""
    tags = [f'    <meta {attr}="{key}" content="{esc(value)}" />' for attr, key, value in meta]
    tags += [f'    <link rel="{rel}" href="{esc(href)}" />' for rel, href in links]
    return "\n".join(tags)


def breadcrumbs(trail: Sequence[tuple[str, str | None]]) -> str:
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


def pagination(base: str, page: int, pages: int) -> str:
    """The theme's ``page-nav`` block around WordPress's ``paginate_links`` markup."""
    if pages < 2:
        return ""
    parts = [
        f'<span aria-current="page" class="page-numbers current">{n}</span>'
        if n == page
        else f'<a class="page-numbers" href="{page_path(base, n)}">{n}</a>'
        for n in range(1, pages + 1)
    ]
    if page > 1:
        parts.insert(
            0,
            f'<a class="prev page-numbers" rel="prev" href="{page_path(base, page - 1)}">'
            '<i class="td-icon-menu-left"></i></a>',
        )
    if page < pages:
        parts.append(
            f'<a class="next page-numbers" rel="next" href="{page_path(base, page + 1)}">'
            '<i class="td-icon-menu-right"></i></a>'
        )
    parts.append(f'<span class="pages">Page {page} of {pages}</span>')
    inner = "".join(parts)
    return f'<div class="page-nav td-pb-padding-side">{inner}<div class="clearfix"></div></div>'


def json_ld(a: DemoArticle, url: str, origin: str, authors: Mapping[str, DemoAuthor]) -> str:
    """Yoast-style ``@graph``: a NewsArticle (authors inline as Person) and a BreadcrumbList."""
    people = [
        {"@type": "Person", "name": name, "url": origin + authors[name].path} for name in a.authors
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
