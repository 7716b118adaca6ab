"""Likes over HTTP, exact under concurrent requests."""

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.factories import Account


def like(account: Account, message_id: int, action: str = "like") -> httpx.Response:
    return account.post(
        "/api/chat/like", json={"message_id": message_id, "action": action}
    )


def likes_of(client: httpx.Client, message_id: int) -> int:
    messages = client.get("/api/chat/messages", params={"limit": 200}).json()
    return next(m["likes"] for m in messages["messages"] if m["id"] == message_id)


def test_like_then_unlike(alice: Account, bob: Account) -> None:
    message = alice.say("hi")

    liked = like(bob, message["id"])
    unliked = like(bob, message["id"], "unlike")

    assert liked.status_code == 200
    assert liked.json() == {"message_id": message["id"], "likes": 1, "liked": True}
    assert unliked.json() == {"message_id": message["id"], "likes": 0, "liked": False}


def test_like_is_idempotent(alice: Account, bob: Account) -> None:
    message = alice.say("hi")

    like(bob, message["id"])
    second = like(bob, message["id"])

    assert second.status_code == 200
    assert second.json()["likes"] == 1


def test_unlike_never_below_zero(alice: Account, bob: Account) -> None:
    message = alice.say("hi")

    response = like(bob, message["id"], "unlike")
    like(bob, message["id"], "unlike")

    assert response.json()["likes"] == 0
    assert like(alice, message["id"], "unlike").json()["likes"] == 0


def test_like_unknown_message_not_found(alice: Account) -> None:
    response = like(alice, 424242)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize("action", ["love", "", "LIKE"])
def test_like_rejects_unknown_action(alice: Account, action: str) -> None:
    message = alice.say("hi")

    response = like(alice, message["id"], action)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"


def test_like_requires_login(client: httpx.Client, alice: Account) -> None:
    message = alice.say("hi")

    response = client.post(
        "/api/chat/like", json={"message_id": message["id"], "action": "like"}
    )

    assert response.status_code == 401


def test_twenty_users_liking_at_once_count_twenty(
    make_account: object, alice: Account, client: httpx.Client
) -> None:
    message = alice.say("popular")
    fans = [make_account() for _ in range(20)]  # type: ignore[operator]

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda fan: like(fan, message["id"]), fans))

    assert all(r.status_code == 200 for r in responses)
    assert likes_of(client, message["id"]) == 20


def test_one_user_liking_twenty_times_at_once_counts_one(
    alice: Account, bob: Account, client: httpx.Client
) -> None:
    message = alice.say("hi")

    with ThreadPoolExecutor(max_workers=20) as pool:
        responses = list(pool.map(lambda _: like(bob, message["id"]), range(20)))

    assert all(r.status_code == 200 for r in responses)
    assert likes_of(client, message["id"]) == 1


def test_concurrent_like_and_unlike_stay_consistent(
    alice: Account, bob: Account, client: httpx.Client
) -> None:
    message = alice.say("hi")
    actions = ["like", "unlike"] * 10

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(lambda action: like(bob, message["id"], action), actions))

    final = like(bob, message["id"], "like").json()["likes"]
    assert final == 1
    assert likes_of(client, message["id"]) == 1
