"""Full-text search of Chinese, Japanese and Korean text: words inside runs without spaces.

FTS5's ``unicode61`` tokenizer makes a run of CJK characters one token, so a search for a word
of it found nothing (``美術館`` in ``東京で新しい美術館が開館``). These tests fail on an index
that tokenises CJK text that way.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from archiver.browse import _Plugin, shipped_metadata
from archiver.index import ArchiveIndex
from archiver.index.cjk import cjk_terms
from archiver.items import Article
from tests.test_index import V1_DDL

ARTICLES = [
    (
        "東京で新しい美術館が開館",
        "東京都内に新しい美術館が十日、開館した。館長は「多くの人に来てほしい」と話した。"
        "iPhone用ケースも販売する。2024年に計画された。",
    ),
    ("美術、館長の話", "京都の美術。館長会議が開かれた。"),
    ("서울 미술관에서 전시회", "새로운 미술관에서 전시회가 열렸다."),
    ("国家博物馆开幕", "国家博物馆今天开幕。"),
    ("Museum opens in Tokyo", "A new museum opened in Tokyo on the tenth."),
]


def url(n: int) -> str:
    return f"http://lang.test/article-{n}/"


def index_of(path: Path, outlet: str, articles: list[tuple[str, str]]) -> ArchiveIndex:
    """A new index at ``path`` of ``articles`` (title, body), the n-th at ``url(n)``."""
    ix = ArchiveIndex(path)
    for n, (title, body) in enumerate(articles, 1):
        ix.add_article(Article(url=url(n), outlet=outlet, title=title, body=body), crawl_id=None)
    return ix


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveIndex]:
    ix = index_of(tmp_path_factory.mktemp("cjk") / "index.db", "cjk", ARTICLES)
    yield ix
    ix.close()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("美術館", [1]),
        ("術館", [1]),  # not article 2: 美術。館長 has a full stop between the two
        ("館長", [1, 2]),
        ("美術館 OR museum", [1, 5]),
        ("館長 -美術館", [2]),
        ("館長 NOT 美術館", [2]),
        ("title:館長", [2]),  # article 1 has it in its body only
        ("title:美術館", [1]),
        ("body:開館", [1]),
        ("byline:開館", []),
        ('"新しい美術館"', [1]),
        ("新しい 開館", [1]),
        ("美術*", [1, 2]),
        ("iPhone用", [1]),  # a Latin word joined to Japanese: one token for unicode61
        ("iphone", [1]),
        ("2024年", [1]),
        ("ｹｰｽ", [1]),  # half-width katakana finds the full-width text
        ("미술관", [3]),  # Korean: a word inside a word with its particle (미술관에서)
        ("博物馆", [4]),
        ("museum", [5]),
        ("NEAR(美術館 開館, 5)", [1]),
        # a column filter before a phrase or parentheses (they searched outside title_cjk)
        ('title:"美術館"', [1]),
        ('body:"新しい美術館"', [1]),
        ("title:(美術館 OR 館長)", [1, 2]),
        # a quoted phrase of CJK words keeps their order and adjacency
        ('"館長 会議"', []),  # 館長会議 is one word there: no break between them
        ('"美術 館長"', [2]),  # 美術。館長: adjacent across the full stop
        ('"館長 美術"', []),
        ('"開館 東京"', []),
        ("^東京", [1]),  # at the start of a column
        ("^美術館", []),
    ],
)
def test_words_inside_cjk_runs_are_found(index: ArchiveIndex, query: str, found: list[int]) -> None:
    assert sorted(h["url"] for h in index.search(query)) == [url(n) for n in found]


def test_the_snippet_shows_the_text_as_written_with_the_word_marked(index: ArchiveIndex) -> None:
    (hit,) = index.search("開館")
    assert "[開館]" in hit["snippet"] and " " not in hit["snippet"].strip("…")
    (hit,) = index.search("미술관")
    assert "[미술관]" in hit["snippet"]
    assert "[" not in index.search("museum")[0]["snippet"].replace("[museum]", "")
    (hit,) = index.search("iphone用")  # in any case, as FTS5 matches it
    assert "[iPhone用]" in hit["snippet"]


def test_export_with_a_cjk_query(index: ArchiveIndex) -> None:
    assert [r["url"] for r in index.export("博物馆")] == [url(4)]


def test_terms_are_the_cjk_tokens_split_into_characters() -> None:
    assert cjk_terms("Tokyo and London") is None
    assert cjk_terms(None) is None
    assert cjk_terms("美術、館長 iPhone用ケース 2024年") == (
        "美 術 \ue000 館 長 \ue000 iPhone 用 ケ ー ス \ue000 2024 年"
    )


def old_index(path: Path, articles: dict[int, tuple[str, str]]) -> Path:
    """An index of the first schema at ``path``, its articles at ``url(n)`` (title, body)."""
    conn = sqlite3.connect(path)
    conn.executescript(V1_DDL)
    conn.execute("insert into meta values ('schema_version', '1')")
    for n, (title, body) in articles.items():
        conn.execute(
            "insert into articles (url, outlet, title, body, authors)"
            " values (?, 'cjk', ?, ?, '[]')",
            [url(n), title, body],
        )
    conn.commit()
    conn.close()
    return path


def browse_search(path: Path, query: str) -> list[dict[str, object]]:
    """The hits of ``archiver browse``'s ``search`` query, run with the SQL functions its
    Datasette plugin gives each connection."""
    sql = shipped_metadata()["databases"]["index"]["queries"]["search"]["sql"]
    conn = sqlite3.connect(path)
    try:
        _Plugin.prepare_connection(conn)
        conn.row_factory = sqlite3.Row
        return [dict(r) for r in conn.execute(sql, {"q": query})]
    finally:
        conn.close()


def test_an_index_of_schema_7_is_migrated_and_its_cjk_articles_found(tmp_path: Path) -> None:
    path = old_index(tmp_path / "index.db", {1: ARTICLES[0], 5: ARTICLES[4]})
    ix = ArchiveIndex(path)
    try:
        assert [h["url"] for h in ix.search("美術館")] == [url(1)]
        assert [h["url"] for h in ix.search("tokyo")] == [url(5)]
        ix.db.execute("insert into articles_fts (articles_fts, rank) values ('integrity-check', 1)")
        ix.add_article(Article(url=url(3), outlet="cjk", title=ARTICLES[2][0]), crawl_id=None)
        assert [h["url"] for h in ix.search("미술관")] == [url(3)]
    finally:
        ix.close()


def test_browse_search_query_finds_and_marks_cjk_words(index: ArchiveIndex) -> None:
    hits = browse_search(index.path, "美術館")
    assert [h["url"] for h in hits] == [url(1)]
    assert "[美術館]" in hits[0]["snippet"]


def test_browse_migrates_an_older_index_before_its_search_query_runs(tmp_path: Path) -> None:
    """browse's ``search`` query names the shadow columns (``snippet(articles_fts, 7, ...)``):
    on an index of schema 7 it failed with "column index out of range" until another command
    had migrated it. browse now opens it as every command does, which migrates it."""
    from archiver.browse import prepare_index

    path = old_index(tmp_path / "index.db", {1: ("Rights plan", "A plan on human rights")})
    prepare_index(path)
    assert len(browse_search(path, "rights")) == 1
