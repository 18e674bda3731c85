"""The demo outlet's content: authors, sections, posts and static pages from ``articles.json``.

:class:`DemoContent` loads the bundled ``content/articles.json`` once and answers what a
WordPress database would: a post by slug, the posts listed under ``/``, a section or an author,
and how many listing pages that makes. No HTML here: :mod:`archiver.demo.pages` builds pages.
"""

from __future__ import annotations

import json
import math
import re
from datetime import datetime
from importlib import resources
from typing import Any

import attrs

SITE_NAME = "The Demo Insight"
SEED_SLUG = "kazakhstan-adopts-first-human-rights-action-plan"
PER_PAGE = 10
EDITIONS = {1: "content/articles.json", 2: "content/edition2.json"}
"""The demo outlet's editions; edition 2 applies ``edition2.json`` on top of edition 1."""


def slugify(name: str) -> str:
    """WordPress-style slug of a section name: ``"Middle East"`` -> ``"middle-east"``."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def section_path(section: tuple[str, ...]) -> str:
    """URL path of a section listing: ``("World", "Asia")`` -> ``/category/world/asia/``."""
    return "/category/" + "".join(f"{slugify(name)}/" for name in section)


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


class DemoContent:
    """The outlet's posts, authors, sections and static pages; read-only after construction."""

    def __init__(self, edition: int = 1) -> None:
        if edition not in EDITIONS:
            raise ValueError(f"no demo edition {edition}; editions: 1, 2")
        self.edition = edition
        """1: the outlet as first published; 2: two new posts and one corrected post
        (``content/edition2.json``), so that a second crawl has something new to find."""
        root = resources.files("archiver.demo")
        data = json.loads(root.joinpath("content/articles.json").read_text(encoding="utf-8"))
        if edition >= 2:
            _apply_edition(data, json.loads(root.joinpath(EDITIONS[2]).read_text("utf-8")))
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
        self.static_pages: dict[str, dict[str, Any]] = {p["slug"]: p for p in data["pages"]}
        """Pages that are not posts (``about``, ...), by slug, as in the content file."""
        self.popular: list[str] = list(data["popular"])
        """Slugs of the sidebar's "Popular" posts, in order."""

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
            return [a for a in self.articles if self.author_at(base) in a.authors]
        section = next((s for s in self.sections if section_path(s) == base), None)
        posts = _newest_first(self.articles + self.removed)
        return [a for a in posts if section and a.section[: len(section)] == section]

    def page_count(self, base: str) -> int:
        """How many listing pages ``base`` has (``/category/world/`` -> 3)."""
        return max(1, math.ceil(len(self.listing(base)) / PER_PAGE))

    def author_at(self, base: str) -> str | None:
        """The name of the author whose listing is at ``base`` (``/author/<slug>/``), or None."""
        slug = base.removeprefix("/author/").strip("/")
        return next((au.name for au in self.authors.values() if au.slug == slug), None)


def _apply_edition(data: dict[str, Any], edition: dict[str, Any]) -> None:
    """Add an edition's new posts to ``data`` and apply its edits (a new ``modified`` date,
    paragraphs appended) to the posts it names."""
    data["articles"] = data["articles"] + edition["articles"]
    for entry in data["articles"]:
        edit = edition["edits"].get(entry["slug"])
        if edit:
            entry["modified"] = edit["modified"]
            entry["paragraphs"] = [*entry["paragraphs"], *edit["append"]]


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
