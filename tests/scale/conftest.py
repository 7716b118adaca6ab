"""Fixtures of the scale tests: Redis servers and a cluster of their own."""

import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.backends import (
    RedisServer,
    create_postgres_database,
    drop_postgres_database,
)
from tests.scale.cluster import (
    BACKEND_PORTS,
    NGINX_PORTS,
    Backend,
    Nginx,
    backend_env,
    free_ports,
)


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    """Start a redis-server for this test and stop it afterwards."""
    server = RedisServer()
    server.start()
    yield server
    server.stop()


@dataclass
class Cluster:
    """Two backend processes on one PostgreSQL and one Redis, behind nginx."""

    backends: list[Backend]
    nginx: Nginx
    redis: RedisServer
    database_url: str

    def restart_stopped(self) -> None:
        """Start Redis and every backend again that a test stopped or killed."""
        if self.redis.process is None:
            self.redis.start()
        for backend in self.backends:
            if not backend.running:
                backend.start()


@pytest.fixture(scope="session")
def cluster() -> Iterator[Cluster]:
    """Start Redis, a PostgreSQL database, nginx and two backend processes."""
    redis = RedisServer()
    database_url = create_postgres_database()
    run_dir = Path(tempfile.mkdtemp(prefix="streamchat-cluster-"))
    ports = free_ports(BACKEND_PORTS, 2)
    nginx = Nginx(free_ports(NGINX_PORTS, 1)[0], ports, run_dir / "nginx")
    env = backend_env(database_url, redis.url, run_dir / "media", nginx.url)
    backends = [Backend(port, env, run_dir / f"backend-{port}.log") for port in ports]
    cluster = Cluster(backends, nginx, redis, database_url)
    try:
        redis.start()
        nginx.start()
        # One after the other: each start runs the same frontend build.
        for backend in backends:
            backend.start()
        yield cluster
    finally:
        for backend in backends:
            backend.stop()
        nginx.stop()
        redis.stop()
        drop_postgres_database(database_url)


@pytest.fixture
def running_cluster(cluster: Cluster) -> Iterator[Cluster]:
    """The cluster with every part running, restored after the test."""
    cluster.restart_stopped()
    yield cluster
    cluster.restart_stopped()
