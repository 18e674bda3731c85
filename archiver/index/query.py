"""Article queries: filters, full-text search (FTS5, bm25, snippets) and export rows.

Every value reaches SQL as a parameter; only fixed clauses of this module are joined into SQL.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import date
from typing import Any

import attrs
import sqlite_utils

from archiver.exceptions import REBUILD_INDEX, ArchiverError, IndexQueryError
from archiver.index import cjk
from archiver.index.fold import fold_query, unfolded_snippet
from archiver.index.schema import FTS_COLUMNS, TEXT_COLUMNS

MAX_LIMIT = 10_000
LIST_AT_MOST = 5_000
"""A search lists the articles of an author, section or tag filter first when the name has at
most this many (one pass over the name's index, then an in-memory check per full-text match);
a more common name is looked up once per match instead."""
_LINKS = (
    ("author", "article_authors", "author"),
    ("section", "article_sections", "section"),
    ("tag", "article_tags", "tag"),
)
"""Each link filter: the ``ArticleFilter`` field, its link table and name column."""
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_LANG = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")
_MACROLANGUAGES = {"no": ("no", "nb", "nn")}
"""A code that pages use for a language and for the narrower ones it takes in (ISO 639-3's
macrolanguages), where the index keeps the code each page declares: ``--lang no`` is
Norwegian, Bokmål (``nb``) and Nynorsk (``nn``) too."""

EXPORT_COLUMNS = (
    "id",
    "url",
    "canonical_url",
    "outlet",
    "title",
    "authors",
    "byline",
    "published",
    "modified",
    "section",
    "tags",
    "language",
    "dateline_raw",
    "dateline_place",
    "dateline_date",
    "dateline_agency",
    "site_name",
    "description",
    "body",
    "word_count",
    "images",
    "is_paywalled",
    "record_id",
    "capture_url",
    "crawl_id",
)
"""Columns of an exported article, in order; ``authors``, ``section``, ``tags`` are lists of
names, ``images`` a list of ``{"url", "caption"}``, ``is_paywalled`` true, false or null;
``capture_url`` the URL of the capture ``record_id`` names: ``url`` or another URL of the
article (same canonical URL) whose text was newer."""
_EXPORT_SQL = {"capture_url": "(select c.url from captures c where c.id = a.capture_id)"}
"""Export columns that are no column of ``articles``: their SQL."""


def _check_date(name: str, value: str | None) -> str | None:
    if value is None:
        return None
    try:
        if not _ISO_DATE.fullmatch(value):
            raise ValueError("not YYYY-MM-DD")
        return date.fromisoformat(value).isoformat()
    except ValueError as e:
        raise IndexQueryError(
            f"--{name} {value!r} is not a date: give an ISO date YYYY-MM-DD, e.g. 2024-01-31"
        ) from e


@attrs.define(kw_only=True)
class ArticleFilter:
    """Which articles a search or export covers; every field optional, all must hold."""

    outlet: str | tuple[str, ...] | None = None
    """Outlet name, as crawled (``demo``), or several: an article of any of them."""
    author: str | None = None
    """An author's name, whole, any case (``amina rahimova``)."""
    section: str | None = None
    """A section at any depth of the article's path, whole, any case (``Asia``)."""
    tag: str | None = None
    """A tag of the article, whole, any case (``human rights``)."""
    since: str | None = None
    """Published on or after this ISO date."""
    until: str | None = None
    """Published on or before this ISO date."""
    lang: str | None = None
    """Language code (``en``)."""

    def validated(self, db: sqlite_utils.Database) -> ArticleFilter:
        """A copy with dates normalised; ``IndexQueryError`` naming the bad value and the fix."""
        since = _check_date("since", self.since)
        until = _check_date("until", self.until)
        if since and until and since > until:
            raise IndexQueryError(f"--since {since} is after --until {until}: swap them")
        if self.lang is not None and not _LANG.fullmatch(self.lang):
            raise IndexQueryError(
                f"--lang {self.lang!r} is not a language code: give one like en, de or pt"
            )
        if self.lang is not None and "-" in self.lang:
            primary = self.lang.split("-")[0].lower()
            raise IndexQueryError(
                f"--lang {self.lang!r} names a region or script, and the index records the "
                f"language alone ({primary}): give --lang {primary}"
            )
        names: dict[str, str] = {}
        for name, table, column in _LINKS:  # identifiers from _LINKS only
            value = getattr(self, name)
            if value is not None and not value.strip():
                raise IndexQueryError(f"--{name} is empty: give a name, or leave the option out")
            if value is not None:
                names[name] = _stored_spelling(db, table, column, value.strip())
        known_outlet = "select 1 from articles where outlet = ? limit 1"
        for outlet in self.outlets:
            if db.execute(known_outlet, [outlet]).fetchone() is not None:
                continue
            outlets = [r[0] for r in db.execute("select distinct outlet from articles order by 1")]
            if outlet not in outlets:
                known = ", ".join(o for o in outlets if o) or "none yet (crawl one first)"
                raise IndexQueryError(f"unknown outlet {outlet!r}: the index holds {known}")
        return attrs.evolve(self, since=since, until=until, **names)

    @property
    def outlets(self) -> tuple[str, ...]:
        """The outlets ``outlet`` names (none: any outlet)."""
        if self.outlet is None:
            return ()
        return (self.outlet,) if isinstance(self.outlet, str) else tuple(self.outlet)

    @property
    def reads_row(self) -> bool:
        """A condition tests a column of the article row (outlet, language, dates)."""
        return any(v is not None for v in (self.outlet, self.since, self.until, self.lang))

    def rare_links(self, db: sqlite_utils.Database) -> set[str]:
        """The link filters (``author``, ``section``, ``tag``) whose name has at most
        :data:`LIST_AT_MOST` articles, counted no further than that."""
        rare = set()
        for name, table, column in _LINKS:  # identifiers from _LINKS only
            value = getattr(self, name)
            if value is None:
                continue
            sql = (
                f"select count(*) from (select 1 from {table}"
                f" where {column} = ? collate nocase limit ?)"
            )
            if db.execute(sql, [value.strip(), LIST_AT_MOST + 1]).fetchone()[0] <= LIST_AT_MOST:
                rare.add(name)
        return rare

    def where(
        self, *, per_row: bool = False, row_id: str = "a.id", listed: set[str] | None = None
    ) -> tuple[list[str], list[Any]]:
        """SQL conditions on ``articles`` (alias ``a``) and their parameters.

        ``per_row``: a query whose candidate rows are few (the matches of a full-text search)
        checks an author, section or tag on each by a lookup in the link table's
        ``(article_id, name)`` index, except for those named in ``listed``, whose articles are
        listed once and each candidate checked against that list (``+`` keeps SQLite from
        turning the list into one full-text lookup per listed article). Without ``per_row``
        the articles of that name are listed first, which suits a scan of the whole table (an
        export) but means materialising, say, every article of a large section before the
        first search candidate is checked. ``row_id``: the article id the link filters test
        (a fixed expression of the caller, e.g. ``articles_fts.rowid``).
        """
        clauses: list[str] = []
        params: list[Any] = []
        if outlets := self.outlets:
            clauses.append(f"a.outlet in ({', '.join('?' * len(outlets))})")
            params.extend(outlets)
        for name, table, column in _LINKS:  # identifiers from _LINKS; the value is a parameter
            value = getattr(self, name)
            if value is None:
                continue
            listing = f"select article_id from {table} where {column} = ? collate nocase"
            if not per_row:
                clauses.append(f"{row_id} in ({listing})")
            elif name in (listed or ()):
                clauses.append(f"+{row_id} in ({listing})")
            else:
                clauses.append(
                    f"exists (select 1 from {table} l where l.article_id = {row_id}"
                    f" and l.{column} = ? collate nocase)"
                )
            params.append(value.strip())
        if self.since is not None:
            clauses.append("substr(a.published, 1, 10) >= ?")
            params.append(self.since)
        if self.until is not None:
            clauses.append("substr(a.published, 1, 10) <= ?")
            params.append(self.until)
        if self.lang is not None:
            codes = _MACROLANGUAGES.get(self.lang.lower(), (self.lang.lower(),))
            clauses.append(f"lower(a.language) in ({', '.join('?' * len(codes))})")
            params.extend(codes)
        return clauses, params


def _stored_spelling(db: sqlite_utils.Database, table: str, column: str, value: str) -> str:
    """``value`` as the index spells it, for a name whose case SQLite's ``NOCASE`` does not
    fold (it folds A-Z only): ``LUCÍA FERNÁNDEZ`` for ``Lucía Fernández``, a Turkish name
    with a dotless i typed in capitals, ``istanbul`` for ``İstanbul``, ``AUSSENPOLITIK`` for
    ``Außenpolitik``. The first stored name equal to it but for case (:func:`_name_key`),
    else ``value``. Names that differ from that one in the case of such letters only are not
    matched; a letter is not its accented kin (``Lucia`` is not ``Lucía``)."""
    exact = f"select 1 from {table} where {column} = ? collate nocase limit 1"
    if db.execute(exact, [value]).fetchone() is not None:
        return value
    key = _name_key(value)
    for (stored,) in db.execute(f"select distinct {column} from {table}"):
        if isinstance(stored, str) and _name_key(stored) == key:
            return stored
    return value


def _name_key(name: str) -> str:
    """``name`` with its case folded as a person would (Python's ``casefold``, ``ß`` as
    ``ss``), and the Turkish dotted and dotless i as ``i``."""
    return fold_query(name).casefold().replace("\u0307", "")  # İ casefolds to i + dot above


def check_limit(limit: int) -> int:
    """``limit`` when it lies in 1..MAX_LIMIT, else ``IndexQueryError``."""
    if not 1 <= limit <= MAX_LIMIT:
        raise IndexQueryError(f"--limit {limit} is out of range: give 1 to {MAX_LIMIT}")
    return limit


MAX_QUERY_TERMS = 64
"""Words in one search query: FTS5's ranking and snippets cost time quadratic in them (4,000
words took 107 s on the demo archive, 64 take milliseconds)."""


_QUERY_TOKEN = re.compile(r'"[^"]*"?|[(),]|[^\s(),"]+')
_BAREWORD = re.compile(r"\^?[A-Za-z0-9_\x1a\u0080-\U0010ffff]+\*?")
"""A word FTS5 takes unquoted: ASCII letters, digits, ``_`` and any character past ASCII (so
``\u2019`` and ``\u00ab`` too); ``^`` first (the column's first word), ``*`` last (a prefix)."""
_WORDLESS = re.compile(r"[^A-Za-z0-9\u0080-\U0010ffff]+")
_COLUMN = re.compile(r"([A-Za-z_]+):(.*)")
"""A column filter (``title:rights``); ``10:30`` is no column."""


def fts_query(query: str) -> str:
    """``query`` as an FTS5 expression: its FTS5 syntax as written (words, ``"phrases"``,
    ``AND``/``OR``/``NOT``, ``NEAR(...)``, parentheses, ``prefix*``, ``^first``, a column
    filter ``title:``, ``body:`` or ``byline:``), and each word FTS5 would reject or misread
    (``COVID-19`` reads as a column filter, ``U.S.``, ``Kazakhstan's``, ``10:30``, ``#MeToo``,
    ``C++`` are syntax errors) quoted, so that FTS5 splits it into words as it split the
    text: ``"COVID-19"`` finds the words ``covid 19`` in a row. A word after ``-`` is left out
    (``rights -covid`` is ``rights NOT covid``, as in web search engines); a comma outside
    ``NEAR(...)`` separates words. An unbalanced ``"`` stays, for FTS5 to report; a column
    filter naming no column (``author:smith``) is an ``IndexQueryError``. A word or phrase
    with Chinese, Japanese or Korean characters is searched as the phrase of its characters in
    the columns that hold them one by one (:mod:`archiver.index.cjk`); every word is folded
    (:mod:`archiver.index.fold`), and a column filter covers the column's folded shadow."""
    out: list[str] = []
    groups: list[str] = []  # the open parentheses: "NEAR(" or "("
    for token in _QUERY_TOKEN.findall(query):
        operand = bool(out) and out[-1] not in ("AND", "OR", "NOT", "+", "(", "NEAR(", ",")
        if token == "(":
            if out and out[-1] == "NEAR":
                out[-1] = "NEAR("
            else:
                out.append("(")
            groups.append(out[-1])
        elif token == ")":
            out.append(token)
            if groups:
                groups.pop()
        elif token == ",":
            if groups and groups[-1] == "NEAR(":
                out.append(token)
        elif token in ("AND", "OR", "NOT", "NEAR", "+"):
            out.append(token)
        elif token.startswith('"'):
            balanced = len(token) > 1 and token.endswith('"')
            out.append(
                _word(token, near=bool(groups) and groups[-1] == "NEAR(") if balanced else token
            )
        elif token.startswith("-") and not _WORDLESS.fullmatch(token):
            if not operand:
                raise _nothing_before(query, token)
            out += ["NOT", _word(token[1:])]
        elif column := _COLUMN.fullmatch(token):
            if column[1].lower() not in TEXT_COLUMNS:
                raise IndexQueryError(
                    f"search query {query!r} names no column {column[1]!r}: search one of "
                    f"{', '.join(c + ':' for c in TEXT_COLUMNS)} (or filter with --author, "
                    f"--section, --tag), or quote the words: '\"{token}\"'"
                )
            word = column[2]
            if word.startswith("-") and not _WORDLESS.fullmatch(word):  # title:-word
                if not operand:
                    raise _nothing_before(query, token)
                out += ["NOT", _word(word[1:], column=column[1].lower())]
            else:
                name = column[1].lower()  # an empty word: the phrase after it (title:"a b")
                shadows = f"{{{name} {name}_fold {name}_cjk}} :"  # the phrase's words may be CJK
                out.append(_word(word, column=name) if word else shadows)
        elif not _WORDLESS.fullmatch(token):
            out.append(_word(token, near=bool(groups) and groups[-1] == "NEAR("))
    return " ".join(out)


def _nothing_before(query: str, token: str) -> IndexQueryError:
    return IndexQueryError(
        f"search query {query!r} leaves out {token!r} from nothing: give words to search for "
        f"before it, e.g. 'election {token}'"
    )


def _word(token: str, *, column: str | None = None, near: bool = False) -> str:
    """A word or a ``"phrase"`` as FTS5 reads it, in ``column`` when one is given; a word with
    CJK characters as :func:`_cjk_word` gives it."""
    token = fold_query(token)  # the shadow columns hold the text so folded
    if cjk.has_cjk(token):
        return _cjk_word(token, column=column, near=near)
    prefix = f"{{{column} {column}_fold}} : " if column else ""
    if _BAREWORD.fullmatch(token) or token.startswith('"'):
        return prefix + token
    if token.endswith("*"):
        return f'{prefix}"{token[:-1]}"*'
    return f'{prefix}"{token}"'


def _cjk_word(token: str, *, column: str | None, near: bool) -> str:
    """A word or phrase with CJK characters: each of its tokens with CJK characters the phrase
    of its characters (in the column's shadow column when a column is named), the other words
    a phrase as before, all of them required (``iPhone用`` is ``("iphone" "用")``). A quoted
    phrase of such tokens only is one phrase, with :data:`~archiver.index.cjk.BREAK` where
    the query has a space (``"美術 館長"`` finds ``美術。館長``: in order, apart in the text). A
    ``*`` after CJK characters adds nothing: the phrase already matches inside longer runs; a
    ``^`` before them asks for the first CJK token of a column."""
    quoted = token.startswith('"')
    caret = "^" if token.startswith("^") else ""
    groups = cjk.query_groups(token)
    if quoted and len(groups) > 1 and all(is_cjk for is_cjk, _ in groups):
        groups = [(True, f" {cjk.BREAK} ".join(phrase for _, phrase in groups))]
    parts: list[str] = []
    for is_cjk, phrase in groups:
        names = (f"{column}_cjk" if is_cjk else f"{{{column} {column}_fold}}") if column else None
        parts.append(
            (f"{names} : " if names else "") + (caret if not parts else "") + f'"{phrase}"'
        )
    if token.endswith("*") and not quoted and not cjk.has_cjk(token.rstrip("*")[-1:]):
        parts[-1] += "*"  # iPhone用ケ* : the prefix is on a word without CJK characters
    if len(parts) == 1 or near:  # NEAR(...) takes phrases, not parentheses
        return " ".join(parts)
    return f"({' '.join(parts)})"


def _check_query(query: str) -> str:
    """``query`` as FTS5 reads it (:func:`fts_query`), or ``IndexQueryError``."""
    if not query.strip():
        raise IndexQueryError("empty search query: give words to search for, e.g. 'human rights'")
    if (words := len(query.split())) > MAX_QUERY_TERMS or len(query) > 20 * MAX_QUERY_TERMS:
        raise IndexQueryError(
            f"search query too long ({words} words, {len(query)} characters): give at most "
            f"{MAX_QUERY_TERMS} words and {20 * MAX_QUERY_TERMS} characters"
        )
    if not (expression := fts_query(query)):
        raise IndexQueryError(
            f"search query {query!r} has no words: give words to search for, e.g. 'human rights'"
        )
    return expression


def _execute(
    db: sqlite_utils.Database, sql: str, params: list[Any], query: str | None
) -> Iterator[dict[str, Any]]:
    """Rows as dicts; an FTS5 syntax error (raised on execute or on a later fetch) as ours."""
    try:
        cursor = db.execute(sql, params)
        columns = [c[0] for c in cursor.description]
        for r in cursor:
            yield _decode_lists(dict(zip(columns, r, strict=True)))
    except sqlite3.OperationalError as e:
        if str(e).startswith(("no such table", "vtable constructor")):  # not the query's fault
            raise ArchiverError(
                f"the index cannot be searched ({e}): it is damaged; {REBUILD_INDEX}"
            ) from e
        raise IndexQueryError(
            f"bad search query {query!r}: {e}; quote phrases with double quotes and "
            "balance them, e.g. '\"human rights\"'"
        ) from e


def _decode_lists(row: dict[str, Any]) -> dict[str, Any]:
    for key in ("authors", "section", "tags", "images"):
        if key in row:
            row[key] = json.loads(row[key] or "[]")
    if row.get("is_paywalled") is not None:
        row["is_paywalled"] = bool(row["is_paywalled"])
    return row


def search_articles(
    db: sqlite_utils.Database,
    query: str,
    *,
    limit: int = 20,
    filters: ArticleFilter | None = None,
) -> list[dict[str, Any]]:
    """Full-text search over title, body and byline, best match first (bm25)."""
    expression = _check_query(query)
    check_limit(limit)
    flt = (filters or ArticleFilter()).validated(db)
    clauses, params = flt.where(
        per_row=True, row_id="articles_fts.rowid", listed=flt.rare_links(db)
    )
    where = "".join(f" and {c}" for c in clauses)
    # Rank first, then read columns and cut snippets for the page of hits only: SQLite computes
    # every result column of every matching row before it sorts, and a snippet re-tokenises
    # the body, which made a search over a large index ten times slower. The outlet, language
    # and date filters read the narrow index idx_articles_filters, not the article rows: a row
    # holds the body and spans pages, and reading one per match was most of a filtered
    # search's cost. An author, section or tag filter alone does not join the articles at all
    # (at 1,000,000 articles that took the slowest author search from 50 to 35 ms). The page
    # of hits reads its bodies for the snippets anyway; shown_snippet may cut its own from one.
    join = (
        " join articles a indexed by idx_articles_filters on a.id = articles_fts.rowid"
        if flt.reads_row
        else ""
    )
    sql = f"""
        with top as (
            select articles_fts.rowid as id, bm25(articles_fts) as rank
            from articles_fts{join}
            where articles_fts match ?{where}
            order by rank
            limit ?
        )
        select a.url, a.title, a.outlet, a.published, a.authors, a.section, a.language,
               snippet(articles_fts, 1, '[', ']', '…', 12) as snippet,
               snippet(articles_fts, {FOLDED_BODY}, '[', ']', '…', 12) as folded_snippet,
               top.rank as rank, a.body
        from articles_fts join top on top.id = articles_fts.rowid join articles a on a.id = top.id
        where articles_fts match ? and articles_fts.rowid in (select id from top)
        order by top.rank, a.id
    """
    hits = list(_execute(db, sql, [expression, *params, limit, expression], query))
    for hit in hits:
        body = hit.pop("body", None)
        hit["snippet"] = shown_snippet(hit["snippet"], hit.pop("folded_snippet"), body, query)
    return hits


FOLDED_BODY = FTS_COLUMNS.index("body_fold")
"""The column number of ``body_fold`` in ``articles_fts``, for ``snippet()``."""


def shown_snippet(
    fts_snippet: str | None, folded_snippet: str | None, body: str | None, query: str
) -> str | None:
    """The snippet of a hit: FTS5's of the body, unless it marks no word. Then FTS5's of the
    folded body, when it marks one (a word that matched there only: Turkish with a dotless i),
    or the body around the first CJK word of the query it holds: FTS5 marks matches in the
    column it cuts from, and these words match in the shadow columns."""
    if _marked(fts_snippet):
        return fts_snippet
    if folded_snippet and _marked(folded_snippet):
        return unfolded_snippet(folded_snippet, body) if body else folded_snippet
    if (runs := cjk.query_runs(query)) and body:
        return cjk.snippet(body, runs) or fts_snippet
    return fts_snippet


def _marked(snippet: str | None) -> bool:
    return bool(snippet) and "[" in snippet and "]" in snippet  # type: ignore[operator]


def export_rows(
    db: sqlite_utils.Database, query: str | None = None, *, filters: ArticleFilter | None = None
) -> Iterator[dict[str, Any]]:
    """Articles matching ``query`` (best first) or, without one, all (newest first)."""
    clauses, params = (filters or ArticleFilter()).validated(db).where(per_row=query is not None)
    columns = ", ".join(
        f"{_EXPORT_SQL[c]} as {c}" if c in _EXPORT_SQL else f"a.{c}" for c in EXPORT_COLUMNS
    )
    if query is None:
        where = f" where {' and '.join(clauses)}" if clauses else ""
        sql = f"select {columns} from articles a{where} order by datetime(a.published) desc, a.id"
    else:
        expression = _check_query(query)
        where = "".join(f" and {c}" for c in clauses)
        sql = (
            f"select {columns} from articles_fts join articles a on a.id = articles_fts.rowid"
            f" where articles_fts match ?{where} order by bm25(articles_fts)"
        )
        params = [expression, *params]
    yield from _execute(db, sql, params, query)
