"""GET /media/...: byte ranges, content types and nosniff on uploaded files."""

from pathlib import Path

import httpx
import pytest

from tests.videos_conftest import *  # noqa: F403


@pytest.fixture
def uploaded(user_client: httpx.Client, video_files: dict[str, Path]) -> dict:
    files = {"file": ("clip.webm", video_files["webm"].read_bytes(), "text/html")}
    response = user_client.post("/api/video/upload", files=files)
    assert response.status_code == 201, response.text
    return {"video": response.json()["video"], "data": video_files["webm"].read_bytes()}


def _get(client: httpx.Client, url: str, range_header: str) -> httpx.Response:
    return client.get(url, headers={"Range": range_header})


def test_range_first_two_bytes(client: httpx.Client, uploaded: dict) -> None:
    data, url = uploaded["data"], uploaded["video"]["url"]
    response = _get(client, url, "bytes=0-1")
    assert response.status_code == 206
    assert response.content == data[:2]
    assert response.headers["content-range"] == f"bytes 0-1/{len(data)}"
    assert response.headers["content-length"] == "2"
    assert response.headers["accept-ranges"] == "bytes"
    assert response.headers["content-type"] == "video/webm"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_range_open_ended(client: httpx.Client, uploaded: dict) -> None:
    data, url = uploaded["data"], uploaded["video"]["url"]
    response = _get(client, url, "bytes=100-")
    assert response.status_code == 206
    assert response.content == data[100:]
    assert response.headers["content-range"] == f"bytes 100-{len(data) - 1}/{len(data)}"


def test_range_suffix_bytes(client: httpx.Client, uploaded: dict) -> None:
    data, url = uploaded["data"], uploaded["video"]["url"]
    response = _get(client, url, "bytes=-50")
    assert response.status_code == 206
    assert response.content == data[-50:]
    start = len(data) - 50
    assert (
        response.headers["content-range"]
        == f"bytes {start}-{len(data) - 1}/{len(data)}"
    )


def test_range_past_end_unsatisfiable(client: httpx.Client, uploaded: dict) -> None:
    data, url = uploaded["data"], uploaded["video"]["url"]
    response = _get(client, url, f"bytes={len(data)}-")
    assert response.status_code == 416
    assert response.json()["error"]["code"] == "range_not_satisfiable"
    assert response.headers["content-range"] == f"bytes */{len(data)}"
    assert response.headers["x-content-type-options"] == "nosniff"


def test_range_reversed_sends_whole_file(client: httpx.Client, uploaded: dict) -> None:
    data, url = uploaded["data"], uploaded["video"]["url"]
    response = _get(client, url, "bytes=5-4")
    assert response.status_code == 200
    assert response.content == data
    assert "content-range" not in response.headers


def test_range_end_clamped_to_size(client: httpx.Client, uploaded: dict) -> None:
    data, url = uploaded["data"], uploaded["video"]["url"]
    response = _get(client, url, f"bytes=10-{len(data) * 2}")
    assert response.status_code == 206
    assert response.content == data[10:]


def test_range_ignored_when_if_range_differs(
    client: httpx.Client, uploaded: dict
) -> None:
    url = uploaded["video"]["url"]
    response = client.get(url, headers={"Range": "bytes=0-1", "If-Range": '"old"'})
    assert response.status_code == 200
    assert response.content == uploaded["data"]


def test_head_reports_length_only(client: httpx.Client, uploaded: dict) -> None:
    response = client.head(uploaded["video"]["url"])
    assert response.status_code == 200
    assert response.content == b""
    assert response.headers["content-length"] == str(len(uploaded["data"]))
    assert response.headers["content-type"] == "video/webm"


@pytest.mark.parametrize(
    "path",
    [
        "/media/videos/missing.webm",
        "/media/videos/.upload-abc.part",
        "/media/videos/..%2F..%2Fstreamchat.db",
        "/media/other/a.webm",
        "/media/videos/a.html",
    ],
)
def test_media_unknown_names_not_found(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
