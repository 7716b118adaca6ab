"""The live broadcast's liveness when its broadcaster may be on another process.

A Stream row is live while its ``ended_at`` is NULL, and normally only the
process with the broadcaster's socket ends it. That process claims the
broadcast every ``HEARTBEAT`` seconds in its viewer report on the bus. When a
process dies, its row stays open, so the rule is: a process that has heard no
claim on an open broadcast for ``ABANDONED_AFTER`` seconds, while it listened
on a connected bus, ends it. With the in-process bus the process is alone,
so a row it does not own was left open by an earlier run and ends that many
seconds after the start.
"""

import asyncio
import logging
import time
from collections.abc import Coroutine
from typing import TYPE_CHECKING, Any

from streamchat import events, realtime
from streamchat.db import session_scope
from streamchat.live.viewers import HEARTBEAT
from streamchat.services import streams

if TYPE_CHECKING:
    from streamchat.live.mirror import Mirror

logger = logging.getLogger(__name__)

# NOTE: a process cut off from Redis this long loses its broadcast to this
# rule although its broadcaster still sends.
ABANDONED_AFTER = 5 * HEARTBEAT
_background: set[asyncio.Task[Any]] = set()


def keep(work: Coroutine[Any, Any, None]) -> asyncio.Task[None]:
    """Run ``work`` in a task that is referenced until it finishes."""
    task = asyncio.create_task(work)
    _background.add(task)
    task.add_done_callback(_background.discard)
    return task


async def load_live(mirror: "Mirror") -> None:
    """Read the live broadcast from the database, unless its broadcaster is here.

    Claims that this process missed before the read do not count against
    the broadcast, so its window to be claimed starts again.
    """
    mirror.listening_since = time.monotonic()
    try:
        found = await asyncio.to_thread(_find_live)
    except Exception:
        logger.exception("cannot read the live broadcast from the database")
        return
    if mirror.local_broadcast is None:
        mirror.live_broadcast = found


def _find_live() -> dict[str, Any] | None:
    with session_scope() as db:
        found = streams.find_live(db)
        return streams.stream_public(*found, 0) if found else None


async def watch(mirror: "Mirror") -> None:
    """Report this process's viewers while a broadcast is live; end abandoned ones."""
    await load_live(mirror)
    while True:
        await asyncio.sleep(HEARTBEAT)
        if mirror.local_broadcast is None and mirror.live_broadcast is None:
            continue
        mirror.report()
        if not _bus_connected():
            # Claims cannot arrive while the bus is down.
            mirror.listening_since = time.monotonic()
            continue
        try:
            await _end_if_abandoned(mirror)
        except Exception:
            logger.exception("cannot end an abandoned broadcast")


def _bus_connected() -> bool:
    # RedisBus sets its ``connected`` event while it listens to Redis; the
    # in-process bus has none and is always connected.
    connected = getattr(realtime.get_bus(), "connected", None)
    return not isinstance(connected, asyncio.Event) or connected.is_set()


async def _end_if_abandoned(mirror: "Mirror") -> None:
    live = mirror.live_broadcast
    if live is None or mirror.local_broadcast is not None:
        return
    claimed = mirror.counts.last_claim(live["id"]) or 0.0
    last_claim = max(mirror.listening_since, claimed)
    if time.monotonic() - last_claim < ABANDONED_AFTER:
        return

    ended = await asyncio.to_thread(_end_in_db, live["id"])
    if mirror.live_broadcast is live:
        mirror.live_broadcast = None
    if ended:
        logger.warning(
            "broadcast %s ended: no process claimed it for %.0f s",
            live["id"],
            ABANDONED_AFTER,
        )
        state = {**live, "live": False, "viewers": mirror.total_viewers()}
        realtime.publish(events.STREAM_ENDED, {"stream": state})


def _end_in_db(stream_id: int) -> bool:
    with session_scope(write=True) as db:
        return streams.end_stream(db, stream_id) is not None
