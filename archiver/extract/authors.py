"""Authors and byline of an article, and the author-box text that must not end up in its body.

Order of trust for ``authors``: JSON-LD ``author``; the author markup on the page (``rel=author``,
``itemprop=author``, classes such as ``author``, ``byline``, ``td-author-name``, ``vcard``); a
labelled field (``<strong>Autor</strong> Jane Roe``, ``Von: Jane Roe``); ``<meta name=author>``
and kin; a signature, a name alone in bold at the top or the foot of the article; a name alone
in the element before the date line (``Jane Roe | 05.04.2025``); then trafilatura's guess. The
first signal that names a person wins: the outlet itself (see
:class:`~archiver.extract.names.OutletNames`) counts only when no signal names anyone else.
When the page's byline lists the JSON-LD authors and more, the byline's list is taken:
structured data often carries the first author only.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import attrs
import lxml.etree
from lxml.html import HtmlElement

from archiver.extract.dates import text_date
from archiver.extract.markup import PageSignals, class_tokens, clean_text, in_chrome, text_of
from archiver.extract.metadata import unescape
from archiver.extract.names import (
    BY,
    URL_PIECE,
    OutletNames,
    dedupe,
    name_key,
    only_roles,
    split_names,
    unbracketed,
)

_NAME_CLASS = re.compile(
    r"^(?:[a-z0-9]+[-_]+)*(?:authors?|byline|writer|reporter|vcard|fn)"
    r"(?:[-_]+(?:name|names|link|title|author|list|item|\d))*$"
)
_BYLINE_CLASS = re.compile(r"byline|author[-_]?(?:line|meta)")
_BOX_CLASS = re.compile(
    r"author[-_]*(?:box|bio|description|desc|info|about|card|details|profile)|about[-_]author"
    r"|(?:^|[-_])bio$"
)
# Substrings a candidate's class must hold (case is left to _CANDIDATE): this test on each
# element in Python costs a sixth of the same test as one XPath of contains() calls.
_CLASS_PARTS = re.compile("uthor|yline|riter|eporter|vcard|fn|bio|Bio")
_CANDIDATE = re.compile(r"author|byline|writer|reporter|vcard|\bfn\b|bio", re.I)  # cheap prefilter
_META_KEYS = ("author", "parsely-author", "sailthru.author", "dc.creator", "byl", "article:author")
_LABELS = (
    r"autor(?:in)?(?:\s*/\s*autor(?:in)?)?|autoren|verfasser(?:in)?|authors?|written by"
    r"|reporter(?:in)?|auteure?s?|autore|autora|autores|text|von|by|door"
    r"|авторы?|yazan|yazar|muhabir|كتب|بقلم"
)
_LABEL = re.compile(rf"^(?:{_LABELS})\s*:?$", re.I)  # a label in an element of its own
_LABEL_COLON = re.compile(rf"^\s*(?:{_LABELS})\s*:", re.I)  # "Von: Jane Roe"
_BY_NAME = re.compile(r"^(?i:by|von|par|por|door)\s+[A-Z\u00c0-\u00de]")  # "By Jane Roe,"
_EMPHASIS = ("strong", "b", "em", "i")
_ASIDE = lxml.etree.XPath(  # in_chrome() is too broad here: themes call the main column a sidebar
    "ancestor::*[self::aside or self::nav or self::footer"
    " or contains(concat(' ', normalize-space(@class)), ' widget')]"
)
_SIGNATURE_SPLIT = re.compile(r"\s*[/,&]\s*|\s+(?:and|und|et|y|e)\s+")
_LABEL_TAGS = ("strong", "b", "dt", "th", "label", "span")
_DATE_CLASS = re.compile(r"date|time|label|stamp", re.I)
_PERSON_NAME = re.compile(r"^(?:[A-Z\u00c0-\u024f\u1e00-\u1eff][\w'\u2019.-]*\s+){1,3}\S+$")


_Rivals = list[tuple[list[str], str]]


@attrs.define(kw_only=True)
class AuthorInfo:
    """What the page says about who wrote it."""

    authors: list[str] = attrs.Factory(list)
    """Clean names, in page order."""
    byline: str | None = None
    """The visible byline text, as it stands."""
    byline_signal: str | None = None
    """The signal that gave ``byline``: ``author-box``, ``label`` or ``signature``."""
    signal: str | None = None
    """The signal that gave ``authors``."""
    box_texts: list[str] = attrs.Factory(list)
    """Texts of author boxes and bios: not body."""
    declared: str | None = None
    """The first author meta tag's text as written, when ``authors`` came from the tags: the
    byline of a page that shows none."""
    as_given: bool = False
    """``authors`` are JSON-LD Persons' names that are no person's name ("Online News
    Editor"): a person a "By" line names comes first."""
    rivals: _Rivals = attrs.Factory(list)
    """The names each of JSON-LD, the byline markup and the meta tags gives, in that order
    (the outlet and a fact-check's claimant left out): ``authors``' rivals."""


def find_authors(
    root: HtmlElement,
    signals: PageSignals,
    article: dict[str, Any] | None,
    scope: HtmlElement,
    outlet: OutletNames,
    fallback: Callable[[], str | None],
) -> AuthorInfo:
    """The article's authors and byline from the first signal that names a person (JSON-LD,
    the byline markup, a label, author meta tags, a signature, and last ``fallback()``:
    trafilatura's author, computed only when all the others have nothing)."""
    candidates = _candidates(root)
    info = AuthorInfo(box_texts=_box_texts(candidates))
    elements = _name_elements([e for e in candidates if _within(e, scope)]) or _name_elements(
        candidates
    )
    jsonld, organisations, as_given = _jsonld_names(signals, article)
    markup, where = _markup_names(elements)
    claimants = _claimants(signals)
    meta = _split(_meta_values(signals))
    declared = [(jsonld, "json-ld"), (markup, "author-box"), (meta, "meta")]
    info.rivals = [
        (names, signal)
        for found, signal in declared
        if (names := [n for n in dedupe(found) if name_key(n) not in claimants and n not in outlet])
    ]
    spellings = [n for names, _ in info.rivals for n in names]  # "Lucía Pérez" of "Lucia Perez"
    people = [n for n in markup if n not in outlet]
    if jsonld and set(jsonld) <= as_given and people and not norms(jsonld) & norms(people):
        jsonld = []  # "Online News Editor", a Person by type only: the byline names a person
    if (
        jsonld
        and len(people) > len(jsonld)
        and norms(jsonld) <= norms(people)
        and where is not None
        and len(text_of(where)) <= 400
    ):
        jsonld = []  # one byline names the JSON-LD authors and more: take the byline's list
    sources: list[tuple[str, Callable[[], tuple[list[str], str | None]]]] = [
        ("json-ld", lambda: (jsonld, None)),
        ("author-box", lambda: (markup, None)),
        ("label", lambda: _labelled_names(scope)),
        ("meta", lambda: (meta, None)),
        ("signature", lambda: _signature_names(scope)),
        ("dated-line", lambda: _dated_names(scope)),
        ("trafilatura", lambda: (_fallback_names(fallback(), root), None)),
    ]
    only_outlet: tuple[list[str], str] | None = None
    for signal, source in sources:
        found, as_written = source()
        found = [n for n in dedupe(found) if name_key(n) not in claimants]
        names = [n for n in found if n not in outlet]
        if any(name_key(n) not in organisations for n in names):
            info.authors, info.signal = dedupe(names, spellings), signal
            info.as_given = signal == "json-ld" and set(names) <= as_given
            if signal == "meta":  # the most trusted tag's text
                info.declared = next(iter(_meta_values(signals)), None)
            if as_written:
                info.byline, info.byline_signal = as_written, signal
                return info
            return _with_byline(info, elements)
        if found and only_outlet is None:
            only_outlet = (names or found, signal)
    if only_outlet:  # the outlet's own name, or an organisation, only when no person is named
        info.authors, info.signal = only_outlet
    return _with_byline(info, elements)


def norms(names: list[str]) -> set[str]:
    """The names' comparison forms (:func:`~archiver.extract.names.name_key`)."""
    return {name_key(n) for n in names}


def _with_byline(info: AuthorInfo, elements: list[HtmlElement]) -> AuthorInfo:
    """The visible byline: a "By ..." line or a byline-classed element naming the first author;
    with no author, a byline-classed "By ..." line."""
    spans = [(e, t) for e in elements if len(t := _spaced_text(e).rstrip(" |-\u2013\u2014")) <= 150]
    if info.authors:
        first = name_key(info.authors[0])
        bylines = [
            text
            for e, text in spans
            if first in name_key(text) and (BY.match(text) or _byline_classed(e))
        ]
        info.byline = min(bylines, key=lambda t: (not BY.match(t), len(t)), default=None)
    else:  # no person named ("By Sports Writer"): the raw byline is still the page's
        info.byline = next((t for e, t in spans if BY.match(t) and _byline_classed(e)), None)
    info.byline_signal = "author-box" if info.byline else None
    if info.byline:
        info.authors = [_as_shown(name, info.byline) for name in info.authors]
    return info


def _byline_classed(element: HtmlElement) -> bool:
    return bool(_BYLINE_CLASS.search(" ".join(class_tokens(element))))


def _as_shown(name: str, byline: str) -> str:
    """A name the metadata writes all in lower case or all in capitals ("viktor hedlund",
    "TOM KRISHER") as the visible byline writes it ("Viktor Hedlund", "Tom Krisher"); a
    one-word handle or acronym ("dpa", "WABC") stays as it is."""
    lowered = byline.lower()
    if " " not in name or name not in (name.lower(), name.upper()):
        return name
    if len(lowered) != len(byline):
        return name
    start = lowered.find(name.lower())
    return byline[start : start + len(name)] if start >= 0 else name


def _split(texts: list[str]) -> list[str]:
    return [n for t in texts for n in split_names(t)]


def _fallback_names(value: str | None, root: HtmlElement) -> list[str]:
    """trafilatura's author (``"Jane Roe; John Doe"``) as names; none when a piece of it is part
    of an address (``Sputnik https; Cdnarabic; I; Logo Png``: an image's URL read as names).
    A name the page does not write as a word of its own is one trafilatura made from a longer
    one (its digits and dots dropped: ``Rmb`` from the user name ``rmb8090``) and is none."""
    parts = (value or "").split(";")
    if any(URL_PIECE.search(p) for p in parts):
        return []
    names = _split(parts)
    if names:
        page = lxml.etree.tostring(root, encoding=str)
        names = [n for n in names if _written(n).search(page)]
    return names


def _written(name: str) -> re.Pattern[str]:
    """``name`` as words of their own in a page's source, in any case."""
    words = r"\s+".join(map(re.escape, name.split()))
    return re.compile(rf"(?<!\w)(?<!\w\.){words}(?!\w|\.\w)", re.I)


def _jsonld_names(
    signals: PageSignals, article: dict[str, Any] | None
) -> tuple[list[str], set[str], set[str]]:
    """Names of the JSON-LD authors, the normalised names of those typed as organisations, and
    the names taken as given: a ``Person``'s name that is no person's name ("Gear Team",
    "BR24 Redaktion") counts, unless it is role words alone ("admin")."""
    value = (article.get("author") or article.get("creator")) if article else None
    names: list[str] = []
    organisations: set[str] = set()
    as_given: set[str] = set()
    page_text = functools.cache(lambda: _page_text(signals.root))
    for entry in signals.entries(value):
        name = _name_of(entry, page_text)
        if not name or "://" in name or "@" in name:
            continue
        found = split_names(name, strict=False)
        written = unbracketed(name)  # not "(أبوظبي - البيان)", a dateline in brackets
        if (
            not found
            and OutletNames.is_person(entry)
            and len(written.split()) <= 4
            and any(c.isalpha() for c in written)  # not "219.79.38.192", a wiki editor's address
            and not only_roles(written)  # not WordPress's default user "admin"
        ):
            found = [BY.sub("", written)]
            as_given.update(found)
        if OutletNames.is_organisation(entry):
            organisations.update(name_key(n) for n in found)
        names.extend(found)
    return names, organisations, as_given


def _claimants(signals: PageSignals) -> set[str]:
    """Who made the claims a fact-check reviews (JSON-LD ``ClaimReview`` → ``itemReviewed`` →
    ``author``), in comparison form, whole and split into names: fact-check pages show them in
    an author box above the verdict, but they did not write the page."""
    found: set[str] = set()
    page_text = functools.cache(lambda: _page_text(signals.root))
    for review in signals.nodes_of_type("ClaimReview"):
        for item in signals.entries(review.get("itemReviewed")):
            value = item.get("author") if isinstance(item, dict) else None
            for entry in signals.entries(value):
                if name := _name_of(entry, page_text):
                    found |= {name_key(name), *norms(split_names(name, strict=False))}
    return found


def _name_of(entry: Any, page_text: Callable[[], str]) -> str | None:
    """A JSON-LD author's name: its ``name``, or the entry itself when it is text, or its
    parts (:func:`_name_of_parts`) when it gives no ``name``."""
    if not isinstance(entry, dict):
        return unescape(entry)
    return unescape(entry.get("name")) or _name_of_parts(entry, page_text)


def _name_of_parts(entry: dict[str, Any], page_text: Callable[[], str]) -> str | None:
    """A Person named by its ``givenName``, ``additionalName`` and ``familyName`` only: given
    names first (``Jane Anne Doe``), the family name first only where the page's text writes
    it so and never the other way (``Nagy Péter``; ``山田太郎``, without a space in the scripts
    written without them): the order names are written in is the language's and the
    person's, which the parts do not say."""
    given = [p for k in ("givenName", "additionalName") if (p := unescape(entry.get(k)))]
    family = unescape(entry.get("familyName"))
    if not (given and family):
        return family or " ".join(given) or None
    text = page_text()
    for sep in (" ", "") if _wide(family + "".join(given)) else (" ",):
        if sep.join([family, *given]) in text and sep.join([*given, family]) not in text:
            return sep.join([family, *given])
    return " ".join([*given, family])


def _wide(text: str) -> bool:
    """Text in a script of wide characters (Chinese, Japanese, Korean): names run together."""
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def _page_text(root: HtmlElement) -> str:
    """The text a reader sees, scripts and styles left out, its white space collapsed."""
    return clean_text(" ".join(root.xpath("//body//text()[not(ancestor::script|ancestor::style)]")))


def _meta_values(signals: PageSignals) -> list[str]:
    """Author meta tags: the known keys first, then any other key ending in ``author``."""
    keys = [*_META_KEYS, *(k for k in signals.meta if k.endswith("author") and k not in _META_KEYS)]
    return [v for k in keys if (v := signals.meta.get(k)) and "://" not in v]


def _candidates(root: HtmlElement) -> list[HtmlElement]:
    """Elements whose class or ``rel`` may mark an author, in document order. An ``itemprop``
    of ``author`` counts only on such an element: taking every one (2026-12-06) gave two corpus
    pages a photo agency (``Cultura RF``) or the publisher (``Sputnik``) as author, and none a
    name it lacked (authors F1 0.940 to 0.934)."""
    tested: dict[str, bool] = {}  # a page repeats its classes: each is tested once
    found = []
    for el in root.iter(lxml.etree.Element):
        if el.get("rel"):
            found.append(el)
        elif cls := el.get("class"):
            hit = tested.get(cls)
            if hit is None:
                hit = tested[cls] = _candidate_class(cls)
            if hit:
                found.append(el)
    return found


def _candidate_class(cls: str | None) -> bool:
    return bool(cls and _CLASS_PARTS.search(cls) and _CANDIDATE.search(cls))


def _within(el: HtmlElement, scope: HtmlElement) -> bool:
    return el is scope or any(a is scope for a in el.iterancestors())


def _name_elements(candidates: list[HtmlElement]) -> list[HtmlElement]:
    """Elements marked up as an author name or a byline, outside sidebars, widgets, teasers."""
    found = []
    for el in candidates:
        tokens = class_tokens(el)
        marked = "author" in (el.get("rel") or "").lower().split() or el.get("itemprop") == "author"
        if not (marked or any(_NAME_CLASS.match(c) for c in tokens)):
            continue
        if any(_BOX_CLASS.search(c) for c in tokens) or in_chrome(el):
            continue
        if not el.xpath("ancestor::*[contains(@class, 'teaser')]"):
            found.append(el)
    return found


def _markup_names(elements: list[HtmlElement]) -> tuple[list[str], HtmlElement | None]:
    """Names from the first marked-up element that has one, and from its like (same tag and
    class: the other links of one byline), and the innermost element holding them all; later,
    different elements are related-article teasers and author lists more often than
    co-authors."""
    names: list[str] = []
    used: list[HtmlElement] = []
    for el in elements:
        if any(e in elements for e in el.iterdescendants()):
            continue  # the innermost element says it most precisely
        if used and (el.tag, el.get("class")) != (used[0].tag, used[0].get("class")):
            continue
        inner = el.xpath(".//*[@itemprop='name']")
        if inner:
            found = split_names(inner[0].get("content") or text_of(inner[0]))
        else:  # "Jane Roe<span>Staff Writer</span>": whole text first, then its pieces
            found = split_names(_spaced_text(el)) or [
                n for t in el.itertext() if len(t.split()) >= 2 for n in split_names(t)
            ]
        if found:
            names.extend(found)
            used.append(el)
    return dedupe(names), _common_ancestor(used)


def _common_ancestor(elements: list[HtmlElement]) -> HtmlElement | None:
    if not elements:
        return None
    shared = [elements[0], *elements[0].iterancestors()]
    for el in elements[1:]:
        lineage = {id(a) for a in (el, *el.iterancestors())}
        shared = [a for a in shared if id(a) in lineage]
    return shared[0] if shared else None


def _labelled_names(scope: HtmlElement) -> tuple[list[str], str | None]:
    """Names after an author label: ``<li><strong>Autorin/Autor</strong> Jane Roe</li>``,
    ``<dt>Author</dt><dd>Jane Roe</dd>``, ``<li>Von: <a>Jane Roe</a>, <a>John Doe</a></li>``."""
    for el in scope.iter("strong", "b", "dt", "th", "label", "span", "li", "p", "div", "dd"):
        own = clean_text(el.text)
        if not own or len(own) > 40:
            continue
        if el.tag in _LABEL_TAGS and _LABEL.match(own):
            if len(el) or in_chrome(el):
                continue
            if el.tag == "dt":
                value = el.getnext()
                written = _spaced_text(value) if value is not None and value.tag == "dd" else ""
                text = written
            else:
                parent = el.getparent()
                written = _spaced_text(parent) if parent is not None else ""
                text = written[len(own) :] if written.startswith(own) else ""
        elif (_LABEL_COLON.match(own) or _BY_NAME.match(own)) and not in_chrome(el):
            written = _spaced_text(el)
            text = written.split(":", 1)[1] if _LABEL_COLON.match(own) else written
        else:
            continue
        if el.xpath("ancestor::a"):
            continue  # the byline of a teaser linking to another article
        if 0 < len(text) <= 120 and (names := split_names(text)):
            return names, written
    return [], None


def _signature_names(scope: HtmlElement) -> tuple[list[str], str | None]:
    """A paragraph that is nothing but a name in bold or italics, among the first or the last
    three paragraphs of the article: ``<p><strong>Jane Roe/John Doe</strong></p>``."""
    paragraphs = [p for p in scope.iter("p") if p.text_content().strip()]
    for p in paragraphs[:3] + paragraphs[-3:]:
        if len(p) != 1 or (p.text or "").strip() or p[0].tag not in _EMPHASIS or _ASIDE(p):
            continue
        mark = p[0]
        if (mark.tail or "").strip() or len(mark):
            continue
        text = text_of(mark)
        if len(text.split()) > 4 * len(_SIGNATURE_SPLIT.split(text)):
            continue  # a lead paragraph set in bold, not names
        names = split_names(text)
        if names and all(_PERSON_NAME.match(n) and not n.isupper() for n in names):
            return names, text
    return [], None


def _dated_names(scope: HtmlElement) -> tuple[list[str], str | None]:
    """A name alone in an element that the article's date follows: ``<span>Jane Roe |</span>
    <span>05.04.2025 - 14:32</span>``, the byline of a theme that marks up neither."""
    for el in scope.iter("span", "div", "p", "small", "li", "a"):
        if len(el) or _DATE_CLASS.search(el.get("class") or "") or in_chrome(el):
            continue  # "Aktualisiert am" in class="MetaTimeText": the date's label
        written = clean_text(el.text)
        if not written or len(written) > 60:
            continue
        after = el.getnext()
        if after is None or len(date_text := text_of(after)) > 40 or not text_date(date_text):
            continue
        written = written.rstrip(" |\u00b7\u2022-\u2013\u2014")
        names = split_names(written)
        if len(names) == 1 and _PERSON_NAME.match(names[0]) and not names[0].isupper():
            return names, written
    return [], None


def _spaced_text(el: HtmlElement) -> str:
    return clean_text(" ".join(el.itertext()))


def _box_texts(candidates: list[HtmlElement]) -> list[str]:
    return [
        text
        for el in candidates
        if any(_BOX_CLASS.search(c) for c in class_tokens(el))
        if len(text := text_of(el)) > 20
    ]
