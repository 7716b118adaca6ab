"""Upload a video through the dialog; another open page switches to it live."""

import os
import re
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect, sync_playwright

from streamchat.settings import PROJECT_ROOT
from tests.videos_conftest import free_port, make_video

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
START_SECONDS = 300
MEDIA_URL = re.compile(r"^/media/videos/[A-Za-z0-9_-]+\.webm$")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve the production build with scripts/serve on a temporary database."""
    folder = tmp_path_factory.mktemp("site")
    port = free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{folder / 'site.db'}",
        "STREAMCHAT_MEDIA_DIR": str(folder / "media"),
        "STREAMCHAT_BCRYPT_ROUNDS": "4",
    }
    log = (folder / "serve.log").open("w")
    server = subprocess.Popen(
        [str(PROJECT_ROOT / "scripts" / "serve")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_for_site(url, server, folder / "serve.log")
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        log.close()


def _wait_for_site(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"scripts/serve exited:\n{log.read_text()[-3000:]}")
        try:
            if httpx.get(url, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(1)
    raise RuntimeError(f"the site did not start:\n{log.read_text()[-3000:]}")


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def _open_page(browser: Browser, site: str) -> Page:
    context = browser.new_context(base_url=site, locale="en-US")
    page = context.new_page()
    return page


def test_upload_switches_other_viewer(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    clip = make_video(tmp_path / "three seconds.webm", "libvpx", frames=72)
    viewer = _open_page(browser, site)
    viewer.goto("/")
    expect(viewer.locator(".video-empty")).to_be_visible()

    uploader = _open_page(browser, site)
    registered = uploader.request.post(
        f"{site}/register",
        data={"name": "Maria", "email": "maria@example.com", "password": "secret123"},
    )
    assert registered.status == 201
    uploader.goto("/")
    uploader.get_by_role("button", name="Upload video").click()
    dialog = uploader.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files(clip)
    dialog.get_by_placeholder("Optional: the file name by default").fill("Sunset")
    dialog.get_by_role("button", name="Upload", exact=True).click()

    expect(dialog.locator(".upload-percent")).to_have_text("100% uploaded")
    expect(dialog.get_by_text("Done: the video is uploaded")).to_be_visible()

    player = viewer.locator("video#current-video")
    expect(player).to_have_attribute("src", MEDIA_URL)
    expect(viewer.locator(".video-title")).to_have_text("Sunset")
    expect(viewer.get_by_text("Maria uploaded a new video: Sunset")).to_be_visible()
    player.evaluate("video => { video.muted = true; return video.play(); }")
    viewer.wait_for_function(
        "() => document.querySelector('video#current-video').currentTime > 0.5"
    )


def test_upload_text_file_shows_error(
    site: str, browser: Browser, tmp_path: Path
) -> None:
    fake = tmp_path / "movie.mp4"
    fake.write_text("This is not a video at all.\n" * 10)
    page = _open_page(browser, site)
    registered = page.request.post(
        f"{site}/register",
        data={"name": "Ivan", "email": "ivan@example.com", "password": "secret123"},
    )
    assert registered.status == 201
    page.goto("/")
    page.get_by_role("button", name="Upload video").click()
    dialog = page.get_by_role("dialog")
    dialog.locator("input[type=file]").set_input_files(fake)
    dialog.get_by_role("button", name="Upload", exact=True).click()

    alert = dialog.get_by_role("alert")
    expect(alert).to_contain_text("not a video")
