"""The interface language: chosen from Accept-Language, switchable, remembered."""

import reflex as rx

from streamchat.i18n import CATALOGUE, DEFAULT_LANGUAGE, LANGUAGES, pick_language

LANGUAGE_COOKIE = "streamchat_lang"
ONE_YEAR = 365 * 24 * 3600


class I18nState(rx.State):
    """The current language and the catalogue text in it."""

    # Empty until the first page load picks a language for this browser.
    lang: str = rx.Cookie("", name=LANGUAGE_COOKIE, max_age=ONE_YEAR)

    @rx.var
    def t(self) -> dict[str, str]:
        """Every catalogue text in the current language, by key."""
        return CATALOGUE.get(self.lang) or CATALOGUE[DEFAULT_LANGUAGE]

    @rx.var
    def current_lang(self) -> str:
        """The current language code, ``ru`` or ``en``."""
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
