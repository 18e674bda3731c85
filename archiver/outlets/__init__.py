"""Outlet definitions: what to crawl for each news outlet, declared as data (TOML).

The generic section spider reads one ``Outlet`` and needs nothing else; adding an outlet
means adding a table to a TOML file, not writing code.
"""

from __future__ import annotations

import re
import tomllib
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs

from archiver.exceptions import ConfigError, UnknownOutletError

BUILTIN = "builtin.toml"


@attrs.define(kw_only=True, frozen=True)
class Outlet:
    """One news outlet: where its sections are and how to find articles and next pages."""

    name: str
    """Short identifier used on the command line (``archiver crawl demo``)."""
    site_name: str = ""
    """The outlet's own name."""
    allowed_domains: tuple[str, ...] = ()
    """Domains the crawl stays on (subdomains included)."""
    sections: tuple[str, ...] = ()
    """Absolute URLs of the section pages the crawl starts from."""
    article_links: str = "article a::attr(href), h2 a::attr(href), h3 a::attr(href)"
    """CSS selector (with ``::attr(href)``) of article links on a section page."""
    article_pattern: str | None = None
    """Regex an article URL's path must match (``None``: any link the selector finds)."""
    pagination: str = "link[rel=next]::attr(href), a[rel=next]::attr(href)"
    """CSS selector (with ``::attr(href)``) of the link to the section's next page."""
    max_pages: int = 10
    """Listing pages followed per section, the first included."""
    max_articles: int = 0
    """Articles requested per crawl (0: no limit)."""
    host_map: dict[str, str] = attrs.Factory(dict)
    """``{host: "ip:port"}``: reach these hosts through that address."""
    demo: bool = False
    """Served by the bundled demo server, which the crawl starts itself."""
    schedule: str | None = None
    """Cron expression (``"0 */6 * * *"``, UTC) of when ``archiver schedule`` crawls it."""

    @property
    def article_regex(self) -> re.Pattern[str] | None:
        """``article_pattern`` compiled, or ``None``."""
        return re.compile(self.article_pattern) if self.article_pattern else None


def _build(name: str, table: dict[str, Any], source: str) -> Outlet:
    fields = {f.name for f in attrs.fields(Outlet)}
    for key in table:
        if key not in fields:
            raise ConfigError(
                f"{source}: outlet {name!r}: unknown key {key!r}; known keys: "
                + ", ".join(sorted(fields - {"name"}))
            )
    values = dict(table)
    for key in ("allowed_domains", "sections"):
        if key in values:
            if not isinstance(values[key], list) or not all(
                isinstance(v, str) for v in values[key]
            ):
                raise ConfigError(f"{source}: outlet {name!r}: {key} must be a list of strings")
            values[key] = tuple(values[key])
    for url in values.get("sections", ()):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"{source}: outlet {name!r}: sections: {url!r} is not an absolute http(s) URL"
            )
    if values.get("article_pattern"):
        try:
            re.compile(values["article_pattern"])
        except re.error as e:
            raise ConfigError(
                f"{source}: outlet {name!r}: article_pattern is not a valid regex ({e})"
            ) from e
    if values.get("schedule") is not None:
        schedule = values["schedule"]
        if not isinstance(schedule, str) or not _valid_cron(schedule):
            raise ConfigError(
                f"{source}: outlet {name!r}: schedule {schedule!r} is not a cron expression; "
                'give five fields (minute hour day month weekday), e.g. "0 * * * *" for hourly'
            )
    try:
        return Outlet(name=name, **values)
    except TypeError as e:
        raise ConfigError(f"{source}: outlet {name!r}: {e}") from e


def _valid_cron(expression: str) -> bool:
    from croniter import croniter

    return len(expression.split()) == 5 and bool(croniter.is_valid(expression))


def load_outlets(path: str | Path | None = None) -> dict[str, Outlet]:
    """The shipped outlets, plus (overriding them) those defined in the TOML file ``path``."""
    text = resources.files(__package__).joinpath(BUILTIN).read_text("utf-8")
    outlets = _parse(text, f"archiver/outlets/{BUILTIN}")
    if path is not None:
        try:
            user = Path(path).read_text("utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read outlet file {path}: {e.strerror}") from e
        outlets.update(_parse(user, str(path)))
    return outlets


def _parse(text: str, source: str) -> dict[str, Outlet]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{source}: not valid TOML ({e})") from e
    out = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: {name!r} must be a table ([{name}])")
        out[name] = _build(name, table, source)
    return out


def get_outlet(name: str, path: str | Path | None = None) -> Outlet:
    """The outlet called ``name``; raises ``UnknownOutletError`` naming the known ones."""
    outlets = load_outlets(path)
    try:
        return outlets[name]
    except KeyError:
        known = ", ".join(sorted(outlets)) or "none"
        raise UnknownOutletError(f"unknown outlet {name!r}; known outlets: {known}") from None
