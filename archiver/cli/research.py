"""The research commands: ``search``, ``stats`` and ``export`` the index, ``show`` a capture."""

from __future__ import annotations

import difflib
import itertools
import json
import sys
from pathlib import Path
from typing import Any

import click

from archiver.archive import Archive
from archiver.cli.errors import CliError, translate_errors
from archiver.cli.options import (
    archive_option,
    filter_options,
    outside_archive_files,
    parse_limit,
)
from archiver.cli.output import SEARCH_FIELDS, emit_records, err_console, print_hits
from archiver.exceptions import NotFoundError
from archiver.index import ArticleFilter, IndexStats
from archiver.index.export import FORMATS, export_format, write_articles
from archiver.index.plot import plot_stats
from archiver.index.query import MAX_LIMIT
from archiver.index.stats import FIELDS
from archiver.outlets import http_url_problem
from archiver.warc import ArchivedResponse


@click.command()
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
    filters: ArticleFilter,
    limit: str,
    fmt: str,
) -> None:
    """Full-text search of the archived articles (SQLite FTS5 syntax: words, "phrases", OR, NOT)."""
    hits = Archive(archive_dir).search(query, limit=parse_limit(limit), filters=filters)
    if fmt != "table":
        emit_records([{k: h[k] for k in (*SEARCH_FIELDS, "snippet", "rank")} for h in hits], fmt)
        return
    if not hits:
        err_console.print(f"no article matches {query!r}")
        return
    print_hits(hits)


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


@click.command()
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
    if plot is not None:
        if plot.suffix.lower() != ".png":
            raise CliError(f"--plot {plot}: name a .png file, e.g. fill-rates.png")
        outside_archive_files(plot, archive_dir)
    result = Archive(archive_dir).stats()
    if plot is not None:  # first, so that a bad path fails before anything is printed
        try:
            plot_stats(result, plot)
        except OSError as e:
            raise CliError(f"cannot write the plot to {plot}: {e.strerror or e}") from e
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif not result.outlets:
        path = Archive(archive_dir).index_path
        click.echo(f"no articles in {path} yet: crawl an outlet first (archiver crawl OUTLET)")
    else:
        _print_stats(result)
    if plot is not None:
        err_console.print(f"plot written to {plot}")


@click.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@archive_option
@click.option("--query", help="Only articles matching this full-text query (FTS5 syntax).")
@filter_options
@click.option(
    "--format", "fmt", type=click.Choice(FORMATS), help="Default: from the suffix of OUT."
)
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@translate_errors
def export(
    out: Path,
    archive_dir: Path,
    query: str | None,
    filters: ArticleFilter,
    fmt: str | None,
    force: bool,
) -> None:
    """Write the archived articles (all, or those matching the filters) to OUT: JSONL, CSV or
    Parquet."""
    chosen = export_format(out, fmt)
    outside_archive_files(out, archive_dir)
    if out.exists() and not force:
        raise CliError(f"{out} already exists; pass --force to replace it")
    rows = list(Archive(archive_dir).export(query, filters=filters))
    part = out.with_name(f".{out.name}.part")  # OUT appears whole or not at all
    try:
        n = write_articles(rows, part, chosen)
        part.replace(out)
    except OSError as e:
        part.unlink(missing_ok=True)
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
    if article.get("capture_url") and article["capture_url"] != article["url"]:
        click.echo(f"Fetched from: {article['capture_url']}")  # another URL of the article
    click.echo()
    click.echo(article["body"] or "")


def _version_text(version: dict[str, Any]) -> list[str]:
    return [version["title"] or "", "", *(version["body"] or "").splitlines()]


def _print_versions(versions: list[dict[str, Any]]) -> None:
    """The article's versions, then a unified diff of title and text between each two."""
    if not versions:
        return
    click.echo()
    click.echo("version\tcaptured_at\trecord_id\turl\ttitle")
    for v in versions:
        fields = (v["version"], v["captured_at"], v["record_id"], v.get("capture_url") or "")
        click.echo("\t".join(map(str, fields)) + f"\t{v['title'] or ''}")
    for old, new in itertools.pairwise(versions):
        click.echo()
        diff = difflib.unified_diff(
            _version_text(old),
            _version_text(new),
            fromfile=f"version {old['version']} ({old['captured_at']})",
            tofile=f"version {new['version']} ({new['captured_at']})",
            lineterm="",
        )
        for line in diff:
            click.echo(line)


@click.command()
@click.argument("url")
@archive_option
@click.option("--headers", is_flag=True, help="Print the archived status line and headers first.")
@click.option("--raw", is_flag=True, help="Write the archived HTTP response byte for byte.")
@click.option("--text", is_flag=True, help="Print the extracted article from the index.")
@click.option(
    "--history",
    is_flag=True,
    help="List every capture of URL and, for an article, its versions with a diff.",
)
@translate_errors
def show(url: str, archive_dir: Path, headers: bool, raw: bool, text: bool, history: bool) -> None:
    """Print the archived response of URL (its latest capture), read back from the WARC file."""
    modes = [name for name, on in (("--raw", raw), ("--text", text), ("--history", history)) if on]
    if len(modes) > 1 or (modes and headers):
        chosen = " and ".join([*modes, *(["--headers"] if headers else [])])
        raise CliError(f"{chosen} cannot be combined: give one of --raw, --text, --history")
    try:
        _show(Archive(archive_dir), url, headers=headers, raw=raw, text=text, history=history)
    except NotFoundError:
        if problem := http_url_problem(url):  # not found: it names no page
            raise CliError(f"{url!r} {problem}") from None
        raise


def _incomplete(response: ArchivedResponse) -> str | None:
    """How much of the body a capture cut short (``WARC-Truncated``) holds, or ``None``."""
    reason = next((v for k, v in response.record_headers if k == "WARC-Truncated"), None)
    if not reason:
        return None
    sent = next((v for k, v in response.headers if k == "X-Archive-Orig-Content-Length"), None)
    held = f"{len(response.entity):,}"
    if sent and sent.strip().isdigit():
        return f"{held} of the {int(sent):,} bytes the server announced (WARC-Truncated: {reason})"
    return f"{held} bytes, cut short (WARC-Truncated: {reason})"


def _show(
    archive: Archive, url: str, *, headers: bool, raw: bool, text: bool, history: bool
) -> None:
    if text:
        _print_article(archive.article(url))
        return
    if history:
        captures = archive.history(url)  # before any output: an unknown URL is the error alone
        click.echo("captured_at\tstatus\twarc_file\toffset\trecord_id\tpayload_digest\ttype")
        for c in captures:
            fields = ("captured_at", "status", "warc_file", "warc_offset", "record_id")
            kind = c.get("warc_type") or "response"
            click.echo("\t".join(str(c[k]) for k in (*fields, "payload_digest")) + f"\t{kind}")
        _print_versions(archive.versions(url))
        return
    out = sys.stdout.buffer
    _row, response = archive.latest_capture(url)
    if cut := _incomplete(response):
        err_console.print(f"note: the archived body is incomplete: {cut}")
    if raw:
        out.write(archive.raw_http(url))
        out.flush()
        return
    if response.undecoded:
        err_console.print(
            f"note: the body does not decode as the {response.undecoded} its Content-Encoding "
            "names; shown as the server sent it"
        )
    if headers:
        lines = [response.status_line, *(f"{k}: {v}" for k, v in response.headers)]
        out.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1", "replace"))
    out.write(response.payload)
    out.flush()
