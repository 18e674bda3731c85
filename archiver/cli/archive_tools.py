"""Commands that work on pages and WARC files directly: ``extract``, ``reindex``, ``browse``."""

from __future__ import annotations

import json
from pathlib import Path

import click

from archiver.archive import Archive
from archiver.cli.errors import CliError, translate_errors
from archiver.cli.options import archive_option
from archiver.outlets import http_url_problem


@click.command()
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
        if url is not None and (problem := http_url_problem(url)):
            raise CliError(f"--url {url!r} {problem}")
        click.echo(json.dumps(extract_file(page, url), ensure_ascii=False, indent=2))
        return
    if page is not None or url is not None:
        raise CliError("--manifest replaces PAGE and --url: each case gives its own path and url")
    for case_id, record in extract_manifest(manifest):
        click.echo(json.dumps({"id": case_id, **record}, ensure_ascii=False))


@click.command()
@click.argument(
    "warc_dirs", nargs=-1, required=True, type=click.Path(file_okay=False, path_type=Path)
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="Path of the new index (written to a temporary file, renamed when complete).",
)
@click.option("--re-extract", is_flag=True, help="Extract pages again; ignore metadata records.")
@click.option("--force", is_flag=True, help="Replace --out if it exists.")
@translate_errors
def reindex(warc_dirs: tuple[Path, ...], out: Path, re_extract: bool, force: bool) -> None:
    """Rebuild an index from the WARC files in WARC_DIRS alone (no network, no old index):
    one directory, or the warc/ directories of every worker of a distributed crawl."""
    from archiver.reindex import reindex as rebuild_index

    summary = rebuild_index(warc_dirs, out, re_extract=re_extract, force=force)
    click.echo(
        f"{summary.out}: {summary.captures} captures, {summary.articles} articles "
        f"({summary.from_metadata} from metadata records, {summary.re_extracted} re-extracted) "
        f"from {summary.files} WARC files in {summary.elapsed:.1f} s"
    )


@click.group()
def index() -> None:
    """Work on index files as a whole (merge the shards of a distributed crawl, compact)."""


@index.command("merge")
@click.argument("shards", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The merged index (created when missing; merging into it again changes nothing).",
)
@translate_errors
def merge_index(shards: tuple[Path, ...], out: Path) -> None:
    """Merge index SHARDS (each worker's index.db) into one index, --out; idempotent."""
    from archiver.index.merge import merge

    summary = merge(shards, out)
    click.echo(
        f"{summary.out}: {summary.articles} articles, {summary.captures} captures "
        f"({summary.articles_added} articles and {summary.captures_added} captures new) "
        f"from {summary.shards} shards"
    )


@index.command("compact")
@archive_option
@translate_errors
def compact_index(archive_dir: Path) -> None:
    """Give the index's free space back to the disk (SQLite's VACUUM), e.g. after a migration.
    Needs free disk of about twice the compacted index, and no crawl writing to it."""
    from archiver.index import ArchiveIndex
    from archiver.locks import crawls_running

    path = Archive(archive_dir).index_path
    if running := crawls_running(archive_dir):
        raise CliError(
            f"a crawl of {', '.join(map(repr, running))} is writing to {path}; compact the "
            "index when it has finished"
        )
    index = ArchiveIndex(path, create=False)
    try:
        before = path.stat().st_size
        done = index.compact()
    finally:
        index.close()
    if done.waiting:
        after = done.size
        outcome = (
            "when the other process reading the index (a Datasette, a sqlite3 session) closes "
            f"it; until then the compacted copy waits in {path.name}-wal"
        )
    else:
        after = path.stat().st_size
        outcome = f"({(before - after) / 1e6:.1f} MB given back to the disk)"
    click.echo(f"{path}: {before / 1e6:.1f} MB -> {after / 1e6:.1f} MB {outcome}")


@click.command()
@archive_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8001, show_default=True)
@translate_errors
def browse(archive_dir: Path, host: str, port: int) -> None:
    """Browse the index in Datasette: article facets, and canned queries (search, latest, ...)."""
    from archiver.browse import serve

    index_path = Archive(archive_dir).index_path

    def started() -> None:
        click.echo(f"Datasette over {index_path} at http://{host}:{port}/ (Ctrl-C stops it)")

    serve(index_path, host=host, port=port, started=started)


@click.command()
@archive_option
@click.option("--repair", is_flag=True, help="Fix what can be fixed safely (see the list above).")
@translate_errors
def check(archive_dir: Path, repair: bool) -> None:
    """Check that the WARC files and the index agree; exit 1 when a problem remains.

    Finds .open WARC files left by a killed crawl, truncated or corrupt WARC files, capture rows
    that do not point at their record, records and archived articles missing from the index, and
    crawls recorded as running that are not. --repair closes the .open files (cut after their
    last whole record), indexes what is missing and marks dead crawls interrupted; it never
    deletes a record.
    """
    from archiver.check import check_archive

    report = check_archive(archive_dir, repair=repair)
    for line in report.repaired:
        click.echo(f"repaired: {line}")
    for problem in report.problems:
        hint = " (archiver check --repair fixes it)" if problem.repairable else ""
        click.echo(f"{problem.line()}{hint}")
    click.echo(report.summary())
    if not report.ok:
        raise SystemExit(1)
