"""The main page: the current video and the chat."""

import reflex as rx

from streamchat.components.auth_modal import auth_modal
from streamchat.components.chat import chat_panel
from streamchat.components.layout import media_area, site_header
from streamchat.state.auth import AuthFormState
from streamchat.state.chat import ChatState
from streamchat.state.i18n import I18nState
from streamchat.state.video import VideoState

ON_LOAD = [
    I18nState.load_language,
    AuthFormState.reset_form,
    VideoState.load_video,
    ChatState.load_chat,
]


def index() -> rx.Component:
    """Render the header, the media area, the chat and the login modal."""
    return rx.el.div(
        site_header(),
        rx.el.main(media_area(), chat_panel(), class_name="page-main"),
        auth_modal(),
        class_name="page",
    )
