"""The Reflex app: pages added, the API mounted, the bus started."""

import logging

import reflex as rx

from streamchat.api import create_api
from streamchat.pages.index import ON_LOAD, index
from streamchat.realtime import run_bus
from streamchat.state.video import relay_video_changes

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


app = rx.App(
    api_transformer=create_api(),
    stylesheets=["/style.css"],
    theme=rx.theme(appearance="dark", accent_color="violet"),
)
app.register_lifespan_task(run_bus)
app.register_lifespan_task(relay_video_changes)
app.add_page(index, route="/", title="StreamChat", on_load=ON_LOAD)
