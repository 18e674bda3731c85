"""``python -m archiver.bench [--quick] [--only pipeline|index]``: run the benchmarks, print the
table (``make bench``; ``make bench QUICK=1`` for small sizes)."""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

from archiver.bench import index as index_bench
from archiver.bench import pipeline as pipeline_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archiver.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument("--only", choices=("pipeline", "index"), help="run one benchmark")
    parser.add_argument(
        "--articles", type=int, help="articles of the generated outlet crawled (50,000)"
    )
    parser.add_argument(
        "--index-articles",
        type=int,
        help="articles in the index benchmark (1,000,000; quick 50,000)",
    )
    parser.add_argument(
        "--sample", type=int, help="pages each stage is measured on alone (200; quick 60)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(".bench"), help="where generated data is kept"
    )
    args = parser.parse_args(argv)
    n = args.index_articles or (50_000 if args.quick else 1_000_000)
    articles = args.articles or (2_000 if args.quick else 50_000)
    if n < 100:
        parser.error("--index-articles must be at least 100")
    if articles < 100:
        parser.error("--articles must be at least 100")
    started = time.monotonic()
    print(
        f"archiver bench {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
        f"{platform.machine()}, {len(os.sched_getaffinity(0))} cores, "
        f"{platform.python_implementation()} {platform.python_version()}, "
        f"sqlite {__import__('sqlite3').sqlite_version}",
        flush=True,
    )
    lines: list[str] = []
    if args.only in (None, "pipeline"):
        result = pipeline_bench.run(
            articles,
            args.workdir,
            sample=args.sample or (60 if args.quick else 200),
            rss_at=min(articles, 500 if args.quick else 5_000),
            progress=lambda m: print(m, flush=True),
        )
        lines += result.lines()
    if args.only in (None, "index"):
        index = index_bench.run(n, args.workdir, progress=lambda m: print(m, flush=True))
        lines += index.lines()
    print()
    for line in lines:
        print(line)
    print(f"(bench took {(time.monotonic() - started) / 60:.1f} min)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
