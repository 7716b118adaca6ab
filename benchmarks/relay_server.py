"""The server process of benchmarks/relay.py: the API plus a bare fan-out.

``/bare`` forwards every binary frame of the first client that says
"broadcaster" to all other clients, each through an unbounded queue, with
no parsing and no limits. It is the baseline the relay is compared with.
"""

import asyncio
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import uvicorn
from fastapi import FastAPI, WebSocket, WebSocketDisconnect

from streamchat.api import create_api
from streamchat.realtime import get_bus

bare_viewers: set[asyncio.Queue[bytes]] = set()


@asynccontextmanager
async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
    await get_bus().start()
    yield
    await get_bus().stop()


async def bare_fan_out(websocket: WebSocket) -> None:
    await websocket.accept()
    role = await websocket.receive_text()
    if role == "broadcaster":
        try:
            while True:
                data = await websocket.receive_bytes()
                for queue in bare_viewers:
                    queue.put_nowait(data)
        except WebSocketDisconnect:
            return
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    bare_viewers.add(queue)
    try:
        while True:
            await websocket.send_bytes(await queue.get())
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        bare_viewers.discard(queue)


def main() -> None:
    app = create_api()
    app.router.lifespan_context = lifespan
    app.add_api_websocket_route("/bare", bare_fan_out)
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")


if __name__ == "__main__":
    main()
