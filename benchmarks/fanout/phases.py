"""Measuring phases: one message at a time, a flood, a burst, REST reads.

A phase sends messages that carry fresh nonces, waits until every client
has each one or a timeout passes, and returns what the clients and the
server's /proc entries show.
"""

import asyncio
import contextlib
import itertools
import logging
import os
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from fanout import procstat
from fanout.clients import TRACKER, Receiver

logger = logging.getLogger(__name__)

Sender = Callable[[str], Awaitable[None]]

DELIVERY_TIMEOUT = 10.0
# After a phase's deadline, deliveries still count as late (not lost) for up to
# this many seconds more. A message that never arrives in that time is lost.
LATE_GRACE = 60.0
# Seconds to wait after the last delivery, so work still running for the
# phase (frames being written, tasks finishing) lands in its CPU figure.
SETTLE = 0.3
_counter = itertools.count(1)


def next_nonce() -> str:
    return f"fanout-{os.getpid()}-{next(_counter)}"


async def wait_idle(pid: int, limit: float = 60.0) -> None:
    """Wait until the server uses under a fifth of a core, at most ``limit`` s.

    A phase that timed out leaves a backlog, and the next phase must not pay
    for it.
    """
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = procstat.cpu_seconds(pid)
        await asyncio.sleep(0.5)
        if procstat.cpu_seconds(pid) - before < 0.1:
            return
    logger.warning("server %d still busy after %.0f s", pid, limit)


class SendFailed(Exception):
    """A send that the server rejected with an error status."""

    def __init__(self, status: int) -> None:
        super().__init__(f"status {status}")
        self.status = status


@dataclass
class PhaseResult:
    """The deliveries of one phase and the server CPU time they cost."""

    messages: int
    clients: int
    latencies: list[float] = field(default_factory=list)
    late: int = 0
    lost: int = 0
    failed_sends: Counter[str] = field(default_factory=Counter)
    cpu_seconds: float = 0.0
    payload_bytes: int = 0
    elapsed: float = 0.0
    nonces: list[str] = field(default_factory=list)
    # Messages of the phase missing from the database, when the run checked.
    unstored: int | None = None

    @property
    def delivered(self) -> int:
        return len(self.latencies)

    def percentile(self, fraction: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]

    @property
    def cpu_per_update(self) -> float:
        return self.cpu_seconds / self.delivered if self.delivered else float("nan")

    @property
    def bytes_per_update(self) -> float:
        return self.payload_bytes / self.delivered if self.delivered else float("nan")

    @property
    def rate(self) -> float:
        """Messages per second from the first send until the last delivery."""
        return self.messages / self.elapsed if self.elapsed else float("nan")


class Measurement:
    """Snapshot the clients and the server before a phase, then sum up after."""

    def __init__(self, clients: list[Receiver], pid: int) -> None:
        self.clients = clients
        self.pid = pid
        self.sent: dict[str, float] = {}
        self.completes: list[asyncio.Event] = []
        self.failed_sends: Counter[str] = Counter()
        # Set by the phase when it stops waiting; arrivals after it are late.
        self.deadline = float("inf")
        TRACKER.expected = len(clients)
        self.cpu = procstat.cpu_seconds(pid)
        self.bytes = sum(client.payload_bytes for client in clients)

    async def send(self, sender: Sender) -> asyncio.Event:
        nonce = next_nonce()
        complete = TRACKER.expect(nonce)
        self.completes.append(complete)
        self.sent[nonce] = time.monotonic()
        try:
            await sender(f"Fan-out benchmark message {nonce}")
        except SendFailed as error:
            self.failed_sends[str(error.status)] += 1
            logger.warning("sending %s failed with status %d", nonce, error.status)
        except httpx.HTTPError as error:
            # The server may still store and publish the message, so it stays
            # expected and counts as late or lost like any other.
            self.failed_sends[type(error).__name__] += 1
            logger.warning("sending %s failed: %r", nonce, error)
        return complete

    async def finish(self) -> PhaseResult:
        """Wait out the late deliveries, then count what arrived and when."""
        if self.deadline == float("inf"):
            self.deadline = time.monotonic()
        grace_end = time.monotonic() + LATE_GRACE
        for complete in self.completes:
            await _wait(complete, max(0.0, grace_end - time.monotonic()))
        await asyncio.sleep(SETTLE)
        result = PhaseResult(len(self.sent), len(self.clients))
        result.failed_sends = self.failed_sends
        result.nonces = list(self.sent)
        result.cpu_seconds = procstat.cpu_seconds(self.pid) - self.cpu
        result.payload_bytes = sum(c.payload_bytes for c in self.clients) - self.bytes
        last = max(self.sent.values(), default=0.0)
        for client in self.clients:
            for nonce, sent_at in self.sent.items():
                arrived = client.arrivals.get(nonce)
                if arrived is None:
                    result.lost += 1
                    continue
                result.latencies.append(arrived - sent_at)
                last = max(last, arrived)
                if arrived > self.deadline:
                    result.late += 1
        result.elapsed = last - min(self.sent.values(), default=last)
        logger.info(
            "%d clients: p50 %.0f ms, p99 %.0f ms, max %.0f ms, %d late, %d lost, "
            "sends failed %s, %.0f µs CPU and %.0f bytes per update, "
            "%.1f messages/s",
            result.clients, result.percentile(0.5) * 1000,
            result.percentile(0.99) * 1000, result.percentile(1.0) * 1000,
            result.late, result.lost, dict(result.failed_sends),
            result.cpu_per_update * 1e6, result.bytes_per_update, result.rate,
        )  # fmt: skip
        return result


async def _wait(complete: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(complete.wait(), seconds)


async def one_at_a_time(
    clients: list[Receiver],
    pid: int,
    sender: Sender,
    count: int,
    pause: float = 0.05,
) -> PhaseResult:
    """Send ``count`` messages, each after every client has the one before."""
    await wait_idle(pid)
    measurement = Measurement(clients, pid)
    for _ in range(count):
        complete = await measurement.send(sender)
        await _wait(complete, DELIVERY_TIMEOUT)
        await asyncio.sleep(pause)
    measurement.deadline = time.monotonic()
    return await measurement.finish()


async def paced(
    clients: list[Receiver],
    pid: int,
    sender: Sender,
    count: int,
    seconds: float,
) -> PhaseResult:
    """Send ``count`` messages spread evenly over ``seconds``; 0 means at once."""
    await wait_idle(pid)
    measurement = Measurement(clients, pid)
    started = time.monotonic()

    async def send_at(index: int) -> asyncio.Event:
        await asyncio.sleep(
            max(0.0, started + index * seconds / count - time.monotonic())
        )
        return await measurement.send(sender)

    completes = await asyncio.gather(*(send_at(i) for i in range(count)))
    deadline = time.monotonic() + DELIVERY_TIMEOUT + count * 0.2
    for complete in completes:
        await _wait(complete, max(0.0, deadline - time.monotonic()))
    measurement.deadline = deadline
    return await measurement.finish()


async def flood(
    clients: list[Receiver],
    pid: int,
    sender: Sender,
    count: int,
    concurrency: int,
) -> PhaseResult:
    """Send ``count`` messages from ``concurrency`` senders as fast as accepted."""
    await wait_idle(pid)
    measurement = Measurement(clients, pid)
    gate = asyncio.Semaphore(concurrency)

    async def send_one() -> asyncio.Event:
        async with gate:
            return await measurement.send(sender)

    completes = await asyncio.gather(*(send_one() for _ in range(count)))
    deadline = time.monotonic() + DELIVERY_TIMEOUT + count * 0.2
    for complete in completes:
        await _wait(complete, max(0.0, deadline - time.monotonic()))
    measurement.deadline = deadline
    return await measurement.finish()


async def rest_reads(url: str, workers: int, seconds: float) -> tuple[float, int]:
    """GET ``url`` from ``workers`` keep-alive clients for ``seconds``.

    Return the successful requests per second and the count of failures.
    """
    limits = httpx.Limits(max_connections=workers, max_keepalive_connections=workers)
    ok = failed = 0
    async with httpx.AsyncClient(limits=limits, timeout=10) as client:
        deadline = time.monotonic() + seconds

        async def worker() -> None:
            nonlocal ok, failed
            while time.monotonic() < deadline:
                response = await client.get(url)
                if response.status_code == 200:
                    ok += 1
                else:
                    failed += 1

        started = time.monotonic()
        await asyncio.gather(*(worker() for _ in range(workers)))
        elapsed = time.monotonic() - started
    return ok / elapsed, failed
