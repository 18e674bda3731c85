"""Person names out of byline text, and the outlet's own names that are not a person's.

``split_names`` turns a byline into clean names: "By"/"Von" and labels stripped, names split on
"and", "&", commas and slashes, roles ("Staff Writer"), dates, handles and the place the
reporters filed from ("Von Seb Dumitru, Lille") dropped.
:class:`OutletNames` knows the names the outlet goes by (site name, JSON-LD publisher, the
organisations the page credits, its host name), so that "STERN.de" or "Lesotho Times" as an
author counts only when no person is named anywhere.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import Any

from archiver.dateline import KNOWN_AGENCIES
from archiver.extract.markup import PageSignals, clean_text, node_types, word_set
from archiver.extract.metadata import loose, norm, site_host, unescape

BY = re.compile(
    r"^\s*(?:by|von|par|por|di|door|av|af|written by|posted by|quelle|source|fuente"
    r"|text|texte|texto|testo|tekst|\u0442\u0435\u043a\u0441\u0442"  # "text:" (ru: tekst)
    r"|autor(?:in|a|es|ka)?|auteure?s?|autore|авторы?|muhabir"  # "author:"
    r"|كتب|بقلم|بواسطة"  # Arabic: "wrote", "by the pen of", "by"
    r"|(?:yazan|yazar)(?=\s*:)"  # Turkish "written by", with its colon: Yazan is a name too
    r"|(?:analysis|opinion|commentary|perspective|review|column|essay|reporting) by)"
    r"\s*:?\s+",
    re.I,
)
_CUT = re.compile(  # what follows the names in a byline: a date, a role, a separator
    r"\s*(?:[|\u2022\u00b7\n]|\s[-\u2013\u2014]\s|\bupdated\b|\bpublished\b|\bon\s+\w+day\b"
    r"|,?\s\bin\s).*$",
    re.I | re.S,
)
URL_PIECE = re.compile(r"\b(?:https?|www|html?|php|png|jpe?g|gif|svg|webp)\b", re.I)
"""Words of a web address or a file name: text holding one is not a person's name."""
_AGENCY_LONG = (
    r"(?:the\s+)?associated\s+press|agence\s+france[-\s]presse|deutsche\s+presse[-\s]agentur"
    r"|press\s+trust\s+of\s+india"
)
"""Agencies known by their long names; the short ones are ``KNOWN_AGENCIES``."""
_AGENCY_AFTER = re.compile(
    rf"^(?P<name>\S+(?:\s+\S+)+?)\s+(?P<agency>(?i:{_AGENCY_LONG})|[A-Z]{{2,5}})$"
)
"""A name of two words or more and, without a comma, the agency it works for ("ERIC TUCKER
Associated Press", "Jane Roe AFP"): an agency in capitals is one of ``KNOWN_AGENCIES``."""
_AGENCY_NAME = re.compile(_AGENCY_LONG, re.I)
_BRACKETS = re.compile(r"\s*\((?P<inner>[^()]*)(?:\)|$)\s*")
"""Text in brackets, also when the byline's cut left it unclosed (``Jane Doe (Reuters``)."""
_SPLIT = re.compile(r"\s*(?:,|;|&|/|\band\b|\bund\b|\bet\b)\s*|\s+(?-i:и|ve)\s+", re.I)
"""Where a byline's names part: "и" and "ve" in lower case between spaces only (an initial
``И.`` is no "and", ``Ve`` may be a name)."""
_AND_IN_NAMES = re.compile(r"\s+(?:y|e)\s+")
"""Spanish, Portuguese and Italian "and", also a particle inside a name (``José Ortega y
Gasset``): a list only when the names on both sides have two words or more."""
_ROLE_WORDS = word_set(
    "staff writer writers correspondent correspondents reporter reporters editor editors"
    " contributor contributing senior bureau chief desk columnist analyst team admin"
    " administrator guest author authors editorial photographer published updated more view"
    " posts profile follow email twitter image images photo photos credit getty agency agencies"
    " agentur agenturen red report"
    # "updated", "published" in the languages of the corpus: a date line's words
    " aktualisiert veröffentlicht uppdaterad publicerad oppdatert publisert opdateret"
    " actualizado publicado atualizado aggiornato pubblicato"
)
_PARTICLES = word_set(
    "de da do dos das del della delle dei degli di du la le las los van von der den het 't ter"
    " ten zu y e i al el bin ibn ben bint af av"
)
"""Lower-case words inside a person's name: "Michelle de Oliveira", "Ludwig van Beethoven"."""
_WEEKDAYS = word_set(
    "monday tuesday wednesday thursday friday saturday sunday montag dienstag mittwoch"
    " donnerstag freitag samstag sonntag lundi mardi mercredi jeudi vendredi samedi dimanche"
    " lunes martes miércoles jueves viernes sábado domingo"
)
"""A weekday alone is a date line's first word, not a name (a surname may be one)."""
_CREDENTIALS = word_set(
    "PhD MD MS MSc MA BA BS BSc MBA MPH MPP MPA MSW MFA MEd EdD PsyD DrPH PharmD RN RD RDN LD LDN"
    " DO DDS DMD DVM DPT JD Esq CPA CFA CFP LCSW LMFT LPC NP FNP APRN CNM CRNA DNP CDE CDCES"
    " CSCS OTR MBBS FRCP FRCS MRCP FACS FACP FAAP FACC OBE MBE CBE"
)
"""Degrees and licences written after a name ("Ilana Muhlstein, MS, RDN"), dots removed; in
these capitals only, so that a surname written like one ("Dana Md") stays."""
_FOR_OUTLET = re.compile(r"^(?P<name>\S+(?:\s+\S+)+?)\s+(?:[Ff]or|für|pour|para)\s+[A-Z\d].*$")
"""The outlet a reporter wrote the piece for: "Amitai Winehouse For Mailonline" (a name of two
words or more before it, whose last is none of :data:`_GROUP_NOUNS`)."""
_GROUP_NOUNS = word_set(
    "institute institution center centre council committee foundation society association"
    " alliance coalition campaign fund office agency department ministry commission network"
    " project partnership union league federation trust group organisation organization board"
    " service services bureau program programme initiative movement school college university"
    " academy forum consortium authority corporation company party lab laboratory hub people"
    " doctors physicians scientists americans citizens women men parents students voters friends"
)
"""The last word of an organisation's name before "for": "National Center for Health"."""
_ORGANISATION_TYPES = ("Organization", "NewsMediaOrganization", "Corporation", "WebSite")
_TLD = re.compile(r"\.[a-z]{2,3}(?:\.[a-z]{2})?$", re.I)


def split_names(text: str, *, strict: bool = True) -> list[str]:
    """``"By Jane Roe and John Doe | 3 March 2024"`` -> ``["Jane Roe", "John Doe"]``.

    ``strict=False`` (structured data) lets a name start in lower case (``dpa``) and reads a
    catalogue's ``"Doe, Jane"`` as ``"Jane Doe"``.
    """
    text = _CUT.sub("", BY.sub("", clean_text(unescape(text) or "")))
    text = _BRACKETS.sub(_bracketed, text).replace("(", " ").replace(")", " ")
    if not strict:
        text = _first_last(text)
    names: list[str] = []
    for part in (p for piece in _SPLIT.split(text) for p in _and_apart(piece)):
        part = BY.sub("", part).strip(" .:;,-\u2013\u2014'\"()")
        if names and _is_credential(part):
            continue
        part = _without_outlet(_without_credentials(_agency_staff(part)))
        for piece in _agency_apart(part):
            if is_name(piece) and (not strict or not piece[0].islower()):
                names.append(piece)
    if len(names) >= 2 and _filed_from(names, text):
        names.pop()
    return names


def is_agency(text: str) -> bool:
    """A news agency's name: ``Reuters``, ``AP``, ``dpa``, ``Associated Press``."""
    text = clean_text(text)
    return text.upper() in KNOWN_AGENCIES or _AGENCY_NAME.fullmatch(text) is not None


def unbracketed(text: str) -> str:
    """``text`` without what it says in brackets: ``"Gear Team (Wired)"`` -> ``"Gear Team"``,
    ``"(Abu Dhabi - Al Bayan)"`` -> ``""``."""
    return clean_text(_BRACKETS.sub(" ", text).replace("(", " ").replace(")", " "))


def _agency_staff(part: str) -> str:
    """``"Reuters Staff"`` -> ``"Reuters"``: an agency's staff is the agency, an author like
    any agency (another desk's staff, ``HNN Staff``, names nobody)."""
    words = part.split()
    if len(words) >= 2 and words[-1].lower() == "staff" and is_agency(" ".join(words[:-1])):
        return " ".join(words[:-1])
    return part


def _bracketed(m: re.Match[str]) -> str:
    """An agency in brackets (``Jane Doe (Reuters)``) as one more name; anything else in them
    (``(Photos)``, ``(she/her)``, a nickname) is no name nor part of one."""
    inner = clean_text(m["inner"])
    return f", {inner}, " if is_agency(inner) else " "


_INITIAL = re.compile(r"(?:[^\W\d_]\.)+")


def _first_last(text: str) -> str:
    """A catalogue's ``"Doe, Jane"`` (``"Doe, Jane A."``, ``"van der Berg, Jan"``) as
    ``"Jane Doe"``: one surname before the one comma, particles allowed, and one given name
    after it, initials allowed; not a list (``Jane Doe, John Smith``), an agency or a degree
    after a name (``Doe, Reuters``, ``Roe, PhD``)."""
    if text.count(",") != 1:
        return text
    last, first = (p.split() for p in text.split(","))
    if not last or not first or any(w not in _PARTICLES for w in last[:-1]):
        return text
    if not all(_INITIAL.fullmatch(w) for w in first[1:]):
        return text
    surname, given = last[-1], first[0]
    if not (_capitalised(surname) and _capitalised(given)):
        return text
    if any(is_agency(w) or _is_credential(w) for w in (surname, given)):
        return text
    return " ".join([*first, *last])


def _capitalised(word: str) -> bool:
    """A word of letters (and ``-'``) that starts with a capital: ``Müller-Lüdenscheidt``."""
    return word[0].isupper() and word.replace("-", "").replace("'", "").isalpha()


def _and_apart(text: str) -> list[str]:
    """``"Juan Pérez y Ana López"`` -> both names; ``"José Ortega y Gasset"`` stays one."""
    parts = _AND_IN_NAMES.split(text)
    two_words = len(parts) > 1 and all(len(p.split()) >= 2 for p in parts)
    if two_words and not any(p.split()[1] in _PARTICLES for p in parts[1:]):  # y Pérez de Ayala
        return parts
    return [text]


def _is_credential(text: str) -> bool:
    return text.replace(".", "").replace(" ", "") in _CREDENTIALS


def _without_credentials(part: str) -> str:
    """``"Jane Roe MD"`` -> ``"Jane Roe"``."""
    words = part.split()
    while len(words) > 1 and _is_credential(words[-1]):
        words.pop()
    return " ".join(words)


def _without_outlet(part: str) -> str:
    """``"Jane Roe for MailOnline"`` -> ``"Jane Roe"``; ``"Center For Health Policy"`` stays."""
    m = _FOR_OUTLET.match(part)
    if m is None or m["name"].split()[-1].lower() in _GROUP_NOUNS:
        return part
    return m["name"]


def _agency_apart(part: str) -> list[str]:
    """``"JILL LAWLESS Associated Press"`` -> ``["JILL LAWLESS", "Associated Press"]``."""
    m = _AGENCY_AFTER.match(part)
    if m is None or (m["agency"].isupper() and m["agency"] not in KNOWN_AGENCIES):
        return [part]
    return [m["name"], m["agency"]]


def _filed_from(names: list[str], text: str) -> bool:
    """The last of ``names`` is where the reporters filed from ("Von Seb Dumitru, Lille",
    "Anna Martel, Lea Wagner, Nairobi"): one title-case word of letters after a comma, every
    name before it of two words or more, and not an agency ("Jane Roe, Reuters")."""
    last = names[-1]
    return (
        last.isalpha()
        and last[0].isupper()
        and last[1:].islower()
        and last.upper() not in KNOWN_AGENCIES
        and all(" " in name for name in names[:-1])
        and re.search(rf",\s*{re.escape(last)}\W*$", text) is not None
    )


def is_name(part: str) -> bool:
    """One to five words, no digits, handles, user names (``Jdadmin``), URLs or pieces of one
    (``Sputnik https``, ``Logo Png``), no role words (``Staff Writer``, ``Uppdaterad``,
    ``Editor-at-large``), no word after the first in lower case but particles (``de``,
    ``van``), more than one letter, not a weekday alone."""
    words = part.split()
    if not 1 <= len(words) <= 5 or re.search(r"[\d@:/]|https?:|www\.", part):
        return False
    if URL_PIECE.search(part) or len(part.strip(".")) < 2:
        return False
    if len(words) == 1 and part.lower().strip(".") in _WEEKDAYS:
        return False
    if "admin" in part.lower():  # a user name: "Jdadmin", "wpadmin"
        return False
    if any(w.islower() and w not in _PARTICLES for w in words[1:]):
        return False  # "Syrian defense ministries": a phrase, not a name (but "Portal iG")
    lowered = [w.lower().strip(".") for w in words]
    # a title's first piece too: "Editor-at-large", "Editor-in-Chief" (not "Presse-Agentur")
    return not any(w in _ROLE_WORDS or w.split("-")[0] in _ROLE_WORDS for w in lowered)


def only_roles(text: str) -> bool:
    """Every word a role word: ``admin``, ``Staff Writer``, nobody's name."""
    words = text.split()
    return bool(words) and all(w.lower().strip(".") in _ROLE_WORDS for w in words)


def name_key(name: str) -> str:
    """Comparison form of a name: :func:`~archiver.extract.metadata.norm` without diacritics
    (``Lucía Pérez`` and ``Lucia Perez`` are one)."""
    return "".join(c for c in unicodedata.normalize("NFKD", norm(name)) if not _mark(c))


def _mark(char: str) -> bool:
    return unicodedata.combining(char) != 0


def _marks(name: str) -> int:
    return sum(map(_mark, unicodedata.normalize("NFKD", name)))


def dedupe(names: Iterable[str], spellings: Iterable[str] = ()) -> list[str]:
    """``names`` in order, each once (:func:`name_key`), spelt as the first with the most
    diacritics among them and ``spellings`` write it (``Lucía Pérez`` over ``Lucia Perez``):
    a page or a CMS drops accents more often than it makes them up."""
    kept: dict[str, str] = {}
    for name in names:
        key = name_key(name)
        if key not in kept or _marks(name) > _marks(kept[key]):
            kept[key] = name
    for name in spellings:
        key = name_key(name)
        if key in kept and _marks(name) > _marks(kept[key]):
            kept[key] = name
    return list(kept.values())


class OutletNames:
    """The names the outlet goes by on one page."""

    def __init__(self, signals: PageSignals, url: str, site_name: str | None) -> None:
        host = site_host(url) or ""
        names = {site_name, host, host.split(".")[0]}
        for node in signals.jsonld:
            publisher = signals.resolve(node.get("publisher"))
            if isinstance(publisher, dict):
                names.add(unescape(publisher.get("name")))
            if any(t.endswith(_ORGANISATION_TYPES) for t in node_types(node)):
                names.add(unescape(node.get("name")))
        self._keys = {loose(n) for n in names if n} - {""}

    def add(self, name: str) -> None:
        """Count ``name`` as one of the outlet's (an organisation credited as author)."""
        if key := loose(name):
            self._keys.add(key)

    def __contains__(self, name: str) -> bool:
        """``name`` is the outlet's, also when written as its domain (``TIMESOFINDIA.COM``)."""
        return loose(name) in self._keys or loose(_TLD.sub("", name)) in self._keys

    @staticmethod
    def is_organisation(entry: Any) -> bool:
        """A JSON-LD author entry typed as an organisation rather than a person."""
        return isinstance(entry, dict) and any(
            t.endswith(_ORGANISATION_TYPES) for t in node_types(entry)
        )

    @staticmethod
    def is_person(entry: Any) -> bool:
        """A JSON-LD author entry typed as a person."""
        return isinstance(entry, dict) and "Person" in node_types(entry)
