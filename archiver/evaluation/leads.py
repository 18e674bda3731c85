""":func:`~archiver.dateline.parse_dateline` on the corpus's ``datelines.jsonl`` leads."""

from __future__ import annotations

import importlib.util
import json
import unicodedata
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs

from archiver.dateline import parse_dateline
from archiver.evaluation import fmt, verdict
from archiver.items import Dateline

LEAD_TARGETS: tuple[tuple[str, str, float], ...] = (
    ("raw span found (positives)", "raw", 0.95),
    ("place right (positives)", "place", 0.95),
    ("agency right (positives)", "agency", 0.95),
    ("no false dateline (negatives)", "negatives", 0.98),
)
"""``(label, DatelineScores rate, lowest passing value)`` of each dateline-lead metric."""


@attrs.define
class DatelineScores:
    """Counts of :func:`score_datelines` over a set of leads."""

    positives: int = 0
    negatives: int = 0
    raw: int = 0
    place: int = 0
    agency: int = 0
    clean_negatives: int = 0
    misses: list[str] = attrs.Factory(list)

    def rate(self, key: str) -> float | None:
        """Share of positives with ``key`` (raw, place, agency) right, or of clean negatives."""
        if key == "negatives":
            return self.clean_negatives / self.negatives if self.negatives else None
        return getattr(self, key) / self.positives if self.positives else None


def squash(text: str | None) -> str:
    """Comparison form of a place or agency: NFKC, whitespace collapsed, casefolded."""
    return " ".join(unicodedata.normalize("NFKC", text or "").split()).casefold()


def load_leads(path: Path) -> list[dict[str, Any]]:
    """The leads of a ``datelines.jsonl``: ``{id, text, expected: null | {raw, place, agency}}``."""
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def find_dateline(text: str, language: str | None) -> Dateline | None:
    """:func:`parse_dateline` given the lead's language, as the extractor gives it the page's."""
    return parse_dateline(text, language=language)


def score_datelines(
    leads: Iterable[dict[str, Any]],
    find: Callable[[str, str | None], Dateline | None] = find_dateline,
    normalise: Callable[[str | None], str] = squash,
) -> DatelineScores:
    """Score ``find`` (given each lead's text and ``lang``) on leads: the exact raw span, and
    place and agency after ``normalise``, on leads with a dateline; no dateline found on leads
    without one."""
    scores = DatelineScores()
    for lead in leads:
        found, expected = find(lead["text"], lead.get("lang")), lead.get("expected")
        if not expected:
            scores.negatives += 1
            if found is None:
                scores.clean_negatives += 1
            else:
                scores.misses.append(f"{lead['id']}: false dateline {found.raw!r}")
            continue
        scores.positives += 1
        got = found or Dateline(raw="")
        scores.raw += got.raw == expected["raw"]
        place_ok = normalise(got.place) == normalise(expected.get("place"))
        agency_ok = normalise(got.agency) == normalise(expected.get("agency"))
        scores.place += place_ok
        scores.agency += agency_ok
        if got.raw != expected["raw"] or not place_ok or not agency_ok:
            scores.misses.append(
                f"{lead['id']}: expected {expected['raw']!r} ({expected.get('place')!r}, "
                f"{expected.get('agency')!r}), got {got.raw!r} ({got.place!r}, {got.agency!r})"
            )
    return scores


def lead_rows(ours: DatelineScores, naive: DatelineScores | None = None) -> list[list[str]]:
    """metric | ours | the corpus's naive regex | target | PASS/MISS, for the dateline leads."""
    rows = []
    for label, key, target in LEAD_TARGETS:
        regex = naive.rate(key) if naive and key in ("raw", "negatives") else None
        value = ours.rate(key)
        rows.append([label, fmt(value), fmt(regex), f">= {target:.2f}", verdict(value, target)])
    return rows


def corpus_dateline_module(corpus: Path) -> Any | None:
    """The corpus's own ``dateline.py`` (naive regex and normaliser), when it has one."""
    path = corpus / "dateline.py"
    spec = importlib.util.spec_from_file_location("_corpus_dateline", path)
    if not path.exists() or spec is None or spec.loader is None:
        return None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
