"""The seen-store's rules, free of Scrapy: URL normalisation, the revisit schedule, digests.

Used by the index (``seen_urls``) and by the crawl's adapter, :mod:`archiver.seen`.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import courlan

from archiver.exceptions import ConfigError

DEFAULT_REVISIT_AFTER = ("1h", "6h", "24h", "7d")
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def normalize_url(url: str) -> str | None:
    """The seen-store key of ``url``; ``None`` for a URL that cannot be normalised.

    courlan's normalisation (scheme and host lower-cased, default port dropped, query sorted,
    tracking parameters such as ``utm_*``, ``fbclid`` and ``gclid`` removed; its non-strict mode,
    as the strict one drops every parameter it does not know, ``?story=12`` included), then the
    fragment and a trailing slash of the path dropped, percent-escapes in upper case.
    """
    try:
        normal = courlan.normalize_url(url.strip(), strict=False)
    except (ValueError, TypeError, AttributeError):
        return None
    parts = urlsplit(str(normal or ""))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = _ESCAPE.sub(lambda m: m[0].upper(), parts.path)  # courlan does it for the query
    return urlunsplit((parts.scheme, parts.netloc, path.rstrip("/"), parts.query, ""))


_ESCAPE = re.compile(r"%[0-9a-f]{2}", re.I)
"""A percent-escape, whose hex digits RFC 3986 (6.2.2.1) normalises to upper case."""


def canonical_key(url: str, canonical: str | None, *, url_key: str | None = None) -> str | None:
    """The seen-store key of an article's canonical URL, when it can stand for the article:
    on the host of ``url`` (a syndicated story's canonical names the original publisher's page,
    another outlet's article) and not the site's root (which some sites give every page).
    ``url_key``: ``normalize_url(url)`` when the caller has it already."""
    if url_key is None:
        url_key = normalize_url(url)
    key = (url_key if canonical == url else normalize_url(canonical)) if canonical else None
    if key is None:
        return None
    host, home = urlsplit(key), urlsplit(url_key or "")
    if host.path in ("", "/") and not host.query:
        return None
    same = (host.hostname or "").removeprefix("www.") == (home.hostname or "").removeprefix("www.")
    return key if same else None


def parse_duration(text: str) -> timedelta:
    """``"90s"``, ``"30m"``, ``"6h"``, ``"7d"``, ``"2w"`` as a timedelta; ConfigError else.

    (A regex of five units rather than a dependency: no well-kept library in the stack parses
    exactly this, and dateparser reads "6h" as a time of day.)
    """
    m = _DURATION.match(str(text))
    if not m:
        raise ConfigError(
            f"bad duration {text!r} in the revisit schedule; write a number and a unit "
            's, m, h, d or w, e.g. "6h" or "7d"'
        )
    return timedelta(seconds=float(m.group(1)) * _UNITS[m.group(2).lower()])


def parse_schedule(values: Iterable[str] | str) -> tuple[timedelta, ...]:
    """The check ages of a revisit schedule (a list, or one comma-separated string), sorted."""
    items = values.split(",") if isinstance(values, str) else list(values)
    return tuple(sorted(parse_duration(v) for v in items if str(v).strip()))


def parse_time(text: str | None) -> datetime | None:
    """An ISO 8601 time recorded by the archiver (``...Z``) as an aware datetime."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def checks_due_by(first_seen: datetime, now: datetime, schedule: Sequence[timedelta]) -> int:
    """How many check ages of ``schedule`` have passed at ``now``."""
    age = now - first_seen
    return sum(1 for after in schedule if after <= age)


def is_due(entry: dict[str, Any], now: datetime, schedule: Sequence[timedelta]) -> bool:
    """Whether a known URL (a ``seen_urls`` row) is due for a revision check at ``now``."""
    first = parse_time(entry.get("first_seen"))
    if first is None:
        return True
    return checks_due_by(first, now, schedule) > int(entry.get("checks") or 0)


def payload_digest(body: bytes) -> str:
    """``sha1:BASE32`` of ``body``, as warcio writes ``WARC-Payload-Digest``."""
    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")
