"""The event bus: publish domain events after commit, subscribe to them.

Two implementations share one interface: an in-process bus (the default, one
backend process) and a Redis pub/sub bus (several processes). Which one runs
is configuration: ``REDIS_URL`` set selects Redis.

Services run in worker threads, so ``publish`` may be called from any thread;
subscribers are asyncio queues read on the event loop.
"""

import asyncio
import json
import logging
import threading
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any, Protocol

logger = logging.getLogger(__name__)

# A subscriber that falls this many events behind is closed, so one stuck
# reader cannot make the process buffer without bound. It catches up from the
# database when it resubscribes.
SUBSCRIBER_QUEUE_SIZE = 10_000
# Media chunks are larger and useless once late, so a media subscriber gets a
# shorter queue and is closed sooner when it falls behind.
MEDIA_QUEUE_SIZE = 256


@dataclass(frozen=True)
class Event:
    """A domain event. ``user_id`` set means it is for that user only."""

    type: str
    data: dict[str, Any] = field(default_factory=dict)
    user_id: int | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, raw: str | bytes) -> "Event":
        payload = json.loads(raw)
        return cls(payload["type"], payload.get("data") or {}, payload.get("user_id"))


class Subscription:
    """A queue of events for one subscriber; ``overflowed`` when it fell behind."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[Event] = asyncio.Queue(SUBSCRIBER_QUEUE_SIZE)
        self.overflowed = False

    def deliver(self, event: Event) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(event)
        except asyncio.QueueFull:
            self.overflowed = True
            logger.warning("subscriber fell %d events behind", SUBSCRIBER_QUEUE_SIZE)

    async def get(self) -> Event:
        return await self.queue.get()

    def drain(self) -> list[Event]:
        """Take every event already queued, without waiting."""
        events = []
        while not self.queue.empty():
            events.append(self.queue.get_nowait())
        return events


class MediaSubscription:
    """A queue of broadcast media chunks for one viewer."""

    def __init__(self) -> None:
        self.queue: asyncio.Queue[bytes] = asyncio.Queue(MEDIA_QUEUE_SIZE)
        self.overflowed = False

    def deliver(self, chunk: bytes) -> None:
        if self.overflowed:
            return
        try:
            self.queue.put_nowait(chunk)
        except asyncio.QueueFull:
            self.overflowed = True
            logger.warning("media subscriber fell %d chunks behind", MEDIA_QUEUE_SIZE)

    async def get(self) -> bytes:
        return await self.queue.get()


class Bus(Protocol):
    def publish(self, event: Event) -> None: ...

    def subscribe(self) -> AbstractAsyncContextManager[Subscription]: ...

    def publish_media(self, chunk: bytes) -> None: ...

    def subscribe_media(self) -> AbstractAsyncContextManager[MediaSubscription]: ...

    async def start(self) -> None: ...

    async def stop(self) -> None: ...


class LocalBus:
    """Delivers events to the subscribers of this process."""

    def __init__(self) -> None:
        self._subscribers: set[Subscription] = set()
        self._media_subscribers: set[MediaSubscription] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._lock = threading.Lock()

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()

    async def stop(self) -> None:
        self._subscribers.clear()
        self._media_subscribers.clear()

    def publish(self, event: Event) -> None:
        """Queue ``event`` for every subscriber; safe from any thread."""
        self._call_on_loop(self._fan_out, event, event.type)

    def publish_media(self, chunk: bytes) -> None:
        """Queue a broadcast media chunk for every media subscriber."""
        self._call_on_loop(self._fan_out_media, chunk, "media chunk")

    def _call_on_loop(self, function: Any, argument: Any, what: str) -> None:
        loop = self._loop
        if loop is None:
            logger.debug("bus not started, dropping %s", what)
            return
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:
            function(argument)
        elif not loop.is_closed():
            loop.call_soon_threadsafe(function, argument)

    def _fan_out(self, event: Event) -> None:
        for subscription in tuple(self._subscribers):
            subscription.deliver(event)

    def _fan_out_media(self, chunk: bytes) -> None:
        for subscription in tuple(self._media_subscribers):
            subscription.deliver(chunk)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        subscription = Subscription()
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    @asynccontextmanager
    async def subscribe_media(self) -> AsyncIterator[MediaSubscription]:
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
        subscription = MediaSubscription()
        self._media_subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._media_subscribers.discard(subscription)

    @property
    def subscriber_count(self) -> int:
        return len(self._subscribers)


_bus: Bus | None = None
_bus_lock = threading.Lock()


def get_bus() -> Bus:
    """Return this process's bus, chosen by the settings on first use."""
    global _bus
    with _bus_lock:
        if _bus is None:
            from streamchat.settings import get_settings

            redis_url = get_settings().redis_url
            if redis_url:
                from streamchat.redis_bus import RedisBus

                _bus = RedisBus(redis_url)
            else:
                _bus = LocalBus()
        return _bus


@asynccontextmanager
async def run_bus() -> AsyncIterator[None]:
    """Start this process's bus for the lifetime of the app, then stop it."""
    bus = get_bus()
    await bus.start()
    try:
        yield
    finally:
        await bus.stop()


def publish(event_type: str, data: dict[str, Any], user_id: int | None = None) -> None:
    """Publish an event on this process's bus. Call it after the commit."""
    get_bus().publish(Event(event_type, data, user_id))
