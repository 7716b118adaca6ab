"""The error envelope and the service endpoints every client relies on."""

import httpx


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
