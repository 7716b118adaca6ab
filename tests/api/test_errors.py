"""The error envelope and the service endpoints every client relies on."""

import httpx
import pytest
import sqlalchemy as sa
from fastapi import FastAPI
from fastapi.testclient import TestClient

from streamchat.api.errors import install_error_handlers


def test_unknown_api_path_is_json_404(client: httpx.Client) -> None:
    response = client.get("/api/does/not/exist")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["error"]["code"] == "not_found"


def test_health_reports_ok(client: httpx.Client) -> None:
    response = client.get("/api/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_openapi_lists_documented_paths(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]

    for path in ("/register", "/login", "/logout", "/api/me", "/api/chat/messages"):
        assert path in paths
    assert "/api/chat/like" in paths


def test_default_avatar_is_svg(client: httpx.Client, alice: object) -> None:
    me = alice.http.get("/api/me").json()["user"]  # type: ignore[attr-defined]

    response = client.get(me["avatar_url"])

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["x-content-type-options"] == "nosniff"


def test_pool_timeout_is_503_envelope() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/busy")
    def busy() -> None:
        raise sa.exc.TimeoutError("QueuePool limit reached")

    response = TestClient(app).get("/busy")

    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert response.headers["retry-after"] == "1"


def test_unexpected_error_hides_traceback() -> None:
    app = FastAPI()
    install_error_handlers(app)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret internals")

    response = TestClient(app, raise_server_exceptions=False).get("/boom")

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert "secret internals" not in response.text


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("POST", "/api/health", "GET"),
        ("POST", "/api/me", "GET"),
        ("GET", "/api/chat/like", "POST"),
        ("PUT", "/api/chat/messages/1", "DELETE"),
        ("PUT", "/register", "POST"),
        ("GET", "/login", "POST"),
    ],
)
def test_wrong_method_is_405_envelope(
    client: httpx.Client, method: str, path: str, allowed: str
) -> None:
    response = client.request(method, path)

    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert allowed in response.headers["allow"]


def test_docs_load_without_cdn(client: httpx.Client) -> None:
    page = client.get("/docs")

    assert page.status_code == 200
    assert "cdn." not in page.text
    assert client.get("/docs-assets/swagger-ui-bundle.js").status_code == 200


def test_responses_forbid_framing(client: httpx.Client) -> None:
    response = client.get("/api/health")

    assert response.headers["x-frame-options"] == "DENY"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
