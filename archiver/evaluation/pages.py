"""Our extractor and trafilatura's baseline over the corpus pages, scored by its ``score.py``."""

from __future__ import annotations

import contextlib
import json
import statistics
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from archiver.evaluation import EvaluationError, fmt, verdict
from archiver.extract.batch import ManifestCase, article_record, read_manifest, read_page
from archiver.extract.extractor import ArticleExtractor

TARGETS: tuple[tuple[str, str, float], ...] = (
    ("body F1", "body_f1", 0.970),
    ("title EM", "title_em", 0.95),
    ("authors F1", "authors_f1", 0.93),
    ("date acc", "date_acc", 0.97),
    ("dateline pos", "dateline_pos", 0.95),
    ("dateline neg", "dateline_neg", 0.98),
)
"""``(label, score.py key, lowest passing value)`` of each page metric."""
TIME_RATIO = 1.3
"""Our mean time per page may be at most this multiple of trafilatura's."""
TURNS = 6
"""Slices of the split that our extractor and the baseline take in turns (:func:`run_both`)."""


@attrs.define
class Timing:
    """Time per page of one extractor over the split, in milliseconds."""

    pages: int
    mean_ms: float
    median_ms: float
    cpu_mean_ms: float | None = None


def load_cases(corpus: Path) -> dict[str, dict[str, Any]]:
    """The corpus's ``cases.jsonl`` by id."""
    with (corpus / "cases.jsonl").open(encoding="utf-8") as f:
        return {case["id"]: case for case in map(json.loads, filter(str.strip, f))}


def write_manifest(corpus: Path, split: Path, out_dir: Path) -> Path:
    """Write ``manifest.jsonl`` for the ids of ``split`` (``cases/<id>/page.html.gz``, the case's
    url) into ``out_dir`` and return its path."""
    cases = load_cases(corpus)
    lines = [line.strip() for line in split.read_text(encoding="utf-8").splitlines()]
    ids = [line for line in lines if line and not line.startswith("#")]
    manifest = out_dir / "manifest.jsonl"
    with manifest.open("w", encoding="utf-8") as f:
        for case_id in ids:
            if case_id not in cases:
                raise EvaluationError(f"{split}: case {case_id!r} is not in cases.jsonl")
            page = (corpus / "cases" / case_id / "page.html.gz").resolve()
            line = {"id": case_id, "path": str(page), "url": cases[case_id]["url"]}
            f.write(json.dumps(line, ensure_ascii=False) + "\n")
    return manifest


def prediction(case_id: str, record: dict[str, Any]) -> dict[str, Any]:
    """An extracted record (or ``{"error": ...}``) in score.py's prediction format."""
    dateline = record.get("dateline") or {}
    published = record.get("published")
    return {
        "id": case_id,
        "title": record.get("title"),
        "body": record.get("body") or "",
        "authors": list(record.get("authors") or []),
        "date": published[:10] if published else None,
        "dateline": dateline.get("raw") or "",
    }


def run_both(
    corpus: Path, manifest: Path, keep: Path, turns: int = TURNS
) -> tuple[list[dict[str, Any]], Timing, Path, Timing]:
    """Our extractor and ``baseline_trafilatura.py`` in turns, over ``turns`` slices of the
    manifest's cases (ours first in one turn, the baseline first in the next), so that a
    machine that slows down for a minute slows both alike: our predictions and time per page,
    the file of the baseline's predictions (in the manifest's order) and its time per page."""
    cases = read_manifest(manifest)
    extractor = ArticleExtractor()
    size = max(1, -(-len(cases) // max(1, turns)))
    preds: list[dict[str, Any]] = []
    wall: list[float] = []
    cpu: list[float] = []
    theirs_ms: list[float] = []
    theirs_pred = keep / "trafilatura.jsonl"
    with theirs_pred.open("w", encoding="utf-8") as merged:
        for turn, start in enumerate(range(0, len(cases), size)):
            part = cases[start : start + size]
            ids = keep / f"turn-{turn}.ids.txt"
            ids.write_text("".join(f"{case.id}\n" for case in part), encoding="utf-8")
            out = keep / f"trafilatura-{turn}.jsonl"

            def ours(part: list[ManifestCase] = part) -> None:
                found, times, cpu_times = _extract(part, extractor)
                preds.extend(found)
                wall.extend(times)
                cpu.extend(cpu_times)

            def theirs(ids: Path = ids, out: Path = out) -> None:
                timing = run_baseline(corpus, ids, out)
                rows = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines() if x]
                if all(isinstance(row.get("ms"), int | float) for row in rows):
                    theirs_ms.extend(float(row["ms"]) for row in rows)
                else:  # a baseline that times no page on its own: its mean for each
                    theirs_ms.extend([timing.mean_ms] * timing.pages)
                merged.write(out.read_text(encoding="utf-8"))

            for step in (ours, theirs) if turn % 2 == 0 else (theirs, ours):
                step()
    return preds, _timing(wall, cpu), theirs_pred, _timing(theirs_ms)


def _extract(
    cases: list[ManifestCase], extractor: ArticleExtractor
) -> tuple[list[dict[str, Any]], list[float], list[float]]:
    """Extract ``cases`` in this process: predictions, and wall and CPU ms per page (the
    extraction call only, after one untimed warm-up page, as the baseline is timed)."""
    if cases:
        with contextlib.suppress(Exception):
            extractor.extract(read_page(cases[0].path), cases[0].url)
    preds, wall, cpu = [], [], []
    for case in cases:
        try:
            html = read_page(case.path)
            w0, c0 = time.perf_counter(), time.process_time()
            try:
                article = extractor.extract(html, case.url)
            finally:
                wall.append((time.perf_counter() - w0) * 1000)
                cpu.append((time.process_time() - c0) * 1000)
            record = article_record(article)
        except Exception as e:  # a crash is an empty prediction, as in the baseline
            record = {"error": f"{type(e).__name__}: {e}"}
        pred = prediction(case.id, record)
        if "error" in record:
            pred["error"] = record["error"]
        preds.append(pred)
    return preds, wall, cpu


def _timing(wall: list[float], cpu: list[float] | None = None) -> Timing:
    return Timing(
        pages=len(wall),
        mean_ms=statistics.fmean(wall) if wall else 0.0,
        median_ms=statistics.median(wall) if wall else 0.0,
        cpu_mean_ms=statistics.fmean(cpu) if cpu else None,
    )


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8") as f:
        f.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def _run(args: Sequence[str | Path], what: str) -> str:
    """Run one of the corpus's scripts with this interpreter; its stdout."""
    proc = subprocess.run(
        [sys.executable, *map(str, args)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise EvaluationError(f"{what} failed (exit {proc.returncode}): {last}")
    return proc.stdout


def run_baseline(corpus: Path, split: Path, out: Path) -> Timing:
    """Run ``baseline_trafilatura.py --config default`` into ``out``; its time per page."""
    start = time.perf_counter()
    _run(
        [corpus / "baseline_trafilatura.py", "--ids", split, "--config", "default", "--out", out],
        "baseline_trafilatura.py",
    )
    elapsed_ms = (time.perf_counter() - start) * 1000
    timing_file = out.with_name(out.name.removesuffix(".jsonl") + ".timing.json")
    if timing_file.exists():  # its own timing: the bare_extraction call only
        t = json.loads(timing_file.read_text())
        return Timing(pages=t["pages"], mean_ms=t["mean_ms"], median_ms=t["median_ms"])
    pages = sum(1 for line in out.read_text(encoding="utf-8").splitlines() if line.strip())
    per_page = elapsed_ms / max(pages, 1)  # whole subprocess, imports included
    return Timing(pages=pages, mean_ms=per_page, median_ms=per_page)


def run_score(corpus: Path, split: Path, pred: Path, name: str, keep: Path) -> dict[str, Any]:
    """Run ``score.py`` on ``pred``, print its table, return its overall figures."""
    scores = keep / f"{name}.score.json"
    args: list[str | Path] = [corpus / "score.py", "--corpus", corpus, "--ids", split]
    args += ["--pred", pred, "--name", name, "--json", scores]
    args += ["--per-case", keep / f"{name}.per-case.jsonl"]
    print(_run(args, "score.py"), end="", flush=True)
    overall: dict[str, Any] = json.loads(scores.read_text())["overall"]
    return overall


def comparison_rows(
    ours: dict[str, Any], theirs: dict[str, Any], our_time: Timing, their_time: Timing
) -> list[list[str]]:
    """metric | ours | trafilatura | target | PASS/MISS, from score.py's overall figures."""
    rows = []
    for label, key, target in TARGETS:
        value = ours.get(key)
        rows.append(
            [label, fmt(value), fmt(theirs.get(key)), f">= {target:.2f}", verdict(value, target)]
        )
    ratio = our_time.mean_ms / their_time.mean_ms if their_time.mean_ms else None
    rows.append(
        [
            "time/page (mean ms)",
            f"{our_time.mean_ms:.1f}",
            f"{their_time.mean_ms:.1f}",
            f"<= {TIME_RATIO}x trafilatura",
            "n/a"
            if ratio is None
            else ("PASS" if ratio <= TIME_RATIO else "MISS") + f" ({ratio:.2f}x)",
        ]
    )
    return rows
