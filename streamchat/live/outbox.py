"""A bounded queue of frames for one /ws/stream client, and its sender.

Every frame for a client, text or media, goes through one Outbox and one
sender task, so frames keep their order and a slow client never blocks the
code that queues for it. Media is bounded in bytes: a viewer that falls too
far behind drops its queued media and waits for the next key frame, and one
that keeps falling behind is disconnected.
"""

import asyncio
import logging
from collections import deque

from starlette.websockets import WebSocket

logger = logging.getLogger(__name__)

# Text frames queued for one client before it counts as stuck and is closed.
MAX_TEXT_FRAMES = 1000
# WebSocket close code 1013 means "try again later".
CLOSE_TOO_SLOW = 1013


class Outbox:
    """Frames waiting to be sent to one client."""

    def __init__(self, max_media_bytes: int, max_skips: int) -> None:
        self._frames: deque[str | bytes] = deque()
        self._ready = asyncio.Event()
        self._media_bytes = 0
        self._text_frames = 0
        self._max_media_bytes = max_media_bytes
        self._max_skips = max_skips
        self.close_code: int | None = None
        self._sender: asyncio.Task[None] | None = None
        # Set while the viewer must receive the initialization segment and a
        # Cluster starting with a key frame before any other media.
        self.waiting_for_key = True
        self.skips = 0

    def put_text(self, text: str) -> None:
        """Queue a text frame; close the client if it stopped reading."""
        if self._text_frames >= MAX_TEXT_FRAMES:
            logger.warning("closing a client that stopped reading events")
            self.close(CLOSE_TOO_SLOW)
            return
        self._frames.append(text)
        self._text_frames += 1
        self._ready.set()

    def put_media(self, data: bytes) -> None:
        """Queue media; on overflow drop queued media and wait for a key frame."""
        if self.close_code is not None or self.waiting_for_key:
            return
        if self._media_bytes + len(data) > self._max_media_bytes:
            self._skip_ahead()
            return
        self._frames.append(data)
        self._media_bytes += len(data)
        self._ready.set()

    def _skip_ahead(self) -> None:
        self.skips += 1
        if self.skips > self._max_skips:
            logger.warning("closing a viewer that keeps falling behind")
            self.close(CLOSE_TOO_SLOW)
            return
        self._frames = deque(frame for frame in self._frames if isinstance(frame, str))
        self._media_bytes = 0
        self.waiting_for_key = True
        logger.debug("a slow viewer skips ahead to the next key frame")

    def close(self, code: int) -> None:
        """Send what is queued, then close the socket with ``code``.

        A client closed for being too slow gets nothing more: its sender task
        is cancelled even when it is blocked on a send.
        """
        if self.close_code is not None:
            return
        self.close_code = code
        self._ready.set()
        if code == CLOSE_TOO_SLOW and self._sender is not None:
            self._frames.clear()
            self._sender.cancel()

    @property
    def media_bytes(self) -> int:
        return self._media_bytes

    async def run(self, websocket: WebSocket) -> None:
        """Send queued frames in order until the outbox is closed."""
        self._sender = asyncio.current_task()
        while True:
            await self._ready.wait()
            if not self._frames:
                self._ready.clear()
                if self.close_code is not None:
                    await websocket.close(code=self.close_code)
                    return
                self.skips = 0  # the viewer caught up
                continue
            frame = self._frames.popleft()
            if isinstance(frame, bytes):
                self._media_bytes -= len(frame)
                await websocket.send_bytes(frame)
            else:
                self._text_frames -= 1
                await websocket.send_text(frame)
