"""What the commands print: the consoles, sizes, search hits, and records as JSON or CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import click
from rich.console import Console

console = Console(soft_wrap=True)  # a long line stays one line (a URL, a path, an error)
err_console = Console(stderr=True, soft_wrap=True)

SEARCH_FIELDS = ("url", "title", "outlet", "published", "authors", "section", "language")


def human_bytes(n: float) -> str:
    """A byte count as B, KB, MB or GB."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def print_hits(hits: list[dict[str, Any]]) -> None:
    """One block per hit: date and title, then the URL whole (never folded), then the snippet."""
    for hit in hits:
        published = (hit["published"] or "")[:10] or "----------"
        click.echo(f"{published}  {hit['title'] or '(no title)'}")
        click.echo(f"            {hit['url']}")
        click.echo(f"            {' '.join(hit['snippet'].split())}")


def _csv_value(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, list) else value


def emit_records(rows: list[dict[str, Any]], fmt: str) -> None:
    """Rows as one JSON array, JSON Lines, or CSV with a header, on stdout."""
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        out = io.StringIO(newline="")
        fields = list(rows[0]) if rows else [*SEARCH_FIELDS, "snippet", "rank"]
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        writer.writerows({k: _csv_value(v) for k, v in row.items()} for row in rows)
        click.echo(out.getvalue(), nl=False)
