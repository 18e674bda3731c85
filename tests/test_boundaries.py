"""Boundaries: nothing a page, an outlet definition or a URL contains makes the tool write
outside its archive directory (or read local files into it); the servers it starts bind to
127.0.0.1 unless told otherwise; filters reach SQL as parameters, never as SQL."""

from __future__ import annotations

import contextlib
import hashlib
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archiver.cli.archive_tools import browse
from archiver.demo.server import DemoServer
from archiver.exceptions import ConfigError
from archiver.warc import WarcWriter
from tests.conftest import REPO, run_cli, run_crawl_process
from tests.localserver import ReplyHandler, serving

TRAVERSALS = [
    "/../../../../escape-1/",
    "/%2e%2e/%2e%2e/%2e%2e/escape-2/",
    "/..%2f..%2f..%2fescape-3/",
    "/a/b/../../../../../escape-4/",
    "/..\\..\\..\\escape-5/",
]


class Handler(ReplyHandler):
    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n")
        elif self.path == "/":
            links = [*TRAVERSALS, "/to-file/", "/named/"]
            html = "".join(f"<h3><a href='{href}'>x</a></h3>" for href in links)
            self.send(200, f"<html><body>{html}</body></html>".encode())
        elif self.path == "/to-file/":
            self.send(302, b"", extra=[("Location", "file:///etc/passwd")])
        else:  # every other path, traversal or not, is an article that names a file
            body = (
                "<html><head><title>Escape</title></head><body><article><h1>Escape</h1>"
                + "<p>Words to extract, and more words to extract.</p>" * 20
                + "</article></body></html>"
            ).encode()
            disposition = 'attachment; filename="../../../../escape-6.html"'
            self.send(200, body, extra=[("Content-Disposition", disposition)])


@pytest.fixture
def server() -> Iterator[str]:
    with serving(Handler) as address:
        yield address


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else ""
        for p in root.rglob("*")
    }


def test_nothing_a_page_outlet_or_url_contains_writes_outside_the_archive(
    server: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Scrapy 2.19's remote-control extension, on by default, listened on a port for Python
    # to run and left its token in ~/.local/state/scrapy/job_files/
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    (tmp_path / "a" / "b" / "c").mkdir(parents=True)
    archive = tmp_path / "a" / "b" / "c" / "archive"
    outlets = tmp_path / "outlets.toml"
    name = "../../../escape-outlet"
    outlets.write_text(
        f'["{name}"]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://{server}/"]\n'
        'article_links = "h3 a::attr(href)"\n'
    )
    repo_before = sorted(p.name for p in REPO.iterdir())
    result = run_cli("crawl", name, "--outlets", outlets, "--archive", archive)
    assert result.returncode == 0, result.stderr
    outside = {k: v for k, v in snapshot(tmp_path).items() if not k.startswith("a/b/c/archive")}
    assert set(outside) == {"a", "a/b", "a/b/c", "outlets.toml"}, sorted(outside)
    assert sorted(p.name for p in REPO.iterdir()) == repo_before
    assert not list(Path("/").glob("escape*")) and not list(Path("/tmp").glob("escape*"))
    inside = sorted(snapshot(archive))
    assert all(not part.startswith("..") for k in inside for part in Path(k).parts), inside
    assert any(k.startswith("locks/") and "escape-outlet" in k for k in inside), inside
    uris = []
    for warc in (archive / "warc").glob("*.warc.gz"):
        with warc.open("rb") as fh:
            uris += [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)]
    assert not [u for u in uris if u and not u.startswith(("http://", "urn:archiver:"))]
    assert any("escape" in (u or "") for u in uris)  # the pages were crawled and archived


@pytest.mark.parametrize("prefix", ["../escape", "a/../../escape", "/tmp/escape", "..\\escape"])
def test_a_warc_prefix_cannot_leave_the_warc_directory(tmp_path: Path, prefix: str) -> None:
    with pytest.raises(ConfigError, match="prefix"):
        WarcWriter(tmp_path / "warc", prefix=prefix)
    run = run_crawl_process(
        "demo", tmp_path / "archive", overrides={"ARCHIVER_WARC_PREFIX": prefix}, timeout=120
    )
    assert run.returncode != 0 and "prefix" in run.stderr.strip().splitlines()[-1]
    assert not [p for p in tmp_path.rglob("*") if "escape" in p.name]


def test_sql_filters_are_parameters(demo_archive: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    before = snapshot(archive)
    result = run_cli("search", "rights", "--outlet", "x' OR '1'='1", "--archive", archive)
    assert result.returncode == 2, result.stderr  # a name, looked up as one
    assert result.stderr.startswith("Error: unknown outlet \"x' OR '1'='1\"")
    for option, value in (
        ("--author", "'; DROP TABLE articles; --"),
        ("--section", '") OR 1=1 --'),
        ("--tag", "%"),
    ):
        result = run_cli("search", "rights", option, value, "--archive", archive)
        assert result.returncode == 0, result.stderr
        assert "no article matches" in result.stderr, (option, result.stdout)
    result = run_cli("show", "x' OR 1=1 --", "--archive", archive)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert {k: v for k, v in snapshot(archive).items() if not k.endswith(("-wal", "-shm"))} == {
        k: v for k, v in before.items() if not k.endswith(("-wal", "-shm"))
    }


def listening_on(port: int) -> list[str]:
    """Addresses with a listening TCP socket on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(FileNotFoundError), open(table) as fh:
            for line in list(fh)[1:]:
                local, state = line.split()[1], line.split()[3]
                addr, _, hexport = local.partition(":")
                if state == "0A" and int(hexport, 16) == port:
                    if len(addr) == 8:
                        found.append(socket.inet_ntop(socket.AF_INET, bytes.fromhex(addr)[::-1]))
                    else:
                        found.append(addr)
    return found


def test_servers_bind_to_loopback_by_default() -> None:
    with DemoServer() as demo:
        port = int(demo.address.rpartition(":")[2])
        assert listening_on(port) == ["127.0.0.1"]  # the kernel's view, not the printed URL
    [host] = [p for p in browse.params if p.name == "host"]
    assert host.default == "127.0.0.1"
    out = subprocess.run(
        [sys.executable, "-m", "archiver.demo.server", "--help"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=REPO,
    ).stdout
    assert "127.0.0.1" in out
