"""``python -m archiver.bench [--quick] [--only pipeline|index]``: run the benchmarks, print the
table (``make bench``; ``make bench QUICK=1`` for small sizes)."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sqlite3
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
        f"sqlite {sqlite3.sqlite_version}",
        flush=True,
    )
    if problem := _short_of_space(args, articles, n):
        print(f"Error: {problem}", file=sys.stderr)
        return 2
    try:
        if args.only in (None, "pipeline"):
            result = pipeline_bench.run(
                articles,
                args.workdir,
                sample=args.sample or (60 if args.quick else 200),
                rss_at=min(articles, 500 if args.quick else 5_000),
                progress=lambda m: print(m, flush=True),
            )
            _show(result.lines())  # now: a failure later must not lose these
        if args.only in (None, "index"):
            index = index_bench.run(n, args.workdir, progress=lambda m: print(m, flush=True))
            _show(index.lines())
    except (OSError, sqlite3.Error) as e:
        print(
            f"Error: {e}; the bench writes under {args.workdir}: make room there (or give "
            "--workdir elsewhere) and run it again",
            file=sys.stderr,
        )
        return 2
    print(f"(bench took {(time.monotonic() - started) / 60:.1f} min)")
    return 0


def _show(lines: list[str]) -> None:
    print()
    for line in lines:
        print(line, flush=True)


def _short_of_space(args: argparse.Namespace, articles: int, n: int) -> str | None:
    """What is wrong when ``args.workdir``'s disk cannot hold what the run will write."""
    needed = 0
    if args.only in (None, "pipeline"):
        needed += articles * pipeline_bench.BYTES_PER_PAGE
    if args.only in (None, "index"):
        needed += index_bench.space_needed(n, args.workdir)
    where = args.workdir.resolve()
    while not where.exists():
        where = where.parent
    free = shutil.disk_usage(where).free
    if needed <= free:
        return None
    return (
        f"the bench needs about {needed / 1e9:.1f} GB under {args.workdir}, which has "
        f"{free / 1e9:.1f} GB free; free space there, give --workdir elsewhere, or run "
        "make bench QUICK=1"
    )


if __name__ == "__main__":
    sys.exit(main())
