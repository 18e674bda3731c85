"""Signals the archiver's Scrapy components send each other (as ``scrapy/signals.py`` does)."""

from __future__ import annotations

capture_written = object()
"""A response record was written. Arguments: ``ref`` (CaptureRef), ``url``, ``status``,
``content_type``, ``captured_at`` (ISO 8601 UTC)."""
