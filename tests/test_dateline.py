"""parse_dateline: the shapes it accepts, what it returns for them, and the leads it must refuse."""

from __future__ import annotations

import datetime

import pytest

from archiver.dateline import parse_dateline

PUBLISHED = datetime.date(2024, 3, 5)

# (lead, raw, place, date, agency); dates without a year take PUBLISHED's year.
POSITIVES = [
    (
        "Astana, 10 December 2023 (TDI): On Friday the president signed a decree.",
        "Astana, 10 December 2023 (TDI):",
        "Astana",
        "2023-12-10",
        "TDI",
    ),
    (
        "ISLAMABAD, 3 March 2024 (TDI): The cabinet met on Sunday.",
        "ISLAMABAD, 3 March 2024 (TDI):",
        "ISLAMABAD",
        "2024-03-03",
        "TDI",
    ),
    (
        "LONDON, Mar 4 (Reuters) - Shares slipped.",
        "LONDON, Mar 4 (Reuters) -",
        "LONDON",
        "2024-03-04",
        "Reuters",
    ),
    ("WASHINGTON (AP) — Senators agreed.", "WASHINGTON (AP) —", "WASHINGTON", None, "AP"),
    ("PARIS (AFP) - Farmers blocked roads.", "PARIS (AFP) -", "PARIS", None, "AFP"),
    ("NEW DELHI: The monsoon arrived early.", "NEW DELHI:", "NEW DELHI", None, None),
    (
        "BERLIN, March 3 (dpa) \u2013 Die Koalition stritt.",
        "BERLIN, March 3 (dpa) \u2013",
        "BERLIN",
        "2024-03-03",
        "dpa",
    ),
    ("TOKYO (Reuters) -- The yen rose.", "TOKYO (Reuters) --", "TOKYO", None, "Reuters"),
    ("(Bloomberg) -- Treasuries rallied.", "(Bloomberg) --", None, None, "Bloomberg"),
    (
        "NEW YORK, Jan. 5, 2024 /PRNewswire/ -- Acme Corp announced results.",
        "NEW YORK, Jan. 5, 2024 /PRNewswire/ --",
        "NEW YORK",
        "2024-01-05",
        "PRNewswire",
    ),
    ("KYIV, Ukraine (AP) — Drones struck.", "KYIV, Ukraine (AP) —", "KYIV, Ukraine", None, "AP"),
    (
        "SAN FRANCISCO, Calif. — A startup said.",
        "SAN FRANCISCO, Calif. —",
        "SAN FRANCISCO, Calif.",
        None,
        None,
    ),
    ("ST. LOUIS, Mo. — Voters decided.", "ST. LOUIS, Mo. —", "ST. LOUIS, Mo.", None, None),
    (
        "Springfield, Ill. — The council met.",
        "Springfield, Ill. —",
        "Springfield, Ill.",
        None,
        None,
    ),
    (
        "GENEVA/LONDON (Reuters) - Talks resumed.",
        "GENEVA/LONDON (Reuters) -",
        "GENEVA/LONDON",
        None,
        "Reuters",
    ),
    (
        "Frankfurt/Main (dpa) - Der Dax stieg.",
        "Frankfurt/Main (dpa) -",
        "Frankfurt/Main",
        None,
        "dpa",
    ),
    (
        "Wien, 14. Dezember 2021 \u2013 Die Regierung beschloss.",
        "Wien, 14. Dezember 2021 \u2013",
        "Wien",
        "2021-12-14",
        None,
    ),
    (
        "Bern, 17.08.2007 - Der Bundesrat entschied.",
        "Bern, 17.08.2007 -",
        "Bern",
        "2007-08-17",
        None,
    ),
    ("Potsdam \u2013 Der Landtag tagte.", "Potsdam \u2013", "Potsdam", None, None),
    (
        "Lima, 4 de marzo de 2024 (EFE).- El Gobierno anunció.",
        "Lima, 4 de marzo de 2024 (EFE).-",
        "Lima",
        "2024-03-04",
        "EFE",
    ),
    ("SEOUL, Mar 2 AFP - North Korea fired.", "SEOUL, Mar 2 AFP -", "SEOUL", "2024-03-02", "AFP"),
    (
        "(ANSA) - Rome, March 1 - Il governo.",
        "(ANSA) - Rome, March 1 -",
        "Rome",
        "2024-03-01",
        "ANSA",
    ),
    (
        "Feb. 27 (BusinessDesk) - The central bank.",
        "Feb. 27 (BusinessDesk) -",
        None,
        "2024-02-27",
        "BusinessDesk",
    ),
    (
        "WASHINGTON (Feb. 20) -- Lawmakers returned.",
        "WASHINGTON (Feb. 20) --",
        "WASHINGTON",
        "2024-02-20",
        None,
    ),
    (
        "NEW YORK (Dow Jones/AP) -- Stocks fell.",
        "NEW YORK (Dow Jones/AP) --",
        "NEW YORK",
        None,
        "Dow Jones/AP",
    ),
    ("Oslo /NTB/: Regjeringen la fram.", "Oslo /NTB/:", "Oslo", None, "NTB"),
    ("London (CNN) Police arrested a man.", "London (CNN)", "London", None, "CNN"),
    ("MANILA _ Typhoon winds eased.", "MANILA _", "MANILA", None, None),
    (
        "CHICAGO--(BUSINESS WIRE)--Feb 28, 2024--Widgets Inc said.",
        "CHICAGO--(BUSINESS WIRE)--Feb 28, 2024--",
        "CHICAGO",
        "2024-02-28",
        "BUSINESS WIRE",
    ),
    # a byline or a feed label before the dateline is not part of it
    (
        "By JANE ROE   NAIROBI, Kenya (AP) \u2014 The rains eased.",
        "NAIROBI, Kenya (AP) \u2014",
        "NAIROBI, Kenya",
        None,
        "AP",
    ),
    (
        "By Jane Roe\nGENEVA, March 2 (Reuters) - Talks resumed.",
        "GENEVA, March 2 (Reuters) -",
        "GENEVA",
        "2024-03-02",
        "Reuters",
    ),
    (
        "By Jane Roe Feb. 27 (BusinessDesk) - The bank held rates.",
        "Feb. 27 (BusinessDesk) -",
        None,
        "2024-02-27",
        "BusinessDesk",
    ),
    (
        "Pacific Wire - HONIARA, Solomon Islands (AP) - Voting began.",
        "HONIARA, Solomon Islands (AP) -",
        "HONIARA, Solomon Islands",
        None,
        "AP",
    ),
    # a country in parentheses qualifies the place; it is not the agency
    (
        "Lyon (Frankreich) - Ein Zug entgleiste.",
        "Lyon (Frankreich) -",
        "Lyon (Frankreich)",
        None,
        None,
    ),
    # month names in Russian, Ukrainian and Polish (genitive, as dates write them)
    (
        "МОСКВА, 5 марта (Рейтер) - Президент заявил во вторник, что",
        "МОСКВА, 5 марта (Рейтер) -",
        "МОСКВА",
        "2024-03-05",
        "Рейтер",
    ),
    (
        "Москва, 17 августа 2023 (ТАСС): Правительство утвердило план.",
        "Москва, 17 августа 2023 (ТАСС):",
        "Москва",
        "2023-08-17",
        "ТАСС",
    ),
    (
        "КИЇВ, 5 березня (Укрінформ) - Уряд ухвалив рішення.",
        "КИЇВ, 5 березня (Укрінформ) -",
        "КИЇВ",
        "2024-03-05",
        "Укрінформ",
    ),
    (
        "WARSZAWA, 2 marca (PAP) - Sejm przyjął ustawę.",
        "WARSZAWA, 2 marca (PAP) -",
        "WARSZAWA",
        "2024-03-02",
        "PAP",
    ),
    ("新华社上海3月1日电 记者报道", "新华社上海3月1日电", "上海", "2024-03-01", "新华社"),
    ("【3月1日 AFP】東京の株価は", "【3月1日 AFP】", None, "2024-03-01", "AFP"),
]


@pytest.mark.parametrize(("text", "raw", "place", "date", "agency"), POSITIVES)
def test_dateline_found(
    text: str, raw: str, place: str | None, date: str | None, agency: str | None
) -> None:
    found = parse_dateline(text, published=PUBLISHED)
    assert found is not None
    assert (found.raw, found.place, found.date, found.agency) == (raw, place, date, agency)
    lead_in = text[: text.index(found.raw)]  # the exact span; only a byline or label before it
    assert not lead_in or lead_in.startswith(("By ", "BY ")) or lead_in.endswith("- ")


NEGATIVES = [
    "Kazakhstan is making strides in protecting the rights of children.",
    "London: a city of contrasts, and of rising rents.",
    "Washington said on Monday - and repeated on Tuesday - that it would not yield.",
    "Berlin has long resisted calls for joint borrowing.",
    "China's exports rose for a fifth month.",
    "EXCLUSIVE: The company plans to cut a third of its staff.",
    "UPDATE 2 - Shares of the lender fell after results.",
    "BREAKING NEWS: A fire broke out at the depot.",
    "Breaking News: A fire broke out at the depot.",
    "Q: When did you first visit the island?",
    "A: It was in the winter of 1998.",
    "JANE MORRIS: Thank you for joining us this evening.",
    "DEAR ABBY: My neighbour keeps borrowing my ladder.",
    "10:30 - The market opened lower.",
    "Photo: Reuters",
    "PHOTO: A crowd gathers outside the court.",
    "(Photo: Reuters) - A crowd gathers outside the court.",
    "(File) - The bridge before its renovation.",
    '"We will not give up," - the mayor told reporters.',
    "“London is open,” the mayor said.",
    "Editor's note: This story has been corrected.",
    "EDITOR'S NOTE: This story has been corrected.",
    "WATCH: The moment the rocket lifted off.",
    "LIVE UPDATES: Day three of the summit.",
    "SPOILER ALERT: The last episode is discussed below.",
    "Monday, March 4 — The day began with rain.",
    "NEW: The ministry has published the figures.",
    "OPINION - Why the budget misses the point.",
    "By Anna Weber - The council voted.",
    "BY ANNA WEBER — The council voted.",
    "MIGRATION \u2013 Wie Kenia mit Flüchtlingen umgeht.",
    "Trump - the man who would not concede - spoke again.",
    "Reuters - The agency said it would appeal.",
    "LE POINT SUR LA SITUATION - Les négociations continuent.",
    "Updated on March 3 at 2:15 p.m.",
    "Name: Ashley Greene",
    "Stand des Artikels: 26. Februar 2020, 12:30 Uhr.",
    "Apple (AAPL) shares rose in early trading.",
    "The New York Times said in an editorial on Saturday, March 2: the court erred.",
    "REAL: Rescuers kept digging through the night.",
    "FAKE: The video does not show this week's flood.",
    "By March 3 (the deadline) - the ministry must decide.",
    "Sports Desk - The team won its third game in a row.",
    "Canadian Press - The agency said it would appeal.",
    "By Jane Roe - Opinion - The council voted.",
    "Paris (France) is where the talks will be held.",
    "",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_no_dateline(text: str) -> None:
    assert parse_dateline(text, published=PUBLISHED) is None


def test_year_from_published_and_none_without_it() -> None:
    text = "LONDON, Dec 30 (Reuters) - Markets closed early."
    assert parse_dateline(text) == parse_dateline(text, published=None)
    found = parse_dateline(text)
    assert found is not None
    assert (found.raw, found.date) == ("LONDON, Dec 30 (Reuters) -", None)
    # a late-December dateline on a page published in early January belongs to the year before
    late = parse_dateline(text, published=datetime.date(2024, 1, 2))
    assert late is not None
    assert late.date == "2023-12-30"


def test_leading_whitespace_and_only_the_first_line() -> None:
    found = parse_dateline("  \u00a0CAIRO — Egypt said.")
    assert found is not None
    assert found.raw == "CAIRO —"
    assert parse_dateline("Some headline\nCAIRO — Egypt said.") is None


def test_impossible_date_keeps_the_dateline() -> None:
    found = parse_dateline("ROME, Feb 30 (ANSA) - Il governo.", published=PUBLISHED)
    assert found is not None
    assert (found.place, found.date, found.agency) == ("ROME", None, "ANSA")


# English-language copy sets a dateline's place in capitals (AP, Reuters, UPI): there, a place in
# title case needs a date or an agency, as a name opening a sentence looks the same
# ("Liverpool - Klopp said", "Nvidia - Shares rose"). Other languages write "Potsdam -".
ENGLISH = [
    ("Indianapolis \u2013 Several thousand teachers rallied.", None),
    ("Dekalb, Ill. \u2014 Mike Glass threw for three touchdowns.", None),
    ("New York, NY \u2013 With engagement moving to mobile, ads follow.", None),
    ("Liverpool \u2013 Jurgen Klopp said the title race was over.", None),
    ("CLEVELAND, Ohio \u2013 The band will look to ride a vote.", "CLEVELAND, Ohio \u2013"),
    ("INDIANAPOLIS \u2013 Several thousand teachers rallied.", "INDIANAPOLIS \u2013"),
    ("Washington (CNN) -- The Senate voted.", "Washington (CNN) --"),
    ("Caracas, Feb 26 - The opposition marched.", "Caracas, Feb 26 -"),
    ("Springfield, Ill., March 4 \u2014 The council met.", "Springfield, Ill., March 4 \u2014"),
]


@pytest.mark.parametrize(("text", "raw"), ENGLISH)
def test_english_title_case_place_needs_a_date_or_agency(text: str, raw: str | None) -> None:
    found = parse_dateline(text, published=PUBLISHED, language="en")
    assert (found.raw if found else None) == raw


@pytest.mark.parametrize("language", [None, "de", "es"])
def test_title_case_place_alone_stands_outside_english(language: str | None) -> None:
    for text, raw in [
        ("Potsdam \u2013 Der Landtag tagte.", "Potsdam \u2013"),
        ("Springfield, Ill. \u2014 The council met.", "Springfield, Ill. \u2014"),
    ]:
        found = parse_dateline(text, published=PUBLISHED, language=language)
        assert found is not None and found.raw == raw
