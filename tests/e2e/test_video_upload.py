"""Upload a video through the dialog; another open page switches to it live."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.videos_conftest import make_video

pytestmark = pytest.mark.browser

MEDIA_URL = re.compile(r"^/media/videos/[A-Za-z0-9_-]+\.webm$")


def _open_page(browser: Browser, site: str) -> Page:
    context = browser.new_context(base_url=site, locale="en-US")
    return context.new_page()


def test_upload_switches_other_viewer(
    site_url: str, browser: Browser, tmp_path: Path
) -> None:
    clip = make_video(tmp_path / "three seconds.webm", "libvpx", frames=72)
    viewer = _open_page(browser, site_url)
    viewer.goto("/")
    expect(viewer.locator(".media-area")).to_be_visible()

    uploader = _open_page(browser, site_url)
    registered = uploader.request.post(
        f"{site_url}/register",
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
    site_url: str, browser: Browser, tmp_path: Path
) -> None:
    fake = tmp_path / "movie.mp4"
    fake.write_text("This is not a video at all.\n" * 10)
    page = _open_page(browser, site_url)
    registered = page.request.post(
        f"{site_url}/register",
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
