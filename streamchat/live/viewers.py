"""Viewer counts of the other backend processes, and their claims on broadcasts.

Every process publishes its own viewer count, with a random process id, when
it changes and every ``HEARTBEAT`` seconds while a broadcast is live. Each
worker of a server is a process of its own here.
The process with the broadcaster's socket also names the broadcast's stream id
in its report, which claims that the broadcast is alive. A report older than
``REPORT_TTL`` is forgotten, so a process that stopped drops out of the total.
"""

import os
import time
import uuid

# Seconds between the reports of a process while a broadcast is live.
HEARTBEAT = 2.0
# A report is counted for this many seconds: three missed heartbeats.
REPORT_TTL = 3 * HEARTBEAT
# Reports kept at most; beyond that the oldest is dropped. Far above the
# number of backend processes a deployment runs.
MAX_PROCESSES = 256
# Claims on broadcasts kept at most; only the newest broadcasts matter.
MAX_CLAIMS = 16

_process_ids: dict[int, str] = {}


def process_id() -> str:
    """Return a random id of this process, a new one in each forked worker."""
    pid = os.getpid()
    if pid not in _process_ids:
        _process_ids.clear()
        _process_ids[pid] = uuid.uuid4().hex[:16]
    return _process_ids[pid]


class ViewerCounts:
    """The newest viewer count of each other process, and broadcast claims."""

    def __init__(self) -> None:
        self._counts: dict[str, tuple[int, float]] = {}
        self._claims: dict[int, float] = {}

    def report(self, process: str, count: int, stream_id: int | None) -> bool:
        """Store a process's report; return whether the total may have changed."""
        now = time.monotonic()
        if stream_id is not None:
            self.claim(stream_id, now)
        if process == process_id():
            return False
        previous = self._counts.pop(process, None)
        self._counts[process] = (count, now)
        while len(self._counts) > MAX_PROCESSES:
            del self._counts[next(iter(self._counts))]
        return previous is None or previous[0] != count

    def claim(self, stream_id: int, when: float | None = None) -> None:
        """Record that a process reported the broadcast ``stream_id`` as alive."""
        self._claims.pop(stream_id, None)
        self._claims[stream_id] = time.monotonic() if when is None else when
        while len(self._claims) > MAX_CLAIMS:
            del self._claims[next(iter(self._claims))]

    def last_claim(self, stream_id: int) -> float | None:
        """Return the ``time.monotonic()`` of the newest claim on a broadcast."""
        return self._claims.get(stream_id)

    def total(self, own: int) -> int:
        """Add this process's ``own`` count to the fresh reports of the others."""
        limit = time.monotonic() - REPORT_TTL
        for process, (_, seen) in list(self._counts.items()):
            if seen < limit:
                del self._counts[process]
        return own + sum(count for count, _ in self._counts.values())
