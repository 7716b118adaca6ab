"""Notifications for mentions and likes, over HTTP."""

import pytest

from tests.factories import Account


def kinds_of(account: Account) -> list[str]:
    body = account.http.get("/api/notifications").json()
    return [row["kind"] for row in body["notifications"]]


@pytest.mark.parametrize(
    "text",
    ["@bob", "hi @bob, look", "(@Bob)", "@BOB.", "@bob\nnext line"],
)
def test_mention_notifies_user(alice: Account, bob: Account, text: str) -> None:
    alice.say(text)

    assert kinds_of(bob) == ["mention"]


def test_mention_of_name_with_space(make_account: object, alice: Account) -> None:
    john = make_account(name="John Smith")  # type: ignore[operator]

    alice.say("thanks @john smith!")

    assert kinds_of(john) == ["mention"]


def test_mention_needs_whole_name(make_account: object, alice: Account) -> None:
    ann = make_account(name="ann")  # type: ignore[operator]

    alice.say("hello @annabel")

    assert kinds_of(ann) == []


def test_mentioning_yourself_notifies_nobody(alice: Account) -> None:
    alice.say("note to @alice")

    assert kinds_of(alice) == []


def test_like_notifies_author(alice: Account, bob: Account) -> None:
    message = alice.say("like this")

    bob.post("/api/chat/like", json={"message_id": message["id"], "action": "like"})

    body = alice.http.get("/api/notifications").json()
    assert [row["kind"] for row in body["notifications"]] == ["like"]
    assert body["unread"] == 1


def test_mark_all_read(alice: Account, bob: Account) -> None:
    alice.say("@bob one")
    alice.say("@bob two")

    response = bob.post("/api/notifications/read", json={"all": True})

    assert response.status_code == 200
    assert bob.http.get("/api/notifications").json()["unread"] == 0


def test_mark_read_needs_ids_or_all(bob: Account) -> None:
    response = bob.post("/api/notifications/read", json={})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"
