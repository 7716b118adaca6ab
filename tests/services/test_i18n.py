"""Choosing the interface language and looking up its text."""

import pytest

from streamchat.i18n import CATALOGUE, pick_language, translate


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("ru-RU,ru;q=0.9", "ru"),
        ("en-US,en;q=0.9,ru;q=0.8", "en"),
        ("de-DE,en;q=0.5,ru;q=0.7", "ru"),
        ("fr", "ru"),
        ("", "ru"),
        ("en;q=abc,ru;q=0.1", "ru"),
    ],
)
def test_pick_language_by_quality(header: str, expected: str) -> None:
    assert pick_language(header) == expected


def test_every_key_has_both_languages() -> None:
    assert CATALOGUE["ru"].keys() == CATALOGUE["en"].keys()
    for lang in ("ru", "en"):
        assert all(text.strip() for text in CATALOGUE[lang].values())


def test_translate_unknown_language_falls_back() -> None:
    assert translate("xx", "site.title") == CATALOGUE["ru"]["site.title"]
