"""Paragraphs that a page template, not the article, puts into the text trafilatura returns.

Each rule looks at one paragraph alone and is written for the kind of line, never for a site:

============ =============================================================================
kind         example
============ =============================================================================
credit       ``STR/AFP via Getty Images``, ``Photo: AFP``, ``Bild: dpa``, ``Image: J. Roe``
placeholder  ``Externer Inhalt nicht verfügbar``, ``Ein Klick für den Datenschutz``, ``Embed``,
             ``Print Article``, ``Order Reprints``, ``Advertisement Story continues below``
notice       ``Copyright © 2019 ...``, ``This is a breaking news story - more to follow``,
             ``This copy is for your personal, non-commercial use only. ...``,
             ``Our Standards: The Thomson Reuters Trust Principles.``
index card   ``05/10/2018 - Posted by: Jane Roe - Category: Health - Tags: flu``,
             ``Filed under: Health |``
timestamp    ``Stand: 22.04.2024, 06:00 Uhr``, ``Updated at 1:23 p.m.``, ``05.09.2024 | 2:03 min``,
             ``Lesedauer: 4 Minuten``, ``5 min read``
contact      ``Write to Jane Roe at jane@example.com``, ``Got a story? Email us at ...``
sign-off     ``(Reporting by Jane Roe; editing by John Doe)``, ``J. Roe contributed to this.``,
             ``With files from The Canadian Press``, ``Aus dem Englischen von Jane Roe``
paywall      ``La suite est réservée aux abonnés.``, ``Log in or create an account to continue``
comments     ``Join our commenting forum``, ``Please read our Comment Policy before commenting.``
initials     ``(dmk)``, the sign-off of the editor
============ =============================================================================

Each needs the paragraph to be short: a long paragraph that mentions a photo agency, a date or
a subscription is reporting, not furniture.
"""

from __future__ import annotations

import re

from archiver.dateline import month_number

_CREDIT_LABEL = re.compile(
    r"^\W*(?:photos?|fotos?|bild(?:er)?|images?|pictures?|picture credit|credits?|quelle"
    r"|source|grafik|infografik|illustration|foto\s?credit|video|audio|cr\u00e9dit)"
    r"(?:\s*\[m\])?\s*:\s*\S",
)
_CREDIT_MARK = re.compile(
    r"getty\s?images|via getty|shutterstock|istock|imago\b|picture[- ]alliance|\u00a9"
    r"|/\s?(?:afp|ap|dpa|reuters|epa|anp)\b|\bap photo\b|\bkeystone\b",
)
_PLACEHOLDER = re.compile(  # what stands in for an embed the reader has not consented to
    r"externe[rn]? inhalte?|inhalt nicht verf\u00fcgbar|youtube-inhalt"
    r"|klick f\u00fcr den datenschutz|privatsph\u00e4re-einstellungen|empfohlener redaktioneller"
    r" inhalt|enable javascript|javascript (?:is )?(?:disabled|required)"
    r"|browser version with limited support|this (?:video|embed) cannot be displayed",
)
_USE_NOTICE = re.compile(r"for your personal,? non-?commercial use")  # the reprint notice
_SITE_MESSAGE = re.compile(  # short messages of the page's scripts
    r"an error has occurred|please try again later|content (?:is )?not available|thank you$"
    r"|this article has been sent to|up to date browser",
)
_PLACEHOLDER_ALONE = re.compile(
    r"^\W*(?:embed|advertisement|anzeige|werbung|publicidad|publicit\u00e9|loading|article content"
    r"|weiterlesen|read more|mehr anzeigen|show more|load more|click to expand"
    r"|print(?: this)? (?:article|story|page)|order reprints?|passer la publicit\u00e9"
    r"|skip (?:the )?ad(?:vertisement)?|anzeige \u00fcberspringen"
    r"|advertisement\b.{0,40}story continues below|story continues below(?: advertisement)?)\W*$",
)
_NOTICE = re.compile(
    r"^\W*(?:copyright\b|\u00a9|\(c\)\s)|all rights reserved|alle rechte vorbehalten"
    r"|todos los derechos reservados|tous droits r\u00e9serv\u00e9s|diritti riservati"
    r"|this is a (?:breaking|developing) (?:news )?story|more to follow\W*$"
    r"|this (?:story|article) (?:has been|will be|is being) updated"
    r"|maschinelle \u00fcbersetzung|fehler gefunden\?|may earn (?:an? )?(?:affiliate )?commission"
    r"|affiliate (?:commission|links?)",
)
_STAMP_LABEL = re.compile(
    r"^\W*(?:published|updated|posted|last (?:updated|modified)|stand|aktualisiert"
    r"|ver\u00f6ffentlicht|erstellt|publi\u00e9|mis \u00e0 jour|publicado|actualizado"
    r"|atualizado|pubblicato|aggiornato|uppdaterad|publicerad|oppdatert|publisert"
    r"|opdateret|g\u00fcncelleme)\b(?:.*\d|\W*(?:am|on|at|le|el|il)?\W*$)",
)
_TIME = re.compile(r"\d{1,2}[:h]\d\d(?!\d)|\b\d{1,2}\s?(?:[ap]\.?m\.?)(?!\w)")
_DURATION = re.compile(r"(?:^|\|\s*)\d{1,2}:\d\d\s*min\b")
_DATE_NUM = re.compile(r"\b\d{1,2}[./]\d{1,2}[./]\d{2,4}\b|\b(?:19|20)\d\d\b")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_DAY_WORD = re.compile(r"(?:day|tag|di|d\u00ed|feira|dag)$|^uhr$")  # Monday, Montag, lundi ...
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_CONTACT = re.compile(
    r"\b(?:write to|contact|e-?mail(?:ing)?|reach(?:ed)?|get in touch|tips?|send|senden"
    r"|schreiben|feedback|kontakt|hinweise)\b",
)
_PAYWALL = re.compile(
    r"r\u00e9serv\u00e9e? aux abonn\u00e9s|(?:only|exclusively) for (?:paying )?subscribers"
    r"|(?:nur|exklusiv) f\u00fcr abonnenten|s\u00f3lo para suscriptores"
    r"|solo para suscriptores|already a (?:subscriber|member)|bereits abonnent"
    r"|kostenlos testen|(?:log|sign) in or (?:create an account|register|subscribe)"
    r"|create an account to continue|to continue reading|um weiterzulesen"
    r"|support (?:our|independent|quality) journalism|journalismus braucht"
    r"|unterst\u00fctzen sie uns|wie hat ihnen (?:dieser|der) artikel gefallen"
    r"|durchschnittliche bewertung|if you (?:enjoyed|liked|value) this (?:article|story)"
    r"|\u4f1a\u54e1\u9650\u5b9a|\u6709\u6599\u4f1a\u54e1",
)
_COMMENTS = re.compile(
    r"commenting forum|comment policy|(?:before|to start) commenting|display name"
    r"|(?:leave|add|post|write) a comment|(?:show|view|read) (?:all )?comments"
    r"|comment on this article|comments? (?:are|is) (?:closed|moderated)"
    r"|coment\u00e1rios com|tell us what you think|^\W*(?:\d+\s+)?(?:comments?|kommentare"
    r"|comentarios|coment\u00e1rios|commentaires)\W*$",
)
_SIGN_OFF = re.compile(  # the reporting credits that close wire copy
    r"^\W*(?:(?:additional )?reporting|writing|editing|compiled|produced) by\b"
    r"|^\W*additional reporting (?:from|by)\b"
    r"|contributed (?:to )?(?:this|the) (?:report|story|article)|contributed reporting"
    r"|^\W*(?:\u00fcbersetzung(?: und adaptierung)?|translation|translated|traduction"
    r"|traducci\u00f3n)(?: from [a-z]+)?(?: by| von| par| por|\s*:)"
    r"|^\W*aus dem [a-z\u00e4\u00f6\u00fc]+en(?: \u00fcbersetzt)? von ",  # "Aus dem Englischen von"
)
_READING_TIME = re.compile(
    r"^\W*(?:(?:lesedauer|lesezeit|reading time|read time|temps de lecture|tiempo de lectura"
    r"|tempo de leitura|tempo di lettura|leestijd)\s*:?\s*(?:ca\.\s*)?\d+\s*[a-z.]*"
    r"|\d+\s*(?:min\.?|minutes?|minuten|minutos|minuti)\s*(?:lesezeit|read|reading time"
    r"|de lecture|de lectura|de leitura|di lettura|leestijd|lesedauer))\W*$",
)
_WITH_FILES = re.compile(  # "With files from The Canadian Press, Reuters"; case-sensitive
    r"^\W*[Ww]ith (?:files|reporting) (?:from|by) [A-Z](?!.*,\s*[a-z])[^;.]*\.?$"
)
_STANDARDS = re.compile(  # "Our Standards: The Thomson Reuters Trust Principles."
    r"^\W*(?:our (?:editorial )?standards|editorial standards|why you can trust [\w .]{1,40})"
    r"\s*[:|\-\u2013\u2014]"
)
_FILED = re.compile(r"^\W*(?:filed under|posted in)\s*:")
_META_FIELD = re.compile(  # "Posted by: ... - Category: ... - Tags: ...": the post's index card
    r"\b(?:posted|published|publicado|ver\u00f6ffentlicht|publi\u00e9) (?:by|por|von|par)\b"
    r"|\b(?:categor(?:y|ies|ia|ie)|kategorie|tags|filed under|schlagw\u00f6rter)\s*:",
)
_INITIALS = re.compile(r"^\(\s*[^\W\d_]{2,5}(?:\s*[/,]\s*[^\W\d_]{2,5})*\s*\)$")


def is_boilerplate(paragraph: str) -> bool:
    """True when ``paragraph`` is a credit, placeholder, notice, index card, timestamp, contact
    line, wire sign-off, paywall or comments prompt, or an editor's initials (see the module
    docstring)."""
    words = len(paragraph.split())
    if words > 60:
        return False
    low = paragraph.lower()  # the patterns are lower case: faster than re.IGNORECASE
    if _INITIALS.match(low) or _PLACEHOLDER_ALONE.match(low) or _PLACEHOLDER.search(low):
        return True
    if _USE_NOTICE.search(low):
        return True
    if words <= 12 and _SITE_MESSAGE.search(low):
        return True
    if words <= 20 and _WITH_FILES.match(paragraph):
        return True
    if words <= 45 and (
        _SIGN_OFF.search(low) or ("@" in low and _EMAIL.search(low) and _CONTACT.search(low))
    ):
        return True
    if words <= 40 and _PAYWALL.search(low):
        return True
    if words <= 30 and (_NOTICE.search(low) or _COMMENTS.search(low)):
        return True
    if words <= 25 and ":" in low and len(_META_FIELD.findall(low)) >= 2:
        return True
    if words <= 12 and (
        _CREDIT_LABEL.match(low)
        or _is_stamp(low)
        or _READING_TIME.match(low)
        or _FILED.match(low)
        or _STANDARDS.match(low)
    ):
        return True
    return words <= 8 and not low.endswith((".", "?", "!")) and bool(_CREDIT_MARK.search(low))


def _is_stamp(low: str) -> bool:
    """A line that only dates the article: ``Stand: 22.04.2024, 06:00 Uhr``, ``Updated at 1:23
    p.m.``, ``segunda-feira, 22 de janeiro de 2018 às 0:13``, ``05.09.2024 | 2:03 min``."""
    if _STAMP_LABEL.match(low) or _DURATION.search(low):
        return True
    if not (_TIME.search(low) and _DATE_NUM.search(low)):
        return False
    other = [w for w in _LONG_WORD.findall(low) if not (_DAY_WORD.search(w) or month_number(w))]
    return len(other) <= 1
