"""Fixtures shared by every test: a migrated database and a live API server.

The environment is set before anything imports StreamChat's settings, so the
whole run uses a database file of its own and a low bcrypt work factor.
"""

import os
import socket
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

_run_dir = Path(tempfile.mkdtemp(prefix="streamchat-tests-"))
os.environ.setdefault("DATABASE_URL", f"sqlite:///{_run_dir / 'test.db'}")
os.environ.setdefault("STREAMCHAT_MEDIA_DIR", str(_run_dir / "media"))
os.environ.setdefault("STREAMCHAT_BCRYPT_ROUNDS", "4")
# Generous limits, so that only the tests of the limits meet them.
os.environ.setdefault("STREAMCHAT_CHAT_MESSAGES_PER_USER", "1000 per second")
os.environ.setdefault("STREAMCHAT_REGISTRATIONS_PER_ADDRESS", "")
os.environ.pop("REDIS_URL", None)

import httpx  # noqa: E402
import pytest  # noqa: E402
import sqlalchemy as sa  # noqa: E402
import uvicorn  # noqa: E402
from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from fastapi import FastAPI  # noqa: E402
from sqlmodel import SQLModel  # noqa: E402

from streamchat.api import create_api  # noqa: E402
from streamchat.db import get_engine  # noqa: E402
from streamchat.live.mirror import run_mirror  # noqa: E402
from streamchat.realtime import run_bus  # noqa: E402
from streamchat.services import ratelimit  # noqa: E402
from streamchat.settings import PROJECT_ROOT, Settings, get_settings  # noqa: E402
from tests.backends import (  # noqa: E402
    create_postgres_database,
    drop_postgres_database,
)
from tests.factories import Account, register_account  # noqa: E402


def free_port() -> int:
    """Ask the kernel for a free TCP port on the loopback interface."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(
    scope="session",
    params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """Point the run at a database: the SQLite file, or a new PostgreSQL one.

    Every test that uses the database runs once on each. The PostgreSQL
    database is created empty for this run and dropped at its end.
    """
    url = os.environ["DATABASE_URL"]
    if request.param == "postgresql":
        url = create_postgres_database()
    get_engine().dispose()
    get_engine.cache_clear()
    get_settings().database_url = url
    yield url
    get_engine().dispose()
    get_engine.cache_clear()
    if request.param == "postgresql":
        drop_postgres_database(url)


@pytest.fixture(scope="session")
def migrated_database(database_url: str) -> str:
    """Build the schema with the Alembic migrations, as production does."""
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    return database_url


@pytest.fixture(autouse=True)
def clean_state(request: pytest.FixtureRequest) -> None:
    """Empty every table and forget rate-limit counts before each test."""
    if "migrated_database" in request.fixturenames or "api_url" in request.fixturenames:
        with get_engine().begin() as connection:
            for table in reversed(SQLModel.metadata.sorted_tables):
                connection.execute(sa.delete(table))
    ratelimit.reset()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch) -> Settings:
    """The live settings object; tests change fields through monkeypatch."""
    return get_settings()


@asynccontextmanager
async def api_lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Start the event bus and the broadcast mirror, as the Reflex app does."""
    async with run_bus(), run_mirror():
        yield


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:
        pass


@pytest.fixture(scope="session")
def api_url(migrated_database: str) -> Iterator[str]:
    """Serve the REST and WebSocket API over real HTTP on a free port."""
    app = create_api()
    app.router.lifespan_context = api_lifespan
    port = free_port()
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
    os.environ["STREAMCHAT_PORT"] = str(port)
    get_settings().port = port
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(api_url: str) -> Iterator[httpx.Client]:
    """An anonymous HTTP client of the test server."""
    with httpx.Client(base_url=api_url, timeout=30) as http:
        yield http


@pytest.fixture
def make_account(api_url: str) -> Iterator[object]:
    """Register users over HTTP; each comes with a logged-in client."""
    opened: list[Account] = []

    def make(name: str | None = None, password: str = "correct horse 1") -> Account:
        account = register_account(api_url, name=name, password=password)
        opened.append(account)
        return account

    yield make
    for account in opened:
        account.http.close()


@pytest.fixture
def alice(make_account: object) -> Account:
    return make_account(name="alice")  # type: ignore[operator]


@pytest.fixture
def bob(make_account: object) -> Account:
    return make_account(name="bob")  # type: ignore[operator]
