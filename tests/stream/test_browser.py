"""Broadcast and watch in Chromium with its fake camera, on the production build."""

import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from streamchat.settings import PROJECT_ROOT

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
# The ports this suite may serve on.
PORTS = range(3500, 3550)


def _free_site_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {PORTS}")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    """Build and serve the app; yield its URL and database URL.

    STREAMCHAT_TEST_SITE and STREAMCHAT_TEST_SITE_DB point the test at a
    server that is already running instead.
    """
    if os.environ.get("STREAMCHAT_TEST_SITE"):
        yield os.environ["STREAMCHAT_TEST_SITE"], os.environ["STREAMCHAT_TEST_SITE_DB"]
        return
    folder = tmp_path_factory.mktemp("site")
    port = _free_site_port()
    database = f"sqlite:///{folder / 'site.db'}"
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "STREAMCHAT_MEDIA_DIR": str(folder / "media"),
        "STREAMCHAT_PORT": str(port),
        "STREAMCHAT_BCRYPT_ROUNDS": "4",
    }
    command = (
        "source scripts/env.sh && alembic upgrade head && exec reflex run --env prod "
        f"--single-port --frontend-port {port} --backend-port {port} "
        "--backend-host 127.0.0.1"
    )
    log = (folder / "serve.log").open("wb")
    server = subprocess.Popen(
        ["bash", "-c", command],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=log,
        stderr=log,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for(url, server, folder / "serve.log")
        yield url, database
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the site stopped: {log.read_text()[-2000:]}")
        try:
            if httpx.get(f"{url}/", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError("the site did not start within 600 s")


def _register(context: object, url: str, name: str) -> None:
    response = context.request.post(  # type: ignore[attr-defined]
        f"{url}/register",
        data={
            "name": name,
            "email": f"{name}@example.com",
            "password": "correct horse 1",
        },
    )
    assert response.status == 201, response.text()


def test_broadcast_watch_and_replay(site: tuple[str, str]) -> None:
    url, database = site
    name = f"caster{int(time.time())}"
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        caster_context = browser.new_context()
        viewer_context = browser.new_context()
        _register(caster_context, url, name)
        caster = caster_context.new_page()
        caster.goto(url)
        caster.click("#start-broadcast")
        preview = caster.locator("#broadcast-preview")
        caster.wait_for_function(
            "document.getElementById('broadcast-preview')?.videoWidth > 0",
            timeout=20_000,
        )
        assert preview.is_visible()
        caster.fill("#broadcast-title", "Fake camera")
        caster.click("#go-live")
        caster.wait_for_selector(
            "#broadcast-status[data-state=live]", state="attached", timeout=20_000
        )

        viewer = viewer_context.new_page()
        viewer.goto(url)
        viewer.wait_for_selector("#live-banner", timeout=20_000)
        viewer.click("#live-banner")
        viewer.wait_for_url(re.compile(r"/watch$"))
        viewer.wait_for_function(
            "document.getElementById('live-player')?.videoWidth > 0", timeout=30_000
        )
        first = viewer.evaluate("document.getElementById('live-player').currentTime")
        viewer.wait_for_function(
            f"document.getElementById('live-player').currentTime > {first} + 1",
            timeout=30_000,
        )
        assert viewer.locator("#stream-title").inner_text() == "Fake camera"
        viewer.wait_for_function(
            "document.getElementById('viewer-count').textContent.trim() === '1'",
            timeout=20_000,
        )

        caster.click("#stop-live")
        viewer.wait_for_selector("#stream-ended", timeout=20_000)
        browser.close()

    engine = sa.create_engine(database)
    deadline = time.monotonic() + 60
    row = None
    while row is None and time.monotonic() < deadline:
        with engine.connect() as connection:
            row = connection.execute(
                sa.text(
                    "SELECT video.stored_name, video.size, video.duration FROM stream "
                    "JOIN video ON video.id = stream.recording_video_id "
                    "JOIN user ON user.id = stream.user_id WHERE user.name = :name"
                ),
                {"name": name},
            ).first()
        time.sleep(0.5)
    assert row is not None, "the broadcast left no replay"
    assert row.size > 0
    assert row.duration > 1
