"""Publication and modification dates of an article, as ISO 8601 strings.

Order of trust: JSON-LD ``datePublished``/``dateModified``, then the meta tags
(``article:published_time``, ...), then a ``<time datetime>`` in the article; for the published
date then htmldate (trafilatura's call, ``original_date=True``) and finally the dateline. The value
keeps time and zone when the page gives them (``2023-12-10T09:12:00+00:00``), else it is the day
(``2023-12-10``). Nothing here ever reads the clock for a value: the clock only bounds what is
plausible (no dates in the future, none before 1990).
"""

from __future__ import annotations

import datetime
import email.utils
import logging
import re
from typing import Any

from lxml.html import HtmlElement

from archiver.extract.markup import PageSignals, class_tokens, in_chrome

logger = logging.getLogger(__name__)

Found = tuple[str | None, str | None]

_PUBLISHED_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "article.published",
    "publishdate",
    "publish-date",
    "pubdate",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "date",
)
_MODIFIED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
)
_PUBLISHED_HINT = re.compile(r"publish|pubdate|posted|entry-date|created|datepublished", re.I)
_MODIFIED_HINT = re.compile(r"modif|updat|datemodified", re.I)
_DATE_ONLY = re.compile(r"\d{4}-\d\d-\d\d")
_HAS_TIME = re.compile(r"\d{1,2}:\d\d")
_EARLIEST = datetime.date(1990, 1, 1)


def find_dates(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None, scope: HtmlElement
) -> tuple[Found, Found]:
    """``((published, signal), (modified, signal))`` from JSON-LD, meta tags and ``<time>``
    elements inside ``scope`` (the article's container)."""
    published: Found = (None, None)
    modified: Found = (None, None)
    if article:
        published = _first(article.get("datePublished") or article.get("dateCreated"), "json-ld")
        modified = _first(article.get("dateModified"), "json-ld")
    if published[0] is None:
        published = _first([signals.meta.get(k) for k in _PUBLISHED_META], "meta")
    if modified[0] is None:
        modified = _first([signals.meta.get(k) for k in _MODIFIED_META], "meta")
    if published[0] is None or modified[0] is None:
        times = [t for t in scope.iter("time") if t.get("datetime") and not in_chrome(t)]
        hints = [" ".join([*class_tokens(t), t.get("itemprop") or ""]) for t in times]
        if published[0] is None:
            preferred = [t for t, h in zip(times, hints, strict=True) if _PUBLISHED_HINT.search(h)]
            others = [t for t, h in zip(times, hints, strict=True) if not _MODIFIED_HINT.search(h)]
            published = _first([t.get("datetime") for t in preferred + others], "time-tag")
        if modified[0] is None:
            updated = [  # "entry-date updated" is WordPress's published date, not a change
                t
                for t, h in zip(times, hints, strict=True)
                if _MODIFIED_HINT.search(h) and not _PUBLISHED_HINT.search(h)
            ]
            modified = _first([t.get("datetime") for t in updated], "time-tag")
    return published, modified


def _first(values: Any, signal: str) -> Found:
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, str) and (iso := normalise_date(value)):
            return iso, signal
    return None, None


def normalise_date(value: str) -> str | None:
    """A date as the page writes it -> ISO 8601 (with time and zone when given), or None."""
    value = value.strip()
    if not value or not re.search(r"\d", value):
        return None
    parsed: datetime.datetime | datetime.date | None = None
    if _DATE_ONLY.fullmatch(value):
        parsed = _safe(lambda: datetime.date.fromisoformat(value))
    else:
        parsed = _safe(lambda: datetime.datetime.fromisoformat(value.replace(" ", "T", 1)))
        if parsed is None:
            parsed = _safe(lambda: email.utils.parsedate_to_datetime(value))
        if parsed is None:
            parsed = _dateparser(value)
    if isinstance(parsed, datetime.datetime):
        if not _HAS_TIME.search(value):
            parsed = parsed.date()
        elif parsed.microsecond:
            parsed = parsed.replace(microsecond=0)
    if parsed is None or not _plausible(parsed):
        return None
    return parsed.isoformat()


def _safe(parse: Any) -> Any:
    try:
        return parse()
    except (ValueError, TypeError, IndexError, OverflowError):
        return None


def _dateparser(value: str) -> datetime.datetime | None:
    if len(value) > 60:
        return None
    import dateparser  # slow to import; only pages with free-text dates need it

    settings: Any = {"PREFER_DATES_FROM": "past", "REQUIRE_PARTS": ["day", "month", "year"]}
    return _safe(lambda: dateparser.parse(value, settings=settings))


def _plausible(value: datetime.datetime | datetime.date) -> bool:
    day = value.date() if isinstance(value, datetime.datetime) else value
    tomorrow = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=1)
    return _EARLIEST <= day <= tomorrow


def as_date(iso: str | None) -> datetime.date | None:
    """The day of an ISO 8601 value (``2023-12-10T09:12:00+00:00`` -> ``date(2023, 12, 10)``)."""
    if not iso:
        return None
    return _safe(lambda: datetime.date.fromisoformat(iso[:10]))
