"""Chat messages over HTTP: posting, paging, deleting."""

import httpx
import pytest

from tests.factories import Account


def test_post_message_returns_it(alice: Account) -> None:
    response = alice.post("/api/chat/messages", json={"text": "  hello  "})

    assert response.status_code == 201
    message = response.json()["message"]
    assert message["text"] == "hello"
    assert message["likes"] == 0
    assert message["liked"] is False
    assert message["user"] == {
        "id": alice.id,
        "name": "alice",
        "avatar_url": f"/api/users/{alice.id}/avatar",
    }
    assert message["created_at"].endswith("Z")


def test_post_message_requires_login(client: httpx.Client) -> None:
    response = client.post("/api/chat/messages", json={"text": "hi"})

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\u200b\u200b", "\ufeff\u2066\u2069 \u200d", "x" * 501],
)
def test_post_message_rejects_invalid_text(alice: Account, text: str) -> None:
    response = alice.post("/api/chat/messages", json={"text": text})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"
    assert "text" in response.json()["error"]["fields"]


def test_post_message_rejects_non_string_text(alice: Account) -> None:
    response = alice.post("/api/chat/messages", json={"text": 42})

    assert response.status_code == 400


def test_post_message_counts_code_points_after_nfc(alice: Account) -> None:
    decomposed = "e\u0301" * 500

    response = alice.post("/api/chat/messages", json={"text": decomposed})

    assert response.status_code == 201
    assert response.json()["message"]["text"] == "\u00e9" * 500


def test_post_message_keeps_html_as_text(alice: Account, client: httpx.Client) -> None:
    text = "<script>alert(1)</script> & <b>bold</b>"

    alice.say(text)

    assert client.get("/api/chat/messages").json()["messages"][-1]["text"] == text


def test_post_message_rate_limited(
    alice: Account, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "chat_messages_per_user", "3 per minute")
    for number in range(3):
        alice.say(f"message {number}")

    response = alice.post("/api/chat/messages", json={"text": "one too many"})

    assert response.status_code == 429
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["retry-after"]) >= 1


def test_list_messages_newest_page_oldest_first(
    alice: Account, client: httpx.Client
) -> None:
    ids = [alice.say(f"m{number}")["id"] for number in range(5)]

    body = client.get("/api/chat/messages", params={"limit": 3}).json()

    assert [m["id"] for m in body["messages"]] == ids[2:]
    assert body["has_more"] is True


def test_list_messages_pages_back_without_gaps(
    alice: Account, client: httpx.Client
) -> None:
    ids = [alice.say(f"m{number}")["id"] for number in range(7)]

    seen: list[int] = []
    body = client.get("/api/chat/messages", params={"limit": 3}).json()
    seen = [m["id"] for m in body["messages"]]
    while body["has_more"]:
        body = client.get(
            "/api/chat/messages", params={"limit": 3, "before_id": seen[0]}
        ).json()
        seen = [m["id"] for m in body["messages"]] + seen

    assert seen == ids


def test_list_messages_after_id_pages_forward(
    alice: Account, client: httpx.Client
) -> None:
    ids = [alice.say(f"m{number}")["id"] for number in range(5)]

    first = client.get(
        "/api/chat/messages", params={"limit": 2, "after_id": ids[0]}
    ).json()
    rest = client.get(
        "/api/chat/messages", params={"limit": 2, "after_id": ids[2]}
    ).json()

    assert [m["id"] for m in first["messages"]] == ids[1:3]
    assert first["has_more"] is True
    assert [m["id"] for m in rest["messages"]] == ids[3:5]
    assert rest["has_more"] is False


def test_list_messages_empty(client: httpx.Client, migrated_database: str) -> None:
    body = client.get("/api/chat/messages").json()

    assert body == {"messages": [], "has_more": False}


@pytest.mark.parametrize("limit", ["0", "201", "abc", "1.5", "-3"])
def test_list_messages_rejects_bad_limit(client: httpx.Client, limit: str) -> None:
    response = client.get("/api/chat/messages", params={"limit": limit})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "validation_failed"


def test_list_messages_marks_liked_for_viewer(alice: Account, bob: Account) -> None:
    message = alice.say("like me")
    assert bob.post(
        "/api/chat/like", json={"message_id": message["id"], "action": "like"}
    ).is_success

    bob_view = bob.http.get("/api/chat/messages").json()["messages"][0]
    alice_view = alice.http.get("/api/chat/messages").json()["messages"][0]

    assert bob_view["liked"] is True
    assert alice_view["liked"] is False
    assert bob_view["likes"] == 1


def test_delete_own_message_hides_it(alice: Account, client: httpx.Client) -> None:
    message = alice.say("oops")

    response = alice.delete(f"/api/chat/messages/{message['id']}")

    assert response.status_code == 200
    assert client.get("/api/chat/messages").json()["messages"] == []


def test_delete_other_users_message_forbidden(alice: Account, bob: Account) -> None:
    message = alice.say("mine")

    response = bob.delete(f"/api/chat/messages/{message['id']}")

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_delete_unknown_message_not_found(alice: Account) -> None:
    response = alice.delete("/api/chat/messages/999999")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_post_message_rejects_lone_surrogate(alice: Account) -> None:
    response = alice.post(
        "/api/chat/messages",
        content=b'{"text": "hi \\ud800"}',
        headers={"content-type": "application/json"},
    )

    assert response.status_code == 400
    assert "text" in response.json()["error"]["fields"]


@pytest.mark.parametrize("text", ["a\u0000b", "bell\u0007", "esc\u001b[31m"])
def test_post_message_rejects_control_characters(alice: Account, text: str) -> None:
    response = alice.post("/api/chat/messages", json={"text": text})

    assert response.status_code == 400
    assert "text" in response.json()["error"]["fields"]


@pytest.mark.parametrize("text", ["\u2800", "\u3164\u3164", "\u115f\u1160", "\uffa0"])
def test_post_message_rejects_blank_looking_text(alice: Account, text: str) -> None:
    response = alice.post("/api/chat/messages", json={"text": text})

    assert response.status_code == 400
    assert "text" in response.json()["error"]["fields"]


def test_post_message_keeps_newlines(alice: Account) -> None:
    assert alice.say("line one\nline two")["text"] == "line one\nline two"
