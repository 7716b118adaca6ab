"""POST /api/video/upload and GET /api/video/current over real HTTP."""

import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from streamchat.db import session_scope
from streamchat.models import Video
from streamchat.settings import get_settings
from tests.videos_conftest import *  # noqa: F403
from tests.videos_conftest import TEST_UPLOAD_LIMIT, ApiServer, wait_until


def _stored_files(media: Path) -> list[Path]:
    return [path for path in media.rglob("*") if path.is_file()]


def _video_rows() -> int:
    with session_scope() as db:
        return len(db.query(Video).all())


def _error_code(response: httpx.Response) -> str:
    return response.json()["error"]["code"]


def test_upload_mp4_becomes_current(
    user_client: httpx.Client, client: httpx.Client, video_files: dict[str, Path]
) -> None:
    files = {"file": ("clip.mp4", video_files["mp4"].read_bytes(), "video/mp4")}
    response = user_client.post(
        "/api/video/upload", files=files, data={"title": "My clip"}
    )
    assert response.status_code == 201, response.text
    video = response.json()["video"]
    assert video["title"] == "My clip"
    assert video["content_type"] == "video/mp4"
    assert video["size"] == video_files["mp4"].stat().st_size
    assert video["user"]["name"] == "Uploader"
    assert video["url"].startswith("/media/videos/")
    assert video["poster_url"].endswith(".jpg")

    current = client.get("/api/video/current")
    assert current.status_code == 200
    assert current.json() == {"video": video}

    media = client.get(video["url"])
    assert media.status_code == 200
    assert media.content == video_files["mp4"].read_bytes()
    assert media.headers["content-type"] == "video/mp4"
    assert media.headers["x-content-type-options"] == "nosniff"
    poster = client.get(video["poster_url"])
    assert poster.status_code == 200
    assert poster.headers["content-type"] == "image/jpeg"
    assert poster.content.startswith(b"\xff\xd8")


def test_upload_webm_replaces_current(
    user_client: httpx.Client, video_files: dict[str, Path]
) -> None:
    for kind in ("mp4", "webm"):
        files = {"file": (f"a.{kind}", video_files[kind].read_bytes(), "x/y")}
        response = user_client.post("/api/video/upload", files=files)
        assert response.status_code == 201, response.text

    current = user_client.get("/api/video/current").json()["video"]
    assert current["content_type"] == "video/webm"
    assert current["title"] == "a"
    assert _video_rows() == 2


def test_current_video_none_at_first(client: httpx.Client) -> None:
    response = client.get("/api/video/current")
    assert response.status_code == 200
    assert response.json() == {"video": None}


def test_upload_needs_login(client: httpx.Client, video_files: dict[str, Path]) -> None:
    files = {"file": ("a.mp4", video_files["mp4"].read_bytes(), "video/mp4")}
    response = client.post("/api/video/upload", files=files)
    assert response.status_code == 401
    assert _error_code(response) == "not_authenticated"


def test_upload_needs_csrf_token(
    user_client: httpx.Client, video_files: dict[str, Path]
) -> None:
    files = {"file": ("a.mp4", video_files["mp4"].read_bytes(), "video/mp4")}
    del user_client.headers["X-CSRF-Token"]
    response = user_client.post("/api/video/upload", files=files)
    assert response.status_code == 403
    assert _error_code(response) == "csrf_failed"


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("movie.mp4", b"This is plain text, not a video.\n" * 20, "video/mp4"),
        ("page.webm", b"<!DOCTYPE html><html><script>alert(1)</script>", "video/webm"),
        ("../../x.webm", b"GIF89a" + b"\x00" * 100, "video/webm"),
    ],
)
def test_upload_rejects_fake_video(
    user_client: httpx.Client,
    api_server: ApiServer,
    name: str,
    content: bytes,
    content_type: str,
) -> None:
    files = {"file": (name, content, content_type)}
    response = user_client.post("/api/video/upload", files=files)
    assert response.status_code == 415
    assert _error_code(response) == "unsupported_media_type"
    assert _stored_files(api_server.media_dir) == []
    assert _video_rows() == 0


def test_upload_path_name_is_display_only(
    user_client: httpx.Client, api_server: ApiServer, video_files: dict[str, Path]
) -> None:
    files = {"file": ("../../x.webm", video_files["webm"].read_bytes(), "video/webm")}
    response = user_client.post("/api/video/upload", files=files)
    assert response.status_code == 201, response.text
    video = response.json()["video"]
    assert video["title"] == "x"
    assert "x.webm" not in video["url"]
    root = api_server.media_dir.parent
    assert not (root / "x.webm").exists()
    assert not (root.parent / "x.webm").exists()
    assert all(api_server.media_dir in p.parents for p in root.rglob("*.webm"))


def test_upload_rejects_truncated_mp4(
    user_client: httpx.Client, api_server: ApiServer, video_files: dict[str, Path]
) -> None:
    data = video_files["mp4"].read_bytes()
    files = {"file": ("cut.mp4", data[: len(data) // 2], "video/mp4")}
    response = user_client.post("/api/video/upload", files=files)
    assert response.status_code == 400
    assert _error_code(response) == "invalid_video"
    assert _stored_files(api_server.media_dir) == []
    assert _video_rows() == 0


def test_upload_rejects_empty_file(
    user_client: httpx.Client, api_server: ApiServer
) -> None:
    response = user_client.post(
        "/api/video/upload", files={"file": ("empty.mp4", b"", "video/mp4")}
    )
    assert response.status_code == 400
    assert _error_code(response) == "empty_file"
    assert _stored_files(api_server.media_dir) == []


def test_upload_rejects_missing_file_part(user_client: httpx.Client) -> None:
    response = user_client.post(
        "/api/video/upload",
        files={"other": ("a.txt", b"x", "text/plain")},
        data={"title": "No file"},
    )
    assert response.status_code == 400
    assert _error_code(response) == "file_missing"


def test_upload_rejects_non_multipart_body(user_client: httpx.Client) -> None:
    response = user_client.post("/api/video/upload", json={"file": "x"})
    assert response.status_code == 415
    assert _error_code(response) == "unsupported_media_type"


def _raw_upload(
    api_server: ApiServer, user_client: httpx.Client, length: int, body: bytes
) -> socket.socket:
    """Open a raw connection and send upload headers and the start of a body."""
    cookie = "; ".join(f"{name}={value}" for name, value in user_client.cookies.items())
    head = (
        "POST /api/video/upload HTTP/1.1\r\n"
        f"Host: 127.0.0.1:{api_server.port}\r\n"
        f"Cookie: {cookie}\r\n"
        f"X-CSRF-Token: {user_client.headers['X-CSRF-Token']}\r\n"
        "Content-Type: multipart/form-data; boundary=b0undary\r\n"
        f"Content-Length: {length}\r\n\r\n"
    )
    connection = socket.create_connection(("127.0.0.1", api_server.port), timeout=10)
    connection.sendall(head.encode() + body)
    return connection


def _read_answer(connection: socket.socket) -> str:
    """Read a short response up to the end of its JSON body, or until EOF."""
    answer = b""
    while not answer.endswith(b"}}"):
        chunk = connection.recv(65536)
        if not chunk:
            break
        answer += chunk
    return answer.decode("latin-1")


def test_upload_rejects_large_content_length(
    user_client: httpx.Client, api_server: ApiServer
) -> None:
    # Only the headers are sent: the declared length alone gets the 413.
    connection = _raw_upload(api_server, user_client, TEST_UPLOAD_LIMIT * 10, b"")
    with connection:
        answer = _read_answer(connection)
    assert answer.startswith("HTTP/1.1 413")
    assert '"code":"too_large"' in answer


def test_aborted_upload_leaves_nothing(
    user_client: httpx.Client,
    api_server: ApiServer,
    video_files: dict[str, Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("STREAMCHAT_MAX_UPLOAD_BYTES", str(64 * 1024**2))
    get_settings.cache_clear()
    part = (
        b'--b0undary\r\nContent-Disposition: form-data; name="file"; '
        b'filename="a.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    )
    data = video_files["mp4"].read_bytes() + b"\x00" * (3 * 1024**2)
    connection = _raw_upload(api_server, user_client, 32 * 1024**2, part + data)
    # The partial file appears once the first megabytes are flushed to disk.
    assert wait_until(lambda: len(_stored_files(api_server.media_dir)) == 1)
    connection.close()

    assert wait_until(lambda: _stored_files(api_server.media_dir) == [])
    assert _video_rows() == 0
    assert user_client.get("/api/video/current").json() == {"video": None}


def _streamed_body(mp4: bytes, boundary: str, total: int) -> Iterator[bytes]:
    yield (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="big.mp4"\r\nContent-Type: video/mp4\r\n\r\n'
    ).encode()
    yield mp4
    sent = len(mp4)
    while sent < total:
        yield b"\x00" * 16384
        sent += 16384
    yield f"\r\n--{boundary}--\r\n".encode()


def test_upload_limit_counts_received_bytes(
    user_client: httpx.Client, api_server: ApiServer, video_files: dict[str, Path]
) -> None:
    # A chunked body has no Content-Length, so only the bytes can decide.
    body = _streamed_body(
        video_files["mp4"].read_bytes(), "b0undary", TEST_UPLOAD_LIMIT * 2
    )
    response = user_client.post(
        "/api/video/upload",
        content=body,
        headers={"Content-Type": "multipart/form-data; boundary=b0undary"},
    )
    assert response.status_code == 413
    assert _error_code(response) == "too_large"
    assert wait_until(lambda: _stored_files(api_server.media_dir) == [])
    assert _video_rows() == 0
