"""Clean trafilatura's text into the article body, and tell articles from listing pages.

General rules, no per-site selectors: a paragraph is dropped when it repeats the headline at the
top, is a "By ..." line at the top, opens with a promo label ("Also Read:", "Read more:",
"Related:", "Lesen Sie auch:" ...), is a short newsletter/follow/share prompt, or is text of the
author box (the bio). Paragraphs are joined by one blank line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from lxml.html import HtmlElement

from archiver.extract.markup import PageSignals, clean_text, in_chrome
from archiver.extract.metadata import norm

_LABELS = (
    r"also read|read also|read more|more to read|must read|see also|related(?: \w+){0,2}"
    r"|recommended(?: for you)?|you (?:may|might) also like|don'?t miss|more from [^:]{1,40}"
    r"|most (?:popular|read|viewed)|trending(?: now)?|follow us(?: on [^:]{1,30})?"
    r"|subscribe(?: now)?|sign up(?: now)?|share(?: this)?(?: article| story| post)?"
    r"|advertisement|sponsored|click here|watch(?: now)?|listen(?: now)?"
    r"|lesen sie auch|lesen sie mehr|mehr zum thema|auch interessant|das k\u00f6nnte sie auch"
    r" interessieren|lire aussi|\u00e0 lire aussi|voir aussi|lee tambi\u00e9n|leer tambi\u00e9n"
    r"|ver tambi\u00e9n|leia tamb\u00e9m|leggi anche"
)
_PROMO = re.compile(rf"^(?:{_LABELS})\s*(?:[:|\u00bb>\u203a\-\u2013\u2014]|$)", re.I)
_PROMPT = re.compile(  # an imperative call to subscribe/follow/share, not reporting about one
    r"^\W*(?:subscribe|sign up|follow|join|get|download|click|tap|share|like us|register"
    r"|don'?t miss|stay (?:informed|updated|up to date))\b"
    r".*\b(?:newsletters?|inbox|subscri\w+|follow|channel|app|twitter|facebook|instagram"
    r"|whatsapp|telegram|google news|linkedin|youtube|notifications)\b",
    re.I,
)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_WORD = re.compile(r"[^\s\u3040-\u30ff\u3400-\u9fff]+")
_BY_LINE = re.compile(r"^(?:by|von|par|por|di|door)\s+\S", re.I)


def clean_paragraphs(
    text: str | None,
    *,
    title: str | None,
    authors: Sequence[str],
    byline: str | None,
    box_texts: Sequence[str],
) -> tuple[list[str], str | None]:
    """Paragraphs of the body, and a "By ..." line found at its top (a byline), if any."""
    paragraphs = [p for p in (clean_text(line) for line in (text or "").splitlines()) if p]
    boxes = [norm(b) for b in box_texts]
    names = {norm(a) for a in authors}
    found_byline = None
    kept: list[str] = []
    for n, para in enumerate(paragraphs):
        key = norm(para)
        top = not kept and n < 4
        if top and title and key == norm(title):
            continue
        if top and _BY_LINE.match(para) and len(para.split()) <= 12:
            found_byline = found_byline or para
            continue
        if (byline and key == norm(byline)) or key in names:
            continue
        if _PROMO.match(para) or (_PROMPT.search(para) and len(para.split()) <= 30):
            continue
        if len(key) >= 20 and any(key in box for box in boxes):
            continue
        kept.append(para)
    return kept, found_byline


def word_count(paragraphs: Sequence[str]) -> int:
    """Words, counting two Chinese or Japanese characters as one (those scripts use no spaces)."""
    text = " ".join(paragraphs)
    return len(_WORD.findall(text)) + len(_CJK_CHAR.findall(text)) // 2


def page_type(
    root: HtmlElement,
    signals: PageSignals,
    article: dict[str, Any] | None,
    paragraphs: list[str],
    *,
    headline: bool,
    dated: bool,
) -> str:
    """``article``: JSON-LD Article or ``og:type`` article, a body of a few hundred words, or a
    shorter one under an ``h1`` headline with a date; ``listing``: mostly teaser links to other
    pages; else ``other``."""
    if article is not None or signals.meta.get("og:type", "").lower() == "article":
        return "article"
    words = word_count(paragraphs)
    teasers = [
        a
        for a in root.xpath("//h2//a[@href] | //h3//a[@href] | //h4//a[@href]")
        if not in_chrome(a)
    ]
    collection = any(signals.nodes_of_type("CollectionPage", "ItemList", "SearchResultsPage"))
    short = sum(len(p.split()) < 25 for p in paragraphs)
    if len(teasers) >= 4 and (words < 250 or short * 2 >= len(paragraphs)):
        return "listing"
    if words >= 200 or (words >= 80 and headline and dated):
        return "article"
    if len(teasers) >= 3 or (collection and teasers):
        return "listing"
    return "other"
