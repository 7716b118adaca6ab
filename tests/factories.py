"""Factories for test data, made through the public API."""

import itertools
from dataclasses import dataclass
from typing import Any

import httpx

_numbers = itertools.count(1)


@dataclass
class Account:
    """A registered user with a client that carries the session cookie."""

    id: int
    name: str
    email: str
    password: str
    csrf_token: str
    http: httpx.Client

    def post(self, path: str, **kwargs: Any) -> httpx.Response:
        """Send an authenticated POST with the CSRF header."""
        headers = {"X-CSRF-Token": self.csrf_token, **kwargs.pop("headers", {})}
        return self.http.post(path, headers=headers, **kwargs)

    def delete(self, path: str) -> httpx.Response:
        """Send an authenticated DELETE with the CSRF header."""
        return self.http.delete(path, headers={"X-CSRF-Token": self.csrf_token})

    def say(self, text: str) -> dict[str, Any]:
        """Post a chat message and return it."""
        response = self.post("/api/chat/messages", json={"text": text})
        assert response.status_code == 201, response.text
        return dict(response.json()["message"])


def register_account(
    base_url: str, name: str | None = None, password: str = "correct horse 1"
) -> Account:
    """Register a fresh user over HTTP and return it logged in."""
    number = next(_numbers)
    name = name or f"user{number}"
    local = "".join(char for char in name.lower() if char.isascii() and char.isalnum())
    email = f"{local or 'user'}.{number}@example.com"
    http = httpx.Client(base_url=base_url, timeout=30)
    response = http.post(
        "/register", json={"name": name, "email": email, "password": password}
    )
    assert response.status_code == 201, response.text
    body = response.json()
    return Account(body["user"]["id"], name, email, password, body["csrf_token"], http)
