"""Title, site name, description, language, canonical URL and section of a page.

Each finder returns ``(value, signal)`` so that the extractor can record provenance; the order of
the signals tried is the order of trust.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from typing import Any
from urllib.parse import urljoin

from lxml.html import HtmlElement

from archiver.extract.markup import PageSignals, class_tokens, clean_text, in_chrome, text_of

Found = tuple[str | None, str | None]
"""A value and the name of the signal that gave it (``"json-ld"``, ``"meta"``, ...)."""

_NOTHING: Found = (None, None)
_TITLE_SEPARATORS = re.compile(r"\s+(?:\||-|\u2013|\u2014|::|\u00b7|\u2022|\u00bb|/)\s+")
_HOME = {"home", "homepage", "home page", "start", "startseite", "inicio", "accueil", "portada"}
_CRUMB_CHARS = " >/|\\:-\u00bb\u203a\u2192\u2022\u00b7"  # > / | \ : - and typographic kin
_CRUMB_SEPARATORS = re.compile(rf"^[\s{re.escape(_CRUMB_CHARS)}]*$")
_HEADLINE_CLASS = re.compile(r"(^|[-_])(entry|post|article|story|page)?[-_]?(title|headline)$")


def norm(text: str | None) -> str:
    """Comparison form of a short text: NFKC, casefold, typographic quotes and spaces unified."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.translate({0x2018: "'", 0x2019: "'", 0x201C: '"', 0x201D: '"'})
    return re.sub(r"[\s\u2026.]+$", "", clean_text(text))


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


def find_site_name(signals: PageSignals, article: dict[str, Any] | None) -> Found:
    if found := signals.first_meta("og:site_name", "application-name"):
        return found[1], "meta"
    publisher = signals.resolve(article.get("publisher")) if article else None
    if isinstance(publisher, dict) and (name := unescape(publisher.get("name"))):
        return name, "json-ld"
    for node in signals.nodes_of_type("WebSite", "NewsMediaOrganization"):
        if name := unescape(node.get("name")):
            return name, "json-ld"
    return _NOTHING


def find_title(
    root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None, site_name: str | None
) -> Found:
    """On-page ``h1`` headline, JSON-LD ``headline``, ``og:title``, then ``<title>`` unsuffixed."""
    headline = unescape(article.get("headline") or article.get("name")) if article else None
    og_title = signals.meta.get("og:title") or signals.meta.get("twitter:title")
    if h1 := _headline_h1(root, site_name, [t for t in (headline, og_title) if t]):
        return h1, "h1"
    if headline:
        return headline, "json-ld"
    if og_title:
        return strip_site_name(og_title, site_name), "meta"
    title_el = root.find(".//title")
    if title_el is not None and (title := text_of(title_el)):
        return strip_site_name(title, site_name), "title-tag"
    return _NOTHING


def _headline_h1(root: HtmlElement, site_name: str | None, others: Sequence[str]) -> str | None:
    candidates: list[tuple[HtmlElement, str]] = []
    for h1 in root.iter("h1"):
        text = text_of(h1)
        if not text or len(text) > 400 or norm(text) == norm(site_name) or in_chrome(h1):
            continue
        if any(t in ("logo", "site-title", "site-name") for t in class_tokens(h1)):
            continue
        if others and max(_overlap(text, o) for o in others) < 0.2:
            continue  # a generic h1 ("Article details") where the metadata names the headline
        candidates.append((h1, text))
    if not candidates:
        return None
    wanted = {norm(t) for t in others}
    for h1, text in candidates:  # the theme's headline class, or the same words as the metadata
        if norm(text) in wanted or any(_HEADLINE_CLASS.search(c) for c in class_tokens(h1)):
            return text
        if h1.get("itemprop") == "headline":
            return text
    if len(candidates) == 1:
        return candidates[0][1]
    for h1, text in candidates:
        if h1.xpath("ancestor::article or ancestor::main"):
            return text
    return None


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
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    seps = _TITLE_SEPARATORS.findall(title)
    site = norm(site_name)
    if site and norm(parts[-1]) in (site, site.removeprefix("the ")):
        return clean_text(title[: title.rfind(seps[-1])])
    if site and norm(parts[0]) in (site, site.removeprefix("the ")):
        return clean_text(title[title.find(seps[0]) + len(seps[0]) :])
    if seps[-1].strip() == "|" and len(parts[-1].split()) <= 5:
        return clean_text(title[: title.rfind(seps[-1])])
    return title


def find_description(signals: PageSignals, article: dict[str, Any] | None) -> Found:
    if found := signals.first_meta("og:description", "description", "twitter:description"):
        return found[1], "meta"
    if article and (description := unescape(article.get("description"))):
        return description, "json-ld"
    return _NOTHING


def find_language(root: HtmlElement, signals: PageSignals, article: dict[str, Any] | None) -> Found:
    """Primary subtag of ``<html lang>``, else ``content-language``/``og:locale``/``inLanguage``."""
    candidates: list[tuple[str | None, str]] = [
        (root.get("lang") or root.get("{http://www.w3.org/XML/1998/namespace}lang"), "html-lang"),
        (signals.meta.get("content-language"), "meta"),
        (signals.meta.get("og:locale"), "meta"),
        (unescape(article.get("inLanguage")) if article else None, "json-ld"),
    ]
    for value, signal in candidates:
        primary = re.split(r"[-_,;\s]", (value or "").strip())[0].lower()
        if re.fullmatch(r"[a-z]{2,3}", primary):
            return primary, signal
    return _NOTHING


def find_canonical(root: HtmlElement, signals: PageSignals, url: str) -> Found:
    """``<link rel=canonical>``, else ``og:url``; absolutised against ``url``."""
    hrefs = [
        link.get("href")
        for link in root.iterfind(".//link")
        if "canonical" in (link.get("rel") or "").lower().split()
    ]
    for href in [*hrefs, signals.meta.get("og:url")]:
        absolute = urljoin(url, href.strip()) if href and href.strip() else ""
        if absolute.startswith(("http://", "https://")):
            return absolute, "meta"
    return _NOTHING


def find_section(
    root: HtmlElement,
    signals: PageSignals,
    title: str | None,
    site_name: str | None,
    hint: Sequence[str],
) -> tuple[list[str], str | None]:
    """Breadcrumb trail (JSON-LD ``BreadcrumbList``, then breadcrumb markup), else
    ``article:section``, else ``hint``; without "Home", the site name and the headline."""
    for node in signals.nodes_of_type("BreadcrumbList"):
        items = node.get("itemListElement")
        if isinstance(items, list):
            entries = [i for i in items if isinstance(i, dict)]
            entries.sort(key=lambda i: i["position"] if isinstance(i.get("position"), int) else 0)
            names = [_crumb_name(signals, e) for e in entries]
            if trail := _clean_trail([n for n in names if n], title, site_name):
                return trail, "json-ld"
    for container in root.xpath(
        "//*[contains(@class, 'rumb') or contains(@id, 'rumb') or contains(@aria-label, 'rumb')"
        " or contains(@itemtype, 'BreadcrumbList')]"
    ):
        if trail := _clean_trail(_crumb_items(container), title, site_name):
            return trail, "breadcrumb"
    if section := signals.meta.get("article:section"):
        return [section], "meta"
    if hint:
        return [clean_text(h) for h in hint if clean_text(h)], "hint"
    return [], None


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


def _clean_trail(items: list[str], title: str | None, site_name: str | None) -> list[str]:
    trail = [i for i in items if norm(i) not in _HOME and norm(i) != norm(site_name)]
    if trail and title and (norm(trail[-1]) == norm(title) or len(trail[-1]) > 80):
        trail.pop()
    deduped = [i for n, i in enumerate(trail) if n == 0 or norm(i) != norm(trail[n - 1])]
    return deduped if all(len(i) <= 80 for i in deduped) else []
