"""StreamState: whether a broadcast is live, its title and viewers, for every page.

Each tab runs one background listener that applies the bus's broadcast
events to its state, and ends when the tab's Reflex socket is gone.
"""

import asyncio
import json
import logging
from typing import Any

import reflex as rx

from streamchat import events
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.live.mirror import get_mirror
from streamchat.realtime import get_bus
from streamchat.services import auth, streams
from streamchat.settings import get_settings
from streamchat.state.live import client_connected

logger = logging.getLogger(__name__)

STREAM_EVENTS = frozenset({events.STREAM_STARTED, events.STREAM_ENDED, events.VIEWERS})
# Seconds between an idle listener's checks that its tab is still open.
LISTENER_CHECK = 30.0
_listening: set[str] = set()


def _find_user_name(cookie_header: str, cookie_name: str) -> str:
    """Return the logged-in user's name from a Cookie header, or ''."""
    for part in cookie_header.split(";"):
        name, _, value = part.strip().partition("=")
        if name == cookie_name and value:
            with session_scope() as db:
                found = auth.find_session(db, value)
            return found[0].name if found else ""
    return ""


class StreamState(rx.State):
    """The live broadcast as one tab shows it."""

    live: bool = False
    title: str = ""
    broadcaster: str = ""
    viewers: int = 0
    ended: bool = False
    user_name: str = ""
    title_input: str = ""
    # Catalogue key of the title's error, empty when there is none.
    title_error: str = ""
    dialog_open: bool = False

    def apply_stream(self, stream: dict[str, Any]) -> None:
        """Show the broadcast described by ``stream`` (``GET /stream``'s shape)."""
        was_live = self.live
        self.live = bool(stream.get("live"))
        self.title = stream.get("title") or ""
        broadcaster = stream.get("broadcaster") or {}
        self.broadcaster = broadcaster.get("name", "")
        self.viewers = int(stream.get("viewers") or 0)
        self.ended = was_live and not self.live

    def apply_event(self, kind: str, data: dict[str, Any]) -> None:
        """Apply a stream_started, stream_ended or viewers event from the bus."""
        if kind == events.VIEWERS:
            self.viewers = int(data.get("count") or 0)
        elif kind in (events.STREAM_STARTED, events.STREAM_ENDED):
            self.apply_stream(data.get("stream") or {})

    @rx.event
    async def load_stream(self) -> Any:
        """Load the broadcast and the user, and start the listener."""
        self.apply_stream(get_mirror().public_state())
        self.user_name = await asyncio.to_thread(
            _find_user_name, self.router.headers.cookie, get_settings().cookie_name
        )
        return StreamState.listen_stream

    @rx.event(background=True)
    async def listen_stream(self) -> None:
        """Apply broadcast events to this tab until it closes."""
        token = self.router.session.client_token
        if token in _listening:
            return
        _listening.add(token)
        try:
            async with get_bus().subscribe() as subscription:
                while client_connected(token):
                    try:
                        event = await asyncio.wait_for(
                            subscription.get(), LISTENER_CHECK
                        )
                    except TimeoutError:
                        continue
                    if event.type in STREAM_EVENTS and event.user_id is None:
                        async with self:
                            self.apply_event(event.type, event.data)
        except Exception:
            logger.exception("the broadcast listener of a tab failed")
        finally:
            _listening.discard(token)

    @rx.event
    def set_title_input(self, value: str) -> None:
        self.title_input = value
        self.title_error = ""

    @rx.event
    def open_dialog(self, is_open: bool) -> Any:
        """Open the broadcast dialog with the camera preview, or close it."""
        self.dialog_open = is_open
        if is_open:
            return rx.call_script(live_call("startPreview", "broadcast-preview"))
        return rx.call_script(live_call("closePreview"))

    @rx.event
    def go_live(self) -> Any:
        """Check the title, then let the page start sending the camera."""
        try:
            title = streams.clean_title(self.title_input)
        except AppError:
            too_long = len(self.title_input) > streams.TITLE_MAX
            self.title_error = (
                "stream.title_too_long" if too_long else "stream.title_missing"
            )
            return None
        self.title_input = title
        return rx.call_script(live_call("goLive", title))

    @rx.event
    def stop_live(self) -> Any:
        """End this tab's broadcast."""
        return rx.call_script(live_call("stopLive"))


def live_call(method: str, *args: str) -> str:
    """Build JavaScript that calls ``StreamChatLive.<method>`` once it has loaded."""
    arguments = json.dumps(list(args))
    return (
        "(window.StreamChatLivePending = window.StreamChatLivePending || [])"
        f".push([{json.dumps(method)}, {arguments}]);"
        "window.StreamChatLive && window.StreamChatLive.flush();"
    )
