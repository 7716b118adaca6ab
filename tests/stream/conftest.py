"""Fixtures of the broadcast tests: the shared API server and its members.

The root conftest sets the environment (database, media folder, bcrypt work
factor) before StreamChat's settings are first read.
"""

import itertools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from streamchat.settings import get_settings

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def stream_server(api_url: str) -> str:
    """The shared test server: one process runs one bus and one broadcast mirror."""
    return api_url


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
