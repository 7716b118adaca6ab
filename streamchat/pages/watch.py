"""The watch page: the live broadcast and the chat beside it."""

import reflex as rx

from streamchat.components.stream import live_player, live_script, text
from streamchat.state.stream import StreamState, live_call


def chat_slot() -> rx.Component:
    """Leave room for the chat panel, which the main page's chat provides."""
    return rx.box(rx.heading(text("stream.chat_slot"), size="4"), id="chat-slot")


def watch() -> rx.Component:
    return rx.el.main(
        rx.hstack(
            rx.box(live_player(), flex="3"),
            rx.box(chat_slot(), flex="1"),
            width="100%",
            align="start",
        ),
        live_script(),
        class_name="page watch-page",
    )


def add_watch_page(app: rx.App) -> None:
    """Add /watch, which starts playback once the page has loaded."""
    app.add_page(
        watch,
        route="/watch",
        title="StreamChat: live",
        on_load=[
            StreamState.load_stream,
            rx.call_script(live_call("watch", "live-player")),
        ],
    )
