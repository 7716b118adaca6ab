"""The broadcaster's side of a live broadcast, on the process it connected to.

The relay records the broadcaster's WebM and publishes it on the bus's media
channel, where the Mirror of every process, this one included, reads it for
its own viewers (mirror.py). The broadcast's lifecycle (start, a grace period
after the broadcaster's socket closes, the end) is published as events.
"""

import asyncio
import logging
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from streamchat import events, realtime
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.live.media_channel import MediaChunk, publish_chunk
from streamchat.live.mirror import get_mirror
from streamchat.live.recording import Recording
from streamchat.models import Stream, User
from streamchat.services import streams
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)

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
    # Number of the next media chunk; 0 starts a new byte stream on the bus.
    next_chunk: int = 0
    grace: asyncio.Task[None] | None = None


class Relay:
    """The broadcast whose broadcaster is connected to this process, if any."""

    def __init__(self) -> None:
        self.broadcast: Broadcast | None = None
        self._starting = False
        self._background: set[asyncio.Task[Any]] = set()

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
        mirror = get_mirror()
        mirror.ensure_running()
        mirror.start_local(streams.stream_public(stream, user, 0))
        realtime.publish(events.STREAM_STARTED, {"stream": mirror.public_state()})

    @staticmethod
    def _start_in_db(user_id: int, title: str) -> tuple[Stream, User]:
        with session_scope(write=True) as db:
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
        current.next_chunk = 0
        current.recording.start_part()
        logger.info("broadcast %s resumed", current.stream.id)

    def feed(self, owner: object, data: bytes) -> None:
        """Record media sent by the broadcaster ``owner`` and publish it."""
        current = self.broadcast
        if current is None or current.owner is not owner:
            return
        current.recording.write(data)
        number = current.next_chunk
        current.next_chunk += 1
        publish_chunk(MediaChunk(current.stream.id or 0, number, number == 0, data))

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
        get_mirror().end_local()
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
        state["viewers"] = get_mirror().total_viewers()
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
