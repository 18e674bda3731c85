"""``archiver outlets``: list the outlet definitions, or draft one for a site."""

from __future__ import annotations

import json

import click
from rich.table import Table

from archiver.cli.errors import translate_errors
from archiver.cli.output import console
from archiver.outlets import load_outlets

outlets_file_option = click.option(
    "--outlets",
    "outlets_file",
    type=click.Path(exists=True),
    help="TOML file, or directory of *.toml files, of your own outlet definitions.",
)


@click.group()
def outlets() -> None:
    """List outlet definitions, or suggest one for a site."""


@outlets.command("list")
@outlets_file_option
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@translate_errors
def list_outlets(outlets_file: str | None, fmt: str) -> None:
    """Show every outlet definition: shipped, from your config directory, and --outlets."""
    defined = load_outlets(outlets_file)
    if fmt == "json":
        rows = [
            {
                "name": o.name,
                "site_name": o.site_name,
                "domains": list(o.allowed_domains),
                "sections": list(o.sections),
                "feeds": list(o.feeds),
                "sitemaps": list(o.sitemaps),
                "discover": o.discover,
                "schedule": o.schedule,
                "revisit_after": list(o.revisit_after),
                "provenance": o.provenance,
                "file": o.origin,
            }
            for o in defined.values()
        ]
        click.echo(json.dumps(rows, indent=2, ensure_ascii=False))
        return
    table = Table(title=f"{len(defined)} outlets")
    table.add_column("name", no_wrap=True)
    for column in ("site", "domains", "sources", "schedule"):
        table.add_column(column)
    for o in sorted(defined.values(), key=lambda o: o.name):
        counts = [
            (len(o.sections), "section"),
            (len(o.feeds), "feed"),
            (len(o.sitemaps), "sitemap"),
        ]
        sources = ", ".join(f"{n} {word}{'s' if n > 1 else ''}" for n, word in counts if n)
        table.add_row(
            o.name,
            o.site_name,
            " ".join(o.allowed_domains),
            sources + (" + discovery" if o.discover else ""),
            o.schedule or "",
        )
    console.print(table)


@outlets.command("suggest")
@click.argument("url")
@translate_errors
def suggest_outlet(url: str) -> None:
    """Fetch URL (politely: robots.txt obeyed) and print a definition for it to save and edit."""
    from archiver.discovery.suggest import suggest
    from archiver.settings import USER_AGENT

    click.echo(suggest(url, USER_AGENT).toml(), nl=False)
