"""Chat messages and likes: one implementation for the page, REST and sockets."""

import logging
from typing import Any, Literal

import sqlalchemy as sa
from sqlmodel import Session, col, select

from streamchat import events, realtime
from streamchat.db import MAX_ID, get_row, is_valid_id
from streamchat.errors import AppError, not_found, validation_error
from streamchat.models import Like, Message, User, utcnow
from streamchat.services import notifications, ratelimit
from streamchat.services.mentions import mentioned_user_ids
from streamchat.services.users import iso, public_user
from streamchat.settings import get_settings
from streamchat.text import clean_text

logger = logging.getLogger(__name__)

TEXT_MAX = 500
LIMIT_MAX = 200


def message_public(
    message: Message, author: User, liked: bool = False
) -> dict[str, Any]:
    """Describe a message as the API shows it."""
    return {
        "id": message.id,
        "text": message.text,
        "likes": message.likes,
        "liked": liked,
        "created_at": iso(message.created_at),
        "user": public_user(author),
    }


def list_messages(
    db: Session,
    *,
    limit: int = 50,
    before_id: int | None = None,
    after_id: int | None = None,
    viewer_id: int | None = None,
) -> dict[str, Any]:
    """Return one page of visible messages, oldest first, and ``has_more``.

    Without a cursor the page is the newest ``limit`` messages; ``before_id``
    pages back in time and ``after_id`` forward, and ``has_more`` looks in
    that direction.
    """
    if not 1 <= limit <= LIMIT_MAX:
        raise validation_error({"limit": f"limit must be from 1 to {LIMIT_MAX}."})
    for name, cursor in (("before_id", before_id), ("after_id", after_id)):
        if cursor is not None and not (cursor == 0 or is_valid_id(cursor)):
            raise validation_error({name: f"{name} must be an id from 0 to {MAX_ID}."})
    if before_id is not None and after_id is not None:
        raise validation_error({"before_id": "Give before_id or after_id, not both."})

    query = (
        select(Message, User)
        .join(User, col(User.id) == Message.user_id)
        .where(Message.deleted == False)  # noqa: E712
    )
    if after_id is not None:
        query = query.where(Message.id > after_id).order_by(Message.id.asc())  # type: ignore[union-attr,operator]
    else:
        if before_id is not None:
            query = query.where(Message.id < before_id)  # type: ignore[operator]
        query = query.order_by(Message.id.desc())  # type: ignore[union-attr]
    rows = list(db.exec(query.limit(limit + 1)).all())

    has_more = len(rows) > limit
    rows = rows[:limit]
    if after_id is None:
        rows.reverse()
    liked = _liked_ids(db, viewer_id, [m.id for m, _ in rows if m.id is not None])
    messages = [message_public(m, u, m.id in liked) for m, u in rows]
    return {"messages": messages, "has_more": has_more}


def _liked_ids(db: Session, viewer_id: int | None, ids: list[int]) -> set[int]:
    if viewer_id is None or not ids:
        return set()
    query = select(Like.message_id).where(
        Like.user_id == viewer_id,
        Like.message_id.in_(ids),  # type: ignore[attr-defined]
    )
    return set(db.exec(query).all())


def ensure_can_post(user: User) -> None:
    """Raise 403 when the user is banned or muted."""
    if user.banned:
        raise AppError(403, "banned", "This account is banned.")
    if user.muted_until is not None and user.muted_until > utcnow():
        until = iso(user.muted_until)
        raise AppError(403, "muted", f"You are muted until {until}.")


def post_message(db: Session, user_id: int, text: str) -> dict[str, Any]:
    """Validate, rate-limit and store a message, then publish it."""
    user = db.get(User, user_id)
    if user is None:
        raise AppError(401, "not_authenticated", "Log in to post messages.")
    ensure_can_post(user)
    text = clean_text(text)
    if not text:
        raise validation_error({"text": "Write a message first."})
    if len(text) > TEXT_MAX:
        raise validation_error(
            {"text": f"A message can be at most {TEXT_MAX} characters."}
        )
    ratelimit.hit(
        get_settings().chat_messages_per_user,
        f"chat:{user_id}",
        "You are sending messages too fast. Wait a moment.",
    )

    message = Message(user_id=user_id, text=text)
    db.add(message)
    db.commit()

    public = message_public(message, user)
    realtime.publish(events.CHAT_MESSAGE, {"message": public})
    _notify_mentions(db, user, message)
    return public


def _notify_mentions(db: Session, author: User, message: Message) -> None:
    ids = mentioned_user_ids(db, message.text, author.name_key)
    if not ids:
        return
    text = f"{author.name} mentioned you: {message.text[:100]}"
    notifications.notify(
        db, ids, notifications.MENTION, text, f"/#message-{message.id}"
    )


def set_like(
    db: Session, user_id: int, message_id: int, action: Literal["like", "unlike"] | str
) -> dict[str, Any]:
    """Like or unlike a message; repeating an action changes nothing.

    The Like row and the count change in one transaction. The unique
    constraint on (message, user) lets one of two racing inserts through,
    and the count moves by an UPDATE relative to its stored value, so
    concurrent requests keep ``likes`` exact.
    """
    if action not in ("like", "unlike"):
        raise validation_error({"action": 'action must be "like" or "unlike".'})
    message = get_row(db, Message, message_id)
    if message is None or message.deleted:
        raise not_found("Message")

    changed = (
        _insert_like(db, user_id, message_id)
        if action == "like"
        else _delete_like(db, user_id, message_id)
    )
    if changed:
        step = 1 if action == "like" else -1
        db.exec(
            sa.update(Message)
            .where(Message.id == message_id)  # type: ignore[arg-type]
            .values(likes=Message.likes + step)
        )
    db.commit()
    likes = db.exec(select(Message.likes).where(Message.id == message_id)).one()

    if changed:
        realtime.publish(events.LIKE_UPDATE, {"message_id": message_id, "likes": likes})
        if action == "like" and message.user_id != user_id:
            _notify_like(db, user_id, message)
    return {"message_id": message_id, "likes": likes, "liked": action == "like"}


def _insert_like(db: Session, user_id: int, message_id: int) -> bool:
    dialect = db.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert  # type: ignore[assignment]
    statement = (
        insert(Like)
        .values(message_id=message_id, user_id=user_id, created_at=utcnow())
        .on_conflict_do_nothing(index_elements=["message_id", "user_id"])
        .returning(col(Like.id))
    )
    # SQLAlchemy adds RETURNING to this insert on PostgreSQL, and rowcount is
    # then -1, so the returned row shows whether the insert happened.
    return db.exec(statement).first() is not None  # type: ignore[call-overload]


def _delete_like(db: Session, user_id: int, message_id: int) -> bool:
    statement = sa.delete(Like).where(
        col(Like.message_id) == message_id, col(Like.user_id) == user_id
    )  # type: ignore[arg-type]
    return db.exec(statement).rowcount == 1  # type: ignore[call-overload]


def _notify_like(db: Session, liker_id: int, message: Message) -> None:
    liker = db.get(User, liker_id)
    if liker is None:
        return
    text = f"{liker.name} liked your message: {message.text[:100]}"
    notifications.notify(
        db, [message.user_id], notifications.LIKE, text, f"/#message-{message.id}"
    )


def delete_message(db: Session, user: User, message_id: int) -> None:
    """Hide a message; only its author or an admin may."""
    message = get_row(db, Message, message_id)
    if message is None or message.deleted:
        raise not_found("Message")
    if message.user_id != user.id and not user.is_admin:
        raise AppError(403, "forbidden", "You can delete only your own messages.")

    message.deleted = True
    db.add(message)
    db.commit()

    realtime.publish(events.MESSAGE_DELETED, {"id": message_id})
    logger.info("message %s deleted by user %s", message_id, user.id)
