"""ArticleExtractor on WordPress-news-theme style pages written for these tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from archiver.demo.site import DemoSite
from archiver.exceptions import ExtractionError
from archiver.extract import EXTRACTOR_VERSION, ArticleExtractor
from archiver.extract.authors import split_names
from archiver.extract.dates import normalise_date
from archiver.extract.markup import decode_html
from archiver.extract.metadata import strip_site_name
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


def test_seed_like_page_in_windows_1252(extractor: ArticleExtractor) -> None:
    url = "https://steppe-courier.example/uzbekistan-pakistan-rail-study/"
    capture = CaptureRef(record_id="<urn:uuid:1>", warc_file="a.warc.gz", offset=10, length=20)
    a = extract(extractor, "seed-like.html", url, outlet="steppe", capture=capture)
    assert a.url == url
    assert a.outlet == "steppe"
    assert a.capture is capture
    assert a.extractor_version == EXTRACTOR_VERSION
    assert EXTRACTOR_VERSION.startswith("archiver-extract/1 trafilatura/")
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


def test_page_declaring_a_legacy_charset_but_sending_utf8() -> None:
    raw = '<meta charset="iso-8859-1"><p>Zürich</p>'.encode()
    assert "Zürich" in decode_html(raw)
    assert "Zürich" in decode_html("<p>Zürich</p>".encode("cp1252"))
    assert "Zürich" in decode_html("<p>Zürich</p>".encode("utf-16"))  # with a BOM


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
        ("not a date", None),
        ("2999-01-01", None),  # in the future: not a publication date
    ],
)
def test_normalise_date(value: str, iso: str | None) -> None:
    assert normalise_date(value) == iso


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
