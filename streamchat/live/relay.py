"""The media relay: one broadcaster's WebM to every viewer on this process.

The relay keeps the initialization segment and the media since the newest
Cluster that starts with a key frame, so a viewer who joins late can start
playing at once. Each viewer has its own bounded Outbox, so a slow viewer
never delays the others. The broadcast's lifecycle (start, a grace period
after the broadcaster's socket closes, the end) is published on the bus.

NOTE: the relay lives in one process. With several backend processes, the
viewers must reach the process that holds the broadcaster's socket.
"""

import asyncio
import json
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from streamchat import events, realtime
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.live.outbox import Outbox
from streamchat.live.recording import Recording
from streamchat.models import Stream, User
from streamchat.services import streams
from streamchat.services.webm import Piece, WebMParser
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)

# The media kept for late joiners, in bytes. A longer gap between key frames
# makes late viewers wait for the next one.
MAX_JOIN_BYTES = 16 * 1024 * 1024
# Viewer counts are published at most this often, in seconds.
VIEWERS_INTERVAL = 0.5
MEDIA_RESET = json.dumps({"type": "media_reset"})
# Close code for a broadcaster connection replaced by a newer one (4000-4999
# are free for applications).
CLOSE_REPLACED = 4001


def already_live() -> AppError:
    return AppError(409, "already_live", "Someone is already live. Try later.")


@dataclass
class Broadcast:
    """The broadcast in progress."""

    stream: Stream
    user: User
    recording: Recording
    owner: object | None = None  # the broadcaster's connection, None in grace
    close_owner: Callable[[int], None] | None = None
    parser: WebMParser = field(default_factory=WebMParser)
    init: bytes = b""
    join_pieces: list[bytes] | None = None  # from the newest key Cluster on
    join_bytes: int = 0
    grace: asyncio.Task[None] | None = None


class Relay:
    """The broadcast and the viewers of this process."""

    def __init__(self) -> None:
        self.broadcast: Broadcast | None = None
        self.viewers: set[Outbox] = set()
        self._starting = False
        self._cleaned_up = False
        self._viewers_task: asyncio.Task[None] | None = None
        self._background: set[asyncio.Task[Any]] = set()

    def public_state(self) -> dict[str, Any]:
        """Describe the broadcast for ``GET /stream`` and ``welcome``."""
        current = self.broadcast
        if current is None:
            return streams.stream_public(None, None, len(self.viewers))
        return streams.stream_public(current.stream, current.user, len(self.viewers))

    async def start(
        self, user_id: int, title: str, owner: object, close: Callable[[int], None]
    ) -> None:
        """Start or resume the user's broadcast; raise ``already_live`` if taken.

        A new connection of the same broadcaster takes over from the old one,
        which is closed, so a reloaded page need not wait for the old socket
        to time out.
        """
        current = self.broadcast
        if current is not None:
            if current.user.id != user_id:
                raise already_live()
            self._resume(current, owner, close)
            return
        if self._starting:
            raise already_live()
        self._starting = True
        try:
            stream, user = await asyncio.to_thread(self._start_in_db, user_id, title)
        finally:
            self._starting = False

        current = Broadcast(stream, user, Recording(stream.id or 0), owner, close)
        current.recording.start_part()
        self.broadcast = current
        realtime.publish(events.STREAM_STARTED, {"stream": self.public_state()})

    def _start_in_db(self, user_id: int, title: str) -> tuple[Stream, User]:
        with session_scope(write=True) as db:
            if not self._cleaned_up:
                streams.end_unfinished(db)
                self._cleaned_up = True
            return streams.start_stream(db, user_id, title)

    def _resume(
        self, current: Broadcast, owner: object, close: Callable[[int], None]
    ) -> None:
        if current.grace is not None:
            current.grace.cancel()
            current.grace = None
        if current.close_owner is not None:
            current.close_owner(CLOSE_REPLACED)
        current.owner, current.close_owner = owner, close
        current.parser = WebMParser()
        current.recording.start_part()
        logger.info("broadcast %s resumed", current.stream.id)

    def feed(self, owner: object, data: bytes) -> None:
        """Relay and record media sent by the broadcaster ``owner``."""
        current = self.broadcast
        if current is None or current.owner is not owner:
            return
        current.recording.write(data)
        for piece in current.parser.feed(data):
            self._relay_piece(current, piece)

    def _relay_piece(self, current: Broadcast, piece: Piece) -> None:
        if piece.kind == "init":
            current.init, current.join_pieces = piece.data, None
            for viewer in self.viewers:
                viewer.waiting_for_key = True
            return
        if piece.kind == "cluster" and piece.keyframe:
            current.join_pieces, current.join_bytes = [], 0
            for viewer in self.viewers:
                if viewer.waiting_for_key:
                    self._send_init(viewer, current)
        if current.join_pieces is not None:
            current.join_pieces.append(piece.data)
            current.join_bytes += len(piece.data)
            if current.join_bytes > MAX_JOIN_BYTES:
                current.join_pieces = None
        for viewer in self.viewers:
            viewer.put_media(piece.data)

    def _send_init(self, viewer: Outbox, current: Broadcast) -> None:
        viewer.put_text(MEDIA_RESET)
        viewer.waiting_for_key = False
        viewer.put_media(current.init)

    def add_viewer(self, viewer: Outbox) -> None:
        """Add a viewer; it gets the newest key Cluster on, or waits for one."""
        self.viewers.add(viewer)
        current = self.broadcast
        if current is not None and current.init and current.join_pieces:
            self._send_init(viewer, current)
            for data in current.join_pieces:
                viewer.put_media(data)
        self._count_viewers()

    def remove_viewer(self, viewer: Outbox) -> None:
        """Forget a viewer whose socket closed."""
        self.viewers.discard(viewer)
        self._count_viewers()

    def _count_viewers(self) -> None:
        if self._viewers_task is None or self._viewers_task.done():
            self._viewers_task = asyncio.create_task(self._publish_viewers())

    async def _publish_viewers(self) -> None:
        await asyncio.sleep(VIEWERS_INTERVAL)
        realtime.publish(events.VIEWERS, {"count": len(self.viewers)})

    def disconnect(self, owner: object) -> None:
        """Give the broadcaster ``owner`` the grace period to come back."""
        current = self.broadcast
        if current is None or current.owner is not owner:
            return
        current.owner = current.close_owner = None
        current.grace = asyncio.create_task(self._end_after_grace(current))
        logger.info("broadcast %s: the broadcaster left", current.stream.id)

    async def _end_after_grace(self, current: Broadcast) -> None:
        await asyncio.sleep(get_settings().stream_grace_seconds)
        if self.broadcast is current and current.owner is None:
            await self.stop()

    async def stop(self, close_code: int = 1000) -> None:
        """End the broadcast: tell everyone, close the broadcaster, save the replay.

        The work runs in a task of its own, so it completes even when the
        caller, often the broadcaster's socket, is cancelled meanwhile.
        """
        current = self.broadcast
        if current is None:
            return
        self.broadcast = None
        await asyncio.shield(self._keep(self._finish(current, close_code)))

    def _keep(self, work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def _finish(self, current: Broadcast, close_code: int) -> None:
        if current.grace is not None and current.grace is not asyncio.current_task():
            current.grace.cancel()
        ended = await asyncio.to_thread(self._end_in_db, current.stream.id or 0)
        state = streams.stream_public(ended or current.stream, current.user, 0)
        state["viewers"] = len(self.viewers)
        realtime.publish(events.STREAM_ENDED, {"stream": state})
        if current.close_owner is not None:
            current.close_owner(close_code)
        await current.recording.finish()

    @staticmethod
    def _end_in_db(stream_id: int) -> Stream | None:
        with session_scope(write=True) as db:
            return streams.end_stream(db, stream_id)

    async def wait_for_recordings(self) -> None:
        """Wait until every ended broadcast's replay is saved (for shutdown)."""
        if self._background:
            await asyncio.gather(*self._background, return_exceptions=True)


_relay: Relay | None = None


def get_relay() -> Relay:
    """Return this process's relay."""
    global _relay
    if _relay is None:
        _relay = Relay()
    return _relay
