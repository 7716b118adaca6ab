"""Text normalization rules shared by every input path."""

import pytest

from streamchat.text import clean_text, normalize_password


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  hello  ", "hello"),
        ("\u200bhello\u200d", "hello"),
        ("\ufeff\u2066hi\u2069\u202e", "hi"),
        ("a\u200bb", "a\u200bb"),
        ("e\u0301", "\u00e9"),
        ("\u200b \u200c\t\n", ""),
        ("\u00a0x\u3000", "x"),
    ],
)
def test_clean_text_trims_and_normalizes(raw: str, expected: str) -> None:
    assert clean_text(raw) == expected


def test_normalize_password_keeps_spaces() -> None:
    assert normalize_password(" cafe\u0301 ") == " caf\u00e9 "
