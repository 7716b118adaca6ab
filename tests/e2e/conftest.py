"""Browser fixtures: the production build started as the README starts it.

``scripts/serve`` builds the frontend and serves everything on one port; the
first build takes about a minute, so the server is started once per run.
"""

import itertools
import os
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from streamchat.settings import PROJECT_ROOT

PORTS = range(3300, 3350)
# The production build stores the port of the server it was made for, so the
# tests build in a folder of their own and leave a developer's site running
# from .web alone.
TEST_WEB_DIR = PROJECT_ROOT / ".web-test"
STARTUP_TIMEOUT = 300.0
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # A fake camera and microphone, granted without a prompt, for broadcasts.
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
    "--autoplay-policy=no-user-gesture-required",
]
PASSWORD = "correct horse 1"
_names = itertools.count(1)
# Facts about the running site that fixtures other than site_url need.
_site: dict[str, str] = {}


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port in {PORTS.start}-{PORTS.stop - 1}")


def _wait_until_healthy(url: str, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(
                f"scripts/serve exited early:\n{log.read_text()[-3000:]}"
            )
        try:
            if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(1)
    raise RuntimeError(f"no answer from {url} in {STARTUP_TIMEOUT:.0f} s")


@pytest.fixture(scope="session")
def site_url() -> Iterator[str]:
    """Start scripts/serve on a free port with its own database and media."""
    run_dir = Path(tempfile.mkdtemp(prefix="streamchat-e2e-"))
    port = _free_port()
    env = {
        **os.environ,
        "PORT": str(port),
        "DATABASE_URL": _site_database_url(run_dir),
        "STREAMCHAT_MEDIA_DIR": str(run_dir / "media"),
        "STREAMCHAT_BCRYPT_ROUNDS": "4",
        "STREAMCHAT_CHAT_MESSAGES_PER_USER": "1000 per second",
        "STREAMCHAT_LOGIN_ATTEMPTS_PER_ADDRESS": "",
        "STREAMCHAT_REGISTRATIONS_PER_ADDRESS": "",
        "REFLEX_WEB_WORKDIR": str(TEST_WEB_DIR),
    }
    env.pop("REDIS_URL", None)
    log = run_dir / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [str(PROJECT_ROOT / "scripts" / "serve")],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    _site["database_url"] = env["DATABASE_URL"]
    try:
        _wait_until_healthy(url, server, log)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def _site_database_url(run_dir: Path) -> str:
    return f"sqlite:///{run_dir / 'site.db'}"


@pytest.fixture(scope="session")
def site_database_url(site_url: str) -> str:
    """The database of the site under test, for checks the API cannot make."""
    return _site["database_url"]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, for one test module.

    Playwright's sync API keeps an event loop running in the main thread while
    it is open, so it must close before other modules call asyncio.run().
    """
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def new_page(browser: Browser, site_url: str) -> Iterator[Callable[..., Page]]:
    """Open the site in a fresh browser context (its own cookies) per call."""
    contexts: list[BrowserContext] = []

    def open_page(locale: str = "en-US") -> Page:
        context = browser.new_context(base_url=site_url, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.goto("/")
        expect(page.locator(".chat-empty, .chat-message").first).to_be_visible()
        return page

    yield open_page
    for context in contexts:
        context.close()


def register_in_page(page: Page) -> str:
    """Sign up a new user through the modal and wait until the page shows it."""
    name = f"viewer{next(_names)}x{os.getpid()}"
    page.locator(".auth-button").click()
    page.get_by_role("tab", name="Sign up").click()
    page.locator("#register-name").fill(name)
    page.locator("#register-email").fill(f"{name}@example.com")
    page.locator("#register-password").fill(PASSWORD)
    page.locator(".register-form button[type=submit]").click()
    expect(page.locator(".authorized-buttons")).to_contain_text(name)
    return name


def send_in_page(page: Page, text: str) -> None:
    """Type a chat message and press Enter."""
    page.locator("#chat-input").fill(text)
    page.locator("#chat-input").press("Enter")
