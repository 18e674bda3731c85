"""Clean trafilatura's text into the article body, and tell articles from listing pages.

General rules, no per-site selectors. A paragraph is dropped when it

* repeats the headline (anywhere; also ``Headline | Programme name``), or is a bare URL at the
  top;
* is a byline: a "By ..." line at the top (kept as the byline found), or a bare ``Von Jane Roe``
  line anywhere;
* is the headline once more with its kicker run into it, above the text (not when it is a
  wire lead such as ``新华社北京4月24日电 题 <headline>``);
* opens with a promo label ("Also Read:", "MORE:", "Read more:", "Lesen Sie auch:" ...), is a
  short newsletter/follow/share prompt, a teaser (``Headline Headline``, the same text in two
  spans; ``... marmot [INSIGHT]``, a tagged link), or is text of the author box (the bio);
* is page furniture (:mod:`archiver.extract.boilerplate`: photo credits, embed placeholders,
  copyright and editorial notices, date lines, contact lines, paywall and comment prompts);
* is, headline-sized, one link to another page of the site within the article (a teaser:
  ``WHAT ARE CHINA'S OVERSEAS POLICE STATIONS?``), or one of two or more links sharing a label
  before a bar (``READ ANOTHER STORY HERE | <headline>``).

And the text is cut at a closing section marker ("Comments", "Tags", "You may also like",
"Ähnliche:" ...) when only teaser-sized paragraphs follow it, and a closing run of short
headline-like list items (links to other articles) goes, as does a closing run that is another
story on the page (:func:`without_next_story`). Short lines that repeat stay: lists, schedules
and tables repeat them. The standfirst trafilatura leaves out is found by :func:`standfirst`.
A paragraph is what the page shows as one: the lines its HTML source wraps are joined before
trafilatura reads the page (:func:`join_wrapped_lines`). Paragraphs are joined by one blank
line.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from typing import Any
from urllib.parse import urlsplit

import lxml.etree
from courlan import extract_domain
from lxml.html import HtmlElement

from archiver.dateline import parse_dateline
from archiver.extract.boilerplate import is_boilerplate
from archiver.extract.markup import PageSignals, clean_text, in_chrome
from archiver.extract.metadata import norm, norm_key, site_host
from archiver.extract.names import name_key

_LABELS = (
    r"also|also read|read also|read more|more to read|must read|see also|related(?: \w+){0,2}"
    r"|recommended(?: for you)?|you (?:may|might) also like|don'?t miss|more from [^:]{1,40}"
    r"|most (?:popular|read|viewed)|trending(?: now)?|follow us(?: on [^:]{1,30})?"
    r"|subscribe(?: now)?|sign up(?: now)?|share(?: this)?(?: article| story| post)?"
    r"|advertisement|sponsored|click here|watch(?: now)?|listen(?: now)?|(?:see )?more"
    r"|read next|lesen sie auch|lesen sie mehr|mehr zum thema|auch interessant|das k\u00f6nnte"
    r" sie auch interessieren|\u00e4hnliche(?: artikel| beitr\u00e4ge| themen)?|zum artikel"
    r"|weitere artikel|mehr dazu|lire aussi|\u00e0 lire aussi|voir aussi|lee tambi\u00e9n"
    r"|leer tambi\u00e9n|ver tambi\u00e9n|leia tamb\u00e9m|leggi anche(?: su)?"
    r"|suscr[i\u00ed]bete(?: ahora)?|abonnez-vous|noticias? relacionadas?|notizie correlate"
)
_PROMO = re.compile(
    rf"^[-\u2013\u2022*(\s]*(?:{_LABELS})\s*(?:[:|\u00bb>\u203a\-\u2013\u2014\u2026!]|\.\.\.|$)"
    # a label no sentence starts with, run into the headline it links: "À lire aussi La ..."
    r"|^(?i:\u00e0 lire aussi|lire aussi|lesen sie auch|leia tamb\u00e9m|lee tambi\u00e9n"
    r"|leggi anche|also read|read also)\s+(?-i:[A-Z\u00c0-\u00de\u00ab\"\u201e\u201c])",
    re.I,
)
_PROMPT = re.compile(  # a call to subscribe/follow/share, not reporting about one; lower case
    r"(?:^|[.!?:]\s)\W*(?:subscribe|sign up|follow|join|get|download|click|tap|share|like us"
    r"|register"
    r"|don'?t miss|stay (?:informed|updated|up to date)|check out|find out more|for more"
    r"|start your day|got a|have a|would you like|folg(?:e|en sie|st du)|abonnier(?:e|en sie)"
    r"|melde dich|melden sie sich|hol dir|holen sie sich|suscr\u00edbete|abonnez-vous"
    r"|inscrivez-vous|iscriviti|reach)\b(?=.*\b(?:newsletters?|inbox|subscri\w+|follow|channel|app"
    r"|twitter|facebook|instagram|whatsapp|telegram|google news|linkedin|youtube|notifications"
    r"|stories like this|news page|e-paper|podcasts?|kanal|updates|comment|click(?:ing)? here"
    r"|coverage)\b|.*https?://)"
    r"|^\W*(?:sign up|subscribe|register) (?:for|to)\b",
)
_CJK_CHAR = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_WORD = re.compile(r"[^\s\u3040-\u30ff\u3400-\u9fff]+")
_BY_LINE = re.compile(r"^(?:by|von|par|por|di|door)\s+\S", re.I)
_NAME_LINE = re.compile(  # "Von Nina Roe", "By Jane Roe and John Doe": nothing but names
    r"^(?i:by|von|par|por|door)\s+[A-Z\u00c0-\u00de][\w.'\u2019-]+"
    r"(?:,?\s+(?:[A-Z\u00c0-\u00de][\w.'\u2019-]+|de|van|von|der|da|di|le|la|and|und|et|y|&))*$"
)
_URL_ONLY = re.compile(r"^\W*(?:https?://|www\.)\S+$")
_TITLE_SUFFIX = re.compile(r"\s*[|\u2013\u2014-]\s*(?:\S+\s*){1,4}$")
_END_MARKER = re.compile(  # what only ever closes an article: its tags, its comments
    r"^(?:tags|schlagw\u00f6rter|etiketler|comments|kommentare|comentarios|coment\u00e1rios"
    r"|commentaires|join the conversation|join our commenting forum)$",
    re.I,
)
_LINKS_MARKER = re.compile(  # a box of links to other articles: at the end, or amid the text
    r"^(?:themen|popular|most (?:popular|read|viewed)|meistgelesen|trending"
    r"|related(?: articles| stories| posts| content| news)?|read next"
    r"|you (?:may|might) also like|more (?:stories|news|on this story|from [\w .]{1,40})"
    r"|top stories|recommended(?: for you)?|\u00e4hnliche(?: artikel| themen)?|mehr zum thema"
    r"|weitere artikel|mehr themen auf [\w .]{1,40}|das k\u00f6nnte sie auch interessieren"
    r"|lesen sie auch|sur le m\u00eame sujet|\u00e0 lire aussi|leia tamb\u00e9m"
    r"|lee tambi\u00e9n|see more photos|explore further|popular on [\w .]{1,40})$",
    re.I,
)
_LINK_ITEM = re.compile(r"^[-\u2013\u2022*]\s+\S.*[^.!?\u2026)\"\u201d]$")
_LONG_LINKS = lxml.etree.XPath(".//a[@href][string-length(normalize-space()) > 15]")
_ABSOLUTE = re.compile(r"//|[a-zA-Z][\w+.-]*:")
# in_chrome() is too broad here: themes call the main column a sidebar, the header a widget
_ASIDE_OR_CAPTION = lxml.etree.XPath(
    "ancestor-or-self::*[self::figure or self::figcaption or contains(@class, 'caption')"
    " or self::aside or self::nav or self::footer]"
)
_WHOLE_TEXT = lxml.etree.XPath("//body//*[normalize-space(.) = $t][1]")
_LEAD_TAGS = ("p", "div", "span", "h2", "h3", "strong", "b", "section", "header", "summary")
_BAR_LABEL = re.compile(r"^([^|]{2,60}?)\s+\|\s+\S")  # "LABEL | headline"
_SENTENCE_END = (".", "!", "?", "\u2026", '."', ".\u201d")
_FULL_STOP = (".", '."', ".\u201d")
_PAGE_NUMBER = re.compile(r"/page/\d+/?$|[?&](?:page|paged|pg)=\d+", re.IGNORECASE)
_TEASER_WORDS = 35  # what follows a closing marker: headlines and teasers, not paragraphs
_DOUBLED = re.compile(r"(.{12,}?)\s*\1")  # "Headline Headline": a teaser's two spans
_TAGGED = re.compile(r"\[[^\W\d_][^\]\d]{2,14}\]\W*$")  # "... eating marmot [INSIGHT]": a link


_WRAPPED = re.compile(r"[^\S\n]*\n\s*")
_WRAPPED_TEXT = lxml.etree.XPath(
    "descendant-or-self::text()[contains(., '\n') and normalize-space(.) and not(ancestor::pre"
    " or ancestor::textarea or ancestor::script or ancestor::style or ancestor::code"
    " or ancestor::*[contains(@style, 'white-space')])]"
)


def join_wrapped_lines(scope: HtmlElement) -> None:
    """Join, in place, the lines that the page's HTML source wraps inside the texts of
    ``scope`` (the element holding the article, ``<body>`` when none does): a browser shows
    them as one line, but trafilatura keeps each source line as a line of its text, and
    :func:`clean_paragraphs` would make each a paragraph. A line break the page sets
    (``<br>``) is an element and stays; so do the lines of ``<pre>``, ``<textarea>``,
    ``<code>`` and of an element whose ``style`` sets ``white-space`` (``pre-line``: a poem, an
    address; a stylesheet's rules are not read)."""
    for text in _WRAPPED_TEXT(scope):
        parent = text.getparent()
        if parent is None:
            continue
        if text.is_tail:
            parent.tail = _WRAPPED.sub(" ", parent.tail)
        else:
            parent.text = _WRAPPED.sub(" ", parent.text)


def clean_paragraphs(
    text: str | None,
    *,
    title: str | None,
    authors: Sequence[str],
    byline: str | None,
    box_texts: Sequence[str],
    links: Callable[[], Collection[str]] = frozenset,
) -> tuple[list[str], str | None, list[str]]:
    """Paragraphs of the body, a "By ..." line found at its top (a byline) if any, and the
    paragraphs dropped as teasers.

    ``links()`` gives the texts (:func:`~archiver.extract.metadata.norm_key` form) of the
    page's links to its own other pages: a paragraph that is one of them whole,
    headline-sized, is a teaser."""
    paragraphs = _cut_tail(
        [p for p in (clean_text(line) for line in (text or "").splitlines()) if p]
    )
    boxes = [norm(b) for b in box_texts]
    names = {norm(a) for a in authors}
    name_keys = {name_key(a) for a in authors}  # an accent variant of an author's name too
    headline = norm_key(title) if title else None
    found_byline = None
    link_keys: Collection[str] | None = None
    kept: list[str] = []
    teasers: list[str] = []
    for n, para in enumerate(paragraphs):
        if len(para) == 1 and unicodedata.category(para) != "So":  # "◇" is a section break
            continue  # a logo's letter, a stray "-", "|" or "?" between paragraphs
        key = norm_key(para)
        words = len(para.split())
        top = not kept and n < 4
        if headline and (key == headline or _titled(key, headline)):
            continue
        if (
            top
            and headline
            and words <= 40
            and _kicker_and_headline(key, headline)
            and parse_dateline(para) is None  # a wire lead: "新华社北京4月24日电 题 <headline>"
        ):
            continue
        if top and _URL_ONLY.match(para):  # the page's address printed above the article
            continue
        if _BY_LINE.match(para) and (
            (top and words <= 12) or (words <= 7 and _NAME_LINE.match(para))
        ):
            if top:
                found_byline = found_byline or para
            continue
        if (byline and key == norm(byline)) or key in names:
            continue
        if words <= 6 and name_keys and name_key(para) in name_keys:
            continue
        if _PROMO.match(para) or (words <= 40 and _PROMPT.search(para.lower())):
            continue
        if words <= 40 and para[:12] in para[12:] and _DOUBLED.fullmatch(para):
            continue
        if 4 <= words <= 25 and _TAGGED.search(para):
            continue
        if len(key) >= 20 and any(key in box for box in boxes):
            continue
        if is_boilerplate(para):
            continue
        if 4 <= words <= 25 and not para.endswith(_FULL_STOP):  # "WHAT ARE ...?" is a headline
            if link_keys is None:
                link_keys = links()
            if norm_key(para.lstrip("-\u2013\u2022* ")) in link_keys:
                teasers.append(para)
                continue
        kept.append(para)
    return _drop_link_list(_drop_labelled_links(kept)), found_byline, teasers


def link_texts(root: HtmlElement, url: str) -> set[str]:
    """The texts of the page's links of four words or more to other pages of its own site (its
    registered domain), in :func:`~archiver.extract.metadata.norm_key` form."""
    site = extract_domain(url) or site_host(url) or ""
    found = set()
    for a in _LONG_LINKS(root):
        href = a.get("href").strip()
        if href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        if _ABSOLUTE.match(href):  # a relative address is the site's own
            host = urlsplit(href if href[0] != "/" else "http:" + href).hostname or ""
            if not (host == site or host.endswith("." + site)):
                continue
        text = norm_key(a.text_content())
        if len(text.split()) >= 4:
            found.add(text)
    return found


def standfirst(
    root: HtmlElement, descriptions: Sequence[str], paragraphs: Sequence[str]
) -> str | None:
    """The standfirst (lead, dek) the page shows above the text when trafilatura left it out:
    an element of the page's body, outside captions, asides, navigation and footers, whose text
    is one of the page's declared descriptions (``og:description``, ``description``, JSON-LD),
    or begins with one cut short, or is its first sentences; ``None`` when the text already
    holds it."""
    wanted = []
    for description in descriptions:
        key = norm_key(description).rstrip(".\u2026 ")
        if len(key) >= 40 and not any(key[:60] in norm_key(p) for p in paragraphs):
            wanted.append(key)
    body = root.find("body")
    if not wanted or body is None:
        return None
    starts = {key[:20] for key in wanted}
    for el in body.iter(_LEAD_TAGS):
        own = (el.text or "").lstrip()
        if len(own) < 20 or norm_key(own[:60])[:20] not in starts:
            continue
        text = clean_text(el.text_content())
        key = norm_key(text)
        shown = any(key.startswith(w) and len(key) <= len(w) * 1.3 + 20 for w in wanted) or (
            len(key) >= 40
            and text.endswith(_SENTENCE_END)
            and any(w.startswith(key) for w in wanted)
        )  # the description whole, or its first sentences (the rest is in the text below)
        if shown:
            return None if _ASIDE_OR_CAPTION(el) else text
    return None


def without_next_story(paragraphs: list[str], root: HtmlElement, scope: HtmlElement) -> list[str]:
    """``paragraphs`` without their closing run that belongs to another story on the page: an
    ``<article>`` with a headline of its own besides ``scope`` (the next article that the page
    loads under the first one)."""
    if scope.tag != "article" or not paragraphs:
        return paragraphs
    others = [
        a
        for a in root.iter("article")
        if a is not scope and a.find(".//h1") is not None and not _related(a, scope)
    ]
    if not others:
        return paragraphs
    elsewhere = " ".join(norm_key(a.text_content()) for a in others)
    own = norm_key(scope.text_content())
    keys = [norm_key(p)[:80] for p in paragraphs]
    last = max((n for n, key in enumerate(keys) if key in own), default=None)
    if last is None:
        return paragraphs  # nothing of the text is the headline's article: no boundary
    tail = keys[last + 1 :]  # two thirds of it in the other story: it is that story
    if tail and sum(key in elsewhere for key in tail) * 3 >= len(tail) * 2:
        return paragraphs[: last + 1]
    return paragraphs


def _related(a: HtmlElement, b: HtmlElement) -> bool:
    """One element holds the other."""
    return any(x is b for x in a.iterancestors()) or any(x is a for x in b.iterancestors())


def _drop_labelled_links(paragraphs: list[str]) -> list[str]:
    """Drop the links to other articles that share a label before a bar, wherever they stand
    (``READ ANOTHER STORY HERE | <headline>``, ``Design Week 2018 | <headline>``): two or more
    headline-sized lines with the same words before `` | `` and no full stop after them."""
    labels = [_bar_label(p) for p in paragraphs]
    counts = Counter(label for label in labels if label)
    return [
        p for p, label in zip(paragraphs, labels, strict=True) if not label or counts[label] < 2
    ]


def _bar_label(paragraph: str) -> str | None:
    m = _BAR_LABEL.match(paragraph)
    if m is None or len(paragraph.split()) > 25 or paragraph.endswith(_SENTENCE_END):
        return None
    return m[1]


def _drop_link_list(paragraphs: list[str]) -> list[str]:
    """Drop a closing run of three or more short list items that read as headlines (no full
    stop): links to other articles ("- Iran: the talks resume"), with the short line ending in a
    colon that introduces them."""
    n = len(paragraphs)
    while n and _LINK_ITEM.match(paragraphs[n - 1]) and len(paragraphs[n - 1].split()) <= 15:
        n -= 1
    if len(paragraphs) - n < 3 or n == 0:
        return paragraphs
    if paragraphs[n - 1].endswith(":") and len(paragraphs[n - 1].split()) <= 12:
        n -= 1
    return paragraphs[:n]


def _kicker_and_headline(key: str, headline: str) -> bool:
    """The headline again above the text, with its kicker run into it (``Umbau des Weissen
    Hauses Trump plant ...``, ``Onlineversand aus Fernost : Wie gefährlich ...``) and nothing
    after it but a separated tail (``... | Evening News``, ``... (Video)``) or a date, or only
    the part of a ``Kicker: Headline`` title after the kicker. A lead that opens with the
    headline's words and goes on (``Central bank raises rates again, for the third time ...``)
    is the lead."""
    if len(headline) >= 20 and headline in key:
        after = key.partition(headline)[2].lstrip()
        if not after or after[0] in _TAIL_SEPARATORS:
            return True
        return after[0].isdigit() and len(after.split()) <= 2  # its date: "... 05.03.2024"
    return len(key) >= 20 and headline.endswith(key)


_TAIL_SEPARATORS = "|-\u2013\u2014:/\u00b7\u2022(["
"""What stands between a headline and a tail that is no sentence: ``Headline | Site``,
``Headline (Video)``."""


def _titled(key: str, headline: str) -> bool:
    """``"Headline | wdr aktuell"``: the headline with a short programme or site name after it."""
    return key.startswith(headline) and bool(_TITLE_SUFFIX.fullmatch(key[len(headline) :]))


def _cut_tail(paragraphs: list[str]) -> list[str]:
    """Cut at the first closing marker after which only teaser-sized paragraphs follow: the
    article's tags or comments, or a box of links ("You may also like", "Lesen Sie auch") when
    fewer words follow it than a third of those before it (so that such a box amid short
    paragraphs does not end the article). Never at the very top."""
    sizes = [len(p.split()) for p in paragraphs]
    longest_after = [0] * (len(sizes) + 1)  # the longest paragraph after each index, and the sum
    words_after = [0] * (len(sizes) + 1)
    for n in range(len(sizes) - 1, -1, -1):
        longest_after[n] = max(sizes[n], longest_after[n + 1])
        words_after[n] = sizes[n] + words_after[n + 1]
    for n in range(1, len(paragraphs)):
        marker = paragraphs[n].strip(" .:\u2026|-\u2013\u2014\u00bb>")
        if len(marker) > 40 or longest_after[n + 1] > _TEASER_WORDS:
            continue
        if _END_MARKER.match(marker) or (
            _LINKS_MARKER.match(marker)
            and words_after[n + 1] * 3 <= words_after[0] - words_after[n]
        ):
            return paragraphs[:n]
    return paragraphs


def word_count(paragraphs: Sequence[str]) -> int:
    """Words, counting two Chinese or Japanese characters as one (those scripts use no spaces)."""
    text = " ".join(paragraphs)
    return len(_WORD.findall(text)) + len(_CJK_CHAR.findall(text)) // 2


def _shows(root: HtmlElement, title: str | None) -> bool:
    """Whether ``title`` is the whole text of an element of the page's body."""
    text = " ".join((title or "").split())
    return bool(text) and bool(_WHOLE_TEXT(root, t=text))


def page_type(
    root: HtmlElement,
    signals: PageSignals,
    article: dict[str, Any] | None,
    paragraphs: list[str],
    *,
    url: str = "",
    headline: bool,
    dated: bool,
    teaser_lines: Sequence[str] = (),
    title: str | None = None,
    declared_date: bool = False,
) -> str:
    """``article``: JSON-LD Article or ``og:type`` article, a body of a few hundred words, or a
    shorter one (50 words or more) with a date under its headline (``headline``: an ``h1``, or
    ``title`` shown whole in an element of the page, as a news brief without an ``h1`` shows
    it); ``listing``: mostly teaser links to other pages; else ``other``. ``teaser_lines``: the
    lines of trafilatura's text that :func:`clean_paragraphs` dropped as links to other pages.
    ``declared_date``: the page's metadata gives its publication date, as an article's does."""

    def shows_headline() -> bool:
        return headline or _shows(root, title)

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
    # (but an article of one-sentence paragraphs beside its related links is dated and headed
    # as an article is: diariodelsur.com.co)
    if (
        len(teasers) >= 4
        and (words < 250 or short * 2 >= len(paragraphs))
        and not (words >= 250 and declared_date and shows_headline())
    ):
        return "listing"
    # A numbered page of teasers (a section's last page may hold a single one) is a listing
    # even when its excerpts add up to an article-sized text: under 250 words, or four teasers
    # or more on a page with no publication date of its own (WordPress's 55-word excerpts).
    # Only numbered pages count: WordPress also links the adjacent *posts* with rel=prev/next.
    nav = root.xpath(
        "//link[@rel='next' or @rel='prev']/@href | //a[@rel='next' or @rel='prev']/@href"
    )
    paginated = any(_PAGE_NUMBER.search(str(href)) for href in [url, *nav])
    if teasers and paginated and (words < 250 or (len(teasers) >= 4 and not declared_date)):
        return "listing"
    # A body made of the teasers' own headlines is a list of other pages' excerpts.
    titles = {" ".join(a.text_content().split()) for a in teasers}
    in_body = sum(" ".join(p.split()) in titles for p in [*paragraphs, *teaser_lines])
    if in_body >= 2 and in_body * 2 >= len(teasers):
        return "listing"
    if words >= 200 or (words >= 50 and dated and shows_headline()):
        return "article"
    if len(teasers) >= 3 or (collection and teasers):
        return "listing"
    return "other"
