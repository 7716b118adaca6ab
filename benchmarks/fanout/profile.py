"""Sample the server with py-spy during a phase and list where the time goes."""

import collections
import logging
import signal
import subprocess
import sys
from pathlib import Path

logger = logging.getLogger(__name__)


class Profiler:
    """A ``py-spy record`` of a process tree, stopped with SIGINT."""

    def __init__(self, pid: int, output: Path) -> None:
        self.output = output
        py_spy = Path(sys.executable).parent / "py-spy"
        command = [
            str(py_spy), "record", "--pid", str(pid), "--subprocesses",
            "--format", "raw", "--rate", "200", "--nonblocking",
            "--output", str(output),
        ]  # fmt: skip
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def stop(self) -> None:
        self.process.send_signal(signal.SIGINT)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            logger.warning("py-spy did not stop in 30 s; the profile may be missing")


# Frames that only start processes, threads and the event loop.
BOOTSTRAP = ("multiprocessing/", "granian/", "click/", "threading.py", "reflex:",
             "reflex/reflex.py", "reflex/utils/exec.py", "asyncio/base_events.py",
             "asyncio/runners.py", "asyncio/events.py")  # fmt: skip


def _frames(stack: str) -> list[str]:
    """Return ``function (file)`` for each Python frame, outermost first.

    A raw py-spy line is ``frame;frame;... count``. Process and thread
    frames are dropped, and so are line numbers, so that samples of one
    function add up.
    """
    frames = []
    for frame in stack.split(";"):
        if frame.startswith(("process ", "thread ")) or " (" not in frame:
            continue
        function, _, location = frame.partition(" (")
        frames.append(f"{function} ({location.rsplit(':', 1)[0]})")
    return frames


def summarize(output: Path, top: int = 25) -> str:
    """Return the functions with the most samples, inclusive and self."""
    inclusive: collections.Counter[str] = collections.Counter()
    own: collections.Counter[str] = collections.Counter()
    total = 0
    for line in output.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = _frames(stack)
        if not frames or frames[-1].startswith("select ("):
            continue  # native threads, or the event loop waiting
        samples = int(count)
        total += samples
        own[frames[-1]] += samples
        for frame in set(frames):
            if not any(part in frame for part in BOOTSTRAP):
                inclusive[frame] += samples
    if not total:
        return "No busy samples were recorded."
    lines = [f"{total} busy samples. Inclusive:", ""]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "Self:", ""]
    lines += [f"  {n / total:6.1%}  {name}" for name, n in own.most_common(top)]
    return "\n".join(lines)
