"""`archiver replay`: the real pywb (in the tools' own venv) over a copy of the demo archive."""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import brotli
import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.archive import Archive
from archiver.index import ArchiveIndex
from archiver.replay.cdxj import cdxj_path, source_path
from archiver.replay.server import outside_warc_files, timestamp14
from archiver.replay.tools import ReplayTools
from archiver.warc import WarcWriter, read_response
from tests.conftest import REPO, run_cli, scrapy_demo_crawl
from tests.localserver import ReplyHandler, serving
from tests.test_browse import free_port

TOOLS = ReplayTools()
MISSING = "the replay tools are not installed: run make replay-tools"


def get(port: int, path: str, accept_encoding: str) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)  # our pywb only
    try:
        conn.request("GET", path, headers={"Accept-Encoding": accept_encoding})
        response = conn.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        conn.close()


def replay_path(ts: str, url: str, modifier: str = "id_") -> str:
    return f"/archive/{ts}{modifier}/{urllib.parse.quote(url, safe=':/?&=%;,+@!$()*~')}"


def article_captures(archive: Path) -> list[dict[str, Any]]:
    conn = sqlite3.connect(archive / "index.db")
    conn.row_factory = sqlite3.Row
    try:
        rows = conn.execute(
            "select a.title, a.body, c.* from articles a join captures c"
            " on c.record_id = a.record_id order by c.url"
        ).fetchall()
    finally:
        conn.close()
    return [dict(r) for r in rows]


@pytest.fixture(scope="module")
def replay_archive(demo_archive: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    archive = tmp_path_factory.mktemp("replay") / "archive"
    shutil.copytree(demo_archive, archive)
    return archive


@contextlib.contextmanager
def running_replay(archive: Path, *urls: str) -> Iterator[tuple[int, list[str]]]:
    """`archiver replay --archive ARCHIVE URLS` running; yields its port and every line it
    printed so far (stdout and stderr)."""
    if not TOOLS.installed():
        pytest.fail(MISSING)
    port = free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "archiver", "replay", "--archive", str(archive)),
            *("--port", str(port), *urls),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    # drain the pipe all along: pywb logs every request and would block on a full pipe
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout or ()), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 90
        while not (
            any(line.startswith("pywb replays ") for line in lines)
            and sum(line.startswith("http://") for line in lines) >= len(urls)
        ):
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"archiver replay did not start: {''.join(lines)[-2000:]}")
            time.sleep(0.1)
        yield port, lines
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        reader.join(5)
        if proc.stdout:
            proc.stdout.close()


@pytest.fixture(scope="module")
def replay(replay_archive: Path) -> Iterator[tuple[int, list[str]]]:
    """`archiver replay URL` running; yields its port and every line it printed so far."""
    with running_replay(replay_archive, article_captures(replay_archive)[0]["url"]) as running:
        yield running


def test_replay_prints_collection_and_capture_urls(
    replay: tuple[int, list[str]], replay_archive: Path
) -> None:
    port, lines = replay
    first = article_captures(replay_archive)[0]
    base = f"http://127.0.0.1:{port}/archive/"
    assert f"pywb replays {replay_archive / 'warc'} at {base} (Ctrl-C stops it)\n" in lines
    assert f"{base}{timestamp14(first['captured_at'])}/{first['url']}\n" in lines
    # the CDXJ indexes sit next to the WARC files
    assert any(first["url"] in p.read_text() for p in (replay_archive / "cdxj").glob("*.cdxj"))


def test_three_captures_replay_byte_identical(
    replay: tuple[int, list[str]], replay_archive: Path
) -> None:
    port, _ = replay
    rows = article_captures(replay_archive)
    picked = [rows[0], rows[len(rows) // 2], rows[-1]]
    for row in picked:
        archived = read_response(replay_archive / "warc" / row["warc_file"], row["warc_offset"])
        assert dict(archived.headers).get("Content-Encoding") == "gzip", row["url"]
        path = replay_path(timestamp14(row["captured_at"]), row["url"])
        status, headers, body = get(port, path, "gzip, deflate, br")
        assert status == 200, (row["url"], body[:300])
        assert body == archived.entity, row["url"]  # as stored: still gzip
        status, headers, body = get(port, path, "identity")
        assert status == 200
        assert body == archived.payload, row["url"]  # decoded by pywb, identical to ours
        assert headers.get("Memento-Datetime")


def test_what_the_pages_load_replays_from_the_archive(
    replay: tuple[int, list[str]], replay_archive: Path
) -> None:
    """The demo's stylesheet and its author photos (identical bytes: all but the first archived
    as revisits) replay as archived."""
    port, _ = replay
    conn = sqlite3.connect(replay_archive / "index.db")
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "select * from captures where url like '%/wp-content/%' order by url"
    ).fetchall()
    conn.close()
    kinds = {(r["content_type"], r["warc_type"]) for r in rows}
    assert {("text/css", "response"), ("image/png", "response"), ("image/png", "revisit")} <= kinds
    for row in rows:
        original = row
        if row["warc_type"] == "revisit":
            original = next(r for r in rows if r["record_id"] == row["refers_to"])
        archived = read_response(
            replay_archive / "warc" / original["warc_file"], original["warc_offset"]
        )
        path = replay_path(timestamp14(row["captured_at"]), row["url"])
        status, _, body = get(port, path, "identity")
        assert (status, body) == (200, archived.payload), row["url"]


def wait_for_replay(port: int, ts: str, url: str) -> tuple[int, bytes]:
    deadline = time.monotonic() + 30
    while True:
        status, _, got = get(port, replay_path(ts, url), "identity")
        if status == 200 or time.monotonic() > deadline:
            return status, got
        time.sleep(0.5)


def test_rotated_warc_file_is_replayed_while_running(
    replay: tuple[int, list[str]], replay_archive: Path
) -> None:
    """A file being written, then rotated (renamed from .open), replays without a restart."""
    port, _ = replay
    url = "http://demo-insight.test/late-breaking-story/"
    body = b"<html><head><title>Late</title></head><body><p>Late news.</p></body></html>"
    warc_dir = replay_archive / "warc"
    writer = WarcWriter(warc_dir, prefix="late", clock=lambda: datetime(2999, 1, 1, tzinfo=UTC))
    write_page(writer, url, body)
    open_path = Path(writer.open_path or "")
    assert open_path.name.endswith(".open")
    assert wait_for_replay(port, "29990101000000", url) == (200, body)
    assert cdxj_path(open_path).is_file()
    (finished,) = map(Path, writer.close())
    time.sleep(0.1)
    assert wait_for_replay(port, "29990101000000", url) == (200, body)
    deadline = time.monotonic() + 10
    while cdxj_path(open_path).exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not cdxj_path(open_path).exists()
    assert url in cdxj_path(finished).read_text()


def netlog_requests(netlog: Path) -> list[tuple[str, str]]:
    """(url, initiator) of every URL request Chromium's net log shows it starting."""
    text = netlog.read_text(errors="replace").rstrip()
    if not text.endswith("}"):  # Chromium may leave the events list open
        text = text.rstrip(",") + "]}"
    data = json.loads(text)
    start_job = data["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    return [
        (e["params"]["url"], str(e["params"].get("initiator", "")))
        for e in data["events"]
        if e["type"] == start_job and "url" in e.get("params", {})
    ]


BROWSER_SERVICES = re.compile(r"(^|\.)(google\.com|googleapis\.com|gstatic\.com)$")
"""Chromium's own housekeeping (component updates, time, sign-in, autofill): not the page's."""


def headless_chromium(page: str, tmp_path: Path) -> tuple[str, list[tuple[str, str]]]:
    """Open ``page`` in Debian's headless chromium: (the DOM once rendered, its net log's
    requests). Anything not on loopback goes to a closed local port, yet shows in the log."""
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium is missing: run make sysdeps (APT_PACKAGES)"
    netlog = tmp_path / "netlog.json"
    proc = subprocess.run(
        [
            chromium,
            *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
            *("--disable-background-networking", "--disable-component-update", "--disable-sync"),
            *("--disable-default-apps", "--disable-extensions", "--metrics-recording-only"),
            "--disable-features=AutofillServerCommunication,OptimizationHints,Translate",
            "--proxy-server=http://127.0.0.1:9",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--log-net-log={netlog}",
            "--net-log-capture-mode=Default",
            "--virtual-time-budget=5000",
            "--dump-dom",
            page,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, netlog_requests(netlog)


def page_requests(requests: list[tuple[str, str]], page: str) -> list[str]:
    """The URLs the page asked for: its navigation and what it initiated."""
    parts = urllib.parse.urlsplit(page)
    origin = f"{parts.scheme}://{parts.netloc}"
    return [url for url, initiator in requests if initiator == origin or url == page]


def escaping(urls: list[str]) -> list[str]:
    return [u for u in urls if urllib.parse.urlsplit(u).hostname != "127.0.0.1"]


def test_headless_chromium_renders_replayed_article_offline(
    replay: tuple[int, list[str]], replay_archive: Path, tmp_path: Path
) -> None:
    port, _ = replay
    row = next(r for r in article_captures(replay_archive) if r["body"] and r["title"])
    ts = timestamp14(row["captured_at"])
    page = f"http://127.0.0.1:{port}" + replay_path(ts, row["url"], "")
    dom, requests = headless_chromium(page, tmp_path)
    assert re.search(r"<h1[^>]*>\s*" + re.escape(html.escape(row["title"], quote=False)), dom), (
        row["title"],
        dom[:3000],
    )
    first_paragraph = row["body"].split("\n")[0]
    words = " ".join(first_paragraph.split()[2:12])
    assert words in " ".join(dom.split()), (words, dom[:3000])
    assert (page, "not an origin") in requests  # the navigation: the log is the real one
    by_page = page_requests(requests, page)
    assert len(by_page) > 3  # the page, pywb's banner and wombat, the page's own CSS
    loaded = [u for u in by_page if "/wp-content/" in u]  # its stylesheet, its author's photo
    assert any("style.css" in u for u in loaded) and any(".png" in u for u in loaded), by_page
    assert not escaping(by_page), f"the replayed page requested the live web: {by_page}"
    others = {urllib.parse.urlsplit(u).hostname or u for u, i in requests if u not in by_page}
    assert all(BROWSER_SERVICES.search(h) for h in others), others


def test_net_log_check_catches_a_page_reaching_out(tmp_path: Path) -> None:
    """The control: a local page that loads from elsewhere is caught by the same check."""
    markup = (
        b"<html><body><h1>Leaky</h1><img src='http://escape.invalid/pixel.png'>"
        b"<script src='https://escape.invalid/tracker.js'></script></body></html>"
    )

    class Handler(ReplyHandler):
        def do_GET(self) -> None:
            self.send(200, markup, "text/html")

    with serving(Handler) as address:
        page = f"http://{address}/leaky.html"
        dom, requests = headless_chromium(page, tmp_path)
    assert "Leaky" in dom
    assert set(escaping(page_requests(requests, page))) == {
        "http://escape.invalid/pixel.png",
        "https://escape.invalid/tracker.js",
    }


def test_tools_are_isolated_and_scrapy_still_decodes_br(tmp_path: Path) -> None:
    """pywb's brotlipy lives in the tools' venv; Scrapy in ours still fetches and decodes br."""
    if not TOOLS.installed():
        pytest.fail(MISSING)
    theirs = subprocess.run(
        [str(TOOLS.python), "-c", "import brotli, sys; print(brotli.__file__)"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert theirs.startswith(str(TOOLS.location))
    assert not Path(brotli.__file__).resolve().is_relative_to(TOOLS.location.resolve())
    markup = (
        b"<html><body><p>" + b"Brotli still works in the crawler. " * 50 + b"</p></body></html>"
    )
    encoded = brotli.compress(markup)

    class Handler(ReplyHandler):
        def do_GET(self) -> None:
            self.send(200, encoded, "text/html", [("Content-Encoding", "br")])

    with serving(Handler) as address:
        # plain Scrapy (no project here): HttpCompressionMiddleware with our venv's brotli
        proc = subprocess.run(
            [sys.executable, "-m", "scrapy", "fetch", "--nolog", f"http://{address}/br.html"],
            cwd=tmp_path,
            capture_output=True,
            timeout=120,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == markup


def test_crawl_keeps_cdxj_beside_rotated_files(tmp_path: Path) -> None:
    """A crawl that rotates WARC files leaves each one with its CDXJ index, none stale."""
    if not TOOLS.installed():
        pytest.fail(MISSING)
    archive = tmp_path / "archive"
    proc = scrapy_demo_crawl(archive, "ARCHIVER_WARC_MAX_SIZE=100000")
    assert proc.returncode == 0, proc.stderr[-2000:]
    warcs = sorted((archive / "warc").glob("*.warc.gz"))
    assert len(warcs) >= 2
    indexes = [cdxj_path(w) for w in warcs]
    built_from = [source_path(i) for i in indexes]  # each WARC file's size and mtime
    assert sorted((archive / "cdxj").iterdir()) == sorted(indexes + built_from)
    assert all(p.name.endswith(".warc.gz") for p in (archive / "warc").iterdir())
    for warc in warcs:
        with warc.open("rb") as fh:
            responses = {
                (r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers.get_header("WARC-Date"))
                for r in ArchiveIterator(fh)
                if r.rec_type == "response"
            }
        lines = cdxj_path(warc).read_text().splitlines()
        entries = [json.loads(line.split(" ", 2)[2]) for line in lines]
        assert {e["filename"] for e in entries} == {warc.name}
        assert {u for u, _ in responses} <= {e["url"] for e in entries}


def test_replay_bad_input_is_one_line_error(demo_archive: Path, tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        cases = [
            (("--archive", tmp_path / "none"), "no WARC files in"),
            (("--archive", demo_archive, "http://demo-insight.test/never/"), "not in the archive"),
            (("--archive", demo_archive, "--port", str(port)), "pass another --port"),
        ]
        for args, message in cases:
            result = run_cli("replay", *args, timeout=60)
            assert result.returncode == 2, (args, result.stderr)
            assert message in result.stderr
            assert len(result.stderr.strip().splitlines()) == 1


def test_warc_file_put_back_with_its_old_mtime_is_indexed_again(
    demo_archive: Path, tmp_path: Path
) -> None:
    """A WARC file cut short, replayed (indexed as it was), then put back whole with its old
    mtime (``cp -p``): the index built from the cut file is stale, though newer than the file.
    Replaying the cut file says so in one line."""
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    rows = [
        r
        for r in article_captures(archive)
        if r["warc_file"] == article_captures(archive)[-1]["warc_file"]
    ]
    row = sorted(rows, key=lambda r: r["warc_offset"])[len(rows) // 2]
    warc = archive / "warc" / row["warc_file"]
    backup = tmp_path / "backup.warc.gz"
    shutil.copy2(warc, backup)
    with warc.open("r+b") as fh:  # cut in the middle of the record
        fh.truncate(row["warc_offset"] + row["warc_length"] // 2)
    with running_replay(archive) as (port, lines):
        pass
    warned = [line for line in lines if warc.name in line and "archiver check" in line]
    assert len(warned) == 1, lines
    shutil.copy2(backup, warc)  # its old mtime: older than the index built from the cut file
    archived = read_response(warc, row["warc_offset"])
    with running_replay(archive) as (port, lines):
        status, _, body = get(
            port, replay_path(timestamp14(row["captured_at"]), row["url"]), "gzip"
        )
        assert (status, body) == (200, archived.entity), body[:300]
    assert not any("archiver check" in line for line in lines), lines


def later_capture(directory: Path, prefix: str, url: str, body: bytes) -> Path:
    """A WARC file of its own in ``directory`` holding a 200 response of ``body`` for ``url``,
    captured in 2999: later than any capture of the archive."""
    writer = WarcWriter(directory, prefix=prefix, clock=lambda: datetime(2999, 1, 1, tzinfo=UTC))
    write_page(writer, url, body)
    (written,) = map(Path, writer.close())
    return written


def write_page(writer: WarcWriter, url: str, body: bytes) -> None:
    """A GET of ``url`` answered 200 with the HTML ``body``, through ``writer``."""
    writer.write_exchange(
        url=url,
        method="GET",
        request_headers=[("Host", urllib.parse.urlsplit(url).netloc)],
        request_body=b"",
        status=200,
        reason="OK",
        protocol="HTTP/1.1",
        response_headers=[("Content-Type", "text/html; charset=utf-8")],
        body=body,
        ip_address="127.0.0.1",
    )


def test_captures_outside_the_warc_directory_replay(demo_archive: Path, tmp_path: Path) -> None:
    """What ``archiver show`` reads, replay serves: a newer capture in a foreign WARC file
    (indexed by absolute path by ``reextract FILE --outlet``) and an archive built only by
    importing a WACZ (its files in ``imported/``, no ``warc/``)."""
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    row = article_captures(archive)[0]
    body = b"<html><head><title>Later</title></head><body><p>A later version.</p></body></html>"
    foreign = later_capture(tmp_path / "elsewhere", "foreign", str(row["url"]), body)
    result = run_cli("reextract", "--archive", archive, foreign, "--outlet", "demo")
    assert result.returncode == 0, result.stderr
    with running_replay(archive, row["url"]) as (port, lines):
        base = f"http://127.0.0.1:{port}/archive/"
        assert f"{base}29990101000000/{row['url']}\n" in lines, lines
        status, _, got = get(port, replay_path("29990101000000", row["url"]), "identity")
        assert (status, got) == (200, body)

    wacz = tmp_path / "demo.wacz"
    assert run_cli("export-wacz", "--archive", demo_archive, wacz).returncode == 0
    imported = tmp_path / "imported-only"
    assert run_cli("reextract", "--archive", imported, wacz).returncode == 0
    assert not (imported / "warc").exists()
    with running_replay(imported, row["url"]) as (port, lines):
        ts = timestamp14(row["captured_at"])
        assert f"http://127.0.0.1:{port}/archive/{ts}/{row['url']}\n" in lines, lines
        status, _, got = get(port, replay_path(ts, row["url"]), "identity")
        archived = read_response(demo_archive / "warc" / row["warc_file"], row["warc_offset"])
        assert (status, got) == (200, archived.payload)


def test_a_foreign_warc_file_that_cannot_be_indexed_is_skipped(
    demo_archive: Path, tmp_path: Path
) -> None:
    """A capture row pointing at a file outside ``warc/`` that cdxj-indexer cannot read (random
    bytes) costs only that file's captures, with a one-line warning naming them; a foreign file
    whose path is long (243 characters) gets an index file name within the 255-byte limit."""
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    row = article_captures(archive)[0]
    body = b"<html><head><title>Deep</title></head><body><p>Filed deep down.</p></body></html>"
    deep = tmp_path / "elsewhere"
    while len(str(deep)) < 190:
        deep /= "a-rather-long-directory-name"
    written = later_capture(deep, "x" * 10, str(row["url"]), body)
    foreign = deep / ("f" * (243 - len(str(deep / ".warc.gz"))) + ".warc.gz")
    written.rename(foreign)
    assert len(str(foreign)) == 243
    result = run_cli("reextract", "--archive", archive, foreign, "--outlet", "demo")
    assert result.returncode == 0, result.stderr

    garbage = tmp_path / "garbage" / "random.warc.gz"
    garbage.parent.mkdir()
    garbage.write_bytes(bytes(range(256)) * 64)
    lost = "http://demo-insight.test/lost-in-garbage/"
    add_capture_in(archive, lost, str(garbage))

    with running_replay(archive, row["url"]) as (port, lines):
        assert f"http://127.0.0.1:{port}/archive/29990101000000/{row['url']}\n" in lines, lines
        status, _, got = get(port, replay_path("29990101000000", row["url"]), "identity")
        assert (status, got) == (200, body)
        other = article_captures(archive)[-1]
        archived = read_response(archive / "warc" / other["warc_file"], other["warc_offset"])
        status, _, got = get(port, replay_path(timestamp14(other["captured_at"]), other["url"]), "")
        assert (status, got) == (200, archived.payload)
        time.sleep(3)  # a refresh or more: the file is not tried, nor reported, again
    warned = [line for line in lines if str(garbage) in line]
    assert len(warned) == 1, lines
    assert lost in warned[0] and "move it out" not in warned[0], warned
    assert all(len(p.name) <= 255 for p in (archive / "cdxj").iterdir())
    sidecars = [json.loads(p.read_text()) for p in (archive / "cdxj").glob("*.json")]
    assert {str(foreign), str(garbage)} <= {s.get("path") for s in sidecars}


def add_capture_in(archive: Path, url: str, warc_file: str) -> None:
    """A capture row (a copy of the first one's) of ``url`` pointing into ``warc_file``."""
    conn = sqlite3.connect(archive / "index.db")
    with conn:
        columns = [c[1] for c in conn.execute("pragma table_info(captures)") if c[1] != "id"]
        picked = [{"url": "?", "record_id": "?", "warc_file": "?"}.get(c, c) for c in columns]
        conn.execute(
            f"insert into captures ({', '.join(columns)}) select {', '.join(picked)}"
            " from captures order by id limit 1",
            (url, f"<urn:uuid:{url}>", warc_file),
        )
    conn.close()


def test_outside_warc_files_are_listed_again_only_when_the_index_changes(
    demo_archive: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """replay asks every two seconds: the index is read again only once index.db or its WAL
    changed, and an index it cannot read then (locked) costs a warning, not the replay."""
    archive_dir = tmp_path / "archive"
    shutil.copytree(demo_archive, archive_dir)
    first, second = tmp_path / "first.warc.gz", tmp_path / "second.warc.gz"
    first.write_bytes(b"")
    second.write_bytes(b"")
    add_capture_in(archive_dir, "http://demo-insight.test/first/", str(first))
    archive = Archive(archive_dir)
    opened = []
    open_index = archive.open_index
    monkeypatch.setattr(archive, "open_index", lambda: opened.append(1) or open_index())
    assert archive.outside_warc_files() == [first]
    for _ in range(3):
        assert archive.outside_warc_files() == [first]
    assert len(opened) == 1

    add_capture_in(archive_dir, "http://demo-insight.test/second/", str(second))
    assert archive.outside_warc_files() == [first, second]
    assert len(opened) == 2
    assert archive.outside_warc_files() == [first, second]
    assert len(opened) == 2

    add_capture_in(archive_dir, "http://demo-insight.test/third/", str(second))

    def locked() -> ArchiveIndex:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(archive, "open_index", locked)
    warned: list[str] = []
    assert outside_warc_files(archive, [first, second], warned.append) == [first, second]
    assert len(warned) == 1 and "database is locked" in warned[0], warned
    monkeypatch.setattr(archive, "open_index", open_index)
    assert outside_warc_files(archive, [], warned.append) == [first, second]
    assert len(warned) == 1
