"""The Reflex app: pages added, the API mounted, the bus started."""

import logging

import reflex as rx

from streamchat.api import create_api
from streamchat.live.mirror import run_mirror
from streamchat.pages.index import ON_LOAD, index
from streamchat.pages.watch import add_watch_page
from streamchat.realtime import run_bus
from streamchat.state.video import relay_video_changes

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


app = rx.App(
    api_transformer=create_api(),
    stylesheets=["/style.css"],
    # At the bottom right, toasts would cover the chat input; 76px clears the
    # sticky header on wide screens.
    toaster=rx.toast.provider(position="top-center", offset="76px"),
)
# Reflex's overlay puts an English toast and a wifi icon over the chat input
# when the websocket drops. The chat panel shows its own translated notice.
app.app_wraps.pop((5, "Overlay"), None)
app.register_lifespan_task(run_bus)
app.register_lifespan_task(run_mirror)
app.register_lifespan_task(relay_video_changes)
app.add_page(index, route="/", title="StreamChat", on_load=ON_LOAD)
add_watch_page(app)
