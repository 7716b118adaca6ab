"""Fixtures of the broadcast tests: a migrated database and a live API server.

The environment is set before StreamChat's settings are first read, so the
run uses its own database file and media folder.
"""

import itertools
import os
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_run_dir = Path(tempfile.mkdtemp(prefix="streamchat-stream-tests-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_run_dir / 'test.db'}")
os.environ.setdefault("STREAMCHAT_MEDIA_DIR", str(_run_dir / "media"))
os.environ.setdefault("STREAMCHAT_BCRYPT_ROUNDS", "4")
os.environ.pop("REDIS_URL", None)

import httpx  # noqa: E402
import pytest  # noqa: E402
import uvicorn  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from fastapi import FastAPI  # noqa: E402

from streamchat.api import create_api  # noqa: E402
from streamchat.live.mirror import run_mirror  # noqa: E402
from streamchat.realtime import get_bus  # noqa: E402
from streamchat.settings import PROJECT_ROOT, get_settings  # noqa: E402

_numbers = itertools.count(1)


def free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@asynccontextmanager
async def bus_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Start the event bus and the broadcast mirror, as the Reflex app does."""
    await get_bus().start()
    async with run_mirror():
        yield
    await get_bus().stop()


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


@pytest.fixture(scope="session")
def stream_server() -> Iterator[str]:
    """Serve the API on a free port over a database built by Alembic."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    app = create_api()
    app.router.lifespan_context = bus_lifespan
    port = free_port()
    get_settings().port = port
    server = _Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test API server did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@dataclass
class Member:
    """A registered user with a logged-in HTTP client."""

    id: int
    name: str
    cookie: str
    csrf_token: str
    http: httpx.Client

    def create_token(self) -> str:
        """Create a personal access token and return its secret."""
        response = self.http.post(
            "/api/tokens",
            json={"name": "script"},
            headers={"X-CSRF-Token": self.csrf_token},
        )
        assert response.status_code == 201, response.text
        return str(response.json()["token"])


@pytest.fixture
def make_member(stream_server: str) -> Iterator[Any]:
    """Register users over HTTP and close their clients afterwards."""
    opened: list[Member] = []

    def make() -> Member:
        number = next(_numbers)
        http = httpx.Client(base_url=stream_server, timeout=30)
        response = http.post(
            "/register",
            json={
                "name": f"caster{number}",
                "email": f"caster{number}@example.com",
                "password": "correct horse 1",
            },
        )
        assert response.status_code == 201, response.text
        body = response.json()
        cookie = http.cookies[get_settings().cookie_name]
        member = Member(
            body["user"]["id"], body["user"]["name"], cookie, body["csrf_token"], http
        )
        opened.append(member)
        return member

    yield make
    for member in opened:
        member.http.close()
