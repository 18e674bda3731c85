"""Commands for replay and packaging: ``replay``."""

from __future__ import annotations

from pathlib import Path

import click

from archiver.cli.errors import translate_errors
from archiver.cli.options import archive_option


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
    )
