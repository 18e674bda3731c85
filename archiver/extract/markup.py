"""Read an HTML page once: decode its bytes, parse it with lxml, index its meta tags and JSON-LD."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from html import unescape as html_unescape
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import lxml.html
from lxml.html import HtmlElement
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

from archiver.exceptions import ExtractionError

logger = logging.getLogger(__name__)

_PARSER = lxml.html.HTMLParser(
    collect_ids=False, default_doctype=False, remove_comments=True, remove_pis=True
)
# Every element of the tree is an HtmlElement, chosen in C. lxml.html's own lookup is a Python
# method called each time an element is touched (about 4,500 times a page between trafilatura
# and us), only to give <form>, <input>, <select>, <textarea> and <label> their form classes,
# whose form-filling API extraction never uses: 5% of an extraction.
_PARSER.set_element_class_lookup(
    lxml.etree.ElementDefaultClassLookup(
        element=HtmlElement,
        comment=lxml.html.HtmlComment,
        pi=lxml.html.HtmlProcessingInstruction,
        entity=lxml.html.HtmlEntity,
    )
)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.I)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = bytes(range(0x09)) + b"\x0b\x0c" + bytes(range(0x0E, 0x20))
_ENTITY = re.compile(r"&(?:#\d{2,6}|#x[0-9a-f]{2,6}|[a-z]{2,8});", re.I)
_WRAPPER_HEAD = re.compile(r"(?:\s*(?:<!--|(?://|/\*)?\s*<!\[CDATA\[(?:\s*\*/)?))+")
_WRAPPER_TAIL = re.compile(r"(?:(?://|/\*)?\s*\]\](?:>|\s*\*/\s*>?)(?:\s*\*/)?\s*|\s*-->\s*)+$")
"""What hides a script's text from old browsers and XHTML parsers: ``<!-- ... -->``, and a
CDATA section, bare or commented out (``//<![CDATA[ ... //]]>``, ``/* <![CDATA[ */ ...
/* ]]> */``): its opening and its end (see :func:`unwrapped`)."""
_WRAPPER_TAIL_CHARS = 200


def unwrapped(script: str) -> str:
    """A script's text without the wrapper (``_WRAPPER_HEAD``, ``_WRAPPER_TAIL``) that hides
    it. The end is searched in the text's last characters only: an end-anchored search tried
    at every place of a long run of white space inside the text is quadratic (50,000 spaces
    in an ``articleBody``: 11 s)."""
    text = script.strip()
    if head := _WRAPPER_HEAD.match(text):
        text = text[head.end() :]
    tail = text[-_WRAPPER_TAIL_CHARS:]
    if end := _WRAPPER_TAIL.search(tail):
        text = text[: len(text) - len(tail) + end.start()]
    return text.strip()


# Where a page keeps its chrome: text found there is not the article's.
CHROME_XPATH = (
    "ancestor-or-self::*[self::aside or self::nav or self::footer[not(ancestor::article)]"
    " or re:test(concat(@class, ' ', @id),"
    " '(^|[\\s_-])(sidebar|widget|related|popular|recommend|trending|comments?|menu"
    "|share|social|newsletter|promo)([\\s_-]|$)', 'i')]"
)
_CHROME = lxml.etree.XPath(CHROME_XPATH, namespaces={"re": "http://exslt.org/regular-expressions"})


def decode_html(html: bytes | str, encoding: str | None = None) -> str:
    """Bytes to text: a BOM, else UTF-8 when the bytes are valid UTF-8 (pages declaring a legacy
    charset while serving UTF-8 are common; the converse validating by chance is rare), else
    ``encoding`` (the HTTP header's), else ``<meta charset>``, else windows-1252."""
    return _decode(html, encoding)[0]


def _decode(html: bytes | str, encoding: str | None) -> tuple[str, str | None]:
    """:func:`decode_html`, and the codec that decoded the bytes (None for text)."""
    if isinstance(html, str):
        return html, None
    bom_encoding, bom = read_bom(html)
    if bom_encoding and bom:
        return html[len(bom) :].decode(bom_encoding, "replace"), bom_encoding
    for label in ("utf-8", encoding, html_body_declared_encoding(html[:8192])):
        name = resolve_encoding(label) if label else None
        if not name:
            continue
        try:
            return html.decode(name), name
        except (UnicodeDecodeError, LookupError):
            logger.debug("page does not decode as %s", name)
    return html.decode("cp1252", "replace"), "cp1252"


def _no_control_bytes(data: bytes) -> bool:
    return len(data.translate(None, _CONTROL_BYTES)) == len(data)


def parse_html(html: bytes | str, url: str, encoding: str | None = None) -> HtmlElement:
    """Parse a whole page into an lxml tree (the ``<html>`` element)."""
    text, codec = _decode(html, encoding)
    text = _XML_DECLARATION.sub("", text, count=1)
    # In UTF-8 a control character is its own byte: a page whose bytes have none (nearly all;
    # checked in a quarter of the time of the search over the text) needs no search.
    if not (codec == "utf-8" and isinstance(html, bytes) and _no_control_bytes(html)):
        text = _CONTROL.sub("", text)
    if not text or text.isspace():
        raise ExtractionError(f"{url}: the page is empty; nothing to extract")
    try:
        root = lxml.html.document_fromstring(text, parser=_PARSER)
    except (lxml.etree.ParserError, ValueError) as e:
        raise ExtractionError(f"{url}: the page is not parseable HTML ({e})") from e
    if root is None or (root.find("body") is None and len(root) == 0):
        raise ExtractionError(f"{url}: the page has no HTML body; is it HTML at all?")
    if "<ruby" in text:
        _inline_ruby(root)
    return root


def _inline_ruby(root: HtmlElement) -> None:
    """Furigana (``<ruby><rb>尹錫悦</rb><rp>(</rp><rt>ユンソンニョル</rt><rp>)</rp></ruby>``) as
    the inline text it is, ``尹錫悦(ユンソンニョル)``: trafilatura breaks a paragraph at each
    ``<ruby>`` element."""
    for el in list(root.iter("ruby", "rb", "rt", "rp", "rtc")):
        el.drop_tag()


_HINTS = "\u00ad\u200b\u2060\ufeff"
_NO_HINTS = str.maketrans("", "", _HINTS)


def base_url(root: HtmlElement, url: str) -> str:
    """The URL that the page's relative links are relative to: its first ``<base href>``
    (resolved against ``url``) when that is a well-formed http(s) URL, else ``url``."""
    for base in root.iter("base"):
        href = (base.get("href") or "").strip()
        if not href:
            continue
        try:
            absolute = urljoin(url, href)
            urlsplit(absolute).port  # noqa: B018 (raises for a malformed host or port)
        except ValueError:
            return url  # http://[::1 (urljoin and every join against it would raise)
        return absolute if absolute.startswith(("http://", "https://")) else url
    return url


def visible(text: str) -> str:
    """``text`` without the invisible hints a page puts inside words: soft hyphens, zero-width
    spaces, word joiners (and U+FEFF, the old joiner). FTS5 splits a word at each, so a search
    for ``Helikopterlandeplatz`` missed ``Helikopter\u00adlandeplatz``. The joiners that
    scripts need (ZWNJ, ZWJ: Persian, Indic, emoji) stay."""
    return text.translate(_NO_HINTS) if any(h in text for h in _HINTS) else text


def clean_text(text: str | None) -> str:
    """Collapse whitespace (newlines, NBSP) to single spaces and strip."""
    # str.split() splits where the regex \s+ matches (both use str.isspace), four times faster
    return " ".join(text.split()) if text else ""


def text_of(element: HtmlElement) -> str:
    return clean_text(element.text_content())


def in_chrome(element: HtmlElement) -> bool:
    """True for elements inside a sidebar, navigation, widget, related-links or comments block."""
    return bool(_CHROME(element))


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string (readable in source), as a set."""
    return frozenset(text.split())


def class_tokens(element: HtmlElement) -> list[str]:
    return (element.get("class") or "").lower().split()


class PageSignals:
    """What the head and the structured data of one page say: meta tags and JSON-LD nodes."""

    def __init__(self, root: HtmlElement) -> None:
        self.root = root
        self.meta: dict[str, str] = {}
        self._repeated: dict[str, list[str]] = {}
        for el in root.iter("meta"):
            key = el.get("property") or el.get("name") or el.get("itemprop") or el.get("http-equiv")
            value = clean_text(el.get("content"))
            if "&" in value and _ENTITY.search(value):  # escaped twice: "&amp;#039;"
                value = clean_text(html_unescape(value))
            if key and value:
                key = key.strip().lower()
                self.meta.setdefault(key, value)
                self._repeated.setdefault(key, []).append(value)
        self.jsonld: list[dict[str, Any]] = list(_jsonld_nodes(root))
        self._by_id = {n["@id"]: n for n in self.jsonld if isinstance(n.get("@id"), str)}

    def first_meta(self, *keys: str) -> tuple[str, str] | None:
        """The first of ``keys`` present in the meta tags, as ``(key, value)``."""
        for key in keys:
            if key in self.meta:
                return key, self.meta[key]
        return None

    def meta_values(self, key: str) -> list[str]:
        """Every value of a meta tag that may repeat (``article:tag``, ``og:image``)."""
        return self._repeated.get(key, [])

    def nodes_of_type(self, *suffixes: str) -> Iterator[dict[str, Any]]:
        """JSON-LD nodes whose ``@type`` ends with one of ``suffixes`` (``"Article"`` matches
        ``NewsArticle``), in document order."""
        for node in self.jsonld:
            if any(t.endswith(suffixes) for t in node_types(node)):
                yield node

    def resolve(self, value: Any) -> Any:
        """A ``{"@id": ...}`` reference replaced by the node it names, when the page has it."""
        if isinstance(value, dict) and set(value) == {"@id"}:
            return self._by_id.get(value["@id"], value)
        return value

    def entries(self, value: Any) -> Iterator[Any]:
        """The entries of a JSON-LD property that holds one value or a list, each resolved."""
        for entry in value if isinstance(value, list) else [value]:
            yield self.resolve(entry)


def node_types(node: dict[str, Any]) -> list[str]:
    types = node.get("@type")
    return [t for t in (types if isinstance(types, list) else [types]) if isinstance(t, str)]


def _jsonld_nodes(root: HtmlElement) -> Iterator[dict[str, Any]]:
    """Top-level JSON-LD nodes of the page, ``@graph`` and lists flattened."""
    for script in root.iterfind(".//script"):
        if (script.get("type") or "").strip().lower() != "application/ld+json":
            continue
        raw = unwrapped(script.text or "")
        try:
            data = json.loads(raw.rstrip(";"), strict=False)
        except ValueError:
            logger.debug("skipping a JSON-LD block that is not valid JSON")
            continue
        stack = [data]
        while stack:
            item = stack.pop(0)
            if isinstance(item, list):
                stack[:0] = item
            elif isinstance(item, dict):
                graph = item.get("@graph")
                if isinstance(graph, list):
                    stack[:0] = graph
                if "@type" in item:
                    yield item
