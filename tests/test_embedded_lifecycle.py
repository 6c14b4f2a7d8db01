"""A killed `nexus serve` leaves its embedded PostgreSQL visible and stoppable, never lost."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from typing import TYPE_CHECKING

import httpx
import pytest

from .conftest import _env, free_port

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

WAIT_S = 90.0
ENV = {"NEXUS_PLUGINS": "", "NEXUS_LOG_LEVEL": "warning"}  # the kernel alone: quicker


def nexus(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nexus", *args],
        env=_env([], ENV),
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=WAIT_S,
        check=False,
    )


def status(cwd: Path) -> dict[str, object]:
    result = nexus(cwd, "db", "status", "--json")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@contextmanager
def serve(cwd: Path, name: str) -> Iterator[tuple[subprocess.Popen[bytes], Path]]:
    """``nexus serve`` on the embedded default, answering; yields the process and its log."""
    port = free_port()
    log = cwd / f"{name}.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "nexus", "serve", "--port", str(port)],
            env=_env([], ENV),
            cwd=cwd,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_S
        while True:
            if process.poll() is not None:
                pytest.fail(f"nexus serve exited with {process.returncode}: {log.read_text()}")
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"nexus serve did not answer: {log.read_text()}")
            time.sleep(0.1)  # polling interval while waiting for the port, bounded above
        yield process, log
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def kill_hard(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL, as the OOM killer would: no exit handler runs."""
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=WAIT_S)


def test_a_killed_serve_leaves_an_orphan_that_db_status_shows_and_db_stop_stops(embedded_home):
    assert status(embedded_home)["running"] is False
    with serve(embedded_home, "first") as (process, _):
        running = status(embedded_home)
        assert running["running"] is True
        assert running["orphaned"] is False
        assert running["holders"] == [process.pid]
        # In use: stopping it would pull the database from under the server.
        refused = nexus(embedded_home, "db", "stop")
        assert refused.returncode == 1
        assert "in use" in refused.stderr
        kill_hard(process)
    orphan = status(embedded_home)
    assert orphan["running"] is True, "the server died with the command: nothing to test"
    assert orphan["orphaned"] is True
    assert orphan["holders"] == []
    assert isinstance(orphan["pid"], int)
    assert isinstance(orphan["port"], int)
    assert orphan["data_dir"] == str((embedded_home / ".nexus").resolve())
    assert "orphaned" in nexus(embedded_home, "db", "status").stdout

    stopped = nexus(embedded_home, "db", "stop", "--json")
    assert stopped.returncode == 0, stopped.stderr
    assert json.loads(stopped.stdout)["stopped"] == orphan["pid"]
    after = status(embedded_home)
    assert after["running"] is False
    assert after["orphaned"] is False
    assert "stopped" in nexus(embedded_home, "db", "status").stdout


def test_serve_says_it_adopted_an_orphan_and_stops_it_when_it_exits(embedded_home):
    with serve(embedded_home, "killed") as (process, _):
        kill_hard(process)
    orphan = status(embedded_home)
    assert orphan["orphaned"] is True
    with serve(embedded_home, "adopter") as (process, log):
        output = log.read_text()
        assert "Adopted the embedded PostgreSQL left running by a killed process" in output
        assert f"pid {orphan['pid']}" in output
        adopted = status(embedded_home)
        assert adopted["pid"] == orphan["pid"]
        assert adopted["holders"] == [process.pid]  # the killed one is forgotten
        process.terminate()
        process.wait(timeout=WAIT_S)
    # The adopter was the last process using it: the server stopped with it.
    assert status(embedded_home)["running"] is False
