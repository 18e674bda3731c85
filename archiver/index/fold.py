"""Letters that writers of a language use for each other, read as one in full-text search.

FTS5's ``unicode61`` tokenizer folds case and the diacritics of Latin letters (``Ärzte`` is
``arzte``), not these:

- Turkish dotless ``ı``: ``ILIK`` in capitals is ``ılık``, which unicode61 reads ``ilik`` and
  ``ılık``, two words;
- Russian ``ё``, which most texts write ``е`` (``Ёлки``, ``Елки``);
- Arabic alef with hamza or madda and the bare alef (``أوبك``, ``اوبك``), alef maqsura and
  yeh, teh marbuta and heh, which Arabic search engines read as one (Lucene's
  ``ArabicNormalizer``).

Each searched column has a shadow column in the full-text index (``title_fold``, ...) holding
the column's text with those letters folded (:func:`folded`), for the articles that have one
of them (null for the others); a query is folded the same way (:func:`fold_query`) and so finds
the folded text in the shadow columns and the text written with the plain letters in the
columns themselves. Folding maps one letter to one letter, so a folded text has the same
length as the text.
"""

from __future__ import annotations

FOLDS = {
    "ı": "i",
    "ё": "е",
    "Ё": "Е",
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ى": "ي",
    "ة": "ه",
}
"""Each letter folded, and the letter it is read as."""
_FOLD = str.maketrans(FOLDS)


def folded(text: str | None) -> str | None:
    """``text`` with :data:`FOLDS` applied; ``None`` when that changes nothing (nine substring
    tests: 3 microseconds on a page of English with curly quotes, against 32 for a regular
    expression)."""
    if not text or text.isascii() or not any(letter in text for letter in FOLDS):
        return None
    return text.translate(_FOLD)


def fold_query(text: str) -> str:
    """A query word or phrase as the shadow columns hold it."""
    return text.translate(_FOLD)


def unfolded_snippet(snippet: str, body: str) -> str:
    """FTS5's snippet of the folded ``body`` with the body's own letters back (``[ılık]``, not
    ``[ilik]``): folding maps one letter to one letter, so the snippet's text lies at the same
    place in both; the marks and ellipses FTS5 added are kept. ``snippet`` as it is when its
    text is not found in the folded body."""
    base = folded(body)
    plain = snippet.replace("[", "").replace("]", "").strip("…")
    if base is None or not plain or (start := base.find(plain)) < 0:
        return snippet
    out, k, end = [], start, start + len(plain)
    for char in snippet:
        if k < end and char == base[k]:
            out.append(body[k])
            k += 1
        else:
            out.append(char)  # a mark or an ellipsis of FTS5's
    return "".join(out)
