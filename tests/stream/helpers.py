"""WebSocket helpers of the broadcast tests, on the `websockets` sync client."""

import json
import time
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.client import ClientConnection, connect

from tests.stream.conftest import Member


def socket_url(server: str, token: str | None = None) -> str:
    url = server.replace("http://", "ws://") + "/ws/stream"
    return f"{url}?token={token}" if token else url


def join(
    server: str,
    role: str,
    member: Member | None = None,
    title: str | None = None,
    token: str | None = None,
    origin: str | None = None,
) -> tuple[ClientConnection, dict[str, Any]]:
    """Open /ws/stream, say hello in ``role`` and return the first reply."""
    headers = {"Cookie": f"streamchat_session={member.cookie}"} if member else {}
    connection = connect(
        socket_url(server, token),
        origin=origin or server,  # type: ignore[arg-type]
        additional_headers=headers,
        max_size=None,
        open_timeout=10,
    )
    hello: dict[str, Any] = {"type": "hello", "role": role}
    if title is not None:
        hello["title"] = title
    connection.send(json.dumps(hello))
    return connection, json.loads(connection.recv(timeout=10))


def next_event(
    connection: ClientConnection, kind: str, limit: int = 500
) -> dict[str, Any]:
    """Read frames until a JSON event of ``kind``; fail after ``limit`` frames."""
    for _ in range(limit):
        frame = connection.recv(timeout=15)
        if isinstance(frame, str):
            event = json.loads(frame)
            if event["type"] == kind:
                return dict(event)
    raise AssertionError(f"no {kind!r} event within {limit} frames")


def read_media(
    connection: ClientConnection, until_event: str = "stream_ended"
) -> list[Any]:
    """Read every frame up to the event ``until_event``; text frames are decoded."""
    frames: list[Any] = []
    for _ in range(100_000):
        frame = connection.recv(timeout=15)
        if isinstance(frame, bytes):
            frames.append(frame)
            continue
        event = json.loads(frame)
        frames.append(event)
        if event["type"] == until_event:
            return frames
    raise AssertionError(f"no {until_event!r} event")


def wait_until(check: Any, seconds: float = 30.0) -> Any:
    """Poll ``check`` until it returns something true, within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"{check} stayed false for {seconds} s")


def read_until_closed(connection: ClientConnection) -> ConnectionClosed:
    """Read frames until the server closes the socket; return the closure."""
    for _ in range(10_000):
        try:
            connection.recv(timeout=15)
        except ConnectionClosed as closed:
            return closed
    raise AssertionError("the server kept the socket open")
