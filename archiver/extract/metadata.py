"""Site name, description, tags, paywall, language, canonical URL and section of a page.

Each finder returns ``(value, signal)`` so that the extractor can record provenance; the order of
the signals tried is the order of trust.
"""

from __future__ import annotations

import codecs
import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
from lxml.html import HtmlElement

from archiver.extract.markup import (
    PageSignals,
    base_url,
    clean_text,
    in_chrome,
    text_of,
    visible,
)

Found = tuple[str | None, str | None]
"""A value and the name of the signal that gave it (``"json-ld"``, ``"meta"``, ...)."""

FoundList = tuple[list[str], str | None]
"""Values and the name of the signal that gave them."""

_NOTHING: Found = (None, None)
_TAG_LINKS = lxml.etree.XPath(
    "//a[contains(@rel, 'tag')][contains(concat(' ', @rel, ' '), ' tag ')]"
)
_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)  # a UUID
_FACET = re.compile(
    r"(?:nlp\s+)?(?:tags?|topics?|categor(?:y|ies)|keywords?|subjects?|entity\s+tokens)"
    r"\s*:\s*(?P<value>\S.*)"
    r"|(?:tags?|topics?|categor(?:y|ies)|keywords?|subjects?)/(?P<path_value>[^/]+)",
    re.I,
)
_TOPIC_CODE = re.compile(r"[A-Z][A-Z0-9]{1,7}")
_LIST_END = re.compile(r"(?:&|and|und|et|y|e)\s", re.I)
_CODE = re.compile(r"^[\w-]*[_:=][\w:=-]*$")  # "type_news", "section:world": codes, not tags
_LABEL_TAG = re.compile(
    r"[^\W_]_[^\W_]"  # a word with "_" inside: "AR_Arkadelphia - siftingsherald.com"
    r"|^\[.*\]$"  # a note: "[SYNDICATED CONTENT]"
    r"|^(?:[a-z][\w-]*|(?i:type|source|length|section|target))/"  # "Length/medium", "sections/x"
)
"""A content system's internal label given as a tag; a taxonomy's path ("Investing/Securities")
is a tag."""
_HOME = {
    *("home", "homepage", "home page", "start", "startseite", "inicio", "início", "accueil"),
    *("portada", "начало", "главная", "головна", "strona główna", "úvod", "etusivu", "forside"),
    *("hjem", "首页", "ホーム", "홈"),
    *("首頁", "主页", "الرئيسية", "الصفحة الرئيسية", "صفحه اصلی", "خانه", "anasayfa", "ana sayfa"),
    *("főoldal", "domů", "forsiden", "startsida", "pagina iniziale", "página inicial"),
    *("trang chủ", "beranda", "αρχική", "naslovna", "početna", "frontpage", "front page"),
}
_YOU_ARE_HERE = {
    *("you are here", "you are in", "sie sind hier", "sie befinden sich hier", "vous êtes ici"),
    *("sei in", "ti trovi in", "estás en", "usted está en", "você está em", "u bent hier"),
    *("du er her", "du är här", "jesteś tutaj", "вы здесь"),
}
"""A breadcrumb's label, when it has no colon (with one, any text ending in ":" is a label)."""
_CRUMB_CHARS = " >/|\\:-\u00bb\u203a\u2192\u2022\u00b7"  # > / | \ : - and typographic kin
_WORD = re.compile(r"\w+")
_SHARE_LABELS = re.compile(
    r"^(?:\s*(?i:share(?:\s+(?:this|it))?\s+(?:on|via|with)\s+"
    r"(?:whatsapp|facebook|twitter|x|linkedin|telegram|e-?mail|pinterest|reddit|messenger))"
    r"(?![a-z])[\s:|.-]*)+"
)
_SUFFIX_ONLY = re.compile(r"^\s*[|\-\u2013\u2014\u00b7\u2022\u00bb:]+\s*(?P<rest>[\w&][^.!?]*)$")
_DESCRIPTION_META = ("og:description", "description", "twitter:description")
_LOOSE = re.compile(r"[\W_]+")
_CRUMB_SEPARATORS = re.compile(rf"^[\s{re.escape(_CRUMB_CHARS)}]*$")


_QUOTES = str.maketrans({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})


def norm(text: str | None) -> str:
    """Comparison form of a short text: NFKC, casefold, typographic quotes and spaces unified,
    no closing dots or ellipsis."""
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_QUOTES)
    return clean_text(text).rstrip(" \u2026.")  # clean_text left no other white space


def norm_key(text: str) -> str:
    """Comparison form: :func:`norm` without soft hyphens and the like
    (``Helikopter\u00adlandeplatz``, :func:`~archiver.extract.markup.visible`)."""
    return norm(visible(text))


def loose(text: str | None) -> str:
    """Comparison form that ignores case, punctuation and spacing: ``STERN.de`` -> ``sternde``,
    ``"A: B"`` == ``"A B"``."""
    return _LOOSE.sub("", norm(text))


def unescape(value: Any) -> str | None:
    """A JSON-LD string as text (entities decoded, tags dropped), or None for anything else."""
    if isinstance(value, list) and value:
        value = value[0]
    if not isinstance(value, str):
        return None
    return clean_text(re.sub(r"<[^>]+>", " ", html.unescape(html.unescape(value)))) or None


def article_node(signals: PageSignals) -> dict[str, Any] | None:
    """The JSON-LD node describing the article itself, when the page has one."""
    for node in signals.nodes_of_type("Article", "BlogPosting", "NewsArticle", "Report"):
        return node
    for node in signals.nodes_of_type("WebPage"):
        main = signals.resolve(node.get("mainEntity"))
        if isinstance(main, dict) and "headline" in main:
            return main
    return None


def site_names(signals: PageSignals, article: dict[str, Any] | None, url: str = "") -> list[Found]:
    """The site's names the page declares, in the order of trust: ``og:site_name``, else the
    JSON-LD publisher's or website's name; a name that is the site's address
    (``https://www.kleinezeitung.at``) gives way to a JSON-LD name that is its (``Kleine
    Zeitung``), else becomes its host (``kleinezeitung.at``). The first is the site name, the
    others are signals that lose to it."""
    found: list[Found] = []
    address = None
    if declared := signals.first_meta("og:site_name", "application-name"):
        if "://" not in declared[1]:
            handle = declared[1].removeprefix("@")  # "@politifact": a handle
            found.append((_without_tagline(handle, site_host(url) or "") or None, "meta"))
            if found[0][0] is None:
                return found
        else:
            address = declared[1]
    publisher = signals.resolve(article.get("publisher")) if article else None
    names = [publisher.get("name")] if isinstance(publisher, dict) else []
    names += [
        node.get("name") for node in signals.nodes_of_type("WebSite", "NewsMediaOrganization")
    ]
    host = site_host(address or "") or ""
    for name in map(unescape, names):
        # with the address given, a name must be its (inquirer.com's JSON-LD publisher is
        # the Washington Post, whose article it carries)
        if name and "://" not in name and (not address or _names_host(name, host)):
            return [*found, (name, "json-ld")]
    return [*found, (host, "meta")] if host else found


_COPYRIGHT = re.compile(r"^\s*(?:copyright\b|\(c\)|\u00a9)", re.I)


def plausible_site_name(name: str | None, *, headline: str | None = None) -> str | None:
    """``name`` unless it is what trafilatura's guess of the site name sometimes is: an address
    (``https://twitter.com/anadoluajansi``), a copyright line (``Copyright 2014``, escaped or
    not), a Twitter handle (``Realestate_Au``: no site's name holds ``_``), or the page's title
    (it starts with the ``headline``)."""
    text = unescape(name)
    if not text or "://" in text or "_" in text or _COPYRIGHT.match(text):
        return None
    if headline and len(norm(headline)) >= 6 and norm(text).startswith(norm(headline)):
        return None
    return name


def site_host(url: str) -> str | None:
    """The host of ``url`` without ``www.``: the site's name when nothing else names it."""
    return (urlsplit(url).hostname or "").removeprefix("www.") or None


_NAME_PARTS = re.compile(r"\s+[|\-\u2013\u2014]\s+|\s*\uff5c\s*")


def _without_tagline(name: str, host: str) -> str:
    """``LinkNaija | Nigeria's popular news platform`` -> ``LinkNaija``: of a site name in
    parts, the one part that names the host (not one that is an address, ``JPost.com``)."""
    parts = _NAME_PARTS.split(name)
    naming = [p for p in parts if "." not in p and _names_host(p, host)] if len(parts) > 1 else []
    return naming[0] if len(naming) == 1 else name


def _names_host(name: str, host: str) -> bool:
    """``News Nation`` is ``newsnation.in``'s name."""
    key = loose(name)
    return bool(key) and key in loose(host)


def declared_descriptions(signals: PageSignals, article: dict[str, Any] | None) -> list[Found]:
    """The plausible descriptions the page declares, in the order of trust (``og:description``,
    ``description``, ``twitter:description``, JSON-LD)."""
    found: list[Found] = []
    for key in _DESCRIPTION_META:
        if plausible_description(value := unshared(signals.meta.get(key))):
            found.append((value, "meta"))
    description = unshared(unescape(article.get("description")) if article else None)
    if plausible_description(description):
        found.append((description, "json-ld"))
    return found


def unshared(text: str | None) -> str | None:
    """``text`` without the share buttons' labels that a plugin glued to its start (``Share
    this on WhatsAppThe footbridge ...``)."""
    return _SHARE_LABELS.sub("", text) if text else text


def plausible_description(text: str | None) -> bool:
    """Not empty, and not a template's suffix with nothing before it: ``| Lebanon News``,
    ``- Valley Courier`` (but ``- and why it matters``)."""
    if not text or not text.strip():
        return False
    m = _SUFFIX_ONLY.match(text)
    return m is None or m["rest"][0].islower() or len(m["rest"].split()) > 6


def descriptions(signals: PageSignals, article: dict[str, Any] | None) -> list[str]:
    """Every description the page declares (``og:description``, ``description``,
    ``twitter:description``, JSON-LD), in that order."""
    found = [signals.meta.get(k) for k in _DESCRIPTION_META]
    found.append(unescape(article.get("description")) if article else None)
    return [d for d in found if isinstance(d, str) and d]


_WITHDRAWN_CODES = {"iw": "he", "in": "id", "ji": "yi", "jw": "jv", "mo": "ro"}
"""ISO 639-1 codes withdrawn, and the codes that replaced them (Hebrew, Indonesian, Yiddish,
Javanese, Moldovan as Romanian): pages and CMSs still declare them."""


def declared_languages(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None
) -> list[Found]:
    """Every language the page declares (primary subtags), in the order of trust: ``<html
    lang>`` (or XHTML's ``xml:lang``), ``content-language``, ``og:locale``, the article's
    ``inLanguage``, any JSON-LD node's (a ``WebPage``'s). The first is the page's language, the
    others are signals that lose to it."""
    candidates: list[tuple[str | None, str]] = [
        (
            root.get("lang")
            or root.get("xml:lang")  # the name lxml's HTML parser gives it
            or root.get("{http://www.w3.org/XML/1998/namespace}lang"),
            "html-lang",
        ),
        (signals.meta.get("content-language"), "meta"),
        (signals.meta.get("og:locale"), "meta"),
        (unescape(article.get("inLanguage")) if article else None, "json-ld"),
        *((unescape(n.get("inLanguage")), "json-ld") for n in signals.jsonld),
    ]
    found: list[Found] = []
    for value, signal in candidates:
        primary = re.split(r"[-_,;\s]", (value or "").strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary) and not _is_charset(value or ""):
            found.append((_WITHDRAWN_CODES.get(primary, primary), signal))
    return found


def _is_charset(value: str) -> bool:
    """``utf-8`` where a language belongs (people.com.cn's ``content-language``)."""
    try:
        codecs.lookup(value.strip())
    except LookupError:
        return False
    return True


def canonicals(root: HtmlElement, signals: PageSignals, url: str) -> list[Found]:
    """Every ``<link rel=canonical>``, then ``og:url``, absolutised against the page's base
    URL (``<base href>``, else ``url``): the first is the canonical URL."""
    url = base_url(root, url)
    hrefs = [
        link.get("href")
        for link in root.iterfind(".//link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    found: list[Found] = []
    for href in [*hrefs, signals.meta.get("og:url")]:
        absolute = urljoin(url, href.strip()) if href and href.strip() else ""
        if absolute.startswith(("http://", "https://")):
            found.append((absolute, "meta"))
    return found


def find_section(
    root: HtmlElement,
    signals: PageSignals,
    title: str | None,
    site_name: str | None,
    hint: Sequence[str],
    url: str | None = None,
) -> tuple[list[str], str | None]:
    """Breadcrumb trail (JSON-LD ``BreadcrumbList``, then breadcrumb markup), else
    ``article:section``, else ``hint``; without "Home", the site name and the headline."""
    for node in signals.nodes_of_type("BreadcrumbList"):
        items = node.get("itemListElement")
        if isinstance(items, list):
            entries = [i for i in items if isinstance(i, dict)]
            entries.sort(key=lambda i: i["position"] if isinstance(i.get("position"), int) else 0)
            names = [_crumb_name(signals, e) for e in entries]
            if trail := _clean_trail([n for n in names if n], title, site_name, url):
                return trail, "json-ld"
    for container in root.xpath(
        "//*[contains(@class, 'rumb') or contains(@id, 'rumb') or contains(@aria-label, 'rumb')"
        " or contains(@itemtype, 'BreadcrumbList')]"
    ):
        if trail := _clean_trail(_crumb_items(container), title, site_name, url):
            return trail, "breadcrumb"
    if section := signals.meta.get("article:section"):
        return [section], "meta"
    if hint:
        return [clean_text(h) for h in hint if clean_text(h)], "hint"
    return [], None


def declared_sections(signals: PageSignals, article: dict[str, Any] | None) -> list[FoundList]:
    """The sections the page's tags declare: ``article:section`` and the article's JSON-LD
    ``articleSection`` (which no section is taken from; it is only compared): the signals a
    breadcrumb trail wins over."""
    value = article.get("articleSection") if article else None
    texts = [unescape(v) or "" for v in (value if isinstance(value, list) else [value])]
    found: list[FoundList] = [
        ([s] if (s := signals.meta.get("article:section")) else [], "meta"),
        # a list written as one text: "Brasil,Notícias"
        ([s for t in texts for part in t.split(",") if (s := part.strip())], "json-ld"),
    ]
    return [(sections, signal) for sections, signal in found if sections]


def _crumb_name(signals: PageSignals, entry: dict[str, Any]) -> str | None:
    item = signals.resolve(entry.get("item"))
    name = entry.get("name") or (item.get("name") if isinstance(item, dict) else None)
    return unescape(name)


def _crumb_items(container: HtmlElement) -> list[str]:
    if len(text_of(container)) > 400:
        return []
    items = container.findall(".//li") or container.findall(".//a")
    texts = [text_of(i) for i in items] if items else [clean_text(t) for t in container.itertext()]
    if items and items[0].tag == "a":  # the current page often ends the trail without a link
        nodes = [(t, _owner(t)) for t in container.xpath(".//text()")]
        last = max(
            (n for n, (_, o) in enumerate(nodes) if o.xpath("ancestor-or-self::a")),
            default=len(nodes),
        )
        rest = [t for t, o in nodes[last + 1 :] if not o.xpath("ancestor-or-self::a")]
        texts.append(clean_text(" ".join(rest)).strip(_CRUMB_CHARS))
    return [t for t in texts if t and not _CRUMB_SEPARATORS.match(t)]


def _owner(text: Any) -> HtmlElement:
    """The element whose content a text node (an lxml "smart string") is."""
    parent: HtmlElement = text.getparent()
    return parent.getparent() if text.is_tail and parent.getparent() is not None else parent


def _clean_trail(
    items: list[str], title: str | None, site_name: str | None, url: str | None = None
) -> list[str]:
    """A breadcrumb trail without Home, the outlet's name (``ntv.de``, ``rbb|24``, also with
    its tagline: ``LinkNaija | News``), labels
    ("Sie befinden sich hier:") and, at its end, the page's own headline."""
    outlet = _outlet_keys(site_name, url)
    host = site_host(url or "") or ""
    named = [i for i in items if not i.rstrip().endswith(":")]  # not "You are here:"
    trail = [
        i
        for t in named
        if (i := t.strip(_CRUMB_CHARS))
        and norm(i) not in _HOME
        and norm(i) not in _YOU_ARE_HERE
        and loose(re.sub(r"(?i)^www\.", "", i)) not in outlet
        and loose(_without_tagline(i, host)) not in outlet  # the outlet with its tagline
        and not _outlet_home(i, outlet)
    ]
    if trail and title and _is_headline(trail[-1], title):
        trail.pop()
    if trail and norm(trail[-1]) in _PAGE_TYPES:  # "news feature > article"
        trail.pop()
    deduped = [i for n, i in enumerate(trail) if n == 0 or norm(i) != norm(trail[n - 1])]
    seen: set[str] = set()
    for n, item in enumerate(deduped):  # a name seen before starts a second trail
        if (key := norm(item)) in seen:
            deduped = deduped[:n]
            break
        seen.add(key)
    return deduped if all(len(i) <= 80 for i in deduped) else []


def _outlet_home(crumb: str, outlet: set[str]) -> bool:
    """``dailystar frontpage``, ``BBC Home``: the outlet's name and a word for Home."""
    words = crumb.split()
    rest = [w for w in words if loose(w) not in outlet]
    return 0 < len(rest) < len(words) and norm(" ".join(rest)) in _HOME


_PAGE_TYPES = frozenset({"article", "articles", "artikel", "story", "post", "page"})
"""The page's type, which some trails end with (Nature, The Nation): not a section."""


def _outlet_keys(site_name: str | None, url: str | None) -> set[str]:
    """The outlet's name and its host (``n-tv.de``, without ``www.``; also without the
    top-level domain), compared without punctuation; not a subdomain alone, which may be a
    section's name (``politics.people.com.cn``)."""
    host = site_host(url or "") or ""
    names = {site_name, host, host.rsplit(".", 1)[0] if host.count(".") == 1 else None}
    return {key for n in names if n and (key := loose(n))}


def _is_headline(crumb: str, title: str) -> bool:
    """The trail's last item is the page's headline, also in another wording: as long as one
    (seven words or more), or four or more words, half of them the title's."""
    if norm(crumb) == norm(title) or len(crumb) > 80:
        return True
    words = _WORD.findall(norm_key(crumb))
    if len(words) >= 7:
        return True
    title_words = set(_WORD.findall(norm_key(title)))
    return len(words) >= 4 and 2 * sum(w in title_words for w in words) >= len(words)


def find_tags(
    root: HtmlElement,
    signals: PageSignals,
    article: dict[str, Any] | None,
    declared: list[FoundList] | None = None,
) -> FoundList:
    """The article's tags: ``article:tag`` meta tags, else JSON-LD ``keywords`` (a list or a
    comma-separated string), else the text of ``rel=tag`` links outside the page chrome (a
    sidebar's tag cloud is the site's, not the article's); duplicates and what
    :func:`_is_tag` rejects dropped; a tag named by its facet (``Category: News``) gives its
    value. ``declared``: :func:`declared_tags` of the page, when the caller has them."""
    for tags, signal in declared if declared is not None else declared_tags(signals, article):
        return tags, signal
    tags = _tags([text_of(a) for a in _TAG_LINKS(root) if not in_chrome(a)])
    return (tags, "rel-tag") if tags else ([], None)


def declared_tags(signals: PageSignals, article: dict[str, Any] | None) -> list[FoundList]:
    """The tags of each signal of the page's own that declares them (``article:tag``, JSON-LD
    ``keywords``), in :func:`find_tags`'s order, cleaned as that cleans them."""
    keywords = article.get("keywords") if article else None
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    found: list[FoundList] = [
        (_tags(_listed(signals.meta_values("article:tag"))), "meta"),
        (_tags(keywords if isinstance(keywords, list) else []), "json-ld"),
    ]
    return [(tags, signal) for tags, signal in found if tags]


def _tags(values: list[Any]) -> list[str]:
    """The tags among ``values``: duplicates and what :func:`_is_tag` rejects dropped, a tag
    named by its facet (``Category: News``) as its value."""
    tags: dict[str, str] = {}
    for value in values:
        tag = unescape(value) if isinstance(value, str) else None
        if tag and (facet := _FACET.fullmatch(tag)):  # "Category: News", "topic/Crime"
            tag = facet["value"] or facet["path_value"]
        if tag and _is_tag(tag):
            tags.setdefault(norm(tag), tag)
    return list(tags.values())


def _is_tag(tag: str) -> bool:
    """Not a number, a code (``type_news``), an id, an internal label (Advance Local's
    ``@mlive-river``, a path, a field and its value: ``Length/medium``), nor a sentence or
    headline given as a keyword (over 8 words)."""
    return (
        len(tag) <= 80
        and len(tag.split()) <= 8
        and not tag.startswith(("@", "/"))
        and not (tag.isdigit() or _CODE.match(tag) or _ID.match(tag) or _LABEL_TAG.search(tag))
    )


def _listed(values: list[str]) -> list[str]:
    """A page's only ``article:tag`` holding its whole list (``Hong Kong,Protest,Asia Pacific``)
    split; not a name written as a list (``Business, Finance, & Economics``), a list of topic
    codes (Reuters'), nor tags given one by one (``Elections, Governors``)."""
    if len(values) != 1:
        return values
    parts = [p.strip() for p in values[0].split(",")]
    if len(parts) < 2 or not all(parts) or _LIST_END.match(parts[-1]):
        return values
    if 2 * sum(bool(_TOPIC_CODE.fullmatch(p)) for p in parts) >= len(parts):
        return []  # Reuters' topic codes ("AER,AERO,AIR,..."): not tags
    return parts if len(parts) >= 3 or re.search(r",\S|\s,", values[0]) else values


_CONTENT_TIERS = {"free": False, "metered": True, "locked": True}
"""``article:content_tier`` as paywalled or not. Metered content is free up to a quota, then
behind the paywall: its pages' JSON-LD says it is not free (Reuters, The Washington Post, The New
York Times in the corpus), as Google asks of metered pages."""
_SCHEMA_ORG = re.compile(r"^(?:https?://schema\.org/|schema:)", re.I)


def find_paywall(
    signals: PageSignals, article: dict[str, Any] | None
) -> tuple[bool | None, str | None]:
    """``True`` when JSON-LD says the article, or a part of it (``hasPart``), is not
    ``isAccessibleForFree``; ``False`` when it says the article is free; else what microdata
    says of it (:func:`_microdata_paywall`); else what ``article:content_tier`` says
    (``locked``, ``metered``: ``True``; ``free``: ``False``); else ``None``."""
    nodes = [article] if article else []
    nodes += [n for n in signals.jsonld if n is not article and "isAccessibleForFree" in n]
    for node in nodes:
        parts = node.get("hasPart")
        for part in signals.entries(parts):
            if isinstance(part, dict) and _free(part.get("isAccessibleForFree")) is False:
                return True, "json-ld"
        free = _free(node.get("isAccessibleForFree"))
        if free is not None:
            return not free, "json-ld"
    if (paywalled := _microdata_paywall(signals.root)) is not None:
        return paywalled, "microdata"
    if found := signals.first_meta("article:content_tier", "og:article:content_tier"):
        tier = _CONTENT_TIERS.get(found[1].strip().lower())
        if tier is not None:
            return tier, "meta"
    return None, None


_FREE_PROP = lxml.etree.XPath("//*[contains(@itemprop, 'isAccessibleForFree')]")
_ARTICLE_TYPES = re.compile(r"(?:Article|BlogPosting|Report|WebPage)$")
"""The microdata items whose ``isAccessibleForFree`` is the article's: those
:func:`article_node` takes in JSON-LD."""


def _microdata_paywall(root: HtmlElement) -> bool | None:
    """What microdata's ``isAccessibleForFree`` says, read as JSON-LD's (:func:`find_paywall`):
    of an article item (``itemscope itemtype="http://schema.org/NewsArticle"``) or of a part of
    one (``itemprop="hasPart"``, whose ``False`` alone counts), outside the page's chrome (a
    teaser's). The value is a ``<meta>``'s ``content``, a ``<link>``'s ``href``, else the
    element's text."""
    whole: bool | None = None
    for el in _FREE_PROP(root):
        if "isAccessibleForFree" not in (el.get("itemprop") or "").split() or in_chrome(el):
            continue
        item = next((a for a in el.iterancestors() if a.get("itemscope") is not None), None)
        if item is None:
            continue
        free = _free(el.get("content") or el.get("href") or text_of(el))
        if "hasPart" in (item.get("itemprop") or "").split():
            owner = next((a for a in item.iterancestors() if a.get("itemscope") is not None), None)
            if free is False and owner is not None and _article_item(owner):
                return True  # a part of the article is not free
        elif free is not None and whole is None and _article_item(item):
            whole = not free
    return whole


def _article_item(item: HtmlElement) -> bool:
    return any(_ARTICLE_TYPES.search(t) for t in (item.get("itemtype") or "").split())


def _free(value: Any) -> bool | None:
    """JSON-LD's boolean, also when written as a string (``"False"``, ``"false"``) or as
    schema.org's URL for it (``"https://schema.org/False"``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = _SCHEMA_ORG.sub("", value.strip()).lower()
        if word in ("true", "false"):
            return word == "true"
    return None
