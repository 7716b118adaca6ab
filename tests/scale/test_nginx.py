"""deploy/nginx.conf in front of two backend processes passes the site through."""

import json
from typing import Any

import httpx
import pytest
from websockets.sync.client import connect

from tests.factories import Account
from tests.scale.conftest import Cluster
from tests.scale.helpers import (
    WAIT,
    in_own_thread,
    new_account,
    observer,
    post_as,
    wait_for_frame,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def test_nginx_serves_page_and_api(running_cluster: Cluster) -> None:
    page = httpx.get(running_cluster.nginx.url + "/", timeout=WAIT)
    health = httpx.get(running_cluster.nginx.url + "/api/health", timeout=WAIT)

    assert page.status_code == 200
    assert "<html" in page.text.lower()
    assert health.json() == {"status": "ok"}


def test_reflex_socket_upgrades_through_nginx(running_cluster: Cluster) -> None:
    url = f"{running_cluster.nginx.ws_url}/_event/?EIO=4&transport=websocket"
    origin = {"Origin": running_cluster.nginx.url}

    with connect(url, open_timeout=WAIT, additional_headers=origin) as socket:
        opening = socket.recv(timeout=WAIT)

    # Engine.IO's open packet is "0" followed by the session as JSON.
    assert isinstance(opening, str)
    assert opening.startswith("0")
    assert "sid" in json.loads(opening[1:])


def test_stream_socket_through_nginx(running_cluster: Cluster) -> None:
    author = new_account(running_cluster.backends[1].url)

    with observer(running_cluster.nginx.ws_url) as socket:
        for backend in running_cluster.backends:
            text = f"via {backend.port}"
            post_as(author, backend.url, "/api/chat/messages", {"text": text})
            frame = wait_for_frame(socket, lambda f: f["type"] == "chat_message")
            assert frame["message"]["text"] == text


def test_login_through_nginx_passes_origin_check(running_cluster: Cluster) -> None:
    account = new_account(running_cluster.backends[0].url)
    nginx = running_cluster.nginx.url

    with httpx.Client(base_url=nginx, timeout=WAIT) as browser:
        login = browser.post(
            "/login",
            json={"email": account.email, "password": account.password},
            headers={"Origin": nginx},
        )
        csrf = login.json()["csrf_token"]
        sent = browser.post(
            "/api/chat/messages",
            json={"text": "through nginx"},
            headers={"Origin": nginx, "X-CSRF-Token": csrf},
        )

    assert login.status_code == 200
    assert sent.status_code == 201


@pytest.mark.browser
def test_browser_socket_through_nginx(running_cluster: Cluster) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    socket_url = in_own_thread(
        lambda: _open_page_socket(playwright_api, running_cluster)
    )

    assert socket_url.startswith(running_cluster.nginx.ws_url + "/_event")


def _open_page_socket(playwright_api: Any, running_cluster: Cluster) -> str:
    """Load the page through nginx and return the URL of Reflex's socket."""
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            with page.expect_websocket(timeout=WAIT * 1000) as opened:
                page.goto(running_cluster.nginx.url + "/")
            socket = opened.value
            socket.wait_for_event("framereceived", timeout=WAIT * 1000)
        finally:
            browser.close()
    return str(socket.url)


@pytest.mark.browser
def test_browser_through_nginx_sees_both_processes(running_cluster: Cluster) -> None:
    playwright_api = pytest.importorskip("playwright.sync_api")
    author = new_account(running_cluster.backends[0].url)
    in_own_thread(lambda: _watch_live_messages(playwright_api, running_cluster, author))


def _watch_live_messages(
    playwright_api: Any, running_cluster: Cluster, author: Account
) -> None:
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        try:
            page = browser.new_page()
            page.goto(running_cluster.nginx.url + "/")
            texts = page.locator(".chat-message .message-text")
            for backend in running_cluster.backends:
                text = f"live from {backend.port}"
                post_as(author, backend.url, "/api/chat/messages", {"text": text})
                playwright_api.expect(texts.filter(has_text=text)).to_have_count(
                    1, timeout=WAIT * 1000
                )
        finally:
            browser.close()
