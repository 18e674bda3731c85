"""The items that travel through the pipeline: a fetched page and the article extracted from it."""

from __future__ import annotations

from typing import Any

import attrs


@attrs.define(kw_only=True)
class Dateline:
    """The dateline that opens an article body: ``Astana, 10 December 2023 (TDI):``."""

    raw: str
    """The exact span as it stands in the body, separator included (``"Astana, ... (TDI):"``)."""
    place: str | None = None
    """The place named first (``"Astana"``, ``"WASHINGTON"``), as written."""
    date: str | None = None
    """The date it gives, ISO ``YYYY-MM-DD``; a date without a year takes the published year.
    An undated dateline takes the published date (provenance ``dateline.date: published``)."""
    agency: str | None = None
    """The agency in parentheses or slashes (``"TDI"``, ``"Reuters"``, ``"AP"``)."""


@attrs.define(kw_only=True)
class CaptureRef:
    """Where a response record lives in the archive; what links an article to its exact bytes."""

    record_id: str
    """``WARC-Record-ID`` of the response record, ``<urn:uuid:...>``."""
    warc_file: str
    """File name (no directory) of the finished WARC file, without ``.open``."""
    offset: int
    """Byte offset of the record's gzip member in that file."""
    length: int
    """Length in bytes of the record's gzip member."""
    payload_digest: str | None = None
    """``WARC-Payload-Digest`` of the response (``sha1:BASE32``)."""
    date: str | None = None
    """``WARC-Date`` of the response record (ISO 8601 UTC)."""
    warc_type: str = "response"
    """``response``, or ``revisit`` when the payload is that of an earlier capture."""
    refers_to: str | None = None
    """For a revisit: ``WARC-Refers-To``, the record id of the capture holding the payload."""


@attrs.define(kw_only=True)
class Page:
    """A fetched HTML page handed from the spider to the extraction pipeline."""

    url: str
    """Final URL of the response (after redirects)."""
    outlet: str
    """Name of the outlet definition the crawl runs."""
    html: bytes
    """The decoded (Content-Encoding undone) response body."""
    encoding: str | None = None
    """The charset the Content-Type header names, if any (``archiver.extract.markup.decode_html``
    reads the page's own declarations itself, and takes windows-1252 where no one names one)."""
    capture: CaptureRef | None = None
    """The response record this page was read from."""
    section_hint: list[str] = attrs.Factory(list)
    """Section path of the listing page that linked to the article, a fallback for ``section``."""


@attrs.define(kw_only=True)
class Article:
    """One news article as extracted from one captured page."""

    url: str
    """URL the page was fetched from."""
    outlet: str | None = None
    """Name of the outlet definition the crawl ran."""
    canonical_url: str | None = None
    """``<link rel=canonical>`` or ``og:url``, absolute."""
    title: str | None = None
    """The on-page headline, without site-name suffix."""
    body: str = ""
    """Paragraphs as published, blank-line separated; opens with the dateline if the page does."""
    authors: list[str] = attrs.Factory(list)
    """Clean person or agency names: no "By", no bio, duplicates merged."""
    byline: str | None = None
    """The raw byline text as it stands on the page."""
    dateline: Dateline | None = None
    """The parsed dateline, or ``None`` when the body opens without one."""
    published: str | None = None
    """Publication date, ISO 8601 (with time and zone when given); never the crawl time."""
    modified: str | None = None
    """Last-modified date, ISO 8601, when the page gives one."""
    section: list[str] = attrs.Factory(list)
    """Section path from breadcrumbs (``["World", "Asia", "Kazakhstan"]``), outermost first."""
    language: str | None = None
    """ISO 639-1 language code (``"en"``)."""
    site_name: str | None = None
    """The outlet's name as the page states it (``og:site_name``)."""
    description: str | None = None
    """The page's summary (``og:description`` or ``meta description``)."""
    tags: list[str] = attrs.Factory(list)
    """The article's tags or keywords (``article:tag``, JSON-LD ``keywords``, ``rel=tag`` links),
    in page order, duplicates merged."""
    images: list[dict[str, str | None]] = attrs.Factory(list)
    """The article's images, lead image first: ``{"url": absolute URL, "caption": text or
    None}`` from ``og:image``, JSON-LD ``image`` and the ``<figure>``s of the article."""
    is_paywalled: bool | None = None
    """JSON-LD's or microdata's ``isAccessibleForFree`` (of the article or of one of its
    ``hasPart``) inverted, else ``article:content_tier``: ``True`` behind a paywall, ``False``
    free, ``None`` when the page does not say."""
    page_type: str = "article"
    """``article``, ``listing`` or ``other``; only articles are indexed."""
    provenance: dict[str, str] = attrs.Factory(dict)
    """For each field, the signal that gave it (``json-ld``, ``meta``, ``breadcrumb``, ...)."""
    capture: CaptureRef | None = None
    """The response record the article was extracted from."""
    extractor_version: str | None = None
    """Version of the extractor that produced this article."""

    @property
    def word_count(self) -> int:
        """Number of whitespace-separated words in the body."""
        return len(self.body.split())

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict of every field."""
        return attrs.asdict(self)
