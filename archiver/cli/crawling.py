"""The crawling commands: ``crawl`` an outlet, and the self-contained ``demo``."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from archiver.archive import Archive
from archiver.cli.errors import CliError, translate_errors
from archiver.cli.options import archive_option, no_resources_option
from archiver.cli.output import console, err_console, human_bytes, print_hits
from archiver.index.seen import parse_schedule
from archiver.outlets import load_outlets
from archiver.scheduler import STOPPED_EXIT, Scheduler

if TYPE_CHECKING:  # the crawler is imported by the commands that use it,
    # so that the index commands start fast
    from archiver.crawler import CrawlSummary


def _crawl_with_progress(outlet: str, archive_dir: Path, **kwargs: Any) -> CrawlSummary:
    columns = (
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        TextColumn("pages {task.fields[pages]}  articles {task.fields[articles]}"),
        TextColumn("WARC {task.fields[warc]}"),
        TimeElapsedColumn(),
    )
    # Started at the first page, so that bad input (an unknown outlet, a broken definition)
    # ends with its one error line and nothing else.
    progress = Progress(*columns, console=err_console, transient=False)
    task = progress.add_task(f"crawling {outlet}", total=None, pages=0, articles=0, warc="0 B")

    def update(event: str, stats: Mapping[str, Any]) -> None:
        if not progress.live.is_started:
            progress.start()
        progress.update(
            task,
            pages=stats.get("archiver/pages", 0),
            articles=stats.get("archiver/articles", 0),
            warc=human_bytes(stats.get("archiver/warc/bytes_written", 0)),
        )

    from archiver.crawler import run_crawl

    try:
        summary = run_crawl(outlet, archive_dir=archive_dir, progress=update, **kwargs)
        if not progress.live.is_started:
            progress.start()
        progress.update(
            task,
            description=f"crawled {outlet}",
            pages=summary.pages,
            articles=summary.articles,
            warc=human_bytes(summary.warc_bytes),
        )
    finally:
        if progress.live.is_started:
            progress.stop()
    return summary


def _stopped(summary: CrawlSummary, *, worker: str | None = None) -> None:
    """After the summary: a crawl stopped before it finished says so and exits
    :data:`STOPPED_EXIT`, so that a script or cron job does not take it for a finished one.
    ``worker``: the id of a distributed crawl's worker, whose unfinished requests went back to
    the shared queue."""
    if summary.finish_reason != "shutdown":
        return
    if worker is None:
        message = (
            f"crawl of {summary.outlet} stopped before it finished (Ctrl-C or SIGTERM): run the "
            "same command again to resume it"
        )
    else:
        message = (
            f"worker {worker} of the crawl of {summary.outlet} stopped before the crawl "
            "finished (Ctrl-C or SIGTERM): its unfinished requests are back in the shared queue "
            f"for the other workers; start it again with --worker-id {worker} and the same "
            "--archive to go on"
        )
    click.echo(message, err=True)
    raise SystemExit(STOPPED_EXIT)


def _print_summary(summary: CrawlSummary) -> None:
    title = f"crawl {summary.crawl_id} of {summary.outlet}: {summary.finish_reason}"
    title += " (resumed)" if summary.resumed else ""
    table = Table(title=title)
    for column in ("pages", "articles", "WARC bytes", "errors", "elapsed"):
        table.add_column(column, justify="right")
    table.add_row(
        str(summary.pages),
        str(summary.articles),
        human_bytes(summary.warc_bytes),
        str(summary.errors),
        f"{summary.elapsed:.1f} s",
    )
    console.print(table)
    seen = summary.seen
    if seen.get("skipped") or seen.get("rechecked"):
        click.echo(
            f"Incremental: {seen.get('new', 0)} new article links, {seen.get('skipped', 0)} known "
            f"ones skipped, {seen.get('rechecked', 0)} re-checked"
        )
    if seen.get("revisits"):
        click.echo(
            f"Revisit records: {seen['revisits']} (payloads the archive held already: not "
            "stored again)"
        )
    if summary.resources or summary.resources_archived:
        click.echo(
            f"Page resources: {summary.resources} fetched (stylesheets, scripts, images, "
            f"fonts), {summary.resources_archived} archived by an earlier crawl (not fetched "
            "again)"
        )
    if summary.given_up or summary.truncated:
        click.echo(
            f"Not archived whole: {summary.given_up} URLs given up after their retries or a "
            f"Retry-After too long (the next crawls ask for the articles among them again), "
            f"{summary.truncated} responses archived cut short (WARC-Truncated)"
        )
    if summary.robots_forbidden:
        n = summary.robots_forbidden
        click.echo(
            f"robots.txt forbade {n} request{'s' * (n != 1)} (obeyed; the outlet's sections or "
            "links may lie where its robots.txt disallows)"
        )
    if summary.robots_unreachable:
        n = summary.robots_unreachable
        click.echo(
            f"robots.txt of {n} host{'s' * (n != 1)} answered a server error after its retries: "
            "nothing there was fetched (RFC 9309 reads an unreachable robots.txt as disallowing "
            "all); crawl again later"
        )
    if summary.requeued:
        click.echo(
            f"Re-queued: {summary.requeued} requests that stopped workers had taken "
            "(fetched again by the workers)"
        )
    click.echo(f"WARC files: {summary.warc_dir}/ ({len(summary.warc_files)} written)")
    for name in summary.warc_files:
        click.echo(f"  {name}")
    click.echo(f"Index:      {summary.index_path}")


def _setup_logging(verbose: int) -> dict[str, Any]:
    level = {0: "WARNING", 1: "INFO"}.get(verbose, "DEBUG")
    return {"LOG_LEVEL": level, "LOG_FORMAT": "%(levelname)s %(name)s: %(message)s"}


@click.command()
@click.argument("outlet")
@archive_option
@click.option(
    "--outlets",
    "outlets_file",
    type=click.Path(),
    help="TOML file, or directory of *.toml files, of your own outlet definitions.",
)
@click.option("--max-articles", type=click.IntRange(min=1), help="Stop after this many articles.")
@click.option(
    "--sources",
    metavar="LIST",
    help="Comma-separated discovery sources: sections, feeds, sitemaps, robots, autodiscovery "
    "(default: all).",
)
@click.option(
    "--since", metavar="YYYY-MM-DD", help="Skip feed and sitemap entries dated before this day."
)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    help="Seed a distributed crawl in this Redis (redis://HOST:PORT/DB) instead of crawling: "
    "`archiver worker` processes crawl it.",
)
@no_resources_option
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@translate_errors
def crawl(
    outlet: str,
    archive_dir: Path,
    outlets_file: str | None,
    max_articles: int | None,
    sources: str | None,
    since: str | None,
    redis_url: str | None,
    no_resources: bool,
    verbose: int,
) -> None:
    """Crawl OUTLET: a defined outlet's name (its sections with their pagination, feeds,
    sitemaps, articles), or the URL of any page of a site (the feeds the page announces, the
    sitemaps robots.txt names when it is the site's root, the article links on the page);
    archive everything and index the articles. With --redis, seed the crawl for workers on
    any number of machines instead (see `archiver worker`)."""
    if sources is not None and not sources.strip():
        raise CliError("--sources is empty: give a list like feeds,sitemaps, or leave it out")
    if redis_url is not None:
        from archiver.distributed import masked_url, seed

        seeded = seed(
            redis_url,
            outlet,
            outlets_file=outlets_file,
            max_articles=max_articles,
            sources=sources,
            since=since,
        )
        shown = masked_url(seeded.redis_url)
        click.echo(
            f"seeded the crawl of {seeded.outlet} in {shown}: {seeded.requests} start requests "
            f"queued; run workers with: archiver worker --redis {shown} --archive DIR"
        )
        return
    overrides = _setup_logging(verbose)
    if no_resources:
        overrides["ARCHIVER_PAGE_RESOURCES"] = False
    summary = _crawl_with_progress(
        outlet,
        archive_dir,
        outlets_file=outlets_file,
        max_articles=max_articles,
        overrides=overrides,
        sources=sources,
        since=since,
    )
    _print_summary(summary)
    _stopped(summary)


@click.command()
@click.argument("outlet", required=False)
@click.option(
    "--redis",
    "redis_url",
    metavar="URL",
    required=True,
    help="Redis of the distributed crawl (redis://HOST:PORT/DB), as given to `crawl --redis`.",
)
@archive_option
@click.option(
    "--worker-id",
    metavar="NAME",
    help="This worker's id (default: the host name): ends its WARC file names; give each "
    "worker on one machine its own.",
)
@click.option(
    "--idle-timeout",
    type=click.FloatRange(min=0),
    metavar="SECONDS",
    help="Stop once the shared queue has been empty, with nothing in flight anywhere, this long "
    "(default: ARCHIVER_REDIS_IDLE_TIMEOUT, 10).",
)
@click.option(
    "--dead-after",
    type=click.FloatRange(min=1),
    metavar="SECONDS",
    help="Take a worker silent this long for dead and queue its requests again (default: "
    "ARCHIVER_REDIS_WORKER_TIMEOUT, 30; give every worker the same).",
)
@no_resources_option
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@translate_errors
def worker(
    outlet: str | None,
    redis_url: str,
    archive_dir: Path,
    worker_id: str | None,
    idle_timeout: float | None,
    dead_after: float | None,
    no_resources: bool,
    verbose: int,
) -> None:
    """Crawl the outlet seeded in Redis (OUTLET: needed only when several are seeded) together
    with the other workers, until its shared queue is empty; the WARC files and the index shard
    go to --archive. Merge the shards with `archiver index merge`."""
    from archiver.distributed import default_worker_id, run_worker

    if worker_id is not None and not worker_id.strip():
        raise CliError(
            "--worker-id is empty: give a name (letters, digits, . _ -), or leave it out"
        )
    overrides = _setup_logging(verbose)
    if idle_timeout is not None:
        overrides["ARCHIVER_REDIS_IDLE_TIMEOUT"] = idle_timeout
    if dead_after is not None:
        overrides["ARCHIVER_REDIS_WORKER_TIMEOUT"] = dead_after
    if no_resources:
        overrides["ARCHIVER_PAGE_RESOURCES"] = False
    summary = run_worker(
        redis_url,
        outlet_name=outlet,
        archive_dir=archive_dir,
        worker_id=worker_id,
        overrides=overrides,
    )
    _print_summary(summary)
    _stopped(summary, worker=worker_id or default_worker_id())


@click.command()
@archive_option
@click.option(
    "--edition",
    type=click.IntRange(1, 2),
    default=1,
    show_default=True,
    help="Serve this edition of the outlet (2: two new posts and one corrected post).",
)
@click.option(
    "--revisit-after",
    metavar="AGES",
    help="Check known articles again at these ages after first seen, comma-separated "
    "(ARCHIVER_REVISIT_AFTER; default 1h,6h,24h,7d): 1s makes every check due at once.",
)
@click.option("-v", "--verbose", count=True, help="Log more (-v info, -vv debug).")
@translate_errors
def demo(archive_dir: Path, edition: int, revisit_after: str | None, verbose: int) -> None:
    """Serve the bundled demo outlet on 127.0.0.1, crawl it, and show what was archived."""
    overrides: dict[str, Any] = {**_setup_logging(verbose), "ARCHIVER_DEMO_EDITION": edition}
    if revisit_after is not None:
        parse_schedule(revisit_after)  # a one-line error before the server starts
        overrides["ARCHIVER_REVISIT_AFTER"] = [a.strip() for a in revisit_after.split(",")]
    summary = _crawl_with_progress("demo", archive_dir, overrides=overrides)
    _print_summary(summary)
    _stopped(summary)
    query = "human rights"
    hits = Archive(archive_dir).search(f'"{query}"', limit=3)
    click.echo()
    click.echo(f'Sample query: archiver search "{query}" --archive {archive_dir}')
    print_hits(hits)
    if hits:
        click.echo(f"Archived page: archiver show {hits[0]['url']} --archive {archive_dir}")


@click.command()
@archive_option
@click.option(
    "--outlets",
    "outlets_file",
    type=click.Path(),
    help="TOML file, or directory of *.toml files, of outlets; those with a `schedule` (cron"
    " expression, UTC) are crawled.",
)
@click.option(
    "--outlet",
    "names",
    multiple=True,
    help="Schedule this outlet (repeatable); default: your own outlets that have a schedule.",
)
@click.option("--once", is_flag=True, help="Start the crawls due now, then exit (cron, timers).")
@translate_errors
def schedule(
    archive_dir: Path, outlets_file: str | None, names: tuple[str, ...], once: bool
) -> None:
    """Crawl each outlet whenever its cron `schedule` falls due (stop with SIGTERM or Ctrl-C)."""
    logging.basicConfig(format="%(asctime)s %(levelname)s %(message)s", level=logging.INFO)
    scheduler = Scheduler(
        archive_dir, load_outlets(outlets_file), outlets_file=outlets_file, names=names
    )
    with scheduler.signals_stop():
        if once:
            runs = scheduler.run_due()
        else:
            click.echo(
                f"scheduling {', '.join(scheduler.schedules)} into {archive_dir}; "
                "stop with Ctrl-C or SIGTERM (the running crawl finishes its WARC files)"
            )
            scheduler.run_forever()
            runs = []
    if once and scheduler.busy:
        click.echo(
            f"due but being crawled already: {', '.join(scheduler.busy)}; left to the next run"
        )
    elif once and not runs:
        click.echo(f"nothing due; next crawl at {scheduler.next_due().isoformat()}")
    for run in runs:
        took = (run.finished - run.started).total_seconds()
        outcome = {0: "finished", STOPPED_EXIT: "stopped"}.get(
            run.returncode, f"failed (exit {run.returncode})"
        )
        click.echo(f"{run.outlet}: {outcome} in {took:.1f} s; log {run.log}")
    if any(run.returncode for run in runs):
        raise SystemExit(1)
