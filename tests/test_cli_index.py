"""The index commands (search, stats, export, show) through the real CLI, on a small index
built with ArchiveIndex (fast, no crawl) and, for show, on a real demo crawl."""

from __future__ import annotations

import csv
import gzip
import io
import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from archiver.demo.site import DEMO_HOST, DemoSite
from archiver.index import ArchiveIndex
from archiver.items import Article, CaptureRef, Dateline
from tests.conftest import REPO, run_cli

BASE = f"http://{DEMO_HOST}"


def _article(index: ArchiveIndex, n: int, crawl: int, outlet: str, **fields: object) -> None:
    ref = CaptureRef(
        record_id=f"<urn:uuid:00000000-0000-0000-0000-{n:012d}>",
        warc_file="none.warc.gz",
        offset=n,
        length=1,
    )
    url = f"http://{outlet}.test/article-{n}/"
    index.add_capture(
        ref, url=url, status=200, content_type="text/html", captured_at="2024", crawl_id=crawl
    )
    article = Article(url=url, outlet=outlet, capture=ref, language="en", **fields)  # type: ignore[arg-type]
    index.add_article(article, crawl_id=crawl)


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """demo: 10 articles with bylines in crawl 1, 4 without in crawl 2; wire: 2 in German."""
    root = tmp_path_factory.mktemp("index-archive")
    index = ArchiveIndex(root / "index.db")
    first = index.start_crawl("demo")
    for n in range(10):
        _article(
            index,
            n,
            first,
            "demo",
            title=f"Human rights report {n}",
            body=f"Report {n} on human rights in Asia. " * 3,
            authors=["Amina Rahimova", "Bo Li"] if n % 2 else ["Amina Rahimova"],
            byline="By Amina Rahimova",
            section=["World", "Asia"],
            published=f"2024-01-{n + 1:02d}T09:00:00+00:00",
            dateline=Dateline(raw="Astana (TDI):", place="Astana", agency="TDI"),
        )
    second = index.start_crawl("demo")
    for n in range(10, 14):
        _article(
            index,
            n,
            second,
            "demo",
            title=f"Trade talks {n}",
            body="Trade talks resumed.",
            authors=["Carl Ode"],
            section=["Business"],
            published="2024-02-01",
        )
    wire = index.start_crawl("wire")
    for n in range(20, 22):
        _article(index, n, wire, "wire", title=f"Menschenrechte {n}", body="Menschenrechte")
    index.db.execute("update articles set language = 'de' where outlet = 'wire'")
    index.db.conn.commit()
    index.close()
    return root


def cli(archive: Path, *args: str) -> str:
    result = run_cli(*args, "--archive", archive)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_search_table_ranks_and_highlights(archive: Path) -> None:
    out = cli(archive, "search", "rights", "--limit", "3")
    assert out.count("http://demo.test/") == 3 and "[rights]" in out


def test_search_formats(archive: Path) -> None:
    hits = json.loads(cli(archive, "search", '"human rights"', "--format", "json"))
    assert len(hits) == 10 and hits[0]["authors"][0] == "Amina Rahimova"
    assert all(h["rank"] < 0 and "[human rights]" in h["snippet"] for h in hits)
    lines = cli(archive, "search", "rights", "--format", "jsonl", "--limit", "2").splitlines()
    assert [json.loads(line)["outlet"] for line in lines] == ["demo", "demo"]
    rows = list(csv.DictReader(io.StringIO(cli(archive, "search", "rights", "--format", "csv"))))
    assert len(rows) == 10 and rows[0]["section"] == "World; Asia"
    empty = cli(archive, "search", "nothingmatches", "--format", "csv")
    assert empty.splitlines()[0].startswith("url,title,outlet")


@pytest.mark.parametrize(
    ("args", "count"),
    [
        (("--outlet", "wire"), 2),
        (("--author", "bo li"), 5),
        (("--author", "Amina"), 0),
        (("--section", "asia"), 10),
        (("--section", "Business"), 4),
        (("--since", "2024-01-05"), 10),
        (("--since", "2024-01-05", "--until", "2024-01-31"), 6),
        (("--until", "2024-01-02"), 2),
        (("--lang", "de"), 2),
        (("--lang", "en", "--outlet", "demo", "--author", "Carl Ode"), 4),
        # several outlets: either one (a repeated option kept the last one, silently)
        (("--outlet", "demo", "--outlet", "wire"), 16),
        (("--outlet", "wire", "--outlet", "wire"), 2),
    ],
)
def test_search_filters(archive: Path, args: tuple[str, ...], count: int) -> None:
    query = "rights OR trade OR menschenrechte"
    hits = json.loads(cli(archive, "search", query, *args, "--format", "json"))
    assert len(hits) == count


BAD_INPUTS = [
    ("search", '"human rights'),
    ("search", "AND"),
    ("search", "NEAR("),
    ("search", "title:"),
    ("search", "   "),
    ("search", "rights", "--outlet", "nope"),
    ("search", "rights", "--outlet", "demo' OR 1=1 --"),
    ("search", "rights", "--author", "x'; drop table articles; --", "--outlet", "x"),
    ("search", "rights", "--since", "2024-13-01"),
    ("search", "rights", "--since", "yesterday"),
    ("search", "rights", "--until", "2024-02-30"),
    ("search", "rights", "--since", "20240101"),
    ("search", "rights", "--since", "2024-02-01", "--until", "2024-01-01"),
    ("search", "rights", "--limit", "0"),
    ("search", "rights", "--limit", "10001"),
    ("search", "rights", "--limit", "ten"),
    ("search", "rights", "--lang", "en' OR '1'='1"),
    ("search", "rights", "--author", " "),
    ("search", "rights", "--author", "Bo Li", "--author", "Carl Ode"),  # one is kept: which?
    ("export", "out.jsonl", "--lang", "de", "--lang", "en"),
    ("export", "out.txt"),
    ("export", "out.jsonl", "--query", '"open'),
    ("export", "out.jsonl", "--outlet", "nope"),
    ("export", "out.csv", "--since", "bad"),
    ("export", "/nonexistent-dir/out.parquet"),
    ("stats", "--plot", "/nonexistent-dir/stats.png"),
    ("show", "http://demo.test/nope/"),
    ("show", "http://demo.test/article-1/", "--text", "--raw"),
    ("show", "http://demo.test/article-1/", "--history", "--headers"),
]


@pytest.mark.parametrize("args", BAD_INPUTS)
def test_bad_input_is_one_line_and_exit_2(archive: Path, args: tuple[str, ...]) -> None:
    result = run_cli(*args, "--archive", archive)
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("Error: "), result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr
    index = ArchiveIndex(archive / "index.db")
    assert index.count("articles") == 16  # nothing was dropped or changed
    index.close()


def test_unknown_outlet_names_the_known_ones(archive: Path) -> None:
    result = run_cli("search", "x", "--outlet", "nope", "--archive", archive)
    assert "the index holds demo, wire" in result.stderr


def test_stats_table_json_and_fill_drop_warning(archive: Path) -> None:
    out = cli(archive, "stats")
    assert "demo                   14      2" in out
    assert (
        "WARNING: byline fill rate for demo fell from 100% to 0% in crawl 2 — "
        "the outlet's markup may have changed"
    ) in out
    data = json.loads(cli(archive, "stats", "--format", "json"))
    fill = {f["outlet"]: f for f in data["fill"]}
    assert fill["demo"]["authors"] == 100 and fill["wire"]["authors"] == 0
    assert round(fill["demo"]["byline"]) == round(100 * 10 / 14)
    assert {d["field"] for d in data["drops"]} == {"byline", "dateline"}
    assert sum(d["articles"] for d in data["days"] if d["outlet"] == "demo") == 14
    assert data["warnings"][0].startswith("byline fill rate for demo")


def test_stats_plot_writes_a_png(archive: Path, tmp_path: Path) -> None:
    png = tmp_path / "stats.png"
    cli(archive, "stats", "--plot", str(png))
    data = png.read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) > 20_000


@pytest.mark.parametrize("suffix", ["jsonl", "csv", "parquet"])
def test_export_reads_back(archive: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"articles.{suffix}"
    cli(archive, "export", str(out), "--outlet", "demo", "--since", "2024-01-06")
    if suffix == "jsonl":
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    elif suffix == "csv":
        with out.open(newline="") as fh:
            rows = list(csv.DictReader(fh))
    else:
        rows = pq.read_table(out).to_pylist()
    assert len(rows) == 9
    by_url = {r["url"]: r for r in rows}
    first = by_url["http://demo.test/article-5/"]
    if suffix == "csv":
        assert first["authors"] == "Amina Rahimova; Bo Li"
        assert first["section"] == "World; Asia"
    else:
        assert first["authors"] == ["Amina Rahimova", "Bo Li"]
        assert first["section"] == ["World", "Asia"]
    assert first["title"] == "Human rights report 5" and first["dateline_place"] == "Astana"


def test_export_with_query_and_explicit_format(archive: Path, tmp_path: Path) -> None:
    out = tmp_path / "articles.data"
    cli(archive, "export", str(out), "--query", "trade", "--format", "jsonl")
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(r["title"] for r in rows) == [f"Trade talks {n}" for n in range(10, 14)]


# -- show, on a real crawl ---------------------------------------------------------------------

SEED = f"{BASE}/{DemoSite().seed_article.slug}/"


def test_show_default_prints_decoded_html(demo_archive: Path) -> None:
    out = cli(demo_archive, "show", SEED)
    assert "<html" in out and DemoSite().seed_article.title in out


def test_show_raw_writes_the_archived_http_bytes(demo_archive: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "archiver", "show", SEED, "--raw", "--archive", demo_archive],
        capture_output=True,
        cwd=REPO,
        timeout=60,
        check=True,
    )
    head, _, body = proc.stdout.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200 ")
    assert b"Content-Encoding: gzip" in head
    assert body[:2] == b"\x1f\x8b" and b"<html" in gzip.decompress(body).lower()
    length = next(int(h.split(b":")[1]) for h in head.split(b"\r\n") if h.startswith(b"Content-L"))
    assert len(body) == length


def test_show_finds_a_url_written_another_way(demo_archive: Path) -> None:
    # a link copied with its #fragment, a host in capitals or a tracking parameter is the same
    # page; before, "is not in the archive" (but for --text, which looked up the article)
    title = DemoSite().seed_article.title
    host = "demo-insight.test"
    for variant in (
        f"{SEED}#comments",
        SEED.replace(host, host.upper()),
        f"{SEED}?utm_source=newsletter",
    ):
        assert title in cli(demo_archive, "show", variant)
        assert title in cli(demo_archive, "show", variant, "--text")


def test_show_headers_keeps_its_behaviour(demo_archive: Path) -> None:
    out = cli(demo_archive, "show", SEED, "--headers")
    assert out.startswith("HTTP/1.1 200 ") and "<html" in out


def test_show_text_prints_the_extracted_article(demo_archive: Path) -> None:
    seed = DemoSite().seed_article
    out = cli(demo_archive, "show", SEED, "--text")
    lines = out.splitlines()
    assert lines[0] == f"Title:     {seed.title}"
    assert [line.split(":")[0] for line in lines[:5]] == [
        "Title",
        "Byline",
        "Published",
        "Dateline",
        "Section",
    ]
    assert "Section:   " + " > ".join(seed.section) in lines
    assert lines[5] == "" and len(out) > 500


def test_show_history_lists_captures(demo_archive: Path) -> None:
    out = cli(demo_archive, "show", SEED, "--history").splitlines()
    assert out[0].split("\t") == [
        "captured_at",
        "status",
        "warc_file",
        "offset",
        "record_id",
        "payload_digest",
        "type",
    ]
    fields = out[1].split("\t")
    assert fields[1] == "200" and fields[4].startswith("<urn:uuid:")
    assert fields[5].startswith("sha1:") and fields[6] == "response"
    assert out[2:4] == ["", "version\tcaptured_at\trecord_id\turl\ttitle"]  # one crawl: one version
    assert len(out) == 5 and out[4].startswith("1\t") and fields[4] in out[4]


@pytest.mark.parametrize("archive", ["demo", "none"])
def test_show_history_of_nothing_prints_nothing_but_the_error(
    demo_archive: Path, tmp_path: Path, archive: str
) -> None:
    # the table's header went to stdout before the error: a script saw a table of no rows
    where = demo_archive if archive == "demo" else tmp_path / "none"
    result = run_cli("show", "--archive", where, "http://demo-insight.test/nope/", "--history")
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr


def _index_with_free_pages(tmp_path: Path) -> int:
    """An index of 100 articles in a file that held 300: its size."""
    index = ArchiveIndex(tmp_path / "index.db")
    crawl = index.start_crawl("demo")
    for n in range(300):
        _article(index, n, crawl, "demo", title=f"Plan {n}", body=f"rights plan {n} " * 400)
    with index.transaction():
        index.db.execute("delete from articles where id % 3 != 0")
    index.close()
    size = (tmp_path / "index.db").stat().st_size
    return size


def test_index_compact_gives_free_pages_back_and_keeps_every_row(tmp_path: Path) -> None:
    size = _index_with_free_pages(tmp_path)
    result = run_cli("index", "compact", "--archive", tmp_path)
    assert result.returncode == 0, result.stderr
    after = (tmp_path / "index.db").stat().st_size
    assert after < size * 0.5
    assert result.stdout.startswith(f"{tmp_path / 'index.db'}: ")
    assert f"{size / 1e6:.1f} MB -> {after / 1e6:.1f} MB" in result.stdout, result.stdout
    index = ArchiveIndex(tmp_path / "index.db")
    try:
        assert index.count("articles") == 100
        assert len(index.search("rights", limit=200)) == 100
    finally:
        index.close()


def test_index_compact_while_a_reader_has_it_open_says_when_the_space_comes_back(
    tmp_path: Path,
) -> None:
    """A researcher's sqlite3 session (or Datasette) in a read transaction: the compacted pages
    wait in the WAL until it ends, and the file keeps its size meanwhile."""
    import sqlite3

    size = _index_with_free_pages(tmp_path)
    reader = sqlite3.connect(tmp_path / "index.db")
    try:
        reader.execute("begin")
        assert reader.execute("select count(*) from articles").fetchone() == (100,)
        result = run_cli("index", "compact", "--archive", tmp_path)
        assert (tmp_path / "index.db").stat().st_size == size
    finally:
        reader.close()  # the last connection to close moves the compacted pages in
    assert result.returncode == 0, result.stderr
    after = (tmp_path / "index.db").stat().st_size
    assert after < size * 0.5
    assert f"{size / 1e6:.1f} MB -> {after / 1e6:.1f} MB when" in result.stdout, result.stdout
    assert "reading" in result.stdout and "given back" not in result.stdout, result.stdout


def test_index_compact_of_an_index_in_use_changes_nothing(tmp_path: Path) -> None:
    index = ArchiveIndex(tmp_path / "index.db")
    _article(index, 1, index.start_crawl("demo"), "demo", title="Plan", body="rights plan")
    index.db.execute("begin immediate")  # a crawl writing
    try:
        result = run_cli("index", "compact", "--archive", tmp_path)
    finally:
        index.db.conn.rollback()
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("Error: ") and "in use" in result.stderr, result.stderr
    try:
        assert [h["title"] for h in index.search("rights")] == ["Plan"]
    finally:
        index.close()


def test_index_compact_while_a_crawl_runs_changes_nothing(tmp_path: Path) -> None:
    # between two of the crawl's write batches the index is free, and VACUUM would take it
    # from the crawl for as long as it runs (minutes on a large index)
    from archiver.locks import outlet_lock

    size = _index_with_free_pages(tmp_path)
    with outlet_lock(tmp_path, "demo"):
        result = run_cli("index", "compact", "--archive", tmp_path)
    assert result.returncode == 2, result.stdout
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert "'demo'" in result.stderr and "crawl" in result.stderr, result.stderr
    assert (tmp_path / "index.db").stat().st_size == size


def test_index_compact_without_an_index_is_one_line(tmp_path: Path) -> None:
    result = run_cli("index", "compact", "--archive", tmp_path / "none")
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "no index" in result.stderr, result.stderr


def test_index_compact_that_cannot_write_its_copy_changes_nothing(tmp_path: Path) -> None:
    """A disk that takes no more (here a file size limit of 1 MB: writes past it fail)."""
    import resource

    index = ArchiveIndex(tmp_path / "index.db")
    crawl = index.start_crawl("demo")
    for n in range(100):
        _article(index, n, crawl, "demo", title=f"Plan {n}", body=f"rights plan {n} " * 400)
    index.close()
    size = (tmp_path / "index.db").stat().st_size

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    proc = subprocess.run(
        [sys.executable, "-m", "archiver", "index", "compact", "--archive", str(tmp_path)],
        capture_output=True,
        text=True,
        cwd=REPO,
        preexec_fn=limit,
        check=False,
    )
    assert proc.returncode == 2
    assert len(proc.stderr.splitlines()) == 1, proc.stderr
    assert "disk I/O error" in proc.stderr and "the index is unchanged" in proc.stderr
    assert (tmp_path / "index.db").stat().st_size == size
    index = ArchiveIndex(tmp_path / "index.db")
    try:
        assert len(index.search("rights", limit=200)) == 100
    finally:
        index.close()


def test_the_archive_directory_may_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # ARCHIVER_ARCHIVE_DIR, the setting's name, was read by crawls run through Scrapy only
    monkeypatch.setenv("ARCHIVER_ARCHIVE_DIR", str(tmp_path / "elsewhere"))
    result = run_cli("search", "rights")
    assert result.returncode == 2
    assert f"no index at {tmp_path / 'elsewhere' / 'index.db'}" in result.stderr, result.stderr


def test_stats_of_an_index_without_articles_says_so(tmp_path: Path) -> None:
    ArchiveIndex(tmp_path / "index.db").close()
    result = run_cli("stats", "--archive", tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        f"no articles in {tmp_path / 'index.db'} yet: crawl an outlet first (archiver crawl OUTLET)"
    )


def test_stats_counts_every_crawl_of_an_outlet(tmp_path: Path) -> None:
    # it counted the crawls that own an article row: a crawl that found nothing new, none
    index = ArchiveIndex(tmp_path / "index.db")
    first = index.start_crawl("demo")
    _article(index, 1, first, "demo", title="Plan", body="rights")
    index.finish_crawl(first, outcome="finished", stats={})
    for _ in range(2):
        index.finish_crawl(index.start_crawl("demo"), outcome="finished", stats={})
    index.close()
    result = run_cli("stats", "--archive", tmp_path, "--format", "json")
    assert result.returncode == 0, result.stderr
    [outlet] = json.loads(result.stdout)["outlets"]
    assert (outlet["outlet"], outlet["articles"], outlet["crawls"]) == ("demo", 1, 3)


def test_show_prints_a_body_its_content_encoding_misnames_as_sent(tmp_path: Path) -> None:
    # "cannot read a response record ... the file is damaged there", of a whole record
    from tests.test_warc import exchange, make_writer

    plain = b"<html><body><p>Plain bytes labelled gzip.</p></body></html>"
    headers = [("Content-Type", "text/html"), ("Content-Encoding", "gzip")]
    with make_writer(tmp_path / "warc") as writer:
        ref = exchange(writer, url=LIE, body=plain, response_headers=headers)
    index = ArchiveIndex(tmp_path / "index.db")
    index.add_capture(
        ref, url=LIE, status=200, content_type="text/html", captured_at="2024", crawl_id=None
    )
    index.close()
    shown = run_cli("show", LIE, "--archive", tmp_path)
    assert (shown.returncode, shown.stdout) == (0, plain.decode()), shown.stderr
    assert "does not decode as the gzip its Content-Encoding names" in shown.stderr
    for option in ("--headers", "--raw"):
        result = run_cli("show", LIE, option, "--archive", tmp_path)
        assert result.returncode == 0, result.stderr
        assert result.stdout.endswith(plain.decode()), result.stdout


LIE = "https://news.example/lie/"


def test_show_says_a_capture_is_incomplete(tmp_path: Path) -> None:
    """A body cut short (``WARC-Truncated``) is shown with a note saying so, in every mode: a
    reader citing the page had no sign that it is not whole."""
    from tests.test_warc import exchange, make_writer

    url = "https://news.example/cut/"
    whole = b"<html><body><p>A page the connection cut short.</p></body></html>"
    cut = whole[:40]
    headers = [("Content-Type", "text/html"), ("Content-Length", str(len(whole)))]
    with make_writer(tmp_path / "warc") as writer:
        ref = exchange(writer, url=url, body=cut, response_headers=headers, truncated="length")
    index = ArchiveIndex(tmp_path / "index.db")
    index.add_capture(
        ref, url=url, status=200, content_type="text/html", captured_at="2024", crawl_id=None
    )
    index.close()
    for option in ("--headers", "--raw", None):
        result = run_cli("show", url, *([option] if option else []), "--archive", tmp_path)
        assert result.returncode == 0, result.stderr
        note = f"note: the archived body is incomplete: 40 of the {len(whole)} bytes"
        assert note in result.stderr, (option, result.stderr)


def test_show_raw_of_a_revisit_writes_its_own_head_and_the_payload_it_refers_to(
    tmp_path: Path,
) -> None:
    """A 304's revisit is the latest capture: ``--raw`` writes its status line and headers (the
    304's Date, as ``--headers`` shows them and pywb replays them) and the body of the capture
    it refers to; it had written that earlier capture's whole response, an older Date."""
    from archiver.warc import SERVER_NOT_MODIFIED, Revisit
    from tests.test_warc import GZ_HTML, exchange, make_writer

    url = "https://news.example/revisited/"
    first = [("Date", "Mon, 01 Jan 2024 10:00:00 GMT"), ("Content-Encoding", "gzip")]
    later = [("Date", "Tue, 02 Jan 2024 10:00:00 GMT"), ("Content-Encoding", "gzip")]
    with make_writer(tmp_path / "warc") as writer:
        original = exchange(writer, url=url, response_headers=first)
        revisit = Revisit(
            profile=SERVER_NOT_MODIFIED,
            record_id=original.record_id,
            url=url,
            date=original.date or "",
            payload_digest=original.payload_digest or "",
        )
        again = exchange(writer, url=url, status=200, response_headers=later, revisit=revisit)
    index = ArchiveIndex(tmp_path / "index.db")
    for ref, when in ((original, "2024-01-01"), (again, "2024-01-02")):
        index.add_capture(
            ref, url=url, status=200, content_type="text/html", captured_at=when, crawl_id=None
        )
    index.close()
    proc = subprocess.run(
        [sys.executable, "-m", "archiver", "show", url, "--raw", "--archive", tmp_path],
        capture_output=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    head, _, body = proc.stdout.partition(b"\r\n\r\n")
    assert b"Date: Tue, 02 Jan 2024" in head and b"Mon, 01 Jan" not in head
    assert body == GZ_HTML


def test_a_hit_without_title_or_date_prints_no_python_none(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from archiver.cli.output import print_hits

    hit = {"published": None, "title": None, "url": "https://a.org/x", "snippet": "some [text]"}
    print_hits([hit])
    out = capsys.readouterr().out
    assert "None" not in out
    assert out.splitlines()[0] == "----------  (no title)"
