"""Discovery: where a crawl finds article URLs besides section pages, without Scrapy.

:mod:`~archiver.discovery.feeds` reads RSS, Atom and JSON Feed documents and finds feeds linked
from a page; :mod:`~archiver.discovery.sitemaps` reads sitemaps, sitemap indexes (``.gz`` too)
and Google News sitemaps, and the ``Sitemap:`` lines of robots.txt;
:mod:`~archiver.discovery.urls` normalises URLs for deduplication and guesses from a URL's shape
whether it names an article or a listing; :mod:`~archiver.discovery.suggest` drafts an outlet
definition for a site. The spider (``spiders/news.py``) wires them into a crawl.
"""

from archiver.discovery.feeds import FeedEntry, feed_links, parse_feed
from archiver.discovery.sitemaps import Sitemap, SitemapEntry, parse_sitemap, robots_sitemaps
from archiver.discovery.urls import normalize_url, url_shape

__all__ = [
    "FeedEntry",
    "Sitemap",
    "SitemapEntry",
    "feed_links",
    "normalize_url",
    "parse_feed",
    "parse_sitemap",
    "robots_sitemaps",
    "url_shape",
]
