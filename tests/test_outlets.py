"""Outlet definitions load and validate; a broken one gives one line naming file, outlet, field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from archiver.exceptions import ConfigError, UnknownOutletError
from archiver.outlets import (
    DEFAULT_REVISIT_AFTER,
    get_outlet,
    load_outlets,
    outlet_for_url,
    shipped_files,
)

GOOD = '[x]\nallowed_domains = ["a.org"]\nsections = ["https://a.org/world/"]\n'


@pytest.fixture(autouse=True)
def _no_user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))


def test_shipped_demo_outlet() -> None:
    demo = get_outlet("demo")
    assert demo.demo and demo.allowed_domains == ("demo-insight.test",)
    assert all(url.startswith("http://demo-insight.test/") for url in demo.sections)
    assert demo.feeds and demo.sitemaps and demo.schedule


def test_every_shipped_definition_validates_and_says_where_it_came_from() -> None:
    outlets = load_outlets()
    files = [label for label, _ in shipped_files()]
    assert "archiver/outlets/builtin.toml" in files and len(files) >= 3
    real = [o for o in outlets.values() if not o.demo]
    assert len(real) >= 11, sorted(outlets)
    for outlet in real:
        assert outlet.provenance, outlet.name
        assert outlet.feeds or outlet.sitemaps, outlet.name
        assert outlet.site_name and outlet.allowed_domains
        assert outlet.revisit_delays[0] == timedelta(hours=1)
    tdi = outlets["tdi"]
    assert tdi.allowed_domains == ("thediplomaticinsight.com",)
    assert [s.rstrip("/").rsplit("/", 1)[-1] for s in tdi.sections] == [
        "world",
        "asia",
        "kazakhstan",
    ]
    assert "https://thediplomaticinsight.com/feed/" in tdi.feeds
    assert tdi.sitemaps == ("https://thediplomaticinsight.com/sitemap_index.xml",)
    assert tdi.scrapy_settings() == {"DOWNLOAD_DELAY": 1.0, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}


def test_optional_fields_and_defaults(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        GOOD + 'article_pattern = "^/\\\\d{4}/"\nschedule = "*/30 * * * *"\n'
        'revisit_after = ["90s", "30m", "2h", "2w"]\n'
    )
    outlets = load_outlets(path)
    assert {"demo", "x"} <= set(outlets)
    mine = outlets["x"]
    assert mine.article_regex is not None and mine.article_regex.search("/2024/05/x/")
    assert mine.schedule == "*/30 * * * *"
    assert mine.revisit_delays == (
        timedelta(seconds=90),  # the units ARCHIVER_REVISIT_AFTER takes, seconds included
        timedelta(minutes=30),
        timedelta(hours=2),
        timedelta(weeks=2),
    )
    assert mine.origin == str(path)
    assert outlets["demo"].revisit_after == ()  # not declared: ARCHIVER_REVISIT_AFTER's
    assert outlets["demo"].revisit_delays[0] == timedelta(hours=1)
    assert DEFAULT_REVISIT_AFTER == ("1h", "6h", "24h", "7d")


def test_config_directory_and_outlets_directory(tmp_path: Path) -> None:
    config = tmp_path / "config" / "archiver" / "outlets"
    config.mkdir(parents=True)
    (config / "a.toml").write_text(GOOD)
    assert "x" in load_outlets()
    other = tmp_path / "defs"
    other.mkdir()
    (other / "b.toml").write_text(GOOD.replace("[x]", "[y]"))
    (other / "c.toml").write_text(GOOD.replace("[x]", '[demo]\nsite_name = "mine"'))
    outlets = load_outlets(other)
    assert {"x", "y"} <= set(outlets)
    assert outlets["demo"].site_name == "mine"  # a user definition replaces a shipped one
    assert outlet_for_url("https://www.a.org/world/", other) is not None


BROKEN = [
    # (field named in the error, TOML of outlet "bad", expected part of the message)
    ("sectons", '[bad]\nsectons = ["https://a.org/"]\n', "unknown key"),
    ("sections", '[bad]\nallowed_domains = ["a.org"]\nsections = ["/world/"]\n', "not an absolute"),
    ("sections", '[bad]\nallowed_domains = ["a.org"]\nsections = "https://a.org/"\n', "list of"),
    ("article_pattern", GOOD.replace("[x]", "[bad]") + 'article_pattern = "(x"\n', "regex"),
    ("feeds", '[bad]\nallowed_domains = ["a.org"]\nfeeds = ["https://b.org/rss"]\n', "outside"),
    ("sitemaps", '[bad]\nallowed_domains = ["a.org"]\nsitemaps = ["ftp://a.org/s.xml"]\n', "http"),
    ("schedule", GOOD.replace("[x]", "[bad]") + 'schedule = "every day"\n', "cron"),
    ("revisit_after", GOOD.replace("[x]", "[bad]") + 'revisit_after = ["1h", "3x"]\n', "s, m, h"),
    (
        "revisit_after",
        GOOD.replace("[x]", "[bad]") + 'revisit_after = ["7d", "1h"]\n',
        "increasing",
    ),
    ("max_pages", GOOD.replace("[x]", "[bad]") + "max_pages = 0\n", "at least 1"),
    ("politeness.delay", GOOD.replace("[x]", "[bad]") + "politeness = { delay = 1 }\n", "unknown"),
    (
        "politeness.download_delay",
        GOOD.replace("[x]", "[bad]") + 'politeness = { download_delay = "1" }\n',
        "number",
    ),
    ("allowed_domains", '[bad]\nallowed_domains = ["http://a.org"]\n', "host name"),
    ("article_links", GOOD.replace("[x]", "[bad]") + 'article_links = "h3 >> a"\n', "CSS"),
    ("discover", GOOD.replace("[x]", "[bad]") + 'discover = "yes"\n', "true or false"),
    ("sections", '[bad]\nallowed_domains = ["a.org"]\n', "at least one of"),
]


@pytest.mark.parametrize(("field", "text", "message"), BROKEN)
def test_broken_definitions_name_file_outlet_and_field(
    tmp_path: Path, field: str, text: str, message: str
) -> None:
    path = tmp_path / "broken.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_outlets(path)
    error = str(info.value)
    assert error.startswith(f"{path}: outlet 'bad': {field}: "), error
    assert message in error
    assert "\n" not in error


def test_broken_file_level_errors(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    for text, message in [("[x\n", "not valid TOML"), ("x = 1\n", "outlet 'x': must be a table")]:
        path.write_text(text)
        with pytest.raises(ConfigError, match=message) as info:
            load_outlets(path)
        assert str(path) in str(info.value) and "\n" not in str(info.value)


def test_unknown_outlet_names_known_ones() -> None:
    with pytest.raises(UnknownOutletError, match=r"known outlets: .*demo.*tdi"):
        get_outlet("nope")


def test_readme_example_definition_validates(tmp_path: Path) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    start = readme.index("[example]")
    path = tmp_path / "example.toml"
    path.write_text(readme[start : readme.index("```", start)])
    example = load_outlets(path)["example"]
    assert example.feeds and example.sitemaps and example.schedule == "0 */6 * * *"
