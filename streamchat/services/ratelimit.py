"""Rate limits, counted in process memory or, with REDIS_URL set, in Redis."""

import logging
import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.errors import StorageError
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from streamchat.errors import AppError
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)


# Seconds a rate-limit check waits for Redis before the request fails.
REDIS_TIMEOUT = 2.0


@lru_cache
def _limiter() -> MovingWindowRateLimiter:
    redis_url = get_settings().redis_url
    if redis_url:
        storage = storage_from_string(
            redis_url,
            wrap_exceptions=True,
            socket_timeout=REDIS_TIMEOUT,
            socket_connect_timeout=REDIS_TIMEOUT,
        )
    else:
        storage = MemoryStorage()
    assert isinstance(storage, Storage)
    return MovingWindowRateLimiter(storage)


def _unavailable(error: StorageError) -> AppError:
    logger.warning("rate-limit storage failed: %s", error.storage_error)
    return AppError(
        503,
        "unavailable",
        "The site cannot check rate limits right now. Try again in a moment.",
        retry_after=5,
    )


@lru_cache
def _parse(rule: str) -> RateLimitItem:
    return parse(rule)


def _active(rule: str) -> bool:
    return bool(rule) and get_settings().rate_limits_enabled


def _too_many(rule: str, key: str, message: str) -> AppError:
    reset_at = _limiter().get_window_stats(_parse(rule), key).reset_time
    retry_after = max(1, math.ceil(reset_at - time.time()))
    logger.warning("rate limited: %s", key.split(":", 1)[0])
    return AppError(429, "rate_limited", message, retry_after=retry_after)


def check(rule: str, key: str, message: str) -> None:
    """Raise a 429 when ``key`` already used up ``rule``, without counting.

    Raises a 503 when the rate-limit storage (Redis) cannot be reached.
    """
    if not _active(rule):
        return
    try:
        allowed = _limiter().test(_parse(rule), key)
    except StorageError as error:
        raise _unavailable(error) from error
    if not allowed:
        raise _too_many(rule, key, message)


def hit(rule: str, key: str, message: str) -> None:
    """Count one use of ``rule`` for ``key``, raising a 429 when over it.

    Raises a 503 when the rate-limit storage (Redis) cannot be reached.
    """
    if not _active(rule):
        return
    try:
        allowed = _limiter().hit(_parse(rule), key)
    except StorageError as error:
        raise _unavailable(error) from error
    if not allowed:
        raise _too_many(rule, key, message)


def clear(rule: str, key: str) -> None:
    """Forget the uses of ``rule`` counted for ``key``."""
    if not _active(rule):
        return
    try:
        _limiter().clear(_parse(rule), key)
    except StorageError as error:
        logger.warning("rate-limit storage failed: %s", error.storage_error)


def reset() -> None:
    """Forget every count; tests use it between cases."""
    _limiter().storage.reset()
