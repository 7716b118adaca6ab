"""Backend processes and nginx, started by the tests as production runs them.

Each backend is ``scripts/serve`` (migrations, the production build, the
server) in a process group of its own, so a test can stop or kill all of it.
The processes share one PostgreSQL database, one Redis and one media folder.
"""

import json
import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from streamchat.settings import PROJECT_ROOT
from tests.backends import port_range

# The first start runs the production build of the frontend, which takes
# about half a minute here; the bound is generous for slower machines.
START_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0
BACKEND_PORTS = port_range("STREAMCHAT_TEST_BACKEND_PORTS", range(3600, 3640))
NGINX_PORTS = port_range("STREAMCHAT_TEST_NGINX_PORTS", range(3640, 3650))
NGINX_TEMPLATE = PROJECT_ROOT / "deploy" / "nginx.conf"


def free_ports(candidates: range, count: int) -> list[int]:
    """Return ``count`` ports from ``candidates`` that nothing listens on."""
    found = []
    for port in candidates:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
        found.append(port)
        if len(found) == count:
            return found
    raise RuntimeError(f"fewer than {count} free ports in {candidates}")


def stop_group(process: subprocess.Popen[bytes], sig: signal.Signals) -> None:
    """Send ``sig`` to the process group of ``process`` and wait for its exit."""
    if process.poll() is None:
        os.killpg(process.pid, sig)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    # Workers of the group may outlive its leader for a moment.
    deadline = time.monotonic() + STOP_TIMEOUT
    while time.monotonic() < deadline:
        try:
            os.killpg(process.pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Backend:
    """One backend process: ``scripts/serve`` on its own port."""

    port: int
    env: dict[str, str]
    log_path: Path
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}"

    def start(self) -> None:
        """Start the process and wait until its page and API respond."""
        env = {**os.environ, **self.env, "PORT": str(self.port)}
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [str(PROJECT_ROOT / "scripts" / "serve")],
                cwd=PROJECT_ROOT,
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_ready()

    def wait_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"backend {self.port} exited, see {self.log_path}")
            if _answers(f"{self.url}/api/health") and _answers(f"{self.url}/"):
                return
            time.sleep(0.5)
        raise RuntimeError(f"backend {self.port} did not start, see {self.log_path}")

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, signal.SIGTERM)
            self.process = None

    def kill(self) -> None:
        """End the whole process group at once with SIGKILL."""
        if self.process is not None:
            stop_group(self.process, signal.SIGKILL)
            self.process = None

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


def _answers(url: str) -> bool:
    try:
        return httpx.get(url, timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def backend_env(
    database_url: str, redis_url: str, media_dir: Path, public_url: str
) -> dict[str, str]:
    """Return the settings every backend process of the cluster shares."""
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": redis_url,
        "STREAMCHAT_MEDIA_DIR": str(media_dir),
        # The frontend build stores the address of Reflex's socket, so every
        # process builds the same one: the public address, nginx here.
        "REFLEX_API_URL": public_url,
        "REFLEX_WEB_WORKDIR": str(PROJECT_ROOT / ".web-test"),
        "STREAMCHAT_ORIGINS": json.dumps([public_url]),
        "STREAMCHAT_TRUSTED_PROXY_HOPS": "1",
        # Two processes x 2 workers x 10 connections stay well below the
        # 100 connections a default PostgreSQL accepts.
        "GRANIAN_WORKERS": "2",
        "STREAMCHAT_DATABASE_POOL_SIZE": "5",
        "STREAMCHAT_DATABASE_MAX_OVERFLOW": "5",
        "STREAMCHAT_BCRYPT_ROUNDS": "4",
        "STREAMCHAT_CHAT_MESSAGES_PER_USER": "1000 per second",
    }


class Nginx:
    """Debian's nginx with deploy/nginx.conf, in a folder of the test's own."""

    def __init__(self, port: int, backends: list[int], prefix: Path) -> None:
        self.port = port
        self.prefix = prefix
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"
        self.process: subprocess.Popen[bytes] | None = None
        site = NGINX_TEMPLATE.read_text()
        upstreams = "".join(f"    server 127.0.0.1:{p};\n" for p in backends)
        site = _replace_block(site, "upstream streamchat {", upstreams)
        site = site.replace("listen 80;", f"listen 127.0.0.1:{port};")
        (prefix / "logs").mkdir(parents=True, exist_ok=True)
        (prefix / "streamchat.conf").write_text(site)
        (prefix / "nginx.conf").write_text(_main_config(prefix))

    def start(self) -> None:
        """Start nginx in the foreground and wait until it accepts connections."""
        self.process = subprocess.Popen(
            ["/usr/sbin/nginx", "-p", str(self.prefix), "-c", "nginx.conf"],
            stdout=subprocess.DEVNULL,
            stderr=(self.prefix / "logs" / "stderr.log").open("ab"),
            start_new_session=True,
        )
        deadline = time.monotonic() + STOP_TIMEOUT
        while time.monotonic() < deadline and self.process.poll() is None:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"nginx did not start, see {self.prefix / 'logs'}")

    def stop(self) -> None:
        if self.process is not None:
            stop_group(self.process, signal.SIGQUIT)
            self.process = None


def _replace_block(text: str, opening: str, body: str) -> str:
    """Replace the ``server`` lines inside the block that starts with ``opening``."""
    start = text.index(opening) + len(opening) + 1
    end = text.index("}", start)
    kept = [
        line + "\n"
        for line in text[start:end].splitlines()
        if not line.strip().startswith("server ")
    ]
    return text[:start] + body + "".join(kept) + text[end:]


def _main_config(prefix: Path) -> str:
    temp = prefix / "temp"
    temp.mkdir(exist_ok=True)
    return f"""daemon off;
master_process on;
worker_processes 1;
pid {prefix}/nginx.pid;
error_log {prefix}/logs/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {prefix}/logs/access.log;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {prefix}/streamchat.conf;
}}
"""
