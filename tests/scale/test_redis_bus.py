"""The Redis bus relays events and media between processes and survives outages.

Two RedisBus objects on one event loop stand for two backend processes: each
has its own origin id and its own subscribers, and they meet only in Redis.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

import pytest

from streamchat import events
from streamchat.realtime import Event, Subscription
from streamchat.redis_bus import RedisBus
from tests.backends import RedisServer
from tests.scale.helpers import in_own_thread

pytestmark = pytest.mark.redis

# A bound on every wait, so that a broken bus fails the test instead of
# hanging it. The events themselves arrive in milliseconds.
WAIT = 30.0


@asynccontextmanager
async def running_buses(url: str, count: int) -> AsyncIterator[list[RedisBus]]:
    buses = [RedisBus(url) for _ in range(count)]
    for bus in buses:
        await bus.start()
    try:
        for bus in buses:
            await asyncio.wait_for(bus.connected.wait(), WAIT)
        yield buses
    finally:
        for bus in buses:
            await bus.stop()


async def next_event(subscription: Subscription) -> Event:
    return await asyncio.wait_for(subscription.get(), WAIT)


def run(test: Callable[[], Awaitable[None]]) -> None:
    in_own_thread(lambda: asyncio.run(asyncio.wait_for(test(), WAIT * 3)))


def test_event_reaches_other_process(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 2) as (first, second),
            second.subscribe() as subscription,
        ):
            event = Event(events.CHAT_MESSAGE, {"message": {"id": 7}}, None)
            await asyncio.to_thread(first.publish, event)
            received = await next_event(subscription)
        assert received == event

    run(scenario)


def test_user_event_keeps_user_id(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 2) as (first, second),
            second.subscribe() as subscription,
        ):
            event = Event(events.NOTIFICATION, {"id": 3}, user_id=42)
            await asyncio.to_thread(first.publish, event)
            received = await next_event(subscription)
        assert received.user_id == 42
        assert received.data == {"id": 3}

    run(scenario)


def test_own_event_delivered_once(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 2) as (first, second),
            first.subscribe() as subscription,
        ):
            own = Event(events.LIKE_UPDATE, {"message_id": 1, "likes": 1})
            await asyncio.to_thread(first.publish, own)
            marker = Event(events.LIKE_UPDATE, {"message_id": 2, "likes": 1})
            await asyncio.to_thread(second.publish, marker)
            received = [await next_event(subscription) for _ in range(2)]
            leftover = subscription.drain()
        assert received == [own, marker]
        assert leftover == []

    run(scenario)


def test_publish_from_event_loop(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 2) as (first, second),
            second.subscribe() as subscription,
        ):
            event = Event(events.VIEWERS, {"count": 3})
            first.publish(event)
            received = await next_event(subscription)
        assert received == event

    run(scenario)


def test_media_chunk_relayed_unchanged(redis_server: RedisServer) -> None:
    chunk = bytes(range(256)) * 64

    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 2) as (first, second),
            second.subscribe_media() as media,
        ):
            await asyncio.to_thread(first.publish_media, chunk)
            received = await asyncio.wait_for(media.get(), WAIT)
        assert received == chunk

    run(scenario)


def test_publish_returns_while_redis_down(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 1) as (bus,),
            bus.subscribe() as subscription,
        ):
            redis_server.stop()
            event = Event(events.CHAT_MESSAGE, {"message": {"id": 1}})
            for _ in range(5):
                await asyncio.to_thread(bus.publish, event)
            local = [await next_event(subscription) for _ in range(5)]
        assert local == [event] * 5

    run(scenario)


def test_resync_after_redis_restart(redis_server: RedisServer) -> None:
    async def scenario() -> None:
        async with (
            running_buses(redis_server.url, 2) as (first, second),
            second.subscribe() as subscription,
        ):
            redis_server.stop()
            lost = Event(events.CHAT_MESSAGE, {"message": {"id": 1}})
            await asyncio.to_thread(first.publish, lost)
            redis_server.start()
            resync = await next_event(subscription)
            await asyncio.wait_for(first.connected.wait(), WAIT)
            after = Event(events.CHAT_MESSAGE, {"message": {"id": 2}})
            await asyncio.to_thread(first.publish, after)
            later = [await next_event(subscription) for _ in range(2)]
        assert resync.type == events.RESYNC
        assert after in later

    run(scenario)
