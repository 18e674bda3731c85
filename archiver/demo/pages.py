"""The demo outlet's HTML: article, listing, static and "not found" pages from ``templates/*``.

:class:`PageBuilder` fills the theme's templates (``string.Template``) with :class:`DemoContent`
and returns each page as text; :mod:`archiver.demo.site` decides which page a request gets and
wraps it in a response. Links are root-relative; the few absolute URLs (canonical, og:url,
JSON-LD) are built from ``origin``, so a page is byte-identical for a given host.
"""

from __future__ import annotations

from importlib import resources
from string import Template
from typing import Any

from archiver.demo.content import (
    PER_PAGE,
    SITE_NAME,
    DemoArticle,
    DemoContent,
    section_path,
    slugify,
)
from archiver.demo.feeds import feed_link_tags
from archiver.demo.markup import (
    breadcrumbs,
    esc,
    head_tags,
    human_date,
    json_ld,
    page_path,
    pagination,
)

_INDEX = "index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1"
_TEMPLATES = "layout article author_box module related listing sidebar popular page not_found"


class PageBuilder:
    """The theme: pages of ``content`` as HTML text; read-only after construction."""

    def __init__(self, content: DemoContent) -> None:
        self.content = content
        folder = resources.files("archiver.demo").joinpath("templates")
        self._tpl = {
            name: Template(folder.joinpath(f"{name}.html").read_text(encoding="utf-8"))
            for name in _TEMPLATES.split()
        }
        self.files: dict[str, tuple[str, bytes]] = {
            "/robots.txt": (
                "text/plain; charset=utf-8",
                folder.joinpath("robots.txt").read_bytes(),
            ),
            "/wp-content/themes/Newspaper/style.css": (
                "text/css",
                folder.joinpath("style.css").read_bytes(),
            ),
        }
        """Files the site serves as they are: path -> (Content-Type, body)."""
        top = [s for s in content.sections if len(s) == 1]
        self._menu = '<li class="menu-item menu-item-home"><a href="/">Home</a></li>' + "".join(
            self._menu_item(s) for s in top
        )
        self._footer = "".join(
            f'<li class="menu-item"><a href="{section_path(s)}">{esc(s[-1])}</a></li>' for s in top
        )
        popular = "".join(self._teaser("popular", content.article(s)) for s in content.popular)
        self._sidebar = self._tpl["sidebar"].substitute(popular=popular)

    def article_html(self, a: DemoArticle, origin: str) -> str:
        """The page of article ``a``."""
        url = origin + a.path
        paragraphs = []
        for n, text in enumerate(a.paragraphs, start=1):
            if n == 1 and a.dateline and "(TDI)" in a.dateline:
                rest = esc(text.removeprefix(a.dateline))
                paragraphs.append(f"<p><strong>{esc(a.dateline)}</strong>{rest}</p>")
            else:
                paragraphs.append(f"<p>{esc(text)}</p>")
            if a.promo and a.promo[1] == n:
                other = self.content.article(a.promo[0])
                promo = f'<a href="{other.path}">{esc(other.title)}</a>'
                paragraphs.append(f"<p><strong>Also Read: {promo}</strong></p>")
        at = self.content.articles.index(a)
        neighbours = [
            ("prev", "Previous article", self.content.articles[at + 1 : at + 2]),
            ("next", "Next article", self.content.articles[max(at - 1, 0) : at]),
        ]
        related = sorted(
            (o for o in self.content.articles if o is not a),
            key=lambda o: -_shared(o.section, a.section),
        )
        authors = [self.content.authors[name] for name in a.authors]
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
        head = head_tags(meta, [("canonical", url), ("shortlink", f"{origin}/?p={a.id}")])
        if a.json_ld:
            head += "\n" + json_ld(a, url, origin, self.content.authors)
        trail = [(name, section_path(a.section[: n + 1])) for n, name in enumerate(a.section)]
        return self._layout(
            title=f"{a.title} - {SITE_NAME}",
            head=head,
            origin=origin,
            content=content,
            crumbs=breadcrumbs(trail),
            container_class="td-post-template-default",
            body_class=f"post-template-default single single-post postid-{a.id} td-standard-pack",
        )

    def listing_html(self, base: str, page: int, pages: int, origin: str) -> str:
        """Page ``page`` of ``pages`` of the listing at ``base`` (a valid page number)."""
        section = next((s for s in self.content.sections if section_path(s) == base), ())
        name = section[-1] if section else self.content.author_at(base) or "Latest News"
        if base == "/":
            title, trail = f"{SITE_NAME} - {self.content.tagline}", []
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
        children = [s for s in self.content.sections if section and s[:-1] == section]
        subsections = "".join(
            f'<li class="entry-category"><a href="{section_path(s)}">{esc(s[-1])}</a></li>'
            for s in children
        )
        items = self.content.listing(base)[(page - 1) * PER_PAGE : page * PER_PAGE]
        url = origin + page_path(base, page)
        links = [("canonical", url)] + [
            (rel, origin + page_path(base, n))
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
            pagination=pagination(base, page, pages),
        )
        kind = "home blog" if base == "/" else "archive " + ("category" if section else "author")
        return self._layout(
            title=title,
            head=head_tags(meta, links),
            origin=origin,
            content=content,
            crumbs=breadcrumbs(trail) if trail else "",
            body_class=f"{kind} td-standard-pack",
            feed_base=base,
        )

    def static_html(self, page: dict[str, Any], origin: str) -> str:
        """A page that is not a post (``about``, ...), from its content entry."""
        url = f"{origin}/{page['slug']}/"
        paragraphs = "\n".join(f"<p>{esc(p)}</p>" for p in page["paragraphs"])
        meta = [("property", "og:type", "website"), ("property", "og:title", page["title"])]
        return self._layout(
            title=f"{page['title']} - {SITE_NAME}",
            head=head_tags([*meta, ("property", "og:url", url)], [("canonical", url)]),
            origin=origin,
            content=self._tpl["page"].substitute(title=esc(page["title"]), paragraphs=paragraphs),
            crumbs=breadcrumbs([(page["title"], None)]),
            body_class="page-template-default page td-standard-pack",
        )

    def not_found_html(self, origin: str) -> str:
        """The theme's "not found" page."""
        return self._layout(
            title=f"Page not found - {SITE_NAME}",
            head="",
            origin=origin,
            content=self._tpl["not_found"].substitute(),
            sidebar=False,
            robots="noindex, follow",
            body_class="error404 td-standard-pack",
        )

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
        feed_base: str = "/",
    ) -> str:
        return self._tpl["layout"].substitute(
            title=esc(title),
            robots=robots,
            head=head + "\n" + feed_link_tags(origin, feed_base),
            origin=origin,
            tagline=esc(self.content.tagline),
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
        return " and ".join(
            f'<a href="{self.content.authors[n].path}">{esc(n)}</a>' for n in a.authors
        )

    def _menu_item(self, section: tuple[str, ...]) -> str:
        children = "".join(self._menu_item(s) for s in self.content.sections if s[:-1] == section)
        sub = f'<ul class="sub-menu">{children}</ul>' if children else ""
        more = " menu-item-has-children" if children else ""
        return (
            f'<li class="menu-item menu-item-object-category{more}">'
            f'<a href="{section_path(section)}">{esc(section[-1])}</a>{sub}</li>'
        )


def _shared(left: tuple[str, ...], right: tuple[str, ...]) -> int:
    """Length of the common leading part of two section paths."""
    return next(
        (n for n, (x, y) in enumerate(zip(left, right, strict=False)) if x != y),
        min(len(left), len(right)),
    )
