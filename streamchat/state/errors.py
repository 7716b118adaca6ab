"""Turn a service's AppError into catalogue keys, so the page shows it translated."""

import logging

from streamchat.errors import AppError
from streamchat.i18n import CATALOGUE

logger = logging.getLogger(__name__)

GENERIC = "error.generic"

# The English catalogue text equals the service's message wherever the service
# sentence is fixed, so a reverse lookup finds the key of most messages.
_KEY_BY_ENGLISH = {text: key for key, text in CATALOGUE["en"].items()}


def message_key(message: str, fallback: str = GENERIC) -> str:
    """Return the catalogue key whose English text is ``message``, or ``fallback``."""
    key = _KEY_BY_ENGLISH.get(message)
    if key is None:
        logger.warning("no interface text for service message %r", message)
        return fallback
    return key


def error_keys(
    error: AppError, by_code: dict[str, str], default_field: str
) -> dict[str, str]:
    """Map an AppError to ``{field: catalogue key}`` for the form that caused it.

    ``by_code`` names the key of codes whose message varies (e.g. a muted
    user's end time); other messages are looked up by their English text.
    """
    if error.code in by_code:
        return {default_field: by_code[error.code]}
    if error.fields:
        return {field: message_key(text) for field, text in error.fields.items()}
    return {default_field: message_key(error.message)}
