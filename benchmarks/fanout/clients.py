"""Simulated clients: Reflex browsers, /ws/stream observers, bare sockets.

Every client records when each benchmark nonce first appears in a frame it
receives, and how many payload bytes it received. A nonce is a token such as
``fanout-7-12`` that the sender puts into the message text, so a client does
not need to understand the shape of the update to see that a message arrived.
"""

import asyncio
import json
import re
import time
import uuid
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

NONCE = re.compile(r"fanout-\d+-\d+")
# Reflex's frontend passes its version as the websocket subprotocol.
REFLEX_VERSION = "0.10.1"
# Reflex's socket.io namespace and the root state's name, as in the compiled
# frontend of Reflex 0.10.1 (reflex_base/.templates/web/utils/state.js).
NAMESPACE = "/_event"
ROOT_STATE = "reflex___state____state"
CONNECT_TIMEOUT = 30.0


class Tracker:
    """Counts the clients that have each nonce and signals when all have it."""

    def __init__(self) -> None:
        self.expected = 0
        self.counts: dict[str, int] = {}
        self.complete: dict[str, asyncio.Event] = {}

    def expect(self, nonce: str) -> asyncio.Event:
        self.counts.setdefault(nonce, 0)
        return self.complete.setdefault(nonce, asyncio.Event())

    def seen(self, nonce: str) -> None:
        count = self.counts.get(nonce, 0) + 1
        self.counts[nonce] = count
        if count >= self.expected and nonce in self.complete:
            self.complete[nonce].set()


TRACKER = Tracker()


class Receiver:
    """Base of every simulated client: a socket and what arrived on it."""

    def __init__(self) -> None:
        self.arrivals: dict[str, float] = {}
        self.payload_bytes = 0
        self.frames = 0
        self.socket: ClientConnection | None = None
        self.task: asyncio.Task[None] | None = None
        self.closed_early = False

    def record(self, text: str) -> None:
        now = time.monotonic()
        self.payload_bytes += len(text.encode())
        self.frames += 1
        for nonce in NONCE.findall(text):
            if nonce not in self.arrivals:
                self.arrivals[nonce] = now
                TRACKER.seen(nonce)

    async def read_forever(self) -> None:
        assert self.socket is not None
        try:
            async for frame in self.socket:
                text = frame if isinstance(frame, str) else frame.decode()
                await self.on_frame(text)
        except ConnectionClosed:
            pass
        self.closed_early = True

    async def on_frame(self, text: str) -> None:
        self.record(text)

    def start_reading(self) -> None:
        self.task = asyncio.create_task(self.read_forever())

    async def close(self) -> None:
        if self.task:
            self.task.cancel()
        if self.socket:
            await self.socket.close()


class ReflexBrowser(Receiver):
    """A page of the Reflex app, speaking Engine.IO 4 and Socket.IO 5.

    It does what the compiled frontend does on load: open ``/_event`` with a
    random tab token, put the ``hydrate_and_load`` event into the CONNECT
    packet and reply to Engine.IO pings. It applies no delta and only
    searches them for nonces.
    """

    def __init__(self, port: int, cookie: str | None = None) -> None:
        super().__init__()
        self.port = port
        self.cookie = cookie
        self.token = str(uuid.uuid4())
        self.hydrated = asyncio.Event()

    async def open(self) -> None:
        url = (
            f"ws://127.0.0.1:{self.port}{NAMESPACE}/"
            f"?token={self.token}&EIO=4&transport=websocket"
        )
        headers = {"Cookie": self.cookie} if self.cookie else None
        self.socket = await connect(
            url,
            subprotocols=[REFLEX_VERSION],  # type: ignore[list-item]
            origin=f"http://127.0.0.1:{self.port}",  # type: ignore[arg-type]
            additional_headers=headers,
            max_size=None,
            open_timeout=CONNECT_TIMEOUT,
        )
        opened = await self.socket.recv()
        if not str(opened).startswith("0"):
            raise RuntimeError(f"expected an Engine.IO open packet, got {opened!r}")
        boot = {"event": self.event(f"{ROOT_STATE}.hydrate_and_load", {})}
        await self.socket.send(f"40{NAMESPACE}," + json.dumps(boot))
        self.start_reading()
        await asyncio.wait_for(self.hydrated.wait(), CONNECT_TIMEOUT)

    def event(self, name: str, payload: dict[str, Any]) -> dict[str, Any]:
        router_data = {"pathname": "/", "asPath": "/"}
        return {"name": name, "payload": payload, "router_data": router_data}

    async def send_event(self, name: str, payload: dict[str, Any]) -> None:
        assert self.socket is not None
        packet = json.dumps(["event", self.event(name, payload)])
        await self.socket.send(f"42{NAMESPACE},{packet}")

    async def on_frame(self, text: str) -> None:
        if text == "2":  # Engine.IO ping; the server closes silent clients
            assert self.socket is not None
            await self.socket.send("3")
            return
        self.record(text)
        if '"is_hydrated_rx_state_":true' in text:
            self.hydrated.set()


class BareClient(Receiver):
    """A plain WebSocket client of the bare broadcast baseline."""

    def __init__(self, port: int) -> None:
        super().__init__()
        self.url = f"ws://127.0.0.1:{port}/ws"

    async def open(self) -> None:
        self.socket = await connect(self.url, max_size=None)
        self.start_reading()


class StreamObserver(Receiver):
    """A script on ``/ws/stream`` in the observer role."""

    def __init__(self, port: int, path: str = "/ws/stream") -> None:
        super().__init__()
        self.url = f"ws://127.0.0.1:{port}{path}"
        self.origin = f"http://127.0.0.1:{port}"

    async def open(self) -> None:
        self.socket = await connect(
            self.url,
            origin=self.origin,  # type: ignore[arg-type]
            max_size=None,
            open_timeout=CONNECT_TIMEOUT,
        )
        await self.socket.send(json.dumps({"type": "hello", "role": "observer"}))
        welcome = await asyncio.wait_for(self.socket.recv(), CONNECT_TIMEOUT)
        if "welcome" not in str(welcome):
            raise RuntimeError(f"expected a welcome frame, got {welcome!r}")
        self.start_reading()


async def open_all(clients: list[Receiver], concurrency: int = 25) -> float:
    """Connect every client, ``concurrency`` at a time; return the seconds."""
    gate = asyncio.Semaphore(concurrency)
    started = time.monotonic()

    async def open_one(client: Receiver) -> None:
        async with gate:
            await client.open()  # type: ignore[attr-defined]

    await asyncio.gather(*(open_one(client) for client in clients))
    return time.monotonic() - started


async def close_all(clients: list[Receiver]) -> None:
    """Close every client, ignoring sockets the server already closed."""
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)
