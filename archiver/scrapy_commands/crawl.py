"""``scrapy crawl``, with the project's errors on one line.

Scrapy's own command lets an error raised while the crawl is set up (an unknown outlet, a bad
``ARCHIVER_*`` setting) reach asyncio, which prints it with a 30-line traceback as "Task
exception was never retrieved", and exits 1. Here an :class:`ArchiverError` is one line on
stderr and exit status 2, as ``archiver crawl`` gives it; other errors keep Scrapy's handling.
It keeps its queue in ``ARCHIVE/jobs/OUTLET`` and resumes it, says that a crawl which fetched
nothing or stopped on an error did (exit 2), and that one stopped by Ctrl-C or SIGTERM did
(exit 3; Scrapy's exits 0), as ``archiver crawl`` does.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
import traceback
from pathlib import Path
from typing import TYPE_CHECKING

from scrapy.commands import crawl
from twisted.internet.defer import Deferred

from archiver.crawler import (
    check_archive_dir,
    check_outcome,
    check_settings,
    open_jobdir,
    recover,
    resolve_outlet,
)
from archiver.exceptions import ArchiverError
from archiver.locks import outlet_lock
from archiver.scheduler import STOPPED_EXIT
from spiders.news import SectionSpider

if TYPE_CHECKING:
    import argparse

    from scrapy.crawler import Crawler
    from scrapy.settings import BaseSettings
    from twisted.python.failure import Failure


class Command(crawl.Command):
    def run(self, args: list[str], opts: argparse.Namespace) -> None:
        if len(args) != 1:
            super().run(args, opts)  # its usage errors
            return
        assert self.crawler_process
        settings = self.crawler_process.settings
        try:
            check_settings(settings)
            with contextlib.ExitStack() as held:
                jobdir = None
                if outlet := self._outlet(args[0], opts, settings):
                    # one crawl per outlet and archive, as `archiver crawl` (run_crawl) holds
                    archive_dir = settings.get("ARCHIVER_ARCHIVE_DIR") or "archive"
                    warc_dir = check_archive_dir(archive_dir)
                    held.enter_context(outlet_lock(archive_dir, outlet))
                    recover(Path(archive_dir), warc_dir, outlet)
                    jobdir, _ = open_jobdir(settings, archive_dir, outlet)  # it resumes too
                self._run(args, opts, outlet, jobdir)
        except ArchiverError as e:
            print(f"Error: {e}", file=sys.stderr)
            self.exitcode = 2

    @staticmethod
    def _outcome(crawler: Crawler, outlet: str, jobdir: Path | None) -> ArchiverError | None:
        """What `archiver crawl` would say of the crawl's end (an error, fetched nothing)."""
        values = crawler.stats.get_stats() if crawler.stats else {}
        try:
            check_outcome(values, outlet, jobdir)
        except ArchiverError as e:
            return e
        return None

    def _outlet(self, spider: str, opts: argparse.Namespace, settings: BaseSettings) -> str:
        """The name of the outlet the project's spider is to crawl ('' for another spider, or
        when it is given none: the spider says so)."""
        if spider != SectionSpider.name:
            return ""
        args = opts.spargs
        name = args.get("url") or args.get("outlet") or settings.get("ARCHIVER_OUTLET")
        if not name:
            return ""
        return resolve_outlet(str(name), args.get("outlets_file"))[0].name

    def _run(
        self, args: list[str], opts: argparse.Namespace, outlet: str, jobdir: Path | None
    ) -> None:
        assert self.crawler_process
        errors: list[ArchiverError] = []

        def ours(failure: Failure) -> Failure | None:  # a Deferred's (Twisted's reactor)
            if failure.check(ArchiverError):
                errors.append(failure.value)  # type: ignore[arg-type]
                return None
            return failure

        def done(task: asyncio.Future[object]) -> None:  # a Task's (asyncio's reactor)
            error = None if task.cancelled() else task.exception()
            if isinstance(error, ArchiverError):
                errors.append(error)
            elif error is not None:  # reading it silenced asyncio's report: report it here
                traceback.print_exception(error)
                self.crawler_process.bootstrap_failed = True  # type: ignore[union-attr]

        crawler = self._create_crawler(args[0])
        crawling = self.crawler_process.crawl(crawler, **opts.spargs)
        if isinstance(crawling, asyncio.Future):
            crawling.add_done_callback(done)
        elif isinstance(crawling, Deferred):
            crawling.addErrback(ours)
        self.crawler_process.start()
        if errors:
            print(f"Error: {errors[0]}", file=sys.stderr)
            self.exitcode = 2
        elif self.crawler_process.bootstrap_failed:
            self.exitcode = 1
        elif outlet and (problem := self._outcome(crawler, outlet, jobdir)):
            print(f"Error: {problem}", file=sys.stderr)
            self.exitcode = 2
        elif crawler.stats and crawler.stats.get_value("finish_reason") == "shutdown":
            # as `archiver crawl` says it: a script or cron job must not take it for finished
            print(
                f"crawl of {outlet or args[0]} stopped before it finished"
                " (Ctrl-C or SIGTERM): run the same command again to resume it",
                file=sys.stderr,
            )
            self.exitcode = STOPPED_EXIT
