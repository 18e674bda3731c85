"""``archiver extract`` (one page, a manifest) and the evaluation module behind ``make eval``.

Nothing here needs ``../shared``: the evaluation functions run on a tiny corpus made in tmp_path.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from archiver.evaluation import format_table, leads, pages
from archiver.items import Dateline
from tests.conftest import REPO, run_cli

FIXTURES = Path(__file__).parent / "fixtures" / "extract"
AP_PAGE = FIXTURES / "ap-dateline.html"
AP_URL = "https://dnipro-daily.example/world/flood-barriers-hold"
AP_TITLE = "Flood barriers hold as river peaks in Kyiv"


def gzipped(src: Path, dest: Path) -> Path:
    dest.write_bytes(gzip.compress(src.read_bytes()))
    return dest


def check_ap_article(data: dict[str, object]) -> None:
    assert data["title"] == AP_TITLE
    assert data["authors"] == ["Olena Marchuk"]
    assert data["dateline"] == {
        "raw": "KYIV, Ukraine (AP) —",
        "place": "KYIV, Ukraine",
        "date": "2024-04-12",
        "agency": "AP",
    }
    assert data["capture"] is None
    assert isinstance(data["provenance"], dict) and data["provenance"]["title"] == "h1"
    assert data["word_count"] == len(str(data["body"]).split()) > 100


def test_extract_page() -> None:
    result = run_cli("extract", AP_PAGE)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    check_ap_article(data)
    assert data["url"] == AP_PAGE.resolve().as_uri()


def test_extract_gzipped_page_with_url(tmp_path: Path) -> None:
    page = gzipped(AP_PAGE, tmp_path / "page.html.gz")
    result = run_cli("extract", page, "--url", AP_URL)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    check_ap_article(data)
    assert data["url"] == AP_URL


def test_extract_manifest(tmp_path: Path) -> None:
    shutil.copy(FIXTURES / "seed-like.html", tmp_path / "seed.html")
    pages = tmp_path / "pages"
    pages.mkdir()
    gzipped(AP_PAGE, pages / "ap.html.gz")
    manifest = tmp_path / "cases.jsonl"
    cases = [
        {"id": "ap", "path": "pages/ap.html.gz", "url": AP_URL},
        {"id": "gone", "path": "pages/missing.html", "url": "https://example.org/gone"},
        {"id": "seed", "path": str(tmp_path / "seed.html"), "url": "https://example.org/seed"},
        {"id": "no-url", "path": "pages/ap.html.gz", "url": "notaurl"},  # as --url refuses
    ]
    manifest.write_text("".join(json.dumps(c) + "\n" for c in cases))
    result = run_cli("extract", "--manifest", manifest)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["ap", "gone", "seed", "no-url"]
    check_ap_article(lines[0])
    assert set(lines[1]) == {"id", "error"} and "missing.html" in lines[1]["error"]
    assert lines[2]["title"] == "Uzbekistan and Pakistan agree on rail corridor study"
    assert lines[2]["url"] == "https://example.org/seed"
    assert set(lines[3]) == {"id", "error"} and "'notaurl'" in lines[3]["error"]


def test_a_manifest_case_with_a_null_field_is_an_error_of_its_own(tmp_path: Path) -> None:
    # null was read as the text "None": "None: no such file", the id "None", "url 'None' is
    # not an absolute http(s) URL"
    manifest = tmp_path / "cases.jsonl"
    cases = [
        {"id": "a", "path": None, "url": AP_URL},
        {"id": None, "path": str(AP_PAGE), "url": AP_URL},
        {"id": "c", "path": str(AP_PAGE), "url": None},
        {"id": "d", "path": None, "url": None},
        {"id": "ap", "path": str(AP_PAGE), "url": AP_URL},
    ]
    manifest.write_text("".join(json.dumps(c) + "\n" for c in cases))
    result = run_cli("extract", "--manifest", manifest)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", None, "c", "d", "ap"]
    nulls = ["path is", "id is", "url is", "path, url are"]
    for number, (line, fields) in enumerate(zip(lines, nulls, strict=False), 1):
        assert set(line) == {"id", "error"}
        assert f"{manifest}:{number}: {fields} null" in line["error"]
        assert "None" not in line["error"]
    check_ap_article(lines[4])


def test_a_manifest_saved_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    # Windows editors write one; it made the whole manifest "not a JSON object"
    case = {"id": "ap", "path": str(AP_PAGE), "url": AP_URL}
    manifest = tmp_path / "cases.jsonl"
    manifest.write_text(json.dumps(case) + "\n", encoding="utf-8-sig")
    result = run_cli("extract", "--manifest", manifest)
    assert result.returncode == 0, result.stderr
    check_ap_article(json.loads(result.stdout))


def notes(tmp: Path) -> Path:
    """A text file that is no HTML page (the README was one until it quoted `<article>`)."""
    path = tmp / "notes.md"
    path.write_text("# Notes\n\nThe ferry board met again on Monday.\n" * 50, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda tmp: ["extract", tmp / "nope.html"], "no such file"),
        (lambda tmp: ["extract", notes(tmp)], "not an HTML page"),
        (lambda tmp: ["extract", "--manifest", tmp / "nope.jsonl"], "cannot read the manifest"),
        (lambda tmp: ["extract"], "give a PAGE file"),
        (lambda tmp: ["extract", AP_PAGE, "--manifest", tmp / "m.jsonl"], "--manifest replaces"),
    ],
    ids=["missing-file", "not-html", "missing-manifest", "no-input", "page-and-manifest"],
)
def test_extract_bad_input(tmp_path: Path, make, message: str) -> None:
    result = run_cli(*make(tmp_path))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


@pytest.fixture
def tiny_corpus(tmp_path: Path) -> Path:
    """Two pages (one of them missing from disk), a split and four dateline leads."""
    corpus = tmp_path / "corpus"
    (corpus / "cases" / "ap").mkdir(parents=True)
    gzipped(AP_PAGE, corpus / "cases" / "ap" / "page.html.gz")
    cases = [
        {"id": "ap", "source": "t", "url": AP_URL, "expected": {"title": AP_TITLE}},
        {"id": "lost", "source": "t", "url": "https://example.org/lost", "expected": {}},
        {"id": "unused", "source": "t", "url": "https://example.org/x", "expected": {}},
    ]
    (corpus / "cases.jsonl").write_text("".join(json.dumps(c) + "\n" for c in cases))
    (corpus / "dev.txt").write_text("ap\nlost\n")
    lead_lines = [
        {
            "id": "pos-1",
            "text": "LONDON, Dec 10 (Reuters) - Stocks fell on Tuesday.",
            "expected": {
                "raw": "LONDON, Dec 10 (Reuters) -",
                "place": "London",
                "agency": "REUTERS",
            },
        },
        {
            "id": "pos-2",
            "text": "(Bloomberg) -- Treasuries rose.",
            "expected": {"raw": "(Bloomberg) --", "place": None, "agency": "Bloomberg"},
        },
        {"id": "neg-1", "text": "London is a city of eight million people.", "expected": None},
        {"id": "neg-2", "text": "EXCLUSIVE: The minister resigned.", "expected": None},
    ]
    (corpus / "datelines.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lead_lines))
    return corpus


def test_evaluation_runs_our_extractor(tiny_corpus: Path, tmp_path: Path) -> None:
    manifest = pages.write_manifest(tiny_corpus, tiny_corpus / "dev.txt", tmp_path)
    assert [json.loads(x)["id"] for x in manifest.read_text().splitlines()] == ["ap", "lost"]
    (tiny_corpus / "baseline_trafilatura.py").write_text(STAND_IN_BASELINE)
    preds, timing, _, _ = pages.run_both(tiny_corpus, manifest, tmp_path)
    assert preds[0] == {
        "id": "ap",
        "title": AP_TITLE,
        "body": preds[0]["body"],
        "authors": ["Olena Marchuk"],
        "date": "2024-04-12",
        "dateline": "KYIV, Ukraine (AP) —",
    }
    assert preds[0]["body"].startswith("KYIV, Ukraine (AP) — Temporary flood barriers")
    assert (
        preds[1]["id"] == "lost" and preds[1]["body"] == "" and "no such file" in preds[1]["error"]
    )
    assert timing.pages == 1 and timing.mean_ms > 0


STAND_IN_BASELINE = """
import argparse, json, pathlib, sys
ap = argparse.ArgumentParser()
ap.add_argument("--ids"); ap.add_argument("--config"); ap.add_argument("--out")
a = ap.parse_args()
ids = pathlib.Path(a.ids).read_text().split()
with open(pathlib.Path(__file__).with_name("calls.log"), "a") as log:
    log.write(" ".join(ids) + "\\n")
rows = [{"id": i, "title": "t-" + i, "body": "", "ms": 10.0 * (n + 1)} for n, i in enumerate(ids)]
pathlib.Path(a.out).write_text("".join(json.dumps(r) + "\\n" for r in rows))
"""


def test_evaluation_takes_turns_with_the_baseline(tiny_corpus: Path, tmp_path: Path) -> None:
    """Ours and the baseline run in turns over slices of the split, and each side's predictions
    come out in the split's order, with a time for every page the baseline timed."""
    (tiny_corpus / "baseline_trafilatura.py").write_text(STAND_IN_BASELINE)
    (tiny_corpus / "dev.txt").write_text("ap\nlost\nap\n")
    keep = tmp_path / "keep"
    keep.mkdir()
    manifest = pages.write_manifest(tiny_corpus, tiny_corpus / "dev.txt", keep)
    preds, ours, theirs_pred, theirs = pages.run_both(tiny_corpus, manifest, keep, turns=2)
    assert (tiny_corpus / "calls.log").read_text().splitlines() == ["ap lost", "ap"]
    assert [p["id"] for p in preds] == ["ap", "lost", "ap"]
    assert preds[0]["title"] == AP_TITLE and "error" in preds[1]
    assert ours.pages == 2  # the missing page is not timed
    lines = theirs_pred.read_text().splitlines()
    assert [json.loads(x)["id"] for x in lines] == ["ap", "lost", "ap"]
    assert (theirs.pages, theirs.mean_ms, theirs.median_ms) == (3, 40 / 3, 10.0)


def test_seed_check_reports_each_expected_value(tmp_path: Path) -> None:
    from archiver.evaluation.seed import check_seed

    page = AP_PAGE
    expected = {
        "url": AP_URL,
        "title": AP_TITLE,
        "authors": ["Olena Marchuk"],
        "published": "2024-04-12",  # a day: compared with the day of ours
        "dateline": {"raw": "KYIV, Ukraine (AP) \u2014"},
        "body_starts_with": "KYIV, Ukraine (AP) \u2014 Temporary flood barriers",
        "body_must_not_contain": ["Temporary flood barriers"],
        "language": "fr",
    }
    (tmp_path / "seed.json").write_text(json.dumps(expected), encoding="utf-8")
    results = {what: holds for what, holds, _ in check_seed(page, tmp_path / "seed.json")}
    assert list(results) == list(expected)
    assert not results.pop("body_must_not_contain") and not results.pop("language")
    assert all(results.values()), results


def test_prediction_format() -> None:
    record = {"title": "T", "body": "B", "authors": ["A"], "published": "2024-01-02T03:04:05+01:00"}
    pred = pages.prediction("x", {**record, "dateline": None})
    assert pred == {
        "id": "x",
        "title": "T",
        "body": "B",
        "authors": ["A"],
        "date": "2024-01-02",
        "dateline": "",
    }
    with_dateline = pages.prediction("z", {**record, "dateline": {"raw": "PARIS (AFP) -"}})
    assert with_dateline["dateline"] == "PARIS (AFP) -"
    assert pages.prediction("y", {"error": "boom"}) == {
        "id": "y",
        "title": None,
        "body": "",
        "authors": [],
        "date": None,
        "dateline": "",
    }


def test_dateline_scores(tiny_corpus: Path) -> None:
    lines = leads.load_leads(tiny_corpus / "datelines.jsonl")
    scores = leads.score_datelines(lines)
    assert (scores.positives, scores.negatives) == (2, 2)
    assert (scores.raw, scores.place, scores.agency, scores.clean_negatives) == (2, 2, 2, 2)
    assert scores.misses == []
    rows = leads.lead_rows(scores)
    assert [row[-1] for row in rows] == ["PASS"] * 4

    def always(text: str, language: str | None) -> Dateline | None:
        return Dateline(raw=text.split()[0], place="Elsewhere")

    wrong = leads.score_datelines(lines, always)
    assert (wrong.raw, wrong.place, wrong.agency, wrong.clean_negatives) == (0, 0, 0, 0)
    assert wrong.rate("negatives") == 0.0 and len(wrong.misses) == 4
    assert [row[-1] for row in leads.lead_rows(wrong)] == ["MISS"] * 4


def test_dateline_scores_give_the_parser_each_leads_language() -> None:
    # "Indianapolis -" is a dateline in a German lead's style, not in an English one's
    text = "Indianapolis \u2013 Several thousand teachers rallied at the statehouse."
    english = {"id": "en", "text": text, "lang": "en", "expected": None}
    german = {
        "id": "de",
        "text": text,
        "lang": "de",
        "expected": {"raw": "Indianapolis \u2013", "place": "Indianapolis", "agency": None},
    }
    scores = leads.score_datelines([english, german])
    assert (scores.clean_negatives, scores.raw, scores.place) == (1, 1, 1)
    assert scores.misses == []


def test_comparison_rows() -> None:
    ours = {"body_f1": 0.98, "title_em": 0.9, "authors_f1": None}
    fast = pages.Timing(pages=2, mean_ms=10.0, median_ms=9.0)
    slow = pages.Timing(pages=2, mean_ms=20.0, median_ms=19.0)
    rows = {row[0]: row for row in pages.comparison_rows(ours, {}, slow, fast)}
    assert rows["body F1"] == ["body F1", "0.980", "-", ">= 0.97", "PASS"]
    assert rows["title EM"][-1] == "MISS"
    assert rows["authors F1"][-1] == "n/a"
    assert rows["time/page (mean ms)"][-1] == "MISS (2.00x)"
    assert pages.comparison_rows({}, {}, fast, slow)[-1][-1] == "PASS (0.50x)"
    table = format_table(["a", "bb"], [["xxx", "y"]]).splitlines()
    assert table == ["| a   | bb |", "|-----|----|", "| xxx | y  |"]


def test_evaluation_without_corpus(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "archiver.evaluation", "--corpus", str(tmp_path / "absent")],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert len(proc.stderr.strip().splitlines()) == 1 and "no corpus there" in proc.stderr
