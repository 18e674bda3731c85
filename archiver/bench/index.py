"""The index benchmark: fill an index with synthetic articles, time inserts and typical searches.

Two insert paths are timed: the crawl's (``add_article`` in transactions of
``ARCHIVER_INDEX_BATCH_SIZE``, full-text index kept current by triggers), on a sample, and
``bulk_load`` (one FTS rebuild at the end), which fills the rest. Searches are typical
researcher queries: two frequent content words, one filter (outlet, section, author, date range,
or language), ``LIMIT 20``, through :func:`archiver.index.query.search_articles`, the code
``archiver search`` runs. The baseline, timed in the same run on the same file, is the bare FTS5
query (``MATCH ... ORDER BY rank LIMIT 20``, no join, filter or snippet): the ratio says what the
index adds on top of SQLite itself.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any

import attrs
import numpy as np

from archiver.bench.synthetic import OUTLETS, ArticleFactory, articles_in_background
from archiver.index import SCHEMA_VERSION, ArchiveIndex, ArticleFilter
from archiver.index.query import search_articles
from archiver.settings import ARCHIVER_INDEX_BATCH_SIZE

GENERATOR_VERSION = "2"
SEED = 1
BYTES_PER_ARTICLE = 14_000
"""Disk an index build needs per article: the file takes about 8,800 bytes (8.8 GB at
1,000,000 articles; 13,600 until schema version 7 stored each body twice), and the full-text
index, about 2,500 of them, is built in a scratch file beside it first and copied in (measured
at 100,000 articles: 246 MB of 1.36 GB)."""
SEARCH_TARGET_P95_MS = 50.0
QUERIES = 20
REPEATS = 5
QUERY_SEED = 20
CRAWL_PATH_ARTICLES = 5_000
"""Articles added through ``add_article`` (the crawl's path) after the bulk load, and timed: 25
transactions of 200 into the full index (20,000 until 2026-12-06, 25 s of a fresh run)."""
FILTER_KINDS = ("outlet", "section", "date", "language", "author")
"""The filter of the ``i``-th query is ``FILTER_KINDS[i % 5]``."""


@attrs.define(kw_only=True)
class IndexBench:
    """What :func:`run` measured."""

    articles: int
    words_mean: float
    db_bytes: int
    crawl_path_rate: float
    """Articles per second through ``add_article`` in batches (the live crawl's path)."""
    bulk_rate: float
    """Articles per second through ``bulk_load`` (FTS built once)."""
    search_ms: list[float]
    baseline_ms: list[float]
    queries: list[tuple[str, str]]
    kinds: list[str]
    """The filter kind of each timing in ``search_ms`` and ``baseline_ms``."""
    matches: list[int]
    """Articles each query matches before its filter."""
    reused: bool

    @staticmethod
    def percentile(values: list[float], q: float) -> float:
        return float(np.percentile(values, q))

    def by_kind(self, values: list[float], kind: str) -> list[float]:
        return [v for v, k in zip(values, self.kinds, strict=True) if k == kind]

    def lines(self) -> list[str]:
        p50, p95 = self.percentile(self.search_ms, 50), self.percentile(self.search_ms, 95)
        b50, b95 = self.percentile(self.baseline_ms, 50), self.percentile(self.baseline_ms, 95)
        verdict = "PASS" if p95 < SEARCH_TARGET_P95_MS else "MISS"
        note = " (index reused from an earlier run)" if self.reused else ""
        return [
            f"index: {self.articles:,} synthetic articles, {self.words_mean:.0f} words mean, "
            f"{self.db_bytes / 1e9:.2f} GB{note}",
            f"index insert, crawl path (add_article, batches of {ARCHIVER_INDEX_BATCH_SIZE}): "
            f"{self.crawl_path_rate:,.0f} articles/s",
            f"index insert, bulk_load (FTS built once): {self.bulk_rate:,.0f} articles/s",
            f"search ({QUERIES} two-word queries with a filter, LIMIT 20, x{REPEATS}): "
            f"p50 {p50:.1f} ms, p95 {p95:.1f} ms  target p95 < {SEARCH_TARGET_P95_MS:.0f} ms: "
            f"{verdict}",
            f"  matches per query before the filter: median {int(np.median(self.matches)):,}, "
            f"max {max(self.matches):,}",
            f"baseline (bare FTS5 MATCH ... ORDER BY rank LIMIT 20): "
            f"p50 {b50:.1f} ms, p95 {b95:.1f} ms",
            f"ratio search/baseline p95 {p95 / b95:.2f}" if b95 else "ratio n/a",
            *(
                f"  filter {kind:<8} search p50 {self.percentile(s, 50):6.1f} ms, "
                f"p95 {self.percentile(s, 95):6.1f} ms; "
                f"baseline p50 {self.percentile(b, 50):6.1f} ms, "
                f"p95 {self.percentile(b, 95):6.1f} ms"
                for kind in FILTER_KINDS
                if (s := self.by_kind(self.search_ms, kind))
                and (b := self.by_kind(self.baseline_ms, kind))
            ),
        ]


def _timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def _fetch_all(index: ArchiveIndex, sql: str, param: str) -> list[Any]:
    return index.db.execute(sql, [param]).fetchall()


def _filters(factory: ArticleFactory, index: ArchiveIndex) -> Iterator[ArticleFilter]:
    """One filter per query, cycling through the kinds researchers use."""
    author = index.db.execute("select author from article_authors limit 1").fetchone()[0]
    kinds = itertools.cycle(
        [
            lambda i: ArticleFilter(outlet=OUTLETS[i % len(OUTLETS)]),
            lambda i: ArticleFilter(section="Asia" if i % 2 else "Economy"),
            lambda i: ArticleFilter(since=f"{2020 + i % 5}-01-01", until=f"{2020 + i % 5}-06-30"),
            lambda i: ArticleFilter(lang="en"),
            lambda i: ArticleFilter(author=author),
        ]
    )
    for i, kind in enumerate(kinds):
        yield kind(i)


def _fill(index: ArchiveIndex, seed: int, n: int, sample: int) -> tuple[float, float]:
    articles = articles_in_background(seed, n)  # generated on the other core
    head = list(itertools.islice(articles, sample))
    # bulk_load needs an empty index: load the tail first, then time the crawl path on the head
    start = time.perf_counter()
    loaded = index.bulk_load(articles)
    bulk_rate = loaded / (time.perf_counter() - start) if loaded else 0.0
    start = time.perf_counter()
    for i in range(0, len(head), ARCHIVER_INDEX_BATCH_SIZE):
        with index.transaction():
            for article in head[i : i + ARCHIVER_INDEX_BATCH_SIZE]:
                index.add_article(article, crawl_id=None)
    crawl_rate = len(head) / (time.perf_counter() - start) if head else 0.0
    return crawl_rate, bulk_rate


def index_path(n: int, workdir: Path) -> Path:
    """Where the index of ``n`` synthetic articles is kept (and reused by later runs)."""
    return workdir / f"index-{n}-g{GENERATOR_VERSION}-s{SCHEMA_VERSION}.db"


def _reusable(path: Path) -> bool:
    """The index at ``path`` was built whole by an earlier run (its rates were written last)."""
    return path.exists() and path.with_suffix(".rates").exists()


def _stale(n: int, workdir: Path) -> list[Path]:
    """Files of an index of ``n`` articles, which a build deletes first."""
    return list(workdir.glob(f"index-{n}-*"))


def space_needed(n: int, workdir: Path) -> int:
    """Bytes of disk a run needs under ``workdir`` beyond what it frees: none when the index is
    there to reuse; an index of ``n`` articles left by an older version is deleted first."""
    if _reusable(index_path(n, workdir)):
        return 0
    stale = sum(f.stat().st_size for f in _stale(n, workdir) if f.is_file())
    return max(0, n * BYTES_PER_ARTICLE - stale)


def run(n: int, workdir: Path, *, progress: Callable[[str], None] = print) -> IndexBench:
    """Build (or reuse) an index of ``n`` synthetic articles under ``workdir``, then search it."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = index_path(n, workdir)
    rates_file = path.with_suffix(".rates")
    factory = ArticleFactory(seed=SEED)
    reused = _reusable(path)
    if not reused:
        for stale in _stale(n, workdir):
            stale.unlink()
        progress(f"index: generating and loading {n:,} synthetic articles into {path} ...")
        start = time.perf_counter()
        index = ArchiveIndex(path)
        crawl_rate, bulk_rate = _fill(index, SEED, n, sample=min(n // 10, CRAWL_PATH_ARTICLES))
        index.close()
        progress(f"index: built in {time.perf_counter() - start:.0f} s")
        rates_file.write_text(f"{crawl_rate} {bulk_rate}\n")
    crawl_rate, bulk_rate = (float(x) for x in rates_file.read_text().split())
    index = ArchiveIndex(path)
    try:
        count = index.count("articles")
        words = index.db.execute("select avg(word_count) from articles").fetchone()[0] or 0.0
        rng = np.random.default_rng(QUERY_SEED)
        queries = [(factory.typical_word(rng), factory.typical_word(rng)) for _ in range(QUERIES)]
        filters = list(itertools.islice(_filters(factory, index), QUERIES))
        texts = [f"{a} {b}" for a, b in queries]
        count_sql = "select count(*) from articles_fts where articles_fts match ?"
        matches = [int(index.db.execute(count_sql, [t]).fetchone()[0]) for t in texts]
        bare = "select rowid from articles_fts where articles_fts match ? order by rank limit 20"
        for text, flt in zip(texts, filters, strict=True):  # warm the page cache once
            search_articles(index.db, text, limit=20, filters=flt)
        search_ms: list[float] = []
        baseline_ms: list[float] = []
        kinds: list[str] = []
        for _ in range(REPEATS):
            for i, (text, flt) in enumerate(zip(texts, filters, strict=True)):
                kinds.append(FILTER_KINDS[i % len(FILTER_KINDS)])
                search_ms.append(
                    _timed(partial(search_articles, index.db, text, limit=20, filters=flt))
                )
                baseline_ms.append(_timed(partial(_fetch_all, index, bare, text)))
        return IndexBench(
            articles=count,
            words_mean=float(words),
            db_bytes=path.stat().st_size,
            crawl_path_rate=crawl_rate,
            bulk_rate=bulk_rate,
            search_ms=search_ms,
            baseline_ms=baseline_ms,
            queries=[(text, repr(flt)) for text, flt in zip(texts, filters, strict=True)],
            matches=matches,
            kinds=kinds,
            reused=reused,
        )
    finally:
        index.close()
