"""Extraction of saved pages from files: one page, or a manifest of many, with one extractor.

A manifest is JSON Lines, one case a line: ``{"id": ..., "path": ..., "url": ...}``; ``path`` is
relative to the manifest's directory (or absolute) and may end in ``.gz``. Extracting a manifest
yields one ``(id, record)`` pair per case, where a failed case (a field of it null included)
gives ``{"error": "..."}`` and the run goes on.
"""

from __future__ import annotations

import codecs
import gzip
import json
import logging
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from archiver.exceptions import ArchiverError, ConfigError, ExtractionError
from archiver.extract.extractor import ArticleExtractor
from archiver.items import Article
from archiver.outlets import http_url_problem

logger = logging.getLogger(__name__)

__all__ = [
    "BadCase",
    "ManifestCase",
    "article_record",
    "extract_file",
    "extract_manifest",
    "read_manifest",
    "read_page",
]

# Markup a web page has near its start; a page without any of it is not HTML.
_HTML_SNIFF = re.compile(
    rb"<(?:!doctype\s+html|html|head|body|meta|title|div|p|article)[\s>/]", re.I
)
_SNIFF_BYTES = 1 << 16


@attrs.define(frozen=True)
class ManifestCase:
    """One line of a manifest."""

    id: str
    """The case's name, echoed in its output line."""
    path: Path
    """The saved page (``.html`` or ``.html.gz``), resolved against the manifest's directory."""
    url: str
    """The URL the page was fetched from."""


def read_page(path: Path) -> bytes:
    """The bytes of the HTML page saved at ``path``, gunzipped when it ends in ``.gz`` (or is
    gzip data under another name).

    Raises :class:`ExtractionError` when the file is missing, unreadable, or not HTML.
    """
    try:
        data = path.read_bytes()
    except FileNotFoundError as e:
        raise ExtractionError(f"{path}: no such file; give the path of a saved HTML page") from e
    except OSError as e:
        raise ExtractionError(f"{path}: cannot read the file ({e.strerror or e})") from e
    if path.suffix == ".gz" or data.startswith(b"\x1f\x8b"):  # gzip magic: a .gz by another name
        try:
            data = gzip.decompress(data)
        except EOFError as e:
            raise ExtractionError(f"{path}: the gzip file is cut short ({e}); save it again") from e
        except (OSError, zlib.error) as e:
            raise ExtractionError(f"{path}: not a gzip file ({e}); drop the .gz suffix?") from e
    head = data[:_SNIFF_BYTES]
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        head = head.decode("utf-16", "replace").encode("utf-8")
    if not _HTML_SNIFF.search(head):
        raise ExtractionError(f"{path}: not an HTML page (no HTML tags near its start)")
    return data


def article_record(article: Article) -> dict[str, Any]:
    """The JSON form of an extracted article: every field, plus ``word_count``."""
    return {**article.to_dict(), "word_count": article.word_count}


def extract_file(
    path: Path, url: str | None = None, extractor: ArticleExtractor | None = None
) -> dict[str, Any]:
    """Extract the page saved at ``path`` (fetched from ``url``; default: its ``file://`` URL)."""
    html = read_page(path)
    extractor = extractor or ArticleExtractor()
    return article_record(extractor.extract(html, url or path.resolve().as_uri()))


@attrs.define(frozen=True)
class BadCase:
    """A manifest line whose ``id``, ``path`` or ``url`` is null: a case that fails."""

    id: str | None
    """The case's name, None when that is what is null."""
    error: str
    """Which fields are null, and where."""


def read_manifest(manifest: Path) -> list[ManifestCase]:
    """The cases of ``manifest``. Raises :class:`ConfigError` when it cannot be read or a line
    is not a ``{"id", "path", "url"}`` object, or has a null one."""
    cases = []
    for case in _read_cases(manifest):
        if isinstance(case, BadCase):
            raise ConfigError(case.error)
        cases.append(case)
    return cases


def _read_cases(manifest: Path) -> list[ManifestCase | BadCase]:
    """The cases of ``manifest``, a line with a null field as a :class:`BadCase` (the batch
    goes on). Raises :class:`ConfigError` as :func:`read_manifest` does."""
    try:
        lines = manifest.read_text(encoding="utf-8-sig").splitlines()  # a BOM is no JSON
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(f"{manifest}: cannot read the manifest ({e})") from e
    base = manifest.parent
    cases: list[ManifestCase | BadCase] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f'{manifest}:{number}: not a {{"id", "path", "url"}} JSON object'
        try:
            entry = json.loads(line)
        except ValueError as e:
            raise ConfigError(f"{where} (not JSON: {e})") from e
        missing = [
            k for k in ("id", "path", "url") if not isinstance(entry, dict) or k not in entry
        ]
        if missing:
            raise ConfigError(f"{where} (no {', '.join(missing)})")
        if null := [k for k in ("id", "path", "url") if entry[k] is None]:  # not str(None)
            error = f"{manifest}:{number}: {', '.join(null)} {'are' if null[1:] else 'is'} null;"
            error += ' give each case an "id", a "path" and a "url"'
            cases.append(BadCase(id=None if "id" in null else str(entry["id"]), error=error))
            continue
        case = ManifestCase(
            id=str(entry["id"]), path=base / str(entry["path"]), url=str(entry["url"])
        )
        cases.append(case)
    return cases


def extract_manifest(
    manifest: Path, extractor: ArticleExtractor | None = None
) -> Iterator[tuple[str | None, dict[str, Any]]]:
    """Extract every case of ``manifest`` with one extractor, yielding ``(id, record)``; a case
    that fails, or has a null field, yields ``(id, {"error": message})`` (its id None when that
    is the null one). The manifest is read before the first yield, so an unreadable one raises
    at once."""
    cases = _read_cases(manifest)
    extractor = extractor or ArticleExtractor()
    return _extract_cases(cases, extractor)


def _extract_cases(
    cases: list[ManifestCase | BadCase], extractor: ArticleExtractor
) -> Iterator[tuple[str | None, dict[str, Any]]]:
    for case in cases:
        if isinstance(case, BadCase):
            yield case.id, {"error": case.error}
            continue
        if problem := http_url_problem(case.url):  # as extract --url refuses it
            yield case.id, {"error": f"{case.path}: url {case.url!r} {problem}"}
            continue
        try:
            yield case.id, extract_file(case.path, case.url, extractor)
        except ArchiverError as e:
            yield case.id, {"error": str(e)}
        except Exception as e:  # an extractor bug on one page must not end the batch
            logger.debug("extraction of %s crashed", case.path, exc_info=True)
            yield case.id, {"error": f"{case.path}: extraction failed: {type(e).__name__}: {e}"}
