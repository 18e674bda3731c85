"""Authors and byline of an article, and the author-box text that must not end up in its body.

Order of trust for ``authors``: JSON-LD ``author``, then the author markup on the page
(``rel=author``, ``itemprop=author``, classes such as ``author``, ``byline``,
``td-author-name``, ``vcard``), then ``<meta name=author>`` and kin, then trafilatura's guess.
The first signal that yields a clean name wins; names are split on "and", "&" and commas,
"By" is stripped, roles ("Staff Writer"), dates and the outlet's own name are dropped.
"""

from __future__ import annotations

import re
from typing import Any

import attrs
import lxml.etree
from lxml.html import HtmlElement

from archiver.extract.markup import (
    PageSignals,
    class_tokens,
    clean_text,
    in_chrome,
    text_of,
    word_set,
)
from archiver.extract.metadata import norm, unescape

_NAME_CLASS = re.compile(
    r"^(?:[a-z0-9]+[-_]+)*(?:author|byline|writer|reporter|vcard|fn)"
    r"(?:[-_]+(?:name|names|link|title|author))?$"
)
_BYLINE_CLASS = re.compile(r"byline|author[-_]?(?:line|meta)")
_BOX_CLASS = re.compile(
    r"author[-_]*(?:box|bio|description|desc|info|about|card|details|profile)|about[-_]author"
    r"|(?:^|[-_])bio$"
)
_BY = re.compile(
    r"^\s*(?:by|von|par|por|di|door|av|af|text|written by|posted by|quelle|source|fuente)"
    r"\s*:?\s+",
    re.I,
)
_CUT = re.compile(  # what follows the names in a byline: a date, a role, a separator
    r"\s*(?:[|\u2022\u00b7\n]|\s[-\u2013\u2014]\s|\bupdated\b|\bpublished\b|\bon\s+\w+day\b).*$",
    re.I | re.S,
)
_SPLIT = re.compile(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b)\s*", re.I)
_ROLE_WORDS = word_set(
    "staff writer writers correspondent correspondents reporter reporters editor editors"
    " contributor contributing senior bureau chief desk columnist analyst team admin"
    " administrator guest author authors editorial photographer published updated more view"
    " posts profile follow email twitter image images photo photos credit getty"
)
_CANDIDATES = lxml.etree.XPath(  # XPath's contains() is fast; case is left to the regexes
    "//*[@rel or @itemprop='author' or contains(@class, 'uthor') or contains(@class, 'yline')"
    " or contains(@class, 'riter') or contains(@class, 'eporter') or contains(@class, 'vcard')"
    " or contains(@class, 'fn') or contains(@class, 'bio') or contains(@class, 'Bio')]"
)
_CANDIDATE = re.compile(r"author|byline|writer|reporter|vcard|\bfn\b|bio", re.I)  # cheap prefilter
_META_KEYS = ("author", "parsely-author", "sailthru.author", "dc.creator", "byl", "article:author")


@attrs.define(kw_only=True)
class AuthorInfo:
    """What the page says about who wrote it."""

    authors: list[str] = attrs.Factory(list)
    """Clean names, in page order."""
    byline: str | None = None
    """The visible byline text, as it stands."""
    signal: str | None = None
    """The signal that gave ``authors``."""
    box_texts: list[str] = attrs.Factory(list)
    """Texts of author boxes and bios: not body."""


def find_authors(
    root: HtmlElement,
    signals: PageSignals,
    article: dict[str, Any] | None,
    scope: HtmlElement,
    site_name: str | None,
    fallback: str | None,
) -> AuthorInfo:
    candidates = _candidates(root)
    info = AuthorInfo(box_texts=_box_texts(candidates))
    elements = _name_elements([e for e in candidates if _within(e, scope)]) or _name_elements(
        candidates
    )
    sources: list[tuple[list[str], str]] = [
        (_jsonld_names(signals, article), "json-ld"),
        (_markup_names(elements), "author-box"),
        ([v for k in _META_KEYS if (v := signals.meta.get(k)) and "://" not in v], "meta"),
        ((fallback or "").split(";"), "trafilatura"),
    ]
    for texts, signal in sources:
        names = dedupe(n for t in texts for n in split_names(t, strict=signal != "json-ld"))
        others = [n for n in names if norm(n) != norm(site_name)]
        if names:  # the outlet's own name only when it is the only name given
            info.authors, info.signal = others or names, signal
            break
    if info.authors:  # the visible byline: a "By ..." line or a byline-classed element
        first = norm(info.authors[0])
        spans = [(e, _spaced_text(e).rstrip(" |-\u2013\u2014")) for e in elements]
        bylines = [
            text
            for e, text in spans
            if len(text) <= 150
            and first in norm(text)
            and (_BY.match(text) or _BYLINE_CLASS.search(" ".join(class_tokens(e))))
        ]
        info.byline = min(bylines, key=lambda t: (not _BY.match(t), len(t)), default=None)
    return info


def _jsonld_names(signals: PageSignals, article: dict[str, Any] | None) -> list[str]:
    value = (article.get("author") or article.get("creator")) if article else None
    names: list[str] = []
    for entry in value if isinstance(value, list) else [value]:
        entry = signals.resolve(entry)
        name = unescape(entry.get("name")) if isinstance(entry, dict) else unescape(entry)
        if name and "://" not in name:
            names.append(name)
    return names


def _candidates(root: HtmlElement) -> list[HtmlElement]:
    """Elements whose class, ``rel`` or ``itemprop`` may mark an author, in document order."""
    return [
        el for el in _CANDIDATES(root) if el.get("rel") or _CANDIDATE.search(el.get("class") or "")
    ]


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


def _markup_names(elements: list[HtmlElement]) -> list[str]:
    """Names from the first marked-up element that has one, and from its like (same tag and
    class: the other links of one byline); later, different elements are related-article
    teasers and author lists more often than co-authors."""
    names: list[str] = []
    first: HtmlElement | None = None
    for el in elements:
        if any(e in elements for e in el.iterdescendants()):
            continue  # the innermost element says it most precisely
        if first is not None and (el.tag, el.get("class")) != (first.tag, first.get("class")):
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
            first = first if first is not None else el
    return names


def _spaced_text(el: HtmlElement) -> str:
    return clean_text(" ".join(el.itertext()))


def _box_texts(candidates: list[HtmlElement]) -> list[str]:
    return [
        text
        for el in candidates
        if any(_BOX_CLASS.search(c) for c in class_tokens(el))
        if len(text := text_of(el)) > 20
    ]


def split_names(text: str, *, strict: bool = True) -> list[str]:
    """``"By Jane Roe and John Doe | 3 March 2024"`` -> ``["Jane Roe", "John Doe"]``.

    ``strict=False`` (structured data) lets a name start in lower case (``dpa``).
    """
    text = _CUT.sub("", _BY.sub("", clean_text(unescape(text) or "")))
    names = []
    for part in _SPLIT.split(text):
        part = _BY.sub("", part).strip(" .:;,-\u2013\u2014'\"()")
        if _is_name(part) and (not strict or not part[0].islower()):
            names.append(part)
    return names


def _is_name(part: str) -> bool:
    words = part.split()
    if not 1 <= len(words) <= 5 or re.search(r"[\d@:/]|https?:|www\.", part):
        return False
    return not any(w.lower().strip(".") in _ROLE_WORDS for w in words)


def dedupe(names: Any) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        if (key := norm(name)) not in seen:
            seen.add(key)
            out.append(name)
    return out
