"""The ``archiver`` command: each command is one library call; errors are one line and exit 2."""

from __future__ import annotations

import sys
from typing import Any

import click

from archiver import __version__
from archiver.cli.archive_tools import browse, check, extract, index, reindex
from archiver.cli.crawling import crawl, demo, schedule, worker
from archiver.cli.errors import CliError
from archiver.cli.outlets import outlets
from archiver.cli.replay_tools import export_wacz, reextract, replay
from archiver.cli.research import export, search, show, stats

__all__ = ["CliError", "main"]


class OneLineErrors(click.Group):
    """Usage errors too are one line, with a pointer to ``--help``, and exit 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as e:
            where = f" (see '{e.ctx.command_path} --help')" if e.ctx else ""
            click.echo(f"Error: {e.format_message()}{where}", err=True)
            sys.exit(e.exit_code)
        except click.ClickException as e:
            e.show()
            sys.exit(e.exit_code)
        except click.Abort:
            click.echo("Aborted!", err=True)
            sys.exit(1)
        sys.exit(code if isinstance(code, int) else 0)


@click.group(cls=OneLineErrors)
@click.version_option(__version__, prog_name="archiver")
def main() -> None:
    """Crawl news outlets, archive every HTTP exchange as WARC, extract and index the articles."""


COMMANDS = (
    crawl,
    worker,
    demo,
    schedule,
    search,
    stats,
    export,
    show,
    extract,
    reindex,
    browse,
    check,
)
for command in (*COMMANDS, index, outlets, replay, export_wacz, reextract):
    main.add_command(command)
