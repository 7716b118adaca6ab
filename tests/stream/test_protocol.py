"""/ws/stream and GET /stream over a real socket, fed with PyAV-made WebM."""

import json
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlmodel import select
from websockets.exceptions import InvalidStatus

from streamchat import events, realtime
from streamchat.db import session_scope
from streamchat.live.relay import get_relay
from streamchat.models import Stream, Video
from streamchat.services.webm import CLUSTER, WebMParser
from streamchat.settings import Settings, get_settings
from tests.stream.helpers import (
    join,
    next_event,
    read_media,
    read_until_closed,
    wait_until,
)
from tests.stream.media import as_media_recorder, chunks, decode_frames, make_webm

CLUSTER_ID = CLUSTER.to_bytes(4, "big")


@pytest.fixture(scope="module")
def recorder_chunks() -> list[bytes]:
    data = as_media_recorder(make_webm(seconds=4, gop=10, cluster_ms=150))
    return chunks(data, (3000, 12000, 700, 8000))


@pytest.fixture(autouse=True)
def quick_settings(stream_server: str) -> Iterator[Settings]:
    """Shorten the grace period; check that every test leaves no broadcast."""
    settings = get_settings()
    saved = settings.model_copy()
    settings.stream_grace_seconds = 0.5
    yield settings
    for name in ("stream_grace_seconds", "stream_silence_seconds", "ws_max_text_frame"):
        setattr(settings, name, getattr(saved, name))
    wait_until(lambda: not httpx.get(f"{stream_server}/stream").json()["live"])


def test_get_stream_when_idle(stream_server: str) -> None:
    response = httpx.get(f"{stream_server}/stream")
    assert response.status_code == 200
    body = response.json()
    assert body["live"] is False
    assert body["url"] == "/watch"
    assert body["ws_url"] == "/ws/stream"
    assert body["broadcaster"] is None


def test_get_stream_redirects_browser(stream_server: str) -> None:
    response = httpx.get(f"{stream_server}/stream", headers={"Accept": "text/html"})
    assert response.status_code == 303
    assert response.headers["location"] == "/watch"


def test_observer_gets_broadcast_events(
    stream_server: str, make_member, recorder_chunks: list[bytes]
) -> None:
    observer, welcome = join(stream_server, "observer")
    assert welcome["type"] == "welcome"
    assert welcome["stream"]["live"] is False
    caster = make_member()
    broadcaster, _ = join(stream_server, "broadcaster", caster, title="  Evening  ")

    started = next_event(observer, "stream_started")["stream"]
    assert started["live"] is True
    assert started["title"] == "Evening"
    assert started["broadcaster"]["id"] == caster.id
    listing = httpx.get(f"{stream_server}/stream").json()
    assert listing["live"] is True
    assert listing["title"] == "Evening"

    viewer, viewer_welcome = join(stream_server, "viewer")
    assert viewer_welcome["stream"]["live"] is True
    assert next_event(observer, "viewers")["count"] == 1
    for chunk in recorder_chunks[:5]:
        broadcaster.send(chunk)
    broadcaster.send(json.dumps({"type": "stop"}))
    ended = next_event(observer, "stream_ended")["stream"]
    assert ended["live"] is False
    for connection in (observer, viewer, broadcaster):
        connection.close()


def test_late_viewer_starts_at_key_cluster(
    stream_server: str, make_member, recorder_chunks: list[bytes]
) -> None:
    broadcaster, _ = join(stream_server, "broadcaster", make_member(), title="Late")
    half = len(recorder_chunks) // 2
    for chunk in recorder_chunks[:half]:
        broadcaster.send(chunk)
    broadcaster.send(json.dumps({"type": "ping"}))
    next_event(broadcaster, "pong")  # every earlier chunk has been relayed

    viewer, _ = join(stream_server, "viewer")
    for chunk in recorder_chunks[half:]:
        broadcaster.send(chunk)
    broadcaster.send(json.dumps({"type": "stop"}))
    frames = read_media(viewer)
    viewer.close()
    broadcaster.close()

    reset_at = next(
        i
        for i, f in enumerate(frames)
        if isinstance(f, dict) and f["type"] == "media_reset"
    )
    media = [frame for frame in frames[reset_at + 1 :] if isinstance(frame, bytes)]
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


def test_binary_from_non_broadcaster_refused(stream_server: str) -> None:
    viewer, _ = join(stream_server, "viewer")
    viewer.send(b"\x1a\x45\xdf\xa3 not yours")
    error = next_event(viewer, "error")
    assert error["code"] == "forbidden"
    viewer.send(json.dumps({"type": "ping"}))
    assert next_event(viewer, "pong")["type"] == "pong"
    viewer.close()


def test_oversized_frame_closes_only_its_socket(stream_server: str) -> None:
    big, _ = join(stream_server, "observer")
    other, _ = join(stream_server, "observer")
    big.send(json.dumps({"type": "chat", "text": "x" * (17 * 1024)}))
    closed = read_until_closed(big)
    assert closed.rcvd is not None
    assert closed.rcvd.code == 1009
    other.send(json.dumps({"type": "ping"}))
    assert next_event(other, "pong")["type"] == "pong"
    other.close()


def test_oversized_media_frame_closes_socket(stream_server: str, make_member) -> None:
    broadcaster, _ = join(stream_server, "broadcaster", make_member(), title="Big")
    observer, _ = join(stream_server, "observer")
    broadcaster.send(b"\x00" * (4 * 1024 * 1024 + 1))
    closed = read_until_closed(broadcaster)
    assert closed.rcvd is not None
    assert closed.rcvd.code == 1009
    observer.send(json.dumps({"type": "ping"}))
    assert next_event(observer, "pong")["type"] == "pong"
    assert next_event(observer, "stream_ended")["stream"]["live"] is False
    observer.close()


def test_foreign_origin_rejected(stream_server: str) -> None:
    with pytest.raises(InvalidStatus) as rejected:
        join(stream_server, "observer", origin="http://evil.example")
    assert rejected.value.response.status_code == 403


def test_anonymous_broadcaster_rejected(stream_server: str) -> None:
    connection, reply = join(stream_server, "broadcaster", title="Nobody")
    assert reply["type"] == "error"
    assert reply["code"] == "not_authenticated"
    connection.close()


def test_second_broadcaster_gets_already_live(stream_server: str, make_member) -> None:
    first, _ = join(stream_server, "broadcaster", make_member(), title="One")
    second, reply = join(stream_server, "broadcaster", make_member(), title="Two")
    assert reply["type"] == "error"
    assert reply["code"] == "already_live"
    second.close()
    first.send(json.dumps({"type": "stop"}))
    first.close()


def test_broadcaster_title_required(stream_server: str, make_member) -> None:
    connection, reply = join(stream_server, "broadcaster", make_member(), title="  ")
    assert reply["code"] == "validation_failed"
    connection.close()


def test_token_broadcast_leaves_replay(
    stream_server: str, make_member, recorder_chunks: list[bytes]
) -> None:
    caster = make_member()
    broadcaster, welcome = join(
        stream_server, "broadcaster", token=caster.create_token(), title="Replay"
    )
    assert welcome["type"] == "welcome"
    for chunk in recorder_chunks:
        broadcaster.send(chunk)
    broadcaster.send(json.dumps({"type": "stop"}))
    broadcaster.close()

    video = wait_until(lambda: _replay_of(caster.id))
    assert video.content_type == "video/webm"
    assert video.is_current is False
    assert video.duration is not None
    assert 3.0 < video.duration < 5.0
    path = get_settings().media_dir / "videos" / video.stored_name
    assert path.stat().st_size == video.size
    assert decode_frames(path.read_bytes())[0] is True
    assert not list(path.parent.glob("part-*"))


def _replay_of(user_id: int) -> Video | None:
    with session_scope() as db:
        stream = db.exec(select(Stream).where(Stream.user_id == user_id)).first()
        if stream is None or stream.recording_video_id is None:
            return None
        return db.get(Video, stream.recording_video_id)


def test_broadcaster_resumes_within_grace(
    stream_server: str,
    make_member,
    recorder_chunks: list[bytes],
    quick_settings: Settings,
) -> None:
    quick_settings.stream_grace_seconds = 30
    caster = make_member()
    viewer, _ = join(stream_server, "viewer")
    first, _ = join(stream_server, "broadcaster", caster, title="Twice")
    for chunk in recorder_chunks:
        first.send(chunk)
    first.close()
    # Reconnect only once the server has read the first socket to its end. A
    # broadcaster that connects while the old socket is still open takes over
    # and cuts the old one off.
    assert wait_until(lambda: get_relay().broadcast.owner is None)
    second, welcome = join(stream_server, "broadcaster", caster, title="Twice")
    assert welcome["type"] == "welcome"
    assert welcome["stream"]["live"] is True
    for chunk in recorder_chunks:
        second.send(chunk)
    second.send(json.dumps({"type": "stop"}))
    frames = read_media(viewer)
    viewer.close()
    second.close()

    resets = [f for f in frames if isinstance(f, dict) and f["type"] == "media_reset"]
    assert len(resets) == 2
    assert not [
        f for f in frames if isinstance(f, dict) and f["type"] == "stream_started"
    ][1:]
    video = wait_until(lambda: _replay_of(caster.id))
    assert video.duration is not None
    assert 7.0 < video.duration < 9.0


def test_silent_broadcaster_ends_broadcast(
    stream_server: str, make_member, quick_settings: Settings
) -> None:
    quick_settings.stream_silence_seconds = 0.5
    observer, _ = join(stream_server, "observer")
    broadcaster, _ = join(stream_server, "broadcaster", make_member(), title="Quiet")
    assert next_event(observer, "stream_ended")["stream"]["live"] is False
    assert read_until_closed(broadcaster).rcvd is not None
    observer.close()


def test_row_left_open_ends_unclaimed(stream_server: str, make_member) -> None:
    caster = make_member()
    with session_scope(write=True) as db:
        left_open = Stream(user_id=caster.id, title="Left open")
        db.add(left_open)
        db.commit()
        stream_id = left_open.id
    observer, _ = join(stream_server, "observer")

    # A resync makes the server read the live broadcast from the database,
    # as it does when it starts.
    realtime.publish(events.RESYNC, {})
    listed = wait_until(lambda: httpx.get(f"{stream_server}/stream").json()["live"])
    ended = next_event(observer, "stream_ended", limit=50)["stream"]
    observer.close()

    assert listed is True
    assert ended["id"] == stream_id
    assert ended["live"] is False
    with session_scope() as db:
        row = db.get(Stream, stream_id)
        assert row is not None
        assert row.ended_at is not None


def test_media_folder_holds_only_videos(stream_server: str) -> None:
    folder: Path = get_settings().media_dir / "videos"
    assert all(not name.name.startswith("part-") for name in folder.glob("*"))
