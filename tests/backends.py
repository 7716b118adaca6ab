"""PostgreSQL and Redis for the tests: find them, or skip with the reason.

Outside CI a test that needs a missing PostgreSQL or Redis is skipped, and
the skip reason names what was missing. With ``CI=true`` it fails instead,
so that a CI machine without them cannot pass by skipping.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import NoReturn

import pytest
import sqlalchemy as sa

POSTGRES_URL = os.environ.get(
    "STREAMCHAT_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def port_range(variable: str, default: range) -> range:
    """Read a range of ports such as ``3850-3859`` (both included) from the env."""
    value = os.environ.get(variable)
    if not value:
        return default
    first, _, last = value.partition("-")
    return range(int(first), int(last or first) + 1)


# Tests start their own redis-server on one of these ports, so they never
# share channels, rate-limit counts or Reflex states with another run.
REDIS_TEST_PORTS = port_range("STREAMCHAT_TEST_REDIS_PORTS", range(3650, 3660))
SERVER_START_TIMEOUT = 20.0


def unavailable(reason: str) -> NoReturn:
    """Skip the test with ``reason``, or fail it when running in CI."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true requires it)")
    pytest.skip(reason)


def create_postgres_database() -> str:
    """Create an empty database named streamchat_test_<random>; return its URL."""
    server = sa.make_url(POSTGRES_URL)
    name = f"streamchat_test_{uuid.uuid4().hex[:12]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sa.exc.OperationalError as error:
        unavailable(f"PostgreSQL is not reachable at {server.host}: {error.orig}")
    finally:
        engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_postgres_database(url: str) -> None:
    """Drop a database made by create_postgres_database, closing its sessions."""
    name = sa.make_url(url).database
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    engine.dispose()


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> bool:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class RedisServer:
    """A redis-server of the test's own, without persistence, on a fixed port."""

    def __init__(self) -> None:
        self.binary = shutil.which("redis-server")
        if self.binary is None:
            unavailable("redis-server is not installed")
        free = [port for port in REDIS_TEST_PORTS if _port_is_free(port)]
        if not free:
            unavailable(f"no free port for redis-server in {REDIS_TEST_PORTS}")
        self.port = free[0]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.directory = Path(tempfile.mkdtemp(prefix="streamchat-redis-"))
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Start the server, or fail the test when it does not accept connections."""
        assert self.binary is not None
        command = [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        self.process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        if not _wait_for_port(self.port, self.process):
            self.stop()
            pytest.fail(f"redis-server did not start on port {self.port}")

    def stop(self) -> None:
        """Stop the server and wait until it has exited."""
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=SERVER_START_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
