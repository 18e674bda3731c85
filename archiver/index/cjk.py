"""Full-text search inside Chinese, Japanese and Korean text, which is written without spaces.

FTS5's ``unicode61`` tokenizer splits text at characters that are not letters or digits, so a
run of CJK characters is one token (``東京で新しい美術館が開館``) and a search for a word of it
(``美術館``) finds nothing. SQLite's FTS5 has no tokenizer that segments these languages, and
Python's ``sqlite3`` cannot register one. So each searched column has a shadow column in the
same full-text index (``title_cjk``, ``body_cjk``, ``byline_cjk``) that holds the tokens of
the text that contain CJK characters, each such character a token of its own (``美 術 館 が
開 館``), the letters and digits joined to them a token as ``unicode61`` would read them
(``iPhone用`` gives ``iPhone 用``), and :data:`BREAK` between tokens that were apart in the
text (``美術。館長`` gives ``美 術 BREAK 館 長``). A word with CJK characters in a query is
searched as the phrase of its characters (:func:`query_groups`), which matches exactly where the
text holds the word: the character unigrams of CJK search engines, with phrase queries, rather
than Lucene's bigrams, so that one-character words and words at the end of a run are found too.
Characters are compared after NFKC normalisation (half-width katakana as full-width).

The shadow columns are null for text without CJK characters, which costs such an index
nothing but three null columns a row.
"""

from __future__ import annotations

import re
import unicodedata

BREAK = "\ue000"
"""A private-use character, a token for ``unicode61`` (category ``Co``), that no query holds:
it keeps a phrase from matching across tokens that were apart in the text."""

CJK_RANGES = (
    "\u1100-\u11ff"  # Hangul Jamo
    "\u3005-\u3007\u3021-\u3029\u3031-\u3035\u3038-\u303c"  # marks, numerals
    "\u3040-\u31ff"  # Hiragana, Katakana, Bopomofo, Hangul compatibility Jamo, Kanbun
    "\u3400-\u4dbf\u4e00-\u9fff"  # CJK unified ideographs
    "\ua960-\ua97f\uac00-\ud7ff"  # Hangul Jamo extended, syllables
    "\uf900-\ufaff"  # CJK compatibility ideographs
    "\uff66-\uffdc"  # half-width katakana and Hangul
    "\U00020000-\U0003134f"  # CJK unified ideographs, extensions B to G
)
_CJK = re.compile(f"[{CJK_RANGES}]")
_PIECES = re.compile(f"[{CJK_RANGES}]|[^{CJK_RANGES}]+")


def _is_token_char(char: str) -> bool:
    """A character ``unicode61`` keeps in a token by default: a letter, a digit, private use."""
    category = unicodedata.category(char)
    return category[0] in "LN" or category == "Co"


def _tokens(text: str) -> list[str]:
    """``text`` split into tokens as ``unicode61`` splits it (runs of letters and digits)."""
    tokens: list[str] = []
    start = None
    for i, char in enumerate(text):
        if _is_token_char(char):
            if start is None:
                start = i
        elif start is not None:
            tokens.append(text[start:i])
            start = None
    if start is not None:
        tokens.append(text[start:])
    return tokens


def _pieces(token: str) -> list[str]:
    """A token holding CJK characters as the shadow column's tokens: each CJK character, and
    each run of other letters and digits, NFKC-normalised."""
    return _PIECES.findall(unicodedata.normalize("NFKC", token))


_NO_CJK_LEAD = bytes(range(0xE1)) + b"\xe2" + bytes(range(0xF1, 0x100))
"""The bytes that do not start a CJK character in UTF-8 (all of them start characters below
U+1100, at U+2000-U+2FFF, or past U+3FFFF): deleting them from a text's UTF-8 leaves nothing
when it has no CJK character, five times faster than the regular expression on a page of
English with curly quotes (11 against 55 microseconds)."""


def has_cjk(text: str | None) -> bool:
    """Whether ``text`` holds a Chinese, Japanese or Korean character."""
    if not text or text.isascii():
        return False
    if not text.encode("utf-8", "surrogatepass").translate(None, _NO_CJK_LEAD):
        return False
    return _CJK.search(text) is not None


def cjk_terms(text: str | None) -> str | None:
    """The shadow column's value for ``text``: its tokens with CJK characters, split into
    characters, :data:`BREAK` between tokens; ``None`` when ``text`` has no CJK character."""
    if not has_cjk(text):
        return None
    assert text is not None
    # A token of CJK characters split off by NFKC (a full-width letter) stays one token here.
    kept = [" ".join(_pieces(t)) for t in _tokens(text) if _CJK.search(t)]
    return f" {BREAK} ".join(kept)


def query_groups(text: str) -> list[tuple[bool, str]]:
    """A query word or phrase (``美術館``, ``iPhone用``, ``新しい 美術館``) as the phrases
    that find it: ``(True, '美 術 館')`` for each token with CJK characters, to search in the
    shadow columns, and ``(False, 'iphone')`` for each run of the other tokens, to search as
    before. All of them together (AND) find the text; only a word with no CJK character gives
    one group of ``False``."""
    groups: list[tuple[bool, str]] = []
    plain: list[str] = []
    for token in _tokens(text):
        if _CJK.search(token):
            if plain:
                groups.append((False, " ".join(plain)))
                plain = []
            groups.append((True, " ".join(_pieces(token))))
        else:
            plain.append(token)
    if plain:
        groups.append((False, " ".join(plain)))
    return groups


def query_runs(text: str) -> list[str]:
    """The tokens with CJK characters of a query, NFKC-normalised: the words a snippet marks."""
    return [unicodedata.normalize("NFKC", t) for t in _tokens(text) if _CJK.search(t)]


def snippet(body: str | None, runs: list[str], *, before: int = 20, width: int = 60) -> str:
    """A snippet of ``body`` around the first place it holds one of ``runs`` (any case), each
    of them marked ``[...]`` in it, as FTS5's ``snippet()`` marks words; ``""`` when it holds
    none."""
    text = unicodedata.normalize("NFKC", body or "")
    words = sorted({r for r in runs if r}, key=len, reverse=True)
    if not words:
        return ""
    pattern = re.compile("|".join(re.escape(r) for r in words), re.IGNORECASE)
    if (first := pattern.search(text)) is None:
        return ""
    start = max(0, first.start() - before)
    end = min(len(text), start + width)
    window = " ".join(text[start:end].split())
    marked = pattern.sub(lambda m: f"[{m.group(0)}]", window)
    return ("…" if start else "") + marked + ("…" if end < len(text) else "")
