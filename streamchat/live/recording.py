"""Write a broadcast to the media folder while it streams, then save the replay.

Bytes are written by one task in a worker thread, in arrival order, so the
event loop never waits for the disk. Each start or resume of the broadcaster
begins a new part file; when the broadcast ends the parts are joined into the
replay's file and its Video row is created.
"""

import asyncio
import logging
from pathlib import Path
from typing import IO

from streamchat.db import session_scope
from streamchat.models import Video
from streamchat.services import streams
from streamchat.services.recording import join_parts

logger = logging.getLogger(__name__)

# Bytes waiting for the disk before the recording gives up, so a stalled disk
# cannot make the process buffer the whole broadcast in memory.
MAX_PENDING_BYTES = 64 * 1024 * 1024


class Recording:
    """The files of one broadcast's recording."""

    def __init__(self, stream_id: int) -> None:
        self.stream_id = stream_id
        self.parts: list[Path] = []
        self._queue: asyncio.Queue[bytes | Path | None] = asyncio.Queue()
        self._pending = 0
        self.failed = False
        self._task = asyncio.create_task(self._write_all())

    def start_part(self) -> None:
        """Begin a new part file; the next bytes are its initialization segment."""
        part = streams.videos_dir() / f"part-{streams.new_stored_name()}"
        self.parts.append(part)
        self._queue.put_nowait(part)

    def write(self, data: bytes) -> None:
        """Queue ``data`` for the current part."""
        if self.failed:
            return
        if self._pending + len(data) > MAX_PENDING_BYTES:
            logger.error("broadcast %s: the disk fell behind", self.stream_id)
            self.failed = True
            return
        self._pending += len(data)
        self._queue.put_nowait(data)

    async def _write_all(self) -> None:
        handle: IO[bytes] | None = None
        try:
            while (item := await self._queue.get()) is not None:
                if isinstance(item, Path):
                    if handle is not None:
                        await asyncio.to_thread(handle.close)
                    handle = await asyncio.to_thread(item.open, "wb")
                elif handle is not None and not self.failed:
                    self._pending -= len(item)
                    await asyncio.to_thread(handle.write, item)
        except OSError:
            logger.exception(
                "broadcast %s: writing the recording failed", self.stream_id
            )
            self.failed = True
        finally:
            if handle is not None:
                await asyncio.to_thread(handle.close)

    async def finish(self) -> int | None:
        """Close the parts, save the replay and return its video id, if any."""
        self._queue.put_nowait(None)
        await self._task
        try:
            return await asyncio.to_thread(self._save)
        finally:
            for part in self.parts:
                await asyncio.to_thread(part.unlink, True)

    def _save(self) -> int | None:
        if self.failed or not self.parts:
            return None
        stored_name = streams.new_stored_name()
        target = streams.videos_dir() / stored_name
        try:
            facts = join_parts(self.parts, target)
        except Exception:  # PyAV raises many error types for broken media
            logger.exception("broadcast %s: saving the replay failed", self.stream_id)
            target.unlink(missing_ok=True)
            return None
        with session_scope(write=True) as db:
            video: Video | None = streams.save_recording(
                db, self.stream_id, stored_name, facts
            )
        return video.id if video else None
