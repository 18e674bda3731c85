"""ArticleExtractor on WordPress-news-theme style pages written for these tests."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from archiver.demo.site import DemoSite, section_path
from archiver.exceptions import ExtractionError
from archiver.extract import EXTRACTOR_VERSION, ArticleExtractor
from archiver.extract.dates import normalise_date
from archiver.extract.markup import PageSignals, decode_html, parse_html
from archiver.extract.names import OutletNames, split_names
from archiver.extract.title import strip_site_name
from archiver.items import Article, CaptureRef

FIXTURES = Path(__file__).parent / "fixtures" / "extract"


@pytest.fixture(scope="module")
def extractor() -> ArticleExtractor:
    return ArticleExtractor()


def extract(extractor: ArticleExtractor, name: str, url: str, **kwargs: Any) -> Article:
    return extractor.extract((FIXTURES / name).read_bytes(), url, **kwargs)


def paragraphs(article: Article) -> list[str]:
    return article.body.split("\n\n")


def test_two_authors_from_json_ld(extractor: ArticleExtractor) -> None:
    a = extract(
        extractor,
        "two-authors-jsonld.html",
        "https://harbour-ledger.example/economy/gwadar-terminal/",
    )
    assert a.title == "Port of Gwadar opens new container terminal"
    assert a.authors == ["Nadia Qureshi", "Tomas Berg"]
    assert a.byline == "By Nadia Qureshi and Tomas Berg"
    assert a.published == "2024-03-03T11:00:00+05:00"  # JSON-LD before the meta tag
    assert a.modified == "2024-03-04T09:30:00+05:00"
    assert a.section == ["Economy", "Shipping"]  # JSON-LD trail, sorted by position
    assert a.language == "en"
    assert a.canonical_url == "https://harbour-ledger.example/economy/gwadar-terminal/"
    assert a.site_name == "The Harbour Ledger"
    assert a.description == "A second container terminal doubles the capacity of the port."
    assert a.page_type == "article"
    assert a.dateline is not None
    assert (a.dateline.raw, a.dateline.place, a.dateline.date, a.dateline.agency) == (
        "GWADAR, March 3 (Reuters) -",
        "GWADAR",
        "2024-03-03",
        "Reuters",
    )
    assert a.body.startswith("GWADAR, March 3 (Reuters) - A second container terminal opened")
    assert a.body.endswith("between the Gulf and East Africa.")
    assert len(paragraphs(a)) == 6
    assert "About the authors" not in a.body
    assert "Leo Grant" not in a.authors
    assert a.provenance == {
        "title": "h1",
        "authors": "json-ld",
        "byline": "author-box",
        "published": "json-ld",
        "modified": "json-ld",
        "section": "json-ld",
        "dateline": "dateline",
        "body": "trafilatura",
        "site_name": "meta",
        "description": "meta",
        "canonical_url": "meta",
        "language": "html-lang",
        # signals that lost, kept with their values
        "title.rejected": "meta: Gwadar opens container terminal",
        # (the authors joined are no byline of their own: "By Nadia Qureshi and Tomas Berg"
        # names them, and nothing disagrees)
    }


def test_ap_dateline_without_json_ld(extractor: ArticleExtractor) -> None:
    a = extract(
        extractor, "ap-dateline.html", "https://dnipro-daily.example/world/flood-barriers-hold?x=1"
    )
    assert a.title == "Flood barriers hold as river peaks in Kyiv"
    assert a.authors == ["Olena Marchuk"]
    assert a.byline == "By Olena Marchuk"
    assert a.dateline is not None
    assert (a.dateline.raw, a.dateline.place, a.dateline.date, a.dateline.agency) == (
        "KYIV, Ukraine (AP) —",
        "KYIV, Ukraine",
        "2024-04-12",  # undated: the day of publication, in the page's own time zone
        "AP",
    )
    assert a.provenance["dateline.date"] == "published"
    assert a.published == "2024-04-12T14:05:00+03:00"
    assert a.provenance["published"] == "time-tag"
    assert a.section == ["World"]
    assert a.provenance["section"] == "meta"
    assert a.language == "en"
    assert a.provenance["language"] == "meta"
    assert a.canonical_url == "https://dnipro-daily.example/world/flood-barriers-hold"
    assert a.page_type == "article"  # no structured data, but a body of a few hundred words
    assert a.body.startswith("KYIV, Ukraine (AP) — Temporary flood barriers")
    assert a.body.endswith("would take years to build.")
    assert len(paragraphs(a)) == 6
    assert "Great reporting" not in a.body  # comments are off by default


def test_a_page_dated_only_by_the_sidebar_is_no_article(extractor: ArticleExtractor) -> None:
    """The demo's about page has no date of its own; htmldate took the first <time> of the
    sidebar's latest posts, and the page was classified an article dated that day."""
    page = DemoSite().render("GET", "/about-us/", "demo-insight.test", {})
    about = extractor.extract(page.body, "http://demo-insight.test/about-us/")
    assert (about.page_type, about.published) == ("other", None)


def test_seed_like_page_in_windows_1252(extractor: ArticleExtractor) -> None:
    url = "https://steppe-courier.example/uzbekistan-pakistan-rail-study/"
    capture = CaptureRef(record_id="<urn:uuid:1>", warc_file="a.warc.gz", offset=10, length=20)
    a = extract(extractor, "seed-like.html", url, outlet="steppe", capture=capture)
    assert a.url == url
    assert a.outlet == "steppe"
    assert a.capture is capture
    assert a.extractor_version == EXTRACTOR_VERSION
    assert EXTRACTOR_VERSION.startswith("archiver-extract/24 trafilatura/")
    assert a.title == "Uzbekistan and Pakistan agree on rail corridor study"
    assert a.authors == ["Kamila Yusupova"]
    assert a.provenance["authors"] == "author-box"
    assert a.section == ["World", "Asia", "Uzbekistan"]  # "Home" and the headline crumb dropped
    assert a.published is not None and a.published.startswith("2024-05-21")
    assert a.dateline is not None
    assert (a.dateline.raw, a.dateline.place, a.dateline.date, a.dateline.agency) == (
        "Tashkent, 20 May (TSC):",
        "Tashkent",
        "2024-05-20",  # the year comes from the published date
        "TSC",
    )
    assert a.body.startswith("Tashkent, 20 May (TSC): Uzbekistan and Pakistan on Monday agreed")
    assert a.body.endswith("The café owners of Termez, they added, are already hopeful.")
    assert "Pakistan\u2019s minister" in a.body  # decoded as the page's charset says
    assert len(paragraphs(a)) == 6
    for boilerplate in ("Also Read", "Most Popular", "Follow us", "graduate student", "Telegram"):
        assert boilerplate not in a.body
    assert a.language == "en"
    assert a.site_name == "The Steppe Courier"
    assert a.page_type == "article"


def test_listing_page(extractor: ArticleExtractor) -> None:
    a = extract(extractor, "listing.html", "https://harbour-ledger.example/economy/")
    assert a.page_type == "listing"
    assert a.title == "Economy"
    assert a.canonical_url == "https://harbour-ledger.example/economy/"
    assert a.dateline is None
    assert a.published is None


def test_promos_bio_and_newsletter_removed(extractor: ArticleExtractor) -> None:
    a = extract(
        extractor,
        "boilerplate.html",
        "https://bodensee-bote.example/2024/06/ferry-night/",
        section_hint=["Region", "Lake"],
    )
    assert a.title == "Lake Constance ferry adds night crossings"
    assert a.provenance["title"] == "title-tag"  # " | Bodensee Bote" stripped
    assert a.authors == ["Lena Hofer"]
    assert a.byline == "By Lena Hofer"
    assert a.published == "2024-06-02"
    assert a.section == ["Region", "Lake"]
    assert a.provenance["section"] == "hint"
    assert a.language == "de"
    assert a.dateline is None
    assert a.page_type == "article"
    assert a.body.startswith("The car ferry between Meersburg and Konstanz")  # no title, no "By"
    assert a.body.endswith("into the autumn school holidays.")
    assert len(paragraphs(a)) == 6
    for boilerplate in (
        "Read more",
        "Related:",
        "Read also",
        "newsletter",
        "Follow us",
        "Share this",
        "twelve years",
        "Most Popular",
    ):
        assert boilerplate not in a.body


def test_text_input_json_ld_list_and_author_reference(extractor: ArticleExtractor) -> None:
    body = " ".join(["The river rose again overnight."] * 40)
    html = f"""<html><head><title>River rises - Valley Post</title>
    <script type="application/ld+json">[
      {{"@type": "Person", "@id": "#ana", "name": "Ana Lima"}},
      {{"@type": ["NewsArticle"], "headline": "River rises &amp; roads close",
        "author": {{"@id": "#ana"}}, "datePublished": "2024-02-01",
        "articleSection": "Weather"}}
    ]</script></head>
    <body><article><div class="content"><p>{body}</p><p>{body}</p></div></article></body></html>"""
    a = extractor.extract(html, "https://valley.example/river")
    assert a.title == "River rises & roads close"
    assert a.provenance["title"] == "json-ld"
    assert a.authors == ["Ana Lima"]
    assert a.byline == "Ana Lima"
    assert a.published == "2024-02-01"
    assert a.page_type == "article"
    assert a.canonical_url is None


def test_a_short_article_keeps_its_paragraphs_and_its_lead(extractor: ArticleExtractor) -> None:
    """Under 250 characters of text, trafilatura falls back to the whole <article>'s text run
    together (headline, byline, date and paragraphs on one line); and a lead that opens with
    the headline's words is the lead, not the headline repeated."""
    page = (
        "<html lang='en'><head><title>Council to rebuild the footbridge</title></head><body>"
        "<article><h1>Council to rebuild the footbridge</h1><div class='byline'>By Ann Lee"
        "</div>\n<time datetime='2024-03-14T10:00:00+01:00'>14 March</time>\n<div class='x'>"
        "<p>Council to rebuild the footbridge over the canal, the mayor said on Wednesday.</p>"
        "<p>Work starts in May and ends before the school year.</p></div></article></body></html>"
    )
    a = extractor.extract(page, "https://news.example/2024/03/14/footbridge/")
    assert a.body == (
        "Council to rebuild the footbridge over the canal, the mayor said on Wednesday.\n\n"
        "Work starts in May and ends before the school year."
    )
    assert a.authors == ["Ann Lee"] and a.title == "Council to rebuild the footbridge"


def test_page_declaring_a_legacy_charset_but_sending_utf8() -> None:
    raw = '<meta charset="iso-8859-1"><p>Zürich</p>'.encode()
    assert "Zürich" in decode_html(raw)
    assert "Zürich" in decode_html("<p>Zürich</p>".encode("cp1252"))
    assert "Zürich" in decode_html("<p>Zürich</p>".encode("utf-16"))  # with a BOM


@pytest.mark.parametrize(
    "html",
    [
        "<p>Z\x00ürich\x0c news\x1b</p>",
        "<p>Z\x00ürich\x0c news\x1b</p>".encode(),
        "<p>Z\x00ürich\x0c news\x1b</p>".encode("cp1252"),
        "<p>Z\x00ürich\x0c news\x1b</p>".encode("utf-16"),
        "<p>Zürich news</p>".encode(),  # no control character: no search for one
    ],
)
def test_control_characters_are_dropped_in_any_encoding(html: bytes | str) -> None:
    root = parse_html(html, "https://x.example/zurich")
    assert root.text_content() == "Zürich news"


@pytest.mark.parametrize("html", [b"", b"   \n", ""])
def test_empty_page_raises(extractor: ArticleExtractor, html: bytes | str) -> None:
    with pytest.raises(ExtractionError, match=re.escape("https://x.example/empty")):
        extractor.extract(html, "https://x.example/empty")


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        (
            "Kazakhstan signs plan - The Diplomatic Insight",
            "The Diplomatic Insight",
            "Kazakhstan signs plan",
        ),
        (
            "The Diplomatic Insight | Kazakhstan signs plan",
            "The Diplomatic Insight",
            "Kazakhstan signs plan",
        ),
        ("Kazakhstan signs plan | Diplomatic Insight", None, "Kazakhstan signs plan"),
        ("Left - right - and centre", None, "Left - right - and centre"),
        ("No separator here", "Site", "No separator here"),
    ],
)
def test_strip_site_name(title: str, site: str | None, expected: str) -> None:
    assert strip_site_name(title, site) == expected


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("By Jane Roe and John Doe", ["Jane Roe", "John Doe"]),
        ("By Jane Roe, John Doe & Mia Park | 3 March 2024", ["Jane Roe", "John Doe", "Mia Park"]),
        ("Jane Roe, Staff Writer", ["Jane Roe"]),
        ("Von Anna Weber", ["Anna Weber"]),
        ("(Image: Getty Images)", []),
        ("Posted on 3 March 2024", []),
        # trafilatura's author on a sputniknews.com page (corpus): pieces of an image's address
        ("Sputnik https; Cdnarabic; I; Logo Png", ["Cdnarabic"]),
    ],
)
def test_split_names(text: str, names: list[str]) -> None:
    assert split_names(text) == names


@pytest.mark.parametrize(
    ("value", "iso"),
    [
        ("2023-12-10T09:12:00+00:00", "2023-12-10T09:12:00+00:00"),
        ("2023-12-10T09:12:00Z", "2023-12-10T09:12:00+00:00"),
        ("2023-12-10 09:12:00", "2023-12-10T09:12:00"),
        ("2023-12-10", "2023-12-10"),
        ("Sun, 10 Dec 2023 09:12:00 GMT", "2023-12-10T09:12:00+00:00"),
        # email.utils reads "PM" as the zone's place: the hour and the real zone were lost
        ("10 Dec 2023 9:12 pm EST", "2023-12-10T21:12:00-05:00"),
        ("Mar 28, 2020, 06:15 PM", "2020-03-28T18:15:00"),
        ("Apr 02, 2020, 04:11 AM", "2020-04-02T04:11:00"),
        ("not a date", None),
        ("2999-01-01", None),  # in the future: not a publication date
    ],
)
def test_normalise_date(value: str, iso: str | None) -> None:
    assert normalise_date(value) == iso


@pytest.mark.parametrize(
    ("value", "offsets", "iso"),
    [
        # moneycontrol.com (corpus): "IST" is India's +05:30 there, which the page's other
        # date states; dateparser alone reads every IST as Israel's +02:00
        ("04:25:06 PM IST Apr 08, 2020", {"+05:30"}, "2020-04-08T16:25:06+05:30"),
        ("04:25:06 PM IST Apr 08, 2020", set(), "2020-04-08T16:25:06"),  # unknown: no zone
        ("04:25:06 PM IST Apr 08, 2020", {"+00:00"}, "2020-04-08T16:25:06"),  # not a reading
        ("Apr 8, 2020 10:30 CST", {"+08:00"}, "2020-04-08T10:30:00+08:00"),  # China
        ("Apr 8, 2020 10:30 CST", {"-06:00", "-05:00"}, "2020-04-08T10:30:00-06:00"),  # US
        ("Apr 8, 2020 10:30 BST", set(), "2020-04-08T10:30:00"),
        ("2020-04-08T10:30:00+05:30 (IST)", set(), "2020-04-08T10:30:00+05:30"),  # its own
        ("Apr 8, 2020 10:30 PDT", set(), "2020-04-08T10:30:00-07:00"),  # not ambiguous
        ("Apr 8, 2020 IST", set(), "2020-04-08"),
        ("Mar 28, 2020, 06:15 PM IST", {"+05:30"}, "2020-03-28T18:15:00+05:30"),
    ],
)
def test_an_ambiguous_zone_abbreviation_takes_the_pages_offset_or_none(
    value: str, offsets: set[str], iso: str
) -> None:
    assert normalise_date(value, offsets=offsets) == iso


def test_published_in_ist_takes_the_offset_of_the_modified_date(
    extractor: ArticleExtractor,
) -> None:
    html = """<html><head><script type="application/ld+json">{"@type": "NewsArticle",
    "headline": "GDP may fall", "datePublished": "04:25:06 PM IST Apr 08, 2020",
    "dateModified": "2020-04-08T17:08:51+05:30"}</script></head>
    <body><article><h1>GDP may fall</h1><p>Analysts cut their forecasts again.</p></article>
    </body></html>"""
    a = extractor.extract(html, "https://money.example/gdp")
    assert (a.published, a.modified) == ("2020-04-08T16:25:06+05:30", "2020-04-08T17:08:51+05:30")


_LOCAL_TIMES = """<html><head><script type="application/ld+json">{{"@type": "NewsArticle",
    "headline": "Penn Station to close overnight", "datePublished": "{published}",
    "dateModified": "{modified}"}}</script>
    <script>window.schedule = [{schedule}];</script></head>
    <body><article><h1>Penn Station to close overnight</h1>
    <p>The station will close for cleaning every night from 1 a.m. to 5 a.m.</p></article>
    </body></html>"""


_UTC = ("2020-05-02T02:54:29+00:00", "2020-05-02T02:54:30+00:00")
_NEW_YORK = ("2020-05-01T22:54:29-04:00", "2020-05-01T22:54:30-04:00")


@pytest.mark.parametrize(
    ("schedule", "dates"),
    [
        # abc7ny.com (corpus): the instant in UTC, the station's programme around it written
        # in New York time: the article is of 1 May there, as the page's readers saw it
        (
            '{"date": "Fri, 01 May 2020 23:00:00 -0400"},'
            ' {"date": "Sat, 02 May 2020 06:00:00 -0400"}',
            _NEW_YORK,
        ),
        ('{"date": "2020-05-01T21:00:00-04:00"}', _NEW_YORK),
        # a time months away may be of another offset (summer time): it says nothing of this one
        ('{"date": "2020-08-01T21:00:00+01:00"}', _UTC),
        # times around it in two zones: which is the publisher's is not known
        ('{"a": "2020-05-01T21:00:00-04:00"}, {"b": "2020-05-02T09:00:00+02:00"}', _UTC),
        ('{"date": "2020-05-01T21:00:00+00:00"}', _UTC),  # in UTC: no zone stated
    ],
)
def test_a_utc_time_is_given_in_the_zone_of_the_pages_other_times_around_it(
    extractor: ArticleExtractor, schedule: str, dates: tuple[str, str]
) -> None:
    html = _LOCAL_TIMES.format(
        published="2020-05-02T02:54:29.000Z", modified="2020-05-02T02:54:30.000Z", schedule=schedule
    )
    a = extractor.extract(html, "https://tv.example/traffic/penn-station/6144149/")
    assert (a.published, a.modified) == dates


def test_a_utc_time_of_another_season_keeps_its_zone(extractor: ArticleExtractor) -> None:
    # the page's times of May say nothing of its offset in August (summer time, or none)
    html = _LOCAL_TIMES.format(
        published="2020-05-02T02:54:29Z",
        modified="2020-08-02T02:54:30Z",
        schedule='{"date": "2020-05-01T21:00:00-04:00"}',
    )
    a = extractor.extract(html, "https://tv.example/traffic/penn-station/6144149/")
    assert (a.published, a.modified) == (_NEW_YORK[0], "2020-08-02T02:54:30+00:00")


_SHOWN_TIME = """<html><head><script type="application/ld+json">{{"@type": "NewsArticle",
    "headline": "Die Stadt baut um", "datePublished": "{published}"}}</script></head>
    <body><article><h1>Die Stadt baut um</h1><time datetime="{attribute}">{shown}</time>
    <p>Der Umbau des Bahnhofs beginnt im Herbst und dauert zwei Jahre.</p></article>
    </body></html>"""


_AT = "2026-05-17T17:06:53Z"
_LATE = "2026-05-17T23:36:53Z"


@pytest.mark.parametrize(
    ("declared", "attribute", "shown", "published"),
    [
        # berliner-zeitung.de (corpus): the instant in UTC in the attribute, on Berlin's clock
        # in the text
        (_AT, "2026-05-17T17:06:53.612Z", "17.05.2026, 19:06 Uhr", "2026-05-17T19:06:53+02:00"),
        (_AT, _AT, "May 17, 2026 at 1:06 pm", "2026-05-17T13:06:53-04:00"),
        (_LATE, _LATE, "18/05/2026 05:06", "2026-05-18T05:06:53+05:30"),  # India, a day on
        (_AT, _AT, "17.05.2026, 17:06 Uhr", "2026-05-17T17:06:53+00:00"),  # shown in UTC
        # another time than the published one (an update): the difference is no zone
        (_AT, "2026-05-17T18:10:00Z", "17.05.2026, 20:10 Uhr", "2026-05-17T17:06:53+00:00"),
        (_AT, _AT, "17.05.2026, 19:13 Uhr", "2026-05-17T17:06:53+00:00"),  # 2 h 07 min: no zone
        (_AT, _AT, "17.05.2026", "2026-05-17T17:06:53+00:00"),  # no time shown
    ],
)
def test_a_utc_time_takes_the_zone_a_time_element_shows_it_in(
    extractor: ArticleExtractor, declared: str, attribute: str, shown: str, published: str
) -> None:
    html = _SHOWN_TIME.format(published=declared, attribute=attribute, shown=shown)
    a = extractor.extract(html, "https://zeitung.example/berlin/umbau")
    assert a.published == published


def test_author_and_title_junk_of_real_pages(extractor: ArticleExtractor) -> None:
    # wiki.d-addicts.com (corpus): a revision's editor, a Person named by an IP address;
    # asiapacificstar.com (corpus): og:title escaped twice, "&amp;#039;"
    html = """<html><head>
    <meta property="og:title"
    content="Australian &amp;#039;megablaze&amp;#039; brought under control">
    <script type="application/ld+json">{"@type": "NewsArticle",
    "author": {"@type": "Person", "name": "219.79.38.192"}}</script></head>
    <body><div class="story"><p>Fire crews said on Sunday the blaze was contained.</p></div>
    </body></html>"""
    a = extractor.extract(html, "https://star.example/megablaze")
    assert a.title == "Australian 'megablaze' brought under control"
    assert a.authors == []


def test_invisible_hyphenation_hints_leave_the_text_and_it_is_found_whole(
    extractor: ArticleExtractor, tmp_path: Path
) -> None:
    # tagesanzeiger.ch (corpus): a soft hyphen in the h1; FTS5 splits a word at one, so the
    # headline was not found by the word a reader types. Zero-width spaces and word joiners
    # are hints of the same kind; the joiners of scripts (U+200C, U+200D) stay (see
    # test_the_joiners_of_scripts_stay_in_the_body).
    from archiver.extract.markup import visible
    from archiver.index import ArchiveIndex

    html = """<html><head><meta property="og:title" content="Trump plant Helikopter&shy;landeplatz">
    </head><body><article><h1>Trump plant Helikopter&shy;landeplatz</h1>
    <p class="byline">Von Anna&#8203; Muster</p>
    <p>Der Pr&auml;sident will auf dem Gel&auml;nde einen Helikopter&shy;landeplatz bauen lassen,
    wie aus den Pl&auml;nen hervorgeht, die der Stadt&#8288;verwaltung vorliegen.</p>
    <p>Die Arbeiten am Ballsaal stocken derweil, weil die Genehmigungen fehlen.</p>
    <p>Ein Sprecher sagte, man pr&uuml;fe die Pl&auml;ne noch einmal genau.</p>
    </article></body></html>"""
    a = extractor.extract(html, "https://zeitung.example/trump-landeplatz")
    assert a.title == "Trump plant Helikopterlandeplatz"
    for text in (a.title, a.body, a.byline or "", *a.authors):
        assert not {"\u00ad", "\u200b", "\u2060"} & set(text), repr(text)
    assert "Helikopterlandeplatz bauen" in a.body and "Stadtverwaltung" in a.body
    persian = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"
    assert visible(persian) == persian
    index = ArchiveIndex(tmp_path / "index.db")
    try:
        index.add_article(a, crawl_id=None)
        assert [h["title"] for h in index.search("Helikopterlandeplatz")] == [a.title]
    finally:
        index.close()


def test_the_joiners_of_scripts_stay_in_the_body(extractor: ArticleExtractor) -> None:
    # trafilatura drops every character str.isprintable() refuses, the zero-width non-joiner
    # and joiner too: Persian words spelt with one came out misspelt, emoji families apart
    zwnj_word = "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645"  # "I want"
    family = "\U0001f468\u200d\U0001f469\u200d\U0001f467"
    sentence = (
        f"\u0627\u0648 \u06af\u0641\u062a {zwnj_word} \u06a9\u0647 " + "\u0637\u0631\u062d " * 8
    )
    paragraphs = "".join(f"<p>{sentence} {family} {i}</p>" for i in range(6))
    html = f"""<html lang="fa" dir="rtl"><head><meta charset="utf-8">
    <title>طرح جدید</title></head><body><article>
    <h1>طرح جدید</h1>{paragraphs}</article></body></html>"""
    a = extractor.extract(html, "https://akhbar.example/tarh")
    assert a.body.count(zwnj_word) == 6, a.body[:200]
    assert a.body.count(family) == 6


def test_demo_site_seed_article(extractor: ArticleExtractor) -> None:
    site = DemoSite()
    seed = site.seed_article
    response = site.render("GET", "/" + seed.slug + "/", "demo-insight.test", {})
    assert response.status == 200
    a = extractor.extract(response.body, "http://demo-insight.test/" + seed.slug + "/")
    assert a.title == seed.title
    assert a.authors == list(seed.authors)
    assert a.published is not None and a.published[:10] == seed.published[:10]
    assert list(a.section) == list(seed.section)
    assert a.dateline is not None
    assert a.dateline.raw == seed.dateline
    assert (a.dateline.place, a.dateline.date, a.dateline.agency) == ("Astana", "2023-12-10", "TDI")
    assert paragraphs(a) == list(seed.paragraphs)
    assert a.page_type == "article"


# --- headline: kicker, declared titles, site-name tails (archiver.extract.title) -----------------

LEAD = "<p>" + " ".join(["The council met again on Monday to discuss the harbour."] * 12) + "</p>"


def page(head: str, body: str, *, ld: dict[str, Any] | None = None) -> str:
    script = f'<script type="application/ld+json">{json.dumps(ld)}</script>' if ld else ""
    head = f'<meta charset="utf-8">{head}{script}'
    return f'<html lang="en"><head>{head}</head><body>{body}</body></html>'


def test_kicker_page_title_authors_tags_images_paywall(extractor: ArticleExtractor) -> None:
    a = extract(
        extractor, "kicker-paywall.html", "https://seeblick-zeitung.example/region/nachtfaehre/"
    )
    # the h1's topline and headline spans, joined as the declared titles write them
    assert a.title == "Fährverkehr: Neue Nachtfähre über den See"
    assert a.provenance["title"] == "h1"
    # the JSON-LD author is the outlet itself: the labelled field names the person
    assert a.authors == ["Marta Keller"]
    assert (a.byline, a.provenance["authors"]) == ("Autorin/Autor Marta Keller", "label")
    assert a.tags == ["Fähre", "Konstanz"]  # repeated and code-like tags dropped
    assert a.provenance["tags"] == "meta"
    assert a.images == [
        {  # og:image and the JSON-LD ImageObject are two sizes of one file: one entry
            "url": "https://cdn.seeblick-zeitung.example/img/faehre.jpg?w=1200&crop=16x9",
            "caption": "Die neue Fähre am Anleger in Meersburg.",
        },
        {"url": "https://cdn.seeblick-zeitung.example/img/karte.png", "caption": None},
        {  # a lazy-loaded figure in the article; the sidebar's advert is not the article's
            "url": "https://seeblick-zeitung.example/img/faehre-anleger.jpg",
            "caption": "Die Fähre am Anleger in Meersburg. Foto: Marta Keller",
        },
    ]
    assert a.provenance["images"] == "meta,json-ld,figure"
    assert a.is_paywalled is True  # free as a whole, but a part of it is not
    assert a.provenance["is_paywalled"] == "json-ld"


def test_signature_names_and_rel_tags(extractor: ArticleExtractor) -> None:
    a = extract(
        extractor, "signature-byline.html", "https://valley-herald.example/news/water-rights/"
    )
    assert a.title == "Highland dairy farmers win water rights case"
    # meta author is the outlet; the bold names atop the text sign the article
    assert a.authors == ["Ana Ferreira", "Tom Okafor"]
    assert (a.byline, a.provenance["authors"]) == ("Ana Ferreira/Tom Okafor", "signature")
    assert not a.body.startswith("Ana Ferreira")  # the signature is not body text
    assert "Mark Stone" not in a.authors  # a teaser's byline inside a link
    assert a.tags == ["Farming", "Water", "Courts"]  # not the sidebar's tag cloud
    assert a.provenance["tags"] == "rel-tag"
    assert a.images == []
    assert a.is_paywalled is None
    assert "is_paywalled" not in a.provenance and "images" not in a.provenance


@pytest.mark.parametrize(
    ("h1", "og_title", "title"),
    [
        # a kicker marked as such, no declared title to match: dropped
        (
            '<span class="headline__overline">Harbour</span><span> - </span>'
            "<span>Council votes to dredge the channel</span>",
            "Harbour works: dredging approved",
            "Council votes to dredge the channel",
        ),
        # og:title is the headline without the kicker span
        (
            "<span>Harbour</span><span>Council votes to dredge the channel</span>",
            "Council votes to dredge the channel",
            "Council votes to dredge the channel",
        ),
        # og:title writes the kicker with the colon the theme only draws: its spelling wins
        (
            "<span>Harbour</span>Council votes to dredge the channel",
            "Harbour: Council votes to dredge the channel",
            "Harbour: Council votes to dredge the channel",
        ),
        # an unmarked first part that no declared title confirms as a kicker stays
        (
            "<em>Exclusive</em> Council votes to dredge the channel",
            "Dredging approved",
            "Exclusive Council votes to dredge the channel",
        ),
    ],
)
def test_h1_kicker(extractor: ArticleExtractor, h1: str, og_title: str, title: str) -> None:
    html = page(
        f'<meta property="og:title" content="{og_title}">',
        f"<article><h1>{h1}</h1>{LEAD}</article>",
    )
    a = extractor.extract(html, "https://harbour.example/council-dredge")
    assert (a.title, a.provenance["title"]) == (title, "h1")


def test_declared_headline_wins_over_an_h1_without_its_kicker(extractor: ArticleExtractor) -> None:
    ld = {"@type": "NewsArticle", "headline": "Harbour: Council votes to dredge"}
    head = '<meta property="og:title" content="Harbour: Council votes to dredge | Port News">'
    html = page(head, f"<article><h1>Council votes to dredge</h1>{LEAD}</article>", ld=ld)
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert (a.title, a.provenance["title"]) == ("Harbour: Council votes to dredge", "json-ld")
    assert not a.body.startswith("Council votes")  # the h1 as shown is still not body


def test_without_h1_og_title_before_json_ld_headline(extractor: ArticleExtractor) -> None:
    ld = {"@type": "NewsArticle", "headline": "Council approves dredging of harbour channel"}
    head = (
        '<meta property="og:title" content="Harbour to be dredged - PORT">'
        "<title>Council approves dredging of harbour channel - PORT</title>"
    )
    a = extractor.extract(page(head, LEAD, ld=ld), "https://port-news.example/dredge")
    assert (a.title, a.provenance["title"]) == ("Harbour to be dredged", "meta")
    # og:title = the JSON-LD headline plus " - PORT": the tail is the site's name
    head = head.replace("Harbour to be dredged", "Council approves dredging of harbour channel")
    a = extractor.extract(page(head, LEAD, ld=ld), "https://port-news.example/dredge")
    assert a.title == "Council approves dredging of harbour channel"


# --- authors: outlet names, labels, structured data (archiver.extract.authors, names) ------------


def test_outlet_as_json_ld_author_gives_way_to_the_byline(extractor: ArticleExtractor) -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Council votes to dredge",
        "author": {"@type": "Organization", "name": "PORT NEWS"},
        "publisher": {"@type": "Organization", "name": "Port News"},
    }
    byline = '<p class="byline">By Jane Roe, Tom Harbour</p>'
    html = page("", f"<article><h1>Council votes to dredge</h1>{byline}{LEAD}</article>", ld=ld)
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert (a.authors, a.provenance["authors"]) == (["Jane Roe", "Tom Harbour"], "author-box")
    # no person anywhere: the outlet's own name is the author after all
    html = page("", f"<article><h1>Council votes to dredge</h1>{LEAD}</article>", ld=ld)
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert (a.authors, a.provenance["authors"]) == (["PORT NEWS"], "json-ld")


def test_a_fact_checks_claimant_is_not_its_author(extractor: ArticleExtractor) -> None:
    # polygraph.info: the reviewed statement's author, in an author box at the top of the page,
    # gave the authors "The Russian" (of "The Russian and Syrian defense ministries")
    ld = {
        "@type": "ClaimReview",
        "headline": "Harbour fees: the claim is false",
        "author": {"@type": "Organization", "name": "Port News"},
        "itemReviewed": {
            "@type": "CreativeWork",
            "author": {"@type": "Person", "name": "The Harbour and Canal boards"},
        },
    }
    claimant = '<div class="statement-author"><h4 class="author">{}</h4></div>'
    for who in ("The Harbour and Canal boards", "Tom Harbour"):
        ld["itemReviewed"]["author"]["name"] = who  # type: ignore[index]
        body = f"<article><h1>Harbour fees</h1>{claimant.format(who)}{LEAD}</article>"
        a = extractor.extract(page("", body, ld=ld), "https://port-news.example/check")
        assert a.authors == [], (who, a.authors)  # no one else named
        byline = '<p class="byline">By Jane Roe</p>'
        body = f"<article><h1>Harbour fees</h1>{claimant.format(who)}{byline}{LEAD}</article>"
        a = extractor.extract(page("", body, ld=ld), "https://port-news.example/check")
        assert a.authors == ["Jane Roe"], (who, a.authors)


def test_json_ld_people_as_given_and_agencies_kept(extractor: ArticleExtractor) -> None:
    ld = {
        "@type": "NewsArticle",
        "headline": "Council votes to dredge",
        "author": [
            {"@type": "Person", "name": "Desk Team 24"},  # would fail the name rules as text
            {"@type": "Organization", "name": "Reuters"},  # an agency, not the outlet
            {"@type": "Organization", "name": "port-news.example"},  # the outlet, by its host
        ],
    }
    html = page("", f"<article><h1>Council votes to dredge</h1>{LEAD}</article>", ld=ld)
    a = extractor.extract(html, "https://www.port-news.example/dredge")
    assert a.authors == ["Desk Team 24", "Reuters"]


def test_byline_listing_more_than_json_ld(extractor: ArticleExtractor) -> None:
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "John Doe"}}
    byline = (
        '<div class="bylines"><a rel="author" href="/a/jr">Jane Roe</a>'
        ' <a rel="author" href="/a/jd">John Doe</a></div>'
    )
    teasers = "".join(  # other articles' authors, far from the byline: not co-authors
        f'<div class="more"><a rel="author" href="/a/{n}">Mia Park</a>{LEAD}</div>' for n in (1, 2)
    )
    html = page("", f"<article><h1>Dredging</h1>{byline}{LEAD}</article>{teasers}", ld=ld)
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert (a.authors, a.provenance["authors"]) == (["Jane Roe", "John Doe"], "author-box")
    only = page("", f"<article><h1>Dredging</h1>{LEAD}</article>{teasers}", ld=ld)
    assert extractor.extract(only, "https://port-news.example/dredge").authors == ["John Doe"]


@pytest.mark.parametrize(
    ("fields", "names"),
    [
        ("<dl><dt>Author</dt><dd>Jane Roe</dd><dt>Date</dt><dd>3 March</dd></dl>", ["Jane Roe"]),
        (
            '<ul><li>Von: <span><a href="/jr">Jane Roe</a>,</span> <a href="/jd">John Doe</a>'
            "</li></ul>",
            ["Jane Roe", "John Doe"],
        ),
        ('<p class="meta">By Jane Roe, in <a href="/n">News</a>, 3 March</p>', ["Jane Roe"]),
        ('<a href="/other"><span>Other story</span><span>By Mia Park</span></a>', []),
        ("<p><strong>THE RULING</strong></p>", []),  # a subheading in capitals, not a name
        # a name alone before the date line, no markup naming either
        (
            '<div><span>Jane Roe |</span><span class="d">05.04.2025 - 14:32</span></div>',
            ["Jane Roe"],
        ),
        # the date's label, named so by its class ("Last updated")
        ('<div><span class="dateLabel">Sist oppdatert</span><time>05.04.2025</time></div>', []),
        ("<div><span>Port Authority</span><span>Annual report</span></div>", []),  # no date
        ("<div><span>NEW YORK</span><span>05.04.2025</span></div>", []),  # capitals: a place
    ],
)
def test_labelled_and_signature_authors(
    extractor: ArticleExtractor, fields: str, names: list[str]
) -> None:
    html = page("", f"<article><h1>Dredging</h1>{fields}{LEAD}</article>")
    assert extractor.extract(html, "https://port-news.example/dredge").authors == names


def test_outlet_names() -> None:
    signals = PageSignals(
        parse_html(
            page("", "", ld={"@type": "NewsArticle", "publisher": {"name": "Times Of Harbour"}}),
            "https://x.example",
        )
    )
    outlet = OutletNames(signals, "https://harbour.timesofharbour.example/a/1", "The Harbour Times")
    for name in ("TIMESOFHARBOUR.COM", "The Harbour Times", "times of harbour", "harbour"):
        assert name in outlet
    assert "Jane Roe" not in outlet


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Jane Roe/John Doe", ["Jane Roe", "John Doe"]),
        ("By TPN, in News, Business", ["TPN"]),
        ("red, Agenturen", []),
        # a byline element holding only its date line (htmldate corpus pages): no names
        ("Wednesday, 08 Apr 2020 11:39 PM MYT", []),
        ("28.5.2020 17:43 Uppdaterad 28.5.2020 17:43", []),
        ("Aktualisiert am 3. Mai, Montag", []),
        ("Jane Monday", ["Jane Monday"]),  # a surname may be a weekday's
        # CNN's bylines: the kind of piece before "by", a job title hyphenated
        ("Analysis by Chris Cillizza , CNN Editor-at-large", ["Chris Cillizza"]),
        ("Opinion by Jane Roe", ["Jane Roe"]),
        ("Commentary by Jane Roe, Editor-in-Chief", ["Jane Roe"]),
        ("Mary Ann Smith-Jones", ["Mary Ann Smith-Jones"]),
        ("Deutsche Presse-Agentur, MM-Redaktion", ["Deutsche Presse-Agentur", "MM-Redaktion"]),
        # where the reporters filed from, after their names (n-tv, SRF, junge Welt)
        ("Von Seb Dumitru, Lille", ["Seb Dumitru"]),
        ("Anna Martel, Lea Wagner, Nairobi", ["Anna Martel", "Lea Wagner"]),
        ("Jane Roe, Reuters", ["Jane Roe", "Reuters"]),
        ("Jane Roe, AFP", ["Jane Roe", "AFP"]),
        ("Jane Roe and Madonna", ["Jane Roe", "Madonna"]),
        ("Hosb, Kesm", ["Hosb", "Kesm"]),
        # a user name (trafilatura's author on two WordPress pages) and a credit line
        ("Jdadmin", []),
        ("Jane Roe, Syrian defense ministries", ["Jane Roe"]),  # words in lower case
        ("Portal iG", ["Portal iG"]),
        ("Juan de los Santos & Nadia van 't Hek", ["Juan de los Santos", "Nadia van 't Hek"]),
        ("Michelle de Oliveira, Ana dos Santos", ["Michelle de Oliveira", "Ana dos Santos"]),
        # an agency written after the last name without a comma (hosted.ap.org, corpus)
        ("DANICA KIRKA, JILL LAWLESS Associated Press", ["DANICA KIRKA", "JILL LAWLESS",
                                                        "Associated Press"]),
        ("Eric Tucker The Associated Press", ["Eric Tucker", "The Associated Press"]),
        ("Jane Roe AFP", ["Jane Roe", "AFP"]),
        # a name that ends like an agency: one word before it, or the agency's name not in
        # capitals (a surname)
        ("Tom Press, Ana Dpa", ["Tom Press", "Ana Dpa"]),
        ("Michael R. Bloomberg", ["Michael R. Bloomberg"]),
        # a "text:" credit in the page's language (wday.ru, corpus: "Текст Венера Ерофеева")
        ("Текст Венера Ерофеева", ["Венера Ерофеева"]),
        ("Texto: Ana Lima", ["Ana Lima"]),
        # degrees and licences after a name are no names (beachbodyondemand.com, corpus)
        ("Ilana Muhlstein, MS, RDN", ["Ilana Muhlstein"]),
        ("Jane Roe, Ph.D., and John Doe, M.D.", ["Jane Roe", "John Doe"]),
        ("By Jane Roe MD", ["Jane Roe"]),
        ("Jane Roe, PhD, Reuters", ["Jane Roe", "Reuters"]),
        ("Dana Md", ["Dana Md"]),  # a surname, written as one
        # the outlet the reporter wrote for (dailymail.co.uk, corpus: "... For Mailonline")
        ("Amitai Winehouse For Mailonline", ["Amitai Winehouse"]),
        ("By Jane Roe for MailOnline", ["Jane Roe"]),
        ("Jane Roe for The Conversation", ["Jane Roe"]),
        # but an organisation's name with "for" in it is not cut short
        ("Center For American Progress", ["Center For American Progress"]),
        ("National Center For Health Statistics", ["National Center For Health Statistics"]),
        ("Jane Roe, Center For American Progress", ["Jane Roe", "Center For American Progress"]),
        # author labels in the languages of the outlets, and "and" in Spanish, Portuguese,
        # Italian, Russian and Turkish (a user-level hunt: each gave no author at all)
        ("Автор: Иван Петров", ["Иван Петров"]),
        ("Авторы: Иван Петров и Анна Смирнова", ["Иван Петров", "Анна Смирнова"]),
        ("كتب: أحمد حسن", ["أحمد حسن"]),
        ("بقلم أحمد حسن", ["أحمد حسن"]),
        ("Muhabir: Ayşe Demir", ["Ayşe Demir"]),
        ("Yazan: Ayşe Demir ve Mehmet Kaya", ["Ayşe Demir", "Mehmet Kaya"]),
        ("Por Juan Pérez y Ana López", ["Juan Pérez", "Ana López"]),
        ("Por María José García e Íñigo Núñez", ["María José García", "Íñigo Núñez"]),
        ("Autor: Jan Kowalski", ["Jan Kowalski"]),
        # but "y" and "e" inside a name, or joining one-word names, are no list
        ("José Ortega y Gasset", ["José Ortega y Gasset"]),
        # an initial is no "и", and Yazan, Ve are names, not labels, without a colon
        ("И. Петров", ["И. Петров"]),
        ("Петров И. И.", ["Петров И. И"]),  # the last full stop goes, as in "Petrov I. I."
        ("Yazan Haddad", ["Yazan Haddad"]),
        ("Ve Nguyen", ["Ve Nguyen"]),
    ],
)  # fmt: skip
def test_split_names_more(text: str, names: list[str]) -> None:
    assert split_names(text) == names


# --- paywall (archiver.extract.metadata) ----------------------------------------------------------


@pytest.mark.parametrize(
    ("ld", "paywalled"),
    [
        ({"isAccessibleForFree": False}, True),
        ({"isAccessibleForFree": "False"}, True),
        ({"isAccessibleForFree": "true"}, False),
        ({"hasPart": [{"@type": "WebPageElement", "isAccessibleForFree": "False"}]}, True),
        ({}, None),
    ],
)
def test_paywall(extractor: ArticleExtractor, ld: dict[str, Any], paywalled: bool | None) -> None:
    html = page(
        "", f"<article><h1>Dredging</h1>{LEAD}</article>", ld={"@type": "NewsArticle", **ld}
    )
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert a.is_paywalled is paywalled
    assert a.provenance.get("is_paywalled") == (None if paywalled is None else "json-ld")


def test_json_ld_keywords_and_defaults(extractor: ArticleExtractor) -> None:
    ld = {"@type": "NewsArticle", "keywords": "Harbour, dredging, 123456, Harbour"}
    html = page("", f"<article><h1>Dredging</h1>{LEAD}</article>", ld=ld)
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert (a.tags, a.provenance["tags"]) == (["Harbour", "dredging"], "json-ld")
    bare = Article(url="https://x.example/")  # existing callers need not pass the new fields
    assert (bare.tags, bare.images, bare.is_paywalled) == ([], [], None)


def test_every_demo_listing_page_is_a_listing(extractor: ArticleExtractor) -> None:
    """Home and section pages, last pages with only a few teasers included, are listings."""
    site = DemoSite()
    paths = []
    for base in ["/", *(section_path(s) for s in site.sections)]:
        paths += [base] + [f"{base}page/{n}/" for n in range(2, site.page_count(base) + 1)]
    assert "/category/world/page/3/" in paths
    for path in paths:
        page = site.render("GET", path, "demo-insight.test", {})
        assert page.status == 200, path
        article = extractor.extract(page.body, f"http://demo-insight.test{path}")
        assert article.page_type == "listing", path


def test_adjacent_post_links_do_not_make_an_article_a_listing(
    extractor: ArticleExtractor,
) -> None:
    """WordPress links the previous and next *posts* with rel=prev/next; only numbered pages
    of teasers are listings."""
    text = " ".join(["Three people died when two lorries collided on the coast road."] * 12)
    page = (
        "<html><head><title>Crash on the coast road</title>"
        "<link rel='prev' href='/older-post/'><link rel='next' href='/newer-post/'>"
        "<meta property='article:published_time' content='2024-05-02T08:00:00+00:00'></head>"
        f"<body><h1>Crash on the coast road</h1><p>{text}</p>"
        "<h3><a href='/older-post/'>Older post</a></h3></body></html>"
    )
    assert extractor.extract(page, "https://news.example/crash/").page_type == "article"
    numbered = page.replace("/older-post/", "/category/news/page/2/")
    listing = extractor.extract(
        numbered.replace(f"<p>{text}</p>", "<p>Short.</p>"),
        "https://news.example/category/news/page/3/",
    )
    assert listing.page_type == "listing"


def test_a_numbered_page_of_long_excerpts_is_a_listing(extractor: ArticleExtractor) -> None:
    """A category page of WordPress's default 55-word excerpts: more words than an article's
    minimum, but numbered pages of teasers and no publication date of its own."""
    excerpt = " ".join(["The council voted on the budget for the harbour and the roads."] * 5)
    posts = "".join(
        f"<article><h2><a href='/2024/03/0{n}/post-{n}/'>Budget story number {n}</a></h2>"
        f"<p>{excerpt}</p></article>"
        for n in range(1, 7)
    )
    page = (
        "<html><head><title>Politics</title><meta property='og:type' content='website'>"
        "<link rel='next' href='https://news.example/category/politics/page/2/'></head>"
        f"<body><h1>Category: Politics</h1>{posts}</body></html>"
    )
    assert extractor.extract(page, "https://news.example/category/politics/").page_type == (
        "listing"
    )


def test_trafilatura_metadata_is_a_last_resort(
    extractor: ArticleExtractor, monkeypatch: pytest.MonkeyPatch
) -> None:
    """trafilatura's metadata (htmldate's date among it) fills a field only the page's own
    signals leave empty, and is not computed at all on a page whose signals fill them all."""
    import trafilatura

    calls: list[str] = []
    real = trafilatura.extract_metadata

    def counted(tree: Any, url: str, *args: Any) -> Any:
        calls.append(url)
        return real(tree, url, *args)

    monkeypatch.setattr(trafilatura, "extract_metadata", counted)
    text = " ".join(["The council met on Tuesday to weigh the new budget for the harbour."] * 4)
    page = (
        "<html><head><title>Harbour budget weighed</title></head><body><article>"
        f"<h1>Harbour budget weighed</h1><p>{text}</p><p>{text}</p>"
        "</article></body></html>"
    )
    url = "https://news.example/2024/03/05/harbour-budget/"
    a = extractor.extract(page, url)
    assert a.published == "2024-03-05" and a.provenance["published"] == "htmldate"
    assert calls == [url]  # once, though several fields fell back to it

    calls.clear()
    a = extract(extractor, "two-authors-jsonld.html", "https://example.test/a/")
    assert a.published and a.authors and a.site_name
    assert calls == []


@pytest.mark.parametrize(
    ("shown", "authors"),
    [
        # trafilatura makes "Rmb" of a user name (a corpus page): no name the page writes
        ("rmb8090", []),
        ("www.rmb.example", []),
        ("JANE ROE.", ["JANE ROE"]),  # a name the page writes, a full stop after it
    ],
)
def test_trafilatura_author_must_be_written_on_the_page(
    extractor: ArticleExtractor, shown: str, authors: list[str]
) -> None:
    text = " ".join(["The council met on Tuesday to weigh the new budget for the harbour."] * 4)
    page = (
        "<html><head><title>Harbour budget weighed</title></head><body><article>"
        f'<h1>Harbour budget weighed</h1><div class="post-author-name-display">{shown}</div>'
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    )
    a = extractor.extract(page, "https://news.example/2024/03/05/harbour-budget/")
    assert a.authors == authors
    assert a.provenance.get("authors") == ("trafilatura" if authors else None)


BRIEF = [
    "Two cars parked outside the home care service on the main road were broken into overnight, "
    "the police said on Friday morning.",
    "The windows of both cars were smashed and a bag holding the medical records of several "
    "patients was taken from one of them.",
    "The service asked anyone who saw the thieves, or a car waiting near the building after "
    "midnight, to call the station on the square.",
]
"""75 words: a news brief."""


@pytest.mark.parametrize(
    "body",
    [
        # no h1: the headline is shown in a title-classed element (jaraguadosul.com.br, news.am)
        '<p class="titulo">Cars broken into at the care service</p>',
        # an h1 and a date over a short news item, a photo story's captions (detaykibris.com)
        "<h1>Cars broken into at the care service</h1>",
    ],
)
def test_a_short_dated_news_item_that_shows_its_headline_is_an_article(
    extractor: ArticleExtractor, body: str
) -> None:
    html = (
        "<html><head><title>Cars broken into at the care service</title>"
        "<meta property='article:published_time' content='2018-10-05T10:00:00-03:00'></head>"
        f"<body><div class='content'>{body}{''.join(f'<p>{p}</p>' for p in BRIEF)}"
        "</div></body></html>"
    )
    a = extractor.extract(html, "https://city-news.example/news/cars-broken-into-123")
    assert a.page_type == "article"


def test_an_article_of_short_paragraphs_beside_related_links_is_an_article(
    extractor: ArticleExtractor,
) -> None:
    # diariodelsur.com.co: the h1 is the section, the headline an h2; 22 paragraphs, most of
    # them one sentence, and 20 related headlines in h3 links
    title = "The first to speak: a surprising farewell from the coach"
    sentences = [
        f"The player number {n} thanked the coach for his years in charge of the team."
        for n in range(15)
    ]
    long = " ".join(sentences[:4])
    text = "".join(f"<p>{s}</p>" for s in sentences) + f"<p>{long}</p>" * 7
    related = "".join(
        f"<h3><a href='/news/sport/other-story-{n}-{n * 7}'>Other story number {n} of today</a>"
        "</h3>"
        for n in range(20)
    )
    html = (
        f"<html><head><title>{title} | Daily South</title>"
        f"<meta property='og:title' content='{title}'>"
        "<meta property='article:published_time' content='2020-12-06T12:32:58+00:00'></head>"
        f"<body><h1>Football</h1><div class='field-title'><h2>{title}</h2></div>"
        f"<div class='field-body'>{text}</div><div class='view-content'>{related}</div>"
        "</body></html>"
    )
    a = extractor.extract(html, "https://daily-south.example/news/sport/the-first-647581")
    assert a.page_type == "article"


@pytest.mark.parametrize(
    ("person", "authors"),
    [
        ("admin", ["Jane Roe"]),  # WordPress's default user (a corpus page): the byline names her
        ("Staff Writer", ["Jane Roe"]),
        ("Online News Editor", ["Jane Roe"]),  # a Person by type only: the byline's person
        # a desk's name beside a person's, as Fundus's truth keeps it (Wired)
        (["Scott Gilbertson", "Gear Team"], ["Scott Gilbertson", "Gear Team"]),
    ],
)
def test_a_json_ld_person_named_by_role_words_alone_is_nobody(
    extractor: ArticleExtractor, person: str | list[str], authors: list[str]
) -> None:
    persons = [person] if isinstance(person, str) else person
    ld = {
        "@type": "NewsArticle",
        "author": [{"@type": "Person", "name": name} for name in persons],
    }
    byline = '<p class="byline">By Jane Roe</p>'
    html = page("", f"<article><h1>Council votes to dredge</h1>{byline}{LEAD}</article>", ld=ld)
    assert extractor.extract(html, "https://port-news.example/dredge").authors == authors


def test_a_surname_joined_by_y_is_not_split_into_two_people() -> None:
    """``García y Pérez de Ayala`` is one person's surnames: "y" before a name whose second word
    is a particle joins surnames, not two people."""
    assert "Pérez de Ayala" not in split_names("Ana María García y Pérez de Ayala")


@pytest.mark.parametrize(
    ("before", "after"),
    [("//<![CDATA[", "//]]>"), ("/* <![CDATA[ */", "/* ]]> */"), ("<![CDATA[", "]]>")],
)
def test_json_ld_in_a_cdata_section_is_read(
    extractor: ArticleExtractor, before: str, after: str
) -> None:
    # krautreporter.de (corpus) wraps its JSON-LD in "//<![CDATA[ ... //]]>": the block was
    # skipped as no JSON, and the date, the authors and the paywall with it
    ld = {
        "@type": "NewsArticle",
        "datePublished": "2024-03-05T10:00:00+01:00",
        "author": {"@type": "Person", "name": "Jane Doe"},
        "isAccessibleForFree": False,
    }
    script = f'<script type="application/ld+json">\n{before}\n{json.dumps(ld)}\n{after}\n</script>'
    html = page(script, f"<article><h1>Dredging</h1>{LEAD}</article>")
    a = extractor.extract(html, "https://port-news.example/dredge")
    assert a.published == "2024-03-05T10:00:00+01:00"
    assert (a.authors, a.is_paywalled) == (["Jane Doe"], True)
    assert a.provenance["authors"] == "json-ld"


@pytest.mark.parametrize(
    ("text", "strict", "names"),
    [
        # an agency in brackets after the names is an author of its own: the closing bracket
        # alone was stripped ("Jane Doe (Reuters")
        ("Jane Doe (Reuters)", False, ["Jane Doe", "Reuters"]),
        ("By Jane Doe (Reuters)", True, ["Jane Doe", "Reuters"]),
        ("By Jane Doe, John Smith (AP)", True, ["Jane Doe", "John Smith", "AP"]),
        ("Jane Doe (Associated Press)", True, ["Jane Doe", "Associated Press"]),
        ("Jane Doe (dpa)", False, ["Jane Doe", "dpa"]),
        ("Jane Doe (dpa)", True, ["Jane Doe"]),  # as "Jane Doe, dpa": no name in lower case
        ("(AP) Jane Doe", True, ["AP", "Jane Doe"]),
        # anything else in brackets is no name, nor part of one
        ("Jane Doe (Photos)", True, ["Jane Doe"]),
        ("Jane Doe (she/her)", False, ["Jane Doe"]),
        ("Jane (Janie) Doe", True, ["Jane Doe"]),
        ("Jane Doe (Reuters - Berlin)", True, ["Jane Doe", "Reuters"]),  # cut at " - "
    ],
)
def test_split_names_with_brackets(text: str, strict: bool, names: list[str]) -> None:
    assert split_names(text, strict=strict) == names


URL = "https://port-news.example/dredge"


def test_an_agency_in_brackets_after_the_name(extractor: ArticleExtractor) -> None:
    ld = {"@type": "NewsArticle", "author": "Jane Doe (Reuters)"}
    a = extractor.extract(page("", f"<article><h1>Dredging</h1>{LEAD}</article>", ld=ld), URL)
    assert a.authors == ["Jane Doe", "Reuters"]
    body = f'<article><h1>Dredging</h1><div class="byline">By Jane Doe (Reuters)</div>{LEAD}'
    a = extractor.extract(page("", body + "</article>"), URL)
    assert a.authors == ["Jane Doe", "Reuters"]


def test_a_json_ld_person_taken_as_given_loses_its_brackets(extractor: ArticleExtractor) -> None:
    # albayan.ae (corpus): the Person is the dateline "(أبوظبي - البيان)" (Abu Dhabi - Al
    # Bayan), no name; a desk's name keeps its words outside the brackets
    for name, authors in [("(Abu Dhabi - Bayan)", []), ("Gear Team (Wired)", ["Gear Team"])]:
        ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": name}}
        html = page("", f"<article><h1>Dredging</h1>{LEAD}</article>", ld=ld)
        assert extractor.extract(html, URL).authors == authors


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # a catalogue's "Last, First" in structured data is one person, not two
        ("Doe, Jane", ["Jane Doe"]),
        ("Doe, Jane A.", ["Jane A. Doe"]),
        ("van der Berg, Jan", ["Jan van der Berg"]),
        ("Müller-Lüdenscheidt, Jörg", ["Jörg Müller-Lüdenscheidt"]),
        # two names, a name and an agency, a degree or the place filed from: a list as before
        ("Jane Doe, John Smith", ["Jane Doe", "John Smith"]),
        ("Doe, Reuters", ["Doe", "Reuters"]),
        ("Jane Roe, Reuters", ["Jane Roe", "Reuters"]),
        ("Roe, PhD", ["Roe"]),
        ("Doe, Jane, Smith", ["Doe", "Jane", "Smith"]),
    ],
)
def test_split_names_last_first(text: str, names: list[str]) -> None:
    assert split_names(text, strict=False) == names


def test_a_json_ld_author_written_last_name_first(extractor: ArticleExtractor) -> None:
    ld = {"@type": "NewsArticle", "author": "Doe, Jane"}
    a = extractor.extract(page("", f"<article><h1>Dredging</h1>{LEAD}</article>", ld=ld), URL)
    assert a.authors == ["Jane Doe"]
    assert split_names("By Doe, Jane") == ["Doe", "Jane"]  # a byline is read as written


@pytest.mark.parametrize(
    ("text", "names"),
    [
        # an agency's staff is the agency, as agencies count as authors
        ("Reuters Staff", ["Reuters"]),
        ("By Reuters Staff", ["Reuters"]),
        ("AFP staff", ["AFP"]),
        ("By Associated Press Staff", ["Associated Press"]),
        ("Jane Roe, Reuters Staff", ["Jane Roe", "Reuters"]),
        # another desk's staff names nobody (the byline is kept raw), nor a person's role
        ("By HNN Staff", []),
        ("AP Staff Writer", []),
    ],
)
def test_split_names_agency_staff(text: str, names: list[str]) -> None:
    assert split_names(text) == names


def test_an_agency_staff_author(extractor: ArticleExtractor) -> None:
    for author in ["Reuters Staff", {"@type": "Person", "name": "Reuters Staff"}]:
        ld = {"@type": "NewsArticle", "author": author}
        html = page("", f"<article><h1>Dredging</h1>{LEAD}</article>", ld=ld)
        assert extractor.extract(html, URL).authors == ["Reuters"]
    # a JSON-LD Person that is another desk's staff is taken as given, as before
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", "name": "Science X staff"}}
    html = page("", f"<article><h1>Dredging</h1>{LEAD}</article>", ld=ld)
    assert extractor.extract(html, URL).authors == ["Science X staff"]


@pytest.mark.parametrize(
    ("ld", "paywalled"),
    [
        # schema.org's Boolean written as its URL
        ({"isAccessibleForFree": "https://schema.org/False"}, True),
        ({"isAccessibleForFree": "http://schema.org/True"}, False),
        ({"hasPart": {"@type": "WebPageElement", "isAccessibleForFree": "http://schema.org/False"}},
         True),
        ({"isAccessibleForFree": "https://example.org/False"}, None),
    ],
)  # fmt: skip
def test_paywall_as_a_schema_org_url(
    extractor: ArticleExtractor, ld: dict[str, Any], paywalled: bool | None
) -> None:
    html = page(
        "", f"<article><h1>Dredging</h1>{LEAD}</article>", ld={"@type": "NewsArticle", **ld}
    )
    assert extractor.extract(html, URL).is_paywalled is paywalled


@pytest.mark.parametrize(
    ("meta", "ld", "paywalled", "signal"),
    [
        ('<meta property="article:content_tier" content="locked">', None, True, "meta"),
        # metered: free up to a quota, then paywalled (its pages' JSON-LD says not free)
        ('<meta name="article:content_tier" content="metered">', None, True, "meta"),
        ('<meta property="article:content_tier" content="Free">', None, False, "meta"),
        ('<meta property="og:article:content_tier" content="locked">', None, True, "meta"),
        ('<meta property="article:content_tier" content="premium">', None, None, None),
        # JSON-LD is trusted first, as before
        ('<meta property="article:content_tier" content="locked">', True, False, "json-ld"),
    ],
)
def test_paywall_from_the_content_tier(
    extractor: ArticleExtractor, meta: str, ld: bool | None, paywalled: bool | None, signal: str
) -> None:
    data = {"@type": "NewsArticle"} if ld is None else {"isAccessibleForFree": ld}
    html = page(
        meta, f"<article><h1>Dredging</h1>{LEAD}</article>", ld={"@type": "NewsArticle", **data}
    )
    a = extractor.extract(html, URL)
    assert (a.is_paywalled, a.provenance.get("is_paywalled")) == (paywalled, signal)


def test_relative_urls_follow_the_base_element(extractor: ArticleExtractor) -> None:
    # <base href> is the page's base URL for its canonical link and its images, not its address
    head = '<base href="https://example.com/"><link rel="canonical" href="news/budget">'
    body = '<article><h1>Budget</h1><figure><img src="img/park-987654321.jpg"></figure>'
    a = extractor.extract(page(head, body + LEAD + "</article>"), "https://example.com/news/2024/b")
    assert a.canonical_url == "https://example.com/news/budget"
    assert [i["url"] for i in a.images] == ["https://example.com/img/park-987654321.jpg"]
    # a relative base is resolved against the address; one that is no http(s) URL is ignored
    for base, canonical in [
        ("/other/", "https://example.com/other/news/budget"),
        ("javascript:void(0)", "https://example.com/news/2024/news/budget"),
        ("http://[::1", "https://example.com/news/2024/news/budget"),  # malformed: ignored
    ]:
        head = f'<base href="{base}"><link rel="canonical" href="news/budget">'
        html = page(head, f"<article><h1>Budget</h1>{LEAD}</article>")
        assert extractor.extract(html, "https://example.com/news/2024/b").canonical_url == canonical


@pytest.mark.parametrize(
    ("person", "shown", "name"),
    [
        # a Person named by its parts only: given name, then family name
        ({"givenName": "Jane", "familyName": "Doe"}, "", "Jane Doe"),
        ({"givenName": "Jane", "additionalName": "Anne", "familyName": "Doe"}, "", "Jane Anne Doe"),
        ({"familyName": "Doe"}, "", "Doe"),
        # the name wins over its parts
        ({"name": "Jane Roe", "givenName": "Jane", "familyName": "Doe"}, "", "Jane Roe"),
        # family name first only where the page writes it so (Hungarian, Japanese) ...
        ({"givenName": "Péter", "familyName": "Nagy"}, "Nagy Péter", "Nagy Péter"),
        ({"givenName": "太郎", "familyName": "山田"}, "山田太郎", "山田太郎"),
        # ... and not both ways
        ({"givenName": "Jane", "familyName": "Doe"}, "Doe Jane and Jane Doe", "Jane Doe"),
    ],
)
def test_a_json_ld_person_named_by_its_parts(
    extractor: ArticleExtractor, person: dict[str, str], shown: str, name: str
) -> None:
    ld = {"@type": "NewsArticle", "author": {"@type": "Person", **person}}
    body = f"<article><h1>Dredging</h1><p>{shown}</p>{LEAD}</article>"
    assert extractor.extract(page("", body, ld=ld), URL).authors == [name]


_NEWS_ITEM = 'itemscope itemtype="http://schema.org/NewsArticle"'
_FREE_PROP = '<meta itemprop="isAccessibleForFree" content="{}">'
_PART = '<div itemprop="hasPart" itemscope itemtype="http://schema.org/WebPageElement">{}</div>'


@pytest.mark.parametrize(
    ("inside", "meta", "paywalled", "signal"),
    [
        # microdata says what JSON-LD says (NYT: the article and its metered part not free)
        (_FREE_PROP.format("False") + _PART.format(_FREE_PROP.format("False")), "", True,
         "microdata"),
        (_FREE_PROP.format("true"), "", False, "microdata"),
        ('<link itemprop="isAccessibleForFree" href="https://schema.org/False">', "", True,
         "microdata"),
        # free as a whole, but a part of it is not
        (_FREE_PROP.format("True") + _PART.format(_FREE_PROP.format("False")), "", True,
         "microdata"),
        # before the content tier, as JSON-LD
        (_FREE_PROP.format("true"), '<meta property="article:content_tier" content="locked">',
         False, "microdata"),
        # not of an item, or of a teaser in the sidebar: no say
        ("", "", None, None),
    ],
)  # fmt: skip
def test_paywall_from_microdata(
    extractor: ArticleExtractor, inside: str, meta: str, paywalled: bool | None, signal: str
) -> None:
    teaser = f'<aside><div {_NEWS_ITEM}>{_FREE_PROP.format("False")}<a href="/x">More</a></div>'
    body = f"<article {_NEWS_ITEM}>{inside}<h1>Dredging</h1>{LEAD}</article>{teaser}</aside>"
    a = extractor.extract(page(meta, body + _FREE_PROP.format("False")), URL)
    assert (a.is_paywalled, a.provenance.get("is_paywalled")) == (paywalled, signal)


def test_an_author_written_with_and_without_accents_is_one(extractor: ArticleExtractor) -> None:
    def authors(ld_names: list[str], byline: str = "") -> Article:
        ld = {"@type": "NewsArticle", "author": [{"@type": "Person", "name": n} for n in ld_names]}
        body = f'<article><h1>Dredging</h1><div class="byline">{byline}</div>{LEAD}</article>'
        return extractor.extract(page("", body, ld=ld), URL)

    # one signal giving both: one author, the spelling with the accents kept
    assert authors(["Lucia Perez", "Lucía Pérez"]).authors == ["Lucía Pérez"]
    # two signals: the byline's list holds the JSON-LD author and more ...
    assert authors(["Lucía Pérez"], "By Lucia Perez and John Roe").authors == [
        "Lucía Pérez",
        "John Roe",
    ]
    # ... or each names the one author, a spelling of the other's, which does not lose
    a = authors(["Lucia Perez"], "By Lucía Pérez")
    assert (a.authors, a.provenance["authors"]) == (["Lucía Pérez"], "json-ld")
    assert "authors.rejected" not in a.provenance
    # other names stay apart
    assert authors(["Lucía Pérez", "Lucia Peres"]).authors == ["Lucía Pérez", "Lucia Peres"]
