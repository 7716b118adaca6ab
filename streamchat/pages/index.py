"""The main page: the current video and the chat."""

import reflex as rx


def index() -> rx.Component:
    return rx.el.main(rx.el.h1("StreamChat"), class_name="page")
