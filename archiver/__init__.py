"""archiver: crawl news outlets, archive every exchange as WARC, extract articles, index them."""

from __future__ import annotations

__version__ = "0.1.0"
