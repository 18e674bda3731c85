"""The language of an article's text, for pages whose declaration is missing or doubtful.

A page's own declaration (``<html lang>``, meta, JSON-LD) is trusted first; the text is read
(py3langid, the identifier trafilatura uses) only when the page declares no language, or
declares English, the default of the common CMS templates, over text in which English's
commonest words are rare. On the 450 corpus pages: 31 pages that declare nothing got the
language of their text (30 right; a Tagalog article thick with English was read as English),
and 12 German, isiZulu, isiXhosa, Gujarati, Albanian, Romanian, Spanish and Arabic pages that
declare ``en`` were corrected. A page with less than :data:`MIN_CHARS` of text, or a text the
identifier is not sure of (:data:`CONFIDENCE`), keeps what it declares, or no language (2
corpus pages: a Chinese blog page read as Cantonese at 0.71, and a page without text).
"""

from __future__ import annotations

import functools
import re

from py3langid.langid import MODEL_FILE, LanguageIdentifier

from archiver.extract.markup import word_set

MIN_CHARS = 100
"""Less text than this tells nothing reliable."""
SAMPLE_CHARS = 600
"""The text read: the identifier agreed with its reading of 3,000 characters on 449 of the
450 corpus pages, at 0.4 ms a page instead of 1.5."""
CONFIDENCE = 0.9
"""The identifier's probability (normalised over its 97 languages) a detection needs. On the
corpus pages whose declaration it agrees with, 8 of 401 were below 0.95 (Chinese 0.81, Indonesian
0.85 and 0.89, Arabic 0.88, and English lists and wiki diffs 0.56 to 0.68); where it disagreed
with a right declaration it was unsure (Serbo-Croatian read as Bosnian, 0.30) or named the
same language (Norwegian ``no`` for ``nb``, which a declaration never loses to: see
:func:`correction`); the mislabelled pages it corrects are at 0.93 to 1.00."""
ENGLISH_SHARE = 0.05
"""Below this share of :data:`_ENGLISH` words a text declared English is read again. English
articles on the corpus pages start at 0.10; below are the 12 mislabelled pages (0 to 0.03) and
three English pages that are lists (sports scores, a forum thread, a wiki diff: 0 to 0.04),
which keep their declaration: the identifier is unsure of them (0.56 to 0.68)."""
_ENGLISH = word_set(
    "the of and to is that for with was are by this from have has it be as at he she they said"
    " will not but his her their which were been would who on"
)
_WORD = re.compile(r"[^\W\d_]+")
_ONE_LANGUAGE = {"nb": "no"}
"""Codes of one language, as compared, and the code each is compared as: Norwegian Bokmål
(``nb``) is the Norwegian that pages declaring ``no`` write (the identifier names it ``no``).
Nynorsk (``nn``), another written Norwegian, stays apart. A page keeps the code it declares:
no code is rewritten (as the withdrawn codes are, in
:data:`~archiver.extract.metadata._WITHDRAWN_CODES`), they only agree."""


@functools.cache
def _identifier() -> LanguageIdentifier:
    """Loaded on first use (0.6 s, about 75 MB): most pages declare their language."""
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def preload() -> None:
    """Load the identifier now (the extraction workers' forkserver shares it with them)."""
    _identifier()


def _sample(text: str) -> str:
    return " ".join(text[: SAMPLE_CHARS * 2].split())[:SAMPLE_CHARS]


def detect(text: str) -> str | None:
    """The language of ``text`` (an ISO 639 code), or None when it is short or unclear."""
    return _detect_sample(_sample(text))


def _detect_sample(sample: str) -> str | None:
    if len(sample) < MIN_CHARS:
        return None
    language, probability = _identifier().classify(sample)
    return str(language) if probability >= CONFIDENCE else None


def correction(declared: str | None, text: str) -> str | None:
    """The language of ``text`` where the page declares English over text that is not:
    None when the declaration stands."""
    if declared != "en":
        return None
    sample = _sample(text)
    words = _WORD.findall(sample.lower())
    if len(sample) < MIN_CHARS or not words:
        return None
    if sum(w in _ENGLISH for w in words) / len(words) >= ENGLISH_SHARE:
        return None
    found = _detect_sample(sample)
    return found if found != declared else None


def same_language(a: str, b: str) -> bool:
    """Two primary language codes name one language (``nb`` and ``no``)."""
    return _ONE_LANGUAGE.get(a, a) == _ONE_LANGUAGE.get(b, b)


def as_declared(code: str | None, declared: list[str | None]) -> str | None:
    """``code`` as the page writes it: the first of its ``declared`` codes that names the same
    language (its ``nb`` for the identifier's ``no``), else ``code``."""
    found = (d for d in declared if d and code and same_language(d, code))
    return next(found, code)
