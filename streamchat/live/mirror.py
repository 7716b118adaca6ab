"""The live broadcast as each backend process serves it to its own viewers.

Every process runs one Mirror. It reads the broadcast's media from the bus,
whichever process the broadcaster is connected to, and passes it to the viewers of
this process (audience.py). With the in-process bus the process reads back
its own chunks, so one process and several run the same code.

The Mirror also tracks whether a broadcast is live, from the bus's
stream_started and stream_ended events or from the database (liveness.py),
and sums the viewer counts of all processes (viewers.py).
"""

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from typing import Any

from streamchat import events, realtime
from streamchat.live import liveness
from streamchat.live.audience import Audience
from streamchat.live.outbox import Outbox
from streamchat.live.viewers import ViewerCounts, process_id
from streamchat.services import streams

logger = logging.getLogger(__name__)

# Viewer counts are published at most this often, in seconds.
VIEWERS_INTERVAL = 0.5


class Mirror:
    """The broadcast's media, state and viewer count on this process."""

    def __init__(self) -> None:
        self.audience = Audience()
        # Public state of the broadcast whose broadcaster is connected here.
        self.local_broadcast: dict[str, Any] | None = None
        # Public state of the live broadcast, wherever its broadcaster is.
        self.live_broadcast: dict[str, Any] | None = None
        self.counts = ViewerCounts()
        # ``time.monotonic()`` since when claims on the live broadcast reach
        # this process: the last database read or bus reconnect.
        self.listening_since = 0.0
        self._task: asyncio.Task[None] | None = None
        self._count_task: asyncio.Task[None] | None = None
        self._published_total: int | None = None

    def public_state(self) -> dict[str, Any]:
        """Describe the broadcast for ``GET /stream`` and ``welcome``."""
        state = self.local_broadcast or self.live_broadcast
        if state is None:
            state = streams.stream_public(None, None, 0)
        return {**state, "viewers": self.total_viewers()}

    def total_viewers(self) -> int:
        return self.counts.total(len(self.audience.viewers))

    def start_local(self, state: dict[str, Any]) -> None:
        """Mark the broadcast of ``state`` as the one broadcast from this process."""
        self.local_broadcast = self.live_broadcast = state
        self.counts.claim(state["id"])
        self._published_total = self.total_viewers()

    def end_local(self) -> None:
        """Forget the broadcast from this process once it ended."""
        self._forget_live(self.local_id())
        self.local_broadcast = None
        self._published_total = None

    def add_viewer(self, viewer: Outbox) -> None:
        """Add a viewer; it gets the newest key Cluster on, or waits for one."""
        self.audience.add(viewer)
        self.count_changed()

    def remove_viewer(self, viewer: Outbox) -> None:
        """Forget a viewer whose socket closed."""
        self.audience.remove(viewer)
        self.count_changed()

    def apply_event(self, event: realtime.Event) -> None:
        """Follow the broadcast's start and end, and other processes' counts."""
        data = event.data
        if event.user_id is not None:
            return
        if event.type == events.STREAM_STARTED and data.get("stream"):
            self.live_broadcast = data["stream"]
            self.counts.claim(data["stream"]["id"])
        elif event.type == events.STREAM_ENDED:
            self._end(data.get("stream") or {})
        elif event.type == events.VIEWER_REPORT:
            changed = self.counts.report(
                str(data.get("process")), int(data.get("count") or 0), data.get("id")
            )
            if changed and self.local_broadcast is not None:
                self.count_changed()
        elif event.type == events.RESYNC:
            liveness.keep(liveness.load_live(self))

    def _end(self, ended: dict[str, Any]) -> None:
        self._forget_live(ended.get("id"))
        self.audience.end(ended.get("id"))

    def _forget_live(self, stream_id: object) -> None:
        live = self.live_broadcast
        if live is not None and live.get("id") == stream_id:
            self.live_broadcast = None

    def local_id(self) -> int | None:
        """Return the stream id of the broadcast from this process, if any."""
        return self.local_broadcast["id"] if self.local_broadcast else None

    def count_changed(self) -> None:
        """Report this process's viewer count soon, at most once per interval."""
        if self._count_task is None or self._count_task.done():
            self._count_task = asyncio.create_task(self._report_soon())

    async def _report_soon(self) -> None:
        await asyncio.sleep(VIEWERS_INTERVAL)
        self.report()

    def report(self) -> None:
        """Publish this process's count, and the total if the broadcaster is here."""
        own = len(self.audience.viewers)
        report = {"process": process_id(), "count": own, "id": self.local_id()}
        realtime.publish(events.VIEWER_REPORT, report)
        total = self.total_viewers()
        if self.local_broadcast is not None and total != self._published_total:
            self._published_total = total
            realtime.publish(events.VIEWERS, {"count": total})

    def ensure_running(self) -> None:
        """Start listening to the bus on this event loop, unless it already does."""
        task = self._task
        loop = asyncio.get_running_loop()
        if task is not None and not task.done() and task.get_loop() is loop:
            return
        if task is not None and not task.get_loop().is_closed():
            # A second server in one process (tests do that) takes over, or
            # both would feed the same viewers every chunk.
            task.get_loop().call_soon_threadsafe(task.cancel)
        self._task = asyncio.create_task(self._run(), name="broadcast-mirror")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def _run(self) -> None:
        await asyncio.gather(
            self._listen_media(), self._listen_events(), liveness.watch(self)
        )

    async def _listen_media(self) -> None:
        while True:
            async with realtime.get_bus().subscribe_media() as subscription:
                while not subscription.overflowed:
                    self.audience.receive(await subscription.get())
            logger.warning(
                "the broadcast mirror fell behind; its viewers get media again"
                " when the broadcaster reconnects"
            )
            self.audience.feed = None

    async def _listen_events(self) -> None:
        async with realtime.get_bus().subscribe() as subscription:
            while True:
                event = await subscription.get()
                try:
                    self.apply_event(event)
                except (KeyError, TypeError, ValueError):
                    logger.warning("ignored a malformed %s event", event.type)


_mirror: Mirror | None = None


def get_mirror() -> Mirror:
    """Return this process's mirror."""
    global _mirror
    if _mirror is None:
        _mirror = Mirror()
    return _mirror


@asynccontextmanager
async def run_mirror() -> AsyncIterator[None]:
    """Follow the broadcast on the bus for the lifetime of the app."""
    mirror = get_mirror()
    mirror.ensure_running()
    try:
        yield
    finally:
        await mirror.stop()
