"""Text normalization shared by every input path."""

import unicodedata

# Characters that render as nothing: zero-width spaces and joiners, the BOM,
# word joiners and bidi controls. Trimming removes them at both ends as it
# removes white space.
_INVISIBLE = frozenset(
    "\u200b\u200c\u200d\u200e\u200f\u2060\u2061\u2062\u2063\u2064\ufeff"
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u061c\u180e\u00ad"
)


def _is_trimmable(char: str) -> bool:
    return char.isspace() or char in _INVISIBLE or unicodedata.category(char) == "Cf"


def clean_text(value: str) -> str:
    """Normalize ``value`` to NFC and trim white space and invisible characters."""
    text = unicodedata.normalize("NFC", value)
    start, end = 0, len(text)
    while start < end and _is_trimmable(text[start]):
        start += 1
    while end > start and _is_trimmable(text[end - 1]):
        end -= 1
    return text[start:end]


def is_blank(text: str) -> bool:
    """Tell whether ``text`` has no visible character at all."""
    return all(_is_trimmable(char) for char in text)


def normalize_password(value: str) -> str:
    """Normalize a password to NFC without trimming it."""
    return unicodedata.normalize("NFC", value)
