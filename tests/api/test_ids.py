"""Ids no row can have are a 404 or a 400, never a server error."""

import httpx
import pytest

from tests.factories import Account

HUGE = 2**70
JUST_PAST_INT64 = 2**63


@pytest.mark.parametrize("value", [HUGE, JUST_PAST_INT64, -1])
@pytest.mark.parametrize("cursor", ["before_id", "after_id"])
def test_list_rejects_out_of_range_cursor(
    client: httpx.Client, cursor: str, value: int
) -> None:
    response = client.get("/api/chat/messages", params={cursor: value})

    assert response.status_code == 400
    assert cursor in response.json()["error"]["fields"]


@pytest.mark.parametrize("value", [HUGE, JUST_PAST_INT64, 0, -5])
def test_like_unknown_huge_id_not_found(alice: Account, value: int) -> None:
    response = alice.post(
        "/api/chat/like", json={"message_id": value, "action": "like"}
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


@pytest.mark.parametrize(
    "path",
    [
        f"/api/chat/messages/{HUGE}",
        f"/api/tokens/{HUGE}",
    ],
)
def test_delete_huge_id_not_found(alice: Account, path: str) -> None:
    response = alice.delete(path)

    assert response.status_code == 404


def test_avatar_of_huge_id_not_found(
    client: httpx.Client, migrated_database: str
) -> None:
    response = client.get(f"/api/users/{HUGE}/avatar")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_mark_read_ignores_huge_ids(alice: Account) -> None:
    response = alice.post("/api/notifications/read", json={"ids": [HUGE, 1]})

    assert response.status_code == 200
