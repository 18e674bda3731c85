"""Find the dateline that opens a news article body and split it into place, date and agency.

A dateline is the lead-in a wire or newspaper puts before the first sentence::

    Astana, 10 December 2023 (TDI): On Friday, ...
    LONDON, Dec 10 (Reuters) - Stocks fell ...
    KYIV, Ukraine (AP) — Russia launched ...
    (Bloomberg) -- Treasuries rose ...
    NEW YORK, Jan. 5, 2024 /PRNewswire/ -- Acme Corp ...

The rules, in words (the regexes below spell them out):

* a *place* is one to five words in capitals (``NEW DELHI``, ``ST. LOUIS``, ``DALLAS/FORT WORTH``)
  or in title case (``Astana``, ``Frankfurt/Main``, ``Rio de Janeiro``), optionally followed by
  one or two comma-separated qualifiers (``, Calif.``, ``, Ukraine``, ``, South Africa``);
* then, each optional: ``, <date>`` (month names in several languages, ``17.08.2007``),
  an agency in parentheses or slashes (``(AP)``, ``/PRNewswire/``), a bare capitals agency
  after a date (``SEOUL, Nov 26 AFP -``), then a separator: ``:``, ``-``, ``--``, en or em dash,
  ``_`` (old AP wire) or ``.-`` (Spanish-language press);
* a title-case place needs a date or an agency, an abbreviated state (``Springfield, Ill. —``),
  or, alone as one word, an en dash or spaced hyphen (``Potsdam - ``, continental style).
  So "Washington said on Monday -" and "London: a city of ..." are not datelines. In English
  (when the caller knows the text is), a title-case place needs a date or an agency: English
  copy sets the place in capitals (AP, Reuters, UPI), and a name opening a sentence in title
  case looks the same (``Liverpool - Klopp said``, ``Nvidia - Shares rose``);
* a bare capitals place (no date, no agency) must not be a kicker or label: words such as
  ``EXCLUSIVE``, ``UPDATE``, ``BREAKING NEWS``, ``PHOTO``, ``Q``, a fact-check verdict
  (``REAL:``, ``FAKE:``), a single word with a common-noun suffix (``MIGRATION``, ``PROGRESS``),
  or a ``GIVEN-NAME SURNAME:`` speaker label;
* a country in parentheses after the place (``Rostow (Russland) -``) is part of the place, not
  the agency (country names in several languages from CLDR, through babel);
* a byline (``By JANE ROE  WASHINGTON (AP) --``, or on a line of its own) or a feed label
  (``Canadian Press - BAIKONUR, Kazakhstan (AP) -``) before the dateline is skipped when the
  dateline after it gives two of place, date and agency;
* agency-only (``(Bloomberg) --``), agency-first (``(ANSA) - Rome, October 11 -``) and date-first
  (``Jan. 12 (BusinessDesk) -``) forms, and the Chinese/Japanese wire forms ``新华社北京11月17日电``
  and ``【6月18日 AFP】``, are accepted too.

``place`` keeps the qualifiers as written (``"KYIV, Ukraine"``, ``"SAN FRANCISCO, Calif."``): the
region is part of how the outlet names the place, and dropping it loses information
(``PARIS, Texas``). ``raw`` is the exact span of the text, separator included.
"""

from __future__ import annotations

import datetime
import functools
import logging
import re
from collections.abc import Callable

from archiver.items import Dateline

logger = logging.getLogger(__name__)

__all__ = ["MONTH_PATTERN", "month_number", "parse_dateline"]


def _char_class(test: Callable[[str], bool]) -> str:
    """The characters of Latin, Greek and Cyrillic passing ``test``, as regex class ranges."""
    chars = [chr(c) for r in ((0x41, 0x250), (0x370, 0x530), (0x1E00, 0x2000)) for c in range(*r)]
    picked = [ord(c) for c in chars if test(c)]
    parts: list[str] = []
    start = prev = picked[0]
    for code in [*picked[1:], -1]:
        if code != prev + 1:
            parts.append(
                re.escape(chr(start)) + ("-" + re.escape(chr(prev)) if prev > start else "")
            )
            start = code
        prev = code
    return "".join(parts)


_UP = _char_class(lambda c: c.isupper())
_LO = _char_class(lambda c: c.islower())

_MONTH_NAMES = {
    1: "january januar janvier enero gennaio janeiro januari jänner",
    2: "february februar février fevrier febrero febbraio fevereiro februari",
    3: "march märz maerz mars marzo março maart marts mrz",
    4: "april avril abril aprile",
    5: "may mai mayo maggio maio mei maj",
    6: "june juni juin junio giugno junho",
    7: "july juli juillet julio luglio julho",
    8: "august août aout agosto augustus",
    9: "september septembre septiembre setiembre settembre setembro sept",
    10: "october oktober octobre octubre ottobre outubro",
    11: "november novembre noviembre novembro",
    12: "december dezember décembre decembre diciembre dicembre dezembro",
}
for _month, _names in enumerate(  # Russian, Ukrainian, Polish: the name and its genitive
    (
        "январь января січень січня styczeń stycznia",
        "февраль февраля лютий лютого luty lutego",
        "март марта березень березня marzec marca",
        "апрель апреля квітень квітня kwiecień kwietnia",
        "май мая травень травня maja",
        "июнь июня червень червня czerwiec czerwca",
        "июль июля липень липня lipiec lipca",
        "август августа серпень серпня sierpień sierpnia",
        "сентябрь сентября вересень вересня wrzesień września",
        "октябрь октября жовтень жовтня październik października",
        "ноябрь ноября листопад листопада listopad listopada",
        "декабрь декабря грудень грудня grudzień grudnia",
    ),
    start=1,
):
    _MONTH_NAMES[_month] += " " + _names


def _month_table() -> dict[str, int]:
    """Full month names and their unambiguous prefixes of three letters or more."""
    table: dict[str, set[int]] = {}
    for month, names in _MONTH_NAMES.items():
        for name in names.split():
            for end in range(3, len(name) + 1):
                table.setdefault(name[:end], set()).add(month)
    return {key: months.pop() for key, months in table.items() if len(months) == 1}


_MONTHS = _month_table()
_MONTH = "(?i:" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")(?![^\W\d_])\.?"
MONTH_PATTERN = _MONTH
"""A month name or its abbreviation, in the languages above (``Dec.``, ``Dezember``, ``déc``)."""


def month_number(name: str) -> int | None:
    """``"Dec."`` -> 12; None for a word that is not a month name or unambiguous abbreviation."""
    return _MONTHS.get(name.lower().rstrip("."))


_S = r"[^\S\n]"  # whitespace within one line
_DAY = r"\d{1,2}(?!\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:1[89]|20)\d\d(?!\d)"
_DATE = (
    rf"(?:{_MONTH}{_S}*{_DAY}(?:{_S}*,?{_S}*{_YEAR})?"
    rf"|{_DAY}\.?{_S}+(?:de{_S}+)?{_MONTH}(?:{_S}*,?{_S}*(?:de{_S}+)?{_YEAR})?"
    rf"|\d{{1,2}}\.\d{{1,2}}\.{_YEAR}|{_YEAR}-\d\d-\d\d)"
)
_DASH = "\u2013\u2014"  # en dash, em dash
_APOS = "'\u2019"
_COLONS = ":\uff1a"  # ASCII and full-width colon
_NOT_DASH = rf"(?![-{_DASH}](?!-))"  # a trailing '.' is an abbreviation unless '.-' separates
_CAPS_W = rf"[{_UP}](?:[{_UP}{_APOS}]|[-.](?=[{_UP}]))*(?:\.{_NOT_DASH})?"
_TITLE_W = (  # an abbreviation first ("Calif.", "W.Va."), so its period is not a separator
    rf"(?:[{_UP}](?:\.[{_UP}])*[{_LO}]{{0,4}}\.{_NOT_DASH}"
    rf"|[{_UP}][{_LO}{_APOS}]+(?:[{_UP}][{_LO}]+)?(?:-[{_UP}]?[{_LO}{_APOS}]+)*)"
)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PARTICLES = _words(
    "de del della di da do dos das du des la le les los las el am an im in der den upon on sur"
    " sous en of y i bei ob ad al"
)
_PARTICLE = "(?:" + "|".join(sorted(_PARTICLES, key=len, reverse=True)) + ")"
_PLACE_CAPS = rf"{_CAPS_W}(?:(?:{_S}+|{_S}*/{_S}*){_CAPS_W}){{0,4}}"
_PLACE_TITLE = rf"{_TITLE_W}(?:(?:{_S}+(?:{_PARTICLE}{_S}+){{0,2}}|{_S}*/{_S}*){_TITLE_W}){{0,3}}"
_ANY_W = rf"[^\W\d_][^\s\d_,\u060c{_COLONS}()/\-{_DASH}.]*"  # any script, combining marks too
_COMMA = r"[,\u060c]"  # ASCII and Arabic comma
_PLACE_ANY = rf"{_ANY_W}(?:(?:{_S}+|{_S}*{_COMMA}{_S}*){_ANY_W}){{0,3}}"  # uncased scripts
_QUAL = rf"(?!{_DATE})(?:{_CAPS_W}|{_TITLE_W})(?:{_S}+(?:{_CAPS_W}|{_TITLE_W})){{0,2}}"
_AGENCY = r"[^\W\d_][^()\d\n:;,!?\"\u201c\u201d]{0,38}?"
_AGENCY_SLASHED = r"[^\W\d_][^()/\d\n:;,!?\"\u201c\u201d]{0,30}?"
_SEP_INNER = rf"{_S}*(?:--|[-{_DASH}])"
_SEP = rf"{_S}*(?:--|\.[-{_DASH}]|[-{_DASH}\u2015\u2012_{_COLONS}]|\.(?=\s))"
_AFTER = r"(?=\s|$|(?<=--)|(?<=\u2014)|(?<=\)))"

_PLACE_FIRST = re.compile(
    rf"(?P<lead>\({_S}*(?P<ag0>{_AGENCY}){_S}*\){_SEP}{_S}*)?"
    rf"(?P<place>{_PLACE_CAPS}|{_PLACE_TITLE}|{_PLACE_ANY})"
    rf"(?P<quals>(?:{_S}*{_COMMA}{_S}*{_QUAL}){{0,2}})"
    rf"(?:{_S}*{_COMMA}{_S}*(?P<date>{_DATE})|{_S}*\({_S}*(?P<pdate>{_DATE}){_S}*\))?"
    rf"(?:(?:{_SEP_INNER})?{_S}*(?:\({_S}*(?P<ag>{_AGENCY}){_S}*\)"
    rf"|/{_S}*(?P<ags>{_AGENCY_SLASHED}){_S}*/)"
    rf"|(?<=\d){_S}+(?P<agb>[{_UP}]{{2,8}})(?={_SEP}))?"
    rf"(?:{_SEP_INNER}{_S}*(?P<date2>{_DATE}))?"
    rf"(?P<sep>{_SEP})?{_AFTER}"
)
_AGENCY_FIRST = re.compile(rf"\({_S}*(?P<ag>{_AGENCY}){_S}*\)(?P<sep>{_SEP})?{_AFTER}")
_DATE_FIRST = re.compile(rf"(?P<date>{_DATE}){_S}*\({_S}*(?P<ag>{_AGENCY}){_S}*\)(?P<sep>{_SEP})")
_CJK_DATE = r"\d{1,2}\u6708\d{1,2}\u65e5"  # 11月17日
_CJK_WIRE = re.compile(  # 新华社北京11月17日电 (Xinhua Beijing, 17 November, cable)
    rf"(?P<ag>\u65b0\u534e\u793e|\u65b0\u83ef\u793e|\u4e2d\u65b0\u793e|\u4e2d\u65b0\u7f51)"
    rf"(?P<place>[\u4e00-\u9fff]{{1,10}}?)(?P<date>{_CJK_DATE})\u7535"
)
_CJK_BRACKET = re.compile(  # 【6月18日 AFP】, 【ワシントン=共同】
    rf"\u3010(?:(?P<place>[^\u3011\uff1d=\d]{{1,12}})[\uff1d=])?(?:(?P<date>{_CJK_DATE})\s*)?"
    r"(?P<ag>[^\u3011]{1,20})\u3011"
)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_BYLINE_LEAD = re.compile(r"(?i:by|von|par|por|door)[^\S\n]+(?=[^\W\d_])")
_FEED_LABEL = re.compile(  # "Canadian Press - ": up to three capitalised words, a separator
    rf"[{_UP}][^\W\d_]*(?:{_S}+[{_UP}][^\W\d_]*){{0,2}}{_S}*(?:--|[-{_DASH}|]){_S}+(?=[{_UP}(])"
)

# Capitals that open kickers, labels and section flags, not places (compared upper-cased).
_STOP = _words(
    """
    A ABSTRACT ADVERTISEMENT ALERT ALSO ANALYSIS ANALYSE ANCHOR ANSWER AUDIO BREAKING BRIEF BY
    CAPTION CLARIFICATION COLUMN COMMENT COMMENTARY CORRECTION CREDIT DEAR DEVELOPING EDITORIAL
    EDITOR EDITORS EDITOR'S EILMELDUNG EXCLUSIVE EXKLUSIV FACT FAQ FEATURE FILE FIRST FLASH
    GALLERY GRAPHIC HEADLINE HIGHLIGHTS INTERVIEW KOMMENTAR LETTER LETTERS LIVE MORE NEWS
    NOTE NOW ONLINE OP-ED OPINION PHOTO PHOTOS PICTURE PODCAST POLL Q QUESTION QUOTE READ RECAP
    RELATED REPORT REVIEW SPECIAL SPONSORED SPORT SPORTS SUMMARY SUBSCRIBE TIMELINE TODAY TOP
    TRENDING UPDATE UPDATED UPDATES URGENT VIDEO VIDEOS WARNING WATCH WEATHER WIRE
    CHRONICLE GAZETTE HERALD JOURNAL MAGAZINE POST TIMES TRIBUNE
    CLAIM FAKE FALSE MISLEADING MYTH RATING REAL TRUE VERDICT
    MONDAY TUESDAY WEDNESDAY THURSDAY FRIDAY SATURDAY SUNDAY MONTAG DIENSTAG MITTWOCH
    DONNERSTAG FREITAG SAMSTAG SONNTAG LUNDI MARDI MERCREDI JEUDI VENDREDI SAMEDI DIMANCHE
    LUNES MARTES JUEVES VIERNES DOMINGO
    """
)
_STOP_ALONE = _words("NEW LATEST INSIDE OFFICIAL")  # fine in "NEW YORK", not alone
_KICKER_SUFFIXES = ("TION", "SION", "MENT", "NESS", "ESS", "ITY", "ISM", "OGY", "ICS", "IVE", "URE")
# Speaker labels ("MARK SMITH: ...") in transcripts and interviews open with a given name.
_GIVEN_NAMES = _words(
    """
    ADAM ALAN ALEX AMY ANDREW ANGELA ANN ANNA ANNE BARBARA BEN BETTY BILL BOB BRIAN CAROL
    CATHERINE CHARLES CHRIS CHRISTINE DANIEL DAVID DEBORAH DONALD DOROTHY ED EMILY EMMA ERIC
    GARY GEORGE HELEN JACK JAMES JANE JASON JEFF JENNIFER JESSICA JIM JOE JOHN JOSEPH JULIE
    KAREN KATE KEVIN LAURA LINDA LISA MARGARET MARIA MARK MARY MATT MATTHEW MICHAEL MICHELLE
    NANCY NICK PATRICIA PAUL PETER RACHEL RICHARD ROBERT RUTH SARAH SCOTT SIMON STEPHEN STEVE
    SUSAN THOMAS TIM TOM WILLIAM
    """
)
# "(Photo Reuters) -", "(File) -": a credit or a label in parentheses, not the sender.
_NOT_AGENCY = _words(
    "AUDIO CAPTION CORRECTION CREDIT FILE GRAPHIC PHOTO PHOTOS PICTURE SOURCE UPDATE UPDATED"
    " VIDEO WATCH"
)
KNOWN_AGENCIES = _words(
    "AAP AFP ANI ANSA AP APA BLOOMBERG CNA CNN DPA EFE IANS KYODO PTI REUTERS SDA TASS UPI"
    " XINHUA YONHAP"
)
"""News agencies by name, in capitals: a byline names them as it names people."""
_BARE_TITLE_SEPS = ("-", "\u2013", ".-", ".\u2013")  # "Potsdam - ", "Washington.- "
_ABBREV_QUAL = re.compile(rf"[{_UP}](?:\.?[{_UP}]|[{_LO}]{{0,4}})?\.?")
_DATE_PARTS = re.compile(
    rf"(?P<m1>{_MONTH}){_S}*(?P<d1>\d+)"
    rf"|(?P<d2>\d+)\.?{_S}+(?:de{_S}+)?(?P<m2>{_MONTH})"
    r"|(?P<d3>\d+)\.(?P<m3>\d+)\.|(?P<y4>\d{4})-(?P<m4>\d\d)-(?P<d4>\d\d)"
    r"|(?P<m5>\d{1,2})\u6708(?P<d5>\d{1,2})\u65e5"
)
_HEAD = 240  # a dateline is in the first few dozen characters


def parse_dateline(
    text: str, *, published: datetime.date | None = None, language: str | None = None
) -> Dateline | None:
    """Return the dateline at the very start of ``text`` (an article's first paragraph), or None.

    ``published`` gives the year to a date written without one; without it such a date is
    left ``None`` while ``raw``, ``place`` and ``agency`` are still returned. ``language``, the
    text's language (``en``, ``en-US``, ...), when known: in English a place in title case
    needs a date or an agency.

    A byline (``By JANE ROE``, on the same line or its own) or a feed label (``Canadian Press -``)
    may stand before the dateline; it is skipped, and is not part of ``raw``, when what follows
    is a dateline giving two of place, date and agency.
    """
    head = text.lstrip()[:_HEAD]
    if not head:
        return None
    english = (language or "").lower().replace("_", "-").split("-")[0] == "en"
    found = _parse_head(head, published, english=english)
    if found is None:
        for start in _lead_in_ends(head):
            inner = _parse_head(head[start:], published, english=english)
            if (
                inner is not None
                and sum(bool(v) for v in (inner.place, inner.date, inner.agency)) >= 2
            ):
                return inner
    return found


def _parse_head(
    head: str, published: datetime.date | None, *, english: bool = False
) -> Dateline | None:
    for m in (_CJK_WIRE.match(head), _CJK_BRACKET.match(head)):
        if m:
            return _dateline(m.group(0), m["place"], m["date"], m["ag"], published)
    m = _PLACE_FIRST.match(head)
    if m is not None and _accept(m, head[m.end() :], english=english):
        region = _region(m)
        agency = None if region else m["ag"] or m["ags"] or m["agb"] or m["ag0"]
        place = (m["place"] + m["quals"]).strip()
        if region:  # "Rostow (Russland) -": the country in parentheses qualifies the place
            place = head[m.start("place") : head.index(")", m.end("ag")) + 1]
        date = m["date"] or m["pdate"] or m["date2"]
        return _dateline(m.group(0), place, date, agency, published)
    m = _AGENCY_FIRST.match(head)
    if m and _agency_ok(m["ag"], m["sep"], head[m.end() :]):
        return _dateline(m.group(0), None, None, m["ag"], published)
    m = _DATE_FIRST.match(head)
    if m and _agency_ok(m["ag"], m["sep"], head[m.end() :]):
        return _dateline(m.group(0), None, m["date"], m["ag"], published)
    return None


def _lead_in_ends(head: str) -> list[int]:
    """Where a dateline may start after a lead-in: after a byline (``By JANE ROE  WASHINGTON``,
    or the byline on a line of its own), or after a short feed label and its separator
    (``Canadian Press - BAIKONUR, Kazakhstan (AP) -``)."""
    if m := _BYLINE_LEAD.match(head):
        rest = head[m.end() :]
        if gap := re.search(r"\s*\n\s*|[^\S\n]{2,}", rest[:80]):  # the name ends at a break
            return [m.end() + gap.end()]
        words = list(re.finditer(r"\S+", rest[:80]))
        return [m.end() + w.start() for w in words[2:5]]  # a name of two to four words
    if m := _FEED_LABEL.match(head):
        return [m.end()]
    return []


def _region(m: re.Match[str]) -> str | None:
    """The parenthesised word after the place when it names a country, not an agency."""
    ag = m["ag"]
    if not ag or ag.strip().upper() in KNOWN_AGENCIES or not ag[0].isupper():
        return None
    return ag if ag.strip().casefold() in _territories() else None


@functools.cache
def _territories() -> frozenset[str]:
    """Country names in the languages datelines are mostly written in, from CLDR via babel
    (installed with trafilatura); empty when babel is missing, so the rule is then off."""
    try:
        from babel import Locale
    except ImportError:  # pragma: no cover
        return frozenset()
    names: set[str] = set()
    for lang in ("en", "de", "fr", "es", "it", "pt", "nl"):
        territories = Locale.parse(lang).territories
        names.update(n.casefold() for code, n in territories.items() if code.isalpha())
    return frozenset(n for n in names if len(n) >= 4)


def _accept(m: re.Match[str], rest: str, *, english: bool = False) -> bool:
    """Decide whether a place-first match is a dateline rather than a sentence or a kicker;
    ``english``: the text is in English, where a dateline's place is set in capitals."""
    place, sep = m["place"], (m["sep"] or "").strip()
    words = [w.strip(f".{_APOS}") for w in re.split(r"[\s/]+", place) if w]
    quals = [q.strip() for q in re.split(_COMMA, m["quals"]) if q.strip()]
    has_date = bool(m["date"] or m["pdate"] or m["date2"])
    agency = None if _region(m) else m["ag"] or m["ags"] or m["agb"]
    if words[0].upper() in _STOP or (agency and not _agency_ok(agency, sep or "-", "")):
        return False
    if not sep:  # "London (CNN) Police said": only a known agency in parentheses ends it
        return bool(m["ag"]) and _agency_ok(m["ag"], None, rest)
    if sep == "." and not has_date:
        return False
    if not any(c.isupper() or c.islower() for c in place):  # uncased script
        bare_ok = len(words) <= 2 and sep != "." and not _CJK.search(place)
        return bool(agency or has_date or bare_ok)
    caps = place.upper() == place
    if not caps and not all(w[0].isupper() or w in _PARTICLES for w in words):
        return False
    if caps and sum(c.isalpha() for c in place) < 3:
        return False
    if has_date or agency:
        return True
    if rest.lstrip()[:1].islower() or place.upper() in KNOWN_AGENCIES:
        return False  # "Trump - the man who ...", "Reuters - The agency said ..."
    if caps:
        upper = [w.upper() for w in words + quals]
        if any(w in _STOP for w in upper) or (len(upper) == 1 and upper[0] in _STOP_ALONE):
            return False
        if len(place.split()) > 3:  # "LE POINT SUR LA SITUATION -": a kicker, not a place
            return False
        if len(words) == 1 and not quals and words[0].endswith(_KICKER_SUFFIXES):
            return False
        return not (len(words) >= 2 and words[0] in _GIVEN_NAMES)
    if english or sep in (*_COLONS, "."):
        return False
    if quals:
        return all(_ABBREV_QUAL.fullmatch(q) for q in quals)
    return not re.search(r"\s", place) and sep in _BARE_TITLE_SEPS


def _agency_ok(agency: str, sep: str | None, rest: str) -> bool:
    """An agency in parentheses needs a separator after it, unless it is a well-known one."""
    if agency.split()[0].upper() in _NOT_AGENCY:
        return False
    if sep:
        return True
    nxt = rest.lstrip()[:1]
    return agency.strip().upper() in KNOWN_AGENCIES and (not nxt or not nxt.islower())


def _dateline(
    raw: str,
    place: str | None,
    date_text: str | None,
    agency: str | None,
    published: datetime.date | None,
) -> Dateline:
    return Dateline(
        raw=raw.strip(),
        place=place.strip() if place else None,
        date=_iso_date(date_text, published) if date_text else None,
        agency=agency.strip() if agency else None,
    )


def _iso_date(text: str, published: datetime.date | None) -> str | None:
    """``10 December 2023`` -> ``2023-12-10``; a date without a year takes ``published``'s."""
    m = _DATE_PARTS.search(text)
    if m is None:
        return None
    month_s = m["m1"] or m["m2"] or m["m3"] or m["m4"] or m["m5"]
    day_s = m["d1"] or m["d2"] or m["d3"] or m["d4"] or m["d5"]
    month = int(month_s) if month_s.isdigit() else month_number(month_s)
    year_m = re.search(_YEAR, text)
    if month is None:
        return None
    if year_m:
        year = int(year_m.group(0))
    elif published is not None:
        year = published.year
    else:
        return None
    try:
        date = datetime.date(year, month, int(day_s))
        if not year_m and published is not None and (date - published).days > 31:
            date = date.replace(year=year - 1)  # "Dec 31" on a page published on 2 January
    except ValueError:
        logger.debug("dateline date %r is not a calendar date", text)
        return None
    return date.isoformat()
