"""A broadcast sent to one backend process, watched on the other."""

import json
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest
from websockets.sync.client import ClientConnection, connect

from streamchat.live.liveness import ABANDONED_AFTER
from streamchat.live.viewers import HEARTBEAT
from streamchat.services.webm import CLUSTER, WebMParser
from tests.factories import Account
from tests.scale.conftest import Cluster
from tests.scale.helpers import WAIT, auth_headers, new_account, wait_for_frame
from tests.stream.media import as_media_recorder, chunks, decode_frames, make_webm

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CLUSTER_ID = CLUSTER.to_bytes(4, "big")
MAX_FRAMES = 10_000


@pytest.fixture(scope="module")
def recorder_chunks() -> list[bytes]:
    data = as_media_recorder(make_webm(seconds=4, gop=10, cluster_ms=150))
    return chunks(data, (3000, 12000, 700, 8000))


@contextmanager
def stream_socket(
    ws_url: str, hello: dict[str, Any], account: Account | None = None
) -> Iterator[tuple[ClientConnection, dict[str, Any]]]:
    """Open /ws/stream, send ``hello`` and yield the socket and its welcome."""
    headers = auth_headers(account) if account else {}
    with connect(
        f"{ws_url}/ws/stream",
        open_timeout=WAIT,
        additional_headers=headers,
        max_size=None,
    ) as socket:
        socket.send(json.dumps(hello))
        yield socket, json.loads(socket.recv(timeout=WAIT))


def read_until_ended(socket: ClientConnection) -> list[Any]:
    """Read frames up to ``stream_ended``; text frames are decoded."""
    frames: list[Any] = []
    for _ in range(MAX_FRAMES):
        frame = socket.recv(timeout=WAIT)
        frames.append(frame if isinstance(frame, bytes) else json.loads(frame))
        if isinstance(frames[-1], dict) and frames[-1]["type"] == "stream_ended":
            return frames
    raise AssertionError(f"no stream_ended among {MAX_FRAMES} frames")


def wait_for_listing(
    base_url: str, matches: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Read ``GET /stream`` until its body ``matches``; fail after WAIT seconds."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        body: dict[str, Any] = httpx.get(f"{base_url}/stream", timeout=WAIT).json()
        if matches(body):
            return body
        time.sleep(0.1)
    raise AssertionError(f"GET /stream never matched; last answer {body}")


def media_after_reset(frames: list[Any]) -> list[bytes]:
    """Return the media frames after the first ``media_reset``."""
    reset_at = next(
        index
        for index, frame in enumerate(frames)
        if isinstance(frame, dict) and frame["type"] == "media_reset"
    )
    return [frame for frame in frames[reset_at + 1 :] if isinstance(frame, bytes)]


def test_late_viewer_on_other_process(
    running_cluster: Cluster, recorder_chunks: list[bytes]
) -> None:
    first, second = running_cluster.backends
    caster = new_account(first.url)
    half = len(recorder_chunks) // 2
    hello = {"type": "hello", "role": "broadcaster", "title": "Across"}

    with (
        stream_socket(second.ws_url, {"type": "hello", "role": "observer"}) as (
            watcher,
            _,
        ),
        stream_socket(first.ws_url, hello, caster) as (sender, sender_welcome),
    ):
        started = wait_for_frame(watcher, lambda f: f["type"] == "stream_started")
        for chunk in recorder_chunks[:half]:
            sender.send(chunk)
        listing = httpx.get(f"{second.url}/stream", timeout=WAIT).json()
        with stream_socket(second.ws_url, {"type": "hello", "role": "viewer"}) as (
            viewer,
            viewer_welcome,
        ):
            viewers = wait_for_frame(
                watcher, lambda f: f["type"] == "viewers" and f["count"] == 1
            )
            for chunk in recorder_chunks[half:]:
                sender.send(chunk)
            sender.send(json.dumps({"type": "stop"}))
            frames = read_until_ended(viewer)
        ended = wait_for_frame(watcher, lambda f: f["type"] == "stream_ended")

    assert sender_welcome["stream"]["live"] is True
    assert started["stream"]["title"] == "Across"
    assert started["stream"]["broadcaster"]["id"] == caster.id
    assert listing["live"] is True
    assert listing["title"] == "Across"
    assert listing["broadcaster"]["id"] == caster.id
    assert viewer_welcome["stream"]["live"] is True
    assert viewer_welcome["stream"]["broadcaster"]["id"] == caster.id
    assert viewers["count"] == 1
    assert ended["stream"]["live"] is False
    assert ended["stream"]["id"] == started["stream"]["id"]

    media = media_after_reset(frames)
    stream = b"".join(recorder_chunks)
    assert media[0] == stream[: stream.index(CLUSTER_ID)]
    assert media[1].startswith(CLUSTER_ID)
    pieces = WebMParser().feed(b"".join(media))
    assert pieces[0].kind == "init"
    assert pieces[1].kind == "cluster"
    assert pieces[1].keyframe is True
    assert len(b"".join(media)) < len(stream), "a late viewer must not get the start"
    flags = decode_frames(b"".join(media))
    assert flags[0] is True
    assert len(flags) > 10


def test_viewers_counted_across_processes(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    caster = new_account(first.url)
    hello = {"type": "hello", "role": "broadcaster", "title": "Counted"}
    viewer_hello = {"type": "hello", "role": "viewer"}

    with (
        stream_socket(first.ws_url, hello, caster) as (sender, _),
        stream_socket(first.ws_url, viewer_hello) as (near, _),
        stream_socket(second.ws_url, viewer_hello) as (far, _),
    ):
        counted = wait_for_frame(
            near, lambda f: f["type"] == "viewers" and f["count"] == 2
        )
        on_second = wait_for_listing(second.url, lambda body: body["viewers"] == 2)
        sender.send(json.dumps({"type": "stop"}))
        wait_for_frame(far, lambda f: f["type"] == "stream_ended")

    assert counted["count"] == 2
    assert on_second["viewers"] == 2
    assert on_second["live"] is True


def test_restarted_process_keeps_live_broadcast(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    caster = new_account(first.url)
    hello = {"type": "hello", "role": "broadcaster", "title": "Still here"}

    with stream_socket(first.ws_url, hello, caster) as (sender, _):
        second.stop()
        second.start()
        restarted = wait_for_listing(second.url, lambda body: body["live"])
        # Past the time after which an unclaimed broadcast counts as abandoned;
        # the pings keep the broadcaster's socket from going silent.
        deadline = time.monotonic() + ABANDONED_AFTER + 2 * HEARTBEAT
        while time.monotonic() < deadline:
            sender.send(json.dumps({"type": "ping"}))
            time.sleep(0.5)
        later = httpx.get(f"{second.url}/stream", timeout=WAIT).json()
        sender.send(json.dumps({"type": "stop"}))

    assert restarted["title"] == "Still here"
    assert restarted["broadcaster"]["id"] == caster.id
    assert later["live"] is True
    assert later["id"] == restarted["id"]


def test_broadcast_of_killed_process_ends(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    caster = new_account(first.url)
    hello = {"type": "hello", "role": "broadcaster", "title": "Cut off"}
    observer_hello = {"type": "hello", "role": "observer"}

    with stream_socket(second.ws_url, observer_hello) as (watcher, _):
        with stream_socket(first.ws_url, hello, caster) as (_, welcome):
            wait_for_frame(watcher, lambda f: f["type"] == "stream_started")
            first.kill()
        ended = wait_for_frame(watcher, lambda f: f["type"] == "stream_ended")
    listing = httpx.get(f"{second.url}/stream", timeout=WAIT).json()

    assert ended["stream"]["id"] == welcome["stream"]["id"]
    assert ended["stream"]["live"] is False
    assert listing["live"] is False
