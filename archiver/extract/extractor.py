"""``ArticleExtractor``: one captured HTML page in, one :class:`~archiver.items.Article` out."""

from __future__ import annotations

import copy
import datetime
import functools
import logging
import re
from collections.abc import Callable, Sequence
from typing import Any

import trafilatura
import trafilatura.utils
from lxml.html import HtmlElement
from trafilatura.settings import Document, Extractor

from archiver.dateline import parse_dateline
from archiver.extract import authors as authors_mod
from archiver.extract import body as body_mod
from archiver.extract import dates, images, metadata
from archiver.extract import language as language_mod
from archiver.extract import title as title_mod
from archiver.extract.markup import PageSignals, in_chrome, parse_html, visible
from archiver.extract.names import OutletNames, name_key, split_names
from archiver.items import Article, CaptureRef

logger = logging.getLogger(__name__)

EXTRACTOR_VERSION = f"archiver-extract/24 trafilatura/{trafilatura.__version__}"
"""Written into every article, so a later extractor can tell which articles to redo. The
number goes up with each release whose rules change what the corpus pages give (2: the
standfirst, link teasers, the dated byline, and the rules since 1; 3: the language read from
the text where the page declares none, or English over text that is not; 4: one image for
one photo at several sizes and no placeholders, "Analysis by", the place reporters filed from
and trailing agencies apart from the authors, the site name from the declared part that names
the host and never a handle or the page's title, the meta tags' byline, Home and labels out of
the sections, internal labels out of the tags; 5: degrees and "for <outlet>" out of the names,
and trafilatura's author only as the page writes it, no description that is only a suffix;
6: a fact-check's claimant out of the authors; 7: share buttons' labels out of descriptions;
8: no dateline of a title-case place without date or agency in English; 9: a paragraph the
HTML source wraps over several lines is one paragraph; 10: a UTC publication time in the zone
of the page's other times around it; 11: first in the zone a ``<time>`` of the article shows
it in; 12: soft hyphens, zero-width spaces and word joiners out of the text; 13: an ``h1``
in a chrome-like block inside the ``<article>`` is a headline, and the body keeps the
zero-width non-joiner and joiner; 14: a "By ..." byline that names no person is kept raw;
21: a short article's paragraphs (trafilatura's precision mode where its default ran the
whole ``<article>`` together) and a lead that opens with the headline's words kept;
22: every field's losing signals in ``<field>.rejected``, no author names joined back as a
losing byline, a date's time and zone from a later signal that agrees, JSON-LD in CDATA,
agencies in brackets and "<agency> Staff" as authors, a surname-first JSON-LD name as one
person, ``article:content_tier`` and schema.org's Boolean URLs for the paywall, ``<base href>``
for the canonical and image URLs; 23: the headline repeated with a ``(Video)`` or date tail
dropped, a malformed ``<base href>`` ignored, withdrawn language codes replaced, a numbered
page of four long excerpts or more and no date of its own a listing; 24: no htmldate date
the page gives only in its sidebars and other chrome, a JSON-LD Person named by its given and
family names, microdata's ``isAccessibleForFree`` for the paywall, an author written with and
without diacritics one author (an accent variant of an author's name alone on a line of the
body dropped too), ``nb`` and ``no`` one language)."""

_JOINERS = frozenset("\u200c\u200d")
_WORD = re.compile(r"\w+")


@functools.lru_cache(maxsize=2**14)
def _printable_space_or_joiner(char: str) -> str:
    """trafilatura's test of the characters its text keeps (``str.isprintable`` or a space),
    which also keeps the zero-width non-joiner and joiner: Persian and Indic words are spelt
    with them (``\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645``), emoji sequences
    are joined by them. Both are valid in XML, which the test guards."""
    return char if char.isprintable() or char.isspace() or char in _JOINERS else ""


# trafilatura's remove_control_characters() looks this function up in its module on each call.
# test_the_joiners_of_scripts_stay_in_the_body fails if a release of trafilatura stops doing so.
trafilatura.utils.return_printables_and_spaces = _printable_space_or_joiner


def _agree(a: Any, b: Any) -> bool:
    """Two candidate values say the same thing: equal after case and space folding, or one a
    prefix of the other (``2024-03-03`` and ``2024-03-03T10:00:00+05:00``), also without
    punctuation; of two lists (names, tags, sections), each item of one is an item of the other,
    in as many words or more (``Jane Doe`` of ``Jane Doe, John Roe``)."""
    if isinstance(a, list) or isinstance(b, list):
        one, other = ([_words(i) for i in (v if isinstance(v, list) else [v])] for v in (a, b))
        return all(any(_same_item(i, j) for j in other) for i in one) or all(
            any(_same_item(i, j) for j in one) for i in other
        )
    x, y = (" ".join(str(v).split()).casefold() for v in (a, b))
    if x.startswith(y) or y.startswith(x):
        return True
    # the same words, but for punctuation, quotes and a closing ellipsis ("A big shift, but"
    # and "A big shift but", "isn't slowing down on stacking up new potential models. T\u2026")
    x, y = metadata.loose(x), metadata.loose(y)
    return bool(x and y) and (x.startswith(y) or y.startswith(x))


def _words(item: Any) -> frozenset[str]:
    return frozenset(_WORD.findall(metadata.norm(str(item))))


def _same_item(a: frozenset[str], b: frozenset[str]) -> bool:
    """Two items of lists name the same, one in more words than the other (``Ulrich Exner``
    and ``Ulrich Exner Korrespondent``, ``Türkiye`` and ``Türkiye Haberleri``)."""
    return bool(a and b) and (a <= b or b <= a)


def _same_name(a: str, b: str) -> bool:
    """Two names of the site agree when one holds the other (``Washington Post`` and ``The
    Washington Post``, ``ORF.at`` and ``news.ORF.at``)."""
    x, y = metadata.loose(a), metadata.loose(b)
    return _agree(a, b) or (bool(x and y) and (x in y or y in x))


def _same_url(a: str, b: str) -> bool:
    """Two addresses agree but for ``http`` and ``https``."""
    return _agree(*(re.sub(r"^https?://", "", u, flags=re.I) for u in (a, b)))


def _shown(value: Any) -> str:
    """A candidate value as ``<field>.rejected`` writes it: a list's items joined by commas."""
    return ", ".join(map(str, value)) if isinstance(value, list) else str(value)


def _same_authors(a: list[str], b: list[str]) -> bool:
    """Two lists of names agree (:func:`_agree`) also when one writes a name without its
    diacritics (``Lucia Perez``, ``Lucía Pérez``: :func:`~archiver.extract.names.name_key`)."""
    return _agree([name_key(n) for n in a], [name_key(n) for n in b])


def _same_language(a: str, b: str) -> bool:
    """Two language codes agree (:func:`_agree`) also when they name one language in two
    codes (``nb`` and ``no``: :func:`~archiver.extract.language.same_language`)."""
    return _agree(a, b) or language_mod.same_language(a, b)


def _same_byline(a: str, b: str) -> bool:
    """Two bylines that name the same people (``By Jane Doe`` and the meta tag's ``Jane
    Doe``) agree."""
    if _agree(a, b):
        return True
    names = authors_mod.norms(split_names(a))
    return bool(names) and names == authors_mod.norms(split_names(b))


class ArticleExtractor:
    """Turns a page into an :class:`Article`: trafilatura for the body text, the page's own
    structured data and markup for everything else, each field with its provenance.

    Build one and reuse it: the trafilatura options are built once, here.
    """

    def __init__(self, *, include_comments: bool = False) -> None:
        self.include_comments = include_comments
        # Without trafilatura's metadata: its title, author, site name, description and date
        # are our last resort, so they are computed only when a field has nothing else
        # (``_TrafilaturaMetadata``); on every page they cost a quarter of the extraction.
        self._options = Extractor(
            output_format="python", comments=include_comments, with_metadata=False, tables=True
        )
        self._precise = Extractor(
            output_format="python",
            comments=include_comments,
            with_metadata=False,
            tables=True,
            precision=True,
        )

    def extract(
        self,
        html: bytes | str,
        url: str,
        *,
        outlet: str | None = None,
        capture: CaptureRef | None = None,
        section_hint: Sequence[str] = (),
        encoding: str | None = None,
    ) -> Article:
        """Extract the article on the page ``html`` fetched from ``url``.

        ``html`` may be bytes in any charset (``encoding``, e.g. from the HTTP header, is tried
        first, then the page's ``<meta charset>``, then UTF-8). Raises
        :class:`~archiver.exceptions.ExtractionError` when the bytes are not an HTML page.
        """
        root = parse_html(html, url, encoding)
        signals = PageSignals(root)
        node = metadata.article_node(signals)
        scope = _article_scope(root)
        body_mod.join_wrapped_lines(scope)  # before trafilatura reads the text
        doc = self._trafilatura(root, url)
        last_resort = _TrafilaturaMetadata(root, url, self._date_params(), found_text=bool(doc))
        prov: dict[str, str] = {}

        rejected: dict[str, list[Any]] = {}

        def reject(
            field: str,
            chosen: Any,
            *found: tuple[Any, str | None],
            agree: Callable[[Any, Any], bool] = _agree,
        ) -> None:
            """Keep each of ``found`` that disagrees (``agree``) with ``chosen``, the field's
            value, in provenance as ``<field>.rejected`` (``"signal: value | ..."``), once per
            value, under the first signal that gave it. A value given as a callable is a last
            resort, no signal of the page's own: never a loser."""
            losers = rejected.setdefault(field, [])
            for value, signal in found:
                if callable(value) or not (value and signal):
                    continue
                if not any(agree(value, seen) for seen in (chosen, *losers)):
                    losers.append(value)
                    lost = f"{signal}: {_shown(value)[:120]}"
                    key = f"{field}.rejected"
                    prov[key] = f"{prov[key]} | {lost}" if key in prov else lost

        def pick(
            field: str, *found: tuple[Any, str | None], agree: Callable[[Any, Any], bool] = _agree
        ) -> Any:
            """The first candidate with a value wins; the later ones that disagree are kept
            (:func:`reject`). A value given as a callable is a last resort: called only when
            nothing before it has a value."""
            for n, (value, signal) in enumerate(found):
                if callable(value):
                    value = value()
                if value and signal:
                    prov[field] = signal
                    reject(field, value, *found[n + 1 :], agree=agree)
                    return value
            return None

        site_name = pick(
            "site_name",
            *metadata.site_names(signals, node, url),
            (
                lambda: metadata.plausible_site_name(
                    last_resort.doc.sitename, headline=signals.meta.get("og:title")
                ),
                "trafilatura",
            ),
            (lambda: metadata.site_host(url), "url"),
            agree=_same_name,
        )
        headline = title_mod.find_title(root, signals, node, site_name)
        title = pick(
            "title",
            (headline.text, headline.signal),
            *headline.declared,
            (lambda: last_resort.doc.title, "trafilatura"),
        )
        outlet_names = OutletNames(signals, url, site_name)
        who = authors_mod.find_authors(
            root, signals, node, scope, outlet_names, lambda: last_resort.doc.author
        )
        paragraphs, by_line, teaser_lines = body_mod.clean_paragraphs(
            visible(doc.text) if doc and doc.text else None,
            title=headline.repeated or title,
            authors=who.authors,
            byline=who.byline,
            box_texts=who.box_texts,
            links=lambda: body_mod.link_texts(scope, url),
        )
        paragraphs = body_mod.without_next_story(paragraphs, root, scope)
        if paragraphs:
            prov["body"] = "trafilatura"
        authors = who.authors
        named = split_names(by_line) if by_line and (who.as_given or not authors) else []
        if named and not authors_mod.norms(named) & authors_mod.norms(authors):
            # "Online News Editor" (JSON-LD) loses to "By Cristina Alonso"
            authors = pick(
                "authors",
                (named, "byline"),
                (authors, who.signal),
                *who.rivals,
                agree=_same_authors,
            )
        elif authors and who.signal:
            pick("authors", (authors, who.signal), *who.rivals, agree=_same_authors)
        byline = pick(
            "byline",
            (who.byline, who.byline_signal),
            (by_line, "byline"),
            (who.declared, "meta"),
            # the names joined are no signal of their own: a byline only where the page has none
            (lambda: ", ".join(authors), prov.get("authors")),
            agree=_same_byline,
        )
        found_dates = dates.find_dates(root, signals, node, scope)
        published = pick(
            "published",
            found_dates.published,
            *found_dates.published_declared,
            (lambda: last_resort.date(scope), "htmldate"),
            agree=dates.agree,
        )
        if found_dates.published_time:
            prov["published.time"] = found_dates.published_time
        if found_dates.modified[0] and found_dates.modified_time:
            prov["modified.time"] = found_dates.modified_time
        declared_languages = metadata.declared_languages(root, signals, node)
        text = "\n\n".join(paragraphs)  # the standfirst below is the same language
        corrected = language_mod.correction(next(iter(declared_languages), (None, None))[0], text)
        language = pick(
            "language",
            (language_mod.as_declared(corrected, [c for c, _ in declared_languages]), "text"),
            *declared_languages,
            (lambda: language_mod.detect(text), "text"),
            agree=_same_language,
        )
        while (
            len(paragraphs) > 1
            and dates.is_date_line(paragraphs[0])
            and not parse_dateline(paragraphs[0], language=language)
        ):
            paragraphs = paragraphs[1:]  # the date under the headline: metadata, as the byline
        dateline = (
            parse_dateline(paragraphs[0], published=dates.as_date(published), language=language)
            if paragraphs
            else None
        )
        # The standfirst trafilatura left out goes first; wire copy opens with its dateline.
        if paragraphs and not dateline:
            declared = metadata.descriptions(signals, node)
            if lead := body_mod.standfirst(root, declared, paragraphs):
                paragraphs = [visible(lead), *paragraphs]
                prov["body.standfirst"] = "markup"
        if dateline:
            prov["dateline"] = "dateline"
            published = published or pick("published", (dateline.date, "dateline"))
            if dateline.date is None and published:
                # An undated dateline (``WASHINGTON (AP) —``) is filed on the day of publication.
                dateline.date = published[:10]
                prov["dateline.date"] = "published"
            elif published and prov["published"] != "dateline":
                reject("published", published, (dateline.date, "dateline"), agree=dates.agree)
        declared_tags = metadata.declared_tags(signals, node)
        tags, tags_signal = metadata.find_tags(root, signals, node, declared_tags)
        paywalled, paywall_signal = metadata.find_paywall(signals, node)
        if paywall_signal:  # not through pick(): False is a value here
            prov["is_paywalled"] = paywall_signal
        pictures, pictures_signal = images.find_images(signals, node, scope, url)
        section, section_signal = metadata.find_section(
            root, signals, title, site_name, section_hint, url
        )
        if section and section_signal:
            pick("section", (section, section_signal), *metadata.declared_sections(signals, node))
        body = "\n\n".join(paragraphs)
        description = pick(
            "description",
            *metadata.declared_descriptions(signals, node),
            (lambda: last_resort.description(), "trafilatura"),
        )
        return Article(
            url=url,
            outlet=outlet,
            canonical_url=pick(
                "canonical_url", *metadata.canonicals(root, signals, url), agree=_same_url
            ),
            title=visible(title) if title else title,
            body=body,
            authors=[visible(a) for a in authors],
            byline=visible(byline) if byline else byline,
            dateline=dateline,
            published=published,
            modified=pick(
                "modified",
                found_dates.modified,
                *found_dates.modified_declared,
                agree=dates.agree,
            ),
            section=section,
            language=language,
            site_name=site_name,
            description=visible(description) if description else description,
            tags=pick("tags", (tags, tags_signal), *declared_tags) or [],
            images=pick("images", (pictures, pictures_signal)) or [],
            is_paywalled=paywalled,
            page_type=body_mod.page_type(
                root,
                signals,
                node,
                paragraphs,
                url=url,
                headline=prov.get("title") in ("h1", "heading", "json-ld"),
                dated=published is not None,
                teaser_lines=teaser_lines,
                title=title,
                declared_date=prov.get("published") in ("json-ld", "meta"),
            ),
            provenance=prov,
            capture=capture,
            extractor_version=EXTRACTOR_VERSION,
        )

    def _date_params(self) -> dict[str, Any]:
        """htmldate's options: trafilatura's, with no date later than tomorrow (UTC)."""
        today = datetime.datetime.now(datetime.UTC).date() + datetime.timedelta(days=1)
        return {**self._options.date_params, "max_date": today.isoformat()}

    def _trafilatura(self, root: HtmlElement, url: str) -> Document | None:
        """trafilatura's ``bare_extraction`` on the already parsed tree (it works on a copy):
        the body text."""
        doc = self._bare_extraction(root, url, self._options)
        if doc is not None and doc.text and "\n" not in doc.text.strip():
            # One line: on a short article (under trafilatura's 250 characters) its fallback,
            # the whole <article>'s text run together, headline, byline and date included.
            # Its precision mode has no such fallback: its paragraphs, when it finds them.
            precise = self._bare_extraction(root, url, self._precise)
            if precise is not None and precise.text and "\n" in precise.text.strip():
                return precise
        return doc

    def _bare_extraction(self, root: HtmlElement, url: str, base: Extractor) -> Document | None:
        options = copy.copy(base)
        options.url = options.source = url
        try:
            doc = trafilatura.bare_extraction(root, options=options)
        except Exception as e:  # trafilatura bugs must not cost us the metadata
            logger.warning("trafilatura failed on %s: %r; extracting metadata only", url, e)
            return None
        return doc if isinstance(doc, Document) else None


class _TrafilaturaMetadata:
    """trafilatura's metadata of a page (``extract_metadata``, htmldate's date among it),
    computed on first use: the extractor's last resort for the title, authors, site name,
    description and publication date, so most pages never need it. Nothing on a page where
    trafilatura found no text: a page without an article gets no guessed date either."""

    def __init__(
        self, root: HtmlElement, url: str, date_params: dict[str, Any], *, found_text: bool
    ) -> None:
        self._root, self._url, self._date_params = root, url, date_params
        self._found_text = found_text

    @functools.cached_property
    def doc(self) -> Document:
        if not self._found_text:
            return Document()
        try:  # on a copy, as bare_extraction ran it, so nothing can change our tree
            return trafilatura.extract_metadata(copy.copy(self._root), self._url, self._date_params)
        except Exception as e:  # trafilatura bugs must not cost us the article
            logger.warning("trafilatura metadata failed on %s: %r", self._url, e)
            return Document()

    def description(self) -> str | None:
        found = metadata.unshared(self.doc.description)
        return found if metadata.plausible_description(found) else None

    def date(self, scope: HtmlElement) -> str | None:
        """The date htmldate finds (``original_date=True``), normalised; not one the page gives
        only in its sidebars and other chrome outside the article ``scope`` (the first
        ``<time>`` of the latest posts beside a page of its own: an about page was an
        article dated that day); not 1 January unless
        the page states that day (in its URL, ``/2024/01/01/``, or its text): 1 January is how
        htmldate's last resorts give a year alone (the footer's ``© 2024``, a lone ``2024``),
        and a year is not the day the article appeared. (Of the corpus's 320 dated pages one got
        such a date from htmldate, and it was wrong.)"""
        found = dates.normalise_date(self.doc.date) if self.doc.date else None
        if found and dates.only_in_chrome(self._root, scope, self._url, found[:10]):
            return None
        if not found or found[4:10] != "-01-01":
            return found
        year = found[:4]
        if re.search(rf"{year}[/_-]?0?1[/_-]?0?1(?!\d)", self._url) or dates.mentions_day(
            self._root.text_content(), found[:10]
        ):
            return found
        return None


def _article_scope(root: HtmlElement) -> HtmlElement:
    """The element holding the article: the ``<article>`` with the headline, else ``<main>``,
    else the longest ``<article>``, else ``<body>``."""
    articles = [a for a in root.iter("article") if not in_chrome(a)]
    for art in articles:
        if art.find(".//h1") is not None:
            return art
    mains = root.xpath("//main | //*[@role='main']")
    if mains:
        return mains[0]
    if articles:
        return max(articles, key=lambda a: len(a.text_content()))
    body = root.find("body")
    return body if body is not None else root
