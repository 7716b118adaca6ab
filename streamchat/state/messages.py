"""The chat list as the page keeps it, and how bus events change it."""

import dataclasses
import itertools
from collections.abc import Callable
from typing import Any

import reflex as rx

from streamchat import events
from streamchat.realtime import Event
from streamchat.services.chat import LIMIT_MAX

# The page keeps at most this many messages that arrived live; older ones are
# paged in again with "show older" on request. Every live update resends the
# whole live list to the browser, so its length is the main cost of a chat
# message per open page.
LIVE_MAX = 50
# Messages in the newest page, which a page loads first and again after it
# missed more than CATCH_UP_MAX messages.
PAGE_SIZE = 50
# A page that reconnects fetches at most this many missed messages at once.
CATCH_UP_MAX = LIMIT_MAX


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


@rx.serializer
def serialize_chat_message(message: ChatMessage) -> dict[str, Any]:
    """Serialize a message for a state update: a copy of its field dict.

    A live update sends the whole live list to the browser, so this runs once
    per message, per open page, per update. Reflex 0.10.1's generic dataclass
    path took about 2.7 times as long, timed on a list of 50 messages. The
    fields are JSON values already.
    """
    return dict(message.__dict__)


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
    if current and new and _ascending([current[-1], *new]):
        # The live case: newer messages in order, so the list only grows.
        return [*current, *new]
    by_id = {message.id: message for message in current}
    for message in new:
        shown = by_id.get(message.id)
        if shown is not None:
            message = dataclasses.replace(shown, likes=message.likes)
        by_id[message.id] = message
    return [by_id[key] for key in sorted(by_id)]


def _ascending(messages: list[ChatMessage]) -> bool:
    return all(a.id < b.id for a, b in itertools.pairwise(messages))


def apply_events(
    history: list[ChatMessage], live: list[ChatMessage], batch: list[Event]
) -> tuple[list[ChatMessage], list[ChatMessage], bool]:
    """Apply public chat events to the two lists of the page.

    Return the new history, the new live list and whether messages left the
    page, so that "show older" must offer them. A list that the batch does
    not change is returned as the same object, so the caller can skip
    assigning it and Reflex does not resend it.
    """
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

    history = _changed(history, likes, deleted)
    live = _changed(live, likes, deleted)
    return add_live(history, live, added)


def add_live(
    history: list[ChatMessage], live: list[ChatMessage], new: list[ChatMessage]
) -> tuple[list[ChatMessage], list[ChatMessage], bool]:
    """Add messages newer than the history to the live list.

    When the live list passes LIVE_MAX, its oldest messages leave the page,
    and so does the whole history, so the page never shows a gap.
    """
    floor = history[-1].id if history else 0
    fresh = [message for message in new if message.id > floor]
    if not fresh:
        return history, live, False
    live = merge(live, fresh)
    if len(live) <= LIVE_MAX:
        return history, live, False
    return [], live[-LIVE_MAX:], True


def _changed(
    messages: list[ChatMessage], likes: dict[int, int], deleted: set[int]
) -> list[ChatMessage]:
    if not (likes or deleted) or not any(
        m.id in likes or m.id in deleted for m in messages
    ):
        return messages
    return [
        dataclasses.replace(m, likes=likes[m.id]) if m.id in likes else m
        for m in messages
        if m.id not in deleted
    ]


@dataclasses.dataclass
class CatchUp:
    """The messages a page fetched to catch up, and how it shows them.

    With ``replace``, they are the newest page and replace what the page
    shows. Without it, they are the messages after the newest one shown.
    """

    messages: list[ChatMessage]
    replace: bool
    has_older: bool


def fetch_catch_up(
    fetch: Callable[..., dict[str, Any]], last_id: int | None
) -> CatchUp:
    """Fetch what a page whose newest message is ``last_id`` has not seen.

    ``fetch`` takes the query of ``chat.list_messages``. ``last_id`` None
    means the page shows nothing yet. When more than CATCH_UP_MAX messages
    are missing, the page gets the newest page instead, because the oldest
    missed ones followed by live messages would leave a gap that "show
    older" cannot fill.
    """
    if last_id is not None:
        page = fetch(after_id=last_id, limit=CATCH_UP_MAX)
        if not page["has_more"]:
            missed = [from_public(message) for message in page["messages"]]
            return CatchUp(missed, replace=False, has_older=False)
    page = fetch(limit=PAGE_SIZE)
    newest = [from_public(message) for message in page["messages"]]
    return CatchUp(newest, replace=True, has_older=page["has_more"])


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
