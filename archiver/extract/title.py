"""The headline of an article: the on-page ``h1``, reconciled with the titles the page declares.

The page states its headline up to four times: the ``h1`` it displays, JSON-LD ``headline``,
``og:title`` (and ``twitter:title``) and ``<title>``, the last three often with the site name
appended. The rules, in order:

1. When JSON-LD ``headline`` and ``og:title`` agree, that is the publisher's own headline, and it
   wins over an ``h1`` that says something else: such an ``h1`` lacks the kicker that the theme
   shows above it (``Kenia:`` + ``Nairobi von unten``) or is a display variant.
2. An ``h1`` built of parts, a kicker (overline, topline, "Dachzeile") and the headline, is
   compared with the declared titles whole and without its first part; a declared title that
   matches gives the text, punctuation included that the theme only draws with CSS
   (``Kicker: Headline``). Failing that, a part marked up as a kicker is dropped.
3. An ``h1`` that is an item of the breadcrumb trail (``Home > Politics > Headline``: an
   ancestor whose attributes say ``breadcrumb`` and that holds little else) is the page's label in
   the trail, and the theme shows the headline in another heading. The first ``h1`` or ``h2``
   outside the trail and the chrome that is a declared title wins, or the declared title that is
   its part after a kicker (the kicker dropped: the page shows it apart, above the headline). A
   heading that matches only with its kicker included is not taken (its headline part is a display
   variant), nor one that matches nothing; then the next rules apply, the trail's ``h1`` included.
4. Without a usable ``h1``: ``og:title``, JSON-LD ``headline``, then ``<title>``. (Where the two
   differ, the title the page shows when it is shared is the publisher's headline more often
   than the search-engine variant in the structured data.)

The declared titles that lose go with the result (``Headline.declared``), so that provenance can
keep them as ``title.rejected``.

An ``h1`` in page chrome (sidebar, navigation, widget, related links) is not a headline, unless the
chrome is inside the ``<article>``: themes build articles of widgets.

``og:title`` and ``<title>`` lose the site name (when the page does not state it: a tail that
two different titles share), and any short tail after a separator when what
precedes it is the JSON-LD ``headline`` or the ``h1`` (``"Headline - WELT"``, ``"Headline |
Politics | Metro"``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import attrs
import lxml.etree
from lxml.html import HtmlElement

from archiver.extract.markup import (
    CHROME_XPATH,
    PageSignals,
    class_tokens,
    clean_text,
    in_chrome,
    text_of,
)
from archiver.extract.metadata import loose, norm, unescape

_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00b7|\u2022|\u00bb|/)\s+")
_HEADLINE_CLASS = re.compile(r"(^|[-_])(entry|post|article|story|page)?[-_]?(title|headline)$")
_KICKER_CLASS = re.compile(
    r"kicker|overline|topline|dachzeile|spitzmarke|eyebrow|roofline|supertitle|super-title"
    r"|pretitle|pre-title|flag|topic|label|rubric"
)
_CRUMBS = lxml.etree.XPath(
    "ancestor-or-self::*[@*[contains(translate(., 'BREADCUM', 'breadcum'), 'breadcrumb')]"
    " or contains(@itemtype, 'BreadcrumbList')]"
)
# Chrome that holds no headline: in_chrome() less the widgets, "related" boxes and the like that
# a theme builds its <article> of (TechRadar's h1 sits in "widget widget-hero" inside it).
_CHROME_OUTSIDE_ARTICLE = lxml.etree.XPath(
    CHROME_XPATH[:-1].replace("::*[", "::*[not(ancestor::article) and (", 1) + ")]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)
_TRAIL_TEXT = 500
"""Characters a breadcrumb trail holds besides its headline item, at most."""
_TAIL = re.compile(r"^\s*(?:[|\-\u2013\u2014\u00b7\u2022/\uff5c\uff1a]|::)\s*\S")  # | - / and kin


@attrs.define(kw_only=True)
class Headline:
    """The headline found, its signal, and the ``h1`` text the page displays."""

    text: str | None = None
    """The headline (``None`` when the page states none)."""
    signal: str | None = None
    """``h1``, ``json-ld``, ``meta`` or ``title-tag``."""
    shown: str | None = None
    """The ``h1``'s text as displayed."""
    declared: list[tuple[str, str]] = attrs.Factory(list)
    """The titles the page declares, each with its signal (``meta``, ``json-ld``,
    ``title-tag``), site names removed: the candidates a different headline wins over."""

    @property
    def repeated(self) -> str | None:
        """The headline as the body text may repeat it at its top: the ``h1`` as shown, unless
        the ``h1`` adds a kicker to ``text`` (the body may then print either form)."""
        if self.text and self.shown:
            text, shown = loose(self.text), loose(self.shown)
            return self.text if text in shown and text != shown else self.shown
        return self.text


def find_title(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None, site_name: str | None
) -> Headline:
    """The headline of the page, by the rules of this module."""
    headline = unescape(article.get("headline") or article.get("name")) if article else None
    title_el = root.find(".//title")
    raw = [
        signals.meta.get("og:title"),
        signals.meta.get("twitter:title"),
        text_of(title_el) if title_el is not None else None,
    ]
    shared = _shared_tail(raw)
    og_title, tw_title, tag_title = (_unsuffixed(t, site_name, shared, [headline]) for t in raw)
    declared = [t for t in (headline, og_title, tw_title) if t]
    fallbacks = [(og_title, "meta"), (headline, "json-ld"), (tag_title, "title-tag")]
    losers = [(value, signal) for value, signal in fallbacks if value]
    h1 = _headline_h1(root, site_name, declared)
    crumb_h1 = (h1 is None or _in_trail(h1)) and any(_in_trail(el) for el in root.iter("h1"))
    if crumb_h1 and (displayed := _displayed_heading(root, declared)):  # rule 3
        text, shown = displayed
        return Headline(text=text, signal="heading", shown=shown, declared=losers)
    if h1 is None:
        if losers:
            return Headline(text=losers[0][0], signal=losers[0][1], declared=losers[1:])
        return Headline()
    shown = text_of(h1)
    og_title, tw_title, tag_title = (
        _unsuffixed(t, site_name, shared, [headline, shown]) for t in raw
    )
    text = _h1_text(h1, [t for t in (headline, og_title, tw_title, tag_title) if t])
    fallbacks = [(og_title, "meta"), (headline, "json-ld"), (tag_title, "title-tag")]
    losers = [(value, signal) for value, signal in fallbacks if value]
    agreed = headline and og_title and norm(headline) == norm(og_title)
    if agreed and headline and loose(headline) != loose(text):  # rule 1
        return Headline(
            text=headline, signal="json-ld", shown=shown, declared=[(text, "h1"), *losers]
        )
    return Headline(text=text, signal="h1", shown=shown, declared=losers)


def _shared_tail(titles: Sequence[str | None]) -> str | None:
    """The site name that a page which does not state it appends to two different titles
    (``"A - PORT"``, ``"B - PORT"``)."""
    tails: dict[str, set[str]] = {}
    for title in titles:
        parts = _SEPARATORS.split(title or "")
        if len(parts) > 1 and len(parts[-1].split()) <= 5:
            tails.setdefault(norm(parts[-1]), set()).add(norm(title))
    return next((tail for tail, seen in tails.items() if len(seen) > 1), None)


def _unsuffixed(
    title: str | None, site_name: str | None, shared: str | None, others: Sequence[str | None]
) -> str:
    """``title`` without the site name (``site_name``, or the tail ``shared`` with another
    title); and when it is one of ``others`` plus a short tail after a separator (``"Headline -
    WELT"``, ``"Headline | Politics | Metro"``), that other title."""
    if not title:
        return ""
    for other in others:
        if other and norm(title).startswith(norm(other)) and len(other) < len(title):
            tail = norm(title)[len(norm(other)) :]
            if _TAIL.match(tail) and len(tail.split()) <= 8:
                return other
    title = strip_site_name(title, site_name)
    return strip_site_name(title, shared) if shared and norm(shared) != norm(site_name) else title


def _headline_h1(
    root: HtmlElement, site_name: str | None, declared: Sequence[str]
) -> HtmlElement | None:
    wanted = {loose(t) for t in declared}
    candidates: list[HtmlElement] = []
    for h1 in root.iter("h1"):
        text = text_of(h1)
        if not text or len(text) > 400 or norm(text) == norm(site_name):
            continue
        if any(t in ("logo", "site-title", "site-name") for t in class_tokens(h1)):
            continue
        if _CHROME_OUTSIDE_ARTICLE(h1):
            continue
        if declared and max(_overlap(text, o) for o in declared) < 0.2:
            continue  # a generic h1 ("Article details") where the metadata names the headline
        candidates.append(h1)
    for h1 in candidates:  # the theme's headline class, or the same words as the metadata
        if loose(text_of(h1)) in wanted or h1.get("itemprop") == "headline":
            return h1
        if any(_HEADLINE_CLASS.search(c) for c in class_tokens(h1)):
            return h1
    if len(candidates) == 1:
        return candidates[0]
    for h1 in candidates:
        if h1.xpath("ancestor::article or ancestor::main"):
            return h1
    return None


def _in_trail(heading: HtmlElement) -> bool:
    """The heading is an item of a breadcrumb trail: inside an element whose attributes say
    ``breadcrumb`` and that holds little text besides it (not a wrapper of the whole article
    classed ``has-breadcrumb``)."""
    own = len(text_of(heading))
    return any(len(text_of(el)) - own < _TRAIL_TEXT for el in _CRUMBS(heading))


def _displayed_heading(root: HtmlElement, declared: Sequence[str]) -> tuple[str, str] | None:
    """The headline a page shows when its ``h1`` is the last item of its breadcrumb trail (rule
    3): the first ``h1`` or ``h2`` outside the trail and the chrome that is a declared title, or
    whose part after a kicker is one; returns that title and the heading's text. A heading whose
    kicker and headline together make the only match is not taken: its headline part is then a
    display variant of the declared titles."""
    for heading in root.iter("h1", "h2"):
        if _in_trail(heading) or in_chrome(heading):
            continue
        parts = _parts(heading)
        if len(parts) > 1:
            rest = loose(" ".join(t for _, t in parts[1:]))
            whole = loose(text_of(heading))
            if match := next((t for t in declared if loose(t) == rest), None):
                return match, text_of(heading)
            if any(loose(t) == whole for t in declared):
                return None
        elif match := next((t for t in declared if loose(t) == loose(text_of(heading))), None):
            return match, text_of(heading)
    return None


def _h1_text(h1: HtmlElement, declared: Sequence[str]) -> str:
    """The ``h1``'s headline: as a declared title spells it when one matches (rule 2)."""
    text = text_of(h1)
    parts = _parts(h1)
    for title in declared:
        if loose(title) == loose(text):
            return title if len(parts) > 1 else text
    if len(parts) < 2 or len(parts[0][1].split()) > 8 or parts[0][0] is None:
        return text
    rest = clean_text(" ".join(t for _, t in parts[1:]))
    for title in declared:
        if loose(title) == loose(rest):
            return title
    if any(_KICKER_CLASS.search(c) for c in class_tokens(parts[0][0])):
        return rest
    return text


def _parts(h1: HtmlElement) -> list[tuple[HtmlElement | None, str]]:
    """The ``h1``'s child elements and loose text, in order, without separator-only pieces
    (``<span class="visually-hidden"> - </span>``); a lone wrapper (``<a>``) is looked into."""
    el = h1
    while len(el) == 1 and not (el.text or "").strip() and not (el[0].tail or "").strip():
        el = el[0]
    pieces: list[tuple[HtmlElement | None, str]] = [(None, clean_text(el.text))]
    for child in el:
        pieces += [(child, text_of(child)), (None, clean_text(child.tail))]
    return [(e, t) for e, t in pieces if loose(t)]


def _overlap(a: str, b: str) -> float:
    """Share of the shorter text's character trigrams found in the other (any script)."""
    grams_a, grams_b = ({t[i : i + 3] for i in range(len(t) - 2)} for t in (norm(a), norm(b)))
    smaller = min(len(grams_a), len(grams_b))
    return len(grams_a & grams_b) / smaller if smaller else 0.0


def strip_site_name(title: str, site_name: str | None) -> str:
    """``"Headline - Site"`` / ``"Site | Headline"`` -> ``"Headline"``.

    A ``|`` segment of up to five words at either end is dropped as a site name even when the
    page does not name its site; a ``-`` segment only when it is the site name.
    """
    parts = _SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _SEPARATORS.findall(title)
    site = norm(site_name)
    if site and norm(parts[-1]) in (site, site.removeprefix("the ")):
        return clean_text(title[: title.rfind(seps[-1])])
    if site and norm(parts[0]) in (site, site.removeprefix("the ")):
        return clean_text(title[title.find(seps[0]) + len(seps[0]) :])
    if seps[-1].strip() == "|" and len(parts[-1].split()) <= 5:
        return clean_text(title[: title.rfind(seps[-1])])
    return title
