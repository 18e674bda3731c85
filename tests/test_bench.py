"""The benchmark's generated outlet and a tiny run of the pipeline benchmark (no timings asserted:
performance is measured by `make bench`, never by tests)."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from archiver.bench.index import index_path
from archiver.bench.pipeline import _bare_crawl, serve
from archiver.bench.site import PER_LISTING, Outlet
from archiver.bench.synthetic import ZIPF_EXPONENT, ArticleFactory
from tests.conftest import REPO


def test_generated_pages_are_news_pages_of_realistic_size() -> None:
    outlet = Outlet(300, base="http://127.0.0.1:1")
    pages = [outlet.article(n) for n in range(1, 301)]
    sizes = [len(p.encode()) for p in pages]
    assert min(sizes) >= 60_000 and max(sizes) <= 150_000
    assert len(set(pages)) == len(pages)  # no two payloads alike (no revisit records)
    page = pages[0]
    for part in ("application/ld+json", "<nav", "<aside", "<footer", 'rel="canonical"', "<h1"):
        assert part in page
    assert outlet.listing(1) is not None and outlet.listing(300 // PER_LISTING + 1) is None
    newest, oldest = Outlet(50_000).published(50_000), Outlet(50_000).published(1)
    assert oldest < newest <= datetime(2025, 1, 1, tzinfo=UTC)  # no date in the future


def test_the_index_benchs_articles_have_zipf_word_frequencies() -> None:
    factory = ArticleFactory(seed=5)
    rank = {str(w): i for i, w in enumerate(factory.words)}
    counts = [0] * len(rank)
    for article in factory.articles(400):
        for word in article.body.lower().replace(".", "").split():
            counts[rank[word]] += 1
    total = sum(counts)
    weights = [r**-ZIPF_EXPONENT for r in range(1, len(rank) + 1)]
    expected = [w / sum(weights) * total for w in weights]
    for r in (0, 1, 9, 99):  # the most frequent words, each within 10% of the law
        assert abs(counts[r] / expected[r] - 1) < 0.1, (r, counts[r], expected[r])
    tail = sum(counts[10_000:]) / sum(expected[10_000:])  # and the rare ones together
    assert abs(tail - 1) < 0.05, tail


def test_server_serves_listings_articles_and_404() -> None:
    with serve(120) as (url, stats):
        with urllib.request.urlopen(url + "/news/") as r:
            listing = r.read().decode()
        assert len(re.findall(r'class="story"', listing)) == PER_LISTING
        assert f'href="{url}/news/page/2/"' in listing
        with urllib.request.urlopen(url + "/news/page/3/") as r:
            assert 'class="next"' not in r.read().decode()  # 120 articles: three pages
        with urllib.request.urlopen(url + "/news/7/") as r:
            assert b"(7)</h1>" in r.read()
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "/news/121/")
        assert missing.value.code == 404
        missing.value.close()
        assert stats()["served"] == 4


def bench(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archiver.bench", *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=REPO,
    )


def test_pipeline_bench_runs_and_prints_the_ratio(tmp_path: Path) -> None:
    # the index benchmark after it fails (its file's place taken by a directory; on
    # 2026-12-06 the disk filled up): the pipeline's results are printed all the same, and the
    # failure is one line
    index_path(100, tmp_path).mkdir()
    proc = bench(
        *("--quick", "--articles", "150", "--sample", "20", "--index-articles", "100"),
        *("--workdir", str(tmp_path)),
    )
    assert proc.returncode == 2, proc.stderr
    last = proc.stderr.splitlines()[-1]
    assert last.startswith("Error: [Errno 21] Is a directory") and "make room" in last
    assert "Traceback" not in proc.stderr
    out = proc.stdout
    assert re.search(r"^ratio \d+\.\d\d ", out, re.M), out
    assert re.search(r"^bound \d+\.\d pages/s", out, re.M), out
    assert re.search(r"pipeline \d+\.\d pages/s \(15[0-9] pages", out), out
    assert "peak memory" in out and "stage costs" in out
    # extraction timed alone during the crawl too, the crawl stopped meanwhile
    assert re.search(r"before the crawl [\d.]+ ms, during it [\d.]+, [\d.]+, [\d.]+, after", out)
    assert re.search(r"^memory along the crawl.*\n +15[0-9] +\d+ MB +\d+ \+ +\d+ MB$", out, re.M), (
        out
    )


def test_index_bench_runs_and_prints_the_search_times(tmp_path: Path) -> None:
    proc = bench("--only", "index", "--index-articles", "300", "--workdir", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^index: 300 synthetic articles", proc.stdout, re.M), proc.stdout
    assert re.search(r"^search .*p95 [\d.]+ ms", proc.stdout, re.M), proc.stdout
    assert index_path(300, tmp_path).is_file()


def test_a_bench_without_room_for_its_files_does_not_start(tmp_path: Path) -> None:
    proc = bench("--only", "index", "--index-articles", str(10**11), "--workdir", str(tmp_path))
    assert proc.returncode == 2
    assert proc.stderr.startswith("Error: the bench needs about 1400000.0 GB under "), proc.stderr
    assert len(proc.stderr.splitlines()) == 1 and "QUICK=1" in proc.stderr
    assert not list(tmp_path.iterdir())  # nothing written


def test_a_stale_index_counts_as_room() -> None:
    # an index of the same size left by an older generator or schema is deleted before the
    # build, so its bytes count as free
    import tempfile

    from archiver.bench.index import BYTES_PER_ARTICLE, space_needed

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        assert space_needed(1_000, work) == 1_000 * BYTES_PER_ARTICLE
        (work / "index-1000-g0-s1.db").write_bytes(b"x" * 5_000_000)
        (work / "index-10000-g0-s1.db").write_bytes(b"x" * 1_000)  # another size: kept
        assert space_needed(1_000, work) == 1_000 * BYTES_PER_ARTICLE - 5_000_000
        (work / "index-1000-g0-s1.db").write_bytes(b"x" * 30_000_000)
        assert space_needed(1_000, work) == 0


def test_a_disturbed_measurement_makes_the_ratio_not_valid() -> None:
    # measured 2026-11-29: extraction alone 77.5 ms a page at a loaded start, 60.4 ms in the
    # workers over the whole crawl, and the bench printed "ratio 1.11 (PASS)"
    from archiver.bench.pipeline import PipelineBench

    def bench(
        extract_ms: float,
        worker_ms: float,
        tree_busy: float = 0.93,
        after: float | None = None,
        during: tuple[float, ...] = (),
    ) -> str:
        result = PipelineBench(
            cores=2, articles=50_000, pages=51_001, page_kb=116, server_rps=1_400,
            server_ms=1.0, crawl_ms=8.47, warc_ms={6: 5.85}, warc_ratio={6: 0.28},
            warc_level=6, extract_ms=(extract_ms, *during, after or extract_ms), index_ms=1.89,
            traf_generated=(32.5, 41.2), traf_real=None, article_share=0.98, pipeline_pps=24.0,
            pipeline_wall=2122.7,
            tree_busy=tree_busy, machine_busy=1.0, worker_ms=worker_ms, main_ms=17.41,
            rss_at=5_000, pss_small=359e6, pss_large=455e6,
        )  # fmt: skip
        return next(line for line in result.lines() if line.startswith("ratio "))

    assert "NOT VALID" in bench(77.54, 60.40) and "1.11" in bench(77.54, 60.40)
    assert bench(61.0, 60.40).endswith("PASS)")
    assert bench(61.0, 60.40 * 2).endswith("PASS)")
    # measured 2026-11-29 11:12-11:44: test suites beside the crawl, which got 54% of the CPU
    assert "NOT VALID: other processes used 46%" in bench(61.0, 60.40, tree_busy=0.54)
    # measured 2026-12-05: 22.6 ms a page alone before a crawl whose workers spent 29.2, and
    # the same sample 34.8 ms an hour later on the idle machine: its speed drifts
    assert "the machine's speed changed" in bench(22.63, 29.15, after=30.0)
    assert "NOT VALID" not in bench(22.63, 22.9, after=24.0)
    # measured 2026-12-06 (tenth run): 35.2 ms before the crawl, 25.0 after it, 31.3 in the
    # workers. Timed again during the crawl too (the crawl stopped meanwhile), extraction
    # alone follows the machine's speed as the workers saw it: the mean of all the timings
    line = bench(35.2, 31.3, after=25.0, during=(33.0, 30.0, 27.0))
    assert line.startswith("ratio 0.55") and line.endswith("MISS)")  # 24 pages/s of 43.8
    assert "NOT VALID" in bench(35.2, 25.0, after=35.0, during=(36.0, 34.0, 35.0))


def test_realism_compares_real_pages_of_the_generated_pages_size_too() -> None:
    # measured 2026-12-05: trafilatura 20.3 ms mean on the generated pages, 39.2 on 200 real
    # ones, 19.8 on the 62 real ones of 60-150 KB: the real pages cost more for their size
    from archiver.bench.pipeline import PipelineBench, _realism

    def page(words: int) -> str:
        text = " ".join(f"word{k}" for k in range(words))
        return f"<html><body><article><h1>A title</h1><p>{text}</p></article></body></html>"

    generated = [("http://127.0.0.1/g1", page(200)), ("http://127.0.0.1/g2", page(400))]
    real = [(f"http://127.0.0.1/r{n}", page(n)) for n in (50, 300, 2_000)]
    gen, all_real, sized = _realism(generated, real)
    assert all_real is not None and sized is not None
    assert sized[2:] == (1, 3, len(page(300).encode()))  # only the 300-word page is in range
    assert gen[0] > 0 and all_real[1] > 0 and sized[0] == sized[1] > 0
    assert _realism(generated, [])[1:] == (None, None)

    result = PipelineBench(
        cores=2, articles=50_000, pages=51_001, page_kb=116, server_rps=1_400, server_ms=1.0,
        crawl_ms=3.0, warc_ms={6: 3.5}, warc_ratio={6: 0.28}, warc_level=6,
        extract_ms=(25.0, 25.0), index_ms=1.2, traf_generated=(16.3, 20.3),
        traf_real=(27.1, 39.2), traf_real_sized=(17.1, 19.8, 62, 200, 239_000.0),
        article_share=0.98, pipeline_pps=57.8, pipeline_wall=882.0, tree_busy=0.96,
        machine_busy=0.99, worker_ms=25.3, main_ms=8.0, rss_at=5_000, pss_small=297e6,
        pss_large=320e6,
    )  # fmt: skip
    out = "\n".join(result.lines())
    assert "factor 1.93 (target <= 1.5): MISS" in out
    assert (
        "real pages 239 KB median; the 62 of 200 in the generated pages' size range: "
        "median 17.1, mean 19.8 ms (factor 1.05)"
    ) in out


def test_extraction_on_every_core_at_once_is_shown_beside_the_ratio() -> None:
    # measured 2026-12-06 11:55: one worker 26.3-32.4 ms an article, two at once 29.4-40.5 each
    from archiver.bench.pipeline import PipelineBench

    def lines(together: float | None) -> list[str]:
        result = PipelineBench(
            cores=2, articles=50_000, pages=51_001, page_kb=116, server_rps=1_400, server_ms=1.0,
            crawl_ms=3.0, warc_ms={6: 3.5}, warc_ratio={6: 0.28}, warc_level=6,
            extract_ms=(25.0, 25.0), index_ms=1.2, traf_generated=(16.3, 20.3), traf_real=None,
            article_share=0.98, pipeline_pps=50.0, pipeline_wall=1020.0, tree_busy=0.96,
            machine_busy=0.99, worker_ms=30.0, main_ms=8.0, rss_at=5_000, pss_small=297e6,
            pss_large=320e6, extract_together_ms=together,
        )  # fmt: skip
        return result.lines()

    out = lines(30.0)
    at = next(k for k, line in enumerate(out) if line.startswith("ratio "))
    assert out[at].startswith("ratio 0.80")  # 50 pages/s of 62.2: the ratio, unchanged
    assert out[at + 1] == (
        "  extraction with 2 workers at once: 30.00 ms per article, 1.20 x one alone just "
        "before; with extraction's cost so scaled the bound would be 53.9 pages/s and the "
        "pipeline 0.93 of it (not the ratio above)"
    )
    assert not any("at once" in line for line in lines(None))
    # the gap, in the same run: 38 ms of CPU a page in the crawl against 32.18 alone, and the
    # cores 96% busy: 0.85 x 0.96 = 0.81, the ratio printed (0.80) but for the start and end
    assert out[at + 2] == (
        "  the gap: CPU a page 38.00 ms in the crawl against 32.18 alone (0.85): crawl process "
        "8.00 against 7.68, extraction workers 30.00 against 24.50; the crawl's processes kept "
        "0.96 of the cores busy"
    )


def test_real_pages_are_spread_over_the_whole_corpus() -> None:
    # the dev split is sorted by source: its first 200 pages held no scrapinghub page
    from archiver.bench.pipeline import spread

    ids = [f"fundus-{k}" for k in range(184)] + [f"htmldate-{k}" for k in range(136)]
    ids += [f"shub-{k}" for k in range(130)]
    picked = spread(ids, 200)
    assert len(picked) == len(set(picked)) == 200 and picked == sorted(picked, key=ids.index)
    sources = [p.split("-")[0] for p in picked]
    counts = (sources.count("fundus"), sources.count("htmldate"), sources.count("shub"))
    assert counts == (82, 61, 57)
    assert spread(ids[:3], 200) == ids[:3] and spread(ids, 1) == ids[:1]


def test_the_bare_crawl_walks_only_the_listings_of_the_articles_it_fetches(
    tmp_path: Path,
) -> None:
    # 2026-12-06: the bare crawl fetched 2,000 articles of the 50,000 but walked all 1,001
    # listing pages (and queued their 50,000 links), a third of its pages against 2% in the
    # full crawl: its cost per page, the bound's crawl stage, came out 1.65 times too high
    with serve(2_000) as (url, stats):
        bare = _bare_crawl(tmp_path, url, 2_000, stats, limit=100)
    assert bare["items"] == 100
    assert bare["served"] <= 100 + 100 // PER_LISTING + 2, bare  # the articles, their listings


def test_the_bench_reads_memory_seldom_enough_not_to_slow_the_crawl(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 2026-12-06: reading PSS (a walk of each process's page tables) cost 10 ms of CPU for the
    # crawl's four processes; four times a second that was 2% of two cores, taken from the
    # crawl it measured. CPU is read every quarter second, PSS every two seconds and at each
    # point the report names.
    from archiver.bench import pipeline

    reads: list[int] = []
    samples: list[int] = []
    real_pss, real_sample = pipeline._pss, pipeline._Sampler.sample

    def pss(pid: int) -> int:
        reads.append(pid)
        return real_pss(pid)

    def sample(self: pipeline._Sampler, *args: Any, **kwargs: Any) -> None:
        samples.append(1)
        real_sample(self, *args, **kwargs)

    monkeypatch.setattr(pipeline, "_pss", pss)
    monkeypatch.setattr(pipeline._Sampler, "sample", sample)
    with serve(300) as (url, stats):
        outlets = pipeline.outlet_file(tmp_path, url, 300)
        full = pipeline._crawl("full", tmp_path, outlets, stats, 100)
    assert full["pss_small"] > 0 and full["pss_large"] >= full["pss_small"]
    assert len(samples) >= 8, samples  # a crawl of a few seconds
    processes = len(set(reads))  # the crawl, the forkserver, the workers
    assert len(reads) <= processes * (len(samples) / 8 + 3), (len(reads), len(samples))


def test_the_index_stage_is_timed_on_an_index_that_grows_as_a_crawl_s(tmp_path: Path) -> None:
    # 2026-12-06: the index stage was timed on one transaction of 200 rows into an empty index,
    # which never pays for FTS5's segment merges: 0.84 ms an article, against 1.07 over 5,000
    # rows and about 1.3 in the crawl's own process. The sample is written over and over, each
    # copy a new article (its own URLs and capture record), in the crawl's transactions.
    import sqlite3

    from archiver.bench.pipeline import _index_cost
    from archiver.extract import ArticleExtractor
    from archiver.items import CaptureRef

    outlet = Outlet(3, base="http://127.0.0.1:1")
    extractor = ArticleExtractor()
    articles = []
    for n in (1, 2, 3):
        article = extractor.extract(outlet.article(n).encode(), outlet.article_url(n))
        article.capture = CaptureRef(
            record_id=f"<urn:uuid:{n}>", warc_file="a.warc.gz", offset=n, length=1
        )
        articles.append(article)
    mean, first = _index_cost(articles, tmp_path, 450)
    assert mean > 0 and first > 0
    with sqlite3.connect(tmp_path / "stage-index.db") as db:
        counts = [
            db.execute(f"select count(*) from {t}").fetchone()[0] for t in ("articles", "captures")
        ]
        hits = db.execute(
            "select count(*) from articles_fts where articles_fts match 'the'"
        ).fetchone()
    assert counts == [450, 450]
    assert hits[0] == 450
