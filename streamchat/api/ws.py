"""WebSocket /ws/stream: live events for scripts, and the broadcast's media.

A client first sends ``{"type": "hello", "role": ...}``. Observers receive the
site's public events and their own notifications, and may send ``chat``,
``like`` and ``ping`` frames, which go through the same services as REST.
Viewers also receive the broadcast's media as binary frames, each restart of
it announced by a ``media_reset`` frame before the initialization segment.
The broadcaster (logged in, with a ``title`` in its hello) sends media as
binary frames and ``{"type": "stop"}`` to end the broadcast.
"""

import asyncio
import contextlib
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocketState

from streamchat import events
from streamchat.api.deps import is_allowed_origin
from streamchat.api.ws_client import (
    CLOSE_POLICY,
    StreamClient,
    encode,
    error_frame,
    find_user,
)
from streamchat.errors import AppError
from streamchat.live.mirror import get_mirror
from streamchat.live.relay import get_relay
from streamchat.services import streams
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)

router = APIRouter()

HELLO_TIMEOUT = 10.0
ROLES = ("observer", "viewer", "broadcaster")
# Close code 1001 ("going away") for a broadcaster that went silent.
CLOSE_SILENT = 1001


@router.websocket("/ws/stream")
async def stream_socket(websocket: WebSocket) -> None:
    """Serve one /ws/stream client: hello, then events and media both ways."""
    origin = websocket.headers.get("origin")
    if origin is not None and not is_allowed_origin(origin, websocket):  # type: ignore[arg-type]
        logger.warning("rejected a /ws/stream handshake from %s", origin)
        await websocket.close(code=CLOSE_POLICY)
        return
    await websocket.accept()
    try:
        user, session_id = await run_in_threadpool(find_user, websocket)
    except AppError as error:
        await websocket.send_text(encode(error_frame(error.code, error.message)))
        await websocket.close(code=CLOSE_POLICY)
        return
    client = StreamClient(websocket, user, session_id)
    try:
        if await _greet(client):
            await _serve(client)
    except (TimeoutError, WebSocketDisconnect):
        pass
    finally:
        if websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError, WebSocketDisconnect):
                await websocket.close(
                    code=client.outbox.close_code or client.close_code
                )
        logger.debug("stream socket closed (%s)", client.role)


async def _greet(client: StreamClient) -> bool:
    """Read the hello frame and take the role; False when the socket must close."""
    try:
        hello = await asyncio.wait_for(client.receive(), HELLO_TIMEOUT)
    except TimeoutError:
        message = f"No hello frame came within {HELLO_TIMEOUT:.0f} seconds."
        return await _reject(client, "hello_timeout", message)
    if hello is None:
        return False
    if not isinstance(hello, dict) or hello.get("type") != "hello":
        return await _reject(
            client, "hello_required", 'Send {"type": "hello", "role": ...} first.'
        )
    role = hello.get("role")
    if role not in ROLES:
        return await _reject(
            client, "invalid_role", f"The role must be one of {', '.join(ROLES)}."
        )
    client.role = str(role)
    if role == "broadcaster":
        try:
            await _start_broadcast(client, hello)
        except AppError as error:
            return await _reject(client, error.code, error.message)
    return True


async def _reject(client: StreamClient, code: str, message: str) -> bool:
    """Send an error directly, since the sender task is not running yet."""
    await client.websocket.send_text(encode(error_frame(code, message)))
    client.close_code = CLOSE_POLICY
    return False


async def _start_broadcast(client: StreamClient, hello: dict[str, Any]) -> None:
    if client.user is None or client.user.id is None:
        raise AppError(401, "not_authenticated", "Log in to broadcast.")
    title = streams.clean_title(hello.get("title"))
    await get_relay().start(client.user.id, title, client, client.outbox.close)


async def _serve(client: StreamClient) -> None:
    """Run the client's reader, sender and event tasks until one of them ends."""
    relay, mirror = get_relay(), get_mirror()
    mirror.ensure_running()
    client.send(
        {"type": events.WELCOME, "role": client.role, "stream": mirror.public_state()}
    )
    if client.role == "viewer":
        mirror.add_viewer(client.outbox)
    tasks = [
        asyncio.create_task(_read(client)),
        asyncio.create_task(client.outbox.run(client.websocket)),
        asyncio.create_task(client.forward_events()),
    ]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if client.role == "viewer":
            mirror.remove_viewer(client.outbox)
        elif client.role == "broadcaster":
            relay.disconnect(client)


async def _read(client: StreamClient) -> None:
    """Read frames until the socket closes, a frame is too big, or it goes silent."""
    relay = get_relay()
    silence = get_settings().stream_silence_seconds
    broadcaster = client.role == "broadcaster"
    while True:
        try:
            frame = await asyncio.wait_for(
                client.receive(), silence if broadcaster else None
            )
        except TimeoutError:
            logger.warning(
                "broadcaster silent for %.0f s; ending the broadcast", silence
            )
            await relay.stop(CLOSE_SILENT)
            return
        if frame is None:
            return
        if isinstance(frame, bytes):
            if broadcaster:
                relay.feed(client, frame)
            else:
                client.send(
                    error_frame("forbidden", "Only the broadcaster may send media.")
                )
        elif broadcaster and frame.get("type") == "stop":
            await relay.stop()
        elif frame:
            await client.handle(frame)
