"""The demo outlet's feeds and sitemaps, as a WordPress site with Yoast SEO exposes them.

RSS 2.0 at ``/feed/`` (and ``/category/<...>/feed/`` per section), Atom at ``/feed/atom/``,
JSON Feed 1.1 at ``/feed/json/``; a Yoast sitemap index at ``/sitemap_index.xml`` whose post
sitemaps are ``/post-sitemap.xml`` and the gzip'd ``/post-sitemap2.xml.gz``, plus a Google News
sitemap at ``/news-sitemap.xml``; robots.txt names the index and the news sitemap.

Unlike a default WordPress site (ten newest posts per feed) and a real news sitemap (the last
two days), every feed and sitemap here lists every published post, so that a crawl from any one
source alone finds the whole outlet.
"""

from __future__ import annotations

import gzip
import json
from datetime import UTC, datetime
from email.utils import format_datetime

from archiver.demo.content import SITE_NAME, DemoArticle, DemoContent, section_path
from archiver.demo.markup import esc

RSS_TYPE = "application/rss+xml; charset=UTF-8"
ATOM_TYPE = "application/atom+xml; charset=UTF-8"
JSON_FEED_TYPE = "application/feed+json; charset=UTF-8"
XML_TYPE = "text/xml; charset=UTF-8"
GZIP_TYPE = "application/x-gzip"
SITEMAP_INDEX = "/sitemap_index.xml"
NEWS_SITEMAP = "/news-sitemap.xml"
POST_SITEMAPS = ("/post-sitemap.xml", "/post-sitemap2.xml.gz")
_SM_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def _changed(a: DemoArticle) -> str:
    return _when(a.modified or a.published).isoformat()


def rss(content: DemoContent, origin: str, base: str = "/") -> str:
    """RSS 2.0 of the posts under ``base`` (``/`` or a section path), newest first."""
    posts = [a for a in content.listing(base) if not a.removed]
    feed_url = f"{origin}{base}feed/"
    items = "".join(
        f"\t<item>\n\t\t<title>{esc(a.title)}</title>\n\t\t<link>{origin}{a.path}</link>\n"
        f"\t\t<dc:creator><![CDATA[{', '.join(a.authors)}]]></dc:creator>\n"
        f"\t\t<pubDate>{format_datetime(_when(a.published))}</pubDate>\n"
        + "".join(f"\t\t<category><![CDATA[{s}]]></category>\n" for s in a.section)
        + f'\t\t<guid isPermaLink="false">{origin}/?p={a.id}</guid>\n'
        f"\t\t<description><![CDATA[{a.excerpt}]]></description>\n\t</item>\n"
        for a in posts
    )
    title = (
        SITE_NAME if base == "/" else f"{base.strip('/').rsplit('/', 1)[-1]} Archives - {SITE_NAME}"
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"\n'
        '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
        '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
        '\txmlns:atom="http://www.w3.org/2005/Atom"\n>\n<channel>\n'
        f"\t<title>{esc(title)}</title>\n"
        f'\t<atom:link href="{feed_url}" rel="self" type="application/rss+xml" />\n'
        f"\t<link>{origin}{base}</link>\n\t<description>{esc(content.tagline)}</description>\n"
        f"\t<language>en-US</language>\n\t<generator>https://wordpress.org/?v=6.4.2</generator>\n"
        f"{items}</channel>\n</rss>\n"
    )


def atom(content: DemoContent, origin: str) -> str:
    """Atom 1.0 of every post, newest first (WordPress's ``/feed/atom/``)."""
    posts = content.articles
    updated = max((_changed(a) for a in posts), default="2024-01-01T00:00:00+00:00")
    entries = "".join(
        "\t<entry>\n"
        + "".join(f"\t\t<author><name>{esc(n)}</name></author>\n" for n in a.authors)
        + f'\t\t<title type="html"><![CDATA[{a.title}]]></title>\n'
        f'\t\t<link rel="alternate" type="text/html" href="{origin}{a.path}" />\n'
        f"\t\t<id>{origin}/?p={a.id}</id>\n\t\t<updated>{_changed(a)}</updated>\n"
        f"\t\t<published>{_when(a.published).isoformat()}</published>\n"
        f'\t\t<summary type="html"><![CDATA[{a.excerpt}]]></summary>\n\t</entry>\n'
        for a in posts
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"'
        ' xml:lang="en-US">\n'
        f'\t<title type="text">{esc(SITE_NAME)}</title>\n'
        f'\t<subtitle type="text">{esc(content.tagline)}</subtitle>\n'
        f"\t<updated>{updated}</updated>\n"
        f'\t<link rel="alternate" type="text/html" href="{origin}/" />\n'
        f"\t<id>{origin}/feed/atom/</id>\n"
        f'\t<link rel="self" type="application/atom+xml" href="{origin}/feed/atom/" />\n'
        f"{entries}</feed>\n"
    )


def json_feed(content: DemoContent, origin: str) -> str:
    """JSON Feed 1.1 of every post, newest first."""
    items = [
        {
            "id": str(a.id),
            "url": origin + a.path,
            "title": a.title,
            "summary": a.excerpt,
            "date_published": _when(a.published).isoformat(),
            "date_modified": _changed(a),
            "authors": [{"name": n} for n in a.authors],
            "tags": list(a.section),
        }
        for a in content.articles
    ]
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": SITE_NAME,
        "home_page_url": origin + "/",
        "feed_url": origin + "/feed/json/",
        "language": "en-US",
        "items": items,
    }
    return json.dumps(feed, indent=1, ensure_ascii=False) + "\n"


def sitemap_index(content: DemoContent, origin: str) -> str:
    """Yoast's ``sitemap_index.xml``: the post sitemaps and the news sitemap."""
    halves = _post_halves(content)
    rows = [
        (path, max((_changed(a) for a in half), default=""))
        for path, half in zip(POST_SITEMAPS, halves, strict=True)
    ]
    rows.append((NEWS_SITEMAP, max((_changed(a) for a in content.articles), default="")))
    body = "".join(
        f"\t<sitemap>\n\t\t<loc>{origin}{path}</loc>\n\t\t<lastmod>{lastmod}</lastmod>\n"
        "\t</sitemap>\n"
        for path, lastmod in rows
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<sitemapindex xmlns="{_SM_NS}">\n{body}</sitemapindex>\n'
        "<!-- XML Sitemap generated by Yoast SEO -->\n"
    )


def post_sitemap(content: DemoContent, origin: str, path: str) -> bytes:
    """One post sitemap (oldest posts first, as Yoast orders them); the ``.gz`` one gzip'd."""
    half = _post_halves(content)[POST_SITEMAPS.index(path)]
    body = "".join(
        f"\t<url>\n\t\t<loc>{origin}{a.path}</loc>\n\t\t<lastmod>{_changed(a)}</lastmod>\n"
        "\t</url>\n"
        for a in half
    )
    xml = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{_SM_NS}">\n{body}</urlset>\n'
        "<!-- XML Sitemap generated by Yoast SEO -->\n"
    ).encode()
    return gzip.compress(xml, compresslevel=6, mtime=0) if path.endswith(".gz") else xml


def news_sitemap(content: DemoContent, origin: str) -> str:
    """A Google News sitemap (``news:publication_date``, ``news:title``) of every post."""
    body = "".join(
        f"\t<url>\n\t\t<loc>{origin}{a.path}</loc>\n\t\t<news:news>\n"
        "\t\t\t<news:publication>\n"
        f"\t\t\t\t<news:name>{esc(SITE_NAME)}</news:name>\n"
        "\t\t\t\t<news:language>en</news:language>\n\t\t\t</news:publication>\n"
        f"\t\t\t<news:publication_date>{_when(a.published).isoformat()}"
        "</news:publication_date>\n"
        f"\t\t\t<news:title>{esc(a.title)}</news:title>\n\t\t</news:news>\n\t</url>\n"
        for a in content.articles
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<urlset xmlns="{_SM_NS}" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n'
        f"{body}</urlset>\n"
    )


def robots_txt(static: bytes, origin: str) -> bytes:
    """The site's robots.txt with Yoast's ``Sitemap:`` lines for ``origin`` appended."""
    return (
        static.rstrip(b"\n")
        + (f"\n\nSitemap: {origin}{SITEMAP_INDEX}\nSitemap: {origin}{NEWS_SITEMAP}\n").encode()
    )


def feed_link_tags(origin: str, base: str = "/") -> str:
    """``<link rel="alternate">`` tags WordPress puts in every page's head (the site's feed,
    and on a section page the section's feed)."""
    tags = [
        f'    <link rel="alternate" type="application/rss+xml" title="{esc(SITE_NAME)} &raquo;'
        f' Feed" href="{origin}/feed/" />'
    ]
    if base.startswith("/category/"):
        tags.append(
            f'    <link rel="alternate" type="application/rss+xml" title="{esc(SITE_NAME)} &raquo;'
            f' Category Feed" href="{origin}{base}feed/" />'
        )
    return "\n".join(tags)


def _post_halves(content: DemoContent) -> tuple[list[DemoArticle], list[DemoArticle]]:
    oldest_first = list(reversed(content.articles))
    middle = (len(oldest_first) + 1) // 2
    return oldest_first[:middle], oldest_first[middle:]


def section_feed_base(route: str, content: DemoContent) -> str | None:
    """The section path of a ``/category/<...>/feed/`` route, if that section exists."""
    if not route.startswith("/category/") or not route.endswith("/feed/"):
        return None
    base = route.removesuffix("feed/")
    return base if any(section_path(s) == base for s in content.sections) else None
