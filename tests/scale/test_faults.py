"""Redis going away and a backend killed mid-conversation lose no message.

Each test stops a part of the cluster, and the running_cluster fixture starts
it again afterwards. A message counts as acknowledged when the site answered
201; every acknowledged message must be in the database afterwards.
"""

import contextlib
import threading

import httpx
import pytest

from tests.factories import Account
from tests.scale.conftest import Cluster
from tests.scale.helpers import WAIT, new_account, observer, post_as, wait_for_frame

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

MESSAGES_PER_PHASE = 6
# The writer of the kill test stops after this many messages at the latest.
MAX_MESSAGES = 400


def post_round(account: Account, urls: list[str], label: str) -> list[httpx.Response]:
    """Post MESSAGES_PER_PHASE messages, alternating between the processes."""
    return [
        post_as(account, urls[n % 2], "/api/chat/messages", {"text": f"{label} {n}"})
        for n in range(MESSAGES_PER_PHASE)
    ]


def stored_ids(base_url: str, after_id: int) -> set[int]:
    """Return the ids of up to 200 stored messages newer than ``after_id``."""
    listing = httpx.get(
        f"{base_url}/api/chat/messages",
        params={"after_id": after_id, "limit": 200},
        timeout=WAIT,
    )
    return {message["id"] for message in listing.json()["messages"]}


def acknowledged_ids(responses: list[httpx.Response]) -> set[int]:
    return {r.json()["message"]["id"] for r in responses if r.status_code == 201}


def test_redis_restart_loses_no_message(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    urls = [first.url, second.url]
    author = new_account(first.url)

    with observer(first.ws_url) as watch_first, observer(second.ws_url) as watch_second:
        before = post_round(author, urls, "before")
        running_cluster.redis.stop()
        during = post_round(author, urls, "during")
        running_cluster.redis.start()
        for socket in (watch_first, watch_second):
            wait_for_frame(socket, lambda f: f["type"] == "resync")
        after = post_as(author, second.url, "/api/chat/messages", {"text": "after"})
        live = wait_for_frame(
            watch_first,
            lambda f: f["type"] == "chat_message" and f["message"]["text"] == "after",
        )

    assert [r.status_code for r in before] == [201] * MESSAGES_PER_PHASE
    assert {r.status_code for r in during} <= {201, 503}
    for response in during:
        if response.status_code == 503:
            assert response.json()["error"]["code"] == "unavailable"
    assert after.status_code == 201
    assert live["message"]["id"] == after.json()["message"]["id"]
    acknowledged = acknowledged_ids(before + during + [after])
    assert acknowledged <= stored_ids(first.url, min(acknowledged) - 1)


def test_killed_backend_loses_no_message(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    author = new_account(first.url)
    responses: list[httpx.Response] = []
    enough_sent = threading.Event()
    stop = threading.Event()

    def write_to_second() -> None:
        for n in range(MAX_MESSAGES):
            if stop.is_set():
                return
            with contextlib.suppress(httpx.HTTPError):
                responses.append(
                    post_as(author, second.url, "/api/chat/messages", {"text": str(n)})
                )
            if len(responses) >= MESSAGES_PER_PHASE:
                enough_sent.set()

    writer = threading.Thread(target=write_to_second)
    writer.start()
    try:
        assert enough_sent.wait(WAIT)
        second.kill()
    finally:
        stop.set()
        writer.join(WAIT)
    survivor = post_as(author, first.url, "/api/chat/messages", {"text": "still here"})

    acknowledged = acknowledged_ids(responses)
    assert len(acknowledged) >= MESSAGES_PER_PHASE
    assert survivor.status_code == 201
    assert acknowledged <= stored_ids(first.url, min(acknowledged) - 1)
