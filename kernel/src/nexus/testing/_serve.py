"""Real ``nexus serve`` processes for a test: live sockets, fan-out across processes."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping, Sequence
    from pathlib import Path

__all__ = ("serve_processes",)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serve_processes(  # noqa: PLR0913 - what the servers are started with, named
    database_url: str,
    *,
    plugins: Sequence[str],
    data_dir: Path,
    count: int = 2,
    env: Mapping[str, str] | None = None,
    start_timeout_s: float = 120,
) -> Iterator[list[str]]:
    """``count`` ``nexus serve`` processes on free loopback ports, sharing one database.

    Each runs with only ``plugins`` (``NEXUS_PLUGINS``), the files store under ``data_dir``
    and warnings-only logs; ``env`` adds or overrides variables (a Redis URL, a sweep
    turned off). The block starts once every process answers ``/healthz``; on leaving it
    they are stopped (SIGTERM, then SIGKILL after 20 s). A process that exits or does not
    answer within ``start_timeout_s`` raises :class:`RuntimeError`.

    Use it for what only separate processes show — WebSocket clients on two servers seeing
    each other's edits, LISTEN/NOTIFY fan-out — and keep it module-scoped: each process
    costs a few seconds of start-up.

    Args:
        database_url: A migrated database (``migrated_database``) the servers share.
        plugins: The plugins' entry-point names (``["drive", "collab"]``).
        data_dir: A directory of the test's for the local files store.
        count: How many processes.
        env: Environment variables besides the current ones.
        start_timeout_s: How long all of them may take to answer.

    Yields:
        Each process's ``host:port`` (``127.0.0.1:54321``), in start order.

    Example::

        @pytest.fixture(scope="module")
        def servers(collab_db, tmp_path_factory):
            with serve_processes(
                collab_db, plugins=["drive", "collab"], data_dir=tmp_path_factory.mktemp("s")
            ) as bases:
                yield bases
    """
    variables = {
        **os.environ,
        "NEXUS_DATABASE_URL": database_url,
        "NEXUS_PLUGINS": ",".join(plugins),
        "NEXUS_DATA_DIR": str(data_dir),
        "NEXUS_LOG_LEVEL": "warning",
        **(env or {}),
    }
    ports = [_free_port() for _ in range(count)]
    command = [sys.executable, "-m", "nexus", "serve", "--host", "127.0.0.1", "--port"]
    processes = [subprocess.Popen([*command, str(port)], env=variables) for port in ports]
    bases = [f"127.0.0.1:{port}" for port in ports]
    try:
        deadline = time.monotonic() + start_timeout_s
        for base, process in zip(bases, processes, strict=True):
            while True:
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"http://{base}/healthz", timeout=2).status_code < 500:
                        break
                if process.poll() is not None:
                    msg = f"nexus serve on {base} exited with {process.returncode}"
                    raise RuntimeError(msg)
                if time.monotonic() > deadline:
                    msg = f"nexus serve on {base} did not answer in {start_timeout_s} s"
                    raise RuntimeError(msg)
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
