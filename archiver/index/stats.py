"""What the index holds: counts per outlet and per day, field fill rates, and fill-rate drops.

A drop is the first sign that an outlet changed its markup: a field (say the byline) that the
outlet's earlier articles had, and the articles of its latest crawl mostly lack.
"""

from __future__ import annotations

from typing import Any

import attrs
import sqlite_utils

DROP_POINTS = 20.0
"""A fill rate that falls by more than this many percentage points gives a warning."""

FIELDS: dict[str, str] = {
    "title": "coalesce(a.title, '') != ''",
    "body": "coalesce(a.body, '') != ''",
    "authors": "exists (select 1 from article_authors x where x.article_id = a.id)",
    "byline": "coalesce(a.byline, '') != ''",
    "published": "coalesce(a.published, '') != ''",
    "dateline": "coalesce(a.dateline_raw, '') != ''",
    "section": "exists (select 1 from article_sections x where x.article_id = a.id)",
    "tags": "exists (select 1 from article_tags x where x.article_id = a.id)",
    "images": "coalesce(a.images, '[]') != '[]'",
    "language": "coalesce(a.language, '') != ''",
    "canonical_url": "coalesce(a.canonical_url, '') != ''",
}
"""Each field stats reports, and the SQL condition (fixed text) that says an article has it."""

_FILL = ", ".join(
    f"avg(case when {cond} then 100.0 else 0 end) as {f}" for f, cond in FIELDS.items()
)


@attrs.define(kw_only=True)
class FillDrop:
    """A field whose fill rate for an outlet fell in its latest crawl."""

    outlet: str
    field: str
    crawl_id: int
    before: float
    """Percent of the outlet's earlier articles that have the field."""
    latest: float
    """Percent of the articles of the latest crawl that have it."""

    def message(self) -> str:
        """The warning line for a person."""
        return (
            f"{self.field} fill rate for {self.outlet} fell from {self.before:.0f}% to "
            f"{self.latest:.0f}% in crawl {self.crawl_id} — the outlet's markup may have changed"
        )


@attrs.define(kw_only=True)
class IndexStats:
    """The numbers ``archiver stats`` prints."""

    outlets: list[dict[str, Any]]
    """Per outlet: ``outlet``, ``articles``, ``crawls`` (its runs in the ``crawls`` table),
    ``first_published``, ``last_published``."""
    days: list[dict[str, Any]]
    """Per published day and outlet: ``day``, ``outlet``, ``articles``."""
    fill: list[dict[str, Any]]
    """Per outlet: ``outlet``, ``articles`` and, per field, the percent of articles having it."""
    fill_by_crawl: list[dict[str, Any]]
    """As ``fill``, per outlet and crawl (``crawl_id``, ``started_at``), oldest crawl first."""
    drops: list[FillDrop]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict, drops as their messages too."""
        data = attrs.asdict(self)
        data["warnings"] = [d.message() for d in self.drops]
        return data


def _rows(db: sqlite_utils.Database, sql: str, params: list[Any] | None = None) -> list[dict]:
    cursor = db.execute(sql, params or [])
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, r, strict=True)) for r in cursor.fetchall()]


def _drops(db: sqlite_utils.Database) -> list[FillDrop]:
    drops = []
    latest = _rows(
        db,
        "select outlet, max(crawl_id) as crawl_id from articles a"
        " where crawl_id is not null group by outlet order by outlet",
    )
    for row in latest:
        rates = _rows(
            db,
            f"select a.crawl_id = ? as latest, count(*) as n, {_FILL} from articles a"
            " where a.outlet is ? group by 1",
            [row["crawl_id"], row["outlet"]],
        )
        by_group = {bool(r["latest"]): r for r in rates}
        if True not in by_group or False not in by_group:
            continue
        for field in FIELDS:
            before, now = by_group[False][field], by_group[True][field]
            if before - now > DROP_POINTS:
                drops.append(
                    FillDrop(
                        outlet=row["outlet"],
                        field=field,
                        crawl_id=row["crawl_id"],
                        before=before,
                        latest=now,
                    )
                )
    return drops


def compute_stats(db: sqlite_utils.Database) -> IndexStats:
    """Counts, fill rates and drops over the whole index."""
    outlets = _rows(
        db,
        "select outlet, count(*) as articles,"
        " (select count(*) from crawls c where c.outlet = a.outlet) as crawls,"
        " min(substr(published, 1, 10)) as first_published,"
        " max(substr(published, 1, 10)) as last_published"
        " from articles a group by outlet order by outlet",
    )
    days = _rows(
        db,
        "select substr(published, 1, 10) as day, outlet, count(*) as articles from articles"
        " where coalesce(published, '') != '' group by 1, 2 order by 1, 2",
    )
    fill = _rows(
        db,
        f"select a.outlet, count(*) as articles, {_FILL} from articles a"
        " group by a.outlet order by a.outlet",
    )
    fill_by_crawl = _rows(
        db,
        f"select a.outlet, a.crawl_id, c.started_at, count(*) as articles, {_FILL}"
        " from articles a left join crawls c on c.id = a.crawl_id"
        " group by a.outlet, a.crawl_id order by a.outlet, a.crawl_id",
    )
    return IndexStats(
        outlets=outlets, days=days, fill=fill, fill_by_crawl=fill_by_crawl, drops=_drops(db)
    )
