"""``make eval``: our extractor against trafilatura's own baseline on the shared corpus.

``python -m archiver.evaluation --corpus ../shared/corpus`` does, in one run:

1. writes a manifest of the split (``dev.txt``) and extracts every page in this process with one
   :class:`~archiver.extract.ArticleExtractor`, timing each page;
2. runs the corpus's ``baseline_trafilatura.py`` (trafilatura's ``bare_extraction``) on the same
   pages with the same interpreter, which times each page the same way;
3. scores both with the corpus's ``score.py``, prints its tables and a comparison against the
   targets;
4. runs :func:`~archiver.dateline.parse_dateline` over the corpus's ``datelines.jsonl`` leads;
5. checks the seed page (``../shared/seed``, beside the corpus) against its expected values.

Misses are reported, not failures: the exit status is 0 when the evaluation ran, 2 when the
corpus is absent, 1 when one of its scripts failed.
"""

from __future__ import annotations

from collections.abc import Sequence

from archiver.exceptions import ArchiverError

__all__ = ["EvaluationError", "fmt", "format_table", "verdict"]


class EvaluationError(ArchiverError):
    """One of the corpus's scripts failed, or the corpus contradicts itself."""


def fmt(value: float | None) -> str:
    """A score to three decimals; ``-`` when not scored."""
    return "-" if value is None else f"{value:.3f}"


def verdict(value: float | None, target: float) -> str:
    """``PASS`` when ``value`` reaches ``target``, ``MISS`` below it, ``n/a`` when not scored."""
    return "n/a" if value is None else ("PASS" if value >= target else "MISS")


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """A Markdown table, columns padded to align."""
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) for c, w in zip(cells, widths, strict=True)) + " |"

    return "\n".join(
        [line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        + [line(r) for r in rows]
    )
