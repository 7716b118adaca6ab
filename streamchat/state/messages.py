"""The chat list as the page keeps it, and how bus events change it."""

import dataclasses
from typing import Any

from streamchat import events
from streamchat.realtime import Event

# The page keeps at most this many messages; older ones are paged in again
# with "show older" on request.
KEPT_MAX = 300


@dataclasses.dataclass
class ChatMessage:
    """One chat message as the page shows it."""

    id: int
    text: str
    likes: int
    liked: bool
    created_at: str
    author_id: int
    author_name: str
    author_avatar: str


def from_public(message: dict[str, Any]) -> ChatMessage:
    """Build a ChatMessage from the service's public message dict."""
    author = message["user"]
    return ChatMessage(
        id=message["id"],
        text=message["text"],
        likes=message["likes"],
        liked=message.get("liked", False),
        created_at=message["created_at"],
        author_id=author["id"],
        author_name=author["name"],
        author_avatar=author["avatar_url"],
    )


def merge(current: list[ChatMessage], new: list[ChatMessage]) -> list[ChatMessage]:
    """Add ``new`` to ``current``, oldest first, each id once.

    A message already shown keeps its ``liked`` flag but takes the new count.
    """
    by_id = {message.id: message for message in current}
    for message in new:
        shown = by_id.get(message.id)
        if shown is not None:
            message = dataclasses.replace(shown, likes=message.likes)
        by_id[message.id] = message
    return [by_id[key] for key in sorted(by_id)]


def apply_events(
    current: list[ChatMessage], batch: list[Event]
) -> tuple[list[ChatMessage], bool]:
    """Apply public chat events; return the new list and whether it was trimmed."""
    added: list[ChatMessage] = []
    likes: dict[int, int] = {}
    deleted: set[int] = set()
    for event in batch:
        if event.user_id is not None:
            continue
        if event.type == events.CHAT_MESSAGE:
            added.append(from_public(event.data["message"]))
        elif event.type == events.LIKE_UPDATE:
            likes[event.data["message_id"]] = event.data["likes"]
        elif event.type == events.MESSAGE_DELETED:
            deleted.add(event.data["id"])

    messages = merge(current, added) if added else list(current)
    if likes or deleted:
        messages = [
            dataclasses.replace(m, likes=likes.get(m.id, m.likes))
            for m in messages
            if m.id not in deleted
        ]
    trimmed = len(messages) > KEPT_MAX
    return messages[-KEPT_MAX:], trimmed


def ends_session(event: Event, user_id: int, session_id: int | None) -> bool:
    """Tell whether ``event`` logs out this page's user and session."""
    if not user_id or event.user_id != user_id:
        return False
    if event.type == events.USER_BANNED:
        return True
    return (
        event.type == events.SESSION_ENDED
        and event.data.get("session_id") == session_id
    )
