"""Synthetic news articles for the index benchmark: realistic lengths and word frequencies.

Words follow a Zipf law over a vocabulary of about 60,000 words (the demo outlet's own words
first, then generated ones), the shape word frequencies have in real news text, so full-text
posting lists have realistic lengths. Article bodies run from 150 to 1,500 words (median about
550) in paragraphs of 30 to 90 words; each article has one to three authors from a pool, a
section path, tags, a language and a publication time over five years.
"""

from __future__ import annotations

import itertools
import json
import multiprocessing
import re
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib import resources
from queue import Empty

import numpy as np

from archiver.items import Article

VOCABULARY_SIZE = 60_000
ZIPF_EXPONENT = 1.05
OUTLETS = tuple(f"outlet{i:02d}" for i in range(20))
SECTIONS = (
    ("World", "Asia"),
    ("World", "Europe"),
    ("World", "Africa"),
    ("World", "Americas"),
    ("Politics",),
    ("Economy", "Markets"),
    ("Economy",),
    ("Business",),
    ("Sport", "Football"),
    ("Sport",),
    ("Culture",),
    ("Science",),
    ("Health",),
    ("Opinion",),
)
LANGUAGES = ("en",) * 17 + ("de", "fr", "es")
_START = datetime(2020, 1, 1, tzinfo=UTC)
_SPAN_SECONDS = 5 * 365 * 24 * 3600
_WORD = re.compile(r"[a-z]{3,}")
_SYLLABLES = tuple(
    c + v for c in "bcdfghjklmnprstvwz" for v in ("a", "e", "i", "o", "u", "ai", "ou", "ia")
)


def _demo_words() -> list[str]:
    """The demo outlet's words, most frequent first."""
    text = resources.files("archiver.demo").joinpath("content/articles.json").read_text("utf-8")
    counts = Counter(_WORD.findall(json.dumps(json.loads(text), ensure_ascii=False).lower()))
    return [w for w, _ in counts.most_common()]


def vocabulary(size: int = VOCABULARY_SIZE, seed: int = 7) -> list[str]:
    """``size`` distinct words: the demo outlet's, then generated pronounceable ones."""
    words = _demo_words()
    seen = set(words)
    rng = np.random.default_rng(seed)
    syllables = np.array(_SYLLABLES, dtype=object)
    while len(words) < size:
        lengths = rng.integers(2, 5, size=size)
        parts = syllables[rng.integers(0, len(syllables), size=(size, 4))]
        for row, length in zip(parts, lengths, strict=True):
            word = "".join(row[:length])
            if word not in seen:
                seen.add(word)
                words.append(word)
    return words[:size]


class ArticleFactory:
    """Generates :class:`Article` items, deterministic for a seed."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = np.random.default_rng(seed)
        self.words = np.array(vocabulary(), dtype=object)
        ranks = np.arange(1, len(self.words) + 1, dtype=np.float64)
        weights = ranks**-ZIPF_EXPONENT
        self.cumulative = np.cumsum(weights / weights.sum())
        self._keep, self._alias = _alias_table(weights / weights.sum())
        self.authors = [
            " ".join(w.capitalize() for w in self._draw(2, low=2_000)) for _ in range(3_000)
        ]
        self.tags = [
            " ".join(self._draw(int(self.rng.integers(1, 3)), low=300)) for _ in range(800)
        ]

    def _draw(self, n: int, *, low: int = 0) -> list[str]:
        """``n`` words by Zipf frequency, skipping the ``low`` most frequent."""
        u = self.rng.uniform(self.cumulative[low], 1.0, size=n)
        idx = np.minimum(np.searchsorted(self.cumulative, u), len(self.words) - 1)
        return list(self.words[idx])

    def _zipf(self, n: int) -> np.ndarray:
        """``n`` word indexes by Zipf frequency: Walker's alias method, two lookups in tables of
        the vocabulary's size where a binary search of the cumulative weights took four times
        the time (half of generating an article)."""
        idx = self.rng.integers(0, len(self._keep), n)
        return np.where(self.rng.random(n) < self._keep[idx], idx, self._alias[idx])

    def typical_word(
        self, rng: np.random.Generator | None = None, low: int = 200, high: int = 5_000
    ) -> str:
        """A word researchers search for: a content word, in about 0.5-15% of the articles.
        Drawn from ``rng`` when given (the benchmark's queries must not depend on how many
        articles this factory generated before)."""
        return str(self.words[int((rng or self.rng).integers(low, high))])

    def articles(self, n: int, *, batch: int = 1_000) -> Iterator[Article]:
        """``n`` articles, the ``i``-th at ``https://outletNN.example/news/i/``."""
        rng = self.rng
        for first in range(0, n, batch):
            size = min(batch, n - first)
            lengths = np.clip(rng.lognormal(np.log(550), 0.5, size), 150, 1_500).astype(int)
            title_lengths = rng.integers(6, 14, size)
            tokens = self.words[self._zipf(int(lengths.sum() + title_lengths.sum()))].tolist()
            cuts = rng.integers(30, 91, size=(size, 60))
            seconds = rng.integers(0, _SPAN_SECONDS, size)
            n_authors = rng.choice([1, 1, 1, 2, 3], size)
            author_ix = rng.integers(0, len(self.authors), (size, 3))
            tag_ix = rng.integers(0, len(self.tags), (size, 3))
            section_ix = rng.integers(0, len(SECTIONS), size)
            language_ix = rng.integers(0, len(LANGUAGES), size)
            pos = 0
            for k in range(size):
                i = first + k
                title = " ".join(tokens[pos : pos + title_lengths[k]]).capitalize()
                pos += title_lengths[k]
                paragraphs: list[str] = []
                end = pos + lengths[k]
                for cut in cuts[k]:
                    paragraph = " ".join(tokens[pos : min(pos + cut, end)])
                    paragraphs.append(paragraph[:1].upper() + paragraph[1:] + ".")
                    pos += cut
                    if pos >= end:
                        break
                pos = end
                outlet = OUTLETS[i % len(OUTLETS)]
                published = _START + timedelta(seconds=int(seconds[k]))
                yield Article(
                    url=f"https://{outlet}.example/news/{i}/",
                    canonical_url=f"https://{outlet}.example/news/{i}/",
                    outlet=outlet,
                    title=title,
                    body="\n\n".join(paragraphs),
                    authors=list(
                        dict.fromkeys(self.authors[j] for j in author_ix[k][: n_authors[k]])
                    ),
                    section=list(SECTIONS[section_ix[k]]),
                    tags=list(dict.fromkeys(self.tags[j] for j in tag_ix[k])),
                    language=LANGUAGES[language_ix[k]],
                    published=published.strftime("%Y-%m-%dT%H:%M:%S+00:00"),
                    site_name=outlet,
                )


def _alias_table(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vose's alias tables for the probabilities ``p``: index ``i`` drawn uniformly stays ``i``
    with probability ``keep[i]``, else becomes ``alias[i]``."""
    n = len(p)
    scaled = (p * n).tolist()
    keep = np.ones(n)
    alias = np.arange(n)
    small = [i for i, q in enumerate(scaled) if q < 1.0]
    large = [i for i, q in enumerate(scaled) if q >= 1.0]
    while small and large:
        s, g = small.pop(), large.pop()
        keep[s], alias[s] = scaled[s], g
        scaled[g] += scaled[s] - 1.0
        (small if scaled[g] < 1.0 else large).append(g)
    return keep, alias  # what is left over is 1.0 up to rounding: kept


_BATCH = 1_000
_QUEUED_BATCHES = 8


def _produce(seed: int, n: int, queue: multiprocessing.Queue[list[Article] | None]) -> None:
    """Child process: put ``n`` articles of ``ArticleFactory(seed)`` on ``queue`` in lists of
    ``_BATCH``, then ``None``."""
    articles = ArticleFactory(seed=seed).articles(n, batch=_BATCH)
    while batch := list(itertools.islice(articles, _BATCH)):
        queue.put(batch)
    queue.put(None)


def articles_in_background(seed: int, n: int) -> Iterator[Article]:
    """The articles ``ArticleFactory(seed).articles(n)`` yields, generated in a child process
    while the caller loads them: generating costs about as much per article as indexing,
    and the two then run on two cores."""
    context = multiprocessing.get_context("spawn")  # no fork of a process holding SQLite
    queue = context.Queue(maxsize=_QUEUED_BATCHES)
    worker = context.Process(target=_produce, args=(seed, n, queue), daemon=True)
    worker.start()
    try:
        while True:
            try:
                batch = queue.get(timeout=10)
            except Empty:
                if worker.is_alive():
                    continue
                raise RuntimeError(
                    f"article generator process died (exit {worker.exitcode})"
                ) from None
            if batch is None:
                break
            yield from batch
        worker.join()
        if worker.exitcode:
            raise RuntimeError(f"article generator process failed (exit {worker.exitcode})")
    finally:
        if worker.is_alive():
            worker.terminate()
            worker.join()
        queue.close()
