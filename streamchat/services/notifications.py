"""Notifications: stored per user and pushed live to that user only."""

from typing import Any

import sqlalchemy as sa
from sqlmodel import Session, col, select

from streamchat import events, realtime
from streamchat.db import is_valid_id
from streamchat.models import Notification
from streamchat.services.users import iso

LIKE = "like"
MENTION = "mention"
STREAM_STARTED = "stream_started"


def notification_public(row: Notification) -> dict[str, Any]:
    """Describe a notification as the API shows it."""
    return {
        "id": row.id,
        "kind": row.kind,
        "text": row.text,
        "link": row.link,
        "created_at": iso(row.created_at),
        "read": row.read,
    }


def notify(
    db: Session, user_ids: list[int], kind: str, text: str, link: str | None
) -> None:
    """Store one notification per user, commit, and push each to its user."""
    rows = [
        Notification(user_id=uid, kind=kind, text=text, link=link) for uid in user_ids
    ]
    if not rows:
        return
    db.add_all(rows)
    db.commit()
    for row in rows:
        realtime.publish(
            events.NOTIFICATION,
            {"notification": notification_public(row)},
            user_id=row.user_id,
        )


def list_notifications(db: Session, user_id: int, limit: int = 50) -> dict[str, Any]:
    """Return the newest notifications of a user and the unread count."""
    rows = db.exec(
        select(Notification)
        .where(Notification.user_id == user_id)
        .order_by(Notification.id.desc())  # type: ignore[union-attr]
        .limit(limit)
    ).all()
    unread = db.exec(
        select(sa.func.count())
        .select_from(Notification)
        .where(Notification.user_id == user_id, Notification.read == False)  # noqa: E712
    ).one()
    return {"notifications": [notification_public(r) for r in rows], "unread": unread}


def mark_read(db: Session, user_id: int, ids: list[int] | None) -> int:
    """Mark the given notifications, or all with ``ids=None``, as read."""
    query = sa.update(Notification).where(col(Notification.user_id) == user_id)
    if ids is not None:
        ids = [row_id for row_id in ids if is_valid_id(row_id)]
        query = query.where(Notification.id.in_(ids))  # type: ignore[union-attr]
    result = db.exec(query.values(read=True))  # type: ignore[call-overload]
    db.commit()
    return int(result.rowcount)
