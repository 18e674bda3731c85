"""The general clean-up and date rules of the extractor, each on pages and lines written for it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from archiver.extract import ArticleExtractor
from archiver.extract.body import clean_paragraphs
from archiver.extract.boilerplate import is_boilerplate
from archiver.extract.dates import text_date
from archiver.extract.metadata import plausible_site_name
from archiver.items import Article

RULES = Path(__file__).parent / "fixtures" / "extract" / "rules"
LONG = (
    "The council met on Tuesday evening and agreed, after a debate of more than two hours, to "
    "rebuild the old footbridge over the canal before the start of the next school year."
)
"""A paragraph of reporting: long enough that no furniture rule looks at it twice."""


@pytest.fixture(scope="module")
def extractor() -> ArticleExtractor:
    return ArticleExtractor()


def extract(extractor: ArticleExtractor, name: str, url: str) -> Article:
    return extractor.extract((RULES / name).read_bytes(), url)


def clean(*paragraphs: str, title: str | None = "Footbridge to be rebuilt") -> list[str]:
    kept, _, _ = clean_paragraphs(
        "\n".join(paragraphs), title=title, authors=[], byline=None, box_texts=[]
    )
    return kept


def test_page_furniture_is_dropped_and_the_dateline_found(extractor: ArticleExtractor) -> None:
    a = extract(extractor, "furniture.html", "https://tidewater-tribune.example/port/cranes/")
    body = a.body.split("\n\n")
    assert len(body) == 5
    assert body[0].startswith("SALTHAVEN, Feb 14 (Reuters) - The four container cranes")
    assert body[-1].endswith("with the management on Wednesday morning.")
    for furniture in (
        "After the gales",  # the kicker and the headline above the text
        "Getty Images",
        "Externer Inhalt",
        "MORE:",
        "Jonas Riedel",
        "Stand:",
        "tips@",
        "Reporting by",
        "Copyright",
        "Comments",
        "night shift",
    ):
        assert furniture not in a.body
    # with the headline line gone, the dateline opens the body again
    assert a.dateline is not None
    assert (a.dateline.raw, a.dateline.agency) == ("SALTHAVEN, Feb 14 (Reuters) -", "Reuters")
    assert a.authors == ["Maren Holt"]


def test_date_under_the_headline_beats_the_site_header(extractor: ArticleExtractor) -> None:
    a = extract(extractor, "headline-date.html", "https://valley-courier.example/reservoirs")
    assert a.published == "2020-10-13"  # not the header's "today", not the sidebar's date
    assert a.provenance["published"] == "headline-date"


def test_labelled_date_beats_a_date_in_a_caption(extractor: ArticleExtractor) -> None:
    a = extract(extractor, "date-label.html", "https://kuestenblatt.example/neue-faehre")
    assert a.published == "2023-04-28"  # "Datum 28.04.2023", not the caption's 24 April
    assert a.provenance["published"] == "date-label"


def test_unix_timestamp_attribute(extractor: ArticleExtractor) -> None:
    a = extract(extractor, "epoch-date.html", "https://rail-watch.example/night-trains")
    assert a.published == "2020-07-11T06:25:02+00:00"
    assert a.provenance["published"] == "data-time"


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("13 Oct 2020 18:29", "2020-10-13"),
        ("Tuesday, 8 December 2020", "2020-12-08"),
        ("October 13, 2020 at 9:15", "2020-10-13"),
        ("Datum 28.04.2023", "2023-04-28"),
        ("Do 25.04.24 | 14:07 Uhr", "2024-04-25"),
        ("2020-10-13T10:00:00Z", "2020-10-13"),
        ("2020年7月12日", "2020-07-12"),
        ("12 de marzo de 2021", "2021-03-12"),
        ("25/12/2020", "2020-12-25"),
        ("12/25/2020", "2020-12-25"),
        ("03/04/2020", None),  # day first or month first: the page's country decides
        ("version 1.5.10", None),
        ("31 Feb 2020", None),
        ("1,204 views", None),
    ],
)
def test_text_date(text: str, day: str | None) -> None:
    assert text_date(text) == day


@pytest.mark.parametrize(
    "line",
    [
        "STR/AFP via Getty Images",
        "Photo: Lena Vogt",
        "Bild: dpa",
        "Externer Inhalt nicht verfügbar",
        "Ein Klick für den Datenschutz",
        "Embed",
        "An error has occurred, please try again later.",
        "Copyright 2024 Valley Courier. All rights reserved.",
        "This is a breaking news story - more to follow",
        "Stand: 14.02.2024, 10:45 Uhr",
        "Updated at 1:23 p.m.",
        "Aktualisiert am",
        "05.09.2024 | 2:03 min",
        "sexta-feira, 22 de outubro de 2010 às 20:13",
        "Write to Ana Ruiz at ana.ruiz@example.org",
        "La suite est réservée aux abonnés.",
        "Log in or create an account to continue",
        "Please read our comment policy before commenting.",
        "Join our commenting forum",
        "(Reporting by Ana Ruiz; editing by Tom Berg)",
        "Jane Roe contributed to this report.",
        "12/03/2019 - Posted by: Ana Ruiz - Category: Health - Tags: flu",
        "(dmk)",
        "- Order Reprints",
        "- Print Article",
        "This copy is for your personal, non-commercial use only. Distribution and use of this"
        " material are governed by our Subscriber Agreement and by copyright law. For non-personal"
        " use or to order multiple copies, please contact Dow Jones Reprints at 1-800-843-0008 or"
        " visit www.djreprints.com.",
        "- Advertisement 1Story continues below",
        "Story continues below advertisement",
        "Lesedauer: 4 Minuten",
        "- 3 Minuten Lesezeit",
        "5 min read",
        "Passer la publicité",
        "Filed under: Khawarij |",
        "With files from The Associated Press and Mohamed El Saife",
        "With reporting by Associated Press writer Sheikh Saaliq",
        "Aus dem Englischen von Jan Doolan",
        "- Übersetzung und Adaptierung: AFP Deutschland",
        "Additional reporting from PA",
        "Our Standards: The Thomson Reuters Trust Principles.",
    ],
)
def test_furniture_lines(line: str) -> None:
    assert is_boilerplate(line)


@pytest.mark.parametrize(
    "line",
    [
        LONG,
        "The company declined to comment.",
        "Prices for subscribers will rise in May, the broadcaster said.",
        "The photo agency said it had sent three photographers to the border.",
        "Stand-up comedians filled the hall on 12.05.2024 at 19:30 for the charity night.",
        "She was reached by phone on Monday and said she would send a statement later.",
        "The game starts at 19:30 on 12.05.2024 in the new stadium.",
        "Source code for the app is published on a public server.",
        "Reporting on the trial was restricted by the judge.",
        "The content is not available in all countries yet, the company said in a statement.",
        "The print article ran on the front page, the editor said.",
        "The images were licensed for personal, non-commercial use only, the court heard.",
        "Story continues below gallery of the flooded streets, the editor wrote.",
        "With files from the archive, the historian rebuilt the town's first map.",
        "Translation errors cost the ministry two years, the audit found.",
        "The reading took 5 minutes, and the vote followed.",
        "Our standards of care have fallen since the cuts, nurses told the inquiry on Monday.",
    ],
)
def test_reporting_is_not_furniture(line: str) -> None:
    assert not is_boilerplate(line)


def test_headline_repeated_with_a_programme_name_or_a_kicker() -> None:
    assert clean("Footbridge to be rebuilt | Evening News", LONG) == [LONG]
    assert clean("Canal works Footbridge to be rebuilt", LONG) == [LONG]
    # the part of a "Kicker: Headline" title after its kicker
    assert clean("Footbridge to be rebuilt", LONG, title="Canal: Footbridge to be rebuilt") == [
        LONG
    ]
    # a wire lead that names the headline is the lead, not a repeat
    lead = "新华社北京4月24日电 题\uff1aFootbridge to be rebuilt"
    assert clean(lead, LONG) == [lead, LONG]
    # a lead that opens with the headline's words and goes on is the lead
    lead = "Footbridge to be rebuilt, the council said on Wednesday, after the spring floods."
    assert clean(lead, LONG) == [lead, LONG]
    lead = "Canal works: Footbridge to be rebuilt by the end of the year, the council said."
    assert clean(lead, LONG) == [lead, LONG]
    # the headline with a separator and a line of its own after it is not
    assert clean("Footbridge to be rebuilt - Canal works", LONG) == [LONG]
    assert clean("Canal works Footbridge to be rebuilt (Video)", LONG) == [LONG]
    assert clean("Canal works Footbridge to be rebuilt 05.03.2024", LONG) == [LONG]


def test_url_at_the_top_and_bylines_anywhere() -> None:
    assert clean("https://news.example/2024/03/footbridge", LONG) == [LONG]
    assert clean(LONG, "Von Jonas Riedel", LONG) == [LONG, LONG]
    assert clean(LONG, "By Ana Ruiz and Tom Berg", LONG) == [LONG, LONG]
    by_then = "By Monday the water had fallen by a metre."
    assert clean(LONG, by_then) == [LONG, by_then]  # a sentence, not a byline


def test_promo_lines_and_teasers() -> None:
    kept = clean(
        LONG,
        "Subscribe Now!",
        "Suscríbete",
        "Noticia relacionada",
        "À lire aussi La natalité russe menacée d'effondrement",
        "MORE: Ferry timetable changes for the spring season",
        "Also: See our full coverage of the floods",
        "Plague fears grow after a second case in the province [INSIGHT]",
        "River levels fall across the region River levels fall across the region",
        "Subscribe to our newsletter for the morning briefing.",
        "Got a story? Get in touch with our newsroom: we read every message and click here.",
        LONG,
    )
    assert kept == [LONG, LONG]
    sentence = "Also read the report in full before voting, the mayor told the council."
    assert clean(LONG, sentence) == [LONG, sentence]


def test_comments_and_tags_end_the_article() -> None:
    kept = clean(LONG, LONG, "Tags", "bridges, canal, council", "Comments", "Great news!")
    assert kept == [LONG, LONG]


def test_a_links_box_ends_the_article_only_at_its_end() -> None:
    teasers = ["Who will win the regatta this year?", "Five walks along the old canal"]
    assert clean(LONG, LONG, LONG, "You may also like...", *teasers) == [LONG, LONG, LONG]
    assert clean(LONG, LONG, LONG, "Explore further", *teasers) == [LONG, LONG, LONG]
    assert clean(LONG, LONG, LONG, "Popular on Valley Courier", *teasers) == [LONG, LONG, LONG]
    # amid the text, with as much text after it as before, the box is only a label
    short = [f"Paragraph {n} of a story told in short lines." for n in range(8)]
    kept = clean(*short, "Related", *short)
    assert kept == short + short


def test_closing_link_list_dropped_but_not_a_list_in_the_text() -> None:
    links = ["- Bridge closures: what drivers need to know", "- Canal boats return", "- Maps"]
    assert clean(LONG, "Read more on this story:", *links) == [LONG]
    ingredients = ["- two eggs", "- a cup of flour", "- a pinch of salt"]
    assert clean(LONG, *ingredients, LONG) == [LONG, *ingredients, LONG]


def test_links_that_share_a_label_before_a_bar_are_dropped() -> None:
    # corpus pages: "FUNDA OLUNYE UDABA LAPHA | <headline>" ("read another story here"), four
    # times amid a Zulu article; "Milano Design Week 2018 | <headline>" under a design review
    promos = [
        "READ ANOTHER STORY HERE | Ferry timetable changes for the spring",
        "READ ANOTHER STORY HERE | Canal boats return to the old harbour",
    ]
    assert clean(LONG, promos[0], LONG, promos[1], LONG) == [LONG, LONG, LONG]
    # once is a line of the article; a sentence after the bar is reporting, as is a colon
    once = "Harbour Week 2024 | the programme"
    assert clean(LONG, once, LONG) == [LONG, once, LONG]
    said = ["Mayor | We will rebuild the bridge.", "Mayor | It will open in May."]
    labelled = ["We like: the price", "We like: the warranty"]
    assert clean(LONG, *said, *labelled) == [LONG, *said, *labelled]


def test_a_paragraph_that_is_a_link_to_another_page_of_the_site_is_a_teaser(
    extractor: ArticleExtractor,
) -> None:
    # corpus pages: Fox News' capitalised headlines of other stories between paragraphs, the
    # "- <headline>" links of Postmedia and t-online, a video on a subdomain of the site
    teasers = [
        '<p><strong><a href="/2024/05/ferry-fares">FERRY FARES RISE AGAIN FOR THE SUMMER</a>'
        "</strong></p>",
        '<p><a href="https://video.valley-courier.example/v/7">Watch the new bridge design in'
        " three dimensions</a></p>",
        '<p><strong><a href="/2024/05/tolls">WHO WILL PAY FOR THE NEW BRIDGE?</a></strong></p>',
    ]
    stay = [  # a link elsewhere (a product, a report), and a paragraph with a link in it
        '<p><a href="https://shop.example/kettle">Tefal Express Kettle 1.7 Litre white</a></p>',
        '<p>Work starts in June: <a href="/plans">the plans for the new footbridge</a></p>',
    ]
    paragraphs = [f"<p>{LONG}</p>"] * 5
    body = "".join(p for pair in zip(paragraphs, teasers + stay, strict=True) for p in pair)
    html = (
        '<html lang="en"><head><meta charset="utf-8"><title>Footbridge to be rebuilt</title>'
        f"</head><body><article><h1>Footbridge to be rebuilt</h1>{body}</article></body></html>"
    )
    a = extractor.extract(html, "https://www.valley-courier.example/2024/05/footbridge")
    assert a.body.split("\n\n") == [
        LONG,
        LONG,
        LONG,
        LONG,
        "Tefal Express Kettle 1.7 Litre white",
        LONG,
        "Work starts in June: the plans for the new footbridge",
    ]


def test_ruby_readings_stay_inline(extractor: ArticleExtractor) -> None:
    # a corpus page: furigana over names (<ruby>) broke its paragraphs into pieces
    sentence = "大統領は3日夜、緊急談話を出し、野党が国政をまひさせているとして宣言した。"
    left, right = "\uff08", "\uff09"  # the full-width brackets of Japanese text
    para = (
        "<p>【ソウル】韓国の\n<ruby><rb>尹錫悦</rb>"
        f"<rp>{left}</rp><rt>ユンソンニョル</rt><rp>{right}</rp></ruby>\n{sentence * 6}</p>"
    )
    html = (
        '<html lang="ja"><head><meta charset="utf-8"><title>戒厳令</title></head>'
        f"<body><article><h1>戒厳令</h1>{para}{para}</article></body></html>"
    )
    a = extractor.extract(html, "https://news.example.jp/world/1")
    first = f"【ソウル】韓国の 尹錫悦{left}ユンソンニョル{right} {sentence * 6}"
    assert a.body.split("\n\n")[0] == first


def test_a_page_inside_a_form(extractor: ArticleExtractor) -> None:
    # ASP.NET sites wrap the whole page in one <form>; the tree's elements are all plain
    # HtmlElements (markup._PARSER), the form and its inputs too
    more = LONG.replace("Tuesday", "Wednesday").replace("agreed", "decided")
    html = (
        '<html><body><form id="aspnetForm" method="post"><input type="hidden" name="__VIEWSTATE"'
        ' value="x"><label for="q">Search</label><input id="q" name="q"><select name="s">'
        '<option>All</option></select><textarea name="t"></textarea><article>'
        f"<h1>Footbridge to be rebuilt</h1><p>{LONG}</p><p>{more}</p>"
        "</article></form></body></html>"
    )
    a = extractor.extract(html, "https://valley-courier.example/footbridge")
    assert a.title == "Footbridge to be rebuilt"
    assert a.body.split("\n\n") == [LONG, more]


def test_the_standfirst_opens_the_body(extractor: ArticleExtractor) -> None:
    # a third of the corpus' Fundus pages: the lead above the text, left out by trafilatura
    lead = "The old footbridge will be rebuilt by September, and the canal path reopens in May."
    head = f'<meta property="og:description" content="{lead}">'

    more = LONG.replace("Tuesday", "Wednesday").replace("agreed", "decided")

    def page(above: str, first: str = LONG) -> str:  # the lead in the header, the text apart
        header = f"<header><h1>Footbridge to be rebuilt</h1>{above}</header>"
        body = f"{header}<article><p>{first}</p><p>{more}</p></article>"
        return f"<html><head>{head}</head><body>{body}</body></html>"

    url = "https://valley-courier.example/footbridge"
    a = extractor.extract(page(f'<p class="dek">{lead}</p>'), url)
    assert a.body.split("\n\n") == [lead, LONG, more]
    assert a.provenance["body.standfirst"] == "markup"
    # a caption that repeats the description is not a standfirst
    caption = f'<figure><img src="/b.jpg"><figcaption>{lead}</figcaption></figure>'
    assert extractor.extract(page(caption), url).body.split("\n\n") == [LONG, more]
    # wire copy opens with its dateline
    wire = "VALLEY CITY (AP) — " + LONG
    a = extractor.extract(page(f'<p class="dek">{lead}</p>', wire), url)
    assert a.body.split("\n\n") == [wire, more]
    assert a.dateline is not None
    # the dek shows the description's first sentence, in a main column classed "sidebar"
    first = lead.split(",")[0] + "."
    dek = f'<div class="sidebar-1"><p class="description">{first}</p></div>'
    assert extractor.extract(page(dek), url).body.split("\n\n") == [first, LONG, more]


def test_lines_the_source_wraps_are_one_paragraph(extractor: ArticleExtractor) -> None:
    # a corpus page (a Blogger site) wraps its paragraphs' text at about 70 characters in the
    # HTML source; a browser shows each as one paragraph, trafilatura's text kept every line,
    # and the lead came out twice: whole as the standfirst, then again line by line
    more = LONG.replace("Tuesday", "Wednesday").replace("agreed", "decided")
    wrapped = LONG.replace(" after", "\n after").replace(" rebuild", " \nrebuild")
    html = (
        f'<html><head><meta property="og:description" content="{LONG[:150]}..."></head><body>'
        f"<article><h1>Footbridge to be rebuilt</h1><div><span>{wrapped}<br></span></div>"
        f"<div>{more.replace(' to ', chr(10) + ' to ')}</div>"
        "<pre>first line\nsecond line</pre></article></body></html>"
    )
    a = extractor.extract(html, "https://valley-courier.example/footbridge")
    paragraphs = a.body.split("\n\n")
    assert paragraphs[:2] == [LONG, more]
    assert "body.standfirst" not in a.provenance
    # a line break the page sets is kept
    broken = extractor.extract(html.replace(" \nrebuild", "<br>rebuild"), a.url)
    head, tail = LONG.split(" rebuild")
    assert broken.body.split("\n\n")[:2] == [head, "rebuild" + tail]
    # and so are the lines of preformatted text, and of an element styled to show them
    assert paragraphs[2:] == ["first line", "second line"]
    shown = html.replace("<pre>", '<div style="white-space: pre-line">').replace("</pre>", "</div>")
    assert extractor.extract(shown, a.url).body.split("\n\n")[2:] == ["first line", "second line"]


def test_the_next_story_on_the_page_is_not_the_body(extractor: ArticleExtractor) -> None:
    # a corpus page (Dagbladet) loads the next article under the first, in an <article> with
    # its own headline: trafilatura's text ran on through all 42 of its paragraphs
    other = [
        f"The ferry company said on Friday that {n} new boats would join its fleet on the lake,"
        f" and that the {n} older ones would be sold to a museum before the summer season."
        for n in ("two", "three", "four")
    ]
    more = LONG.replace("Tuesday", "Wednesday").replace("agreed", "decided")
    html = (
        "<html><body><main>"
        f"<article><h1>Footbridge to be rebuilt</h1><p>{LONG}</p><p>{more}</p></article>"
        "<article><h1>Ferries for the lake</h1>"
        + "".join(f"<p>{p}</p>" for p in other)
        + "</article></main></body></html>"
    )
    a = extractor.extract(html, "https://valley-courier.example/footbridge")
    assert a.body.split("\n\n") == [LONG, more]


def test_repeated_lines_stay() -> None:
    """Recipes, schedules and tables repeat short lines; only the headline goes twice."""
    plan = ["Eat every two to three hours", "Drink during your workout"]
    assert clean(LONG, *plan, *plan, LONG) == [LONG, *plan, *plan, LONG]


def test_a_paragraph_of_one_character_is_dropped_unless_a_section_break() -> None:
    # corpus pages: a logo's "A" twice above an Armenian article, "-", "|", "(", ":" and "?"
    # left between paragraphs; the Tokyo Shimbun's "◇" between sections is in its truth
    assert clean("A", "A", LONG, "-", LONG, "|", "?") == [LONG, LONG]
    assert clean(LONG, "◇", LONG) == [LONG, "◇", LONG]


@pytest.mark.parametrize(
    ("crumbs", "title", "section"),
    [
        # corpus pages (n-tv.de, Stern, Golem, Tages-Anzeiger, rbb24): the trail ends with the
        # page's own headline in another wording, or starts with the outlet's name
        (
            ["ntv.de", "Leben", "Neue Leipziger Schule: Judy Lybke, ganz und gar nicht eigenartig"],
            "Judy Lybke, ganz und gar nicht eigenartig",
            ["Leben"],
        ),
        (
            [
                "Wirtschaft",
                "EPI Zahlungssystem: So kann Europa Paypal, Apple Pay und Visa schlagen",
            ],
            "Statt Paypal & Co.: So könnte Europas neues Bezahlsystem die US-Konkurrenz schlagen",
            ["Wirtschaft"],
        ),
        (
            ["Schweiz", "Trump plant Helikopterlandeplatz beim Weissen Haus"],
            "Trump plant Helikopter\u00adlandeplatz \u2013 während sein Ballsaal-Projekt stockt",
            ["Schweiz"],
        ),
        (["rbb|24", "Kultur"], "DDR-Hotel Lunik öffnet als Theater", ["Kultur"]),
        (["Sie befinden sich hier:", "Wissen"], "Eskalation im Nordatlantik", ["Wissen"]),
        (["Начало", "България", "/ Хасково"], "Община Хасково", ["България", "Хасково"]),
        # short sections stay, also when the headline names them
        (["Politics", "Donald Trump"], "Donald Trump wins the vote", ["Politics", "Donald Trump"]),
        (
            ["Tech", "AI Platforms & Assistants"],
            "Google adds more AI",
            ["Tech", "AI Platforms & Assistants"],
        ),
        # two trails in one (phys.org's categories): the second starts with a name seen before
        (
            ["Astronomy & Space", "Space Exploration", "Astronomy & Space", "Astrobiology"],
            "Hibernating astronauts",
            ["Astronomy & Space", "Space Exploration"],
        ),
        # the page's type ends the trail (Nature, The Nation, Rolling Stone): not a section
        (["news feature", "article"], "Inside the lab", ["news feature"]),
        (["Culture Council", "Articles"], "How brands grow", ["Culture Council"]),
        (
            ["BIZ WRAP", "Economy and Politics", "Story"],
            "Markets rise",
            ["BIZ WRAP", "Economy and Politics"],
        ),
        # the outlet's name with its tagline (Israel Nachrichten): still the outlet
        (["n-tv \u2013 Nachrichten aus aller Welt", "Politik"], "Wahl in Israel", ["Politik"]),
        # Home in more languages, the site's address, the outlet's name with "front page", and
        # "you are in" without its colon (corpus pages)
        (["الرئيسية", "أخبار الفن"], "Wahl in Israel", ["أخبار الفن"]),
        (["صفحه اصلی", "سیاست"], "Wahl in Israel", ["سیاست"]),
        (["首頁", "財經政策"], "Wahl in Israel", ["財經政策"]),
        (["www.n-tv.de", "Verslas"], "Wahl in Israel", ["Verslas"]),
        (["ntv frontpage", "Travel", "Disney"], "Wahl in Israel", ["Travel", "Disney"]),
        (["sei in", "Italia e Mondo", "Mondo"], "Wahl in Israel", ["Italia e Mondo", "Mondo"]),
    ],
)
def test_a_trail_ends_before_the_headline_and_starts_after_the_outlet(
    extractor: ArticleExtractor, crumbs: list[str], title: str, section: list[str]
) -> None:
    items = ", ".join(
        f'{{"@type": "ListItem", "position": {n}, "name": {json.dumps(c)}}}'
        for n, c in enumerate(crumbs, start=1)
    )
    html = f"""<html><head><title>{title}</title>
    <script type="application/ld+json">{{"@type": "BreadcrumbList", "itemListElement": [{items}]}}
    </script></head><body><article><h1>{title}</h1><p>{LONG}</p></article></body></html>"""
    host = "www.rbb24.de" if crumbs[0] == "rbb|24" else "www.n-tv.de"
    a = extractor.extract(html, f"https://{host}/story/1")
    assert a.section == section


@pytest.mark.parametrize(
    ("head", "tags"),
    [
        # corpus pages: one article:tag holding the whole list, with or without spaces
        ('<meta property="article:tag" content="Hong Kong,Protest,Asia Pacific">',
         ["Hong Kong", "Protest", "Asia Pacific"]),
        ('<meta property="article:tag" content="economia, Eduardo Bolsonaro, China, Huawei">',
         ["economia", "Eduardo Bolsonaro", "China", "Huawei"]),
        ('<meta property="article:tag" content="ChhetuPatel,wife,United States ,ChhetuPatel">',
         ["ChhetuPatel", "wife", "United States"]),
        # a name written as a list, and tags given one by one, stay whole; codes are no tags
        ('<meta property="article:tag" content="AER,AERO,AIR,AIRL,AIRS08,CRSH,GEN">', []),
        ('<meta property="article:tag" content="Business, Finance, &amp; Economics">',
         ["Business, Finance, & Economics"]),
        ('<meta property="article:tag" content="Elections, Governors">'
         '<meta property="article:tag" content="Politics">', ["Elections, Governors", "Politics"]),
        # keywords named by their facet (Postmedia's NLP plugin, Politico, ...): the value
        ('<script type="application/ld+json">{"@type": "NewsArticle", "keywords":'
         ' ["Category: News", "NLP Category: Politics", "NLP Entity Tokens: India",'
         ' "topic: White House", "tag:Crime Prevention", "News"]}</script>',
         ["News", "Politics", "India", "White House", "Crime Prevention"]),
        # Postmedia's JSON-LD keywords open with the story's id
        ('<script type="application/ld+json">{"@type": "NewsArticle", "keywords":'
         ' ["26157981-b4f7-4929-adc1-e860c6f03636", "Bank of Montreal"]}</script>',
         ["Bank of Montreal"]),
        # internal labels (Advance Local's "@river" channels, a path) are no tags, nor are
        # sentences and headlines given as keywords (more than 8 words)
        ('<meta property="article:tag" content="@mlive-river">'
         '<meta property="article:tag" content="/article">'
         '<meta property="article:tag" content="Man Utd ace Dean Henderson morally right finish'
         ' season Sheff Utd Wilder">'
         '<meta property="article:tag" content="Trump-Ukraine Whistle-Blower Complaint and'
         ' Impeachment Inquiry">'
         '<meta property="article:tag" content="rock-hall-2020">',
         ["Trump-Ukraine Whistle-Blower Complaint and Impeachment Inquiry", "rock-hall-2020"]),
        # more internal labels (corpus pages): a field and its value, a code with "_", a note in
        # brackets; a facet before "/" gives its value (Expressen); a taxonomy's path stays (WSJ)
        ('<script type="application/ld+json">{"@type": "NewsArticle", "keywords":'
         ' ["articleID/N6TPOFLPZBACDJDDOAYAF2RE5I", "Length/medium", "Source/Washington Post",'
         ' "Type/Article", "target/news/news/nation-world", "content_subtype/subtype-regular",'
         ' "sections/sverige", "topic/misshandel & \u00f6verfall", "[SYNDICATED CONTENT]",'
         ' "AR_Arkadelphia - siftingsherald.com", "TH_Times_Herald-Record - recordonline.com",'
         ' "Investing/Securities", "Debt/Bond Markets", "1&1", "Coronavirus"]}</script>',
         ["misshandel & \u00f6verfall", "Investing/Securities", "Debt/Bond Markets", "1&1",
          "Coronavirus"]),
    ],
)  # fmt: skip
def test_tags_listed_in_one_value_are_split_and_ids_dropped(
    extractor: ArticleExtractor, head: str, tags: list[str]
) -> None:
    html = f"<html><head>{head}</head><body><article><p>{LONG}</p></article></body></html>"
    assert extractor.extract(html, "https://x.example/a").tags == tags


def test_a_charset_is_not_a_language(extractor: ArticleExtractor) -> None:
    # people.com.cn (corpus): content-language "utf-8" gave the language "utf"
    html = f"""<html><head><meta http-equiv="content-language" content="utf-8">
    <script type="application/ld+json">{{"@type": "NewsArticle", "inLanguage": "zh-CN"}}
    </script></head><body><article><p>{LONG}</p></article></body></html>"""
    assert extractor.extract(html, "https://x.example/a").language == "zh"


@pytest.mark.parametrize(("declared", "language"), [("iw", "he"), ("in-ID", "id"), ("jw", "jv")])
def test_a_deprecated_language_code_is_todays(
    extractor: ArticleExtractor, declared: str, language: str
) -> None:
    # ISO 639 withdrew iw, in, ji, jw and mo: one language, one code in --lang and the facets
    html = f'<html lang="{declared}"><body><article><p>{LONG}</p></article></body></html>'
    assert extractor.extract(html, "https://x.example/a").language == language


_NORWEGIAN = " ".join(
    ["Regjeringen la fram statsbudsjettet på mandag. Finansministeren sier budsjettet skal"]
    + ["bidra til lavere prisvekst og trygge arbeidsplasser i hele landet."] * 4
)


@pytest.mark.parametrize(
    ("html_lang", "locale", "text", "language", "rejected"),
    [
        # Norwegian Bokmål is Norwegian: nb and no agree, the page's first declaration stays
        ("nb", "no_NO", LONG, "nb", None),
        ("no", "nb_NO", LONG, "no", None),
        # Nynorsk is another written Norwegian
        ("nb", "nn_NO", LONG, "nb", "meta: nn"),
        # Norwegian text the page declares English: in the code the page gives it (the
        # identifier's is no)
        ("en", "nb_NO", _NORWEGIAN, "nb", "html-lang: en"),
    ],
)
def test_norwegian_bokmal_and_norwegian_are_one_language(
    extractor: ArticleExtractor,
    html_lang: str,
    locale: str,
    text: str,
    language: str,
    rejected: str | None,
) -> None:
    head = f'<meta property="og:locale" content="{locale}">'
    body = f"<article><p>{text}</p></article>"
    html = f'<html lang="{html_lang}"><head>{head}</head><body>{body}</body></html>'
    a = extractor.extract(html, "https://x.example/a")
    assert (a.language, a.provenance.get("language.rejected")) == (language, rejected)


@pytest.mark.parametrize(
    ("publisher", "site_name"),
    [
        (', "publisher": {"name": "Kleine Zeitung"}', "Kleine Zeitung"),
        ("", "kleinezeitung.at"),
        (', "publisher": {"name": "Washington Post"}', "kleinezeitung.at"),  # syndicated
    ],
)
def test_a_site_name_that_is_an_address_gives_way(
    extractor: ArticleExtractor, publisher: str, site_name: str
) -> None:
    # kleinezeitung.at, newsnation.in, hawaiinewsnow.com (corpus): og:site_name is the address
    html = f"""<html><head><meta property="og:site_name" content="https://www.kleinezeitung.at">
    <script type="application/ld+json">{{"@type": "NewsArticle"{publisher}}}</script></head>
    <body><article><p>{LONG}</p></article></body></html>"""
    assert extractor.extract(html, "https://www.kleinezeitung.at/a/1").site_name == site_name


GERMAN = (
    "Der Stadtrat hat am Donnerstagabend nach einer langen und teilweise hitzigen Debatte "
    "beschlossen, die Öffnungszeiten der städtischen Bibliotheken im kommenden Jahr deutlich "
    "auszuweiten. Die Verwaltung soll bis zum Frühjahr einen Vorschlag vorlegen, wie das "
    "zusätzliche Personal finanziert werden kann, ohne andere Angebote zu kürzen."
)
SPANISH = (
    "El ayuntamiento aprobó el jueves por la noche, tras un largo debate, ampliar el horario "
    "de las bibliotecas municipales durante el próximo año. La administración deberá presentar "
    "antes de la primavera una propuesta para financiar el personal adicional sin recortar "
    "otros servicios que los vecinos utilizan cada semana."
)
PORTUGUESE = (
    "A câmara municipal aprovou na quinta-feira à noite, depois de um longo debate, o "
    "alargamento do horário das bibliotecas municipais no próximo ano. A administração deverá "
    "apresentar até à primavera uma proposta para financiar o pessoal adicional sem cortar "
    "outros serviços que os moradores usam todas as semanas."
)


def page_in(text: str, *, html_attrs: str = "", head: str = "") -> str:
    return (
        f"<html {html_attrs}><head>{head}</head><body><article><h1>Bibliotheken</h1>"
        f"<p>{text}</p><p>{text}</p></article></body></html>"
    )


@pytest.mark.parametrize(
    ("html", "language", "signal"),
    [
        # XHTML pages declare it as xml:lang, which lxml's HTML parser keeps under that name
        (
            page_in(SPANISH, html_attrs='xmlns="http://www.w3.org/1999/xhtml" xml:lang="es"'),
            "es",
            "html-lang",
        ),
        # on the page's WebPage node rather than its article's (autoracing.com.br)
        (
            page_in(
                PORTUGUESE,
                head='<script type="application/ld+json">{"@type": "WebPage", '
                '"inLanguage": "pt-BR", "name": "Classificação"}</script>',
            ),
            "pt",
            "json-ld",
        ),
        # declared nowhere (the html tag in an IE conditional comment, as on 9News): the text
        (page_in(GERMAN, head='<!--[if lte IE 9]> <html lang="en"> <![endif]-->'), "de", "text"),
        # English text declared English: the declaration stands, no detection
        (page_in(LONG, html_attrs='lang="en"'), "en", "html-lang"),
        # too little text to tell, and nothing declared: unknown
        (page_in("Kurz und knapp."), None, None),
    ],
)
def test_the_language_declared_or_else_detected_in_the_text(
    extractor: ArticleExtractor, html: str, language: str | None, signal: str | None
) -> None:
    article = extractor.extract(html, "https://x.example/a")
    assert (article.language, article.provenance.get("language")) == (language, signal)
    assert "language.rejected" not in article.provenance


def test_a_template_default_english_loses_to_the_text(extractor: ArticleExtractor) -> None:
    # 12 corpus pages in German, isiZulu, Gujarati, Arabic... declare lang="en", the default of
    # their CMS templates; the text's language wins and the declaration stays in provenance
    article = extractor.extract(page_in(GERMAN, html_attrs='lang="en-US"'), "https://x.example/a")
    assert (article.language, article.provenance["language"]) == ("de", "text")
    assert article.provenance["language.rejected"] == "html-lang: en"


def test_svg_icons_and_placeholders_are_no_images(extractor: ArticleExtractor) -> None:
    # t-online's zoom icon inside the photo's figure took the photo's caption; Live Science's
    # og:image "missing-image.svg" stood where a page had no photo
    html = f"""<html><head>
    <meta property="og:image" content="https://cdn.example/img/missing-image.svg">
    </head><body><article><h1>Tanker boarded</h1><figure>
    <img src="https://images.example/2026/01/tanker.jpg" alt="">
    <span><img src="/static/media/zoom-in.f7dae02f.svg" alt="Zoom"></span>
    <figcaption>The tanker off Iceland.</figcaption></figure><p>{LONG}</p>
    </article></body></html>"""
    images = extractor.extract(html, "https://x.example/a").images
    assert images == [
        {"url": "https://images.example/2026/01/tanker.jpg", "caption": "The tanker off Iceland."}
    ]


def test_one_photo_at_several_sizes_is_one_image(extractor: ArticleExtractor) -> None:
    # 95 corpus pages list one photo several times: og:image, then the figure at another size,
    # the size in the path or on another host (BBC /news/1024/ and /news/320/, a CDN's copy);
    # a file name as generic as "photo.jpg" or "960x0.jpg" names different photos
    html = f"""<html><head>
    <meta property="og:image"
      content="https://ichef.example/news/1024/branded/_109740197_taylorswift.jpg">
    </head><body><article><h1>Swift honoured</h1>
    <figure><img src="https://ichef.example/news/320/cpsprodpb/_109740197_taylorswift.jpg">
    <figcaption>Taylor Swift on stage.</figcaption></figure>
    <figure><img src="https://cdn.example/a/photo.jpg"><figcaption>One.</figcaption></figure>
    <figure><img src="https://cdn.example/b/photo.jpg"><figcaption>Two.</figcaption></figure>
    <figure><img src="https://img.example/x/960x0.jpg"><figcaption>Three.</figcaption></figure>
    <figure><img src="https://img.example/y/960x0.jpg"><figcaption>Four.</figcaption></figure>
    <p>{LONG}</p></article></body></html>"""
    images = extractor.extract(html, "https://x.example/a").images
    assert images == [
        {
            "url": "https://ichef.example/news/1024/branded/_109740197_taylorswift.jpg",
            "caption": "Taylor Swift on stage.",
        },
        {"url": "https://cdn.example/a/photo.jpg", "caption": "One."},
        {"url": "https://cdn.example/b/photo.jpg", "caption": "Two."},
        {"url": "https://img.example/x/960x0.jpg", "caption": "Three."},
        {"url": "https://img.example/y/960x0.jpg", "caption": "Four."},
    ]


def test_placeholders_site_defaults_and_logos_are_no_images(extractor: ArticleExtractor) -> None:
    # corpus pages: lazy-loading stand-ins, a site's default share image, its logo and icon;
    # a photo of a logo (its file name names one photo) and a file called default.jpg in the
    # article's own folder (news.am) are photos
    stand_ins = [
        "https://www.welt.de/assets/lazy-picture-placeholder-01c4eedaca.png",
        "https://www.rollingstone.com/assets/public/lazyload-fallback.gif",
        "https://www.baltimoresun.com/pb/resources/images/tinygif.gif?v=237",
        "https://s.yimg.com/g/images/spaceball.gif",
        "https://stat1.moneycontrol.com/mcnews//images/grey_bg.gif",
        "https://news.google.com/static/img/placeholders/wd640-o.png",
        "https://www.nieuwsblad.be/extra/assets/img/dummy-social.gif",
        "https://www.sfgate.com/img/pages/article/opengraph_default.png",
        "https://blog.givewell.org/images/givewell_fb_logo.jpg",
        "https://secure.gravatar.com/blavatar/55bf7238e39ec9fd72a2f40d67d77e99?s=200",
    ]
    photos = [
        "https://www.cityam.com/uploads/2015/08/alibaba-logo-getty-1024-683-57ed9e94e3d24.jpg",
        "https://news.am/img/news/61/51/63/default.jpg",
    ]
    figures = "".join(f'<figure><img src="{u}"></figure>' for u in stand_ins + photos)
    # a stand-in in src gives way to the photo the page loads later
    lazy = '<img src="/lazyload-fallback.gif" data-src="/uploads/harbour-2024.jpg">'
    html = f"""<html><head></head><body><article><h1>Markets</h1>{figures}<figure>{lazy}</figure>
    <p>{LONG}</p></article></body></html>"""
    urls = [image["url"] for image in extractor.extract(html, "https://x.example/a").images]
    assert urls == [*photos, "https://x.example/uploads/harbour-2024.jpg"]


def test_file_names_that_differ_after_a_dot_are_different_photos(
    extractor: ArticleExtractor,
) -> None:
    # MBN names its photos news-p.v1.<date>.<hash>_R.png: only the extension is cut
    html = f"""<html><head></head><body><article><h1>Six photos</h1>
    <figure><img src="https://img.example/news-p.v1.20250602.a5dac8b442e34905_R.png"></figure>
    <figure><img src="https://img.example/news-p.v1.20250602.5dbbe7531dae432f_R.png"></figure>
    <figure><img src="https://cdn.example/rekordhitze-in-den-weltmeeren.jpeg"></figure>
    <figure><img src="https://cdn.example/w/rekordhitze-in-den-weltmeeren.jpeg.webp"></figure>
    <p>{LONG}</p></article></body></html>"""
    urls = [image["url"] for image in extractor.extract(html, "https://x.example/a").images]
    assert urls == [
        "https://img.example/news-p.v1.20250602.a5dac8b442e34905_R.png",
        "https://img.example/news-p.v1.20250602.5dbbe7531dae432f_R.png",
        "https://cdn.example/rekordhitze-in-den-weltmeeren.jpeg",
    ]


def test_a_name_in_lower_case_in_the_metadata_is_written_as_the_byline_shows_it(
    extractor: ArticleExtractor,
) -> None:
    # Expressen's JSON-LD names "viktor hedlund"; its byline shows "Viktor Hedlund"
    ld = '{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "viktor hedlund"}]}'
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head><body>
    <article><h1>Tanker boarded</h1><div class="byline">By Viktor Hedlund</div>
    <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    article = extractor.extract(html, "https://x.example/a")
    assert (article.authors, article.byline) == (["Viktor Hedlund"], "By Viktor Hedlund")
    assert article.provenance["authors"] == "json-ld"


def test_a_name_in_capitals_in_the_metadata_is_written_as_the_byline_shows_it(
    extractor: ArticleExtractor,
) -> None:
    # Hearst papers' JSON-LD names "TOM KRISHER"; the byline shows "Tom Krisher, AP Auto
    # Writer". A byline in capitals too (AP's "By STEVE PEOPLES") keeps them
    for shown, author in [("Tom Krisher", "Tom Krisher"), ("TOM KRISHER", "TOM KRISHER")]:
        ld = '{"@type": "NewsArticle", "author": [{"@type": "Person", "name": "TOM KRISHER"}]}'
        html = f"""<html><head><script type="application/ld+json">{ld}</script></head><body>
        <article><h1>New SUVs</h1><div class="byline">By {shown}, AP Auto Writer</div>
        <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
        assert extractor.extract(html, "https://x.example/a").authors == [author]


def test_a_byline_that_names_no_person_is_kept_raw(extractor: ArticleExtractor) -> None:
    # "By Sports Writer", "By HNN Staff": no author, but the byline is the page's, as written
    html = f"""<html><head><meta name="author" content="Sports Writer"></head><body>
    <article><h1>Essential workers</h1><p class="byline">By Sports Writer</p>
    <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    article = extractor.extract(html, "https://x.example/a")
    assert (article.authors, article.byline) == ([], "By Sports Writer")
    assert article.provenance["byline"] == "author-box"
    assert not article.body.startswith("By")


def test_a_json_ld_person_that_is_a_role_gives_way_to_the_byline(
    extractor: ArticleExtractor,
) -> None:
    # laprensalatina.com (corpus): the JSON-LD Person is "Online News Editor", the page's byline
    # "By Cristina Alonso". A desk's name with nobody else named stays ("BR24 Redaktion")
    ld = '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Online News Editor"}}'
    html = f"""<html><head><script type="application/ld+json">{ld}</script></head><body>
    <article><h1>Essential workers</h1><div class="byline">By Cristina Alonso</div>
    <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    article = extractor.extract(html, "https://x.example/a")
    assert (article.authors, article.byline) == (["Cristina Alonso"], "By Cristina Alonso")
    assert article.provenance["authors"] == "author-box"
    # the page itself: the byline is the body's first paragraph, the role in the author box
    in_body = html.replace(
        '<div class="byline">By Cristina Alonso</div>',
        '<span class="author-name">Online News Editor</span><p>By Cristina Alonso</p>',
    )
    article = extractor.extract(in_body, "https://x.example/a")
    assert (article.authors, article.byline) == (["Cristina Alonso"], "By Cristina Alonso")
    assert article.provenance["authors"] == "byline"
    assert article.provenance["authors.rejected"] == "json-ld: Online News Editor"
    assert not article.body.startswith("By")
    alone = html.replace('<div class="byline">By Cristina Alonso</div>', "")
    assert extractor.extract(alone, "https://x.example/a").authors == ["Online News Editor"]


@pytest.mark.parametrize(
    ("head", "site_name"),
    [
        # politifact.com (corpus): a Twitter handle as og:site_name
        ('<meta property="og:site_name" content="@politifact">', "politifact"),
        # nothing declared: trafilatura's guess, unless it is an address or a copyright line
        # (aa.com.tr: its Twitter page; jaraguadosul.com.br: "Copyright 2014"), then the host
        ('<meta name="twitter:site" content="https://twitter.com/anadoluajansi">', "aa.com.tr"),
    ],
)
def test_a_site_name_is_a_name(extractor: ArticleExtractor, head: str, site_name: str) -> None:
    html = f"""<html><head>{head}</head><body><article><h1>Elektrikli araç</h1>
    <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    assert extractor.extract(html, "https://www.aa.com.tr/tr/a/1").site_name == site_name


def test_a_copyright_line_is_no_site_name() -> None:
    assert plausible_site_name("Copyright 2014") is None
    assert plausible_site_name("© 2024 Port News") is None
    assert plausible_site_name("https://twitter.com/anadoluajansi") is None
    assert plausible_site_name("Port News") == "Port News"
    # aryanews.com (corpus): a copyright line escaped twice
    assert plausible_site_name("&amp;copy; 2016 aryanews.com") is None
    # trafilatura's guess from a Twitter handle (realestate.com.au: "@realestate_au")
    assert plausible_site_name("Realestate_Au") is None
    assert plausible_site_name("Wday_") is None
    # aif.ru: the page's title, the headline and its sections, taken for the site's name
    headline = "Отрезать голову во имя пророка"
    assert plausible_site_name(f"{headline} | Политика | Мир", headline=headline) is None
    assert plausible_site_name("Аргументы и Факты", headline=headline) == "Аргументы и Факты"


@pytest.mark.parametrize(
    ("declared", "url", "site_name"),
    [
        # the site's name beside a tagline or its company: the part that names the host
        ("LinkNaija | Nigeria's popular news platform", "https://www.linknaija.com/a", "LinkNaija"),
        ("Breaking Australian and World News Headlines - 9News", "https://9news.com.au/a", "9News"),
        ("Freie Presse - Chemnitzer Verlag und Druck GmbH & Co. KG", "https://freiepresse.de/a",
         "Freie Presse"),
        # no part names the host, or the one that does is the address: as declared
        ("Port News | Daily", "https://harbour.example/a", "Port News | Daily"),
        ("The Jerusalem Post | JPost.com", "https://www.jpost.com/a",
         "The Jerusalem Post | JPost.com"),
    ],
)  # fmt: skip
def test_a_site_name_loses_its_tagline(
    extractor: ArticleExtractor, declared: str, url: str, site_name: str
) -> None:
    head = f'<meta property="og:site_name" content="{declared}">'
    html = f"""<html><head>{head}</head><body><article><h1>Harbour dredged</h1>
    <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    assert extractor.extract(html, url).site_name == site_name


def test_a_byline_named_only_in_a_meta_tag_is_its_text(extractor: ArticleExtractor) -> None:
    # junge Welt names its authors in <meta name="author"> only: the byline is that text as
    # written, the place the reporters filed from included, not the names joined again
    head = '<meta name="author" content="Anna Martel, Lea Wagner, Nairobi">'
    html = f"""<html><head>{head}</head><body><article><h1>Harbour dredged</h1>
    <p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    article = extractor.extract(html, "https://x.example/a")
    assert article.authors == ["Anna Martel", "Lea Wagner"]
    assert (article.byline, article.provenance["byline"]) == (
        "Anna Martel, Lea Wagner, Nairobi",
        "meta",
    )


@pytest.mark.parametrize(
    ("head", "description", "signal"),
    [
        # a template's suffix with nothing before it (lbcgroup.tv, corpus): no description
        ('<meta name="description" content="| Lebanon News">', None, None),
        ('<meta name="description" content=" - Valley Courier">', None, None),
        (
            '<meta name="description" content="| Valley Courier">'
            '<script type="application/ld+json">{"@type": "NewsArticle",'
            ' "description": "The footbridge will be rebuilt."}</script>',
            "The footbridge will be rebuilt.",
            "json-ld",
        ),
        (
            '<meta name="description" content="- and why it matters">',
            "- and why it matters",
            "meta",
        ),
        # a share plugin's label glued to the excerpt (two WordPress pages of the corpus)
        (
            '<meta name="description" content="Share this on WhatsAppThe footbridge will be'
            ' rebuilt.">',
            "The footbridge will be rebuilt.",
            "meta",
        ),
        (
            '<meta name="description" content="Share on Facebook Share on Twitter The footbridge'
            ' will be rebuilt.">',
            "The footbridge will be rebuilt.",
            "meta",
        ),
        ('<meta name="description" content="Share this on WhatsApp">', None, None),
        (  # a sentence about sharing is a description
            '<meta name="description" content="Share on Facebookers\' walls: a guide.">',
            "Share on Facebookers' walls: a guide.",
            "meta",
        ),
    ],
)
def test_a_description_without_template_furniture(
    extractor: ArticleExtractor, head: str, description: str | None, signal: str | None
) -> None:
    page = (
        f"<html><head><title>Footbridge to be rebuilt</title>{head}</head><body><article>"
        f"<h1>Footbridge to be rebuilt</h1><p>{LONG}</p><p>{LONG}</p></article></body></html>"
    )
    a = extractor.extract(page, "https://valley-courier.example/footbridge")
    assert a.description == description
    assert a.provenance.get("description") == signal


@pytest.mark.parametrize(
    ("html", "raw"),
    [
        # English copy sets a dateline's place in capitals; "Indianapolis -" could as well be a
        # name opening the sentence (three scrapinghub pages whose truth has no dateline)
        (page_in(f"Indianapolis \u2013 {LONG}", html_attrs='lang="en"'), None),
        (page_in(f"Indianapolis \u2013 {LONG}"), None),  # English by its text
        (page_in(f"INDIANAPOLIS \u2013 {LONG}", html_attrs='lang="en"'), "INDIANAPOLIS \u2013"),
        (page_in(f"Indianapolis (AP) \u2013 {LONG}"), "Indianapolis (AP) \u2013"),
        # German copy writes the place in title case: "Potsdam -" is a dateline there
        (page_in(f"Potsdam \u2013 {GERMAN}", html_attrs='lang="de"'), "Potsdam \u2013"),
        (page_in(f"Potsdam \u2013 {GERMAN}"), "Potsdam \u2013"),
    ],
)
def test_an_english_dateline_in_title_case_needs_a_date_or_agency(
    extractor: ArticleExtractor, html: str, raw: str | None
) -> None:
    article = extractor.extract(html, "https://x.example/a")
    assert (article.dateline.raw if article.dateline else None) == raw
    assert article.body.startswith(("Indianapolis", "INDIANAPOLIS", "Potsdam"))


WIRE_PAGE = """<html lang="de"><head><meta charset="utf-8"><title>Gespräche in Moskau</title></head>
<body><main><article><h1>Gespräche in Moskau</h1>{date}
<p>MOSKAU, 3. März (Reuters) - Russland und die Vereinigten Staaten haben nach Angaben aus
Diplomatenkreisen neue Gespräche über einen Gefangenenaustausch begonnen.</p>
<p>Ein Sprecher des Außenministeriums in Moskau sagte, man äußere sich grundsätzlich nicht zu
laufenden Verhandlungen. In Washington hieß es, man arbeite weiter an der Freilassung.</p>
<p>Beobachter rechnen nicht mit einer schnellen Einigung. Frühere Verhandlungen hatten sich über
Monate hingezogen, bevor es zu einem Austausch auf einem Flughafen kam.</p>
</article></main><footer>© 2024 Weltblick</footer></body></html>"""


def test_a_copyright_year_is_no_publication_date(extractor: ArticleExtractor) -> None:
    """htmldate's last resort, the footer's copyright year as 1 January, is a year, not the
    day the article appeared: unknown stays null, and the dateline's year is not taken from it
    (it made 3 March of that year a date in the year before)."""
    a = extractor.extract(WIRE_PAGE.format(date="").encode(), "http://x.test/politik/moskau")
    assert a.published is None
    assert a.dateline is not None and a.dateline.place == "MOSKAU"
    assert a.dateline.date is None or a.dateline.date.endswith("-03-03")
    assert not (a.dateline.date or "").startswith("2023")


def test_a_date_line_above_the_dateline_is_left_out_of_the_body(
    extractor: ArticleExtractor,
) -> None:
    """A line that is only the date, under the headline, is the page's metadata: the body
    opens with the dateline, which is found."""
    page = WIRE_PAGE.format(date="<p class='date'>3. März 2024</p>").encode()
    a = extractor.extract(page, "http://x.test/politik/moskau")
    assert a.published == "2024-03-03"
    assert a.body.startswith("MOSKAU, 3. März (Reuters) - Russland")
    assert a.dateline is not None
    assert (a.dateline.place, a.dateline.date, a.dateline.agency) == (
        "MOSKAU",
        "2024-03-03",
        "Reuters",
    )


@pytest.mark.parametrize(
    ("line", "alone"),
    [
        ("3. März 2024", True),
        ("Sunday 3 March 2024, 10:15 CET", True),
        ("Stand: 03.03.2024 10:15 Uhr", True),
        ("Published: 3 Mar 2024", True),
        ("On 3 March 2024 it rained.", False),
        ("The talks began on 3 March 2024 in Moscow", False),
        ("Election day: March 3, 2024", False),  # a line of the text (a hunt found it dropped)
        ("WASHINGTON, March 3, 2024", False),  # a dateline of its own
    ],
)
def test_only_a_line_that_is_a_date_alone_counts_as_one(line: str, alone: bool) -> None:
    from archiver.extract.dates import is_date_line

    assert is_date_line(line) == alone


def test_a_new_years_day_article_keeps_the_date_its_url_gives(extractor: ArticleExtractor) -> None:
    """htmldate's 1 January is dropped as a guess from a year alone, unless the page states
    that day: in its URL (``/2024/01/01/``) or its text (``1 January 2024``)."""
    page = WIRE_PAGE.format(date="").replace("MOSKAU, 3. März (Reuters) - ", "").encode()
    a = extractor.extract(page, "http://x.test/2024/01/01/moskau-gespraeche/")
    assert (a.published or "")[:10] == "2024-01-01"
    stated = WIRE_PAGE.format(date="<p>Moskau, 1. Januar 2024. Die Gespräche beginnen.</p>")
    a = extractor.extract(stated.encode(), "http://x.test/politik/moskau")
    assert (a.published or "")[:10] == "2024-01-01"


def test_microdata_dates_keep_their_time_and_zone(extractor: ArticleExtractor) -> None:
    """``itemprop="datePublished"`` with a ``content`` attribute (schema.org microdata, on an
    element that is not ``<time>``): the page's own date, time and zone, not htmldate's day."""
    page = WIRE_PAGE.format(
        date="<span itemprop='datePublished' content='2024-03-03T10:15:00+01:00'>3. März</span>"
        "<meta itemprop='dateModified' content='2024-03-04T08:00:00+01:00'>"
    ).encode()
    a = extractor.extract(page, "http://x.test/politik/moskau")
    assert a.published == "2024-03-03T10:15:00+01:00"
    assert a.modified == "2024-03-04T08:00:00+01:00"
    assert a.provenance["published"] == "microdata"


def test_the_byline_rejects_no_names_joined_back(extractor: ArticleExtractor) -> None:
    """The author names joined are the byline only when the page shows none: never a loser
    to a visible byline that names them (``By Jane Doe`` and ``Jane Doe``), nor is the meta
    tag's text that names the same people. A byline that names someone else is."""
    html = f"""<html lang="en"><head><title>Budget</title><meta name="author" content="Jane Doe">
    </head><body><main><article><h1>Council approves new budget for city parks</h1>
    <div class="byline">By Jane Doe</div><div class="entry-content"><p>{LONG}</p><p>{LONG}</p>
    </div></article></main></body></html>"""
    a = extractor.extract(html, "https://example.com/news/2024/budget")
    assert (a.byline, a.provenance["byline"]) == ("By Jane Doe", "author-box")
    assert "byline.rejected" not in a.provenance
    ld = '{"@type": "NewsArticle", "author": {"@type": "Person", "name": "Jane Doe"}}'
    both = html.replace("</head>", f'<script type="application/ld+json">{ld}</script></head>')
    a = extractor.extract(both, "https://example.com/news/2024/budget")
    assert (a.byline, a.provenance["byline"]) == ("By Jane Doe", "author-box")
    assert "byline.rejected" not in a.provenance
    other = html.replace("<p>", "<p>By Ann Lee</p><p>", 1)
    a = extractor.extract(other, "https://example.com/news/2024/budget")
    assert a.byline == "By Jane Doe"
    assert a.provenance["byline.rejected"] == "byline: By Ann Lee"


DISAGREEING = f"""<!doctype html><html lang="en"><head><title>Council approves new budget</title>
<meta property="article:published_time" content="2024-03-04T10:00:00+01:00">
<meta property="article:modified_time" content="2024-03-09T10:00:00+01:00">
<meta name="author" content="John Smith">
<meta property="og:site_name" content="Example Daily">
<link rel="canonical" href="https://example.com/a">
<meta property="og:url" content="https://example.com/b">
<meta property="og:description" content="Description one here.">
<meta name="description" content="A different description two here.">
<meta property="article:section" content="Politics">
<meta property="article:tag" content="Parks">
<script type="application/ld+json">{{"@type": "NewsArticle",
"headline": "Council approves new budget",
"datePublished": "2024-03-05T10:00:00+01:00", "dateModified": "2024-03-06T10:00:00+01:00",
"author": {{"@type": "Person", "name": "Jane Doe"}},
"publisher": {{"@type": "Organization", "name": "Example News"}},
"keywords": ["Budget"], "inLanguage": "fr", "articleSection": "City"}}</script>
<script type="application/ld+json">{{"@type": "BreadcrumbList", "itemListElement": [
{{"@type": "ListItem", "position": 1, "name": "Home", "item": "https://example.com/"}},
{{"@type": "ListItem", "position": 2, "name": "Local", "item": "https://example.com/local/"}}
]}}</script></head><body><article><h1>Council approves new budget</h1>
<div class="byline">By Ann Lee</div><p>{LONG}</p><p>{LONG}</p></article></body></html>"""
"""A page whose JSON-LD, meta tags and visible byline disagree on every field."""


def test_each_field_keeps_the_signals_that_lost(extractor: ArticleExtractor) -> None:
    """The first signal in the order of trust wins as before; every later one that gives a
    different value is kept in ``<field>.rejected``."""
    a = extractor.extract(DISAGREEING, "https://example.com/news/2024/budget")
    # the winners do not change
    assert a.published == "2024-03-05T10:00:00+01:00"
    assert a.modified == "2024-03-06T10:00:00+01:00"
    assert a.authors == ["Jane Doe"]
    assert a.site_name == "Example Daily"
    assert a.canonical_url == "https://example.com/a"
    assert a.description == "Description one here."
    assert a.section == ["Local"]
    assert a.tags == ["Parks"]
    assert a.language == "en"
    p = a.provenance
    assert (p["published"], p["published.rejected"]) == (
        "json-ld",
        "meta: 2024-03-04T10:00:00+01:00",
    )
    assert (p["modified"], p["modified.rejected"]) == ("json-ld", "meta: 2024-03-09T10:00:00+01:00")
    assert (p["authors"], p["authors.rejected"]) == (
        "json-ld",
        "author-box: Ann Lee | meta: John Smith",
    )
    assert (p["site_name"], p["site_name.rejected"]) == ("meta", "json-ld: Example News")
    assert (p["canonical_url"], p["canonical_url.rejected"]) == (
        "meta",
        "meta: https://example.com/b",
    )
    assert (p["description"], p["description.rejected"]) == (
        "meta",
        "meta: A different description two here.",
    )
    assert (p["section"], p["section.rejected"]) == ("json-ld", "meta: Politics | json-ld: City")
    assert (p["tags"], p["tags.rejected"]) == ("meta", "json-ld: Budget")
    assert (p["language"], p["language.rejected"]) == ("html-lang", "json-ld: fr")


def test_signals_that_agree_are_no_losers(extractor: ArticleExtractor) -> None:
    """The same value in other words (case, a region subtag, a date without the time, the
    same instant in another zone, a part of a list) is no disagreement."""
    ld = (
        '{"@type": "NewsArticle", "headline": "Budget", "datePublished": "2024-03-05",'
        ' "dateModified": "2024-03-06T09:00:00Z", "inLanguage": "en-GB",'
        ' "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person",'
        ' "name": "John Roe"}], "keywords": "parks, Budget, roads",'
        ' "publisher": {"@type": "Organization", "name": "example daily"}}'
    )
    html = f"""<html lang="en-US"><head><title>Budget</title>
    <meta property="article:published_time" content="2024-03-05T10:00:00+01:00">
    <meta property="article:modified_time" content="2024-03-06T10:00:00+01:00">
    <meta name="author" content="JANE DOE"><meta property="og:site_name" content="Example Daily">
    <meta property="article:tag" content="Parks"><meta property="article:tag" content="Budget">
    <meta property="og:locale" content="en_US">
    <script type="application/ld+json">{ld}</script></head><body><article><h1>Budget</h1>
    <div class="byline">By Jane Doe and John Roe</div><p>{LONG}</p><p>{LONG}</p>
    </article></body></html>"""
    a = extractor.extract(html, "https://example.com/news/2024/budget")
    assert a.authors == ["Jane Doe", "John Roe"]
    assert not [k for k in a.provenance if k.endswith(".rejected")], a.provenance


def test_a_dateline_of_another_day_is_kept_as_a_loser(extractor: ArticleExtractor) -> None:
    html = f"""<html lang="en"><head><title>Budget</title>
    <meta property="article:published_time" content="2024-03-05T10:00:00+01:00"></head><body>
    <article><h1>Budget</h1><p>LONDON, March 4 (Reuters) - {LONG}</p><p>{LONG}</p>
    </article></body></html>"""
    a = extractor.extract(html, "https://example.com/news/2024/budget")
    assert a.dateline is not None and a.dateline.date == "2024-03-04"
    assert (a.published, a.provenance["published.rejected"]) == (
        "2024-03-05T10:00:00+01:00",
        "dateline: 2024-03-04",
    )
    same_day = html.replace("March 4", "March 5")
    assert "published.rejected" not in extractor.extract(same_day, "https://x.example/a").provenance


@pytest.mark.parametrize(
    ("head", "body", "published", "time_signal"),
    [
        # a day in JSON-LD, its time and zone in the meta tag
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Budget",'
            ' "datePublished": "2024-03-05"}</script>'
            '<meta property="article:published_time" content="2024-03-05T10:00:00+01:00">',
            "",
            "2024-03-05T10:00:00+01:00",
            "meta",
        ),
        # a time without a zone in the meta tag, its zone on the article's <time>
        (
            '<meta property="article:published_time" content="2024-03-05T10:00:00">',
            '<time datetime="2024-03-05T10:00:00+09:00">March 5, 2024</time>',
            "2024-03-05T10:00:00+09:00",
            "time-tag",
        ),
        # a day in the first meta tag, the time in another
        (
            '<meta property="article:published_time" content="2024-03-05">'
            '<meta name="pubdate" content="2024-03-05T10:00:00-05:00">',
            "",
            "2024-03-05T10:00:00-05:00",
            "meta",
        ),
        # a day in the meta tag, the time without zone in microdata, the zone on the <time>
        (
            '<meta property="article:published_time" content="2024-03-05">',
            '<span itemprop="datePublished" content="2024-03-05T10:00:00">5 March</span>'
            '<time datetime="2024-03-05T10:00:00+09:00">March 5, 2024</time>',
            "2024-03-05T10:00:00+09:00",
            "time-tag",
        ),
        # another day: the first stands, never a different day
        (
            '<meta property="article:published_time" content="2024-03-05">',
            '<time datetime="2024-03-04T23:00:00+01:00">March 4, 2024</time>',
            "2024-03-05",
            None,
        ),
        # another time on that day: the first stands
        (
            '<meta property="article:published_time" content="2024-03-05T10:00:00">',
            '<time datetime="2024-03-05T18:30:00+01:00">March 5, 2024</time>',
            "2024-03-05T10:00:00",
            None,
        ),
    ],
)
def test_a_date_takes_the_time_and_zone_of_a_later_signal_that_agrees(
    extractor: ArticleExtractor, head: str, body: str, published: str, time_signal: str | None
) -> None:
    """The page's most trusted date, with the time and zone of a later signal that gives the
    same day (and time, where both give one); ``published.time`` names that signal."""
    html = f"""<html lang="en"><head><title>Budget</title>{head}</head><body><article>
    <h1>Budget</h1>{body}<p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    a = extractor.extract(html, "https://example.com/news/2024/budget")
    assert a.published == published
    assert a.provenance.get("published.time") == time_signal


def test_a_modified_date_takes_the_zone_of_a_later_signal_that_agrees(
    extractor: ArticleExtractor,
) -> None:
    ld = '{"@type": "NewsArticle", "headline": "Budget", "dateModified": "2024-03-06"}'
    html = f"""<html lang="en"><head><title>Budget</title>
    <script type="application/ld+json">{ld}</script>
    <meta property="article:modified_time" content="2024-03-06T08:00:00-05:00"></head><body>
    <article><h1>Budget</h1><p>{LONG}</p><p>{LONG}</p></article></body></html>"""
    a = extractor.extract(html, "https://example.com/news/2024/budget")
    assert (a.modified, a.provenance["modified"]) == ("2024-03-06T08:00:00-05:00", "json-ld")
    assert a.provenance["modified.time"] == "meta"
    assert "modified.rejected" not in a.provenance


def test_an_authors_name_alone_in_the_body_is_dropped_with_or_without_its_accents() -> None:
    """The name line was dropped only when spelled as the authors' list spells it: the page's
    ``Lucia Perez`` beside JSON-LD's ``Lucía Pérez`` stayed in the body."""
    text = "Lucia Perez\nThe footbridge over the canal will be rebuilt from next spring."
    for author in ("Lucía Pérez", "Lucia Perez"):
        kept, _, _ = clean_paragraphs(text, title=None, authors=[author], byline=None, box_texts=[])
        assert kept == ["The footbridge over the canal will be rebuilt from next spring."], author
