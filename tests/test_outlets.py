"""Outlet definitions load; a broken one gives one line naming file, outlet and field."""

from __future__ import annotations

from pathlib import Path

import pytest

from archiver.exceptions import ConfigError, UnknownOutletError
from archiver.outlets import get_outlet, load_outlets


def test_shipped_demo_outlet() -> None:
    demo = get_outlet("demo")
    assert demo.demo and demo.allowed_domains == ("demo-insight.test",)
    assert all(url.startswith("http://demo-insight.test/") for url in demo.sections)


def test_user_file_adds_outlets(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(
        '[mine]\nallowed_domains = ["example.org"]\nsections = ["https://example.org/world/"]\n'
        'article_pattern = "^/\\\\d{4}/"\n'
    )
    outlets = load_outlets(path)
    assert {"demo", "mine"} <= set(outlets)
    assert outlets["mine"].article_regex is not None
    assert outlets["mine"].article_regex.search("/2024/05/x/")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[x]\nsectons = ["https://a.org/"]\n', "unknown key 'sectons'"),
        ('[x]\nsections = ["/world/"]\n', "sections: '/world/' is not an absolute"),
        ('[x]\nsections = "https://a.org/"\n', "sections must be a list"),
        ('[x]\narticle_pattern = "(unclosed"\n', "article_pattern is not a valid regex"),
        ("[x\n", "not valid TOML"),
        ("x = 1\n", "'x' must be a table"),
    ],
)
def test_broken_definitions(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as info:
        load_outlets(path)
    assert message in str(info.value)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_unknown_outlet_names_known_ones() -> None:
    with pytest.raises(UnknownOutletError, match="known outlets: demo"):
        get_outlet("nope")
