"""Servers under test: subprocesses on free loopback ports, polled until ready, always ended."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import psutil

if TYPE_CHECKING:
    from collections.abc import Iterator, Mapping

__all__ = (
    "HOST",
    "REPO_ROOT",
    "Server",
    "ServerFailed",
    "child_env",
    "free_port",
    "serve",
    "uvicorn_argv",
)

HOST = "127.0.0.1"
REPO_ROOT = Path(__file__).resolve().parent.parent
_POLL_S = 0.005
_STOP_TIMEOUT_S = 10.0
# Variables the parent environment must not leak into an app under test.
_SCRUBBED_PREFIXES = ("NEXUS_", "BENCH_", "PROMETHEUS_MULTIPROC_DIR")


class ServerFailed(RuntimeError):
    """A server exited or did not answer within its bound; carries the tail of its log."""


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that is free right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def child_env(**overrides: str) -> dict[str, str]:
    """Return this environment without ``NEXUS_*``/``BENCH_*``, plus ``overrides``.

    The repository root goes first on ``PYTHONPATH`` so ``bench.apps`` imports anywhere.
    """
    env = {k: v for k, v in os.environ.items() if not k.startswith(_SCRUBBED_PREFIXES)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO_ROOT), env.get("PYTHONPATH")]))
    env.update(overrides)
    return env


def uvicorn_argv(factory: str, *, port: int, workers: int) -> list[str]:
    """Return the one uvicorn command line every app under test is served with."""
    return [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        factory,
        "--host",
        HOST,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--no-access-log",
        "--log-level",
        "warning",
        "--http",
        "httptools",
        "--loop",
        "uvloop",
    ]


class Server:
    """A running server process.

    Attributes:
        name: What it serves, for messages.
        port: Its loopback port.
        process: The process (a uvicorn supervisor when there are several workers).
        ready_after_s: Time from spawning it to its first 200 on the readiness path.
    """

    def __init__(
        self,
        name: str,
        *,
        port: int,
        process: subprocess.Popen[bytes],
        log: Path,
        spawned_at: float,
    ) -> None:
        self.name = name
        self.port = port
        self.process = process
        self.log = log
        self.spawned_at = spawned_at
        self.ready_after_s = 0.0

    def url(self, path: str) -> str:
        """Return the URL of ``path`` on this server."""
        return f"http://{HOST}:{self.port}{path}"

    def log_tail(self, chars: int = 1500) -> str:
        """Return the end of the server's combined output."""
        try:
            return self.log.read_text(errors="replace")[-chars:].strip()
        except OSError:
            return ""

    def workers(self) -> list[psutil.Process]:
        """Return the worker processes (the process itself when it has no workers)."""
        parent = psutil.Process(self.process.pid)
        spawned = [
            child
            for child in parent.children(recursive=True)
            if "spawn_main" in " ".join(_cmdline(child))
        ]
        return spawned or [parent]

    def cpu_seconds(self) -> float:
        """Return the CPU time (user + system) used so far by the server and its workers."""
        total = 0.0
        parent = psutil.Process(self.process.pid)
        for proc in [parent, *parent.children(recursive=True)]:
            try:
                times = proc.cpu_times()
            except psutil.NoSuchProcess:
                continue
            total += times.user + times.system
        return total

    def wait_ready(self, path: str, *, timeout_s: float) -> float:
        """Poll ``path`` until it answers 200; return the seconds since the spawn.

        Raises:
            ServerFailed: when the process exits or ``timeout_s`` passes first.
        """
        started = self.spawned_at
        deadline = started + timeout_s
        with httpx.Client(timeout=2.0) as client:
            while time.perf_counter() < deadline:
                try:
                    if client.get(self.url(path)).status_code == 200:
                        self.ready_after_s = time.perf_counter() - started
                        return self.ready_after_s
                except httpx.TransportError:
                    pass
                try:
                    code = self.process.wait(timeout=_POLL_S)
                except subprocess.TimeoutExpired:
                    continue
                raise ServerFailed(f"{self.name} exited with {code}: {self.log_tail()}")
        raise ServerFailed(f"{self.name} not ready within {timeout_s:.0f} s: {self.log_tail()}")

    def stop(self) -> None:
        """Ask the server to stop (SIGTERM), then kill its process group after a bound."""
        if self.process.poll() is not None:
            return
        try:
            children = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            children = []
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=_STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=_STOP_TIMEOUT_S)
        # Workers the server started and left behind; psutil checks they are still the same
        # processes (not a reused pid) before killing.
        for child in children:
            with contextlib.suppress(psutil.NoSuchProcess):
                child.kill()


@contextmanager
def serve(
    name: str,
    argv: list[str],
    *,
    port: int,
    env: Mapping[str, str],
    ready_path: str,
    cwd: Path = REPO_ROOT,
    timeout_s: float = 60.0,
) -> Iterator[Server]:
    """Start ``argv`` serving on ``port``, wait until ``ready_path`` answers 200, yield it.

    The server is stopped on the way out, also when waiting or the body fails.

    Raises:
        ServerFailed: when it does not become ready.
    """
    with tempfile.NamedTemporaryFile(prefix=f"bench-{name}-", suffix=".log", delete=False) as f:
        log = Path(f.name)
    with log.open("wb") as out:
        spawned_at = time.perf_counter()
        process = subprocess.Popen(
            argv,
            env=dict(env),
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(name, port=port, process=process, log=log, spawned_at=spawned_at)
    try:
        server.wait_ready(ready_path, timeout_s=timeout_s)
        yield server
    finally:
        server.stop()
        log.unlink(missing_ok=True)


def _cmdline(proc: psutil.Process) -> list[str]:
    try:
        return proc.cmdline()
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return []
