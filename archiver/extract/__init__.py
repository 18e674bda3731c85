"""HTML page -> :class:`~archiver.items.Article` (core layer: no Scrapy).

trafilatura gives the body text; the page's own structured data and markup give the rest:

============ =========================================================================
module       job
============ =========================================================================
markup       decode bytes, parse once with lxml, index meta tags and JSON-LD
title        the headline: h1 vs declared titles, kickers, site-name tails
metadata     site name, description, language, canonical URL, section, tags, paywall
dates        published and modified dates
authors      authors and byline, by order of trust
names        cleaning and splitting author names
images       lead and in-article images with captions
body         trafilatura's text cleaned into paragraphs; article / listing / other
boilerplate  the general rules that drop promos, credits, prompts and furniture
batch        one saved page or a manifest of many (``archiver extract``)
extractor    :class:`ArticleExtractor`, which runs them all
============ =========================================================================
"""

from __future__ import annotations

from archiver.extract.extractor import EXTRACTOR_VERSION, ArticleExtractor

__all__ = ["EXTRACTOR_VERSION", "ArticleExtractor"]
