"""WebSocket /ws/stream: live events for scripts, and the broadcast's media.

A client first sends ``{"type": "hello", "role": ...}``. Observers receive the
site's public events and their own notifications, and may send ``chat``,
``like`` and ``ping`` frames, which go through the same services as REST.
"""

import asyncio
import contextlib
import json
import logging
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect
from fastapi.concurrency import run_in_threadpool
from starlette.websockets import WebSocketState

from streamchat import events
from streamchat.api.deps import is_allowed_origin
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.models import User
from streamchat.realtime import Event, get_bus
from streamchat.services import auth, chat
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)

router = APIRouter()

# Text frames larger than this close the socket with 1009 (message too big).
MAX_TEXT_FRAME = 16 * 1024
HELLO_TIMEOUT = 10.0
ROLES = ("observer", "viewer", "broadcaster")

PUBLIC_EVENTS = frozenset(
    {
        events.CHAT_MESSAGE,
        events.MESSAGE_DELETED,
        events.LIKE_UPDATE,
        events.VIDEO_CHANGED,
        events.STREAM_STARTED,
        events.STREAM_ENDED,
        events.VIEWERS,
        events.RESYNC,
    }
)


def _find_user(websocket: WebSocket) -> User | None:
    token = websocket.query_params.get("token")
    with session_scope() as db:
        if token:
            return auth.find_access_token_user(db, token)
        cookie = websocket.cookies.get(get_settings().cookie_name)
        found = auth.find_session(db, cookie) if cookie else None
        return found[0] if found else None


def _error(code: str, message: str) -> dict[str, Any]:
    return {"type": events.ERROR, "code": code, "message": message}


class StreamSocket:
    """One client connection of /ws/stream."""

    def __init__(self, websocket: WebSocket, user: User | None) -> None:
        self.websocket = websocket
        self.user = user
        self.role = "observer"

    async def send(self, frame: dict[str, Any]) -> None:
        await self.websocket.send_text(json.dumps(frame, separators=(",", ":")))

    async def receive_frame(self) -> dict[str, Any] | None:
        """Read one JSON text frame; None when the socket closed."""
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        if message.get("bytes") is not None:
            await self.send(_error("forbidden", "Only the broadcaster may send media."))
            return {}
        text = message.get("text") or ""
        if len(text.encode()) > MAX_TEXT_FRAME:
            await self.websocket.close(code=1009)
            return None
        try:
            frame = json.loads(text)
        except ValueError:
            await self.send(_error("invalid_frame", "Frames must be JSON objects."))
            return {}
        if not isinstance(frame, dict):
            await self.send(_error("invalid_frame", "Frames must be JSON objects."))
            return {}
        return frame

    async def handle(self, frame: dict[str, Any]) -> None:
        kind = frame.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "chat":
            await self._run(self._chat, frame)
        elif kind == "like":
            await self._run(self._like, frame)
        elif kind:
            await self.send(_error("unknown_type", f"Unknown frame type {kind!r}."))

    async def _run(self, action: Any, frame: dict[str, Any]) -> None:
        if self.user is None:
            await self.send(_error("not_authenticated", "Log in first."))
            return
        try:
            await run_in_threadpool(action, frame)
        except AppError as error:
            await self.send(_error(error.code, error.message))

    def _chat(self, frame: dict[str, Any]) -> None:
        text = frame.get("text")
        assert self.user is not None
        assert self.user.id is not None
        with session_scope(write=True) as db:
            chat.post_message(db, self.user.id, text if isinstance(text, str) else "")

    def _like(self, frame: dict[str, Any]) -> None:
        message_id = frame.get("message_id")
        if not isinstance(message_id, int):
            raise AppError(400, "validation_failed", "message_id must be an integer.")
        assert self.user is not None
        assert self.user.id is not None
        with session_scope(write=True) as db:
            chat.set_like(db, self.user.id, message_id, str(frame.get("action")))

    async def forward_events(self) -> None:
        """Send bus events to this client until the socket closes."""
        own_id = self.user.id if self.user else None
        async with get_bus().subscribe() as subscription:
            while True:
                event: Event = await subscription.get()
                if event.user_id is not None:
                    if event.user_id != own_id:
                        continue
                    if event.type in (events.SESSION_ENDED, events.USER_BANNED):
                        if event.type == events.USER_BANNED:
                            await self.websocket.close(code=1008)
                        continue
                elif event.type not in PUBLIC_EVENTS:
                    continue
                await self.send({"type": event.type, **event.data})


@router.websocket("/ws/stream")
async def stream_socket(websocket: WebSocket) -> None:
    """Serve one /ws/stream client: hello, then events both ways."""
    origin = websocket.headers.get("origin")
    if origin is not None and not is_allowed_origin(origin, websocket):  # type: ignore[arg-type]
        await websocket.close(code=1008)
        return
    await websocket.accept()
    client = StreamSocket(websocket, await run_in_threadpool(_find_user, websocket))
    forwarder: asyncio.Task[None] | None = None
    try:
        hello = await asyncio.wait_for(client.receive_frame(), HELLO_TIMEOUT)
        if not hello or hello.get("type") != "hello" or hello.get("role") not in ROLES:
            await client.send(
                _error("hello_required", 'Send {"type": "hello", "role": ...} first.')
            )
            await websocket.close(code=1008)
            return
        client.role = hello["role"]
        await client.send({"type": events.WELCOME, "role": client.role, "stream": None})
        forwarder = asyncio.create_task(client.forward_events())
        while (frame := await client.receive_frame()) is not None:
            await client.handle(frame)
    except (TimeoutError, WebSocketDisconnect):
        pass
    finally:
        if forwarder:
            forwarder.cancel()
        if websocket.application_state == WebSocketState.CONNECTED:
            with contextlib.suppress(RuntimeError):
                await websocket.close()
        logger.debug("stream socket closed (%s)", client.role)
