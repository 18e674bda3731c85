"""The seed page's acceptance case: ``../shared/seed/tdi-article.html`` extracted against
``tdi-article.expected.json``, value by value (issue 3's first acceptance item).

The expected file names fields of the article (``title``, ``authors``, ``dateline``, ...),
compared for equality, and checks of its body: ``body_starts_with``, ``body_ends_with``,
``body_paragraphs`` (paragraphs separated by blank lines), ``body_must_not_contain``. An expected
``published`` that is a day (``2023-12-10``) is compared with the day of ours, which keeps the
time and zone the page gives.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archiver.extract.batch import article_record
from archiver.extract.extractor import ArticleExtractor

_DAY = 10
"""Length of an ISO 8601 day, ``2023-12-10``."""


def check_seed(page: Path, expected_file: Path) -> list[tuple[str, bool, str]]:
    """``(what, holds, detail)`` for each value the expected file names."""
    expected: dict[str, Any] = json.loads(expected_file.read_text(encoding="utf-8"))
    record = article_record(ArticleExtractor().extract(page.read_bytes(), expected["url"]))
    body: str = record.get("body") or ""
    results = []
    for key, want in expected.items():
        if key == "body_starts_with":
            results.append((key, body.startswith(want), body[: len(want)]))
        elif key == "body_ends_with":
            results.append((key, body.rstrip().endswith(want), body.rstrip()[-len(want) :]))
        elif key == "body_paragraphs":
            count = len([p for p in body.split("\n\n") if p.strip()])
            results.append((key, count == want, str(count)))
        elif key == "body_must_not_contain":
            found = [text for text in want if text in body]
            results.append((key, not found, ", ".join(found) or "none found"))
        else:
            got = record.get(key)
            if key == "published" and isinstance(got, str) and len(want or "") == _DAY:
                got = got[:_DAY]
            if isinstance(want, dict) and isinstance(got, dict):
                got = {k: got.get(k) for k in want}
            results.append((key, got == want, json.dumps(got, ensure_ascii=False)))
    return results
