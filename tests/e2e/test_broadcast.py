"""Broadcast with Chromium's fake camera, watch it live, find the replay."""

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser

pytestmark = pytest.mark.browser


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


def test_broadcast_watch_and_replay(
    site_url: str, site_database_url: str, browser: Browser
) -> None:
    url, database = site_url, site_database_url
    name = f"caster{int(time.time())}"
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
    caster_context.close()
    viewer_context.close()

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
