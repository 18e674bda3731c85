"""``python -m archiver.evaluation --corpus ../shared/corpus``: the run behind ``make eval``."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

import archiver.evaluation
from archiver.evaluation import EvaluationError, format_table
from archiver.evaluation.leads import (
    corpus_dateline_module,
    lead_rows,
    load_leads,
    score_datelines,
    squash,
)
from archiver.evaluation.pages import (
    TURNS,
    comparison_rows,
    run_both,
    run_score,
    write_jsonl,
    write_manifest,
)
from archiver.evaluation.seed import check_seed
from archiver.exceptions import ConfigError
from archiver.items import Dateline


def check_corpus(corpus: Path, split: Path) -> None:
    """Raise :class:`ConfigError` unless ``corpus`` has what the evaluation reads."""
    if not corpus.is_dir():
        raise ConfigError(f"{corpus}: no corpus there; clone it next to this repo (../shared)")
    needed = ["cases.jsonl", "score.py", "baseline_trafilatura.py", "datelines.jsonl"]
    for path in [*(corpus / name for name in needed), split]:
        if not path.is_file():
            raise ConfigError(f"{path}: missing from the corpus; is {corpus} complete?")


def evaluate(corpus: Path, split: Path, keep: Path) -> None:
    """The whole evaluation, printed; files go to ``keep``."""
    log = sys.stderr
    manifest = write_manifest(corpus, split, keep)
    print(
        f"extracting {split.name} with archiver and with baseline_trafilatura.py --config"
        f" default, in {TURNS} turns ...",
        file=log,
        flush=True,
    )
    preds, our_time, theirs_pred, their_time = run_both(corpus, manifest, keep)
    ours_pred = keep / "archiver.jsonl"
    write_jsonl(ours_pred, preds)

    ours = run_score(corpus, split, ours_pred, "archiver", keep)
    print()
    theirs = run_score(corpus, split, theirs_pred, "trafilatura", keep)
    failed = [p for p in preds if "error" in p]
    print(f"\n## archiver vs trafilatura on {split.name} ({our_time.pages} pages)")
    header = ["metric", "ours", "trafilatura", "target", "verdict"]
    print(format_table(header, comparison_rows(ours, theirs, our_time, their_time)))
    print(
        f"time/page (wall clock): ours mean {our_time.mean_ms:.1f} ms, median "
        f"{our_time.median_ms:.1f} ms, CPU mean {our_time.cpu_mean_ms or 0:.1f} ms; trafilatura "
        f"mean {their_time.mean_ms:.1f} ms, median {their_time.median_ms:.1f} ms; load average "
        f"{os.getloadavg()[0]:.1f} (the two in {TURNS} turns; times compare fairly only on a"
        " quiet machine)"
    )
    print(f"pages that failed: {len(failed)}")
    for pred in failed:
        print(f"  failed {pred['id']}: {pred['error']}")

    module = corpus_dateline_module(corpus)
    normalise = getattr(module, "normalise_dateline", squash)
    leads = load_leads(corpus / "datelines.jsonl")
    scores = score_datelines(leads, normalise=normalise)
    naive = None
    if (find_naive := getattr(module, "find_dateline", None)) is not None:
        naive = score_datelines(
            leads, lambda t, _: Dateline(raw=r) if (r := find_naive(t)) else None
        )
    print(
        f"\n## parse_dateline on datelines.jsonl "
        f"({scores.positives} with a dateline, {scores.negatives} without)"
    )
    header = ["metric", "ours", "naive regex", "target", "verdict"]
    print(format_table(header, lead_rows(scores, naive)))
    for miss in scores.misses:
        print(f"  miss {miss}")

    page = corpus.parent / "seed" / "tdi-article.html"
    expected = page.with_name("tdi-article.expected.json")
    if page.is_file() and expected.is_file():
        results = check_seed(page, expected)
        held = sum(holds for _, holds, _ in results)
        print(f"\n## the seed page ({page.name} against {expected.name})")
        print(f"{held} of {len(results)} expected values hold")
        for what, holds, detail in results:
            if not holds:
                print(f"  MISS {what}: got {detail}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m archiver.evaluation", description=archiver.evaluation.__doc__
    )
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--split", default="dev.txt", help="ids file in the corpus directory")
    parser.add_argument("--out", type=Path, help="keep predictions and scores in this directory")
    args = parser.parse_args(argv)
    corpus = args.corpus.resolve()
    split = corpus / args.split
    try:
        check_corpus(corpus, split)
        if args.out:
            args.out.mkdir(parents=True, exist_ok=True)
            evaluate(corpus, split, args.out.resolve())
            print(f"predictions and scores: {args.out}", file=sys.stderr)
        else:
            with tempfile.TemporaryDirectory(prefix="archiver-eval-") as tmp:
                evaluate(corpus, split, Path(tmp))
    except (ConfigError, EvaluationError) as e:
        print(f"Error: {e}", file=sys.stderr)
        return 2 if isinstance(e, ConfigError) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
