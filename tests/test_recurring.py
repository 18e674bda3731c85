"""Recurring crawls: the seen-store, revisit records, article versions and resume.

The acceptance test crawls the demo outlet three times into one archive (edition 1 twice, then
edition 2 with two new posts and one corrected post) and checks what each run fetched, the
versions and the diff, and that the shared verifier replays every capture, revisits included.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import ClassVar

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.test import get_crawler
from warcio.archiveiterator import ArchiveIterator

from archiver.exceptions import ConfigError
from archiver.index import ArchiveIndex
from archiver.index.seen import (
    canonical_key,
    checks_due_by,
    is_due,
    normalize_url,
    parse_duration,
    parse_schedule,
    payload_digest,
)
from archiver.items import Article, CaptureRef
from archiver.seen import RECHECK, GivenUpArticles, SeenMiddleware, SeenStore, schedule_for
from archiver.warc import IDENTICAL_PAYLOAD, Revisit, WarcWriter
from tests.bigsite import BigSite
from tests.conftest import SHARED, run_cli, run_crawl_process
from tests.localserver import ReplyHandler, serving
from tests.test_crash import outlet_file
from tests.test_warc import exchange

VERIFIER = SHARED / "tools" / "verify_archive" / "verify_archive.sh"
HOST = "http://demo-insight.test"
EDITED = f"{HOST}/oil-prices-steady-opec-output-cuts/"
UNCHANGED = f"{HOST}/kazakhstan-adopts-first-human-rights-action-plan/"
NEW = {
    f"{HOST}/central-bank-holds-rates-inflation-eases/",
    f"{HOST}/textile-exports-rebound-karachi-port/",
}
SECTIONS = {f"{HOST}/category/world/", f"{HOST}/category/economy/", f"{HOST}/category/pakistan/"}


# -- rules ----------------------------------------------------------------------------------
def test_normalize_url_strips_tracking_case_fragment_and_trailing_slash() -> None:
    key = normalize_url("HTTP://Demo-Insight.TEST:80/a/b/?utm_source=x&fbclid=1&b=2&a=1#top")
    assert key == "http://demo-insight.test/a/b?a=1&b=2"
    assert normalize_url("http://demo-insight.test/a/b") == key.split("?")[0]
    assert normalize_url("http://x.test/article.php?story=12&gclid=3") == (
        "http://x.test/article.php?story=12"
    )  # an article's own parameters stay: two stories are two keys
    assert normalize_url("mailto:someone@example.org") is None


def test_percent_escapes_in_either_case_and_the_characters_they_stand_for_are_one_url() -> None:
    """RFC 3986 6.2.2.1: ``%d0%bd`` and ``%D0%BD`` are the same octets. ``show`` of the
    lowercase form said the URL was not archived, and a crawl fetched the two as two."""
    forms = (
        "http://x.test/ru/%d0%bd%d0%be/",
        "http://x.test/ru/%D0%BD%D0%BE/",
        "http://x.test/ru/но/",
    )
    assert {normalize_url(url) for url in forms} == {"http://x.test/ru/%D0%BD%D0%BE"}
    assert normalize_url("http://x.test/a%2fb") == "http://x.test/a%2Fb"  # still escaped


def test_canonical_url_stands_for_the_article_only_on_its_own_site() -> None:
    url = "http://n.test/story/?utm_source=x"
    assert canonical_key(url, "https://www.n.test/story/") == "https://www.n.test/story"
    assert canonical_key(url, "http://n.test/") is None  # every page's canonical on some sites
    assert canonical_key(url, "https://wire.test/original/") is None  # a syndicated story
    assert canonical_key(url, None) is None


def test_schedule_parses_and_decays() -> None:
    assert parse_schedule("7d, 1h,6h") == (
        timedelta(hours=1),
        timedelta(hours=6),
        timedelta(days=7),
    )
    assert parse_duration("90s") == timedelta(seconds=90)
    with pytest.raises(ConfigError, match="bad duration 'soon'"):
        parse_schedule(["1h", "soon"])
    schedule = parse_schedule(["1h", "6h", "24h", "7d"])
    first = datetime(2024, 1, 1, tzinfo=UTC)
    assert checks_due_by(first, first + timedelta(minutes=59), schedule) == 0
    assert checks_due_by(first, first + timedelta(hours=7), schedule) == 2
    entry = {"first_seen": "2024-01-01T00:00:00Z", "checks": 2}
    assert not is_due(entry, first + timedelta(hours=23), schedule)
    assert is_due(entry, first + timedelta(hours=25), schedule)
    entry["checks"] = 4  # the last age has passed: never again
    assert not is_due(entry, first + timedelta(days=400), schedule)


def test_outlet_revisit_after_takes_precedence_over_the_setting() -> None:
    settings = Settings({"ARCHIVER_REVISIT_AFTER": ["2h"]})
    spider = SimpleNamespace(outlet=SimpleNamespace(revisit_after=["7d", "6h"]))
    assert schedule_for(spider, settings) == (timedelta(hours=6), timedelta(days=7))
    spider.outlet.revisit_after = None
    assert schedule_for(spider, settings) == (timedelta(hours=2),)
    assert schedule_for(SimpleNamespace(), Settings())[0] == timedelta(hours=1)


def test_the_setting_applies_to_an_outlet_that_declares_no_revisit_after() -> None:
    # every Outlet carried the default schedule, so ARCHIVER_REVISIT_AFTER never applied
    from archiver.outlets import load_outlets

    spider = SimpleNamespace(outlet=load_outlets()["demo"])
    settings = Settings({"ARCHIVER_REVISIT_AFTER": ["90s"]})
    assert schedule_for(spider, settings) == (timedelta(seconds=90),)
    assert schedule_for(spider, Settings())[0] == timedelta(hours=1)


def test_revisit_record_refers_to_the_original(tmp_path: Path) -> None:
    body = b"<html>same bytes</html>"
    with WarcWriter(tmp_path) as writer:
        page = {
            "url": "http://a.test/",
            "request_headers": [],
            "response_headers": [("Content-Type", "text/html")],
            "ip_address": None,
        }
        first = exchange(writer, **page, body=body)
        revisit = Revisit(
            profile=IDENTICAL_PAYLOAD,
            record_id=first.record_id,
            url="http://a.test/",
            date=first.date or "",
            payload_digest=payload_digest(body),
        )
        second = exchange(writer, **page, body=body, revisit=revisit)
    assert first.payload_digest == payload_digest(body) == second.payload_digest
    assert (second.warc_type, second.refers_to) == ("revisit", first.record_id)
    (path,) = tmp_path.glob("*.warc.gz")
    with path.open("rb") as fh:
        records = [r for r in ArchiveIterator(fh) if r.rec_type in ("response", "revisit")]
        assert [r.rec_type for r in records] == ["response", "revisit"]
        head = records[1].rec_headers
        assert head.get_header("WARC-Profile") == IDENTICAL_PAYLOAD
        assert head.get_header("WARC-Refers-To-Target-URI") == "http://a.test/"
        assert head.get_header("WARC-Refers-To-Date") == first.date
        assert head.get_header("WARC-Refers-To") == first.record_id
        assert records[1].http_headers.get_statuscode() == "200"
        assert records[1].content_stream().read() == b""  # the bytes are not stored twice


def test_versions_and_many_urls_to_one_article(tmp_path: Path) -> None:
    index = ArchiveIndex(tmp_path / "index.db")
    try:
        crawl = index.start_crawl("demo")

        def add(url: str, body: str, n: int) -> int:
            ref = CaptureRef(
                record_id=f"<urn:uuid:{n}>",
                warc_file="f.warc.gz",
                offset=n,
                length=1,
                date=f"2024-01-0{n}T00:00:00Z",
            )
            index.add_capture(
                ref,
                url=url,
                status=200,
                content_type="text/html",
                captured_at=ref.date or "",
                crawl_id=crawl,
            )
            article = Article(
                url=url,
                canonical_url="http://n.test/story/",
                outlet="demo",
                title="T",
                body=body,
                capture=ref,
            )
            return index.add_article(article, crawl_id=crawl)

        first = add("http://n.test/story/", "one", 1)
        assert add("http://n.test/story/", "one", 2) == first  # unchanged: no new version
        assert add("http://n.test/story/?utm_source=feed&id=7", "one\n\ntwo", 3) == first
        versions = index.article_versions("http://n.test/story/")
        assert [(v["version"], v["body"]) for v in versions] == [(1, "one"), (2, "one\n\ntwo")]
        assert index.count("articles") == 1
        assert index.find_article("http://n.test/story/?id=7&utm_campaign=x")["id"] == first
    finally:
        index.close()


def test_an_articles_current_text_is_stored_once(tmp_path: Path) -> None:
    """The body of an article's latest version is its row's own: ``article_version_rows``
    holds null for it, ``article_versions`` shows every version's text; an older version's
    body is kept when a new one replaces the article's."""
    index = ArchiveIndex(tmp_path / "index.db")
    try:

        def add(title: str, body: str) -> None:
            article = Article(url="http://n.test/a/", outlet="demo", title=title, body=body)
            index.add_article(article, crawl_id=None)

        def rows(table: str, of: ArchiveIndex = index) -> list[tuple[object, ...]]:
            return list(of.db.execute(f"select version, title, body from {table} order by 1"))

        add("T", "one")
        assert rows("article_version_rows") == [(1, "T", None)]
        add("T", "one")  # unchanged: no new version
        add("T2", "one")  # the title alone changed: both versions hold the article's body
        assert rows("article_version_rows") == [(1, "T", None), (2, "T2", None)]
        add("T2", "one\n\ntwo")
        older = [(1, "T", "one"), (2, "T2", "one")]
        assert rows("article_version_rows") == [*older, (3, "T2", None)]
        assert rows("article_versions") == [*older, (3, "T2", "one\n\ntwo")]
        index.db.execute("delete from articles where url = 'http://n.test/a/'")
        assert index.count("article_version_rows") == 0
    finally:
        index.close()
    loaded = ArchiveIndex(tmp_path / "loaded.db")
    try:
        loaded.bulk_load([Article(url="http://n.test/b/", outlet="demo", title="B", body="b")])
        assert rows("article_version_rows", loaded) == [(1, "B", None)]
        assert [v["body"] for v in loaded.article_versions("http://n.test/b/")] == ["b"]
    finally:
        loaded.close()


def test_a_v6_index_keeps_its_versions_text_stored_once(tmp_path: Path) -> None:
    from archiver.index import MIGRATIONS
    from archiver.index.schema import apply_migration
    from tests.test_index import make_v1

    path = tmp_path / "index.db"
    make_v1(path)
    conn = sqlite3.connect(path)
    for version in range(2, 7):
        apply_migration(conn, version, MIGRATIONS[version])
    conn.execute("update article_versions set body = 'first text' where article_id = 1")
    conn.execute(
        "insert into article_versions (article_id, version, title, body)"
        " select id, 2, title, body from articles where id = 1"
    )
    conn.commit()
    before = conn.execute("select * from article_versions order by id").fetchall()
    conn.close()
    index = ArchiveIndex(path)
    try:
        assert list(index.db.execute("select * from article_versions order by id")) == before
        stored = "select article_id, version, body from article_version_rows order by id"
        assert list(index.db.execute(stored)) == [(1, 1, "first text"), (2, 1, None), (1, 2, None)]
    finally:
        index.close()


def test_v2_index_migrates_to_versions_and_seen_urls(tmp_path: Path) -> None:
    from tests.test_index import make_v1

    path = tmp_path / "index.db"
    make_v1(path)
    index = ArchiveIndex(path)
    try:
        assert index.count("article_versions") == 2
        keys = {r[0] for r in index.db.execute("select url_key from seen_urls")}
        assert keys == {"http://demo-insight.test/old", "http://demo-insight.test/bare"}
    finally:
        index.close()


# -- acceptance -----------------------------------------------------------------------------
def captures(archive: Path, crawl_id: int) -> list[dict[str, object]]:
    conn = sqlite3.connect(archive / "index.db")
    conn.row_factory = sqlite3.Row
    rows = conn.execute(
        "select url, status, warc_type, refers_to from captures where crawl_id = ?", [crawl_id]
    ).fetchall()
    conn.close()
    return [dict(r) for r in rows]


def article_urls(archive: Path) -> set[str]:
    """URLs of the indexed articles (the demo crawl also fetches feeds and sitemaps)."""
    conn = sqlite3.connect(archive / "index.db")
    urls = {row[0] for row in conn.execute("select url from articles")}
    conn.close()
    return urls


def make_due(archive: Path, *urls: str, hours: float = 2) -> None:
    """Let ``hours`` pass for ``urls`` since first seen: two make their first revision check
    (after 1 h) due, seven the second (6 h), 25 the third (24 h)."""
    conn = sqlite3.connect(archive / "index.db")
    for url in urls:
        conn.execute(
            "update seen_urls set first_seen = ? where url_key = ?",
            [(datetime.now(UTC) - timedelta(hours=hours)).isoformat(), normalize_url(url)],
        )
    conn.commit()
    conn.close()


def news_outlet(tmp_path: Path, address: str) -> Path:
    """An outlet file: the outlet ``local``, whose one section is ``/news/`` of ``address``."""
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(
        f'[local]\nallowed_domains = ["127.0.0.1"]\nsections = ["http://{address}/news/"]\n'
        'article_links = "h3 a::attr(href)"\n'
    )
    return outlets


def test_the_readmes_walkthrough_shows_the_corrected_posts_versions(
    tmp_path: Path, demo_archive: Path
) -> None:
    # README "Crawling again": the second edition's crawl with the revision checks due at once
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)
    second = run_cli("demo", "--archive", archive, "--edition", "2", "--revisit-after", "1s")
    assert second.returncode == 0, second.stderr
    run2 = {c["url"]: c for c in captures(archive, 2)}
    assert run2[UNCHANGED]["status"] == 304 and run2[UNCHANGED]["warc_type"] == "revisit"
    history = run_cli("show", EDITED, "--history", "--archive", archive)
    assert history.returncode == 0, history.stderr
    assert "+Correction: An earlier version" in history.stdout
    # an unchanged listing page: a revisit record, shown with its own headers (its Date)
    listing = f"{HOST}/category/world/"
    assert run2[listing]["warc_type"] == "revisit"
    conn = sqlite3.connect(archive / "index.db")
    [(warc_file, offset)] = conn.execute(
        "select warc_file, warc_offset from captures where crawl_id = 2 and url = ?", [listing]
    ).fetchall()
    conn.close()
    with (archive / "warc" / warc_file).open("rb") as fh:
        fh.seek(offset)
        date = next(iter(ArchiveIterator(fh))).http_headers.get_header("Date")
    shown = run_cli("show", listing, "--headers", "--archive", archive)
    assert shown.returncode == 0, shown.stderr
    assert f"Date: {date}" in shown.stdout.split("\n\n")[0]
    bad = run_cli("demo", "--archive", archive, "--revisit-after", "soon")
    assert bad.returncode == 2 and "'soon'" in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1, bad.stderr


@pytest.mark.slow
def test_recurring_crawls_of_a_changing_demo_outlet(tmp_path: Path, demo_archive: Path) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(demo_archive, archive)  # the first `make demo`: the session's own
    run1 = captures(archive, 1)
    articles1 = {str(c["url"]) for c in run1} & article_urls(archive)
    assert len(articles1) == 35
    assert len(run1) > 40 and all(
        c["warc_type"] == "response" for c in run1 if c["url"] in articles1
    )

    # `make demo` again: nothing new, nothing due. Listings only (section pages, feeds,
    # sitemaps, robots.txt), each one a revisit record.
    second = run_cli("demo", "--archive", archive)
    assert second.returncode == 0, second.stderr
    run2 = captures(archive, 2)
    assert {c["url"] for c in run2} >= SECTIONS | {f"{HOST}/robots.txt"}
    assert not {c["url"] for c in run2} & articles1
    assert all(c["warc_type"] == "revisit" and c["refers_to"] for c in run2)

    # The outlet changes (two new posts, one corrected); two known articles are due.
    make_due(archive, EDITED, UNCHANGED)
    third = run_cli("demo", "--edition", "2", "--archive", archive)
    assert third.returncode == 0, third.stderr
    run3 = {c["url"]: c for c in captures(archive, 3)}
    known = article_urls(archive)
    assert set(run3) >= SECTIONS | {f"{HOST}/robots.txt"}
    assert set(run3) & known == NEW | {EDITED, UNCHANGED}
    assert {u for u, c in run3.items() if c["warc_type"] == "response" and u in known} == NEW | {
        EDITED
    }
    assert run3[f"{HOST}/category/economy/"]["warc_type"] == "response"  # two new posts listed
    assert run3[UNCHANGED]["status"] == 304 and run3[UNCHANGED]["warc_type"] == "revisit"
    assert run3[f"{HOST}/category/world/"]["warc_type"] == "revisit"  # unchanged listing page
    assert not NEW & articles1

    history = run_cli("show", EDITED, "--history", "--archive", archive)
    assert history.returncode == 0, history.stderr
    lines = history.stdout.splitlines()
    versions = [line for line in lines if line[:2] in ("1\t", "2\t")]
    assert len(versions) == 2
    assert any(line.startswith("--- version 1 (") for line in lines)
    assert any(line.startswith("+Correction: An earlier version") for line in lines)
    conn = sqlite3.connect(archive / "index.db")
    crawls = conn.execute("select outcome, started_at, finished_at, stats from crawls").fetchall()
    counts = dict(conn.execute("select version, count(*) from article_versions group by 1"))
    conn.close()
    assert [c[0] for c in crawls] == ["finished"] * 3
    assert all(c[1] and c[2] and json.loads(c[3])["finish_reason"] == "finished" for c in crawls)
    assert counts == {1: len(articles1) + 2, 2: 1}

    # The WARC files alone rebuild the same captures (revisits included) and versions.
    rebuilt = tmp_path / "rebuilt.db"
    result = run_cli("reindex", archive / "warc", "--out", rebuilt)
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(rebuilt)
    rows = conn.execute("select warc_type, status, count(*) from captures group by 1, 2")
    rebuilt_counts = sorted(rows.fetchall())
    edited = conn.execute(
        "select count(*) from article_versions v join articles a on a.id = v.article_id"
        " where a.url = ?",
        [EDITED],
    ).fetchone()[0]
    conn.close()
    conn = sqlite3.connect(archive / "index.db")
    rows = conn.execute("select warc_type, status, count(*) from captures group by 1, 2")
    assert rebuilt_counts == sorted(rows.fetchall())
    conn.close()
    assert edited == 2

    if not VERIFIER.exists():
        pytest.skip("../shared/tools/verify_archive is not present")
    report = tmp_path / "verify.json"
    proc = subprocess.run(
        ["bash", str(VERIFIER), str(archive / "warc"), "--all-captures", "--json", str(report)],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    result = json.loads(report.read_text())
    assert result["ok"] and not result["fails"], result
    # the one warning allowed: the verifier notes the server-not-modified profile of the 304
    assert all("server-not-modified" in str(w) for w in result["warns"]), result["warns"]


@pytest.mark.slow
def test_interrupted_crawl_resumes_without_fetching_finished_articles(tmp_path: Path) -> None:
    archive = tmp_path / "archive"
    stop = {"CLOSESPIDER_PAGECOUNT": 12, "CONCURRENT_REQUESTS": 2}
    run = run_crawl_process("demo", archive, overrides=stop)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (run.summary["finish_reason"], run.summary["resumed"]) == (
        "closespider_pagecount",
        False,
    )
    assert (archive / "jobs" / "demo" / "requests.queue" / "active.json").is_file()
    run = run_crawl_process("demo", archive)
    assert run.returncode == 0, run.stderr[-3000:]
    assert (run.summary["finish_reason"], run.summary["resumed"]) == ("finished", True)
    assert not (archive / "jobs" / "demo").exists()
    conn = sqlite3.connect(archive / "index.db")
    fetched = conn.execute(
        "select url, count(*) from captures where status = 200 and warc_type = 'response'"
        " and url in (select url from articles) group by url"
    ).fetchall()
    articles = conn.execute("select count(*) from articles").fetchone()[0]
    conn.close()
    assert articles == 35 and len(fetched) == 35
    assert all(n == 1 for _url, n in fetched), [u for u, n in fetched if n > 1]
    # Nor does it fetch anything twice: a URL in the saved queue that the crawl finds again
    # (its sections, feeds and sitemaps, the articles they list) is fetched once, not once from
    # the queue and once more as found (the second capture was a revisit record of the first).
    conn = sqlite3.connect(archive / "index.db")
    twice = conn.execute(
        "select url, count(*) from captures where crawl_id = (select max(id) from crawls)"
        " and url not like '%/robots.txt' group by url having count(*) > 1"
    ).fetchall()
    conn.close()
    assert not twice, twice


@pytest.mark.slow
def test_limited_crawl_again_gets_new_articles(tmp_path: Path) -> None:
    """Known articles skipped do not count against --max-articles."""
    archive = tmp_path / "archive"
    for _ in range(2):
        result = run_cli("crawl", "demo", "--max-articles", "5", "--archive", archive)
        assert result.returncode == 0, result.stderr
    # what is no article link: listings, and what pages load (the stylesheet, author photos)
    listings = ("/category/", "/feed/", "sitemap", "robots.txt", "/wp-content/")

    def article_links(n: int) -> set[str]:  # (one demo link is dead: a 404 counts too)
        return {
            str(c["url"])
            for c in captures(archive, n)
            if not any(x in str(c["url"]) for x in listings)
        }

    fetched = [article_links(n) for n in (1, 2)]
    assert len(fetched[0]) == len(fetched[1]) == 5 and not fetched[0] & fetched[1], fetched


def listing_output(*urls: str) -> list[Request]:
    articles = [Request(u, meta={"archiver_role": "article"}) for u in urls]
    page2 = {"archiver_role": "listing", "archiver_pagination": True}
    return [*articles, Request(f"{HOST}/category/world/page/2/", meta=page2)]


def test_pagination_stops_only_at_a_page_of_articles_known_before_this_crawl(
    tmp_path: Path,
) -> None:
    index = ArchiveIndex(tmp_path / "index.db")
    old, due, now = f"{HOST}/old/", f"{HOST}/due/", datetime.now(UTC)
    for url, first_seen in ((old, now - timedelta(minutes=5)), (due, now - timedelta(hours=2))):
        index.db.execute(
            "insert into seen_urls (url_key, url, first_seen, checks) values (?, ?, ?, 0)",
            [normalize_url(url), url, first_seen.isoformat()],
        )
    index.db.conn.commit()
    crawler = get_crawler(settings_dict={"ARCHIVER_ARCHIVE_DIR": str(tmp_path)})
    middleware = SeenMiddleware.from_crawler(crawler)
    middleware._backlog_known = True  # the outlet's previous crawl ran to its end
    response = HtmlResponse(f"{HOST}/category/world/", body=b"<html></html>")
    try:
        # known before this crawl: the old one skipped, the due one re-checked; no page 2
        out = list(middleware.process_spider_output(response, listing_output(old, due)))
        assert [r.url for r in out] == [due] and RECHECK in out[0].meta
        # an article first seen during this crawl (fetched via another section) is its own
        this_crawl = f"{HOST}/this-crawl/"
        index.db.execute(
            "insert into seen_urls (url_key, url, first_seen, checks) values (?, ?, ?, 0)",
            [normalize_url(this_crawl), this_crawl, datetime.now(UTC).isoformat()],
        )
        index.db.conn.commit()
        out = list(middleware.process_spider_output(response, listing_output(old, this_crawl)))
        assert [r.url for r in out] == [this_crawl, f"{HOST}/category/world/page/2/"]
        new = list(middleware.process_spider_output(response, listing_output(f"{HOST}/new/")))
        assert len(new) == 2
        # fetched by a crawl that died before extracting it: fetched again, as new
        lost, other = f"{HOST}/lost/", f"{HOST}/not-an-article/"
        for url, page_type in ((lost, None), (other, "other")):
            index.db.execute(
                "insert into seen_urls (url_key, url, first_seen, checks, capture_id, page_type)"
                " values (?, ?, ?, 0, 1, ?)",
                [normalize_url(url), url, (now - timedelta(minutes=5)).isoformat(), page_type],
            )
        index.db.conn.commit()
        out = list(middleware.process_spider_output(response, listing_output(lost, other)))
        assert [r.url for r in out] == [lost, f"{HOST}/category/world/page/2/"]
    finally:
        middleware.store.close()
        index.close()


def test_pagination_is_followed_after_a_crawl_that_did_not_finish(tmp_path: Path) -> None:
    index = ArchiveIndex(tmp_path / "index.db")
    store = SeenStore(tmp_path / "index.db")
    try:
        assert not store.last_crawl_completed("demo", None)  # no crawl before
        first = index.start_crawl("demo")
        index.finish_crawl(first, outcome="finished", stats={})
        second = index.start_crawl("demo")
        assert store.last_crawl_completed("demo", second)
        third = index.start_crawl("demo")  # the second was killed: still "running"
        assert not store.last_crawl_completed("demo", third)
        index.finish_crawl(second, outcome="shutdown", stats={})
        assert not store.last_crawl_completed("demo", third)
        assert not store.last_crawl_completed("other", third)
    finally:
        store.close()
        index.close()


def test_pagination_is_followed_after_a_crawl_that_did_not_walk_every_listing(
    tmp_path: Path,
) -> None:
    """A crawl that finished but left listings unread (``--max-articles`` reached,
    ``--sources`` without sections, one page of the outlet) is no ground for stopping at a
    page of known articles: the backlog it never reached would be lost for good."""
    index = ArchiveIndex(tmp_path / "index.db")
    store = SeenStore(tmp_path / "index.db")
    try:
        for partial in ("max_articles", "sources", "one page"):
            limited = index.start_crawl("demo")
            index.finish_crawl(
                limited, outcome="finished", stats={"archiver/listings/partial": partial}
            )
            assert not store.last_crawl_completed("demo", None), partial
        full = index.start_crawl("demo")
        index.finish_crawl(full, outcome="finished", stats={"archiver/pages": 3})
        assert store.last_crawl_completed("demo", None)
    finally:
        store.close()
        index.close()
    with BigSite(40) as site:  # page 1: stories 40-21, page 2: 20-1
        archive, outlets = tmp_path / "archive", outlet_file(tmp_path, site)
        limit = {"ARCHIVER_MAX_ARTICLES": 20}  # page 1's stories, none of page 2's
        first = run_crawl_process("bigsite", archive, outlets=outlets, overrides=limit)
        assert first.returncode == 0, first.stderr[-2000:]
        assert site.article_hits() == 20
        second = run_crawl_process("bigsite", archive, outlets=outlets)
        assert second.returncode == 0, second.stderr[-2000:]
        assert site.article_hits() == 40, sorted(site.snapshot())


class _FailingStory(BigSite):
    """A BigSite whose story 5 (on listing page 2) answers 503 while ``failing`` holds."""

    failing = True
    story = "/news/story-5/"

    def page(self, path: str) -> tuple[bytes, int]:
        if path == self.story and self.failing:
            with self.lock:
                self.hits[path] += 1
            return b"busy", 503
        return super().page(path)


def test_an_article_given_up_on_is_fetched_by_the_next_crawl(tmp_path: Path) -> None:
    """A crawl that gave up on an article after its retries leaves it to the next crawl,
    which fetches it."""
    with _FailingStory(40) as site:
        archive, outlets = tmp_path / "archive", outlet_file(tmp_path, site)
        no_retries = {"RETRY_TIMES": 0}
        first = run_crawl_process("bigsite", archive, outlets=outlets, overrides=no_retries)
        assert first.returncode == 0, first.stderr[-2000:]
        assert first.summary["given_up"] == 1
        site.failing = False
        before = site.snapshot()
        second = run_crawl_process("bigsite", archive, outlets=outlets, overrides=no_retries)
        assert second.returncode == 0, second.stderr[-2000:]
        assert set(site.snapshot() - before) == {"/news/story-5/"}
    assert "/news/story-5/" in {u.removeprefix(site.url) for u in article_urls(archive)}


def test_an_article_given_up_on_and_then_fetched_from_a_listing_is_no_longer_carried(
    tmp_path: Path,
) -> None:
    """The list was read only when first needed, after the answer that should have taken the
    article off it: fetched fine from page 1, it was carried (and asked for) for ever."""
    with _FailingStory(40) as site:
        site.story = "/news/story-35/"  # on listing page 1
        archive, outlets = tmp_path / "archive", outlet_file(tmp_path, site)
        for failing in (True, False, False):
            site.failing = failing
            run = run_crawl_process(
                "bigsite", archive, outlets=outlets, overrides={"RETRY_TIMES": 0}
            )
            assert run.returncode == 0, run.stderr[-2000:]
    with contextlib.closing(sqlite3.connect(archive / "index.db")) as db:
        lists = [
            json.loads(stats).get("archiver/given_up/articles")
            for (stats,) in db.execute("select stats from crawls order by id")
        ]
    assert lists == [{f"{site.url}/news/story-35/": 1}, {}, {}], lists


def test_the_articles_given_up_on_are_those_of_the_last_crawl_that_kept_the_list(
    tmp_path: Path,
) -> None:
    index = ArchiveIndex(tmp_path / "index.db")
    store = SeenStore(tmp_path / "index.db")
    stat = "archiver/given_up/articles"
    try:
        assert store.given_up_before("demo", None) == {}
        first = index.start_crawl("demo")
        index.finish_crawl(first, outcome="finished", stats={stat: {f"{HOST}/a/": 1}})
        index.finish_crawl(index.start_crawl("other"), outcome="finished", stats={stat: {}})
        killed = index.start_crawl("demo")  # never closed: no stats, the list before counts
        assert store.given_up_before("demo", None) == {f"{HOST}/a/": 1}
        assert store.given_up_before("demo", first) == {}
        index.finish_crawl(killed, outcome="shutdown", stats={stat: {f"{HOST}/a/": 2, "b": "x"}})
        assert store.given_up_before("demo", None) == {f"{HOST}/a/": 2}
        index.finish_crawl(index.start_crawl("demo"), outcome="finished", stats={stat: {}})
        assert store.given_up_before("demo", None) == {}
    finally:
        store.close()
        index.close()


def test_a_revision_check_given_up_on_is_not_carried_and_an_answer_ends_the_carrying(
    tmp_path: Path,
) -> None:
    crawler = get_crawler(settings_dict={"ARCHIVER_ARCHIVE_DIR": str(tmp_path)})
    crawler.spider = SimpleNamespace(outlet=SimpleNamespace(name="demo"))
    given_up = GivenUpArticles.from_crawler(crawler)
    assert GivenUpArticles.from_crawler(crawler) is given_up
    article = {"archiver_role": "article"}
    given_up.failed(Request(f"{HOST}/new/", meta=article))
    given_up.failed(Request(f"{HOST}/known/", meta={**article, RECHECK: {"checks": 1}}))
    given_up.failed(Request(f"{HOST}/answered/?utm_source=x", meta=article))
    given_up.answered(Request(f"{HOST}/answered/", meta=article))
    assert crawler.stats.get_value("archiver/given_up/articles") == {f"{HOST}/new/": 1}


def test_an_article_that_keeps_failing_is_retried_without_walking_every_listing(
    tmp_path: Path,
) -> None:
    """An article given up on is remembered and asked for again by the next crawls, so that
    they need not read every listing page to find it: one broken article page must not make
    every crawl of the outlet walk its whole backlog. After ``ARCHIVER_GIVEN_UP_CRAWLS``
    crawls that gave up on it, it is no longer carried (a listing that names it still does)."""
    with _FailingStory(40) as site:  # story 5 is on listing page 2
        archive, outlets = tmp_path / "archive", outlet_file(tmp_path, site)
        settings = {"RETRY_TIMES": 0, "ARCHIVER_GIVEN_UP_CRAWLS": 2}
        page2 = "/news/page/2/"
        runs, logs = [], []
        for _ in range(3):
            before, requests = site.snapshot(), site.all_requests()
            run = run_crawl_process("bigsite", archive, outlets=outlets, overrides=settings)
            assert run.returncode == 0, run.stderr[-2000:]
            runs.append((site.snapshot() - before, site.all_requests()[page2] - requests[page2]))
            logs.append(run.stderr)
        # the first crawl walks both listing pages and gives up on story 5; the second stops
        # at page 1 (all known) and asks for story 5 again from what the first gave up on;
        # it gives up a second time, says so, and the third crawl no longer carries it
        assert runs[0][1] == 1 and runs[0][0]["/news/story-5/"] == 1
        assert runs[1] == ({"/news/story-5/": 1}, 0), runs[1]
        assert runs[2] == ({}, 0), runs[2]
        assert f"{site.url}/news/story-5/ given up by 2 crawls" in logs[1], logs[1][-2000:]


@pytest.mark.slow
def test_queue_of_a_crashed_crawl_is_discarded(tmp_path: Path) -> None:
    """Killed (no clean close), Scrapy leaves a queue without active.json whose pointers are
    stale: the next crawl starts afresh rather than replaying it."""
    archive = tmp_path / "archive"
    slot = archive / "jobs" / "demo" / "requests.queue" / "demo-insight.test-0"
    slot.mkdir(parents=True)
    (slot / "q00000").write_bytes(b"garbage of a killed crawl")
    run = run_crawl_process("demo", archive)
    assert run.returncode == 0, run.stderr[-3000:]
    assert [run.summary[k] for k in ("finish_reason", "resumed", "articles")] == [
        "finished",
        False,
        35,
    ]
    assert "did not shut down cleanly" in run.stderr
    assert not (archive / "jobs").exists()


def test_no_revisit_refers_to_a_file_a_crash_left_open(tmp_path: Path) -> None:
    """pywb does not index ``*.warc.gz.open`` files: an original there cannot be replayed."""
    index = ArchiveIndex(tmp_path / "index.db")
    ref = CaptureRef(
        record_id="<urn:uuid:1>", warc_file="a.warc.gz", offset=0, length=1, payload_digest="sha1:X"
    )
    index.add_capture(
        ref, url=f"{HOST}/", status=200, content_type="text/html", captured_at="2024", crawl_id=None
    )
    index.close()
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "a.warc.gz.open").write_bytes(b"")
    store = SeenStore(tmp_path / "index.db", tmp_path / "warc")
    later = SeenStore(tmp_path / "index.db", tmp_path / "warc")
    try:
        assert store.original("sha1:X") is None
        (tmp_path / "warc" / "a.warc.gz.open").rename(tmp_path / "warc" / "a.warc.gz")
        assert later.original("sha1:X") == {
            "url": f"{HOST}/",
            "captured_at": "2024",
            "record_id": "<urn:uuid:1>",
            "warc_file": "a.warc.gz",
        }
    finally:
        store.close()
        later.close()


def test_a_crawls_own_captures_are_looked_up_in_the_index_once_committed(tmp_path: Path) -> None:
    """Memory must not grow with the crawl: a capture is held only until its batch commits.
    After that it is found in the index, though this crawl's WARC file is still ``.open``."""
    index = ArchiveIndex(tmp_path / "index.db")
    (tmp_path / "warc").mkdir()
    (tmp_path / "warc" / "own.warc.gz.open").write_bytes(b"")
    (tmp_path / "warc" / "crashed.warc.gz.open").write_bytes(b"")
    store = SeenStore(tmp_path / "index.db", tmp_path / "warc")
    try:
        for n, name in enumerate(["own.warc.gz", "own.warc.gz", "crashed.warc.gz"]):
            ref = CaptureRef(
                record_id=f"<urn:uuid:{n}>", warc_file=name, offset=0, length=1,
                payload_digest=f"sha1:{n}",
            )  # fmt: skip
            if name.startswith("own"):
                store.remember(
                    ref.payload_digest, url=f"{HOST}/{n}", date="2024", record_id=ref.record_id,
                    warc_file=name,
                )  # fmt: skip
            index.add_capture(  # as the index extension does, in its next batch
                ref, url=f"{HOST}/{n}", status=200, content_type="text/html",
                captured_at="2024", crawl_id=None,
            )  # fmt: skip
        assert store.original("sha1:1") == {
            "url": f"{HOST}/1", "captured_at": "2024", "record_id": "<urn:uuid:1>",
            "warc_file": "own.warc.gz",
        }  # fmt: skip
        store.flushed()
        assert store._pending == {}
        assert store.original("sha1:1") == {
            "url": f"{HOST}/1", "captured_at": "2024", "record_id": "<urn:uuid:1>",
            "warc_file": "own.warc.gz",
        }  # fmt: skip
        assert store.original("sha1:0") is not None
        assert store.original("sha1:2") is None  # another crawl's file, left open by a crash
    finally:
        store.close()
        index.close()


class _PairedSite(BigSite):
    """Stories 2k-1 and 2k are the same bytes (a story published at two addresses)."""

    def page(self, path: str) -> tuple[bytes, int]:
        if path.startswith("/news/story-"):
            n = int(path.strip("/").rsplit("-", 1)[-1])
            return super().page(f"/news/story-{(n + 1) // 2}/")
        return super().page(path)


def test_a_payload_seen_earlier_in_the_crawl_is_a_revisit_across_index_batches(
    tmp_path: Path,
) -> None:
    """In a crawl, a page with the bytes of one captured earlier is written as a revisit of it,
    whether that capture is still in memory or already committed to the index (batches of 3)."""
    archive = tmp_path / "archive"
    with _PairedSite(60) as site:
        run = run_crawl_process(
            "bigsite",
            archive,
            outlets=outlet_file(tmp_path, site),
            overrides={"ARCHIVER_INDEX_BATCH_SIZE": 3, "CONCURRENT_REQUESTS": 2},
        )
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.summary["finish_reason"] == "finished"
    records: dict[str, tuple[str, str | None, str | None]] = {}
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                url = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type in ("response", "revisit") and "/story-" in url:
                    records[url] = (
                        rec.rec_type,
                        rec.rec_headers.get_header("WARC-Record-ID"),
                        rec.rec_headers.get_header("WARC-Refers-To"),
                    )
    assert len(records) == 60
    for k in range(1, 31):
        first, second = (records[f"{site.url}/news/story-{n}/"] for n in (2 * k - 1, 2 * k))
        original, revisit = (first, second) if first[0] == "response" else (second, first)
        assert (original[0], revisit[0]) == ("response", "revisit"), (k, first, second)
        assert revisit[2] == original[1]


def test_a_due_article_no_listing_page_links_is_checked_from_the_seen_store(
    tmp_path: Path,
) -> None:
    """An article that has dropped off the first listing page is still checked when due: the
    crawl's pagination stops at page 1 (all known), and the seen-store names the due article
    on page 2; it is requested with its validators. Articles not due, and articles whose last
    check age is long past (a 30-day-old article not checked since), are not."""
    archive = tmp_path / "archive"
    with BigSite(40) as site:  # page 1: stories 40-21, page 2: 20-1
        outlets = outlet_file(tmp_path, site)
        first = run_crawl_process("bigsite", archive, outlets=outlets)
        assert first.returncode == 0, first.stderr[-2000:]
        assert site.article_hits() == 40
        make_due(archive, f"{site.url}/news/story-30/", f"{site.url}/news/story-5/")
        conn = sqlite3.connect(archive / "index.db")
        conn.execute(
            "update seen_urls set first_seen = ? where url_key = ?",
            [
                (datetime.now(UTC) - timedelta(days=30)).isoformat(),
                normalize_url(f"{site.url}/news/story-6/"),
            ],
        )
        conn.commit()
        conn.close()
        before = site.snapshot()
        second = run_crawl_process("bigsite", archive, outlets=outlets)
        assert second.returncode == 0, second.stderr[-2000:]
        fetched = set(site.snapshot() - before)
        requests = site.all_requests()
    assert fetched == {"/news/story-30/", "/news/story-5/"}
    assert requests["/news/page/2/"] == 1  # pagination stopped at page 1 in the second crawl


RIVER_STORY = (
    "<html lang='en'><head><title>The river road plan</title>"
    "<meta property='og:type' content='article'></head><body><article>"
    "<h1>The river road plan</h1><p class='byline'>By Jo Writer</p>"
    + "<p>The council agreed to widen the river road after months of debate.</p>" * 8
    + "</article></body></html>"
).encode()


class MovingStory(ReplyHandler):
    """A story with an ETag that moves (301) once the test says so; its new address answers
    304 to any If-None-Match naming the old ETag, as a careless server would."""

    moved: ClassVar[bool] = False
    validators: ClassVar[dict[str, str | None]] = {}

    def do_GET(self) -> None:
        story = RIVER_STORY
        self.validators[self.path] = self.headers.get("If-None-Match")
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/news/":
            self.send(200, b"<html><body><h3><a href='/news/story/'>Story</a></h3></body></html>")
        elif self.path == "/news/story/" and self.moved:
            self.send(301, b"", "text/html", [("Location", "/news/story-moved/")])
        elif self.path == "/news/story/":
            self.send(200, story, extra=[("ETag", '"v1"')])
        elif self.path == "/news/story-moved/" and self.headers.get("If-None-Match") == '"v1"':
            self.send(304, b"", extra=[("ETag", '"v1"')])
        elif self.path == "/news/story-moved/":
            self.send(200, story.replace(b"months", b"years"), extra=[("ETag", '"v2"')])
        else:
            self.send(404, b"not found", "text/plain")


def test_a_revision_check_redirected_elsewhere_goes_without_its_validators(
    tmp_path: Path,
) -> None:
    """The validators of a due article's last capture belong to its URL: a check redirected to
    another URL asked that one "not modified since" with them, and a 304 there was archived as
    a revisit of the old URL's capture instead of the new URL's own response."""
    MovingStory.moved, MovingStory.validators = False, {}
    archive = tmp_path / "archive"
    with serving(MovingStory) as address:
        outlets = news_outlet(tmp_path, address)
        first = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
        assert first.returncode == 0, first.stderr
        make_due(archive, f"http://{address}/news/story/")
        MovingStory.moved = True
        second = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
        assert second.returncode == 0, second.stderr
    assert MovingStory.validators["/news/story/"] == '"v1"'  # the check itself: conditional
    assert MovingStory.validators["/news/story-moved/"] is None
    moved = [c for c in captures(archive, 2) if c["url"].endswith("/news/story-moved/")]
    assert [(c["status"], c["warc_type"]) for c in moved] == [(200, "response")], moved


def test_due_articles_from_the_seen_store_come_after_the_new_ones_and_share_the_limit(
    tmp_path: Path,
) -> None:
    """The seen-store's due articles are requested once the listings are done, within what is
    left of --max-articles: requested at the start, they took the whole limit from the new
    articles the listing pages name."""
    archive = tmp_path / "archive"
    with BigSite(40) as site:
        outlets = outlet_file(tmp_path, site)
        first = run_crawl_process("bigsite", archive, outlets=outlets)
        assert first.returncode == 0, first.stderr[-2000:]
        make_due(archive, f"{site.url}/news/story-30/", f"{site.url}/news/story-5/")
        site.articles = 43  # three new stories at the top of page 1
        before = site.snapshot()
        limited = {"ARCHIVER_MAX_ARTICLES": 3}
        second = run_crawl_process("bigsite", archive, outlets=outlets, overrides=limited)
        assert second.returncode == 0, second.stderr[-2000:]
        assert set(site.snapshot() - before) == {f"/news/story-{n}/" for n in (41, 42, 43)}
        before = site.snapshot()
        third = run_crawl_process("bigsite", archive, outlets=outlets)  # no limit: the checks
        assert third.returncode == 0, third.stderr[-2000:]
        assert set(site.snapshot() - before) == {"/news/story-30/", "/news/story-5/"}


class FlippingStory(ReplyHandler):
    """A story whose text goes from v1 to v2 and back, each text with its own ETag; it answers
    304 to an If-None-Match naming the ETag of the text it serves."""

    text: ClassVar[str] = "v1"
    validators: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        figure = {"v1": "100", "v2": "200"}[self.text]
        story = (
            "<html lang='en'><head><title>The budget figure</title>"
            "<meta property='og:type' content='article'></head><body><article>"
            "<h1>The budget figure</h1><p class='byline'>By Jo Writer</p>"
            + f"<p>The council said the budget figure stands at {figure} million this year.</p>" * 8
            + "</article></body></html>"
        ).encode()
        etag = f'"{self.text}"'
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/news/":
            self.send(200, b"<html><body><h3><a href='/news/story/'>Story</a></h3></body></html>")
        elif self.path == "/news/story/":
            self.validators.append(self.headers.get("If-None-Match"))
            if self.headers.get("If-None-Match") == etag:
                self.send(304, b"", extra=[("ETag", etag)])
            else:
                self.send(200, story, extra=[("ETag", etag)])
        else:
            self.send(404, b"not found", "text/plain")


def test_a_text_that_returns_to_an_earlier_one_is_current_and_revisited_rightly(
    tmp_path: Path,
) -> None:
    """v1, v2, then v1 again (archived as a revisit of the first capture), then a 304 to the
    check naming v1's ETag. The index's current text is v1 again, as a third version (it had
    stayed v2: the revisit's page was taken for the text last extracted), and the 304's
    revisit refers to a capture of v1 (it had referred to v2's, so show and replay gave v2's
    text for a moment the site served v1)."""
    FlippingStory.text, FlippingStory.validators = "v1", []
    archive = tmp_path / "archive"
    story = None
    with serving(FlippingStory) as address:
        outlets = news_outlet(tmp_path, address)
        story = f"http://{address}/news/story/"
        for crawl, (text, hours) in enumerate([("v1", 0), ("v2", 2), ("v1", 7), ("v1", 25)]):
            FlippingStory.text = text
            if hours:  # the next revision check is due
                make_due(archive, story, hours=hours)
            result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
            assert result.returncode == 0, f"crawl {crawl + 1}: {result.stderr}"
    assert FlippingStory.validators == [None, '"v1"', '"v2"', '"v1"']
    conn = sqlite3.connect(archive / "index.db")
    rows = conn.execute(
        "select crawl_id, status, warc_type, record_id, refers_to from captures where url = ?"
        " order by crawl_id",
        [story],
    ).fetchall()
    [(body,)] = conn.execute("select body from articles where url = ?", [story])
    versions = [b for (b,) in conn.execute("select body from article_versions order by version")]
    conn.close()
    first, second, third, fourth = rows
    assert first[1:3] == (200, "response") and second[1:3] == (200, "response")
    assert third[1:3] == (200, "revisit") and third[4] == first[3]
    assert fourth[1:3] == (304, "revisit") and fourth[4] == first[3]
    assert "stands at 100 million" in body
    assert ["100" in v for v in versions] == [True, False, True]


class SoftNotFound(ReplyHandler):
    """A story that turns into the site's "not found" page, served with 200 and an ETag of its
    own: the same bytes another URL's 404 was archived with. It answers 304 when asked."""

    gone: ClassVar[bool] = False
    validators: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        not_found = b"<html><body><h1>Page not found</h1></body></html>"
        story = RIVER_STORY
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/news/":
            links = (
                "<h3><a href='/news/story/'>Story</a></h3><h3><a href='/news/gone/'>Gone</a></h3>"
            )
            self.send(200, f"<html><body>{links}</body></html>".encode())
        elif self.path == "/news/story/":
            self.validators.append(self.headers.get("If-None-Match"))
            etag = '"nf"' if self.gone else '"v1"'
            if self.headers.get("If-None-Match") == etag:
                self.send(304, b"", extra=[("ETag", etag)])
            else:
                self.send(200, not_found if self.gone else story, extra=[("ETag", etag)])
        else:
            self.send(404, not_found)


def test_a_304_is_never_archived_with_another_captures_status_and_headers(
    tmp_path: Path,
) -> None:
    """The story's 200 is an identical-payload revisit of another URL's 404: the seen-store
    must not take that 404 capture for the story's own, or the 304 to the next check is
    archived (and replayed) as a 404 with the other URL's headers."""
    SoftNotFound.gone, SoftNotFound.validators = False, []
    archive = tmp_path / "archive"
    with serving(SoftNotFound) as address:
        outlets = news_outlet(tmp_path, address)
        story = f"http://{address}/news/story/"
        for crawl, hours in enumerate([0, 2, 7]):
            SoftNotFound.gone = crawl > 0
            if hours:  # the next revision check is due
                make_due(archive, story, hours=hours)
            result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
            assert result.returncode == 0, f"crawl {crawl + 1}: {result.stderr}"
    heads = []
    for path in sorted((archive / "warc").glob("*.warc.gz")):
        with path.open("rb") as fh:
            for rec in ArchiveIterator(fh):
                target = rec.rec_headers.get_header("WARC-Target-URI")
                if rec.rec_type in ("response", "revisit") and target == story:
                    heads.append(rec.http_headers.get_statuscode())
    assert "404" not in heads, heads
    assert SoftNotFound.validators[:2] == [None, '"v1"']


class Redeployed(ReplyHandler):
    """The same bytes under an ETag that changes (a redeploy): ``W/"A"``, then ``W/"B"``, whose
    304 names the strong ``"B"`` (nginx gzips the 200 and weakens its ETag, not the 304's)."""

    etag: ClassVar[str] = "A"
    validators: ClassVar[list[str | None]] = []

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/news/":
            self.send(200, b"<html><body><h3><a href='/news/story/'>Story</a></h3></body></html>")
        elif self.path == "/news/story/":
            sent = self.headers.get("If-None-Match")
            self.validators.append(sent)
            if sent and sent.removeprefix("W/") == f'"{self.etag}"':
                self.send(304, b"", extra=[("ETag", f'"{self.etag}"')])
            else:
                self.send(200, RIVER_STORY, extra=[("ETag", f'W/"{self.etag}"')])
        else:
            self.send(404, b"not found", "text/plain")


def test_an_etag_that_changes_over_the_same_bytes_still_gets_its_304s_revisited(
    tmp_path: Path,
) -> None:
    """A 304 whose ETag is not the one archived with the payload it refers to (a redeploy
    changed the ETag, not the bytes; nginx's weak ETag on the gzipped 200 against the 304's
    strong one) is a revisit of that payload, and the next check asks with the validators."""
    Redeployed.etag, Redeployed.validators = "A", []
    archive = tmp_path / "archive"
    with serving(Redeployed) as address:
        outlets = news_outlet(tmp_path, address)
        story = f"http://{address}/news/story/"
        for crawl, (etag, hours) in enumerate([("A", 0), ("B", 2), ("B", 7), ("B", 25)]):
            Redeployed.etag = etag
            if hours:
                make_due(archive, story, hours=hours)
            result = run_cli("crawl", "local", "--outlets", outlets, "--archive", archive)
            assert result.returncode == 0, f"crawl {crawl + 1}: {result.stderr}"
    assert Redeployed.validators == [None, 'W/"A"', 'W/"B"', '"B"']  # the 304's own
    conn = sqlite3.connect(archive / "index.db")
    rows = conn.execute(
        "select status, warc_type from captures where url = ? order by crawl_id", [story]
    ).fetchall()
    conn.close()
    assert rows == [(200, "response"), (200, "revisit"), (304, "revisit"), (304, "revisit")]


def test_a_revisit_of_a_not_found_page_is_never_the_capture_a_check_stands_on(
    tmp_path: Path,
) -> None:
    """A URL that answers 404 with the bytes of its own earlier 404 is a revisit of it: the
    seen-store must not take that 404 for the capture a 304 is archived against."""
    index = ArchiveIndex(tmp_path / "index.db")
    url = "https://news.example/story/"

    def fetch(n: int, status: int, refers_to: str | None = None) -> CaptureRef:
        ref = CaptureRef(
            record_id=f"<urn:uuid:{n}>",
            warc_file="archiver-1-00000.warc.gz",
            offset=n * 100,
            length=100,
            payload_digest=f"sha1:{'404' if status == 404 else n}",
            date="2024-01-0{n}T00:00:00Z",
            warc_type="revisit" if refers_to else "response",
            refers_to=refers_to,
        )
        index.add_capture(
            ref,
            url=url,
            status=status,
            content_type="text/html",
            captured_at=ref.date or "",
            crawl_id=None,
        )
        index.record_fetch(
            url=url,
            outlet="x",
            status=status,
            ref=ref,
            captured_at=ref.date or "",
            validators={"etag": None, "last_modified": None},
            schedule=(),
        )
        return ref

    fetch(1, 404)
    fetch(2, 404, refers_to="<urn:uuid:1>")
    entry = index.seen_entry(normalize_url(url) or "")
    index.close()
    assert entry is not None and entry["capture_id"] is None


class AmpEdition(ReplyHandler):
    """A story at /news/vote/; in the second edition the listing also links its AMP page,
    /news/vote-amp/, whose canonical URL is the story's and whose headline has moved on."""

    second: ClassVar[bool] = False

    def story(self, headline: str, canonical: str) -> bytes:
        return (
            f"<html lang='en'><head><title>{headline}</title>"
            f"<link rel='canonical' href='http://{self.headers['Host']}{canonical}'>"
            "<meta property='og:type' content='article'></head><body><article>"
            f"<h1>{headline}</h1><p class='byline'>By Jo Writer</p>"
            + "<p>The council met for fourteen hours before the vote on the budget.</p>" * 8
            + "</article></body></html>"
        ).encode()

    def do_GET(self) -> None:
        if self.path == "/robots.txt":
            self.send(200, b"User-agent: *\nAllow: /\n", "text/plain")
        elif self.path == "/news/":
            amp = "<h3><a href='/news/vote-amp/'>AMP</a></h3>" if self.second else ""
            links = f"<h3><a href='/news/vote/'>Vote</a></h3>{amp}"
            self.send(200, f"<html><body>{links}</body></html>".encode())
        elif self.path == "/news/vote/":
            self.send(200, self.story("Budget vote delayed", "/news/vote/"))
        elif self.path == "/news/vote-amp/" and self.second:
            self.send(200, self.story("Budget vote passes", "/news/vote/"))
        else:
            self.send(404, b"not found", "text/plain")


def test_an_articles_text_from_another_of_its_urls_names_that_url(tmp_path: Path) -> None:
    """An article's current text came from another URL of it (same canonical URL): `show
    --text` says which, and `show --history` names the URL of each version's capture (the
    record the version names is one of that URL's, not of the article's)."""
    archive, AmpEdition.second = tmp_path / "archive", False
    with serving(AmpEdition) as address:
        outlets = news_outlet(tmp_path, address)
        for second in (False, True):
            AmpEdition.second = second
            run = run_crawl_process("local", archive, outlets=outlets)
            assert run.returncode == 0, run.stderr[-2000:]
    story, amp = f"http://{address}/news/vote/", f"http://{address}/news/vote-amp/"
    text = run_cli("show", story, "--text", "--archive", archive)
    assert text.returncode == 0, text.stderr
    assert "Budget vote passes" in text.stdout and f"Fetched from: {amp}" in text.stdout
    history = run_cli("show", story, "--history", "--archive", archive)
    assert history.returncode == 0, history.stderr
    versions = history.stdout.split("version\tcaptured_at\trecord_id\turl\ttitle\n")[1]
    rows = [line.split("\t") for line in versions.splitlines()[:2]]
    assert [(r[0], r[3], r[4]) for r in rows] == [
        ("1", story, "Budget vote delayed"),
        ("2", amp, "Budget vote passes"),
    ]
    # an export names the capture's URL beside the article's, for the record it cites
    out = tmp_path / "articles.jsonl"
    exported = run_cli("export", out, "--archive", archive)
    assert exported.returncode == 0, exported.stderr
    [row] = [json.loads(line) for line in out.read_text().splitlines()]
    assert (row["url"], row["capture_url"], row["title"]) == (story, amp, "Budget vote passes")
