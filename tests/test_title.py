"""Headline rules of ``archiver.extract.title`` on small pages written for them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from archiver.extract import ArticleExtractor

LEAD = (
    "<p>"
    + " ".join(["The ferry board met again on Monday to discuss the timetable."] * 12)
    + "</p>"
)
CRUMBS = (
    '<nav aria-label="Breadcrumb"><ol><li><a href="/">Home</a></li><li><a href="/region/">Region'
    "</a></li><li><h1>{h1}</h1></li></ol></nav>"
)
"""A theme that prints its SEO headline as the last item of the breadcrumb trail."""
CRUMB_DIV = '<div class="article-breadcrumb__trail"><a href="/">Home</a> <h1>{h1}</h1></div>'
"""The same, in a trail that is not a ``nav`` (so not page chrome)."""


@pytest.fixture(scope="module")
def extractor() -> ArticleExtractor:
    return ArticleExtractor()


def page(*, og: str, ld: str | None, body: str) -> str:
    node: dict[str, Any] = {"@type": "NewsArticle", "headline": ld}
    script = f'<script type="application/ld+json">{json.dumps(node)}</script>' if ld else ""
    head = f'<meta charset="utf-8"><meta property="og:title" content="{og}">{script}'
    return f'<html lang="en"><head>{head}</head><body>{body}</body></html>'


def test_breadcrumb_h1_gives_way_to_the_shown_headline_without_its_kicker(
    extractor: ArticleExtractor,
) -> None:
    html = page(
        og="Night ferry to run all winter",
        ld="Ferry timetable: night crossings kept until March",
        body=CRUMB_DIV.format(h1="Ferry timetable: night crossings kept until March")
        + '<article><header><h2 class="title"><span class="title__kicker">Lake transport</span>'
        '<span class="title__headline">Night ferry to run all winter</span></h2></header>'
        f"{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/ferry")
    assert (a.title, a.provenance["title"]) == ("Night ferry to run all winter", "heading")
    assert not a.body.startswith("Lake transport")  # the shown heading is not body text


def test_breadcrumb_h1_in_nav_gives_way_to_the_shown_headline(
    extractor: ArticleExtractor,
) -> None:
    html = page(
        og="Ferry timetable: night crossings kept until March",
        ld="Night ferry to run all winter, board decides",
        body=CRUMBS.format(h1="Ferry timetable: night crossings kept until March")
        + "<article><hgroup><h2>Night ferry to run all winter, board decides</h2></hgroup>"
        f"{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/ferry")
    assert (a.title, a.provenance["title"]) == (
        "Night ferry to run all winter, board decides",
        "heading",
    )
    # the losing declared title stays visible in provenance
    assert "Ferry timetable" in a.provenance.get("title.rejected", "")


def test_shown_headline_matching_only_with_its_kicker_is_not_taken(
    extractor: ArticleExtractor,
) -> None:
    # the headline part ("Crossings kept ...") is a display variant that no declared title
    # states; kicker + headline happen to be the JSON-LD headline: the usual order applies
    html = page(
        og="Night ferry: board keeps the winter crossings",
        ld="Night ferry: crossings kept until March",
        body=CRUMBS.format(h1="Night ferry: board keeps the winter crossings")
        + '<article><h2><span class="kicker">Night ferry</span>'
        "<span>Crossings kept until March</span></h2>"
        f"{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/ferry")
    assert (a.title, a.provenance["title"]) == (
        "Night ferry: board keeps the winter crossings",
        "meta",
    )


def test_breadcrumb_h1_stays_when_no_heading_shows_a_declared_title(
    extractor: ArticleExtractor,
) -> None:
    html = page(
        og="Eight names, four flags: the ferry nobody owns",
        ld="Lake transport: harbour board seizes unregistered ferry",
        body=CRUMB_DIV.format(h1="Lake transport: harbour board seizes unregistered ferry")
        + "<article><h2><span>Live</span><span>Other news of the day</span></h2>"
        f"{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/seized")
    assert (a.title, a.provenance["title"]) == (
        "Lake transport: harbour board seizes unregistered ferry",
        "h1",
    )


def test_without_a_breadcrumb_h1_a_heading_does_not_override_the_h1(
    extractor: ArticleExtractor,
) -> None:
    html = page(
        og="Night ferry to run all winter",
        ld="Night ferry to run all winter",
        body="<article><h1>Ferry board keeps night crossings</h1>"
        f"<h2>Night ferry to run all winter</h2>{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/ferry")
    # JSON-LD and og:title agree: rule 1, not the h2
    assert (a.title, a.provenance["title"]) == ("Night ferry to run all winter", "json-ld")


def test_a_wrapper_classed_breadcrumb_does_not_make_the_h1_a_trail_item(
    extractor: ArticleExtractor,
) -> None:
    html = page(
        og="Night ferry to run all winter",
        ld="Ferry board keeps night crossings",
        body="<header><h2>Night ferry to run all winter</h2></header>"
        '<article class="story story--has-breadcrumb"><h1>Ferry board keeps night crossings</h1>'
        f"{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/ferry")
    assert (a.title, a.provenance["title"]) == ("Ferry board keeps night crossings", "h1")


def test_an_h1_in_a_widget_inside_the_article_is_the_headline(
    extractor: ArticleExtractor,
) -> None:
    # TechRadar's theme builds the article of widgets: its h1 sits in "widget widget-hero".
    # A widget outside the article stays chrome: its h1 is not a headline.
    html = page(
        og="Night ferry to run all winter",
        ld="Ferry board: night crossings stay",
        body='<div class="sidebar-widget"><h1>Ferry fares cut for students</h1></div>'
        '<article><div class="widget widget-hero"><header>'
        "<h1>Ferry board: night crossings stay, and the night ferry will run all winter</h1>"
        f"</header></div>{LEAD}</article>",
    )
    a = extractor.extract(html, "https://lake-post.example/region/ferry")
    assert (a.title, a.provenance["title"]) == (
        "Ferry board: night crossings stay, and the night ferry will run all winter",
        "h1",
    )
    assert a.body.startswith("The ferry board met")
