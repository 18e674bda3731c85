"""Options that several commands share, and the parsing of their values."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import attrs
import click

from archiver.archive import archive_file
from archiver.cli.errors import CliError
from archiver.index import ArticleFilter
from archiver.index.query import MAX_LIMIT, check_limit

R = TypeVar("R")


def _archive_dir(ctx: click.Context, param: click.Parameter, value: Path) -> Path:
    """``--archive``, unless it names an archive's WARC directory (a crawl would build a second
    archive inside it, a search find no index)."""
    if value.name == "warc" and (value.parent / "index.db").is_file():
        raise click.BadParameter(
            f"{value} is the WARC directory of the archive {value.parent}: pass --archive "
            f"{value.parent}",
            ctx=ctx,
            param=param,
        )
    return value


no_resources_option = click.option(
    "--no-resources",
    is_flag=True,
    help="Archive the pages alone, not the stylesheets, scripts, images and fonts they load "
    "(ARCHIVER_PAGE_RESOURCES=False).",
)
archive_option = click.option(
    "--archive",
    "archive_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("archive"),
    show_default=True,
    envvar="ARCHIVER_ARCHIVE_DIR",
    show_envvar=True,
    callback=_archive_dir,
    help="Archive directory: WARC files in DIR/warc, the index in DIR/index.db.",
)


def filter_options(func: Callable[..., R]) -> Callable[..., R]:
    """The article filters that search and the exports share, handed to the command as one
    ``filters: ArticleFilter`` argument."""

    @functools.wraps(func)
    def command(*args: Any, **kwargs: Any) -> R:
        values = {name: kwargs.pop(name) for name in attrs.fields_dict(ArticleFilter)}
        for name, given in values.items():  # each option is multiple: click keeps the last
            if name != "outlet" and len(set(given)) > 1:
                raise CliError(
                    f"--{name} is given {len(given)} times ({', '.join(map(repr, given))}): "
                    f"give it once (the filters all hold together; only --outlet takes several)"
                )
        outlets = tuple(dict.fromkeys(values.pop("outlet")))
        filters = ArticleFilter(
            outlet=outlets[0] if len(outlets) == 1 else outlets or None,
            **{name: given[0] if given else None for name, given in values.items()},
        )
        return func(*args, filters=filters, **kwargs)

    options = [
        click.option(
            "--outlet", multiple=True, help="Only this outlet's articles (repeat for several)."
        ),
        click.option(
            "--author", multiple=True, help="Only articles by this author (whole name, any case)."
        ),
        click.option("--section", multiple=True, help="Only articles in this section (any depth)."),
        click.option("--tag", multiple=True, help="Only articles with this tag (whole, any case)."),
        click.option(
            "--since", multiple=True, metavar="YYYY-MM-DD", help="Published on or after this date."
        ),
        click.option(
            "--until", multiple=True, metavar="YYYY-MM-DD", help="Published on or before this date."
        ),
        click.option(
            "--lang", multiple=True, help="Only articles in this language (en, pt; no region)."
        ),
    ]
    for option in reversed(options):
        command = option(command)
    return command


def parse_limit(text: str) -> int:
    """The value of ``--limit`` as a number in range, or a one-line error."""
    try:
        return check_limit(int(text))
    except ValueError:
        raise CliError(f"--limit {text!r} is not a number: give 1 to {MAX_LIMIT}") from None


def outside_archive_files(out: Path, archive_dir: Path) -> None:
    """A one-line error when ``out`` is the archive's index (or one of SQLite's side files)
    or lies in its WARC directory: writing there would destroy what the archive holds."""
    kind = archive_file(out, archive_dir)
    if kind == "index":
        raise CliError(f"{out} is the archive's index; write to a path outside it")
    if kind == "warc":
        raise CliError(f"{out} is in the archive's WARC directory; write to a path outside it")
