"""The chat list helpers: merging, live events and the state serializer."""

import dataclasses
import json

from reflex_base.utils import format as reflex_format

from streamchat import events
from streamchat.realtime import Event
from streamchat.state.messages import (
    CATCH_UP_MAX,
    LIVE_MAX,
    PAGE_SIZE,
    ChatMessage,
    add_live,
    apply_events,
    fetch_catch_up,
    merge,
    serialize_chat_message,
)


def chat_message(message_id: int, likes: int = 0, liked: bool = False) -> ChatMessage:
    return ChatMessage(
        id=message_id,
        text=f"text {message_id}",
        likes=likes,
        liked=liked,
        created_at="2026-12-04T17:00:00Z",
        author_id=1,
        author_name="anna",
        author_avatar="/api/users/1/avatar",
    )


def public(message_id: int) -> dict:
    return {
        "id": message_id,
        "text": f"text {message_id}",
        "likes": 0,
        "created_at": "2026-12-04T17:00:00Z",
        "user": {"id": 1, "name": "anna", "avatar_url": "/api/users/1/avatar"},
    }


def test_merge_appends_newer_messages() -> None:
    current = [chat_message(1), chat_message(2)]

    merged = merge(current, [chat_message(3), chat_message(4)])

    assert [m.id for m in merged] == [1, 2, 3, 4]
    assert merged[:2] == current


def test_merge_sorts_and_deduplicates_out_of_order() -> None:
    current = [chat_message(2, liked=True), chat_message(5)]

    merged = merge(current, [chat_message(4), chat_message(2, likes=7)])

    assert [m.id for m in merged] == [2, 4, 5]
    assert merged[0].likes == 7
    assert merged[0].liked is True


def test_merge_of_unsorted_new_page() -> None:
    merged = merge([chat_message(1)], [chat_message(3), chat_message(2)])

    assert [m.id for m in merged] == [1, 2, 3]


def test_merge_into_empty_list() -> None:
    assert [m.id for m in merge([], [chat_message(2), chat_message(1)])] == [1, 2]
    assert [m.id for m in merge([chat_message(1)], [])] == [1]


def chat_event(message_id: int) -> Event:
    return Event(events.CHAT_MESSAGE, {"message": public(message_id)})


def test_apply_events_adds_to_live_list() -> None:
    history = [chat_message(1)]
    live = [chat_message(2)]

    new_history, new_live, trimmed = apply_events(
        history, live, [chat_event(3), chat_event(4)]
    )

    assert new_history is history
    assert [m.id for m in new_live] == [2, 3, 4]
    assert trimmed is False
    assert [m.id for m in live] == [2]


def test_apply_events_skips_messages_in_history() -> None:
    history = [chat_message(1), chat_message(2)]

    new_history, new_live, _ = apply_events(history, [], [chat_event(2)])

    assert new_history is history
    assert new_live == []


def test_apply_events_repeated_live_message_once() -> None:
    live = [chat_message(1), chat_message(2)]

    _, new_live, _ = apply_events([], live, [chat_event(2)])

    assert [m.id for m in new_live] == [1, 2]


def test_apply_events_likes_and_deletes_in_history() -> None:
    history = [chat_message(1), chat_message(2)]
    live = [chat_message(3)]
    batch = [
        Event(events.LIKE_UPDATE, {"message_id": 1, "likes": 4}),
        Event(events.MESSAGE_DELETED, {"id": 2}),
    ]

    new_history, new_live, trimmed = apply_events(history, live, batch)

    assert [(m.id, m.likes) for m in new_history] == [(1, 4)]
    assert new_live is live
    assert trimmed is False


def test_apply_events_ignores_events_for_one_user() -> None:
    live = [chat_message(1)]
    event = Event(events.CHAT_MESSAGE, {"message": public(2)}, user_id=7)

    _, new_live, _ = apply_events([], live, [event])

    assert new_live is live


def test_live_overflow_drops_history_and_oldest() -> None:
    history = [chat_message(1)]
    live = [chat_message(i) for i in range(2, 2 + LIVE_MAX)]

    new_history, new_live, trimmed = add_live(history, live, [chat_message(100)])

    assert new_history == []
    assert len(new_live) == LIVE_MAX
    assert new_live[0].id == 3
    assert new_live[-1].id == 100
    assert trimmed is True


def test_serializer_matches_dataclass_fields() -> None:
    message = chat_message(9, likes=3, liked=True)

    encoded = reflex_format.json_dumps({"messages": [message]})

    assert json.loads(encoded) == {"messages": [dataclasses.asdict(message)]}


def test_serializer_output_is_a_copy() -> None:
    message = chat_message(9)

    serialized = serialize_chat_message(message)
    serialized["text"] = "changed"

    assert message.text == "text 9"


class StoredMessages:
    """A stand-in for chat.list_messages over messages 1 to ``count``."""

    def __init__(self, count: int) -> None:
        self.ids = list(range(1, count + 1))
        self.queries: list[dict] = []

    def __call__(self, limit: int, after_id: int | None = None) -> dict:
        self.queries.append({"limit": limit, "after_id": after_id})
        if after_id is None:
            page = self.ids[-limit - 1 :]
            has_more = len(page) > limit
            page = page[-limit:]
        else:
            page = [i for i in self.ids if i > after_id][: limit + 1]
            has_more = len(page) > limit
            page = page[:limit]
        return {"messages": [public(i) for i in page], "has_more": has_more}


def test_catch_up_first_load_newest_page() -> None:
    stored = StoredMessages(80)

    caught_up = fetch_catch_up(stored, None)

    assert [m.id for m in caught_up.messages] == list(range(31, 81))
    assert caught_up.replace is True
    assert caught_up.has_older is True


def test_catch_up_fetches_missed_messages() -> None:
    stored = StoredMessages(80)

    caught_up = fetch_catch_up(stored, 70)

    assert [m.id for m in caught_up.messages] == list(range(71, 81))
    assert caught_up.replace is False
    assert stored.queries == [{"limit": CATCH_UP_MAX, "after_id": 70}]


def test_catch_up_too_many_missed_newest_page() -> None:
    # Showing the oldest missed messages would leave the newer missed ones
    # out for good: live messages follow and "show older" pages backwards.
    stored = StoredMessages(10 + CATCH_UP_MAX + 100)

    caught_up = fetch_catch_up(stored, 10)

    newest = stored.ids[-PAGE_SIZE:]
    assert [m.id for m in caught_up.messages] == newest
    assert caught_up.replace is True
    assert caught_up.has_older is True
