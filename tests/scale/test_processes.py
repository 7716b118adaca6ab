"""Two backend processes on one PostgreSQL and one Redis act as one site."""

import asyncio

import httpx
import pytest

from tests.factories import Account
from tests.scale.conftest import Cluster
from tests.scale.helpers import (
    WAIT,
    auth_headers,
    in_own_thread,
    new_account,
    observer,
    post_as,
    wait_for_frame,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CONCURRENT_LIKES = 200


def test_observer_gets_message_from_other_process(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    author = new_account(second.url)

    with observer(first.ws_url) as socket:
        message = post_as(author, second.url, "/api/chat/messages", {"text": "hi"})
        frame = wait_for_frame(socket, lambda f: f["type"] == "chat_message")

    assert message.status_code == 201
    assert frame["message"]["id"] == message.json()["message"]["id"]
    assert frame["message"]["text"] == "hi"


def test_observer_gets_like_from_other_process(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    author = new_account(first.url)
    liker = new_account(second.url)
    message = author.say("like this")

    with observer(first.ws_url) as socket:
        like = {"message_id": message["id"], "action": "like"}
        response = post_as(liker, second.url, "/api/chat/like", like)
        frame = wait_for_frame(socket, lambda f: f["type"] == "like_update")

    assert response.status_code == 200
    assert frame == {"type": "like_update", "message_id": message["id"], "likes": 1}


def test_chat_frame_reaches_other_process(running_cluster: Cluster) -> None:
    first, second = running_cluster.backends
    author = new_account(first.url)

    with (
        observer(first.ws_url) as watcher,
        observer(second.ws_url, author) as sender,
    ):
        sender.send('{"type": "chat", "text": "over the socket"}')
        frame = wait_for_frame(watcher, lambda f: f["type"] == "chat_message")

    assert frame["message"]["text"] == "over the socket"
    assert frame["message"]["user"]["id"] == author.id


def test_likes_exact_across_two_processes(running_cluster: Cluster) -> None:
    urls = [backend.url for backend in running_cluster.backends]
    author = new_account(urls[0])
    message = author.say("count the likes")
    likers = [new_account(urls[n % 2]) for n in range(CONCURRENT_LIKES // 2)]

    # Every user likes twice at once, once on each process: 200 requests
    # in flight, and exactly one like per user may count.
    statuses = in_own_thread(
        lambda: asyncio.run(_like_everywhere(likers, urls, message["id"]))
    )
    listed = httpx.get(f"{urls[1]}/api/chat/messages", timeout=WAIT).json()

    assert statuses == [200] * CONCURRENT_LIKES
    assert listed["messages"][-1]["likes"] == len(likers)


async def _like_everywhere(
    likers: list[Account], urls: list[str], message_id: int
) -> list[int]:
    body = {"message_id": message_id, "action": "like"}
    limits = httpx.Limits(max_connections=CONCURRENT_LIKES)
    async with httpx.AsyncClient(timeout=120, limits=limits) as client:

        async def like(liker: Account, url: str) -> httpx.Response:
            # A 503 means the server was too busy to take the request, so a
            # client sends it again; likes are idempotent.
            for _ in range(5):
                response = await client.post(
                    f"{url}/api/chat/like", json=body, headers=auth_headers(liker)
                )
                if response.status_code != 503:
                    break
                await asyncio.sleep(float(response.headers.get("retry-after", "1")))
            return response

        responses = await asyncio.gather(
            *(like(liker, url) for liker in likers for url in urls)
        )
    return [response.status_code for response in responses]
