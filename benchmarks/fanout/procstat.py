"""CPU time and resident memory of a server's process tree, from /proc.

Reflex's production server is a launcher process with a Granian worker
below it, so the figures sum the process and all its descendants.
"""

import os
from pathlib import Path

TICKS_PER_SECOND = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        children = task / "children"
        if children.exists():
            found += [int(child) for child in children.read_text().split()]
    return found


def process_tree(pid: int) -> list[int]:
    """Return ``pid`` and all its living descendants."""
    tree, pending = [], [pid]
    while pending:
        current = pending.pop()
        try:
            pending += _children(current)
        except FileNotFoundError:
            continue
        tree.append(current)
    return tree


def cpu_seconds(pid: int) -> float:
    """Return the user plus system CPU seconds of the process tree of ``pid``."""
    ticks = 0
    for member in process_tree(pid):
        try:
            stat = Path(f"/proc/{member}/stat").read_text()
        except FileNotFoundError:
            continue
        # The command name may contain spaces; the fields after it may not.
        fields = stat.rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])  # utime and stime
    return ticks / TICKS_PER_SECOND


def resident_bytes(pid: int) -> int:
    """Return the resident memory of the process tree of ``pid``, in bytes."""
    pages = 0
    for member in process_tree(pid):
        try:
            pages += int(Path(f"/proc/{member}/statm").read_text().split()[1])
        except FileNotFoundError:
            continue
    return pages * PAGE_SIZE


def load_average() -> str:
    """Return the 1, 5 and 15 minute load averages as /proc/loadavg shows them."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])
