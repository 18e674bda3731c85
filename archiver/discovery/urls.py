"""URL normalisation for deduplication, and a URL-shape guess of article vs listing."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, unquote_plus, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url, url_query_cleaner

_TRACKING = re.compile(
    r"^(utm_[a-z]+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|at_medium|at_campaign)$"
)
_LISTING_PART = re.compile(
    r"^(category|categories|tag|tags|topic|topics|section|sections|author|authors|page|feed|"
    r"search|archive|archives|wp-content|wp-admin|wp-json|amp)$"
)
_DATE_PATH = re.compile(
    r"/(19|20)\d{2}/(0?[1-9]|1[0-2]|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"(/(0?[1-9]|[12]\d|3[01]))?(?=/|-|$)",
    re.I,
)
"""A year and month in the path (``/2024/05``, ``/2024/mar``), and a day if there is one."""
_ITEM_PARENT = re.compile(r"^(article|articles|story|stories|post|posts|a|p)$", re.I)
"""A path segment that names the item after it (``/article/ID``, ``/news/articles/ID``)."""
_ITEM_ID = re.compile(r"^(?=[a-z0-9]{6,}$)(?=.*\d)[a-z0-9]+$", re.I)
"""An opaque id: six or more letters and digits, one digit at least."""
_LONG_ID = re.compile(r"\d{5,}")
_FILE = re.compile(
    r"\.(jpe?g|png|gif|webp|avif|heic|bmp|ico|tiff?|svg|pdf|docx?|xlsx?|pptx?|odt|ods|csv|txt"
    r"|epub|css|js|mjs|map|xml|gz|json|rss|atom|zip|rar|7z|tar|mp[34]|m4[av]|webm|mov|ogg|wav"
    r"|woff2?|ttf|otf|eot)$",
    re.I,
)
_NOT_UNDER = re.compile(r"^(wp-content|wp-admin|wp-json|wp-includes|feed|search|tag|tags)$")
"""Segments under which a date files no article: WordPress's uploads and admin, feeds,
searches and tags by date."""


def without_tracking(url: str) -> str:
    """``url`` without tracking parameters (``utm_*``, ``fbclid``, ...) and fragment, the rest as
    it is: the URL of the page itself, not of the link a campaign or a feed counts clicks of."""
    parts = urlsplit(url)
    names = {  # as written in the query (url_query_cleaner compares them so), decoded to match
        raw
        for raw in (pair.partition("=")[0] for pair in parts.query.split("&"))
        if _TRACKING.match(unquote_plus(raw).lower())
    }
    if not names:
        return urlunsplit(parts._replace(fragment=""))
    return url_query_cleaner(url, sorted(names), remove=True, unique=False)


def normalize_url(url: str) -> str:
    """The form two URLs of one page share: canonical query order, no fragment, no tracking
    parameters, lower-case host, no default port (w3lib's ``canonicalize_url`` plus those)."""
    parts = urlsplit(url.strip())
    query = urlencode(
        [
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING.match(k.lower())
        ]
    )
    netloc = (parts.hostname or "").lower()
    if parts.port and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        netloc += f":{parts.port}"
    return canonicalize_url(
        urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", query, ""))
    )


def url_shape(url: str) -> str:
    """``article``, ``listing`` or ``unknown``, judged from the URL alone.

    Article: a date in the path (``/2024/05/``, ``/2024/mar/``) followed by the item's slug or
    id, whatever comes before the date (``/sections/health-shots/2024/05/01/1248166474/...``,
    ``/politics/archive/2024/05/trump-trial-verdict-jury/678256/``) but WordPress's
    ``wp-content`` (uploads by date), feeds, searches and tags (``_NOT_UNDER``); a file
    (``_FILE``: images, documents, media, fonts) is no page. Listing: the site root, a
    date archive (a date and nothing after it, or a category/tag/page/feed segment), a path
    through such a segment. Article again: a long numeric id, an id of letters and digits after
    an ``article``/``story``/``post`` segment (``/news/articles/cx2l0w3g4v9o``), or a last
    segment of four or more hyphenated words (a WordPress-style slug). The page itself decides
    in the end (:func:`archiver.extract.body.page_type`); this only picks which links to fetch.
    """
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        return "unknown"
    segments = [s for s in parts.path.split("/") if s]
    if not segments:
        return "listing"
    if _FILE.search(segments[-1]):
        return "unknown"
    date = _DATE_PATH.search(parts.path)
    if date:
        before = parts.path[: date.start()].lower().split("/")
        if any(_NOT_UNDER.match(s) for s in before):
            return "listing"
        after = [s for s in parts.path[date.end() :].split("/") if s]
        listing = any(_LISTING_PART.match(s.lower()) for s in after)
        return "article" if after and not listing else "listing"
    if any(_LISTING_PART.match(s.lower()) for s in segments):
        return "listing"
    last = segments[-1].rsplit(".", 1)[0]
    if _LONG_ID.search(last):
        return "article"
    if len(segments) > 1 and _ITEM_PARENT.match(segments[-2]) and _ITEM_ID.match(last):
        return "article"
    if len([w for w in re.split(r"[-_]", last) if w]) >= 4:
        return "article"
    return "unknown"
