"""`archiver browse`: the real Datasette over the demo archive's index, on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from archiver.browse import browse_metadata, shipped_metadata
from tests.conftest import REPO, run_cli


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def get_json(base: str, path: str) -> Any:
    with urllib.request.urlopen(base + path, timeout=10) as response:  # 127.0.0.1 only
        return json.load(response)


@pytest.fixture(scope="module")
def server(demo_archive: Path) -> Iterator[str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "archiver", "browse"),
            "--archive",
            demo_archive,
            "--port",
            str(port),
        ],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                get_json(base, "/-/versions.json")
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"datasette did not start: {out[-2000:]}")
                time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def test_article_facets(server: str) -> None:
    data = get_json(server, "/index/articles.json?_facet=outlet&_size=0")
    facets = data["facet_results"]
    facets = facets.get("results", facets)  # Datasette 1.0 nests them under "results"
    outlets = {v["value"]: v["count"] for v in facets["outlet"]["results"]}
    assert outlets["demo"] >= 30
    sections = {v["value"] for v in facets["section"]["results"]}
    assert "World" in sections
    assert {"language", "published"} <= facets.keys()
    assert data["filtered_table_rows_count"] == outlets["demo"]


def test_canned_queries(server: str) -> None:
    hits = get_json(server, "/index/search.json?q=%22human+rights%22&_shape=array")
    assert any("human-rights" in h["url"] for h in hits)
    assert all("[" in h["snippet"] for h in hits)
    (latest,) = get_json(server, "/index/latest.json?_shape=array")
    assert latest["outlet"] == "demo" and latest["articles"] >= 30
    url = "http://demo-insight.test/robots.txt"
    captures = get_json(server, f"/index/captures_of_url.json?url={url}&_shape=array")
    assert captures and captures[0]["status"] == 200 and captures[0]["warc_file"]


def test_the_search_query_reads_words_as_the_search_command_does(server: str) -> None:
    # "digital-tenge" is a column filter to bare FTS5 (a "no such column" error)
    hits = get_json(server, "/index/search.json?q=digital-tenge+-rights&_shape=array")
    assert [h["url"] for h in hits] == [
        "http://demo-insight.test/kazakhstan-parliament-approves-digital-tenge-law/"
    ]
    assert "[digital tenge]" in hits[0]["snippet"]


def test_metadata_is_keyed_by_the_database(demo_archive: Path) -> None:
    shipped = shipped_metadata()
    meta = browse_metadata(demo_archive / "index.db")
    assert (
        meta["databases"]["index"]["queries"].keys()
        >= shipped["databases"]["index"]["queries"].keys()
    )


def test_no_index_is_one_line_error(tmp_path: Path) -> None:
    result = run_cli("browse", "--archive", tmp_path)
    assert result.returncode == 2 and result.stderr.startswith("Error: no index at")
    assert len(result.stderr.strip().splitlines()) == 1
