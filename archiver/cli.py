"""The ``archiver`` command: each command is one library call; errors are one line and exit 2."""

from __future__ import annotations

import csv
import io
import json
import sys
from collections.abc import Callable, Mapping
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from archiver import __version__
from archiver.archive import Archive
from archiver.exceptions import ArchiverError
from archiver.index import ArticleFilter, IndexStats
from archiver.index.export import FORMATS, export_format, write_articles
from archiver.index.plot import plot_stats
from archiver.index.query import MAX_LIMIT, check_limit
from archiver.index.stats import FIELDS

if TYPE_CHECKING:  # the crawler and the extractor are imported by the commands that use them,
    # so that the index commands start fast
    from archiver.crawler import CrawlSummary

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

        from archiver.crawler import run_crawl

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


SEARCH_FIELDS = ("url", "title", "outlet", "published", "authors", "section", "language")


def _print_hits(hits: list[dict[str, Any]]) -> None:
    """One block per hit: date and title, then the URL whole (never folded), then the snippet."""
    for hit in hits:
        published = (hit["published"] or "")[:10] or "----------"
        click.echo(f"{published}  {hit['title']}")
        click.echo(f"            {hit['url']}")
        click.echo(f"            {' '.join(hit['snippet'].split())}")


def _csv_value(value: Any) -> Any:
    return "; ".join(value) if isinstance(value, list) else value


def _emit_records(rows: list[dict[str, Any]], fmt: str) -> None:
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


def _parse_limit(text: str) -> int:
    try:
        return check_limit(int(text))
    except ValueError:
        raise CliError(f"--limit {text!r} is not a number: give 1 to {MAX_LIMIT}") from None


def filter_options(func: Callable[P, R]) -> Callable[P, R]:
    """The article filters that search and export share."""
    options = [
        click.option("--outlet", help="Only this outlet's articles."),
        click.option("--author", help="Only articles by this author (whole name, any case)."),
        click.option("--section", help="Only articles in this section (at any depth)."),
        click.option("--since", metavar="YYYY-MM-DD", help="Published on or after this date."),
        click.option("--until", metavar="YYYY-MM-DD", help="Published on or before this date."),
        click.option("--lang", help="Only articles in this language (en, de, ...)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _filters(**values: str | None) -> ArticleFilter:
    return ArticleFilter(**values)


@main.command()
@click.argument("query")
@archive_option
@filter_options
@click.option(
    "--limit", default="20", show_default=True, help=f"At most this many (1-{MAX_LIMIT})."
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@translate_errors
def search(
    query: str,
    archive_dir: Path,
    outlet: str | None,
    author: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    lang: str | None,
    limit: str,
    fmt: str,
) -> None:
    """Full-text search of the archived articles (SQLite FTS5 syntax: words, "phrases", OR, NOT)."""
    filters = _filters(
        outlet=outlet, author=author, section=section, since=since, until=until, lang=lang
    )
    hits = Archive(archive_dir).search(query, limit=_parse_limit(limit), filters=filters)
    if fmt != "table":
        _emit_records([{k: h[k] for k in (*SEARCH_FIELDS, "snippet", "rank")} for h in hits], fmt)
        return
    if not hits:
        err_console.print(f"no article matches {query!r}")
        return
    _print_hits(hits)


def _print_stats(stats: IndexStats) -> None:
    click.echo("Articles per outlet")
    click.echo(f"  {'outlet':<16} {'articles':>8} {'crawls':>6}  published")
    for o in stats.outlets:
        span = f"{o['first_published'] or '?'} .. {o['last_published'] or '?'}"
        click.echo(f"  {o['outlet'] or '-':<16} {o['articles']:>8} {o['crawls']:>6}  {span}")
    click.echo()
    click.echo("Articles per day (published)")
    for d in stats.days:
        click.echo(f"  {d['day']}  {d['outlet'] or '-':<16} {d['articles']:>6}")
    click.echo()
    click.echo("Field fill rate (% of articles that have it)")
    click.echo(f"  {'field':<14}" + "".join(f" {f['outlet'] or '-':>10}" for f in stats.fill))
    for field in FIELDS:
        click.echo(f"  {field:<14}" + "".join(f" {f[field]:>9.0f}%" for f in stats.fill))
    for drop in stats.drops:
        click.echo(f"WARNING: {drop.message()}")


@main.command()
@archive_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also draw articles per day and fill rates per crawl into this PNG file.",
)
@translate_errors
def stats(archive_dir: Path, fmt: str, plot: Path | None) -> None:
    """Articles per outlet and per day, field fill rates, and warnings when they drop."""
    result = Archive(archive_dir).stats()
    if plot is not None:  # first, so that a bad path fails before anything is printed
        try:
            plot_stats(result, plot)
        except OSError as e:
            raise CliError(f"cannot write the plot to {plot}: {e.strerror or e}") from e
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        _print_stats(result)
    if plot is not None:
        err_console.print(f"plot written to {plot}")


@main.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@archive_option
@click.option("--query", help="Only articles matching this full-text query (FTS5 syntax).")
@filter_options
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Default: from the suffix of OUT."
)
@translate_errors
def export(
    out: Path,
    archive_dir: Path,
    query: str | None,
    outlet: str | None,
    author: str | None,
    section: str | None,
    since: str | None,
    until: str | None,
    lang: str | None,
    fmt: str | None,
) -> None:
    """Write the archived articles (all, or those matching the filters) to OUT: JSONL, CSV or
    Parquet."""
    chosen = export_format(out, fmt)
    filters = _filters(
        outlet=outlet, author=author, section=section, since=since, until=until, lang=lang
    )
    rows = list(Archive(archive_dir).export(query, filters=filters))
    try:
        n = write_articles(rows, out, chosen)
    except OSError as e:
        raise CliError(f"cannot write {out}: {e.strerror or e}; check the directory") from e
    err_console.print(f"{n} articles written to {out} ({chosen})")


def _print_article(article: dict[str, Any]) -> None:
    byline = article["byline"] or "; ".join(article["authors"])
    for label, value in (
        ("Title", article["title"]),
        ("Byline", byline),
        ("Published", article["published"]),
        ("Dateline", article["dateline_raw"]),
        ("Section", " > ".join(article["section"])),
    ):
        click.echo(f"{label + ':':<11}{value or ''}")
    click.echo()
    click.echo(article["body"] or "")


@main.command()
@click.argument("url")
@archive_option
@click.option("--headers", is_flag=True, help="Print the archived status line and headers first.")
@click.option("--raw", is_flag=True, help="Write the archived HTTP response byte for byte.")
@click.option("--text", is_flag=True, help="Print the extracted article from the index.")
@click.option("--history", is_flag=True, help="List every capture of URL.")
@translate_errors
def show(url: str, archive_dir: Path, headers: bool, raw: bool, text: bool, history: bool) -> None:
    """Print the archived response of URL (its latest capture), read back from the WARC file."""
    modes = [name for name, on in (("--raw", raw), ("--text", text), ("--history", history)) if on]
    if len(modes) > 1 or (modes and headers):
        chosen = " and ".join([*modes, *(["--headers"] if headers else [])])
        raise CliError(f"{chosen} cannot be combined: give one of --raw, --text, --history")
    archive = Archive(archive_dir)
    if text:
        _print_article(archive.article(url))
        return
    if history:
        click.echo("captured_at\tstatus\twarc_file\toffset\trecord_id\tpayload_digest")
        for c in archive.history(url):
            fields = ("captured_at", "status", "warc_file", "warc_offset", "record_id")
            click.echo("\t".join(str(c[k]) for k in (*fields, "payload_digest")))
        return
    out = sys.stdout.buffer
    if raw:
        out.write(archive.raw_http(url))
        out.flush()
        return
    _row, response = archive.latest_capture(url)
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
    from archiver.extract.batch import extract_file, extract_manifest

    if manifest is None:
        if page is None:
            raise CliError("give a PAGE file, or --manifest CASES.jsonl for many pages")
        click.echo(json.dumps(extract_file(page, url), ensure_ascii=False, indent=2))
        return
    if page is not None or url is not None:
        raise CliError("--manifest replaces PAGE and --url: each case gives its own path and url")
    for case_id, record in extract_manifest(manifest):
        click.echo(json.dumps({"id": case_id, **record}, ensure_ascii=False))


@main.command()
@click.argument("warc_dir", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Path of the new index (written to a temporary file, renamed when complete).",
)
@click.option("--re-extract", is_flag=True, help="Extract pages again; ignore metadata records.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@translate_errors
def reindex(warc_dir: Path, out: Path, re_extract: bool, force: bool) -> None:
    """Rebuild an index from the WARC files in WARC_DIR alone (no network, no old index)."""
    from archiver.reindex import reindex as rebuild_index

    summary = rebuild_index(warc_dir, out, re_extract=re_extract, force=force)
    click.echo(
        f"{summary.out}: {summary.captures} captures, {summary.articles} articles "
        f"({summary.from_metadata} from metadata records, {summary.re_extracted} re-extracted) "
        f"from {summary.files} WARC files in {summary.elapsed:.1f} s"
    )


@main.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@translate_errors
def browse(archive_dir: Path, host: str, port: int) -> None:
    """Browse the index in Datasette: article facets, and canned queries (search, latest, ...)."""
    from archiver.browse import serve

    index_path = Archive(archive_dir).index_path
    if index_path.is_file():
        click.echo(f"Datasette over {index_path} at http://{host}:{port}/ (Ctrl-C stops it)")
    serve(index_path, host=host, port=port)
