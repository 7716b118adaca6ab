"""Text normalization rules shared by every input path."""

import pytest

from streamchat.errors import AppError
from streamchat.text import clean_name, clean_text, normalize_password


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


@pytest.mark.parametrize("raw", ["ab\u202ecd", "a\u200db", "x\u2066y"])
def test_clean_name_rejects_hidden_characters(raw: str) -> None:
    with pytest.raises(AppError) as error:
        clean_name(raw)

    assert error.value.status == 400
    assert error.value.fields == {"name": "name contains invisible characters."}


def test_clean_text_rejects_lone_surrogate() -> None:
    with pytest.raises(AppError) as error:
        clean_text("ok\ud800", "title")

    assert error.value.fields is not None
    assert "title" in error.value.fields


def test_normalize_password_rejects_lone_surrogate() -> None:
    with pytest.raises(AppError):
        normalize_password("pass\udc00word")
