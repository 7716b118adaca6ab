"""Uploaded videos and the current one: one implementation for REST and the page."""

import logging
import secrets
from pathlib import PurePosixPath
from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from streamchat import events, realtime
from streamchat.db import get_row
from streamchat.errors import AppError, not_found, validation_error
from streamchat.models import User, Video
from streamchat.services.users import iso, public_user
from streamchat.services.video_files import (
    UploadSink,
    posters_dir,
    probe_video,
    videos_dir,
)
from streamchat.text import clean_text

logger = logging.getLogger(__name__)

TITLE_MAX = 200
DEFAULT_TITLE = "Video"


def video_public(video: Video, owner: User) -> dict[str, Any]:
    """Describe a video as the API shows it."""
    poster_url = f"/media/posters/{video.poster_name}" if video.poster_name else None
    return {
        "id": video.id,
        "title": video.title,
        "url": f"/media/videos/{video.stored_name}",
        "poster_url": poster_url,
        "content_type": video.content_type,
        "size": video.size,
        "duration": video.duration,
        "width": video.width,
        "height": video.height,
        "created_at": iso(video.created_at),
        "user": public_user(owner),
    }


def video_title(title: str | None, filename: str | None) -> str:
    """Choose the title: the one given, else the file name without its suffix.

    The client's file name is only display text here; it never becomes a path.
    """
    if title is not None and clean_text(title, "title"):
        title = clean_text(title, "title")
        if len(title) > TITLE_MAX:
            message = f"The title must be at most {TITLE_MAX} characters."
            raise validation_error({"title": message})
        return title
    base = PurePosixPath((filename or "").replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base[1:] else base
    try:
        return clean_text(stem, "title")[:TITLE_MAX] or DEFAULT_TITLE
    except AppError:
        return DEFAULT_TITLE


def store_upload(
    db: Session,
    user: User,
    sink: UploadSink,
    *,
    title: str | None = None,
    filename: str | None = None,
) -> dict[str, Any]:
    """Probe a received upload, store it and make it the current video.

    ``sink`` must be finished. Blocking (PyAV decodes a frame), so call it in
    a worker thread. On any error the files are removed and nothing is stored.
    """
    container = sink.container
    assert container is not None
    assert user.id is not None
    name = secrets.token_urlsafe(16)
    video_path = videos_dir() / f"{name}{container.suffix}"
    poster_path = posters_dir() / f"{name}.jpg"
    try:
        display_title = video_title(title, filename)
        probe = probe_video(sink.path, poster_path)
        sink.path.rename(video_path)
        video = Video(
            user_id=user.id,
            title=display_title,
            stored_name=video_path.name,
            content_type=container.content_type,
            size=sink.size,
            duration=probe.duration,
            width=probe.width,
            height=probe.height,
            poster_name=poster_path.name,
        )
        _replace_current(db, video)
    except BaseException:
        sink.discard()
        video_path.unlink(missing_ok=True)
        poster_path.unlink(missing_ok=True)
        raise

    logger.info("user %s uploaded video %s (%d bytes)", user.id, video.id, video.size)
    public = video_public(video, user)
    realtime.publish(events.VIDEO_CHANGED, {"video": public})
    return public


def _replace_current(db: Session, video: Video) -> None:
    # In a write session this UPDATE takes SQLite's write lock first, so two
    # uploads finishing at once still leave exactly one current video.
    others = sa.update(Video).where(col(Video.is_current) == True)  # noqa: E712
    if video.id is not None:
        others = others.where(col(Video.id) != video.id)
    db.exec(
        others.values(is_current=False).execution_options(synchronize_session=False)
    )
    video.is_current = True
    db.add(video)
    db.commit()


def current_video(db: Session) -> dict[str, Any] | None:
    """Return the current video as the API shows it, or None."""
    row = db.exec(
        select(Video, User)
        .join(User, col(User.id) == Video.user_id)
        .where(col(Video.is_current) == True)  # noqa: E712
        .order_by(col(Video.id).desc())
    ).first()
    if row is None:
        return None
    video, owner = row
    return video_public(video, owner)


def set_current_video(db: Session, video_id: int) -> dict[str, Any]:
    """Make an earlier video the current one again and tell every page."""
    video = get_row(db, Video, video_id)
    if video is None:
        raise not_found("Video")
    owner = db.get(User, video.user_id)
    assert owner is not None
    _replace_current(db, video)
    public = video_public(video, owner)
    realtime.publish(events.VIDEO_CHANGED, {"video": public})
    return public
