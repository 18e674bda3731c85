"""Replay and packaging: pywb over the archive, CDXJ indexes of the WARC files, WACZ export.

pywb, cdxj-indexer and py-wacz run from a virtual environment of their own that the tool
creates and keeps (:mod:`~archiver.replay.tools`): pywb depends on ``brotlipy``, which would
shadow the ``brotli`` module Scrapy decodes ``br`` responses with, and cdxj-indexer's
``multipart`` would clash with Datasette's ``python-multipart``. This package talks to them
through their command lines only.
"""

from __future__ import annotations

from archiver.replay.cdxj import update_cdxj
from archiver.replay.tools import ReplayTools

__all__ = ["ReplayTools", "update_cdxj"]
