"""One client of /ws/stream: reading frames within limits, events, chat frames."""

import json
import logging
from typing import Any

from fastapi import WebSocket
from fastapi.concurrency import run_in_threadpool

from streamchat import events
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.live.outbox import Outbox
from streamchat.models import User
from streamchat.realtime import Event, get_bus
from streamchat.services import auth, chat
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)

# WebSocket close codes: 1008 policy violation, 1009 message too big.
CLOSE_POLICY = 1008
CLOSE_TOO_BIG = 1009

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


def find_user(websocket: WebSocket) -> tuple[User | None, int | None]:
    """Identify the client by ``?token=`` or by the session cookie.

    Returns the user and, for a cookie, the id of its login session. Raises
    a 401 for a ``?token=`` that is not a valid access token.
    """
    token = websocket.query_params.get("token")
    with session_scope() as db:
        if token:
            user = auth.find_access_token_user(db, token)
            if user is None:
                message = "The access token is invalid or revoked."
                raise AppError(401, "invalid_token", message)
            return user, None
        cookie = websocket.cookies.get(get_settings().cookie_name)
        found = auth.find_session(db, cookie) if cookie else None
        return (found[0], found[1].id) if found else (None, None)


def error_frame(code: str, message: str) -> dict[str, Any]:
    return {"type": events.ERROR, "code": code, "message": message}


def encode(frame: dict[str, Any]) -> str:
    return json.dumps(frame, separators=(",", ":"))


class StreamClient:
    """One /ws/stream connection after its handshake."""

    def __init__(
        self, websocket: WebSocket, user: User | None, session_id: int | None = None
    ) -> None:
        settings = get_settings()
        self.websocket = websocket
        self.user = user
        # The login session of a cookie; its end ends this socket too.
        self.session_id = session_id
        self.role = "observer"
        self.close_code = 1000
        self.outbox = Outbox(
            settings.stream_viewer_queue_bytes, settings.stream_viewer_max_skips
        )

    def send(self, frame: dict[str, Any]) -> None:
        """Queue a JSON text frame."""
        self.outbox.put_text(encode(frame))

    async def receive(self) -> dict[str, Any] | bytes | None:
        """Read one frame: a JSON object, media bytes, or None when closed.

        A frame above its size limit sets ``close_code`` to 1009 and returns
        None. A text frame that is not a JSON object returns an empty dict.
        """
        settings = get_settings()
        message = await self.websocket.receive()
        if message["type"] == "websocket.disconnect":
            return None
        data = message.get("bytes")
        if data is not None:
            if len(data) > settings.ws_max_binary_frame:
                self._too_big(len(data))
                return None
            return bytes(data)
        text = message.get("text") or ""
        if len(text) > settings.ws_max_text_frame or (
            len(text.encode()) > settings.ws_max_text_frame
        ):
            self._too_big(len(text.encode()))
            return None
        try:
            frame = json.loads(text)
        except ValueError:
            frame = None
        if not isinstance(frame, dict):
            self.send(error_frame("invalid_frame", "Frames must be JSON objects."))
            return {}
        return frame

    def _too_big(self, size: int) -> None:
        logger.warning("closing a %s socket after a %d-byte frame", self.role, size)
        self.close_code = CLOSE_TOO_BIG

    async def handle(self, frame: dict[str, Any]) -> None:
        """Handle the text frames that every role may send."""
        kind = frame.get("type")
        if kind == "ping":
            self.send({"type": "pong"})
        elif kind == "chat":
            await self._run(self._chat, frame)
        elif kind == "like":
            await self._run(self._like, frame)
        elif kind:
            self.send(error_frame("unknown_type", f"Unknown frame type {kind!r}."))

    async def _run(self, action: Any, frame: dict[str, Any]) -> None:
        if self.user is None:
            self.send(error_frame("not_authenticated", "Log in first."))
            return
        try:
            await run_in_threadpool(action, frame)
        except AppError as error:
            self.send(error_frame(error.code, error.message))

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

    def _ends_here(self, event: Event) -> bool:
        """Tell whether ``event`` ends this socket's login (a ban or a logout)."""
        if event.type == events.USER_BANNED:
            return True
        return (
            event.type == events.SESSION_ENDED
            and self.session_id is not None
            and event.data.get("session_id") == self.session_id
        )

    async def forward_events(self) -> None:
        """Queue bus events for this client until the socket closes."""
        own_id = self.user.id if self.user else None
        async with get_bus().subscribe() as subscription:
            while True:
                event: Event = await subscription.get()
                if event.user_id is not None:
                    if event.user_id != own_id:
                        continue
                    if self._ends_here(event):
                        self.send(error_frame("session_ended", "Log in again."))
                        self.outbox.close(CLOSE_POLICY)
                    if event.type in (events.SESSION_ENDED, events.USER_BANNED):
                        continue
                elif event.type not in PUBLIC_EVENTS:
                    continue
                self.send({"type": event.type, **event.data})
