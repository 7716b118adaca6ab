"""Start the servers under test and act on them as a user over REST."""

import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

logger = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
STARTUP_TIMEOUT = 600.0
PASSWORD = "fanout-benchmark-password"


class Server:
    """A server process group that this benchmark started and must stop."""

    def __init__(
        self,
        name: str,
        port: int,
        command: list[str],
        env: dict[str, str],
        cwd: Path,
        log_path: Path,
    ) -> None:
        self.name = name
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        log = log_path.open("w")
        self.process = subprocess.Popen(
            command,
            cwd=cwd,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, path: str) -> None:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}")
            try:
                if httpx.get(self.url + path, timeout=2).status_code < 500:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.5)
        raise TimeoutError(
            f"{self.name} did not respond on {path} within {STARTUP_TIMEOUT} s"
        )

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)


def start_streamchat(port: int, workdir: Path, extra_env: dict[str, str]) -> Server:
    """Start the production build with ``scripts/serve`` on a fresh SQLite file."""
    env = {
        "PORT": str(port),
        "DATABASE_URL": f"sqlite:///{workdir / 'streamchat.db'}",
        "STREAMCHAT_MEDIA_DIR": str(workdir / "media"),
        "STREAMCHAT_RATE_LIMITS_ENABLED": "false",
        **extra_env,
    }
    server = Server(
        "streamchat", port, ["scripts/serve"], env, ROOT, workdir / "streamchat.log"
    )
    server.wait_ready("/api/health")
    return server


def start_bare(port: int, workdir: Path) -> Server:
    """Start the bare baseline app under Granian with one worker."""
    granian = Path(sys.executable).parent / "granian"
    command = [
        str(granian),
        "--interface",
        "asgi",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        "1",
        "--no-access-log",
        "fanout.bare_server:app",
    ]
    env = {"BARE_DATABASE": str(workdir / "streamchat.db")}
    server = Server(
        "bare", port, command, env, ROOT / "benchmarks", workdir / "bare.log"
    )
    server.wait_ready("/api/chat/messages?limit=1")
    return server


class User:
    """A registered user with a session cookie and a personal access token."""

    def __init__(self, base_url: str, name: str) -> None:
        self.base_url = base_url
        self.name = name
        self.email = f"{name}@example.com"
        self.headers = {"Origin": base_url}
        self.cookie = ""
        self.token = ""

    def register(self, client: httpx.Client) -> None:
        body = {"name": self.name, "email": self.email, "password": PASSWORD}
        response = client.post(
            f"{self.base_url}/register", json=body, headers=self.headers
        )
        response.raise_for_status()
        self._take_session(response)

    def _take_session(self, response: httpx.Response) -> None:
        cookie = response.cookies.get("streamchat_session")
        self.cookie = f"streamchat_session={cookie}"
        self.csrf = response.json()["csrf_token"]

    def create_token(self, client: httpx.Client) -> None:
        headers = {**self.headers, "Cookie": self.cookie, "X-CSRF-Token": self.csrf}
        response = client.post(
            f"{self.base_url}/api/tokens", json={"name": "bench"}, headers=headers
        )
        response.raise_for_status()
        self.token = response.json()["token"]

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def login_body(user: User) -> dict[str, Any]:
    return {"email": user.email, "password": PASSWORD}
