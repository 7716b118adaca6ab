"""Keep the reader's place in the chat list when older messages are prepended.

A list scrolled to its very top, where "Load older" sits, stays at
scrollTop 0 in Chromium when rows are prepended, so the older page would push
the message being read out of view. The first visible row and its offset are
remembered before the request and restored after React has rendered the
longer list (two animation frames later).
"""

import reflex as rx
from reflex_base.event import EventSpec

LIST_ID = "chat-messages"

_REMEMBER = f"""(() => {{
  const list = document.getElementById("{LIST_ID}");
  const row = list && list.querySelector(".chat-message");
  window.streamchatScrollAnchor = row && {{
    id: row.id,
    offset: row.getBoundingClientRect().top - list.getBoundingClientRect().top,
  }};
}})()"""

_RESTORE = f"""requestAnimationFrame(() => requestAnimationFrame(() => {{
  const anchor = window.streamchatScrollAnchor;
  const list = document.getElementById("{LIST_ID}");
  const row = anchor && document.getElementById(anchor.id);
  if (!list || !row) return;
  const offset = row.getBoundingClientRect().top - list.getBoundingClientRect().top;
  list.scrollTop += offset - anchor.offset;
}}))"""


def remember_scroll_anchor() -> EventSpec:
    """Remember the first message row of the list and its offset from the top."""
    return rx.call_script(_REMEMBER)


def restore_scroll_anchor() -> EventSpec:
    """Scroll the list so the remembered row is back at its remembered offset."""
    return rx.call_script(_RESTORE)
