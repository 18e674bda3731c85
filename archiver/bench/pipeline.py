"""The pipeline benchmark: each stage's CPU cost per page alone, then the whole crawl against
the CPU bound those costs give.

A generated outlet (:mod:`archiver.bench.site`) is served from its own process. Measured in one
run, on the same pages:

- **server**: its throughput alone (16 connections of a client in this process), then its CPU
  per page during the crawls, so that it is known not to be the bottleneck;
- **crawl**: a ``bare`` crawl (Scrapy, the spider, no WARC, extraction or index) of the
  newest articles and only their listings (so listings are the same share of its pages as in
  the full crawl), this process's CPU from spider open to close per page fetched;
- **WARC**: ``WarcWriter.write_exchange`` of each page plus the ``metadata`` record of its
  article, at the crawl's gzip level (levels 1, 6 and 9 beside it, with their sizes);
- **extraction**: ``extract_page`` per article page, timed in an extraction worker started as
  the crawl starts its own (forked from the warmed-up forkserver), after a few pages untimed,
  before the ``full`` crawl, :data:`PROBES` times during it (its processes stopped meanwhile,
  the stopped time not counted) and after it: the mean of these timings is its cost;
  trafilatura alone on the generated pages and on real ones (``../shared/corpus`` when
  present), whose times should lie within a factor of 1.5 of each other for the generated
  outlet to be a fair stand-in;
- **index**: the rows a crawl writes per article (capture, fetch, article), in transactions of
  ``ARCHIVER_INDEX_BATCH_SIZE``.

The bound is ``cores / (crawl + WARC + share of articles x (extraction + index))`` pages per
second; the ``full`` crawl (``archiver crawl`` as users run it) is timed from spider open to
close, and ``ratio`` is its pages/s over the bound. Memory is the proportional set size (PSS)
of the crawl's whole process tree, sampled every two seconds (its CPU every quarter second):
its peak after the first ``rss_at`` pages beside its peak over the whole crawl.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import attrs
import trafilatura

from archiver import settings as project
from archiver.bench.site import PER_LISTING, Outlet
from archiver.index import ArchiveIndex
from archiver.items import Article, CaptureRef, Page
from archiver.middlewares import article_metadata
from archiver.pipelines import extract_page, extraction_pool
from archiver.warc.writer import WarcWriter

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
REALISM_FACTOR = 1.5
BYTES_PER_PAGE = 60_000
"""Disk the pipeline's crawl needs per page while it runs: the WARC files (about 28% of a
115 KB page), the index and the crawl's job directory, removed after the run."""
RATIO_TARGET = 0.9
RSS_TARGET = 1.2
DISTURBED = 1.1
"""Extraction timed alone costing this many times its cost in the pipeline's workers makes the
bound, and so the ratio, not valid."""
SHARED_CPU = 0.12
"""Other processes using this share of the machine's CPU during the pipeline crawl (the whole
machine's busy share minus the crawl's processes'; the outlet's server alone takes about 2%)
makes the ratio not valid: the pipeline did not have the cores its bound counts."""
DRIFT = 1.15
"""Extraction timed alone only before the crawl and after it (runs before 2026-12-06), the two
differing by this factor, makes the bound, and so the ratio, not valid: the machine's speed
changed during the run. Timed during the crawl as well, extraction alone follows it. On a
shared virtual machine (2026-12-05) the same 200-page sample took 22.6 ms a page at the start
of one run and 34.8 at the start of the next, an hour apart, with the machine otherwise idle."""
WARM_UP_PAGES = 20
"""Pages extracted, untimed, before the extraction sample: what a worker loads or caches on its
first pages is spread over tens of thousands in the crawl."""
INDEX_ROWS = 5_000
"""Articles the index stage is timed on (fewer when the outlet has fewer): FTS5 merges its
segments as an index grows, so its cost per article grows over the first thousands of rows
(5,000 rows, about 5 s: 1.28 times the first 200's cost; 20,000: 1.33 times)."""
PSS_STEP = 10_000
"""Pages between the memory samples printed along the pipeline crawl."""
PSS_EVERY = 8
"""Memory is read at every eighth sample (every two seconds) and at each point reported: read
four times a second, the crawl's four processes' PSS cost 2% of two cores, taken from the crawl
(2026-12-06)."""
PROBES = 3
"""Times extraction is timed alone during the pipeline crawl, at even steps of it, with the
crawl's processes stopped (``SIGSTOP``) meanwhile and their stopped time left out of the
crawl's: on a shared virtual machine whose speed drifts (the tenth run: 35.2 ms a page before
the crawl, 25.0 after it), timings at the two ends alone made two runs in three not valid."""


@attrs.define(kw_only=True)
class PipelineBench:
    """What :func:`run` measured (times in ms of CPU per page unless said)."""

    cores: int
    articles: int
    pages: int
    page_kb: float
    server_rps: float
    server_ms: float
    crawl_ms: float
    warc_ms: dict[int, float]
    warc_ratio: dict[int, float]
    warc_level: int
    extract_ms: tuple[float, ...]
    """Extraction alone, ms per article: timed before the pipeline crawl, during it (the crawl
    stopped meanwhile; none in older runs) and after it."""
    index_ms: float
    index_first_ms: float | None = None
    """The index rows' cost in the first transaction alone (none in older runs)."""
    traf_generated: tuple[float, float]
    traf_real: tuple[float, float] | None
    traf_real_sized: tuple[float, float, int, int, float] | None = None
    """trafilatura on the real pages whose size lies in the generated pages' range: median and
    mean ms, how many pages that is, out of how many real pages, and the real pages' median
    size in bytes (most real pages are larger than the generated ones, and cost more)."""
    article_share: float
    pipeline_pps: float
    pipeline_wall: float
    tree_busy: float
    machine_busy: float
    worker_ms: float
    main_ms: float
    rss_at: int
    pss_small: float
    pss_large: float
    extract_together_ms: float | None = None
    """Extraction's cost with one worker per core at once, ms per article (the mean of the
    workers'); none in older runs. Not part of the bound: it shows what the cores cost each
    other."""
    pss_series: list[tuple[int, float, float, float]] = attrs.Factory(list)
    """(pages served, peak PSS so far, PSS of the crawl process and of the extraction processes
    at that moment), at ``rss_at`` and every :data:`PSS_STEP` pages."""

    @property
    def extract_alone_ms(self) -> float:
        """Extraction's cost alone: the mean of its timings before, during and after the crawl,
        so that it follows the machine's speed as the crawl's workers saw it."""
        return statistics.mean(self.extract_ms)

    @property
    def cost_ms(self) -> float:
        article = self.extract_alone_ms + self.index_ms
        return self.crawl_ms + self.warc_ms[self.warc_level] + self.article_share * article

    @property
    def bound(self) -> float:
        return self.cores * 1000 / self.cost_ms

    def lines(self) -> list[str]:
        warc = ", ".join(
            f"level {lv} {ms:.2f} ms ({self.warc_ratio[lv]:.0%} of the bytes)"
            for lv, ms in sorted(self.warc_ms.items())
        )
        gen_med, gen_mean = self.traf_generated
        real = "no real pages here (../shared/corpus missing)"
        realism = ""
        if self.traf_real:
            real_med, real_mean = self.traf_real
            real = f"real pages median {real_med:.1f}, mean {real_mean:.1f} ms"
            factor = max(
                gen_mean / real_mean, real_mean / gen_mean, gen_med / real_med, real_med / gen_med
            )
            verdict = "PASS" if factor <= REALISM_FACTOR else "MISS"
            realism = f"; factor {factor:.2f} (target <= {REALISM_FACTOR}): {verdict}"
        sized = []
        if self.traf_real_sized:
            med, mean, count, total, real_bytes = self.traf_real_sized
            line = (
                f"  real pages {real_bytes / 1000:.0f} KB median; the {count} of {total} in the "
                "generated pages' size range"
            )
            if count:
                factor = max(gen_mean / mean, mean / gen_mean, gen_med / med, med / gen_med)
                line += f": median {med:.1f}, mean {mean:.1f} ms (factor {factor:.2f})"
            sized = [line]
        ratio = self.pipeline_pps / self.bound
        rss = self.pss_large / self.pss_small if self.pss_small else float("nan")
        return [
            f"pipeline: generated outlet of {self.articles:,} articles, pages {self.page_kb:.0f} KB"
            f" mean, {self.cores} cores",
            f"  server alone: {self.server_rps:,.0f} pages/s; during the crawl "
            f"{self.server_ms:.2f} ms CPU per page",
            f"  trafilatura per page: generated median {gen_med:.1f}, mean {gen_mean:.1f} ms; "
            f"{real}{realism}",
            *sized,
            "stage costs, ms of CPU per page, each alone:",
            f"  crawl (Scrapy + spider, no WARC/extraction/index) {self.crawl_ms:6.2f}",
            f"  WARC write (exchange + metadata record), level {self.warc_level}"
            f"    {self.warc_ms[self.warc_level]:6.2f}   [{warc}]",
            f"  extraction (in a worker, per article)          {self.extract_alone_ms:6.2f}"
            f"   [{self._extraction_timings()}]",
            f"  index (capture, fetch and article rows)        {self.index_ms:6.2f}"
            f"{self._index_detail()}",
            f"  per page, {self.article_share:.1%} of pages articles             "
            f"{self.cost_ms:6.2f}",
            f"bound {self.bound:.1f} pages/s ({self.cores} cores / {self.cost_ms:.2f} ms)",
            f"pipeline {self.pipeline_pps:.1f} pages/s ({self.pages:,} pages in "
            f"{self.pipeline_wall:.1f} s); CPU busy: crawl's processes {self.tree_busy:.0%}, "
            f"whole machine {self.machine_busy:.0%}; CPU per page: crawl process "
            f"{self.main_ms:.2f} ms, extraction workers {self.worker_ms:.2f} ms",
            f"ratio {ratio:.2f}  (target >= {RATIO_TARGET}: {self._verdict(ratio)})",
            *self._together_lines(),
            *self._gap_lines(),
            f"peak memory (PSS of the crawl's processes): {self.pss_small / 1e6:.0f} MB after "
            f"{self.rss_at:,} pages, {self.pss_large / 1e6:.0f} MB after {self.pages:,}; "
            f"ratio {rss:.2f} (target <= {RSS_TARGET}: {'PASS' if rss <= RSS_TARGET else 'MISS'})",
            *self._memory_lines(),
        ]

    def _index_detail(self) -> str:
        if self.index_first_ms is None:
            return ""
        rows = min(self.articles, INDEX_ROWS)
        first = min(rows, project.ARCHIVER_INDEX_BATCH_SIZE)
        return (
            f"   [{rows:,} articles into a new index; the first {first}"
            f" {self.index_first_ms:.2f} ms]"
        )

    def _verdict(self, ratio: float) -> str:
        # The workers do the extraction the stage sample timed alone; if the sample cost clearly
        # more, the machine was disturbed while it was timed, and the bound is too low.
        alone = self.article_share * self.extract_alone_ms
        others = self.machine_busy - self.tree_busy
        if others > SHARED_CPU:
            return (
                f"NOT VALID: other processes used {others:.0%} of the CPU during the crawl; "
                "run again on a quiet machine"
            )
        before, *during, after = self.extract_ms
        if not during and max(before, after) > DRIFT * min(before, after):
            return (
                f"NOT VALID: extraction alone cost {before:.1f} ms before the crawl and "
                f"{after:.1f} after it: the machine's speed changed during the run; run again "
                "on a quiet machine"
            )
        if self.worker_ms and alone > self.worker_ms * DISTURBED:
            return (
                f"NOT VALID: extraction alone {alone:.1f} ms a page, in the workers "
                f"{self.worker_ms:.1f} ms; the stage sample was disturbed, run again on a quiet "
                "machine"
            )
        return "PASS" if ratio >= RATIO_TARGET else "MISS"

    def _gap_lines(self) -> list[str]:
        """What lies between the pipeline and its bound: the CPU a page cost in the crawl against
        its stages alone, by process kind, and the share of the cores the crawl's processes kept
        busy (the ratio is about the product of the two factors)."""
        if not self.main_ms:
            return []
        workers_alone = self.article_share * self.extract_alone_ms
        alone, crawled = self.cost_ms, self.main_ms + self.worker_ms
        main_alone = alone - workers_alone  # crawl, WARC and index
        return [
            f"  the gap: CPU a page {crawled:.2f} ms in the crawl against {alone:.2f} alone "
            f"({alone / crawled:.2f}): crawl process {self.main_ms:.2f} against {main_alone:.2f},"
            f" extraction workers {self.worker_ms:.2f} against {workers_alone:.2f}; the crawl's "
            f"processes kept {self.tree_busy:.2f} of the cores busy"
        ]

    def _together_lines(self) -> list[str]:
        """Extraction on every core at once against one worker alone the minute before (the
        last of :attr:`extract_ms`), and the bound and ratio with extraction's cost scaled by
        that factor: how much of the gap to the bound is the cores slowing each other."""
        if not self.extract_together_ms:
            return []
        together, factor = self.extract_together_ms, self.extract_together_ms / self.extract_ms[-1]
        cost = self.cost_ms + self.article_share * self.extract_alone_ms * (factor - 1)
        bound = self.cores * 1000 / cost
        return [
            f"  extraction with {self.cores} workers at once: {together:.2f} ms per article, "
            f"{factor:.2f} x one alone just before; with extraction's cost so scaled the bound "
            f"would be {bound:.1f} pages/s and the pipeline {self.pipeline_pps / bound:.2f} of it "
            "(not the ratio above)"
        ]

    def _extraction_timings(self) -> str:
        before, *during, after = self.extract_ms
        middle = f", during it {', '.join(f'{ms:.2f}' for ms in during)}" if during else ""
        return f"before the crawl {before:.2f} ms{middle}, after it {after:.2f}"

    def _memory_lines(self) -> list[str]:
        if not self.pss_series:
            return []
        rows = [
            f"  {pages:>7,} {peak / 1e6:6.0f} MB  {crawl / 1e6:5.0f} + {rest / 1e6:4.0f} MB"
            for pages, peak, crawl, rest in self.pss_series
        ]
        return ["memory along the crawl: pages, peak PSS so far, crawl process + extraction", *rows]


# --- the server -------------------------------------------------------------------------------
@contextmanager
def serve(articles: int) -> Iterator[tuple[str, Callable[[], dict[str, float]]]]:
    """The generated outlet served by ``python -m archiver.bench.site`` on 127.0.0.1."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "archiver.bench.site", "--articles", str(articles)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        url = f"http://127.0.0.1:{int(proc.stdout.readline())}"

        def stats() -> dict[str, float]:
            with urllib.request.urlopen(url + "/__stats", timeout=10) as r:
                return dict(json.load(r))

        yield url, stats
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


async def _load(host: str, port: int, paths: list[str], connections: int) -> int:
    """Fetch ``paths`` over ``connections`` keep-alive connections; bytes received."""
    queue = list(reversed(paths))
    total = 0

    async def client() -> None:
        nonlocal total
        reader, writer = await asyncio.open_connection(host, port)
        while queue:
            writer.write(f"GET {queue.pop()} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
            head = await reader.readuntil(b"\r\n\r\n")
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            total += len(await reader.readexactly(length))
        writer.close()

    await asyncio.gather(*(client() for _ in range(connections)))
    return total


def server_throughput(url: str, articles: int, requests: int) -> float:
    host, port = url.split("//")[1].split(":")
    paths = [f"/news/{1 + (i * 7919) % articles}/" for i in range(requests)]
    start = time.perf_counter()
    asyncio.run(_load(host, int(port), paths, 16))
    return requests / (time.perf_counter() - start)


def outlet_file(directory: Path, url: str, articles: int, *, name: str = "bench") -> Path:
    """An outlets file for the generated outlet at ``url``, whose listings a crawl walks as far
    as its first ``articles`` articles (newest first)."""
    path = directory / f"{name}.toml"
    path.write_text(
        "[bench]\n"
        'site_name = "The Bench Herald"\n'
        'allowed_domains = ["127.0.0.1"]\n'
        f'sections = ["{url}/news/"]\n'
        'article_links = "a.story::attr(href)"\n'
        'pagination = "a.next::attr(href)"\n'
        f"max_pages = {-(-articles // PER_LISTING)}\n"
        "discover = false\n"
    )
    return path


# --- process-tree sampling --------------------------------------------------------------------
_TICK = os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                kids += [int(k) for k in f.read().split()]
    except OSError:
        pass
    return kids


def _tree(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += _children(p)
    return out


def _cpu_seconds(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except OSError:
        return None


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def _machine_idle() -> tuple[float, float]:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    return float(values[3] + values[4]), float(sum(values))


@attrs.define
class _Sampler:
    root: int
    cpu: dict[int, float] = attrs.Factory(dict)
    pss_peak: float = 0.0
    pss_crawl: float = 0.0
    """PSS of the crawl process at the last sample."""
    pss_rest: float = 0.0
    """PSS of its children (the forkserver, the extraction workers) at the last sample."""

    def sample(self, *, pss: bool = True) -> None:
        """Read each process's CPU time, and with ``pss`` its PSS (about 2.5 ms of CPU a
        process: a walk of its page tables)."""
        tree = _tree(self.root)
        for pid in tree:
            if (cpu := _cpu_seconds(pid)) is not None:
                self.cpu[pid] = cpu
        if not pss:
            return
        sizes = {pid: _pss(pid) for pid in tree}
        self.pss_crawl = sizes.pop(self.root, 0)
        self.pss_rest = sum(sizes.values())
        self.pss_peak = max(self.pss_peak, self.pss_crawl + self.pss_rest)


# --- stages -----------------------------------------------------------------------------------
def _signal_tree(pids: Iterable[int], signum: int) -> None:
    for pid in pids:
        with suppress(ProcessLookupError):  # ended meanwhile
            os.kill(pid, signum)


def _while_stopped(pid: int, fn: Callable[[], float]) -> tuple[float, float, float, float]:
    """``fn()`` with the process tree of ``pid`` stopped; returns its result, the seconds the
    tree was stopped, and the machine's idle and total CPU ticks meanwhile."""
    pids = _tree(pid)
    _signal_tree(pids, signal.SIGSTOP)
    start, (idle0, total0) = time.monotonic(), _machine_idle()
    try:
        value = fn()
    finally:
        idle1, total1 = _machine_idle()
        stopped = time.monotonic() - start
        _signal_tree({*pids, *_tree(pid)}, signal.SIGCONT)
    return value, stopped, idle1 - idle0, total1 - total0


def _crawl(
    mode: str,
    workdir: Path,
    outlets: Path,
    stats: Callable[[], dict[str, float]],
    rss_at: int,
    *,
    limit: int = 0,
    probe: Callable[[], float] | None = None,
    probe_at: Sequence[int] = (),
) -> dict[str, Any]:
    """One benchmark crawl, sampled; ``probe()`` is run with the crawl stopped after each of
    ``probe_at`` pages served, and the stopped time is not the crawl's."""
    archive = Path(tempfile.mkdtemp(prefix=f"{mode}-", dir=workdir))
    timing = archive / "timing.json"
    before, idle0 = stats(), _machine_idle()
    started = time.monotonic()
    command = [sys.executable, "-m", "archiver.bench.crawl", mode, str(archive), str(outlets)]
    proc = subprocess.Popen([*command, str(timing), str(limit)])
    sampler = _Sampler(proc.pid)
    pss_small = 0.0
    series: list[tuple[int, float, float, float]] = []
    checkpoint = rss_at
    pending = sorted(probe_at) if probe else []
    probes: list[float] = []
    stopped = stopped_idle = stopped_total = 0.0
    ticks = 0
    while proc.poll() is None:
        served = stats()["served"] - before["served"]
        sampler.sample(pss=ticks % PSS_EVERY == 0 or served >= checkpoint)
        ticks += 1
        if served >= checkpoint:
            if not pss_small:
                pss_small = sampler.pss_peak
            series.append((checkpoint, sampler.pss_peak, sampler.pss_crawl, sampler.pss_rest))
            checkpoint = (checkpoint // PSS_STEP + 1) * PSS_STEP
        if probe and pending and served >= pending[0]:
            pending.pop(0)
            ms, seconds, idle, total = _while_stopped(proc.pid, probe)
            probes.append(ms)
            stopped += seconds
            stopped_idle += idle
            stopped_total += total
        time.sleep(0.25)
    if proc.returncode:
        raise SystemExit(f"the {mode} benchmark crawl failed (exit {proc.returncode})")
    after, idle1 = stats(), _machine_idle()
    result = json.loads(timing.read_text())
    result["wall"] -= stopped
    result["served"] = after["served"] - before["served"]
    result["server_cpu"] = after["cpu"] - before["cpu"]
    result["tree_cpu"] = sum(sampler.cpu.values())
    result["main_cpu"] = sampler.cpu.get(proc.pid, 0.0)
    idle = idle1[0] - idle0[0] - stopped_idle
    result["machine_busy"] = 1 - idle / max(1.0, idle1[1] - idle0[1] - stopped_total)
    result["pss_small"], result["pss_large"] = pss_small or sampler.pss_peak, sampler.pss_peak
    result["pss_series"] = series
    result["archive"] = str(archive)
    result["lifetime"] = time.monotonic() - started - stopped
    result["probes"] = probes
    return result


def _bare_crawl(
    workdir: Path, url: str, articles: int, stats: Callable[[], dict[str, float]], *, limit: int
) -> dict[str, Any]:
    """The ``bare`` crawl of the first ``limit`` articles of the outlet at ``url``, their
    listings and no others: the same share of listing pages as a crawl of the whole outlet
    (until 2026-12-06 it walked all the outlet's listings, a third of its pages at 2,000 of
    50,000 articles, each queueing 50 links never fetched, and its cost per page came out
    about 1.65 times too high)."""
    outlets = outlet_file(workdir, url, min(limit, articles), name="bare")
    return _crawl("bare", workdir, outlets, stats, rss_at=limit, limit=limit)


def _cpu_ms(fn: Callable[[], Any], count: int) -> float:
    start = time.process_time()
    fn()
    return (time.process_time() - start) * 1000 / count


def _warc_costs(pages: list[tuple[str, bytes]], articles: list[Article], workdir: Path) -> Any:
    ms, ratio = {}, {}
    raw = sum(len(body) for _, body in pages)
    headers = [("Content-Type", "text/html; charset=utf-8"), ("Server", "bench")]
    for level in sorted({1, 6, 9, project.ARCHIVER_WARC_GZIP_LEVEL}):
        with WarcWriter(workdir / f"warc-{level}", gzip_level=level) as writer:

            def write(writer: WarcWriter = writer) -> None:
                for (url, body), article in zip(pages, articles, strict=True):
                    ref = writer.write_exchange(
                        url=url,
                        method="GET",
                        request_headers=[("User-Agent", project.USER_AGENT)],
                        request_body=b"",
                        status=200,
                        reason=None,
                        protocol="HTTP/1.1",
                        response_headers=headers,
                        body=body,
                        ip_address="127.0.0.1",
                    )
                    writer.write_metadata(
                        url=url,
                        refers_to=ref.record_id,
                        payload=article_metadata(article),
                        content_type="application/json",
                    )

            ms[level] = _cpu_ms(write, len(pages))
            ratio[level] = writer.bytes_written / raw
    return ms, ratio


def _index_cost(articles: list[Article], workdir: Path, rows: int) -> tuple[float, float]:
    """CPU ms per article of the index rows a crawl writes (capture, fetch, article), in its
    transactions, for ``rows`` articles into a new index: ``articles`` over and over, each
    copy under URLs and a capture record of its own. Returns the mean over all of them and over
    the first transaction alone.

    One transaction into an empty index (this stage until 2026-12-06) never pays for FTS5's
    segment merges, which a crawl pays for as its index grows: 0.84 ms an article in the
    first 200 rows against 1.07 over 5,000 and 1.13 over 20,000 (measured side by side)."""
    index = ArchiveIndex(workdir / "stage-index.db", crawl=True)
    batch = project.ARCHIVER_INDEX_BATCH_SIZE
    copies: list[tuple[Article, CaptureRef]] = []  # each copy with its capture, typed
    for n in range(rows):
        article = articles[n % len(articles)]
        assert article.capture is not None
        url = f"{article.url.rstrip('/')}/copy-{n}/"
        ref = attrs.evolve(article.capture, record_id=f"<urn:uuid:{uuid.uuid4()}>", offset=n)
        copies.append((attrs.evolve(article, url=url, canonical_url=url, capture=ref), ref))
    now = "2025-01-01T00:00:00Z"
    times = []
    try:
        for i in range(0, len(copies), batch):
            start = time.process_time()
            with index.transaction():
                for article, ref in copies[i : i + batch]:
                    index.add_capture(
                        ref,
                        url=article.url,
                        status=200,
                        content_type="text/html",
                        captured_at=now,
                        crawl_id=None,
                    )
                    index.record_fetch(
                        url=article.url,
                        outlet="bench",
                        status=200,
                        ref=ref,
                        captured_at=now,
                        validators={},
                        schedule=(),
                    )
                    index.add_article(article, crawl_id=None)
            times.append((time.process_time() - start) * 1000)
    finally:
        index.close()
    first = times[0] / min(batch, len(copies)) if times else 0.0
    return sum(times) / max(1, len(copies)), first


def _timed_extraction(
    pages: list[tuple[str, bytes]], warm: list[tuple[str, bytes]]
) -> tuple[float, list[Article]]:
    """In an extraction worker, as the crawl runs it (forked from the warmed-up forkserver):
    ``extract_page``'s CPU ms per page over ``pages``, after ``warm`` untimed, and the articles."""
    for url, body in warm:
        extract_page(Page(url=url, outlet="bench", html=body))
    start = time.process_time()
    results = [extract_page(Page(url=url, outlet="bench", html=body)) for url, body in pages]
    ms = (time.process_time() - start) * 1000 / len(pages)
    failed = [r for r in results if not isinstance(r, Article)]
    if failed:
        raise RuntimeError(f"{len(failed)} generated pages were not extracted: {failed[0]}")
    return ms, [r for r in results if isinstance(r, Article)]


def _extraction_alone(
    pages: list[tuple[str, bytes]], warm: list[tuple[str, bytes]]
) -> tuple[float, list[Article]]:
    """:func:`_timed_extraction` in a fresh extraction worker of its own."""
    with extraction_pool(1) as pool:
        return pool.submit(_timed_extraction, pages, warm).result()


def _extraction_together(
    pages: list[tuple[str, bytes]], warm: list[tuple[str, bytes]], workers: int
) -> float | None:
    """:func:`_timed_extraction` in ``workers`` workers at once, the mean of their ms per
    article; none on one core."""
    if workers < 2:
        return None
    with extraction_pool(workers) as pool:
        runs = [pool.submit(_timed_extraction, pages, warm) for _ in range(workers)]
        return statistics.mean(run.result()[0] for run in runs)


def spread(items: list[str], limit: int) -> list[str]:
    """``limit`` of ``items`` (all of them when there are no more), evenly spaced, in order."""
    if len(items) <= limit:
        return list(items)
    return [items[k * len(items) // limit] for k in range(limit)]


def _trafilatura_ms(
    generated: list[tuple[str, str]], real: list[tuple[str, str]]
) -> tuple[list[float], list[float]]:
    """trafilatura's ms per page on each set, timed in turns (a generated page, a real one,
    ...) so that both see the same machine."""
    times: tuple[list[float], list[float]] = ([], [])
    for url, html in generated[:1] + real[:1]:  # imports, justext's stoplists
        trafilatura.bare_extraction(html, url=url)
    for k in range(max(len(generated), len(real))):
        for pages, out in zip((generated, real), times, strict=True):
            if k < len(pages):
                start = time.process_time()
                trafilatura.bare_extraction(pages[k][1], url=pages[k][0])
                out.append((time.process_time() - start) * 1000)
    return times


def _realism(
    generated: list[tuple[str, str]], real: list[tuple[str, str]]
) -> tuple[
    tuple[float, float], tuple[float, float] | None, tuple[float, float, int, int, float] | None
]:
    """trafilatura's median and mean ms per page on the generated pages, on the real ones, and
    on the real ones in the generated pages' size range (with their count, the real pages'
    count and median size): whether the real pages cost more because they are larger."""
    gen_ms, real_ms = _trafilatura_ms(generated, real)

    def summary(values: list[float]) -> tuple[float, float]:
        return statistics.median(values), statistics.mean(values)

    if not real_ms:
        return summary(gen_ms), None, None
    gen_sizes = [len(html.encode()) for _, html in generated]
    real_sizes = [len(html.encode()) for _, html in real]
    low, high = min(gen_sizes), max(gen_sizes)
    sized_ms = [ms for ms, size in zip(real_ms, real_sizes, strict=True) if low <= size <= high]
    sized = summary(sized_ms) if sized_ms else (0.0, 0.0)
    counts = (len(sized_ms), len(real_ms), statistics.median(real_sizes))
    return summary(gen_ms), summary(real_ms), (*sized, *counts)


def _real_pages(limit: int) -> list[tuple[str, str]]:
    """``limit`` pages of the corpus's dev split, spread evenly over it: the split is sorted by
    source (Fundus, htmldate, scrapinghub), so its first pages would be one source's."""
    if not (CORPUS / "cases.jsonl").exists():
        return []
    ids = spread((CORPUS / "dev.txt").read_text().split(), limit)
    urls = {}
    with (CORPUS / "cases.jsonl").open() as f:
        for line in f:
            case = json.loads(line)
            urls[case["id"]] = case["url"]
    pages = []
    for case_id in ids:
        data = gzip.decompress((CORPUS / "cases" / case_id / "page.html.gz").read_bytes())
        pages.append((urls[case_id], data.decode("utf-8", "replace")))
    return pages


def run(
    articles: int,
    workdir: Path,
    *,
    sample: int,
    rss_at: int,
    progress: Callable[[str], None] = print,
) -> PipelineBench:
    """Measure the stages on ``sample`` pages, then crawl an outlet of ``articles`` articles."""
    workdir.mkdir(parents=True, exist_ok=True)
    cores = len(os.sched_getaffinity(0))
    outlet = Outlet(articles)
    with serve(articles) as (url, stats), tempfile.TemporaryDirectory(dir=workdir) as tmp:
        work = Path(tmp)
        outlet.base = url
        progress(f"pipeline: server on {url}; measuring each stage alone ...")
        rps = server_throughput(url, articles, 2_000)
        drawn = [
            (outlet.article_url(n), outlet.article(n).encode())
            for n in range(1, sample + WARM_UP_PAGES + 1)
        ]
        pages, warm = drawn[:sample], drawn[sample:]
        extract_ms, extracted = _extraction_alone(pages, warm)
        warc_ms, warc_ratio = _warc_costs(pages, extracted, work)
        with WarcWriter(work / "refs") as writer:  # the capture each article row points to
            for article in extracted:
                article.capture = writer.write_exchange(
                    url=article.url,
                    method="GET",
                    request_headers=[],
                    request_body=b"",
                    status=200,
                    reason=None,
                    protocol="HTTP/1.1",
                    response_headers=[],
                    body=b"x",
                    ip_address=None,
                )
        index_ms, index_first_ms = _index_cost(extracted, work, min(articles, INDEX_ROWS))
        generated = [(u, b.decode()) for u, b in pages]
        traf_generated, traf_real, traf_real_sized = _realism(generated, _real_pages(len(pages)))
        progress("pipeline: bare crawl (Scrapy and the spider alone) ...")
        bare = _bare_crawl(work, url, articles, stats, limit=min(articles, sample * 10))
        crawl_ms = bare["cpu"] * 1000 / max(1, bare["served"])
        outlets = outlet_file(work, url, articles)
        progress(
            f"pipeline: full crawl of {articles:,} articles (stopped {PROBES} times to time "
            "extraction alone) ..."
        )
        full = _crawl(
            "full",
            work,
            outlets,
            stats,
            rss_at,
            probe=lambda: _extraction_alone(pages, warm)[0],
            probe_at=[articles * k // (PROBES + 1) for k in range(1, PROBES + 1)],
        )
        progress("pipeline: extraction alone again, then on every core at once ...")
        extract_after, _ = _extraction_alone(pages, warm)
        extract_together = _extraction_together(pages, warm, cores)
    pages_done = int(full["pages"])
    return PipelineBench(
        cores=cores,
        articles=articles,
        pages=pages_done,
        page_kb=statistics.mean(len(b) for _, b in pages) / 1000,
        server_rps=rps,
        server_ms=full["server_cpu"] * 1000 / max(1, full["served"]),
        crawl_ms=crawl_ms,
        warc_ms=warc_ms,
        warc_ratio=warc_ratio,
        warc_level=project.ARCHIVER_WARC_GZIP_LEVEL,
        extract_ms=(extract_ms, *full["probes"], extract_after),
        index_ms=index_ms,
        index_first_ms=index_first_ms,
        traf_generated=traf_generated,
        traf_real=traf_real,
        traf_real_sized=traf_real_sized,
        article_share=int(full["articles"]) / max(1, pages_done),
        pipeline_pps=pages_done / full["wall"],
        pipeline_wall=full["wall"],
        tree_busy=full["tree_cpu"] / (full["lifetime"] * cores),
        machine_busy=full["machine_busy"],
        main_ms=full["main_cpu"] * 1000 / max(1, pages_done),
        worker_ms=(full["tree_cpu"] - full["main_cpu"]) * 1000 / max(1, pages_done),
        rss_at=rss_at,
        pss_small=full["pss_small"],
        pss_large=full["pss_large"],
        pss_series=full["pss_series"],
        extract_together_ms=extract_together,
    )
