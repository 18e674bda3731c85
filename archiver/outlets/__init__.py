"""Outlet definitions: what to crawl for each news outlet, declared as data (TOML).

The generic news spider reads one ``Outlet`` and needs nothing else; adding an outlet means
adding a table to a TOML file, not writing code. Definitions come from three places, later ones
overriding earlier ones by name: the ``*.toml`` files shipped in this package, the user's config
directory (``$XDG_CONFIG_HOME/archiver/outlets/*.toml``, else ``~/.config/archiver/outlets``),
and a file or directory given with ``--outlets``.

Every table is checked against a schema; a wrong key, type, URL, regex, cron expression or
duration raises ``ConfigError`` with one line naming the file, the outlet and the field.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import attrs
from croniter import CroniterBadDateError, croniter

from archiver.exceptions import ConfigError, UnknownOutletError
from archiver.index.seen import parse_duration

BUILTIN = "builtin.toml"
DEFAULT_REVISIT_AFTER = ("1h", "6h", "24h", "7d")
SOURCES = ("sections", "feeds", "sitemaps", "robots", "autodiscovery")
"""Discovery sources an outlet crawl can use; each is optional and all are merged."""
POLITENESS = {
    "download_delay": ("DOWNLOAD_DELAY", float),
    "concurrent_requests_per_domain": ("CONCURRENT_REQUESTS_PER_DOMAIN", int),
    "autothrottle_target_concurrency": ("AUTOTHROTTLE_TARGET_CONCURRENCY", float),
    "autothrottle_max_delay": ("AUTOTHROTTLE_MAX_DELAY", float),
}
"""Politeness overrides an outlet may set: key -> (Scrapy setting, type). Only ever slower or
equal pacing is the outlet author's business; robots.txt cannot be switched off per outlet."""
_HOST = re.compile(
    r"^(?=.{1,253}$)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$"
)


@attrs.define(kw_only=True, frozen=True)
class Outlet:
    """One news outlet: where its sections, feeds and sitemaps are and how to find articles."""

    name: str
    """Short identifier used on the command line (``archiver crawl demo``)."""
    site_name: str = ""
    """The outlet's own name."""
    allowed_domains: tuple[str, ...] = ()
    """Domains the crawl stays on (subdomains included)."""
    sections: tuple[str, ...] = ()
    """Absolute URLs of the section pages the crawl starts from."""
    feeds: tuple[str, ...] = ()
    """Absolute URLs of RSS 2.0 / RSS 1.0 / Atom / JSON Feed documents listing articles."""
    sitemaps: tuple[str, ...] = ()
    """Absolute URLs of sitemaps or sitemap indexes (``.gz`` and Google News ones included)."""
    discover: bool = True
    """Also read ``Sitemap:`` lines of robots.txt and feeds linked from section pages
    (``<link rel="alternate">``)."""
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
    schedule: str | None = None
    """Cron expression (five fields, croniter syntax) of when to crawl the outlet."""
    revisit_after: tuple[str, ...] = ()
    """Ages after which an archived article is fetched again to look for revisions; empty:
    the crawl's ``ARCHIVER_REVISIT_AFTER`` (default :data:`DEFAULT_REVISIT_AFTER`)."""
    politeness: dict[str, float] = attrs.Factory(dict)
    """Overrides of the crawl's pacing (keys of ``POLITENESS``)."""
    provenance: str = ""
    """Where the definition's values came from (documentation, robots.txt, ...)."""
    host_map: dict[str, str] = attrs.Factory(dict)
    """``{host: "ip:port"}``: reach these hosts through that address."""
    demo: bool = False
    """Served by the bundled demo server, which the crawl starts itself."""
    origin: str = ""
    """The file the definition was read from."""

    @property
    def article_regex(self) -> re.Pattern[str] | None:
        """``article_pattern`` compiled, or ``None``."""
        return re.compile(self.article_pattern) if self.article_pattern else None

    @property
    def shipped(self) -> bool:
        """Whether the definition is one the package ships (not the user's own)."""
        return self.origin.startswith("archiver/outlets/")

    @property
    def revisit_delays(self) -> tuple[timedelta, ...]:
        """``revisit_after`` (else the default schedule) as timedeltas, shortest first."""
        return tuple(parse_duration(d) for d in self.revisit_after or DEFAULT_REVISIT_AFTER)

    def scrapy_settings(self) -> dict[str, Any]:
        """The politeness overrides as Scrapy settings."""
        return {POLITENESS[k][0]: v for k, v in self.politeness.items()}


_KEYS = {f.name for f in attrs.fields(Outlet)} - {"name", "origin"}


class _Checker:
    """Validates one table; every error is one line naming file, outlet and field."""

    def __init__(self, source: str, name: str, table: dict[str, Any]) -> None:
        self.source, self.name, self.table = source, name, table

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.source}: outlet {self.name!r}: {key}: {problem}")

    def string(self, key: str) -> str:
        value = self.table[key]
        if not isinstance(value, str):
            raise self.fail(key, f"must be a string, not {_kind(value)}")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        value = self.table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"must be a list of strings, not {_kind(value)}")
        return tuple(value)

    def number(self, key: str, kind: Callable[[Any], Any], minimum: float = 0) -> Any:
        value = self.table[key]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self.fail(key, f"must be a number, not {_kind(value)}")
        if kind is int and not isinstance(value, int):
            raise self.fail(key, f"must be a whole number, not {value!r}")
        if not math.isfinite(value):  # nan, inf: TOML has them
            raise self.fail(key, f"must be a finite number, not {value!r}")
        if value < minimum:
            raise self.fail(key, f"must be at least {minimum:g}, not {value!r}")
        if kind is int and value > 2**63 - 1:
            raise self.fail(key, f"is too large ({value}); give at most {2**63 - 1}")
        return kind(value)

    def url(self, key: str, url: str) -> None:
        if problem := http_url_problem(url):
            raise self.fail(key, f"{url!r} {problem}")


def http_url_problem(url: str) -> str | None:
    """What makes ``url`` no absolute http(s) URL a crawl can fetch, or ``None``: the scheme,
    a missing or malformed host (``http://[::1``), a port that is no number in 1-65535,
    spaces or control characters (which must be percent-encoded)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as e:
        return f"is not a well-formed URL ({e})"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "is not an absolute http(s) URL; give one like https://example.org/"
    if port == 0:
        return "has port 0; give a port from 1 to 65535"
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in url):
        return "holds spaces or control characters; percent-encode them (a space is %20)"
    return None


def address_problem(address: str) -> str | None:
    """What makes ``address`` (a host map's ``HOST:PORT``, the proxy a host's requests go
    through) unusable, or ``None``."""
    bad = http_url_problem(f"http://{address}/") is not None or any(c in address for c in "/@?#")
    if bad or not urlsplit(f"//{address}").port:
        return f"{address!r} is not HOST:PORT with a port from 1 to 65535"
    return None


def _kind(value: Any) -> str:
    return {list: "a list", dict: "a table", str: "a string", bool: "a boolean"}.get(
        type(value), type(value).__name__
    )


def _build(name: str, table: dict[str, Any], source: str) -> Outlet:
    check = _Checker(source, name, table)
    for key in table:
        if key not in _KEYS:
            raise check.fail(key, "unknown key; known keys: " + ", ".join(sorted(_KEYS)))
    values: dict[str, Any] = {}
    for key in ("site_name", "article_links", "pagination", "provenance"):
        if key in table:
            values[key] = check.string(key)
    for key in ("allowed_domains", "sections", "feeds", "sitemaps", "revisit_after"):
        if key in table:
            values[key] = check.strings(key)
    for key in ("discover", "demo"):
        if key in table:
            if not isinstance(table[key], bool):
                raise check.fail(key, f"must be true or false, not {_kind(table[key])}")
            values[key] = table[key]
    if "max_pages" in table:
        values["max_pages"] = check.number("max_pages", int, 1)
    if "max_articles" in table:
        values["max_articles"] = check.number("max_articles", int, 0)
    for domain in values.get("allowed_domains", ()):
        if not _HOST.match(domain):
            raise check.fail("allowed_domains", f"{domain!r} is not a host name like example.org")
    domains = values.get("allowed_domains", ())
    for key in ("sections", "feeds", "sitemaps"):
        for url in values.get(key, ()):
            check.url(key, url)
            host = urlsplit(url).hostname or ""
            if domains and not any(host == d or host.endswith("." + d) for d in domains):
                raise check.fail(key, f"{url!r} is outside allowed_domains; add its host there")
    if "article_pattern" in table:
        pattern = check.string("article_pattern")
        try:
            re.compile(pattern)
        except re.error as e:
            raise check.fail("article_pattern", f"not a valid regex ({e})") from e
        values["article_pattern"] = pattern
    for key in ("article_links", "pagination"):
        if key in values:
            _check_css(check, key, values[key])
    if "schedule" in table:
        schedule = check.string("schedule")
        if len(schedule.split()) != 5 or not croniter.is_valid(schedule):
            raise check.fail(
                "schedule",
                f"{schedule!r} is not a cron expression like '0 */6 * * *' (five fields: "
                "minute hour day month weekday, UTC)",
            )
        try:  # "0 0 30 2 *" is valid cron that never fires
            croniter(schedule, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
        except CroniterBadDateError:
            raise check.fail(
                "schedule", f"{schedule!r} never falls due; check its day and month"
            ) from None
        values["schedule"] = schedule
    if "revisit_after" in values:
        try:
            delays = [parse_duration(d) for d in values["revisit_after"]]
        except ConfigError as e:
            raise check.fail("revisit_after", str(e)) from e
        if delays != sorted(set(delays)):
            raise check.fail("revisit_after", "durations must be increasing, shortest first")
    if "politeness" in table:
        politeness = table["politeness"]
        if not isinstance(politeness, dict):
            raise check.fail("politeness", f"must be a table, not {_kind(politeness)}")
        sub = _Checker(source, name, politeness)
        for key in politeness:
            if key not in POLITENESS:
                raise check.fail(
                    f"politeness.{key}", "unknown key; known keys: " + ", ".join(POLITENESS)
                )
            kind = POLITENESS[key][1]
            try:
                politeness[key] = sub.number(key, kind, 1 if kind is int else 0)
            except ConfigError as e:
                raise ConfigError(str(e).replace(f": {key}: ", f": politeness.{key}: ")) from e
        values["politeness"] = dict(politeness)
    if "host_map" in table:
        host_map = table["host_map"]
        if not isinstance(host_map, dict) or not all(isinstance(v, str) for v in host_map.values()):
            raise check.fail("host_map", 'must be a table of host = "ip:port"')
        for address in host_map.values():
            if problem := address_problem(address):
                raise check.fail("host_map", f'{problem}: give host = "ip:port"')
        values["host_map"] = dict(host_map)
    if not (values.get("sections") or values.get("feeds") or values.get("sitemaps")):
        raise check.fail("sections", "the outlet needs at least one of sections, feeds, sitemaps")
    if not domains:
        raise check.fail("allowed_domains", "missing: list the outlet's host names")
    return Outlet(name=name, origin=source, **values)


def _check_css(check: _Checker, key: str, selector: str) -> None:
    from parsel import Selector

    try:
        Selector(text="<html></html>").css(selector)
    except Exception as e:  # cssselect raises several error types
        raise check.fail(key, f"not a valid CSS selector ({e})") from e


def user_config_dir() -> Path:
    """Where the user's own definitions live: ``$XDG_CONFIG_HOME/archiver/outlets``."""
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "archiver" / "outlets"


def shipped_files() -> list[tuple[str, str]]:
    """``(label, text)`` of each definition file shipped in the package, builtin first."""
    folder = resources.files(__package__)
    names = sorted(
        (p.name for p in folder.iterdir() if p.name.endswith(".toml")),
        key=lambda n: (n != BUILTIN, n),
    )
    return [(f"archiver/outlets/{n}", folder.joinpath(n).read_text("utf-8")) for n in names]


def load_outlets(path: str | Path | None = None, *, user_dir: bool = True) -> dict[str, Outlet]:
    """The shipped outlets, then the user's config directory, then the TOML file or directory
    ``path``; a later definition of a name replaces an earlier one."""
    outlets: dict[str, Outlet] = {}
    for label, text in shipped_files():
        outlets.update(_parse(text, label))
    if user_dir and (config := user_config_dir()).is_dir():
        outlets.update(_load_path(config))
    if path is not None:
        outlets.update(_load_path(Path(path)))
    return outlets


def _load_path(path: Path) -> dict[str, Outlet]:
    files = sorted(path.glob("*.toml")) if path.is_dir() else [path]
    out: dict[str, Outlet] = {}
    for file in files:
        try:
            text = file.read_text("utf-8")
        except OSError as e:
            raise ConfigError(f"cannot read outlet file {file}: {e.strerror}") from e
        except UnicodeDecodeError as e:
            raise ConfigError(f"{file}: not UTF-8 text ({e.reason}); save it as UTF-8") from e
        out.update(_parse(text, str(file)))
    return out


def _parse(text: str, source: str) -> dict[str, Outlet]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{source}: not valid TOML ({e})") from e
    out = {}
    for name, table in data.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{source}: outlet {name!r}: must be a table ([{name}])")
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


def outlet_for_url(url: str, path: str | Path | None = None) -> Outlet | None:
    """The defined outlet whose domains hold ``url``'s host, or ``None``."""
    host = (urlsplit(url).hostname or "").lower()
    for outlet in load_outlets(path).values():
        if any(host == d or host.endswith("." + d) for d in outlet.allowed_domains):
            return outlet
    return None
