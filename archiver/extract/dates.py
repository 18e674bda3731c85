"""Publication and modification dates of an article, as ISO 8601 strings.

Order of trust: JSON-LD ``datePublished``/``dateModified``, then the meta tags
(``article:published_time``, ...), then a ``<time datetime>`` in the article; for the published
date then what the page shows (the date in the lines under the headline, a ``data-timestamp``
in the article, a labelled date such as ``Datum 28.04.2023``), then htmldate (trafilatura's
call, ``original_date=True``) and finally the dateline. The value keeps time and zone when the
page gives them (``2023-12-10T09:12:00+00:00``), else it is the day (``2023-12-10``); a day
without time, or a time without zone, takes them from a later machine-readable signal that
agrees with it (the same day, and time where both have one). Nothing
here ever reads the clock for a value: the clock only bounds what is plausible (no dates in the
future, none before 1990). A time in UTC is given in the zone a ``<time>`` of the article shows
it in (``19:06 Uhr`` for ``17:06Z``), else in the zone of the page's other times around it when
they all state one (a New York station's page writes its programme in ``-0400``): the same
instant, on the publisher's clock and calendar day.
"""

from __future__ import annotations

import datetime
import email.utils
import functools
import logging
import re
from collections.abc import Callable, Collection, Iterable, Iterator
from typing import Any

import attrs
import lxml.etree
from lxml.html import HtmlElement

from archiver.dateline import MONTH_PATTERN, month_number
from archiver.extract.markup import (
    PageSignals,
    class_tokens,
    clean_text,
    in_chrome,
    text_of,
    word_set,
)
from archiver.extract.metadata import norm

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
_MERIDIEM = re.compile(r"\d\s*[ap]\.?m\b\.?", re.I)  # "9:12 pm", "6:15 P.M."
_EARLIEST = datetime.date(1990, 1, 1)
_TEXT_DATE = re.compile(
    r"(?<!\d)(?:(?P<iso_y>(?:19|20)\d\d)(?:-|/|\u5e74\s?)(?P<iso_m>\d{1,2})(?:-|/|\u6708\s?)"
    r"(?P<iso_d>\d{1,2})(?!\d)"
    r"|(?P<dot_d>\d{1,2})\.\s?(?P<dot_m>\d{1,2})\.\s?(?P<dot_y>(?:19|20)\d\d)"
    r"|(?P<dd_d>\d\d)\.(?P<dd_m>\d\d)\.(?P<dd_y>\d\d)(?![\d.])"
    r"|(?P<sl_a>\d{1,2})/(?P<sl_b>\d{1,2})/(?P<sl_y>(?:19|20)\d\d)"
    rf"|(?P<dm_d>\d{{1,2}})(?:st|nd|rd|th)?\.?\s+(?:de\s+)?(?P<dm_m>{MONTH_PATTERN}),?\s+"
    r"(?:de\s+)?(?P<dm_y>(?:19|20)\d\d)"
    # a month's 468 names are tried only where a word of their length is followed by a
    # number: at every other place of a page's text they cost 13 microseconds a character
    rf"|(?=[^\W\d_]{{3,12}}\.?\s+\d)(?P<md_m>{MONTH_PATTERN})\s+(?P<md_d>\d{{1,2}})"
    r"(?:st|nd|rd|th)?,?\s+(?P<md_y>(?:19|20)\d\d))"
    r"(?!\d)"
)
_DATE_LABEL = re.compile(
    r"(?i:datum|dated|date|published(?: on)?|publication date|posted(?: on)?"
    r"|ver\u00f6ffentlicht(?: am)?|erschienen(?: am)?|publi\u00e9(?: le)?|publicado(?: el)?"
    r"|pubblicato(?: il)?|gepubliceerd(?: op)?|publicerad|publisert)"
    r"(?=\s*:|\s+\d|\s*$)\s*:?\s*(?P<rest>.*)$"  # "Date: ...", "Datum 28.04.", not "Date of"
)
_FOLLOWING_TEXT = lxml.etree.XPath(
    "following::text()[normalize-space()]"
    "[not(ancestor::script or ancestor::style or ancestor::figure or ancestor::figcaption)]"
    "[position() <= 12]",
    smart_strings=False,
)
_TEXTS = lxml.etree.XPath(
    "//body//text()[normalize-space()][not(ancestor::script or ancestor::style)]",
    smart_strings=False,
)
_EPOCH_NAMES = ("data-time", "data-timestamp", "data-utime", "data-epoch", "data-time-ms")
_EPOCH_ATTRS = lxml.etree.XPath(
    ".//*[@data-time or @data-timestamp or @data-utime or @data-epoch or @data-time-ms]"
)
_SENTENCE = re.compile(r"(?:\S+\s+){5,}\S*[.!?]$")  # six words or more and a full stop
_ZONE_READINGS = {
    # Abbreviations that name different zones in different countries (IANA's and
    # timeanddate.com's lists), with the UTC offsets news pages mean by them. dateparser reads
    # each one way (IST as Israel's +02:00, also on Indian pages), so the page decides.
    "IST": ("+05:30", "+02:00", "+01:00"),  # India, Israel, Ireland
    "CST": ("-06:00", "+08:00", "-05:00"),  # US Central, China, Cuba
    "CDT": ("-05:00", "-04:00"),  # US Central, Cuba
    "BST": ("+01:00", "+06:00"),  # British Summer, Bangladesh
    "AST": ("-04:00", "+03:00"),  # Atlantic, Arabia
    "PST": ("-08:00", "+08:00"),  # US Pacific, Philippines
    "GST": ("+04:00", "-02:00"),  # Gulf, South Georgia
    "SST": ("-11:00", "+08:00"),  # Samoa, Singapore
}
_AMBIGUOUS_ZONE = re.compile(rf"\(?(?<![A-Za-z])({'|'.join(_ZONE_READINGS)})(?![A-Za-z])\)?")
_OFFSET = re.compile(r"(?:([+-]\d\d):?(\d\d)|(?<=\d)Z)$")
_TIME_SOURCES = {"script": None, "meta": "content", "time": "datetime"}
"""Where a page writes machine-readable times: a script's text, an attribute of the others."""
_STAMP = re.compile(  # a time with its UTC offset, ISO 8601 or RFC 2822, ending a text
    r"(?<!\d)(?:(?P<iso>(?:19|20)\d\d-\d\d-\d\d[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)"
    r"(?P<iso_off>[+-]\d\d:?\d\d)"
    r"|(?P<rfc>\d{1,2} [A-Z][a-z]{2} (?:19|20)\d\d \d\d:\d\d(?::\d\d)?) (?P<rfc_off>[+-]\d{4}))"
    r"$"
)
_STAMP_TAIL = re.compile(r":\d\d(?::\d\d(?:\.\d+)?)?(?:[+-]\d\d:?\d\d| [+-]\d{4})(?!\d)")
"""The end of a :data:`_STAMP`: searched first, as a ``:`` is quick to find and rare enough."""
_CLOCK = re.compile(  # "19:06", "11h30", "1:06 pm", "4.34pm"
    r"(?<![\d.:])(?P<h>\d{1,2})(?::(?P<m>\d\d)|h(?P<hm>\d\d)|\.(?P<dm>\d\d)(?=\s?[ap]\.?\s?m\b))"
    r"(?![\d:])(?:\s?(?P<ampm>[ap])\.?\s?m\b)?",
    re.I,
)
_AROUND = datetime.timedelta(hours=36)
"""How near a time of the page must be to the publication time to tell the zone it was in
(a stamp of another season may be of another offset: summer time)."""
_LOOK_AHEAD = 12  # text pieces after the headline: kicker, byline, date, share buttons ...
_SHORT_TEXT = 80  # a date line is short; a longer text is the article (or a caption)


@attrs.define
class FoundDates:
    """The dates :func:`find_dates` found, and the declared ones they were chosen from."""

    published: Found
    modified: Found
    published_declared: list[Found] = attrs.Factory(list)
    """JSON-LD's and the meta tags' publication dates, in that order, but for the winner's own
    signal: its rivals."""
    modified_declared: list[Found] = attrs.Factory(list)
    published_time: str | None = None
    """The signal that gave ``published`` its time or zone, when not the one that gave it."""
    modified_time: str | None = None


def find_dates(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None, scope: HtmlElement
) -> FoundDates:
    """The published and modified dates (with their signals) from JSON-LD, meta tags and
    ``<time>`` elements inside ``scope`` (the article's container), and the declared ones
    (JSON-LD, meta) that they are compared with."""
    given = [
        *(
            (article.get(k) for k in ("datePublished", "dateCreated", "dateModified"))
            if article
            else ()
        ),
        *(signals.meta.get(k) for k in (*_PUBLISHED_META, *_MODIFIED_META)),
    ]
    offsets = _offsets(given)
    declared = FoundDates(
        published=(None, None),
        modified=(None, None),
        published_declared=[
            _first(article.get("datePublished") or article.get("dateCreated"), "json-ld", offsets)
            if article
            else (None, None),
            _first([signals.meta.get(k) for k in _PUBLISHED_META], "meta", offsets),
        ],
        modified_declared=[
            _first(article.get("dateModified"), "json-ld", offsets) if article else (None, None),
            _first([signals.meta.get(k) for k in _MODIFIED_META], "meta", offsets),
        ],
    )
    published = next((f for f in declared.published_declared if f[0]), (None, None))
    modified = next((f for f in declared.modified_declared if f[0]), (None, None))
    if published[0] is None:
        published = _first(_microdata(root, "datePublished", "dateCreated"), "microdata", offsets)
    if modified[0] is None:
        modified = _first(_microdata(root, "dateModified"), "microdata", offsets)
    time_tags = _TimeTags(scope, offsets)
    if published[0] is None:
        published = time_tags.published
    if modified[0] is None:
        modified = time_tags.modified
    # A later signal that agrees may give the time, then the zone, the first one lacks.
    published, declared.published_time = _refined(
        published,
        lambda: (
            declared.published_declared[0],
            *(
                (normalise_date(v, offsets=offsets), "meta")
                for v in _meta(signals, _PUBLISHED_META)
            ),
            _first(_microdata(root, "datePublished", "dateCreated"), "microdata", offsets),
            time_tags.published,
        ),
    )
    modified, declared.modified_time = _refined(
        modified,
        lambda: (
            declared.modified_declared[0],
            *((normalise_date(v, offsets=offsets), "meta") for v in _meta(signals, _MODIFIED_META)),
            _first(_microdata(root, "dateModified"), "microdata", offsets),
            time_tags.modified,
        ),
    )
    if published[0] is None:
        published = _headline_date(root, signals, article)
    if published[0] is None:
        published = _epoch_date(scope)
    if published[0] is None:
        published = _labelled_date(root)
    moment = _utc(published[0])
    if moment and (zone := _shown_zone(scope, moment) or _local_zone(root, moment)):
        published = (_in_zone(published[0], zone, moment), published[1])
        modified = (_in_zone(modified[0], zone, moment), modified[1])
    declared.published, declared.modified = published, modified
    # the winner's own signal is no rival: its value may now have a time, a zone, another zone
    declared.published_declared = [f for f in declared.published_declared if f[1] != published[1]]
    declared.modified_declared = [f for f in declared.modified_declared if f[1] != modified[1]]
    return declared


def agree(a: str, b: str) -> bool:
    """Two ISO 8601 values say the same, to the minute: one the start of the other
    (``2024-03-03`` and ``2024-03-03T10:00:00+05:00``), the same instant in two zones, or the
    same time of day where one has no zone (``13:42:06+08:00`` and ``13:42:00``)."""
    if a.startswith(b) or b.startswith(a):
        return True
    x, y = _aware(a), _aware(b)
    if x is not None and y is not None:
        return abs(x - y) < datetime.timedelta(minutes=1)
    return len(a) >= 16 and a[10:11] == "T" and a[:16] == b[:16]


def _aware(value: str) -> datetime.datetime | None:
    """``value`` as a datetime when it is a time with its zone."""
    when = _safe(lambda: datetime.datetime.fromisoformat(value)) if "T" in value else None
    return when if when is not None and when.utcoffset() is not None else None


class _TimeTags:
    """The ``datetime`` of the ``<time>`` elements in the article (outside its chrome): the
    first marked published or not marked updated, and the first marked updated; read once,
    when first needed."""

    def __init__(self, scope: HtmlElement, offsets: Collection[str]) -> None:
        self._scope, self._offsets = scope, offsets

    @functools.cached_property
    def _times(self) -> list[tuple[HtmlElement, str]]:
        times = [t for t in self._scope.iter("time") if t.get("datetime") and not in_chrome(t)]
        return [(t, " ".join([*class_tokens(t), t.get("itemprop") or ""])) for t in times]

    @functools.cached_property
    def published(self) -> Found:
        preferred = [t for t, h in self._times if _PUBLISHED_HINT.search(h)]
        others = [t for t, h in self._times if not _MODIFIED_HINT.search(h)]
        return _first([t.get("datetime") for t in preferred + others], "time-tag", self._offsets)

    @functools.cached_property
    def modified(self) -> Found:
        updated = [  # "entry-date updated" is WordPress's published date, not a change
            t for t, h in self._times if _MODIFIED_HINT.search(h) and not _PUBLISHED_HINT.search(h)
        ]
        return _first([t.get("datetime") for t in updated], "time-tag", self._offsets)


def _meta(signals: PageSignals, keys: tuple[str, ...]) -> list[str]:
    return [v for k in keys if (v := signals.meta.get(k))]


def _refined(found: Found, later: Callable[[], Iterable[Found]]) -> tuple[Found, str | None]:
    """``found``, or a more precise value of a ``later`` signal (one with the time where
    ``found`` has the day only, with the zone where it has none) that agrees with it: the same
    day, and the same time to the minute where both have one; never a different day. With the
    signal that gave the more precise value. ``later`` is called only when ``found`` lacks a
    time or zone."""
    value, signal = found
    if value is None or _precision(value) == 2:
        return found, None
    source = None
    for other, other_signal in later():
        if (
            other
            and other_signal
            and _precision(other) > _precision(value)
            and other[:10] == value[:10]
            and ("T" not in value or other[11:16] == value[11:16])
        ):
            value, source = other, other_signal
            if _precision(value) == 2:
                break
    return (value, signal), source


def _precision(value: str) -> int:
    """0 for a day, 1 for a time without zone, 2 for a time with its zone."""
    return 0 if "T" not in value else 2 if _OFFSET.search(value) else 1


_ITEMPROP_DATES = lxml.etree.XPath(
    "//*[@itemprop = $first or @itemprop = $second][@content or @datetime]"
)


def _microdata(root: HtmlElement, first: str, second: str = "") -> list[str]:
    """The schema.org microdata dates of ``itemprop`` ``first`` (or ``second``), from the
    ``content`` or ``datetime`` attribute of any element outside the page's chrome (``<span
    itemprop="datePublished" content="2024-03-03T10:15:00+01:00">``)."""
    return [
        str(el.get("content") or el.get("datetime"))
        for el in _ITEMPROP_DATES(root, first=first, second=second or first)
        if not in_chrome(el)
    ]


def _utc(value: str | None) -> datetime.datetime | None:
    """``value`` as a datetime when it is a time in UTC (``...T09:12:00+00:00``), else None."""
    if not value or not value.endswith("+00:00") or "T" not in value:
        return None
    return datetime.datetime.fromisoformat(value)


def _shown_zone(scope: HtmlElement, published: datetime.datetime) -> datetime.tzinfo | None:
    """The zone of the clock a ``<time>`` of the article shows ``published``, a time in UTC, on:
    the element's ``datetime`` is the same minute, and its text the day and time
    the page's readers see (``17.05.2026, 19:06 Uhr`` for ``17:06:53Z``): their difference is
    the offset, when it is a whole quarter of an hour within -12 to +14 hours (UTC itself when
    the page shows the time in UTC)."""
    minute = published.replace(second=0, tzinfo=None)
    for el in scope.iter("time"):
        value = (el.get("datetime") or "").strip()
        when = _safe(lambda v=value: datetime.datetime.fromisoformat(v))
        if when is None or when.utcoffset() is None:
            continue
        if when.astimezone(datetime.UTC).replace(second=0, microsecond=0, tzinfo=None) != minute:
            continue
        if (shown := _shown_time(clean_text(el.text_content()))) is None:
            continue
        quarters, rest = divmod(shown - minute, datetime.timedelta(minutes=15))
        if rest or not -48 <= quarters <= 56:
            return None  # another time than the published one (an update)
        return datetime.timezone(shown - minute)
    return None


def _shown_time(text: str) -> datetime.datetime | None:
    """The day and the time of day written in ``text`` (``17.05.2026, 19:06 Uhr``, ``May 17,
    2026 at 1:06 pm``), or None when it lacks either."""
    if not (day := text_date(text)) or not (clock := _CLOCK.search(text)):
        return None
    hour, minute = int(clock["h"]), int(clock["m"] or clock["hm"] or clock["dm"])
    if clock["ampm"]:
        hour = hour % 12 + (12 if clock["ampm"].lower() == "p" else 0)
    at = _safe(lambda: datetime.time(hour, minute))
    return datetime.datetime.combine(datetime.date.fromisoformat(day), at) if at else None


def _local_zone(root: HtmlElement, moment: datetime.datetime) -> datetime.tzinfo | None:
    """The zone of the page's own times around ``moment``, a time in UTC: the times its
    scripts, meta tags and ``<time>`` elements write within :data:`_AROUND` of it, in a zone
    other than UTC, all state one offset (a TV station's programme around the article, in New
    York time). ``None`` when they state none or several."""
    offsets = set()
    for el in root.iter(*_TIME_SOURCES):
        attribute = _TIME_SOURCES[el.tag]
        text = el.get(attribute) if attribute else el.text
        for tail in _STAMP_TAIL.finditer(text or ""):
            if not (m := _STAMP.search(text, max(0, tail.start() - 30), tail.end())):
                continue
            if m["iso"]:
                value = m["iso"].replace(" ", "T") + m["iso_off"]
                when = _safe(lambda v=value: datetime.datetime.fromisoformat(v))
            else:
                value = f"{m['rfc']} {m['rfc_off']}"
                when = _safe(lambda v=value: email.utils.parsedate_to_datetime(v))
            if when is None or not when.utcoffset() or abs(when - moment) > _AROUND:
                continue  # a time in UTC says nothing of the zone
            offsets.add(when.utcoffset())
            if len(offsets) > 1:
                return None
    return datetime.timezone(offsets.pop()) if offsets else None


def _in_zone(value: str | None, zone: datetime.tzinfo, moment: datetime.datetime) -> str | None:
    """``value``, a time in UTC within :data:`_AROUND` of ``moment``, as the same instant in
    ``zone`` (the offset the page's times state then); anything else as it is."""
    when = _utc(value)
    return when.astimezone(zone).isoformat() if when and abs(when - moment) <= _AROUND else value


def _epoch_date(scope: HtmlElement) -> Found:
    """The first Unix timestamp in a ``data-time``/``data-timestamp`` attribute of the article
    (scripts render these as "3 hours ago"), as a UTC date and time."""
    for el in _EPOCH_ATTRS(scope):
        if in_chrome(el):
            continue
        for name in _EPOCH_NAMES:
            value = (el.get(name) or "").strip()
            if re.fullmatch(r"\d{10}|\d{13}", value):
                seconds = int(value[:10])
                moment = datetime.datetime.fromtimestamp(seconds, datetime.UTC)
                if _plausible(moment):
                    return moment.isoformat(), "data-time"
    return None, None


def _headline_date(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None
) -> Found:
    """The date written in the lines under the headline (``<h1>...</h1><p>13 Jan 2020,
    22:11</p>``), before the first sentence and not in a photo caption: what a reader sees as the
    article's date, where the page has no machine-readable one. It beats htmldate's guess, which
    takes the first date on the page and so often today's date in the site header."""
    if (headline := _headline(root, signals, article)) is not None:
        for text in _FOLLOWING_TEXT(headline)[:_LOOK_AHEAD]:
            if len(text) > _SHORT_TEXT or _SENTENCE.search(text):
                break  # the article (its standfirst) has begun
            if not _MODIFIED_HINT.search(text) and (day := text_date(text)):
                return day, "headline-date"
    return None, None


def _labelled_date(root: HtmlElement) -> Found:
    """A date after a label anywhere on the page (``Datum 28.04.2023``, ``Published: ...``)."""
    texts = [t for t in (clean_text(t) for t in _TEXTS(root)) if t]
    for n, text in enumerate(texts):
        if len(text) <= _SHORT_TEXT and (m := _DATE_LABEL.match(text)):
            for candidate in (m["rest"], *texts[n + 1 : n + 2]):
                if len(candidate) <= _SHORT_TEXT and (day := text_date(candidate)):
                    return day, "date-label"
    return None, None


def _headline(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None
) -> HtmlElement | None:
    """The heading that the page's titles (``<title>``, ``og:title``, JSON-LD ``headline``)
    contain, or that contains one of them; the longest such heading (a blog's name in the
    ``<h1>`` is part of the ``<title>`` too, but shorter than the post's heading)."""
    title_el = root.find(".//title")
    sources = (
        signals.meta.get("og:title"),
        signals.meta.get("twitter:title"),
        article.get("headline") if article else None,
        text_of(title_el) if title_el is not None else None,
    )
    titles = [t for t in (norm(s) for s in sources if isinstance(s, str)) if len(t) >= 6]
    best: tuple[int, HtmlElement] | None = None
    for heading in root.iter("h1", "h2", "h3"):
        text = norm(text_of(heading))
        if len(text) < 6 or not any(text in t or t in text for t in titles):
            continue
        if (best is None or len(text) > best[0]) and not in_chrome(heading):
            best = (len(text), heading)
    return best[1] if best else None


def text_date(text: str) -> str | None:
    """The first calendar date written in ``text`` (``13 Oct 2020``, ``October 13, 2020``,
    ``28.04.2023``, ``25.04.24``, ``2020-10-13``, ``2020年7月12日``), as ``YYYY-MM-DD``; slashed
    dates only when the order is unambiguous (``25/12/2020``)."""
    found = _text_date(text)
    return found[0] if found else None


_WORDS = re.compile(r"[^\W\d_]+")
_TIMES = re.compile(r"\d{1,2}[:.h]\d\d")
_DATE_LINE_WORDS = word_set(
    # weekdays (en, de, fr, es, it, pt, nl), labels and the little words of a date line
    "monday tuesday wednesday thursday friday saturday sunday mon tue wed thu fri sat sun"
    " montag dienstag mittwoch donnerstag freitag samstag sonntag mo di mi do fr sa so"
    " lundi mardi mercredi jeudi vendredi samedi dimanche lunes martes miércoles jueves"
    " viernes sábado domingo lunedì martedì mercoledì giovedì venerdì sabato domenica"
    " segunda terça quarta quinta sexta feira maandag dinsdag woensdag donderdag vrijdag"
    " zaterdag zondag published updated posted modified last on at am pm um uhr den der le"
    " la el de del à mis jour publié publicado actualizado atualizado aggiornato pubblicato"
    " veröffentlicht aktualisiert stand datum date fecha data"
)


def is_date_line(text: str) -> bool:
    """``text`` is a date standing alone (``3. März 2024``, ``Sunday 3 March 2024, 10:15
    CET``, ``Published: 3 Mar 2024``, ``Stand: 03.03.2024 10:15 Uhr``): short, a date, and
    besides it only weekdays, date labels and zones in capitals (``Election day: March 3,
    2024`` is a line of text, ``WASHINGTON, March 3, 2024`` a dateline)."""
    text = text.strip()
    if len(text) > _SHORT_TEXT or (text[-1:] in ".!?" and text[-2:-1].isalpha()):
        return False
    if not (found := _text_date(text)):
        return False
    start, end = found[1].span()
    rest = _WORDS.findall(_TIMES.sub(" ", text[:start] + " " + text[end:]))
    return len(rest) <= 3 and all(
        w.lower() in _DATE_LINE_WORDS or (w.isupper() and len(w) <= 5) for w in rest
    )


def only_in_chrome(root: HtmlElement, scope: HtmlElement, url: str, day: str) -> bool:
    """Whether the page gives the date ``day`` (``YYYY-MM-DD``) only in its chrome (sidebars,
    related links, widgets: :func:`in_chrome`), outside the article (``scope``): not in
    ``url``, the head, or any other element's text or attributes. Such a date is another page's
    (the sidebar's latest posts), not this one's. ``False`` where the page gives it nowhere."""
    year, month, date = day.split("-")
    if any(form in url for form in (day, f"{year}/{month}/{date}", f"{year}{month}{date}")):
        return False
    head, body = root.find("head"), root.find("body")
    if head is not None and any(day in value for value in head.xpath(".//@* | .//text()")):
        return False
    if body is None:
        return False
    number = str(int(date))  # every form of the date writes the day's number

    def gives(text: str | None) -> bool:
        return text is not None and number in text and mentions_day(text, day)

    in_chrome_only = False
    for element in body.iter():
        if not isinstance(element.tag, str):
            continue
        holders = []
        if any(day in value for value in element.attrib.values()) or gives(element.text):
            holders.append(element)
        if gives(element.tail) and (parent := element.getparent()) is not None:
            holders.append(parent)
        for holder in holders:
            inside = scope is not body and any(a is scope for a in holder.iterancestors())
            if inside or holder is scope or not in_chrome(holder):
                return False
            in_chrome_only = True
    return in_chrome_only


def mentions_day(text: str, day: str) -> bool:
    """Whether ``text`` writes the date ``day`` (``YYYY-MM-DD``) in any of the forms
    :func:`text_date` reads."""
    return any(found == day for found, _ in _text_dates(text))


def _text_date(text: str) -> tuple[str, re.Match[str]] | None:
    """:func:`text_date`'s date and the match that wrote it."""
    return next(_text_dates(text), None)


def _text_dates(text: str) -> Iterator[tuple[str, re.Match[str]]]:
    """Each calendar date :func:`text_date` reads in ``text``, in order, with its match."""
    for m in _TEXT_DATE.finditer(text):
        if m["iso_y"]:
            y, mo, d = m["iso_y"], m["iso_m"], m["iso_d"]
        elif m["dot_y"]:
            y, mo, d = m["dot_y"], m["dot_m"], m["dot_d"]
        elif m["dd_y"]:  # "25.04.24": a two-digit year is this century's
            y, mo, d = "20" + m["dd_y"], m["dd_m"], m["dd_d"]
        elif m["sl_y"]:
            a, b, y = int(m["sl_a"]), int(m["sl_b"]), m["sl_y"]
            if (a > 12) == (b > 12):
                continue  # 03/04/2020: which is the month depends on the country
            d, mo = (str(a), str(b)) if a > 12 else (str(b), str(a))
        else:
            month = month_number(m["dm_m"] or m["md_m"] or "")
            if month is None:
                continue
            y, mo, d = m["dm_y"] or m["md_y"], str(month), m["dm_d"] or m["md_d"]
        day = _safe(lambda y=y, mo=mo, d=d: datetime.date(int(y), int(mo), int(d)))
        if day is not None and _plausible(day):
            yield str(day.isoformat()), m


def _first(values: Any, signal: str, offsets: Collection[str] = ()) -> Found:
    for value in values if isinstance(values, list) else [values]:
        if isinstance(value, str) and (iso := normalise_date(value, offsets=offsets)):
            return iso, signal
    return None, None


def _offsets(values: list[Any]) -> set[str]:
    """The UTC offsets (``+05:30``) the page's machine-readable dates state."""
    found = set()
    for value in values:
        if isinstance(value, str) and (m := _OFFSET.search(value.strip())):
            found.add(f"{m[1]}:{m[2]}" if m[1] else "+00:00")
    return found


def normalise_date(value: str, *, offsets: Collection[str] = ()) -> str | None:
    """A date as the page writes it -> ISO 8601 (with time and zone when given), or None.

    A zone abbreviation that names several zones (``IST``: India, Israel or Ireland) gives the
    reading among ``offsets``, the offsets the page's other dates state; when none is, the
    time stays without a zone: unknown, not guessed."""
    value = value.strip()
    if not value or not re.search(r"\d", value):
        return None
    if zone := _AMBIGUOUS_ZONE.search(value):
        bare = clean_text(value[: zone.start()] + " " + value[zone.end() :])
        iso = normalise_date(bare)
        reading = next((o for o in _ZONE_READINGS[zone[1]] if o in offsets), None)
        if iso and reading and "T" in iso and not _OFFSET.search(iso):
            iso += reading
        return iso
    parsed: datetime.datetime | datetime.date | None = None
    if _DATE_ONLY.fullmatch(value):
        parsed = _safe(lambda: datetime.date.fromisoformat(value))
    else:
        parsed = _safe(lambda: datetime.datetime.fromisoformat(value.replace(" ", "T", 1)))
        if parsed is None and not _MERIDIEM.search(value):  # it reads "PM" as a zone
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
