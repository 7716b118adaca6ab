"""Text normalization and validation shared by every input path."""

import unicodedata

from streamchat.errors import validation_error

# Characters that render as nothing or as blank space: zero-width spaces and
# joiners, the BOM, word joiners, bidi controls, and the fillers and blank
# symbols that fonts draw empty (Braille blank, Hangul fillers). Trimming
# removes them at both ends as it removes white space.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u180e\u00ad"
    "\u2800\u3164\u115f\u1160\uffa0\u034f"
)
# Control characters a chat message or a title may still contain.
_ALLOWED_CONTROLS = frozenset("\n\t")


def _is_trimmable(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE or unicodedata.category(char) == "Cf"


def _reject_surrogates(value: str, field: str) -> None:
    # JSON can carry a lone UTF-16 surrogate ("\ud800"), which is no character
    # at all and cannot be stored as UTF-8.
    if any("\ud800" <= char <= "\udfff" for char in value):
        raise validation_error({field: f"{field} contains invalid Unicode text."})


def clean_text(value: str, field: str = "text") -> str:
    """Normalize ``value`` to NFC and trim white space and invisible characters.

    Raises a 400 naming ``field`` when the text is not valid Unicode or
    contains control characters other than newline and tab.
    """
    _reject_surrogates(value, field)
    text = unicodedata.normalize("NFC", value)
    start, end = 0, len(text)
    while start < end and _is_trimmable(text[start]):
        start += 1
    while end > start and _is_trimmable(text[end - 1]):
        end -= 1
    text = text[start:end]
    if any(_is_control(char) for char in text):
        raise validation_error({field: f"{field} contains control characters."})
    return text


def _is_control(char: str) -> bool:
    return unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS


def clean_name(value: str, field: str = "name") -> str:
    """Clean a display name, which may not contain any invisible character.

    Bidi overrides and zero-width characters inside a name would let one user
    look like another, so they are rejected, not only trimmed.
    """
    name = clean_text(value, field)
    if any(unicodedata.category(char) in ("Cc", "Cf") for char in name):
        raise validation_error({field: f"{field} contains invisible characters."})
    return name


def normalize_password(value: str) -> str:
    """Normalize a password to NFC without trimming it."""
    _reject_surrogates(value, "password")
    return unicodedata.normalize("NFC", value)
