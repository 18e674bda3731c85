"""The bad input catalogue: every case gives one line naming the problem on stderr, exit 2, no
traceback, and leaves the archive exactly as it was (every file hashed before and after).

Cases cover command-line arguments, outlet definitions, search queries, dates, corrupt or
truncated WARC files given to show/reindex, and corrupt index files. Each runs the real
command in its own process against a copy of a real demo crawl, damaged as the case needs.
"""

from __future__ import annotations

import gzip
import hashlib
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

from tests.conftest import REPO, run_cli, scrapy_crawl_args

ARTICLE = "http://demo-insight.test/kazakhstan-adopts-first-human-rights-action-plan/"
Setup = Callable[[Path, Path], None]


def nothing(archive: Path, tmp: Path) -> None:
    pass


@attrs.define
class Case:
    id: str
    args: list[str]
    needle: str
    """Text the error line must contain: what names the problem."""
    setup: Setup = nothing
    absent: str | None = None
    """A path (with {tmp}) that must not exist afterwards (no half-written output)."""


def outlet_file(text: str | bytes) -> Setup:
    def setup(archive: Path, tmp: Path) -> None:
        path = tmp / "mine.toml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text)

    return setup


def outlet_case(id: str, text: str | bytes, needle: str) -> Case:
    args = ["crawl", "mine", "--outlets", "{tmp}/mine.toml", "--archive", "{archive}"]
    return Case(id, args, needle, outlet_file(text))


GOOD = '[mine]\nallowed_domains = ["example.org"]\nsections = ["https://example.org/news/"]\n'


def the_warc(archive: Path) -> Path:
    [warc] = sorted((archive / "warc").glob("*.warc.gz"))
    return warc


def truncate_warc(archive: Path, tmp: Path) -> None:
    warc = the_warc(archive)
    warc.write_bytes(warc.read_bytes()[:1500])


def zero_warc_body(archive: Path, tmp: Path) -> None:
    warc = the_warc(archive)
    data = warc.read_bytes()
    warc.write_bytes(data[:1500] + bytes(len(data) - 1500))


def not_gzip_warc(archive: Path, tmp: Path) -> None:
    the_warc(archive).write_text("this is not a WARC file\n")


def empty_extra_warc(archive: Path, tmp: Path) -> None:
    (archive / "warc" / "archiver-29990101000000000000-00000-x.warc.gz").write_bytes(b"")


def remove_warc(archive: Path, tmp: Path) -> None:
    the_warc(archive).unlink()


def garbage_index(archive: Path, tmp: Path) -> None:
    (archive / "index.db").write_bytes(b"this is not an SQLite database\n" * 200)


def truncated_index(archive: Path, tmp: Path) -> None:
    index = archive / "index.db"
    index.write_bytes(index.read_bytes()[:4096])


def directory_index(archive: Path, tmp: Path) -> None:
    (archive / "index.db").unlink()
    (archive / "index.db").mkdir()


def foreign_index(archive: Path, tmp: Path) -> None:
    (archive / "index.db").unlink()
    db = sqlite3.connect(archive / "index.db")
    db.execute("create table recipes (name text)")
    db.commit()
    db.close()


def existing_out(archive: Path, tmp: Path) -> None:
    (tmp / "new.db").write_text("keep me")


def bad_manifest(archive: Path, tmp: Path) -> None:
    (tmp / "cases.jsonl").write_text('{"id": "a", "path": \n')


def broken_page(archive: Path, tmp: Path) -> None:
    (tmp / "page.html.gz").write_bytes(b"\x1f\x8b\x08\x00 not really gzip")


def damaged_index_page(archive: Path, tmp: Path) -> None:
    """One page of the index overwritten, as a disk error leaves it: the header still reads."""
    with (archive / "index.db").open("r+b") as fh:
        fh.seek(4096 * 7)
        fh.write(b"\xa5" * 4096)


def index_sql(statement: str) -> Setup:
    """The index changed by one SQL statement, as a damaged or hand-edited one might be."""

    def setup(archive: Path, tmp: Path) -> None:
        db = sqlite3.connect(archive / "index.db")
        db.execute(statement)
        db.commit()
        db.close()

    return setup


bad_schema_version = index_sql("update meta set value = 'abc' where key = 'schema_version'")
forged_schema_version = index_sql("update meta set value = '1' where key = 'schema_version'")


def export_exists(archive: Path, tmp: Path) -> None:
    (tmp / "o.jsonl").write_text("an earlier export\n")


def empty_shard(archive: Path, tmp: Path) -> None:
    (archive / "empty.db").write_bytes(b"")


def locks_is_file(archive: Path, tmp: Path) -> None:
    shutil.rmtree(archive / "locks", ignore_errors=True)
    (archive / "locks").write_text("not a directory\n")


def capture_row(change: str) -> Setup:
    """A capture row damaged in the index (``change``: an SQL ``set`` clause)."""
    return index_sql(f"update captures set {change}")


def damaged_article_record(archive: Path, tmp: Path) -> None:
    """One byte flipped inside the gzip member of ARTICLE's response record."""
    db = sqlite3.connect(archive / "index.db")
    [(name, offset)] = db.execute(
        "select warc_file, warc_offset from captures where url = ? and warc_type = 'response'",
        [ARTICLE],
    ).fetchall()
    db.close()
    warc = archive / "warc" / name
    data = bytearray(warc.read_bytes())
    data[offset + 200] ^= 0xFF
    warc.write_bytes(bytes(data))


def corrupt_wacz(archive: Path, tmp: Path) -> None:
    with zipfile.ZipFile(tmp / "bad.wacz", "w") as zf:
        zf.writestr("archive/data.warc.gz", b"garbage, not a WARC file")


def no_fts_table(archive: Path, tmp: Path) -> None:
    db = sqlite3.connect(archive / "index.db")
    for (name,) in db.execute("select name from sqlite_master where type = 'trigger'").fetchall():
        db.execute(f'drop trigger "{name}"')
    db.execute("drop table articles_fts")
    db.commit()
    db.close()


def manifest_without_url(archive: Path, tmp: Path) -> None:
    (tmp / "cases.jsonl").write_text('{"id": "a", "path": "page.html"}\n')


def cut_gzip(archive: Path, tmp: Path) -> None:
    data = gzip.compress(b"<html><body>" + b"<p>A paragraph of the page.</p>" * 200)
    (tmp / "page.html.gz").write_bytes(data[: len(data) // 2])


def a_page(archive: Path, tmp: Path) -> None:
    (tmp / "page.html").write_text("<html><body><p>A page.</p></body></html>")


SEARCH = ["search", "--archive", "{archive}"]

CASES = [
    # --- command-line arguments -----------------------------------------------------------
    Case("unknown-command", ["frobnicate"], "No such command 'frobnicate'"),
    Case("unknown-option", [*SEARCH, "x", "--bogus"], "--bogus"),
    Case("missing-argument", SEARCH, "QUERY"),
    Case("limit-not-number", [*SEARCH, "x", "--limit", "abc"], "--limit 'abc'"),
    Case("limit-too-big", [*SEARCH, "x", "--limit", "100001"], "limit"),
    Case("search-format", [*SEARCH, "x", "--format", "xml"], "'xml'"),
    Case("archive-missing", ["search", "x", "--archive", "{tmp}/none"], "no index at"),
    Case("archive-is-file", ["search", "x", "--archive", "{archive}/index.db"], "index.db"),
    Case(
        "show-unknown-url", ["show", "http://nowhere.test/x", "--archive", "{archive}"], "nowhere"
    ),
    Case("show-not-a-url", ["show", ":::::", "--archive", "{archive}"], ":::::"),
    Case(
        "show-malformed-url",
        ["show", "http://[::1", "--archive", "{archive}"],
        "'http://[::1' is not a well-formed URL",
    ),
    Case("show-no-url", ["show", "not a url", "--archive", "{archive}"], "not an absolute"),
    Case("show-two-modes", ["show", ARTICLE, "--raw", "--text", "--archive", "{archive}"], "--raw"),
    Case("export-suffix", ["export", "{tmp}/out.xyz", "--archive", "{archive}"], "out.xyz"),
    Case(
        "export-unwritable",
        ["export", "{tmp}/no/such/dir/out.jsonl", "--archive", "{archive}"],
        "out.jsonl",
    ),
    Case(
        "stats-plot-dir",
        ["stats", "--plot", "{tmp}/no/dir/p.png", "--archive", "{archive}"],
        "p.png",
    ),
    Case("extract-missing-page", ["extract", "{tmp}/none.html"], "none.html"),
    Case("extract-broken-gzip", ["extract", "{tmp}/page.html.gz"], "page.html.gz", broken_page),
    Case(
        "extract-bad-manifest",
        ["extract", "--manifest", "{tmp}/cases.jsonl"],
        "cases.jsonl",
        bad_manifest,
    ),
    Case("reindex-no-out", ["reindex", "{archive}/warc"], "--out"),
    Case(
        "reindex-missing-dir",
        ["reindex", "{tmp}/none", "--out", "{tmp}/new.db"],
        "none",
        absent="{tmp}/new.db",
    ),
    Case(
        "reindex-empty-dir",
        ["reindex", "{tmp}", "--out", "{tmp}/new.db"],
        "WARC",
        absent="{tmp}/new.db",
    ),
    Case(
        "reindex-out-exists",
        ["reindex", "{archive}/warc", "--out", "{tmp}/new.db"],
        "--force",
        existing_out,
    ),
    Case("browse-port", ["browse", "--port", "70000", "--archive", "{archive}"], "70000"),
    Case(
        "crawl-unknown-outlet", ["crawl", "nope", "--archive", "{archive}"], "unknown outlet 'nope'"
    ),
    Case("crawl-bad-url", ["crawl", "http://", "--archive", "{archive}"], "http://"),
    Case(
        "crawl-sources", ["crawl", "demo", "--sources", "bogus", "--archive", "{archive}"], "bogus"
    ),
    Case(
        "crawl-max-articles",
        ["crawl", "demo", "--max-articles", "0", "--archive", "{archive}"],
        "--max-articles",
    ),
    Case(
        "crawl-outlets-missing",
        ["crawl", "demo", "--outlets", "{tmp}/none.toml", "--archive", "{archive}"],
        "none.toml",
    ),
    Case(
        "schedule-outlets-missing",
        ["schedule", "--once", "--outlets", "{tmp}/none.toml", "--archive", "{archive}"],
        "none.toml",
    ),
    Case("outlets-format", ["outlets", "list", "--format", "xml"], "'xml'"),
    Case("suggest-not-url", ["outlets", "suggest", "not a url"], "not a url"),
    # --- outlet definitions ---------------------------------------------------------------
    outlet_case("toml-syntax", "[mine\nsections = 1\n", "mine.toml"),
    outlet_case("toml-not-utf8", b"[mine]\nsite_name = '\xff\xfe'\n", "mine.toml"),
    outlet_case("unknown-key", GOOD + "colour = 'red'\n", "colour"),
    outlet_case("wrong-type", GOOD + "max_pages = 'ten'\n", "max_pages"),
    outlet_case(
        "section-not-url",
        '[mine]\nallowed_domains = ["example.org"]\nsections = ["not a url"]\n',
        "sections",
    ),
    outlet_case("bad-regex", GOOD + "article_pattern = '('\n", "article_pattern"),
    outlet_case("bad-css", GOOD + "article_links = 'h3 >>> a'\n", "article_links"),
    outlet_case("bad-cron", GOOD + "schedule = 'daily'\n", "schedule"),
    outlet_case("bad-duration", GOOD + "revisit_after = ['soon']\n", "revisit_after"),
    outlet_case("politeness-key", GOOD + "politeness = { warp = 9 }\n", "politeness.warp"),
    outlet_case(
        "politeness-negative", GOOD + "politeness = { download_delay = -1 }\n", "download_delay"
    ),
    outlet_case(
        "domains-not-list",
        '[mine]\nallowed_domains = "example.org"\nsections = ["https://example.org/"]\n',
        "allowed_domains",
    ),
    outlet_case("no-such-outlet-in-file", GOOD.replace("[mine]", "[other]"), "mine"),
    outlet_case("host-map-type", GOOD + "host_map = { 'example.org' = 8080 }\n", "host_map"),
    outlet_case(
        "host-map-port", GOOD + "host_map = { 'example.org' = '127.0.0.1:abc' }\n", "host_map"
    ),
    # --- search queries ---------------------------------------------------------------
    Case("fts-unbalanced-quote", [*SEARCH, '"human rights'], "human rights"),
    Case("fts-bare-and", [*SEARCH, "AND"], "AND"),
    Case("fts-dangling-or", [*SEARCH, "rights OR"], "rights OR"),
    Case("fts-star", [*SEARCH, "*"], "*"),
    Case("fts-unknown-column", [*SEARCH, "nosuchcolumn:rights"], "nosuchcolumn"),
    Case("fts-empty", [*SEARCH, ""], "query"),
    # --- dates ------------------------------------------------------------------------
    Case("since-feb-30", [*SEARCH, "rights", "--since", "2024-02-30"], "2024-02-30"),
    Case("until-slashes", [*SEARCH, "rights", "--until", "2024/01/01"], "2024/01/01"),
    Case(
        "export-since",
        ["export", "{tmp}/o.jsonl", "--since", "2024-13-01", "--archive", "{archive}"],
        "2024-13-01",
        absent="{tmp}/o.jsonl",
    ),
    Case(
        "crawl-since",
        ["crawl", "demo", "--since", "2024-1-1x", "--archive", "{archive}"],
        "2024-1-1x",
    ),
    Case(
        "archive-is-its-warc-dir",  # a crawl built a second archive inside the first's warc/
        ["crawl", "demo", "--archive", "{archive}/warc"],
        "pass --archive",
    ),
    Case("search-in-warc-dir", ["search", "rights", "--archive", "{archive}/warc"], "warc"),
    # --- corrupt or truncated WARC files ------------------------------------------------
    Case(
        "show-truncated-warc",
        ["show", ARTICLE, "--archive", "{archive}"],
        "cut short",  # not "the index points at the wrong place"
        truncate_warc,
    ),
    Case(
        "show-zeroed-warc", ["show", ARTICLE, "--archive", "{archive}"], ".warc.gz", zero_warc_body
    ),
    Case("show-missing-warc", ["show", ARTICLE, "--archive", "{archive}"], ".warc.gz", remove_warc),
    Case(
        "show-not-gzip-warc",
        ["show", ARTICLE, "--headers", "--archive", "{archive}"],
        ".warc.gz",
        not_gzip_warc,
    ),
    Case(
        "reindex-truncated-warc",
        ["reindex", "{archive}/warc", "--out", "{tmp}/new.db"],
        ".warc.gz",
        truncate_warc,
        "{tmp}/new.db",
    ),
    Case(
        "reindex-not-gzip-warc",
        ["reindex", "{archive}/warc", "--out", "{tmp}/new.db"],
        ".warc.gz",
        not_gzip_warc,
        "{tmp}/new.db",
    ),
    Case(
        "reindex-empty-warc",
        ["reindex", "{archive}/warc", "--out", "{tmp}/new.db"],
        ".warc.gz",
        empty_extra_warc,
        "{tmp}/new.db",
    ),
    Case(
        "re-extract-truncated-warc",
        ["reindex", "{archive}/warc", "--re-extract", "--out", "{tmp}/new.db"],
        ".warc.gz",
        truncate_warc,
        "{tmp}/new.db",
    ),
    # --- distributed crawls ----------------------------------------------------------------
    Case("crawl-redis-not-url", ["crawl", "demo", "--redis", "localhost:6379"], "redis://"),
    Case("crawl-redis-bad-db", ["crawl", "demo", "--redis", "redis://127.0.0.1:1/abc"], "number"),
    Case(
        "crawl-redis-unreachable",
        ["crawl", "demo", "--redis", "redis://127.0.0.1:1/0"],
        "cannot reach Redis",
    ),
    Case(
        "worker-redis-unreachable",
        ["worker", "--redis", "redis://127.0.0.1:1/0", "--archive", "{archive}"],
        "cannot reach Redis",
    ),
    Case(
        "worker-bad-id",
        ["worker", "--redis", "redis://127.0.0.1:1/0", "--worker-id", "a/b"],
        "--worker-id",
    ),
    Case(
        "merge-missing-shard",
        ["index", "merge", "{tmp}/none.db", "--out", "{tmp}/m.db"],
        "none.db",
        absent="{tmp}/m.db",
    ),
    Case(
        "merge-garbage-shard",
        ["index", "merge", "{archive}/index.db", "--out", "{tmp}/m.db"],
        "index.db",
        garbage_index,
        "{tmp}/m.db",
    ),
    Case(
        "merge-into-itself",
        ["index", "merge", "{archive}/index.db", "--out", "{archive}/index.db"],
        "--out",
    ),
    Case(
        "reindex-dir-twice",
        ["reindex", "{archive}/warc", "{archive}/warc", "--out", "{tmp}/r.db"],
        "more than one",
        absent="{tmp}/r.db",
    ),
    # --- corrupt index files ------------------------------------------------------------
    Case("search-garbage-index", [*SEARCH, "rights"], "index.db", garbage_index),
    Case(
        "show-garbage-index", ["show", ARTICLE, "--archive", "{archive}"], "index.db", garbage_index
    ),
    Case(
        "export-garbage-index",
        ["export", "{tmp}/o.jsonl", "--archive", "{archive}"],
        "index.db",
        garbage_index,
        "{tmp}/o.jsonl",
    ),
    Case("check-garbage-index", ["check", "--archive", "{archive}"], "index.db", garbage_index),
    Case("search-truncated-index", [*SEARCH, "rights"], "index.db", truncated_index),
    Case("search-directory-index", [*SEARCH, "rights"], "index.db", directory_index),
    Case("search-foreign-index", [*SEARCH, "rights"], "index.db", foreign_index),
    Case(
        "crawl-garbage-index",
        ["crawl", "demo", "--archive", "{archive}"],
        "index.db",
        garbage_index,
    ),
    # --- found by trying every command with bad input (2026-12-06) -------------------------
    Case(
        "export-over-index",
        ["export", "{archive}/index.db", "--format", "jsonl", "--force", "--archive", "{archive}"],
        "archive's index",
    ),
    Case(
        "export-into-warc-dir",
        ["export", "{archive}/warc/x.csv", "--archive", "{archive}"],
        "WARC directory",
    ),
    Case(
        "export-out-exists",
        ["export", "{tmp}/o.jsonl", "--archive", "{archive}"],
        "--force",
        export_exists,
    ),
    Case(
        "wacz-over-index",
        ["export-wacz", "{archive}/index.db", "--force", "--archive", "{archive}"],
        "archive's index",
    ),
    Case(
        "stats-plot-not-png", ["stats", "--plot", "{tmp}/p.txt", "--archive", "{archive}"], ".png"
    ),
    Case("search-too-long", [*SEARCH, "rights " * 100], "too long"),
    Case("search-not-utf8", [*SEARCH, "rights\udcff"], "UTF-8"),
    Case("outlet-not-utf8", [*SEARCH, "rights", "--outlet", "\udcff"], "UTF-8"),
    Case("search-damaged-index", [*SEARCH, "rights"], "reindex", damaged_index_page),
    Case("stats-damaged-index", ["stats", "--archive", "{archive}"], "reindex", damaged_index_page),
    Case(
        "search-forged-schema-version",
        [*SEARCH, "rights"],
        "its version is damaged",
        forged_schema_version,
    ),
    Case("search-bad-schema-version", [*SEARCH, "rights"], "schema_version", bad_schema_version),
    Case("crawl-broken-ipv6", ["crawl", "http://[::1", "--archive", "{archive}"], "[::1"),
    Case("crawl-bad-port", ["crawl", "http://127.0.0.1:99999/", "--archive", "{archive}"], "99999"),
    Case(
        "crawl-space-in-url", ["crawl", "http://127.0.0.1:1/a b", "--archive", "{archive}"], "%20"
    ),
    Case("suggest-bad-port", ["outlets", "suggest", "http://127.0.0.1:abc/"], "abc"),
    Case(
        "extract-url-not-http",
        ["extract", "{tmp}/page.html", "--url", "javascript:alert(1)"],
        "--url",
        a_page,
    ),
    Case("redis-broken-ipv6", ["crawl", "demo", "--redis", "redis://[::1/0"], "redis://"),
    Case(
        "merge-empty-shard",
        ["index", "merge", "{archive}/empty.db", "--out", "{tmp}/m.db"],
        "no archiver index",
        empty_shard,
        "{tmp}/m.db",
    ),
    Case(
        "crawl-locks-is-file", ["crawl", "demo", "--archive", "{archive}"], "locks", locks_is_file
    ),
    Case(
        "reextract-corrupt-wacz",
        ["reextract", "{tmp}/bad.wacz", "--archive", "{archive}"],
        "bad.wacz",
        corrupt_wacz,
    ),
    Case(
        "show-capture-without-file",
        ["show", ARTICLE, "--archive", "{archive}"],
        "archiver check",
        capture_row("warc_file = null"),
    ),
    Case(
        "show-capture-offset-text",
        ["show", ARTICLE, "--archive", "{archive}"],
        "archiver check",
        capture_row("warc_offset = 'abc'"),
    ),
    Case(
        "wacz-capture-out-of-archive",
        ["export-wacz", "{tmp}/a.wacz", "--archive", "{archive}"],
        "archiver check",
        capture_row("warc_file = '../index.db'"),
        "{tmp}/a.wacz",
    ),
    outlet_case("delay-nan", GOOD + "politeness = { download_delay = nan }\n", "download_delay"),
    outlet_case("max-pages-huge", GOOD + "max_pages = 99999999999999999999\n", "max_pages"),
    outlet_case("cron-never-due", GOOD + "schedule = '0 0 30 2 *'\n", "never falls due"),
    Case("search-index-without-fts", [*SEARCH, "rights"], "damaged", no_fts_table),
    Case(
        "extract-manifest-no-url",
        ["extract", "--manifest", "{tmp}/cases.jsonl"],
        "(no url)",
        manifest_without_url,
    ),
    Case(
        "crawl-sources-empty",
        ["crawl", "demo", "--sources", "", "--archive", "{archive}"],
        "--sources",
    ),
    Case(
        "worker-id-empty",
        ["worker", "--redis", "redis://127.0.0.1:1/0", "--worker-id", "", "--archive", "{archive}"],
        "--worker-id",
    ),
    Case("reindex-out-empty", ["reindex", "{archive}/warc", "--out", ""], "directory"),
    Case("extract-cut-gzip", ["extract", "{tmp}/page.html.gz"], "cut short", cut_gzip),
    Case(
        "wacz-damaged-record",
        ["export-wacz", "{tmp}/a.wacz", "--archive", "{archive}"],
        "archiver check",
        damaged_article_record,
        "{tmp}/a.wacz",
    ),
    Case(
        "wacz-name-only-suffix",
        ["export-wacz", "{tmp}/.wacz", "--archive", "{archive}"],
        "NAME.wacz",
    ),
    Case("browse-bad-host", ["browse", "--host", "not a host!", "--archive", "{archive}"], "host"),
]


def tree(root: Path) -> dict[str, str]:
    """Every path under ``root`` with the sha256 of each file (``dir`` for directories).

    SQLite's ``-wal``/``-shm`` side files are left out: any change that reaches the database
    shows in ``index.db`` itself once the last connection closes.
    """
    out = {}
    for p in sorted(root.rglob("*")):
        if p.name.endswith(("-wal", "-shm")):
            continue
        out[str(p.relative_to(root))] = (
            hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "dir"
        )
    return out


def test_catalogue_has_at_least_50_cases() -> None:
    assert len(CASES) >= 50
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, demo_archive: Path, tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    work = tmp_path / "work"
    work.mkdir()
    case.setup(archive, work)
    before = tree(archive)
    args = [a.format(archive=archive, tmp=work) for a in case.args]
    result = run_cli(*args, timeout=60)
    lines = result.stderr.rstrip("\n").splitlines()
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    assert case.needle in lines[0], lines[0]
    assert tree(archive) == before, "the archive was modified"
    if case.absent:
        assert not Path(case.absent.format(tmp=work)).exists()


def test_scrapy_crawl_of_an_unreachable_site_is_the_same_error(tmp_path: Path) -> None:
    """`scrapy crawl news -a url=...` fetched nothing and exited 0, where `archiver crawl`
    says so in one line and exits 2."""
    archive = tmp_path / "archive"
    proc = subprocess.run(
        scrapy_crawl_args(archive, "url=http://127.0.0.1:1/", log_level="CRITICAL"),
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert proc.returncode == 2, proc.stdout + proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: crawl of 127.0.0.1 fetched nothing: "), last
    assert not (archive / "jobs").exists()


def test_an_unreachable_site_is_an_error_without_tracebacks(tmp_path: Path) -> None:
    # nothing listens on port 1. Before: Scrapy's tracebacks for every failed request, then
    # "finished" with exit 0, and a job directory that made the next crawl "resume"
    archive = tmp_path / "archive"
    result = run_cli("crawl", "http://127.0.0.1:1/", "--archive", archive, timeout=120)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("Error: crawl of 127.0.0.1 fetched nothing: "), last
    assert "ConnectionRefused" in last
    assert not (archive / "jobs").exists()
    # and its crawl row says so: a "finished" crawl lets the next one stop its pagination at
    # a page of known articles (the backlog walked), which this one never did
    db = sqlite3.connect(archive / "index.db")
    try:
        assert db.execute("select outcome from crawls").fetchall() == [("failed",)]
    finally:
        db.close()


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["-a", "outlet=nope"], "unknown outlet 'nope'"),
        (
            ["-a", "outlet=demo", "-s", "ARCHIVER_PAGE_RESOURCES_MAX=-1"],
            "ARCHIVER_PAGE_RESOURCES_MAX",
        ),
        (["-a", "outlet=demo", "-s", "ARCHIVER_EXTRACT_WORKERS=-5"], "ARCHIVER_EXTRACT_WORKERS"),
        (["-a", "outlet=demo", "-s", "ARCHIVER_INCREMENTAL=maybe"], "ARCHIVER_INCREMENTAL"),
        (["-a", "outlet=demo", "-s", "ARCHIVER_WARC_ENABLED=yes"], "ARCHIVER_WARC_ENABLED"),
        *(
            (["-a", "outlet=demo", "-s", f"{name}={value}"], name)
            for name, value in (
                ("ARCHIVER_REVISIT_AFTER", "bogus"),
                ("ARCHIVER_WARC_GZIP_LEVEL", "abc"),
                ("ARCHIVER_WARC_GZIP_LEVEL", "10"),
                ("ARCHIVER_WARC_MAX_SIZE", "abc"),
                ("ARCHIVER_INDEX_BATCH_SIZE", "0"),
                ("ARCHIVER_INDEX_FLUSH_SECONDS", "-1"),
                ("ARCHIVER_RETRY_AFTER_MAX", "abc"),
                ("ARCHIVER_GIVEN_UP_CRAWLS", "0"),
                ("ARCHIVER_HOST_MAP", "notjson"),
                ("ARCHIVER_HOST_MAP", '{"example.org": "127.0.0.1:99999"}'),
                ("ARCHIVER_DEMO_EDITION", "3"),
                ("ARCHIVER_MAX_ARTICLES", "-2"),
                ("DOWNLOAD_TIMEOUT", "abc"),
                ("CONCURRENT_REQUESTS", "0"),
                ("RETRY_TIMES", "-1"),
            )
        ),
    ],
)
def test_scrapy_crawl_setup_errors_are_one_line(
    args: list[str], needle: str, tmp_path: Path
) -> None:
    """Scrapy's own `crawl` printed them in a 30-line traceback ("Task exception was never
    retrieved") and exited 1."""
    proc = subprocess.run(
        [
            *(sys.executable, "-m", "scrapy", "crawl", "news", *args),
            *("-s", f"ARCHIVER_ARCHIVE_DIR={tmp_path}", "-s", "LOG_LEVEL=WARNING"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and needle in lines[0], lines
