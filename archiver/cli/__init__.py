"""The ``archiver`` command: each command is one library call; errors are one line and exit 2."""

from __future__ import annotations

import os
import signal
import sqlite3
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
from archiver.exceptions import index_problem

__all__ = ["CliError", "main"]


class OneLineErrors(click.Group):
    """Usage errors too are one line, with a pointer to ``--help``, and exit 2; so are the
    errors of a damaged index, or of a path that is a file where a directory belongs (or the
    other way round), wherever they surface."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        argv = kwargs.get("args") or (args[0] if args else None) or sys.argv[1:]
        for arg in argv:
            if any("\udc80" <= c <= "\udcff" for c in arg):  # bytes the locale cannot decode
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                click.echo(f"Error: argument {shown!r} is not valid UTF-8; retype it", err=True)
                sys.exit(2)
        # SIGTERM as an exception (exit 143, as its default action gives): cleanup code runs,
        # as on Ctrl-C (a command's temporary files, held locks). A crawl installs Scrapy's
        # handlers, which stop it cleanly; the scheduler installs its own.
        signal.signal(signal.SIGTERM, _terminated)
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
        except sqlite3.DatabaseError as e:  # a page of the index damaged after it was opened
            click.echo(f"Error: {index_problem(e)}", err=True)
            sys.exit(2)
        except BrokenPipeError:  # the reader went away (| head): nothing more to say
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            sys.exit(1)
        except OSError as e:
            where = f"{e.filename}: " if e.filename else ""
            click.echo(f"Error: {where}{e.strerror or e}; check that path", err=True)
            sys.exit(2)
        sys.exit(code if isinstance(code, int) else 0)


def _terminated(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signal.SIGTERM)


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
