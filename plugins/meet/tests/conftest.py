"""One database and one app per test module (Meet alone); a fresh tenant per test; two
``nexus serve`` processes for the tests across processes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any

import httpx
import nexus_meet
import pytest
from meet_helpers import SECRETS
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_meet]

for _name, _value in SECRETS.items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(scope="module")
def meet_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(meet_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=meet_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, meet_db: str) -> Any:
    return make_tenant(meet_db)


@pytest.fixture
def other(client: Any, meet_db: str) -> Any:
    return make_tenant(meet_db)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def servers(meet_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two ``nexus serve`` processes with Meet on the same database (``host:port`` each)."""
    ports = [_free_port(), _free_port()]
    env = {
        **os.environ,
        "NEXUS_DATABASE_URL": meet_db,
        "NEXUS_PLUGINS": "meet",
        "NEXUS_DATA_DIR": str(tmp_path_factory.mktemp("served")),
        "NEXUS_LOG_LEVEL": "warning",
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "nexus", "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
        )
        for port in ports
    ]
    bases = [f"127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + 60
        for base, process in zip(bases, processes, strict=True):
            while True:
                try:
                    if httpx.get(f"http://{base}/healthz", timeout=2).status_code < 500:
                        break
                except httpx.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("nexus serve did not start")
                time.sleep(0.2)  # polling a starting server: nothing to wait on but the port
        yield bases
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
