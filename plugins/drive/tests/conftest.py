"""One database and one app per test module (Drive and a stand-in services caller); a fresh
tenant per test."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import nexus_drive
import pytest
from drive_caller import caller
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_drive, caller]


@pytest.fixture(scope="module")
def drive_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(drive_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=drive_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, drive_db: str) -> Any:
    return make_tenant(drive_db)


@pytest.fixture
def other(client: Any, drive_db: str) -> Any:
    return make_tenant(drive_db)


class Served:
    """Drive served by ``nexus serve`` in a process of its own, on a loopback port."""

    def __init__(self, base: str, process: subprocess.Popen[bytes], url: str) -> None:
        self.base = base
        self.process = process
        self.url = url

    def peak_rss_kib(self) -> int:
        """The server process's peak resident set (``VmHWM``), in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
        raise RuntimeError("no VmHWM")

    def rss_kib(self) -> int:
        """The server process's resident set now (``VmRSS``), in KiB."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def served(drive_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """``nexus serve`` with Drive only, on the module's database, files under a temp dir."""
    port = _free_port()
    env = {
        **os.environ,
        "NEXUS_DATABASE_URL": drive_db,
        "NEXUS_PLUGINS": "drive",
        "NEXUS_DATA_DIR": str(tmp_path_factory.mktemp("served")),
        "NEXUS_BLOB_MAX_BYTES": str(1024**3),
        "NEXUS_LOG_LEVEL": "warning",
        "NEXUS_RATE_LIMIT_KEY": "1000000/minute",
        "NEXUS_RATE_LIMIT_TENANT": "1000000/minute",
        "NEXUS_DRIVE_SWEEP_S": "0",
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "nexus", "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=2).status_code < 500:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail("nexus serve did not start")
            time.sleep(0.2)  # polling a starting server: nothing to wait on but the port
        yield Served(base, process, drive_db)
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
