"""``python -m archiver.bench [--quick] [--only index]``: run the benchmarks, print the table."""

from __future__ import annotations

import argparse
import platform
import sys
import time
from pathlib import Path

from archiver.bench import index as index_bench


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m archiver.bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes (a few minutes)")
    parser.add_argument(
        "--index-articles", type=int, help="articles in the index benchmark (1,000,000)"
    )
    parser.add_argument(
        "--workdir", type=Path, default=Path(".bench"), help="where generated data is kept"
    )
    args = parser.parse_args(argv)
    n = args.index_articles or (100_000 if args.quick else 1_000_000)
    if n < 100:
        parser.error("--index-articles must be at least 100")
    print(
        f"archiver bench {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC, "
        f"{platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
        f"sqlite {__import__('sqlite3').sqlite_version}",
        flush=True,
    )
    result = index_bench.run(n, args.workdir, progress=lambda m: print(m, flush=True))
    for line in result.lines():
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
