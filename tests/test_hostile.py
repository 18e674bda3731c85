"""One crawl of a hostile local server (tests/hostile_server.py): every fault ends as the right
WARC record, retries stay within their limits, Retry-After is honoured, the calendar trap is
bounded, the robots.txt-disallowed URL is never requested, and the archive verifies."""

from __future__ import annotations

import hashlib
import sqlite3
import subprocess
from collections import defaultdict
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.conftest import SHARED, run_cli, run_crawl_process
from tests.hostile_server import (
    HUGE_BYTES,
    PDF,
    PNG,
    SHORT_SENT,
    HostileServer,
)

MAXSIZE = 100_000
TIMEOUT = 1.5
RETRY_TIMES = 2
MAX_PAGES = 4
VERIFIER = SHARED / "tools" / "verify_archive" / "verify_archive.sh"


@pytest.fixture(scope="module")
def crawl(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    tmp = tmp_path_factory.mktemp("hostile")
    archive = tmp / "archive"
    with HostileServer() as server:
        outlets = tmp / "outlets.toml"
        outlets.write_text(
            f'[hostile]\nallowed_domains = ["127.0.0.1"]\n'
            f'sections = ["{server.url}", "{server.url}calendar/2024-01-01/"]\n'
            f'article_links = "h3 a::attr(href)"\nmax_pages = {MAX_PAGES}\n'
        )
        overrides = {
            "DOWNLOAD_TIMEOUT": TIMEOUT,
            "DOWNLOAD_MAXSIZE": MAXSIZE,
            "RETRY_TIMES": RETRY_TIMES,
            "AUTOTHROTTLE_START_DELAY": 0.0,
            "LOG_LEVEL": "INFO",
        }
        run = run_crawl_process(
            "hostile", archive, outlets=outlets, overrides=overrides, timeout=240
        )
        requests = list(server.requests)
    assert run.returncode == 0, run.stderr[-3000:]
    summary = run.summary
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh, check_digests=True):
                if rec.rec_type not in ("response", "revisit"):
                    continue  # (a repeated identical error page is a revisit record)
                uri = rec.rec_headers.get_header("WARC-Target-URI")
                path_part = "/" + uri.split("/", 3)[3]
                body = rec.content_stream().read()
                records[path_part].append(
                    {
                        "status": int(rec.http_headers.get_statuscode()),
                        "truncated": rec.rec_headers.get_header("WARC-Truncated"),
                        "date": datetime.fromisoformat(
                            rec.rec_headers.get_header("WARC-Date").replace("Z", "+00:00")
                        ),
                        "body": body,
                        "digest_ok": rec.digest_checker.passed is not False,
                        "type": rec.rec_type,
                    }
                )
    return {
        "archive": archive,
        "summary": summary,
        "requests": requests,
        "records": records,
        "log": run.stderr,
    }


def statuses(crawl: dict[str, Any], path: str) -> list[int]:
    return [r["status"] for r in sorted(crawl["records"][path], key=lambda r: r["date"])]


def asked(crawl: dict[str, Any], path: str) -> int:
    return crawl["requests"].count(path)


def indexed_urls(crawl: dict[str, Any]) -> set[str]:
    db = sqlite3.connect(crawl["archive"] / "index.db")
    try:
        return {"/" + u.split("/", 3)[3] for (u,) in db.execute("select url from articles")}
    finally:
        db.close()


def test_the_crawl_completes(crawl: dict[str, Any]) -> None:
    assert crawl["summary"]["finish_reason"] == "finished", crawl["log"][-3000:]
    # no callback or pipeline (extraction) ever raised
    assert "Spider error processing" not in crawl["log"], crawl["log"]
    assert "Error processing" not in crawl["log"], crawl["log"]
    assert "Error caught on signal handler" not in crawl["log"], crawl["log"]
    for recs in crawl["records"].values():
        assert all(r["digest_ok"] for r in recs)


def test_robots_disallowed_url_is_never_requested(crawl: dict[str, Any]) -> None:
    assert asked(crawl, "/robots.txt") >= 1  # the robots middleware, and Sitemap: discovery
    assert asked(crawl, "/private/secret/") == 0
    assert "/private/secret/" not in crawl["records"]


def test_server_errors_are_archived_and_retried_within_limits(crawl: dict[str, Any]) -> None:
    assert asked(crawl, "/error500/") == 1 + RETRY_TIMES
    assert statuses(crawl, "/error500/") == [500] * (1 + RETRY_TIMES)
    assert "/error500/" not in indexed_urls(crawl)


@pytest.mark.parametrize(("path", "status"), [("/unavailable/", 503), ("/throttled/", 429)])
def test_retry_after_is_honoured(crawl: dict[str, Any], path: str, status: int) -> None:
    recs = sorted(crawl["records"][path], key=lambda r: r["date"])
    assert [r["status"] for r in recs] == [status, 200]
    assert (recs[1]["date"] - recs[0]["date"]).total_seconds() >= 0.95
    assert path in indexed_urls(crawl)


def test_the_summary_counts_what_was_not_archived_whole(crawl: dict[str, Any]) -> None:
    # it counted each attempt without a response as an error, and nothing else: not the 500s
    # given up after their retries, nor the bodies archived cut short
    summary = crawl["summary"]
    given_up = ["/error500/", "/slow/", "/short/", "/reset/"]  # after 1 + RETRY_TIMES tries
    assert summary["given_up"] == len(given_up), summary
    cut = sum(1 for recs in crawl["records"].values() for r in recs if r["truncated"])
    assert summary["truncated"] == cut >= 2 * (1 + RETRY_TIMES) + 2, summary


def test_slow_response_times_out_and_is_retried_within_limits(crawl: dict[str, Any]) -> None:
    assert asked(crawl, "/slow/") == 1 + RETRY_TIMES
    assert "/slow/" not in crawl["records"]  # no response ever arrived: nothing to archive


@pytest.mark.parametrize("path", ["/short/", "/reset/"])
def test_data_loss_is_archived_as_truncated_and_retried(crawl: dict[str, Any], path: str) -> None:
    recs = crawl["records"][path]
    assert asked(crawl, path) == 1 + RETRY_TIMES
    assert len(recs) == 1 + RETRY_TIMES
    for rec in recs:
        assert rec["status"] == 200 and rec["truncated"] == "length"
        assert len(rec["body"]) == SHORT_SENT  # what arrived, byte for byte
    assert path not in indexed_urls(crawl)  # a partial page is archived, not indexed


@pytest.mark.parametrize("path", ["/huge/", "/huge-chunked/"])
def test_body_over_maxsize_is_archived_truncated(crawl: dict[str, Any], path: str) -> None:
    [rec] = crawl["records"][path]
    assert asked(crawl, path) == 1  # a size limit is not a transient fault: no retry
    assert rec["status"] == 200 and rec["truncated"] == "length"
    assert len(rec["body"]) <= MAXSIZE + 65536 < HUGE_BYTES
    assert path not in indexed_urls(crawl)


def test_redirect_loop_and_endless_chain_are_bounded(crawl: dict[str, Any]) -> None:
    assert 1 <= asked(crawl, "/loop/a/") <= 2 and asked(crawl, "/loop/b/") <= 2
    chain = sum(1 for p in crawl["requests"] if p.startswith("/chain/"))
    assert 2 <= chain <= 21  # REDIRECT_MAX_TIMES (20) hops at most
    hops = [s for p in crawl["records"] if p.startswith("/chain/") for s in statuses(crawl, p)]
    assert hops == [302] * chain  # every hop archived
    assert statuses(crawl, "/loop/a/")[0] == 302


def test_calendar_trap_is_bounded_by_max_pages(crawl: dict[str, Any]) -> None:
    assert sum(1 for p in crawl["requests"] if p.startswith("/calendar/")) == MAX_PAGES


def test_binary_and_empty_bodies_are_kept_byte_for_byte(crawl: dict[str, Any]) -> None:
    for path, body in (("/doc.pdf", PDF), ("/pixel.png", PNG), ("/empty/", b"")):
        [rec] = crawl["records"][path]
        assert rec["status"] == 200 and rec["truncated"] is None
        assert hashlib.sha256(rec["body"]).digest() == hashlib.sha256(body).digest()
    assert not {"/doc.pdf", "/pixel.png", "/empty/"} & indexed_urls(crawl)


def test_charset_faults_and_broken_html_do_not_kill_extraction(crawl: dict[str, Any]) -> None:
    for path in ("/no-charset/", "/lying-charset/", "/broken/"):
        assert statuses(crawl, path) == [200]
    indexed = indexed_urls(crawl)
    assert "/no-charset/" in indexed
    db = sqlite3.connect(crawl["archive"] / "index.db")
    try:
        [(title,)] = db.execute("select title from articles where url like '%/no-charset/'")
    finally:
        db.close()
    assert title == "Café Zürich déjà vu"  # UTF-8 sniffed, not mojibake


@pytest.mark.parametrize(
    ("path", "title", "text"),
    [
        ("/header-charset/", "Переговоры в Москве", "Иван Петров пишет."),
        ("/latin1-no-charset/", "Café société: à Genève, l'été", "la fête à Genève, où l'été"),
    ],
)
def test_a_charset_named_by_the_http_header_or_by_no_one_is_read(
    crawl: dict[str, Any], tmp_path: Path, path: str, title: str, text: str
) -> None:
    """The crawl, and a rebuild from the WARC files, decode a page as its Content-Type says
    (windows-1251; not as the fallback windows-1252: ``Ïåðåãîâîðû``), and a page whose charset
    no one names as HTML's default windows-1252, not as a guess from its bytes (windows-1250
    had made ``à Genève`` ``ŕ Genčve``)."""
    rebuilt = tmp_path / "rebuilt.db"
    result = run_cli("reindex", crawl["archive"] / "warc", "--out", rebuilt, "--re-extract")
    assert result.returncode == 0, result.stdout + result.stderr
    for index in (crawl["archive"] / "index.db", rebuilt):
        db = sqlite3.connect(index)
        try:
            [(got, body)] = db.execute(
                "select title, body from articles where url like ?", [f"%{path}"]
            )
        finally:
            db.close()
        assert got == title and text in body, index


def test_archive_is_consistent_and_verifies(crawl: dict[str, Any]) -> None:
    check = run_cli("check", "--archive", crawl["archive"])
    assert check.returncode == 0, check.stdout + check.stderr
    result = subprocess.run(
        ["bash", str(VERIFIER), str(crawl["archive"] / "warc")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
