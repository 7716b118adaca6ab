"""The main page: the current video and the chat."""

import reflex as rx

from streamchat.components.video import upload_button, video_player
from streamchat.state.video import VideoState


def index() -> rx.Component:
    return rx.el.main(
        rx.el.h1("StreamChat"),
        rx.cond(
            VideoState.can_upload,
            rx.el.div(upload_button(), class_name="authorized-buttons"),
        ),
        video_player(),
        class_name="page",
    )
