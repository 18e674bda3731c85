"""Commands for replay and packaging: ``replay``, ``export-wacz``, ``reextract``."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.cli.errors import CliError, translate_errors
from archiver.cli.options import archive_option, filter_options, outside_archive_files
from archiver.index import ArticleFilter


@click.command()
@archive_option
@click.argument("urls", nargs=-1)
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8080, show_default=True)
@click.option(
    "--install-tools",
    is_flag=True,
    help="Install pywb, cdxj-indexer and wacz into their own environment first if missing.",
)
@click.option(
    "--tools-only", is_flag=True, help="Only make sure the replay tools are installed, then exit."
)
@translate_errors
def replay(
    archive_dir: Path,
    urls: tuple[str, ...],
    host: str,
    port: int,
    install_tools: bool,
    tools_only: bool,
) -> None:
    """Replay the archive in pywb; with URLs, print where each one's latest capture replays."""
    from archiver.replay.server import serve
    from archiver.replay.tools import ReplayTools

    if tools_only:
        tools = ReplayTools().ensure(install=install_tools)
        click.echo(f"replay tools ready in {tools.location}")
        return
    serve(
        archive_dir,
        host=host,
        port=port,
        urls=list(urls),
        install_tools=install_tools,
        announce=lambda line: click.echo(line),
        warn=lambda line: click.echo(f"warning: {line}", err=True),
    )


@click.command("export-wacz")
@archive_option
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@filter_options
@click.option("--title", help="Title of the WACZ (default: names the archive).")
@click.option("--force", is_flag=True, help="Replace OUT if it exists.")
@click.option(
    "--no-resources",
    is_flag=True,
    help="Leave out what the pages load (stylesheets, scripts, images, fonts).",
)
@translate_errors
def export_wacz(
    archive_dir: Path,
    out: Path,
    title: str | None,
    force: bool,
    no_resources: bool,
    filters: ArticleFilter,
) -> None:
    """Package the selected articles' captures, with what their pages load, as OUT.wacz
    (pages.jsonl: full-text search)."""
    from archiver.replay.wacz import export_wacz as export

    outside_archive_files(out, archive_dir)
    summary = export(
        archive_dir, out, filters=filters, title=title, force=force, resources=not no_resources
    )
    click.echo(
        f"{summary.out}: {summary.pages} pages and {summary.resources} captures of what they "
        f"load, {summary.records} WARC records, {summary.bytes} bytes; wacz validate passed"
    )


@click.command()
@archive_option
@click.argument(
    "inputs", nargs=-1, type=click.Path(exists=False, path_type=Path), metavar="[WARC_OR_WACZ]..."
)
@click.option("--outlet", help="Outlet name for the articles (default: warcinfo isPartOf, host).")
@translate_errors
def reextract(archive_dir: Path, inputs: tuple[Path, ...], outlet: str | None) -> None:
    """Run the current extractor over archived pages (default: the archive's own WARC files,
    or foreign WARC/WACZ files) and update the index."""
    from archiver.reextract import reextract as run

    if outlet is not None and not outlet.strip():
        raise CliError("--outlet is empty: give a name, or leave the option out")
    summary = run(archive_dir, list(inputs), outlet=outlet)
    click.echo(
        f"{summary.articles} articles indexed ({summary.kept_newer} kept from newer captures) "
        f"from {summary.responses} HTML pages in {summary.files} WARC files with "
        f"{summary.extractor_version} in {summary.elapsed:.1f} s"
    )
