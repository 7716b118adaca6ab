"""Return the keyboard focus to the button that opened a dialog.

Radix returns the focus only to a ``Dialog.Trigger``. The login modal has
several openers and no trigger. With the upload dialog, Chromium left the
focus on the page body after Escape although its button is the trigger. So
each opener is remembered on click, and a dialog focuses it again when it
closes. Only one dialog is open at a time, so one remembered element is
enough.
"""

import reflex as rx
from reflex_base.event import EventSpec

_REMEMBER = "window.streamchatDialogOpener = document.activeElement"
_FOCUS = "window.streamchatDialogOpener?.focus()"


def remember_opener() -> EventSpec:
    """Remember the focused element, i.e. the button that opens a dialog."""
    return rx.call_script(_REMEMBER)


def focus_opener() -> EventSpec:
    """Focus the remembered opener again, e.g. when its dialog closes."""
    return rx.call_script(_FOCUS)


def focus_first_of(*element_ids: str) -> EventSpec:
    """Focus the first of ``element_ids`` that is on the page."""
    lookups = " || ".join(f'document.getElementById("{name}")' for name in element_ids)
    return rx.call_script(f"({lookups})?.focus()")
