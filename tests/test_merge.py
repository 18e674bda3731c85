"""`archiver index merge`: shards of a distributed crawl made one index, on natural keys,
idempotently (fast: shards written through ArchiveIndex, no crawl)."""

from __future__ import annotations

import contextlib
import sqlite3
from pathlib import Path

from archiver.index import ArchiveIndex
from archiver.index.merge import merge
from archiver.items import Article, CaptureRef
from tests.conftest import run_cli

SHARED_URL = "http://x.test/shared/"


def shard(
    path: Path,
    worker: str,
    urls: list[str],
    *,
    title: str,
    captured: str,
    indexed: str,
    text: str = "zebra text of",
) -> None:
    index = ArchiveIndex(path)
    crawl = index.start_crawl("x", worker=worker)
    for n, url in enumerate(urls):
        ref = CaptureRef(
            record_id=f"<urn:uuid:{worker}-{n}>",
            warc_file=f"archiver-1-00000-{worker}.warc.gz",
            offset=n * 100,
            length=100,
            payload_digest=f"sha1:{worker}{n}",
            date=captured,
        )
        index.add_capture(
            ref, url=url, status=200, content_type="text/html", captured_at=captured, crawl_id=crawl
        )
        index.record_fetch(
            url=url,
            outlet="x",
            status=200,
            ref=ref,
            captured_at=captured,
            validators={"etag": f'"{worker}"', "last_modified": None},
            schedule=(),
        )
        article = Article(
            url=url,
            outlet="x",
            title=f"{title} {url}",
            body=f"{text} {url}",
            authors=[f"Author {worker}"],
            capture=ref,
        )
        index.add_article(article, crawl_id=crawl)
    index.db.execute("update articles set indexed_at = ?", [indexed])
    index.db.conn.commit()
    index.finish_crawl(crawl, outcome="finished", stats={"archiver/articles": len(urls)})
    index.close()


def table(path: Path, sql: str) -> list[tuple[object, ...]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        return db.execute(sql).fetchall()


def test_merge_keys_rows_and_is_idempotent(tmp_path: Path) -> None:
    a, b, out = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "out.db"
    shard(
        a,
        "w1",
        ["http://x.test/1/", SHARED_URL],
        title="Old",
        captured="2025-01-01T00:00:00Z",
        indexed="2025-01-01T00:00:01Z",
    )
    shard(
        b,
        "w2",
        [SHARED_URL, "http://x.test/2/"],
        title="New",
        captured="2025-01-02T00:00:00Z",
        indexed="2025-01-02T00:00:01Z",
    )
    summary = merge([a, b], out)
    assert (summary.articles, summary.captures) == (3, 4)
    assert table(out, "select worker, outcome from crawls order by id") == [
        ("w1", "finished"),
        ("w2", "finished"),
    ]
    # the shared URL: the row indexed last wins, with its own author rows and capture
    row = table(
        out,
        "select a.title, c.record_id, w.author from articles a join captures c"
        f" on c.id = a.capture_id join article_authors w on w.article_id = a.id"
        f" where a.url = '{SHARED_URL}'",
    )
    assert row == [(f"New {SHARED_URL}", "<urn:uuid:w2-0>", "Author w2")]
    versions = table(
        out,
        "select v.version, v.title from article_versions v join articles a"
        f" on a.id = v.article_id where a.url = '{SHARED_URL}' order by v.version",
    )
    assert versions == [(1, f"Old {SHARED_URL}"), (2, f"New {SHARED_URL}")]
    seen = table(
        out,
        "select s.first_seen, s.last_fetched, s.etag, c.record_id from seen_urls s"
        " join captures c on c.id = s.capture_id where s.url = ?".replace("?", f"'{SHARED_URL}'"),
    )
    assert seen == [("2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z", '"w2"', "<urn:uuid:w2-0>")]
    assert table(out, "select count(*) from articles_fts where articles_fts match 'zebra'") == [
        (3,)
    ]

    dump = "select * from {} order by 1, 2"
    tables = ["crawls", "captures", "articles", "article_authors", "article_versions", "seen_urls"]
    before = {t: table(out, dump.format(t)) for t in tables}
    merge([b, a], out)  # again, in the other order
    merge([a], out)
    assert {t: table(out, dump.format(t)) for t in tables} == before
    assert table(out, "select count(*) from articles_fts where articles_fts match 'zebra'") == [
        (3,)
    ]


def test_merged_versions_keep_their_text_and_store_the_articles_once(tmp_path: Path) -> None:
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    old = {"captured": "2025-01-01T00:00:00Z", "indexed": "2025-01-01T00:00:01Z"}
    new = {"captured": "2025-01-02T00:00:00Z", "indexed": "2025-01-02T00:00:01Z"}
    shard(a, "w1", [SHARED_URL], title="T", text="first text", **old)
    shard(b, "w2", [SHARED_URL], title="T", text="corrected text", **new)
    shown = "select version, body from article_versions order by version"
    stored = "select version, body from article_version_rows order by version"
    for order, out in (([a, b], tmp_path / "ab.db"), ([b, a], tmp_path / "ba.db")):
        merge(order, out)
        merge([a], out)  # again: nothing changes
        assert table(out, "select body from articles") == [(f"corrected text {SHARED_URL}",)]
        assert table(out, shown) == [
            (1, f"first text {SHARED_URL}"),
            (2, f"corrected text {SHARED_URL}"),
        ]
        assert table(out, stored) == [(1, f"first text {SHARED_URL}"), (2, None)], order


def test_merging_a_running_shard_again_takes_its_finished_state(tmp_path: Path) -> None:
    a, out = tmp_path / "a.db", tmp_path / "out.db"
    index = ArchiveIndex(a)
    crawl = index.start_crawl("x", worker="w1")
    index.close()
    merge([a], out)
    assert table(out, "select outcome from crawls") == [("running",)]
    index = ArchiveIndex(a)
    index.finish_crawl(crawl, outcome="finished", stats={})
    index.close()
    merge([a], out)
    assert table(out, "select worker, outcome from crawls") == [("w1", "finished")]


def test_merging_again_a_shard_whose_crawl_was_found_interrupted_takes_that(
    tmp_path: Path,
) -> None:
    """``check --repair`` (or a restarted worker's recovery) marks a killed worker's crawl
    ``interrupted`` without an end time: merged again, the row had stayed ``running``, and
    ``check`` of the merged archive failed on it."""
    a, out = tmp_path / "a.db", tmp_path / "out.db"
    index = ArchiveIndex(a)
    index.start_crawl("x", worker="w1")
    index.close()
    merge([a], out)
    with sqlite3.connect(a) as db:
        db.execute("update crawls set outcome = 'interrupted' where outcome = 'running'")
    merge([a], out)
    assert table(out, "select worker, outcome from crawls") == [("w1", "interrupted")]


def test_a_shard_found_damaged_while_merging_leaves_no_new_out(tmp_path: Path) -> None:
    # the shard opens (its header and schema are whole), its rows do not read back
    damaged = tmp_path / "w1.db"
    urls = [f"http://x.test/{n}/" for n in range(200)]
    shard(damaged, "w1", urls, title="T", captured="2024-01-01T00:00:00Z", indexed="x")
    data = bytearray(damaged.read_bytes())
    middle = len(data) // 4096 // 2 * 4096
    data[middle : middle + 3 * 4096] = b"\xa5" * (3 * 4096)
    damaged.write_bytes(bytes(data))
    out = tmp_path / "merged.db"
    result = run_cli("index", "merge", damaged, "--out", out)
    assert result.returncode != 0, result.stdout
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "w1.db" in result.stderr  # which of the shards
    assert not out.exists()


def test_an_out_that_is_a_hard_link_of_a_shard_is_refused(tmp_path: Path) -> None:
    """``--out`` a hard link of a shard is that shard, as the same path or a symlink is: refused
    before anything is written (the merge wrote into the shard, then blamed it: "cannot be read
    (disk I/O error)")."""
    a, b = tmp_path / "w1.db", tmp_path / "w2.db"
    shard(a, "w1", ["http://x.test/1/"], title="A", captured="2024-01-01T00:00:00Z", indexed="1")
    shard(b, "w2", ["http://x.test/2/"], title="B", captured="2024-01-01T00:00:00Z", indexed="1")
    out = tmp_path / "merged.db"
    out.hardlink_to(b)
    before = b.read_bytes()
    result = run_cli("index", "merge", a, b, "--out", out)
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "w2.db is the --out index itself" in lines[0], result.stderr
    assert b.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["merged.db", "w1.db", "w2.db"]
