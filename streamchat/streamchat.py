"""The Reflex app: pages added, the API mounted, the bus started."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import reflex as rx

from streamchat.api import create_api
from streamchat.pages.index import index
from streamchat.pages.watch import add_watch_page
from streamchat.realtime import get_bus
from streamchat.state.stream import StreamState

logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")


@asynccontextmanager
async def run_bus() -> AsyncIterator[None]:
    """Start this process's event bus with the app and stop it on shutdown."""
    bus = get_bus()
    await bus.start()
    try:
        yield
    finally:
        await bus.stop()


app = rx.App(
    api_transformer=create_api(),
    stylesheets=["/style.css"],
    theme=rx.theme(appearance="dark", accent_color="violet"),
)
app.register_lifespan_task(run_bus)
app.add_page(index, route="/", title="StreamChat", on_load=StreamState.load_stream)
add_watch_page(app)
