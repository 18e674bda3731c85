"""Search that reads letters as their writers use them interchangeably: Turkish dotless ı and
i (``ILIK`` is ``ılık`` in capitals), Russian ё and е (``Ёлки`` is often written ``Елки``),
the Arabic alef with and without hamza (``أوبك``, ``اوبك``), alef maqsura and yeh, teh marbuta
and heh. FTS5's ``unicode61`` folds case and Latin diacritics only, so each of these searches
missed the other spelling. These tests fail on an index without the folded columns."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from archiver.index import ArchiveIndex
from archiver.index.fold import folded
from tests.test_cjk_search import index_of, url

ARTICLES = [
    ("Hava ılık ve güneşli", "İzmir'de hava ılık. IŞIKLAR yandı ve ışık festivali başladı."),
    ("HAVA ILIK", "Yarın ILIK bir gün bekleniyor."),
    ("Ёлки в Москве", "Власти Москвы высадят ёлки вдоль улиц."),
    ("Елки в Петербурге", "Елки продают на рынке."),
    ("اجتماع أوبك", "قررت أوبك خفض الإنتاج في مدينة الرياض."),
    ("Weather", "A mild day in Izmir, with lights on."),
]


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ArchiveIndex]:
    ix = index_of(tmp_path_factory.mktemp("fold") / "index.db", "fold", ARTICLES)
    yield ix
    ix.close()


@pytest.mark.parametrize(
    ("query", "found"),
    [
        ("ılık", [1, 2]),
        ("ILIK", [1, 2]),
        ("ilik", [1, 2]),
        ("ışık", [1]),
        ("IŞIKLAR", [1]),
        ('"hava ılık"', [1, 2]),  # a phrase, in the title of both
        ("title:ılık", [1, 2]),
        ('title:"hava ılık"', [1, 2]),  # a column filter before a phrase
        ("body:ılık", [1, 2]),
        ("byline:ılık", []),
        ("ılık -güneşli", [2]),
        ("елки", [3, 4]),
        ("ёлки", [3, 4]),
        ("Ёлки", [3, 4]),
        ("اوبك", [5]),
        ("أوبك", [5]),
        ("الانتاج", [5]),  # alef with hamza below written bare
        ("izmir", [1, 6]),
        ("mild", [6]),
    ],
)
def test_letters_written_either_way_find_each_other(
    index: ArchiveIndex, query: str, found: list[int]
) -> None:
    assert sorted(h["url"] for h in index.search(query)) == [url(n) for n in found]


def test_a_hit_in_the_folded_text_is_marked_in_its_snippet_as_written(
    index: ArchiveIndex,
) -> None:
    """The snippet comes from the folded body, with the body's own letters put back: it showed
    ``[isik]`` and ``havanin`` for ``[ışık]`` and ``havanın``."""
    hits = {h["url"]: h["snippet"] for h in index.search("ışık")}
    assert "[ışık]" in hits[url(1)] and "İzmir'de hava ılık" in hits[url(1)], hits
    hits = {h["url"]: h["snippet"] for h in index.search("اوبك")}
    assert "[أوبك]" in hits[url(5)], hits


def test_folding_is_letter_for_letter_and_only_where_it_changes_something() -> None:
    assert folded("A mild day in Izmir") is None
    assert folded(None) is None
    assert folded("ılık Ёлки أوبك") == "ilik Елки اوبك"
    assert len(folded("ılık Ёлки أوبك") or "") == len("ılık Ёлки أوبك")
