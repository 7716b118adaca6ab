"""Fixtures for the video tests: a migrated SQLite file, the API over real HTTP,
a logged-in user and small real videos made with PyAV.

Import them into a test module with ``from tests.videos_conftest import *``.
"""

import asyncio
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

import av
import httpx
import pytest
import uvicorn
from alembic import command
from alembic.config import Config
from PIL import Image

from streamchat import db as db_module
from streamchat import realtime
from streamchat.realtime import get_bus
from streamchat.settings import PROJECT_ROOT, get_settings

# Ports reserved for these tests, so they can run beside other servers.
PORTS = range(3400, 3450)
# Bytes accepted per upload in these tests, small so the limit is cheap to pass.
TEST_UPLOAD_LIMIT = 300_000

__all__ = [
    "ApiServer",
    "api_server",
    "client",
    "make_video",
    "migrated_db",
    "user_client",
    "video_files",
    "wait_until",
]


def free_port() -> int:
    """Return a port of PORTS that nothing listens on."""
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def reset_caches() -> None:
    """Forget settings and the engine, so the next use reads the environment."""
    get_settings.cache_clear()
    db_module.get_engine.cache_clear()


@pytest.fixture
def migrated_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the settings at a fresh SQLite file and media folder, migrated."""
    database = tmp_path / "streamchat.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{database}")
    monkeypatch.setenv("STREAMCHAT_MEDIA_DIR", str(tmp_path / "media"))
    monkeypatch.setenv("STREAMCHAT_BCRYPT_ROUNDS", "4")
    monkeypatch.setenv("STREAMCHAT_RATE_LIMITS_ENABLED", "false")
    monkeypatch.setenv("STREAMCHAT_MAX_UPLOAD_BYTES", str(TEST_UPLOAD_LIMIT))
    # A bus bound to an earlier test's closed event loop would fail to publish.
    monkeypatch.setattr(realtime, "_bus", None)
    reset_caches()
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "alembic"))
    config.attributes["configure_logger"] = False
    command.upgrade(config, "head")
    yield tmp_path / "media"
    db_module.get_engine().dispose()
    reset_caches()


@dataclass
class ApiServer:
    url: str
    port: int
    media_dir: Path


def _serve(server: uvicorn.Server) -> None:
    async def main() -> None:
        await get_bus().start()
        await server.serve()

    asyncio.run(main())


@pytest.fixture
def api_server(migrated_db: Path) -> Iterator[ApiServer]:
    """Run the FastAPI app with uvicorn in a thread, on a port of PORTS."""
    from streamchat.api import create_api

    port = free_port()
    config = uvicorn.Config(
        create_api(), host="127.0.0.1", port=port, log_level="warning", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=_serve, args=(server,), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test API server did not start")
        time.sleep(0.02)
    yield ApiServer(f"http://127.0.0.1:{port}", port, migrated_db)
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture
def client(api_server: ApiServer) -> Iterator[httpx.Client]:
    """An anonymous HTTP client of the test server."""
    with httpx.Client(base_url=api_server.url, timeout=30) as anonymous:
        yield anonymous


@pytest.fixture
def user_client(api_server: ApiServer) -> Iterator[httpx.Client]:
    """A client logged in as a new user, sending its CSRF token on every request."""
    with httpx.Client(base_url=api_server.url, timeout=30) as logged_in:
        response = logged_in.post(
            "/register",
            json={
                "name": "Uploader",
                "email": "up@example.com",
                "password": "secret123",
            },
        )
        assert response.status_code == 201, response.text
        logged_in.headers["X-CSRF-Token"] = response.json()["csrf_token"]
        yield logged_in


def make_video(
    path: Path, codec: str, *, frames: int = 24, size: tuple[int, int] = (64, 48)
) -> Path:
    """Encode a short moving colour pattern with PyAV, at 24 frames per second."""
    width, height = size
    with av.open(str(path), "w") as container:
        stream = container.add_stream(codec, rate=24)
        stream.width, stream.height = width, height
        stream.pix_fmt = "yuv420p"
        stream.time_base = Fraction(1, 24)
        for index in range(frames):
            picture = Image.new("RGB", size, (20, 20, 20))
            picture.paste((200, 40, 90), (0, 0, 1 + (index * 7) % width, height))
            frame = av.VideoFrame.from_image(picture)
            frame.pts = index
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    return path


@pytest.fixture(scope="session")
def video_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Real small videos: MP4 with H.264 and WebM with VP8."""
    folder = tmp_path_factory.mktemp("videos")
    return {
        "mp4": make_video(folder / "clip.mp4", "libx264"),
        "webm": make_video(folder / "clip.webm", "libvpx"),
    }


def wait_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
