"""The ``archiver`` command: each command is one library call; errors are one line and exit 2."""

from __future__ import annotations

import click

from archiver import __version__
from archiver.cli.archive_tools import browse, check, extract, reindex
from archiver.cli.crawling import crawl, demo, schedule
from archiver.cli.errors import CliError
from archiver.cli.outlets import outlets
from archiver.cli.replay_tools import export_wacz, reextract, replay
from archiver.cli.research import export, search, show, stats

__all__ = ["CliError", "main"]


@click.group()
@click.version_option(__version__, prog_name="archiver")
def main() -> None:
    """Crawl news outlets, archive every HTTP exchange as WARC, extract and index the articles."""


COMMANDS = (crawl, demo, schedule, search, stats, export, show, extract, reindex, browse, check)
for command in (*COMMANDS, outlets, replay, export_wacz, reextract):
    main.add_command(command)
