"""Registration, login, logout, sessions and CSRF over HTTP."""

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from tests.factories import Account, register_account


def register(client: httpx.Client, **fields: str) -> httpx.Response:
    body = {"name": "carol", "email": "carol@example.com", "password": "long enough 1"}
    body.update(fields)
    return client.post("/register", json=body)


def error_code(response: httpx.Response) -> str:
    return str(response.json()["error"]["code"])


def test_register_returns_user_and_cookie(client: httpx.Client) -> None:
    response = register(client, email="Carol@Example.COM")

    assert response.status_code == 201
    body = response.json()
    assert body["user"]["email"] == "carol@example.com"
    assert body["user"]["is_admin"] is False
    assert body["user"]["created_at"].endswith("Z")
    assert body["csrf_token"]
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


def test_register_accepts_html_form(client: httpx.Client) -> None:
    form = {"name": "dave", "email": "dave@example.com", "password": "form password"}
    response = client.post("/register", data=form)

    assert response.status_code == 201
    assert response.json()["user"]["name"] == "dave"


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": "   "}, "name"),
        ({"name": "\u200b\u200d\ufeff"}, "name"),
        ({"name": "x" * 51}, "name"),
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "p" * 257}, "password"),
    ],
)
def test_register_rejects_invalid_field(
    client: httpx.Client, fields: dict[str, str], field: str
) -> None:
    response = register(client, **fields)

    assert response.status_code == 400
    assert error_code(response) == "validation_failed"
    assert field in response.json()["error"]["fields"]


def test_register_rejects_missing_field(client: httpx.Client) -> None:
    response = client.post("/register", json={"name": "erin"})

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) >= {"email", "password"}


def test_register_rejects_invalid_json(client: httpx.Client) -> None:
    response = client.post(
        "/register", content=b"{nope", headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert error_code(response) == "validation_failed"


def test_register_name_taken_case_insensitively(client: httpx.Client) -> None:
    assert register(client).status_code == 201

    response = register(client, name="  CAROL ", email="other@example.com")

    assert response.status_code == 409
    assert error_code(response) == "name_taken"


def test_register_email_taken_case_insensitively(client: httpx.Client) -> None:
    assert register(client).status_code == 201

    response = register(client, name="carol2", email="CAROL@example.com")

    assert response.status_code == 409
    assert error_code(response) == "email_taken"


def test_register_ignores_server_only_fields(client: httpx.Client) -> None:
    response = client.post(
        "/register",
        json={
            "name": "mallory",
            "email": "mallory@example.com",
            "password": "long enough 1",
            "is_admin": True,
            "id": 999,
        },
    )

    assert response.status_code == 201
    assert response.json()["user"]["is_admin"] is False
    assert response.json()["user"]["id"] != 999


@pytest.mark.parametrize(
    "password",
    [
        "пароль-на-русском",
        "🙂🙃🙂🙃🙂🙃🙂🙃",
        "a" * 256,
        "ё" * 100,
    ],
)
def test_login_accepts_long_and_non_ascii_passwords(
    api_url: str, password: str
) -> None:
    account = register_account(api_url, password=password)

    with httpx.Client(base_url=api_url) as http:
        response = http.post(
            "/login", json={"email": account.email.upper(), "password": password}
        )

    assert response.status_code == 200
    assert response.json()["user"]["id"] == account.id


def test_login_detects_difference_past_72_bytes(api_url: str) -> None:
    password = "x" * 100
    account = register_account(api_url, password=password)

    with httpx.Client(base_url=api_url) as http:
        response = http.post(
            "/login", json={"email": account.email, "password": "x" * 99 + "y"}
        )

    assert response.status_code == 401


def test_login_normalizes_password_to_nfc(api_url: str) -> None:
    composed = "caf\u00e9 secret"
    account = register_account(api_url, password=composed)

    with httpx.Client(base_url=api_url) as http:
        response = http.post(
            "/login", json={"email": account.email, "password": "cafe\u0301 secret"}
        )

    assert response.status_code == 200


def test_login_does_not_trim_password(api_url: str) -> None:
    account = register_account(api_url, password="  spaced out  ")

    with httpx.Client(base_url=api_url) as http:
        response = http.post(
            "/login", json={"email": account.email, "password": "spaced out"}
        )

    assert response.status_code == 401


def test_login_same_error_for_unknown_email_and_wrong_password(
    client: httpx.Client, alice: Account
) -> None:
    unknown = client.post(
        "/login", json={"email": "nobody@example.com", "password": "whatever1"}
    )
    wrong = client.post("/login", json={"email": alice.email, "password": "wrong one"})

    assert unknown.status_code == wrong.status_code == 401
    assert unknown.json() == wrong.json()
    assert error_code(unknown) == "invalid_credentials"


def test_login_issues_new_session_each_time(api_url: str, alice: Account) -> None:
    tokens = set()
    for _ in range(2):
        with httpx.Client(base_url=api_url) as http:
            response = http.post(
                "/login", json={"email": alice.email, "password": alice.password}
            )
            tokens.add(response.cookies["streamchat_session"])

    assert len(tokens) == 2


def test_login_rate_limited_per_account(
    client: httpx.Client,
    alice: Account,
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "login_failures_per_account", "3 per minute")
    for _ in range(3):
        response = client.post(
            "/login", json={"email": alice.email, "password": "wrong one"}
        )
        assert response.status_code == 401

    blocked = client.post(
        "/login", json={"email": alice.email, "password": alice.password}
    )

    assert blocked.status_code == 429
    assert error_code(blocked) == "rate_limited"
    assert int(blocked.headers["retry-after"]) >= 1


def test_login_rate_limited_per_address(
    client: httpx.Client, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "login_attempts_per_address", "4 per minute")
    for number in range(4):
        response = client.post(
            "/login", json={"email": f"n{number}@example.com", "password": "wrong one"}
        )
        assert response.status_code == 401

    blocked = client.post(
        "/login", json={"email": "fresh@example.com", "password": "wrong one"}
    )

    assert blocked.status_code == 429


def test_rate_limits_can_be_turned_off(
    client: httpx.Client, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "login_attempts_per_address", "2 per minute")
    monkeypatch.setattr(settings, "rate_limits_enabled", False)
    for _ in range(4):
        response = client.post(
            "/login", json={"email": "x@example.com", "password": "wrong one"}
        )
        assert response.status_code == 401


def test_me_requires_login(client: httpx.Client) -> None:
    response = client.get("/api/me")

    assert response.status_code == 401
    assert error_code(response) == "not_authenticated"


def test_me_returns_user_and_csrf(alice: Account) -> None:
    response = alice.http.get("/api/me")

    assert response.status_code == 200
    assert response.json()["user"]["email"] == alice.email
    assert response.json()["csrf_token"] == alice.csrf_token


def test_logout_ends_session_server_side(api_url: str, alice: Account) -> None:
    old_cookie = alice.http.cookies["streamchat_session"]

    response = alice.http.get("/logout")

    assert response.status_code == 200
    assert response.json() == {"ok": True}
    with httpx.Client(base_url=api_url) as http:
        http.cookies.set("streamchat_session", old_cookie)
        assert http.get("/api/me").status_code == 401


def test_logout_is_idempotent(client: httpx.Client) -> None:
    assert client.get("/logout").status_code == 200
    assert client.post("/logout").status_code == 200


def test_unsafe_request_without_csrf_rejected(alice: Account) -> None:
    response = alice.http.post("/api/chat/messages", json={"text": "hello"})

    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_unsafe_request_with_wrong_csrf_rejected(alice: Account) -> None:
    response = alice.http.post(
        "/api/chat/messages",
        json={"text": "hello"},
        headers={"X-CSRF-Token": "forged"},
    )

    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


@pytest.mark.parametrize(
    "origin",
    ["https://evil.example", "null", "http://127.0.0.1:1", "http://localhost:1"],
)
def test_foreign_origin_rejected(alice: Account, origin: str) -> None:
    response = alice.http.post(
        "/api/chat/messages",
        json={"text": "hello"},
        headers={"X-CSRF-Token": alice.csrf_token, "Origin": origin},
    )

    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_foreign_origin_rejected_on_login(client: httpx.Client, alice: Account) -> None:
    response = client.post(
        "/login",
        json={"email": alice.email, "password": alice.password},
        headers={"Origin": "https://evil.example"},
    )

    assert response.status_code == 403
    assert error_code(response) == "csrf_failed"


def test_foreign_referer_rejected_without_origin(client: httpx.Client) -> None:
    response = client.post(
        "/register",
        json={"name": "x", "email": "x@example.com", "password": "long enough"},
        headers={"Referer": "https://evil.example/page"},
    )

    assert response.status_code == 403


def test_own_origin_accepted(api_url: str, alice: Account) -> None:
    response = alice.http.post(
        "/api/chat/messages",
        json={"text": "hello"},
        headers={"X-CSRF-Token": alice.csrf_token, "Origin": api_url},
    )

    assert response.status_code == 201


def test_bearer_token_needs_no_csrf(api_url: str, alice: Account) -> None:
    created = alice.post("/api/tokens", json={"name": "bot"})
    assert created.status_code == 201
    token = created.json()["token"]

    with httpx.Client(base_url=api_url) as http:
        response = http.post(
            "/api/chat/messages",
            json={"text": "from a script"},
            headers={"Authorization": f"Bearer {token}"},
        )

    assert response.status_code == 201
    assert response.json()["message"]["user"]["id"] == alice.id


def test_revoked_token_rejected(api_url: str, alice: Account) -> None:
    created = alice.post("/api/tokens", json={"name": "bot"}).json()
    listed = alice.http.get("/api/tokens").json()["tokens"]
    assert [row["id"] for row in listed] == [created["id"]]
    assert "token" not in listed[0]

    assert alice.delete(f"/api/tokens/{created['id']}").status_code == 200

    with httpx.Client(base_url=api_url) as http:
        response = http.get(
            "/api/me", headers={"Authorization": f"Bearer {created['token']}"}
        )
    assert response.status_code == 401
    assert error_code(response) == "invalid_token"


def test_parallel_wrong_passwords_stop_at_limit(
    api_url: str, alice: Account, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "login_failures_per_account", "5 per minute")
    body = {"email": alice.email, "password": "wrong guess"}

    def attempt(_: int) -> int:
        with httpx.Client(base_url=api_url, timeout=30) as http:
            return http.post("/login", json=body).status_code

    with ThreadPoolExecutor(max_workers=19) as pool:
        statuses = list(pool.map(attempt, range(19)))

    assert statuses.count(401) == 5
    assert statuses.count(429) == 14


def test_successful_login_clears_failure_count(
    client: httpx.Client,
    alice: Account,
    settings: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(settings, "login_failures_per_account", "3 per minute")
    wrong = {"email": alice.email, "password": "wrong one"}
    right = {"email": alice.email, "password": alice.password}
    for _ in range(2):
        assert client.post("/login", json=wrong).status_code == 401

    assert client.post("/login", json=right).status_code == 200

    for _ in range(2):
        assert client.post("/login", json=wrong).status_code == 401


def test_registrations_limited_per_address(
    client: httpx.Client, settings: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(settings, "registrations_per_address", "2 per hour")
    for number in range(2):
        assert register(client, name=f"n{number}", email=f"n{number}@x.org").is_success

    blocked = register(client, name="n9", email="n9@x.org")

    assert blocked.status_code == 429
    assert error_code(blocked) == "rate_limited"


@pytest.mark.parametrize(
    "name",
    ["evil\u202egnp.exe", "a\u200bb", "tab\there", "nul\u0000byte", "line\nbreak"],
)
def test_register_rejects_hidden_characters_in_name(
    client: httpx.Client, name: str
) -> None:
    response = register(client, name=name)

    assert response.status_code == 400
    assert "name" in response.json()["error"]["fields"]


@pytest.mark.parametrize("field", ["name", "email", "password"])
def test_register_rejects_lone_surrogate(client: httpx.Client, field: str) -> None:
    body = {"name": "sur", "email": "sur@example.com", "password": "long enough 1"}
    raw = json.dumps(body).replace(body[field], "\\ud800" + body[field])

    response = client.post(
        "/register", content=raw, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]


@pytest.mark.parametrize("field", ["email", "password"])
def test_login_rejects_lone_surrogate(client: httpx.Client, field: str) -> None:
    body = {"email": "sur@example.com", "password": "long enough 1"}
    raw = json.dumps(body).replace(body[field], "\\udfff" + body[field])

    response = client.post(
        "/login", content=raw, headers={"content-type": "application/json"}
    )

    assert response.status_code == 400
