"""Measure the live relay against a bare WebSocket fan-out of the same bytes.

One broadcaster sends a MediaRecorder-style WebM at about 2.5 Mbit/s, in a
chunk every 250 ms, to a server process, and 10, 100 and 300 viewers
receive it, first through /ws/stream (the relay) and then through /bare (a
fan-out without parsing or limits), in the same run. Reported per case: the
server's CPU time per second of broadcast, the delay from sending a chunk to
a viewer holding all of it (p50 and p99 over every viewer and chunk), and the
server's resident memory, and the share of (viewer, chunk) pairs that
arrived whole within 30 s of the last chunk (a relay viewer that skipped
ahead stops counting at the skip).

    .venv/bin/python benchmarks/relay.py [--seconds 10] [--viewers 10 100 300]

Viewers run in this process, so their own CPU use adds to both delays alike.
"""

import argparse
import asyncio
import contextlib
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.stream.media import as_media_recorder, make_webm  # noqa: E402

CHUNK_SECONDS = 0.25
BITRATE = 2_500_000
PORT = 3540
CONNECT_LIMIT_S = 60
DRAIN_LIMIT_S = 30


def make_media(seconds: int) -> list[bytes]:
    """Encode ``seconds`` of noisy video at about 2.5 Mbit/s, cut in 250 ms chunks."""
    data = as_media_recorder(
        make_webm(seconds=seconds, fps=25, gop=25, bit_rate=BITRATE, noise=True)
    )
    per_chunk = max(1, int(len(data) / seconds * CHUNK_SECONDS))
    return [data[at : at + per_chunk] for at in range(0, len(data), per_chunk)]


def server_usage(pid: int) -> tuple[float, int]:
    """Return the process's CPU seconds and resident memory in bytes (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    cpu = (int(fields[11]) + int(fields[12])) / ticks
    rss = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return cpu, rss


async def open_viewer(url: str, hello: str) -> ClientConnection:
    connection = await connect(
        url, max_size=None, ping_interval=None, origin=f"http://127.0.0.1:{PORT}"
    )  # type: ignore[arg-type]
    await connection.send(hello)
    return connection


async def receive(
    connection: ClientConnection, total: int, arrivals: list[tuple[int, float]]
) -> None:
    """Record (bytes so far, time) after each binary frame until ``total`` bytes.

    A relay viewer that skipped ahead gets a second ``media_reset``; its byte
    count no longer matches the broadcaster's, so recording stops there.
    """
    received = resets = 0
    while received < total:
        frame = await connection.recv()
        if isinstance(frame, bytes):
            received += len(frame)
            arrivals.append((received, time.perf_counter()))
        elif json.loads(frame).get("type") == "media_reset":
            resets += 1
            if resets > 1:
                return


async def run_case(
    mode: str, viewers: int, chunks: list[bytes], pid: int
) -> dict[str, float]:
    base = f"ws://127.0.0.1:{PORT}"
    if mode == "relay":
        url, hello = (
            f"{base}/ws/stream",
            json.dumps({"type": "hello", "role": "viewer"}),
        )
    else:
        url, hello = f"{base}/bare", "viewer"
    clients = await asyncio.wait_for(
        asyncio.gather(*(open_viewer(url, hello) for _ in range(viewers))),
        CONNECT_LIMIT_S,
    )
    caster = await start_broadcaster(mode, base)
    await asyncio.sleep(1)
    total = sum(len(chunk) for chunk in chunks)
    arrivals: list[list[tuple[int, float]]] = [[] for _ in clients]
    readers = [
        asyncio.create_task(receive(c, total, a))
        for c, a in zip(clients, arrivals, strict=True)
    ]
    cpu_before, _ = server_usage(pid)
    sent = await send_chunks(caster, chunks)
    await asyncio.wait(readers, timeout=DRAIN_LIMIT_S)
    cpu_after, rss = server_usage(pid)
    for reader in readers:
        reader.cancel()
    with contextlib.suppress(ConnectionClosed):
        if mode == "relay":
            await caster.send(json.dumps({"type": "stop"}))
    for connection in (*clients, caster):
        await connection.close()
    delays = chunk_delays(chunks, sent, arrivals)
    duration = len(chunks) * CHUNK_SECONDS
    return {
        "delivered": len(delays) / (len(chunks) * viewers),
        "cpu_per_s": (cpu_after - cpu_before) / duration,
        "p50_ms": statistics.median(delays) * 1000 if delays else float("nan"),
        "p99_ms": statistics.quantiles(delays, n=100)[98] * 1000
        if len(delays) > 1
        else float("nan"),
        "rss_mb": rss / 2**20,
    }


async def start_broadcaster(mode: str, base: str) -> ClientConnection:
    if mode == "bare":
        caster = await connect(f"{base}/bare", max_size=None, ping_interval=None)
        await caster.send("broadcaster")
        return caster
    token = os.environ["BENCH_TOKEN"]
    caster = await connect(
        f"{base}/ws/stream?token={token}", max_size=None, ping_interval=None
    )
    await caster.send(
        json.dumps({"type": "hello", "role": "broadcaster", "title": "Bench"})
    )
    reply = json.loads(await caster.recv())
    if reply["type"] != "welcome":
        raise RuntimeError(f"the broadcast did not start: {reply}")
    return caster


async def send_chunks(caster: ClientConnection, chunks: list[bytes]) -> list[float]:
    """Send one chunk every 250 ms; return each chunk's send time."""
    sent = []
    start = time.perf_counter()
    for index, chunk in enumerate(chunks):
        await asyncio.sleep(
            max(0.0, start + index * CHUNK_SECONDS - time.perf_counter())
        )
        sent.append(time.perf_counter())
        await caster.send(chunk)
    return sent


def chunk_delays(
    chunks: list[bytes], sent: list[float], arrivals: list[list[tuple[int, float]]]
) -> list[float]:
    """For each viewer and chunk: the time from sending it to holding all of it."""
    ends, total = [], 0
    for chunk in chunks:
        total += len(chunk)
        ends.append(total)
    delays = []
    for viewer in arrivals:
        position = 0
        for end, moment in zip(ends, sent, strict=True):
            while position < len(viewer) and viewer[position][0] < end:
                position += 1
            if position == len(viewer):
                break  # the viewer never received this chunk whole
            delays.append(viewer[position][1] - moment)
    return delays


def create_token(folder: Path) -> str:
    with httpx.Client(base_url=f"http://127.0.0.1:{PORT}", timeout=30) as http:
        reply = http.post(
            "/register",
            json={
                "name": "bench",
                "email": "bench@example.com",
                "password": "bench password 1",
            },
        )
        reply.raise_for_status()
        csrf = reply.json()["csrf_token"]
        token = http.post(
            "/api/tokens", json={"name": "bench"}, headers={"X-CSRF-Token": csrf}
        )
        token.raise_for_status()
        return str(token.json()["token"])


def start_server(folder: Path) -> subprocess.Popen[bytes]:
    """Start benchmarks/relay_server.py on PORT, which must be free."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", PORT)) == 0:
            raise RuntimeError(f"port {PORT} is in use; stop what listens there first")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'bench.db'}",
        "STREAMCHAT_MEDIA_DIR": str(folder / "media"),
        "STREAMCHAT_PORT": str(PORT),
        "STREAMCHAT_BCRYPT_ROUNDS": "4",
        "PYTHONPATH": str(ROOT),
    }
    subprocess.run(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
    )
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "relay_server.py"), str(PORT)],
        cwd=ROOT,
        env=env,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            httpx.get(f"http://127.0.0.1:{PORT}/api/health", timeout=2)
            return server
        except httpx.HTTPError:
            time.sleep(0.2)
    server.kill()
    raise RuntimeError("the benchmark server did not start")


def format_row(viewers: int, mode: str, result: dict[str, float]) -> str:
    return (
        f"{viewers:>7} {mode:>5} {result['cpu_per_s']:>8.3f} "
        f"{result['p50_ms']:>8.1f} {result['p99_ms']:>8.1f} "
        f"{result['rss_mb']:>7.0f} {result['delivered']:>6.0%}"
    )


async def main(seconds: int, viewer_counts: list[int]) -> None:
    chunks = make_media(seconds)
    rate = sum(map(len, chunks)) * 8 / (len(chunks) * CHUNK_SECONDS) / 1e6
    print(f"media: {len(chunks)} chunks of 250 ms, {rate:.2f} Mbit/s")
    with tempfile.TemporaryDirectory() as folder:
        server = start_server(Path(folder))
        try:
            os.environ["BENCH_TOKEN"] = create_token(Path(folder))
            print("viewers  mode  CPU s/s   p50 ms   p99 ms  RSS MB  whole")
            for viewers in viewer_counts:
                for mode in ("bare", "relay"):
                    result = await run_case(mode, viewers, chunks, server.pid)
                    print(format_row(viewers, mode, result))
                    await asyncio.sleep(2)
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait(timeout=10)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--seconds", type=int, default=10, help="length of the broadcast, in seconds"
    )
    parser.add_argument(
        "--viewers",
        type=int,
        nargs="+",
        default=[10, 100, 300],
        help="viewer counts to measure",
    )
    arguments = parser.parse_args()
    asyncio.run(main(arguments.seconds, arguments.viewers))
