"""Clients of the cluster: accounts on either process, /ws/stream observers."""

import json
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

import httpx
from websockets.sync.client import ClientConnection, connect

from streamchat.settings import get_settings
from tests.factories import Account, register_account

# A bound on each wait for a live event; events arrive in milliseconds.
WAIT = 30.0
MAX_FRAMES = 1000


def new_account(base_url: str) -> Account:
    """Register a user with a name unique in the cluster's database."""
    return register_account(base_url, name=f"u{uuid.uuid4().hex[:12]}")


def auth_headers(account: Account) -> dict[str, str]:
    """Return the headers that send ``account``'s session to any process."""
    cookie = get_settings().cookie_name
    session = account.http.cookies[cookie]
    return {"Cookie": f"{cookie}={session}", "X-CSRF-Token": account.csrf_token}


def post_as(
    account: Account, base_url: str, path: str, body: dict[str, Any]
) -> httpx.Response:
    """Send a POST as ``account`` to the process at ``base_url``."""
    return httpx.post(
        base_url + path, json=body, headers=auth_headers(account), timeout=WAIT
    )


@contextmanager
def observer(ws_url: str, account: Account | None = None) -> Iterator[ClientConnection]:
    """Open /ws/stream as an observer, logged in as ``account`` if given."""
    headers = auth_headers(account) if account else {}
    with connect(
        f"{ws_url}/ws/stream", open_timeout=WAIT, additional_headers=headers
    ) as socket:
        socket.send(json.dumps({"type": "hello", "role": "observer"}))
        welcome = json.loads(socket.recv(timeout=WAIT))
        assert welcome["type"] == "welcome"
        yield socket


def wait_for_frame(
    socket: ClientConnection, matches: Callable[[dict[str, Any]], bool]
) -> dict[str, Any]:
    """Read frames until one ``matches``; fail after WAIT seconds of silence."""
    for _ in range(MAX_FRAMES):
        frame = json.loads(socket.recv(timeout=WAIT))
        if matches(frame):
            return dict(frame)
    raise AssertionError(f"no matching frame among {MAX_FRAMES}")


Result = TypeVar("Result")


def in_own_thread(function: Callable[[], Result]) -> Result:
    """Run ``function`` in a new thread and return its result.

    Playwright's sync API and asyncio.run refuse to start in a thread whose
    event loop is running, and the browser tests' session-wide Playwright
    leaves one running in the main thread.
    """
    with ThreadPoolExecutor(1) as executor:
        return executor.submit(function).result()
