"""The Redis pub/sub bus, for several backend processes on one Redis.

Every process delivers its own events to its own subscribers at once, as
``LocalBus`` does, and also publishes them on a Redis channel. Each process
listens on that channel and hands what other processes published to its local
subscribers, skipping its own messages by their origin id. Broadcast media
chunks travel the same way on a second channel, as raw bytes.

Redis pub/sub keeps nothing for a listener that is away, so events published
while Redis is unreachable are lost for the other processes. The bus then
publishes ``events.RESYNC`` once Redis is reachable again, and subscribers reload
from the database, which always has every committed change.
"""

import asyncio
import concurrent.futures
import json
import logging
import threading
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict

import redis
import redis.asyncio as aioredis
from redis.backoff import NoBackoff
from redis.retry import Retry

from streamchat import events
from streamchat.realtime import Event, LocalBus, MediaSubscription, Subscription

logger = logging.getLogger(__name__)

EVENTS_CHANNEL = "streamchat:events"
MEDIA_CHANNEL = "streamchat:media"
# Seconds one publish may wait for Redis before the event is dropped.
PUBLISH_TIMEOUT = 1.0
# After a failed publish, later publishes are dropped at once for this many
# seconds instead of each waiting PUBLISH_TIMEOUT for a Redis that is down.
PUBLISH_PAUSE = 1.0
# The listener reconnects after 0.1 s, doubling the wait up to this many seconds.
RECONNECT_MAX_DELAY = 5.0
ORIGIN_SIZE = 16


class RedisBus:
    """Relays events and media chunks between processes through Redis pub/sub."""

    def __init__(self, url: str) -> None:
        self._url = url
        self._local = LocalBus()
        self._origin = uuid.uuid4().bytes
        self._client = redis.Redis.from_url(
            url,
            socket_timeout=PUBLISH_TIMEOUT,
            socket_connect_timeout=PUBLISH_TIMEOUT,
            retry=Retry(NoBackoff(), 0),
        )
        # One sender thread keeps this process's events in publish order and
        # keeps blocking socket calls off the event loop.
        self._sender = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="redis-bus"
        )
        self._paused_until = 0.0
        self._dropped = 0
        self._send_lock = threading.Lock()
        self._listener: asyncio.Task[None] | None = None
        self.connected = asyncio.Event()

    async def start(self) -> None:
        await self._local.start()
        self._listener = asyncio.create_task(self._listen(), name="redis-bus")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        await self._local.stop()
        self._sender.shutdown(wait=False, cancel_futures=True)
        self._client.close()

    def publish(self, event: Event) -> None:
        """Deliver ``event`` here and publish it to the other processes.

        Safe from any thread. A worker thread waits for Redis at most about
        ``PUBLISH_TIMEOUT``; the event loop thread never waits.
        """
        self._local.publish(event)
        payload = json.dumps(asdict(event), separators=(",", ":")).encode()
        self._relay(EVENTS_CHANNEL, self._origin + payload)

    def publish_media(self, chunk: bytes) -> None:
        """Deliver a broadcast media chunk here and to the other processes."""
        self._local.publish_media(chunk)
        self._relay(MEDIA_CHANNEL, self._origin + chunk)

    @asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        async with self._local.subscribe() as subscription:
            yield subscription

    @asynccontextmanager
    async def subscribe_media(self) -> AsyncIterator[MediaSubscription]:
        async with self._local.subscribe_media() as subscription:
            yield subscription

    def _relay(self, channel: str, message: bytes) -> None:
        try:
            future = self._sender.submit(self._send, channel, message)
        except RuntimeError:
            logger.debug("bus stopped, not relaying to %s", channel)
            return
        if _in_event_loop():
            return
        try:
            future.result(timeout=PUBLISH_TIMEOUT * 2)
        except concurrent.futures.TimeoutError:
            logger.warning("publishing to Redis timed out; the event was dropped")

    def _send(self, channel: str, message: bytes) -> None:
        with self._send_lock:
            if time.monotonic() < self._paused_until:
                self._dropped += 1
                return
            try:
                if self._dropped:
                    self._send_resync()
                self._client.publish(channel, message)
            except redis.RedisError as error:
                self._paused_until = time.monotonic() + PUBLISH_PAUSE
                self._dropped += 1
                logger.warning("cannot publish to Redis, dropping events: %s", error)

    def _send_resync(self) -> None:
        resync = json.dumps({"type": events.RESYNC, "data": {}, "user_id": None})
        self._client.publish(EVENTS_CHANNEL, self._origin + resync.encode())
        logger.info(
            "Redis is reachable again; %d events were not relayed", self._dropped
        )
        self._dropped = 0

    async def _listen(self) -> None:
        delay = 0.1
        missed = False
        while True:
            try:
                await self._listen_once(resync=missed)
            except (redis.RedisError, OSError) as error:
                if self.connected.is_set() or not missed:
                    logger.warning("lost the Redis bus, reconnecting: %s", error)
                if self.connected.is_set():
                    delay = 0.1
                missed = True
            self.connected.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_DELAY)

    async def _listen_once(self, resync: bool) -> None:
        client = aioredis.Redis.from_url(
            self._url, socket_connect_timeout=2.0, health_check_interval=5
        )
        try:
            async with client.pubsub() as pubsub:
                await pubsub.subscribe(EVENTS_CHANNEL, MEDIA_CHANNEL)
                self._paused_until = 0.0
                self.connected.set()
                if resync:
                    logger.info("the Redis bus is back; subscribers reload")
                    self._local.publish(Event(events.RESYNC))
                while True:
                    message = await pubsub.get_message(
                        ignore_subscribe_messages=True, timeout=1.0
                    )
                    if message is not None:
                        self._receive(message["channel"], message["data"])
        finally:
            await client.aclose()

    def _receive(self, channel: bytes, data: bytes) -> None:
        if data[:ORIGIN_SIZE] == self._origin:
            return
        body = data[ORIGIN_SIZE:]
        if channel == MEDIA_CHANNEL.encode():
            self._local.publish_media(body)
            return
        try:
            event = Event.from_json(body)
        except (ValueError, KeyError, TypeError):
            logger.warning("ignored a malformed event on %s", EVENTS_CHANNEL)
            return
        self._local.publish(event)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True
