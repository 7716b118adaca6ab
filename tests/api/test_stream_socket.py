"""The /ws/stream socket as scripts use it: observers receive chat events."""

import asyncio
import json
from typing import Any

import httpx
import pytest
import websockets

from tests.factories import Account


def ws_url(api_url: str) -> str:
    return api_url.replace("http://", "ws://") + "/ws/stream"


async def next_of_type(socket: Any, kind: str) -> dict[str, Any]:
    """Read frames until one of ``kind`` arrives, for at most five seconds."""
    async with asyncio.timeout(5):
        while True:
            frame = json.loads(await socket.recv())
            if frame["type"] == kind:
                return dict(frame)


async def observe(api_url: str, **kwargs: Any) -> Any:
    return await observe_url(ws_url(api_url), **kwargs)


async def observe_url(url: str, **kwargs: Any) -> Any:
    """Connect to ``url``, say hello as an observer and wait for the welcome."""
    socket = await websockets.connect(url, **kwargs)
    await socket.send(json.dumps({"type": "hello", "role": "observer"}))
    welcome = await next_of_type(socket, "welcome")
    assert welcome["role"] == "observer"
    return socket


def test_observer_receives_chat_like_and_delete(
    api_url: str, alice: Account, bob: Account
) -> None:
    async def scenario() -> None:
        socket = await observe(api_url)
        message = await asyncio.to_thread(alice.say, "to the socket")
        posted = await next_of_type(socket, "chat_message")
        assert posted["message"]["id"] == message["id"]
        assert posted["message"]["text"] == "to the socket"

        await asyncio.to_thread(
            bob.post,
            "/api/chat/like",
            json={"message_id": message["id"], "action": "like"},
        )
        liked = await next_of_type(socket, "like_update")
        assert liked == {"type": "like_update", "message_id": message["id"], "likes": 1}

        await asyncio.to_thread(alice.delete, f"/api/chat/messages/{message['id']}")
        deleted = await next_of_type(socket, "message_deleted")
        assert deleted["id"] == message["id"]
        await socket.close()

    asyncio.run(scenario())


def test_chat_frame_posts_through_service(api_url: str, alice: Account) -> None:
    token = alice.post("/api/tokens", json={"name": "bot"}).json()["token"]

    async def scenario() -> None:
        socket = await observe_url(ws_url(api_url) + f"?token={token}")
        await socket.send(json.dumps({"type": "chat", "text": "  via socket "}))
        posted = await next_of_type(socket, "chat_message")
        assert posted["message"]["text"] == "via socket"
        assert posted["message"]["user"]["id"] == alice.id

        await socket.send(json.dumps({"type": "chat", "text": "\u200b"}))
        error = await next_of_type(socket, "error")
        assert error["code"] == "validation_failed"
        await socket.close()

    asyncio.run(scenario())


def test_anonymous_chat_frame_rejected(api_url: str) -> None:
    async def scenario() -> None:
        socket = await observe(api_url)
        await socket.send(json.dumps({"type": "chat", "text": "hi"}))
        error = await next_of_type(socket, "error")
        assert error["code"] == "not_authenticated"
        await socket.close()

    asyncio.run(scenario())


def test_foreign_origin_handshake_rejected(api_url: str) -> None:
    async def scenario() -> None:
        with pytest.raises(websockets.InvalidStatus):
            await websockets.connect(ws_url(api_url), origin="https://evil.example")

    asyncio.run(scenario())


def test_oversized_text_frame_closes_with_1009(api_url: str) -> None:
    async def scenario() -> None:
        socket = await observe(api_url, max_size=None)
        await socket.send("x" * (17 * 1024))
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1009

    asyncio.run(scenario())


def test_socket_closes_when_its_session_logs_out(api_url: str, alice: Account) -> None:
    cookie = alice.http.cookies["streamchat_session"]

    async def scenario() -> None:
        socket = await observe(
            api_url, additional_headers={"Cookie": f"streamchat_session={cookie}"}
        )
        await asyncio.to_thread(alice.http.get, "/logout")
        error = await next_of_type(socket, "error")
        assert error["code"] == "session_ended"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008

    asyncio.run(scenario())


def test_other_session_logout_keeps_socket(api_url: str, alice: Account) -> None:
    cookie = alice.http.cookies["streamchat_session"]
    with httpx.Client(base_url=api_url) as other:
        other.post("/login", json={"email": alice.email, "password": alice.password})

        async def scenario() -> None:
            socket = await observe(
                api_url, additional_headers={"Cookie": f"streamchat_session={cookie}"}
            )
            await asyncio.to_thread(other.get, "/logout")
            await socket.send(json.dumps({"type": "ping"}))
            assert (await next_of_type(socket, "pong"))["type"] == "pong"
            await socket.close()

        asyncio.run(scenario())


def test_invalid_token_rejected_on_socket(api_url: str) -> None:
    async def scenario() -> None:
        socket = await websockets.connect(ws_url(api_url) + "?token=sct_forged")
        error = json.loads(await asyncio.wait_for(socket.recv(), 5))
        assert error["code"] == "invalid_token"
        with pytest.raises(websockets.ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), 5)
        assert closed.value.rcvd is not None
        assert closed.value.rcvd.code == 1008

    asyncio.run(scenario())


def test_like_frame_with_bool_id_not_found(api_url: str, alice: Account) -> None:
    token = alice.post("/api/tokens", json={"name": "bot"}).json()["token"]

    async def scenario() -> None:
        socket = await observe_url(ws_url(api_url) + f"?token={token}")
        frame = {"type": "like", "message_id": True, "action": "like"}
        await socket.send(json.dumps(frame))
        error = await next_of_type(socket, "error")
        assert error["code"] == "not_found"
        await socket.close()

    asyncio.run(scenario())
