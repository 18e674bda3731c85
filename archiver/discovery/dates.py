"""Dates of feed and sitemap entries, as aware UTC datetimes."""

from __future__ import annotations

import calendar
import time
from datetime import UTC, date, datetime


def parse_w3c(text: str | None) -> datetime | None:
    """A W3C / RFC 3339 date or datetime (sitemaps, JSON Feed) as aware UTC, or ``None``.

    A date alone means its midnight UTC; a datetime without offset is taken as UTC.
    """
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = datetime.combine(date.fromisoformat(text[:10]), datetime.min.time())
        except ValueError:
            return None
    return value.astimezone(UTC) if value.tzinfo else value.replace(tzinfo=UTC)


def from_struct(value: time.struct_time | None) -> datetime | None:
    """feedparser's ``*_parsed`` (a UTC struct_time) as aware UTC, or ``None``."""
    if value is None:
        return None
    return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
