"""The baselines: a bare Starlette WebSocket broadcast and a bare REST handler.

The benchmark starts this app under Granian, the ASGI server that Reflex 0.10.1
runs in production, with one worker. ``/ws`` accepts plain WebSocket clients;
``POST /send`` serializes one ``chat_message`` frame and sends it to every
client in a loop. ``GET /api/chat/messages`` returns the newest messages of the
StreamChat database named by ``BARE_DATABASE``, in the shape of the real
endpoint, with the standard ``sqlite3`` module and no ORM.
"""

import json
import os
import sqlite3
from datetime import UTC, datetime
from typing import Any

from fastapi import FastAPI, Request, WebSocket, WebSocketDisconnect

app = FastAPI()
sockets: set[WebSocket] = set()

LIST_QUERY = """
SELECT m.id, m.text, m.likes, m.created_at, u.id, u.name, u.avatar
FROM message m JOIN user u ON u.id = m.user_id
WHERE m.deleted = 0 ORDER BY m.id DESC LIMIT ?
"""


@app.websocket("/ws")
async def broadcast_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    sockets.add(websocket)
    try:
        while True:
            await websocket.receive_text()
    except WebSocketDisconnect:
        pass
    finally:
        sockets.discard(websocket)


@app.post("/send")
async def send(request: Request) -> dict[str, int]:
    body = await request.json()
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    user = {"id": 1, "name": "sender", "avatar_url": "/api/users/1/avatar"}
    message = {"id": 1, "text": body["text"], "likes": 0, "liked": False}
    message |= {"created_at": now, "user": user}
    frame = json.dumps({"type": "chat_message", "message": message})
    for websocket in tuple(sockets):
        try:
            await websocket.send_text(frame)
        except (WebSocketDisconnect, RuntimeError):
            sockets.discard(websocket)
    return {"clients": len(sockets)}


def _row_public(row: tuple[Any, ...]) -> dict[str, Any]:
    message_id, text, likes, created_at, user_id, name, avatar = row
    created = datetime.fromisoformat(str(created_at)).strftime("%Y-%m-%dT%H:%M:%SZ")
    avatar_url = (
        f"/media/avatars/{avatar}" if avatar else f"/api/users/{user_id}/avatar"
    )
    user = {"id": user_id, "name": name, "avatar_url": avatar_url}
    return {
        "id": message_id,
        "text": text,
        "likes": likes,
        "liked": False,
        "created_at": created,
        "user": user,
    }


@app.get("/api/chat/messages")
def list_messages(limit: int = 50) -> dict[str, Any]:
    connection = sqlite3.connect(os.environ["BARE_DATABASE"])
    try:
        rows = connection.execute(LIST_QUERY, (limit + 1,)).fetchall()
    finally:
        connection.close()
    messages = [_row_public(row) for row in rows[:limit]]
    messages.reverse()
    return {"messages": messages, "has_more": len(rows) > limit}
