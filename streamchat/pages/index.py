"""The main page: the current video and the chat."""

import reflex as rx

from streamchat.components.stream import broadcast_button, live_banner


def index() -> rx.Component:
    return rx.el.main(
        live_banner(),
        rx.el.h1("StreamChat"),
        rx.box(broadcast_button(), class_name="authorized-buttons"),
        class_name="page",
    )
