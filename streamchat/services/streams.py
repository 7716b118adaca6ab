"""Live broadcasts in the database: start, end, and the replay they leave."""

import logging
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, col, select

from streamchat.errors import AppError, validation_error
from streamchat.models import Stream, User, Video, utcnow
from streamchat.services.users import iso, public_user
from streamchat.settings import get_settings
from streamchat.text import clean_text

logger = logging.getLogger(__name__)

TITLE_MAX = 200
WATCH_URL = "/watch"
WS_PATH = "/ws/stream"


def videos_dir() -> Path:
    """Return the folder of stored videos, creating it when missing."""
    folder = get_settings().media_dir / "videos"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def new_stored_name(suffix: str = ".webm") -> str:
    """Generate a file name for a stored video; never derived from user input."""
    return f"{uuid.uuid4().hex}{suffix}"


def stream_public(
    stream: Stream | None, broadcaster: User | None, viewers: int
) -> dict[str, Any]:
    """Describe the broadcast as ``GET /stream`` and the ``welcome`` frame do."""
    live = stream is not None and stream.ended_at is None
    return {
        "live": live,
        "id": stream.id if stream else None,
        "url": WATCH_URL,
        "ws_url": WS_PATH,
        "title": stream.title if stream else None,
        "broadcaster": public_user(broadcaster) if broadcaster else None,
        "viewers": viewers,
        "started_at": iso(stream.started_at) if stream else None,
    }


def clean_title(title: object) -> str:
    """Validate a broadcast title: 1 to 200 characters after trimming."""
    text = clean_text(title, "title") if isinstance(title, str) else ""
    if not text:
        raise validation_error({"title": "Give the broadcast a title."})
    if len(text) > TITLE_MAX:
        raise validation_error(
            {"title": f"A title can be at most {TITLE_MAX} characters."}
        )
    return text


def start_stream(db: Session, user_id: int, title: str) -> tuple[Stream, User]:
    """Record a new broadcast; 409 ``already_live`` while another one runs."""
    user = db.get(User, user_id)
    if user is None or user.banned:
        raise AppError(403, "forbidden", "This account may not broadcast.")
    running = db.exec(select(Stream).where(col(Stream.ended_at).is_(None))).first()
    if running is not None:
        raise AppError(409, "already_live", "Someone is already live. Try later.")

    stream = Stream(user_id=user_id, title=title)
    db.add(stream)
    db.commit()
    logger.info("broadcast %s started by user %s", stream.id, user_id)
    return stream, user


def end_stream(db: Session, stream_id: int) -> Stream | None:
    """Mark a broadcast ended; return it, or None when it had already ended.

    The update is conditional, so when several processes end the same
    broadcast at once exactly one of them gets the row back.
    """
    statement = (
        update(Stream)
        .where(col(Stream.id) == stream_id, col(Stream.ended_at).is_(None))
        .values(ended_at=utcnow())
    )
    ended = db.exec(statement)
    db.commit()
    if ended.rowcount != 1:
        return None
    logger.info("broadcast %s ended", stream_id)
    return db.get(Stream, stream_id, populate_existing=True)


def find_live(db: Session) -> tuple[Stream, User] | None:
    """Return the newest broadcast that has not ended, and its broadcaster."""
    stream = db.exec(
        select(Stream)
        .where(col(Stream.ended_at).is_(None))
        .order_by(col(Stream.id).desc())
    ).first()
    if stream is None:
        return None
    user = db.get(User, stream.user_id)
    return (stream, user) if user is not None else None


def save_recording(
    db: Session, stream_id: int, stored_name: str, facts: dict[str, Any]
) -> Video | None:
    """Create the replay's Video row and link it to its broadcast.

    ``facts`` contains ``size`` and, when known, ``duration``, ``width`` and
    ``height``. The video does not become the current one.
    """
    stream = db.get(Stream, stream_id)
    if stream is None:
        return None
    started: datetime = stream.started_at
    video = Video(
        user_id=stream.user_id,
        title=f"{stream.title} ({iso(started)})"[:TITLE_MAX],
        stored_name=stored_name,
        content_type="video/webm",
        **facts,
    )
    db.add(video)
    db.flush()
    stream.recording_video_id = video.id
    db.add(stream)
    db.commit()
    logger.info("broadcast %s saved as video %s", stream_id, video.id)
    return video
