"""The interface language: chosen from Accept-Language, switchable, remembered."""

import reflex as rx
from babel import Locale
from babel.numbers import format_decimal

from streamchat.i18n import (
    CATALOGUE,
    DEFAULT_LANGUAGE,
    LANGUAGES,
    pick_language,
    translate,
)

LANGUAGE_COOKIE = "streamchat_lang"
ONE_YEAR = 365 * 24 * 3600


class I18nState(rx.State):
    """The current language and the catalogue text in it."""

    # Empty until the first page load picks a language for this browser.
    lang: str = rx.Cookie("", name=LANGUAGE_COOKIE, max_age=ONE_YEAR)

    @rx.var
    def t(self) -> dict[str, str]:
        """Return every catalogue text in the current language, by key."""
        return CATALOGUE.get(self.lang) or CATALOGUE[DEFAULT_LANGUAGE]

    @rx.var
    def current_lang(self) -> str:
        """Return the current language code, ``ru`` or ``en``."""
        return self.lang if self.lang in LANGUAGES else DEFAULT_LANGUAGE

    @rx.event
    def load_language(self) -> None:
        """Pick the language from Accept-Language unless the browser chose one."""
        if self.lang not in LANGUAGES:
            self.lang = pick_language(self.router.headers.accept_language)

    @rx.event
    def set_language(self, lang: str) -> None:
        """Switch the interface to ``lang`` (``ru`` or ``en``)."""
        if lang in LANGUAGES:
            self.lang = lang


def t(key: str | rx.Var[str]) -> rx.Var[str]:
    """Return the catalogue text of ``key`` in the current language, as a Var.

    ``key`` may be a Var, e.g. an error key kept in a state.
    """
    return I18nState.t[key].to(str)


def format_size(lang: str, size: int) -> str:
    """Format a byte count in ``lang``, in binary units: "2 ГБ", "1.5 GiB"."""
    value = float(size)
    unit = "bytes"
    for larger in ("KiB", "MiB", "GiB"):
        if value < 1024:
            break
        value /= 1024
        unit = larger
    pattern = "#,##0" if unit == "bytes" else "#,##0.#"
    number = format_decimal(value, format=pattern, locale=_locale(lang))
    return translate(lang, f"size.{unit}", value=number)


def format_wait(lang: str, seconds: int) -> str:
    """Format a wait in ``lang`` with the plural form its count needs.

    Waits of a minute or more are rounded up to whole minutes.
    """
    unit, count = (
        ("seconds", seconds) if seconds < 60 else ("minutes", -(-seconds // 60))
    )
    form = Locale.parse(_locale(lang)).plural_form(count)
    return translate(lang, f"wait.{unit}.{form}", count=count)


def _locale(lang: str) -> str:
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE
