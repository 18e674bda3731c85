"""Draw ``archiver stats --plot``: articles per day per outlet, and field fill rates per crawl."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from archiver.index.stats import FIELDS, IndexStats


def _day(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:  # a published date the page gave in another shape
        return None


def plot_stats(stats: IndexStats, out: Path) -> None:
    """Write a PNG of two panels to ``out`` (matplotlib, Agg backend: no display needed)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    fig = Figure(figsize=(11, 8), layout="constrained")
    per_day, fill = fig.subplots(2, 1)
    outlets = sorted({d["outlet"] or "" for d in stats.days})
    for outlet in outlets:
        points = [
            (day, d["articles"])
            for d in stats.days
            if (d["outlet"] or "") == outlet and (day := _day(d["day"])) is not None
        ]
        if points:
            days, counts = zip(*points, strict=True)
            per_day.plot(days, counts, marker="o", linestyle="-", label=outlet)
    per_day.set_title("Articles per day (published date)")
    per_day.set_ylabel("articles")
    per_day.tick_params(axis="x", labelrotation=30, labelsize=8)
    if outlets:
        per_day.legend(fontsize=8)
    labels = [f"{r['outlet']}\ncrawl {r['crawl_id']}" for r in stats.fill_by_crawl]
    for field in FIELDS:
        fill.plot(labels, [r[field] for r in stats.fill_by_crawl], marker="o", label=field)
    fill.set_title("Field fill rate per crawl")
    fill.set_ylabel("% of articles")
    fill.set_ylim(-5, 105)
    fill.legend(fontsize=8, ncol=3)
    fig.savefig(out, dpi=100)
