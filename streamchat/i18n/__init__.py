"""The interface text in Russian and English, one catalogue for the whole UI.

Each feature keeps its strings in a module of this package with a
``MESSAGES`` dict of ``key: (russian, english)``. Every such module is found
and merged here, so features add text without touching each other's files.
"""

import importlib
import pkgutil

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"


def _load() -> dict[str, dict[str, str]]:
    catalogue: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    for module_info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for key, texts in getattr(module, "MESSAGES", {}).items():
            if key in catalogue["en"]:
                raise ValueError(f"interface text {key!r} is defined twice")
            for lang, text in zip(LANGUAGES, texts, strict=True):
                catalogue[lang][key] = text
    return catalogue


CATALOGUE = _load()


def pick_language(accept_language: str) -> str:
    """Choose ru or en from an Accept-Language header, by quality order."""
    ranked = []
    for index, part in enumerate(accept_language.split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        ranked.append((-quality, index, tag.strip().lower()[:2]))
    for _, _, lang in sorted(ranked):
        if lang in LANGUAGES:
            return lang
    return DEFAULT_LANGUAGE


def translate(lang: str, key: str, **values: object) -> str:
    """Return the text of ``key`` in ``lang`` with ``values`` filled in."""
    text = CATALOGUE.get(lang, CATALOGUE[DEFAULT_LANGUAGE]).get(key, key)
    return text.format(**values) if values else text
