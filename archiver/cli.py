"""The ``archiver`` command: each command is one library call; errors are one line and exit 2."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from archiver import __version__
from archiver.archive import Archive
from archiver.crawler import CrawlSummary, run_crawl
from archiver.exceptions import ArchiverError
from archiver.extract.batch import extract_file, extract_manifest

P = ParamSpec("P")
R = TypeVar("R")

console = Console()
err_console = Console(stderr=True)


class CliError(click.ClickException):
    """A one-line error for the user; exit status 2 like a usage error."""

    exit_code = 2


def translate_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn the core's ``ArchiverError`` into a one-line ``CliError``."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except ArchiverError as e:
            raise CliError(str(e)) from e

    return wrapper


archive_option = click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("archive"),
    show_default=True,
    help="Archive directory: WARC files in DIR/warc, the index in DIR/index.db.",
)


@click.group()
@click.version_option(__version__, prog_name="archiver")
def main() -> None:
    """Crawl news outlets, archive every HTTP exchange as WARC, extract and index the articles."""


def _human_bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"


def _crawl_with_progress(outlet: str, archive_dir: Path, **kwargs: Any) -> CrawlSummary:
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("pages {task.fields[pages]}  articles {task.fields[articles]}"),
        TextColumn("WARC {task.fields[warc]}"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=False) as progress:
        task = progress.add_task(f"crawling {outlet}", total=None, pages=0, articles=0, warc="0 B")

        def update(event: str, stats: Mapping[str, Any]) -> None:
            progress.update(
                task,
                pages=stats.get("archiver/pages", 0),
                articles=stats.get("archiver/articles", 0),
                warc=_human_bytes(stats.get("archiver/warc/bytes_written", 0)),
            )

        summary = run_crawl(outlet, archive_dir=archive_dir, progress=update, **kwargs)
        progress.update(
            task,
            description=f"crawled {outlet}",
            pages=summary.pages,
            articles=summary.articles,
            warc=_human_bytes(summary.warc_bytes),
        )
    return summary


def _print_summary(summary: CrawlSummary) -> None:
    table = Table(title=f"crawl {summary.crawl_id} of {summary.outlet}: {summary.finish_reason}")
    for column in ("pages", "articles", "WARC bytes", "errors", "elapsed"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary.pages),
        str(summary.articles),
        _human_bytes(summary.warc_bytes),
        str(summary.errors),
        f"{summary.elapsed:.1f} s",
    )
    console.print(table)
    click.echo(f"WARC files: {summary.warc_dir}/ ({len(summary.warc_files)} written)")
    for name in summary.warc_files:
        click.echo(f"  {name}")
    click.echo(f"Index:      {summary.index_path}")


def _setup_logging(verbose: int) -> dict[str, Any]:
    level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
    return {"LOG_LEVEL": level, "LOG_FORMAT": "%(levelname)s %(name)s: %(message)s"}


@main.command()
@click.argument("outlet")
@archive_option
@click.option(
    "--outlets", "outlets_file", type=click.Path(dir_okay=False), help="TOML file of outlets."
)
@click.option("--max-articles", type=click.IntRange(min=1), help="Stop after this many articles.")
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@translate_errors
def crawl(
    outlet: str, archive_dir: Path, outlets_file: str | None, max_articles: int | None, verbose: int
) -> None:
    """Crawl OUTLET: section pages, pagination, articles; archive and index everything."""
    overrides = _setup_logging(verbose)
    summary = _crawl_with_progress(
        outlet,
        archive_dir,
        outlets_file=outlets_file,
        max_articles=max_articles,
        overrides=overrides,
    )
    _print_summary(summary)


@main.command()
@archive_option
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@translate_errors
def demo(archive_dir: Path, verbose: int) -> None:
    """Serve the bundled demo outlet on 127.0.0.1, crawl it, and show what was archived."""
    overrides = _setup_logging(verbose)
    summary = _crawl_with_progress("demo", archive_dir, overrides=overrides)
    _print_summary(summary)
    query = "human rights"
    hits = Archive(archive_dir).search(f'"{query}"', limit=3)
    click.echo()
    click.echo(f'Sample query: archiver search "{query}" --archive {archive_dir}')
    _print_hits(hits)
    if hits:
        click.echo(f"Archived page: archiver show {hits[0]['url']} --archive {archive_dir}")


def _print_hits(hits: list[dict[str, Any]]) -> None:
    """One block per hit: date and title, then the URL whole (never folded), then the snippet."""
    for hit in hits:
        published = (hit["published"] or "")[:10] or "----------"
        click.echo(f"{published}  {hit['title']}")
        click.echo(f"            {hit['url']}")
        click.echo(f"            {' '.join(hit['snippet'].split())}")


@main.command()
@click.argument("query")
@archive_option
@click.option("--limit", type=click.IntRange(min=1, max=10_000), default=20, show_default=True)
@translate_errors
def search(query: str, archive_dir: Path, limit: int) -> None:
    """Full-text search of the archived articles (SQLite FTS5 syntax: words, "phrases", OR, NOT)."""
    hits = Archive(archive_dir).search(query, limit=limit)
    if not hits:
        err_console.print(f"no article matches {query!r}")
        return
    _print_hits(hits)


@main.command()
@click.argument("url")
@archive_option
@click.option("--headers", is_flag=True, help="Print the archived status line and headers first.")
@translate_errors
def show(url: str, archive_dir: Path, headers: bool) -> None:
    """Print the archived response of URL (its latest capture), read back from the WARC file."""
    _row, response = Archive(archive_dir).latest_capture(url)
    out = sys.stdout.buffer
    if headers:
        lines = [response.status_line, *(f"{k}: {v}" for k, v in response.headers)]
        out.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"))
    out.write(response.payload)
    out.flush()


@main.command()
@click.argument("page", required=False, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--url", help="URL the page was fetched from (default: its file:// URL).")
@click.option(
    "--manifest",
    type=click.Path(dir_okay=False, path_type=Path),
    help='JSON Lines of {"id", "path", "url"}: extract every case, one output line each.',
)
@translate_errors
def extract(page: Path | None, url: str | None, manifest: Path | None) -> None:
    """Extract the article of a saved PAGE (.html or .html.gz) and print it as JSON."""
    if manifest is None:
        if page is None:
            raise CliError("give a PAGE file, or --manifest CASES.jsonl for many pages")
        click.echo(json.dumps(extract_file(page, url), ensure_ascii=False, indent=2))
        return
    if page is not None or url is not None:
        raise CliError("--manifest replaces PAGE and --url: each case gives its own path and url")
    for case_id, record in extract_manifest(manifest):
        click.echo(json.dumps({"id": case_id, **record}, ensure_ascii=False))
