"""Rate limits, counted in process memory or, with REDIS_URL set, in Redis."""

import logging
import math
import time
from functools import lru_cache

from limits import RateLimitItem, parse
from limits.storage import MemoryStorage, Storage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from streamchat.errors import AppError
from streamchat.settings import get_settings

logger = logging.getLogger(__name__)


@lru_cache
def _limiter() -> MovingWindowRateLimiter:
    redis_url = get_settings().redis_url
    storage = storage_from_string(redis_url) if redis_url else MemoryStorage()
    assert isinstance(storage, Storage)
    return MovingWindowRateLimiter(storage)


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
    """Raise a 429 when ``key`` already used up ``rule``, without counting."""
    if _active(rule) and not _limiter().test(_parse(rule), key):
        raise _too_many(rule, key, message)


def hit(rule: str, key: str, message: str) -> None:
    """Count one use of ``rule`` for ``key``, raising a 429 when over it."""
    if _active(rule) and not _limiter().hit(_parse(rule), key):
        raise _too_many(rule, key, message)


def count(rule: str, key: str) -> None:
    """Count one use of ``rule`` for ``key`` without raising."""
    if _active(rule):
        _limiter().hit(_parse(rule), key)


def reset() -> None:
    """Forget every count; tests use it between cases."""
    _limiter().storage.reset()
