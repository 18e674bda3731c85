"""HTML page -> :class:`~archiver.items.Article` (core layer: no Scrapy).

trafilatura gives the body text; the page's own structured data and markup give the rest:

========== ===========================================================================
module     job
========== ===========================================================================
markup     decode bytes, parse once with lxml, index meta tags and JSON-LD
metadata   title, site name, description, language, canonical URL, section
dates      published and modified dates
authors    authors, byline, author-box text
body       trafilatura's text cleaned into paragraphs; article / listing / other
extractor  :class:`ArticleExtractor`, which runs them all
========== ===========================================================================
"""

from __future__ import annotations

from archiver.extract.extractor import EXTRACTOR_VERSION, ArticleExtractor

__all__ = ["EXTRACTOR_VERSION", "ArticleExtractor"]
