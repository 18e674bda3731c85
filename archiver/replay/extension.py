"""Scrapy extension: keep the CDXJ indexes (``archive/cdxj``) current during a crawl.

When the WARC writer rotates to a new file (a capture arrives naming another file), the
finished file is indexed in a worker thread; when the engine stops (every file closed and
renamed), the directory is brought up to date. It needs the replay tools' virtualenv
(:mod:`~archiver.replay.tools`); without it the extension stays off and ``archiver replay``
builds the indexes when it starts.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet.threads import deferToThread

from archiver import signals as archiver_signals
from archiver.exceptions import ArchiverError
from archiver.items import CaptureRef
from archiver.replay.cdxj import update_cdxj
from archiver.replay.tools import ReplayTools

if TYPE_CHECKING:
    from typing import Any, Self

    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)


class CdxjExtension:
    """Indexes each WARC file with cdxj-indexer once the crawl is done writing it."""

    def __init__(self, crawler: Crawler, warc_dir: Path, tools: ReplayTools) -> None:
        self.warc_dir = warc_dir
        self.tools = tools
        self.stats = crawler.stats
        self.current: str | None = None
        self.lock = threading.Lock()
        crawler.signals.connect(self.capture_written, signal=archiver_signals.capture_written)
        crawler.signals.connect(self.engine_stopped, signal=signals.engine_stopped)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        settings = crawler.settings
        if not settings.getbool("ARCHIVER_CDXJ_ENABLED", True):
            raise NotConfigured("ARCHIVER_CDXJ_ENABLED is off")
        if not settings.getbool("ARCHIVER_WARC_ENABLED", True):
            raise NotConfigured("ARCHIVER_WARC_ENABLED is off")
        tools = ReplayTools()
        if not tools.installed():
            logger.info(
                "CDXJ indexes are not kept during the crawl: the replay tools are not "
                "installed (archiver replay --tools-only --install-tools)"
            )
            raise NotConfigured("replay tools not installed")
        warc_dir = Path(settings.get("ARCHIVER_ARCHIVE_DIR", "archive")) / "warc"
        return cls(crawler, warc_dir, tools)

    def _update(self) -> None:
        with self.lock:
            try:
                update = update_cdxj(self.warc_dir, self.tools)
            except ArchiverError as e:
                logger.warning("CDXJ index not updated: %s", e)
                return
        for line in update.warnings(new_only=True):
            logger.warning("%s", line)
        if self.stats is not None and update.indexed:
            self.stats.inc_value("archiver/cdxj/files_indexed", len(update.indexed))

    def capture_written(self, ref: CaptureRef, **kwargs: Any) -> None:
        if self.current is not None and ref.warc_file != self.current:
            deferToThread(self._update)  # the previous file was rotated out
        self.current = ref.warc_file

    def engine_stopped(self) -> None:
        if self.current is not None:
            self._update()
