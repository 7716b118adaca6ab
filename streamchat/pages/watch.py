"""The watch page: the live broadcast and the chat beside it."""

import reflex as rx

from streamchat.components.auth_modal import auth_modal
from streamchat.components.chat import chat_panel
from streamchat.components.layout import site_header
from streamchat.components.stream import live_player, live_script
from streamchat.state.auth import AuthFormState
from streamchat.state.chat import ChatState
from streamchat.state.i18n import I18nState
from streamchat.state.stream import StreamState, live_call

ON_LOAD = [
    I18nState.load_language,
    AuthFormState.reset_form,
    StreamState.load_stream,
    ChatState.load_chat,
    rx.call_script(live_call("watch", "live-player")),
]


def watch() -> rx.Component:
    """Render the header, the live player, the chat and the login modal."""
    return rx.el.div(
        site_header(),
        rx.el.main(
            rx.el.section(live_player(), class_name="media-area live-area"),
            chat_panel(),
            class_name="page-main",
        ),
        auth_modal(),
        live_script(),
        class_name="page watch-page",
    )


def add_watch_page(app: rx.App) -> None:
    """Add /watch, which starts playback once the page has loaded."""
    app.add_page(watch, route="/watch", title="StreamChat: live", on_load=ON_LOAD)
