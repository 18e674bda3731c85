"""Signals the archiver's Scrapy components send each other (as ``scrapy/signals.py`` does)."""

from __future__ import annotations

capture_written = object()
"""A response (or revisit) record was written. Arguments: ``ref`` (CaptureRef; its ``warc_type``
tells a revisit), ``url``, ``status`` (as the server answered: 304 for a not-modified revisit),
``content_type``, ``captured_at`` (ISO 8601 UTC), ``role`` (the request's ``archiver_role``:
``listing``, ``article`` or None) and ``validators`` (``{"etag": ..., "last_modified": ...}``
of the response, for the next conditional request)."""

index_flushed = object()
"""Sent by ``ArchiveIndexExtension`` once every row buffered so far is committed to the index
(after each batch, when the crawl goes idle, and at its end); no arguments. A distributed
worker acknowledges the requests whose rows are safe only then (``archiver.distributed``)."""
