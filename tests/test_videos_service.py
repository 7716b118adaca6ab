"""The video service: sniffing, the upload sink and storing an upload."""

import asyncio
from pathlib import Path

import pytest

from streamchat import events
from streamchat.db import session_scope
from streamchat.errors import AppError
from streamchat.models import User, Video
from streamchat.realtime import get_bus
from streamchat.services import auth, videos
from streamchat.services.video_files import (
    MATROSKA,
    MP4,
    OGG,
    QUICKTIME,
    WEBM,
    UploadSink,
    sniff_container,
)
from tests.videos_conftest import *  # noqa: F403


def _sink_with(data: bytes, limit: int | None = None) -> UploadSink:
    sink = UploadSink(limit)
    sink.feed(data)
    sink.finish()
    return sink


def _user() -> User:
    with session_scope(write=True) as db:
        return auth.register(db, "Anna", "anna@example.com", "password123")


def _files(media: Path) -> list[str]:
    return sorted(p.name for p in media.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("head", "expected"),
    [
        (b"\x00\x00\x00\x18ftypisom\x00\x00\x02\x00", MP4),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", QUICKTIME),
        (b"\x00\x00\x00\x08wide\x00\x00\x00\x00", QUICKTIME),
        (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\x82\x84webm", WEBM),
        (b"\x1a\x45\xdf\xa3\xa3\x42\x82\x88matroska", MATROSKA),
        (b"OggS\x00\x02" + b"\x00" * 20, OGG),
        (b"<!DOCTYPE html><html>", None),
        (b"just some text, named video.mp4", None),
        (b"\x1a\x45\xdf\xa3 unknown doctype", None),
        (b"", None),
    ],
)
def test_sniff_container_by_bytes(head: bytes, expected: object) -> None:
    assert sniff_container(head) == expected


def test_sink_rejects_bytes_past_limit(migrated_db: Path) -> None:
    sink = UploadSink(limit=10)
    sink.feed(b"0123456789")
    with pytest.raises(AppError) as caught:
        sink.feed(b"x")
    assert caught.value.status == 413
    assert caught.value.code == "too_large"
    sink.discard()
    assert _files(migrated_db) == []


def test_sink_rejects_text_at_once(migrated_db: Path) -> None:
    sink = UploadSink()
    with pytest.raises(AppError) as caught:
        sink.feed(b"plain text " * 500)
    assert caught.value.status == 415
    assert caught.value.code == "unsupported_media_type"
    sink.discard()


def test_sink_rejects_empty_file(migrated_db: Path) -> None:
    sink = UploadSink()
    with pytest.raises(AppError) as caught:
        sink.finish()
    assert caught.value.status == 400
    assert caught.value.code == "empty_file"


@pytest.mark.parametrize("kind", ["mp4", "webm"])
def test_store_upload_makes_current(
    migrated_db: Path, video_files: dict[str, Path], kind: str
) -> None:
    user = _user()
    first = _sink_with(video_files[kind].read_bytes())
    second = _sink_with(video_files[kind].read_bytes())
    with session_scope(write=True) as db:
        old = videos.store_upload(db, user, first, title="First")
        new = videos.store_upload(db, user, second, filename="holiday.final.webm")

    with session_scope() as db:
        current = videos.current_video(db)
        rows = db.query(Video).all()
    assert current == new
    assert new["title"] == "holiday.final"
    assert new["content_type"] == f"video/{kind}"
    assert (new["width"], new["height"]) == (64, 48)
    assert new["duration"] == pytest.approx(1.0, abs=0.1)
    assert [row.is_current for row in rows] == [False, True]
    assert old["id"] != new["id"]
    names = _files(migrated_db)
    assert len(names) == 4
    assert not any(name.startswith(".") for name in names)


def test_store_upload_rejects_broken_video(
    migrated_db: Path, video_files: dict[str, Path]
) -> None:
    user = _user()
    data = video_files["mp4"].read_bytes()
    sink = _sink_with(data[: len(data) // 2])
    with session_scope(write=True) as db, pytest.raises(AppError) as caught:
        videos.store_upload(db, user, sink)
    assert caught.value.status == 400
    assert caught.value.code == "invalid_video"
    assert _files(migrated_db) == []
    with session_scope() as db:
        assert videos.current_video(db) is None


def test_store_upload_rejects_long_title(
    migrated_db: Path, video_files: dict[str, Path]
) -> None:
    user = _user()
    sink = _sink_with(video_files["webm"].read_bytes())
    with session_scope(write=True) as db, pytest.raises(AppError) as caught:
        videos.store_upload(db, user, sink, title="x" * 201)
    assert caught.value.status == 400
    assert caught.value.code == "validation_failed"
    assert _files(migrated_db) == []


def test_video_title_ignores_client_path() -> None:
    assert videos.video_title(None, "../../x.webm") == "x"
    assert videos.video_title("  ", "C:\\Users\\me\\clip.mp4") == "clip"
    assert videos.video_title(None, None) == videos.DEFAULT_TITLE
    assert videos.video_title(None, ".webm") == ".webm"


def test_store_upload_publishes_video_changed(
    migrated_db: Path, video_files: dict[str, Path]
) -> None:
    user = _user()

    async def upload_and_listen() -> object:
        bus = get_bus()
        await bus.start()
        async with bus.subscribe() as subscription:
            sink = _sink_with(video_files["mp4"].read_bytes())
            with session_scope(write=True) as db:
                public = await asyncio.to_thread(videos.store_upload, db, user, sink)
            event = await asyncio.wait_for(subscription.get(), 10)
        return public, event

    public, event = asyncio.run(upload_and_listen())
    assert event.type == events.VIDEO_CHANGED  # type: ignore[attr-defined]
    assert event.data == {"video": public}  # type: ignore[attr-defined]
