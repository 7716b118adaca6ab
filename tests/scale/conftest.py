"""Fixtures of the scale tests: Redis servers of their own."""

from collections.abc import Iterator

import pytest

from tests.backends import RedisServer


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """Start a redis-server for this test and stop it afterwards."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()
