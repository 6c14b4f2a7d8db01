"""Cross-package tests: helpers to install plugin distributions from outside the repository."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

# Notify keeps provider credentials and webhook secrets encrypted with keys from the process
# configuration; the cross-package tests (round trips, walkthroughs) write its examples.
os.environ.setdefault("NEXUS_NOTIFY_KEYS", "bm90aWZ5LXRlc3RzLW9ubHktbm90LWEtc2VjcmV0LTA=")
# Payments keeps the providers' keys encrypted the same way (NEXUS_PAYMENTS_KEYS).
os.environ.setdefault("NEXUS_PAYMENTS_KEYS", "cGF5bWVudHMtdGVzdHMtb25seS1ub3QtYS1zZWNyZXQ=")
# Integrations keeps connection credentials the same way (NEXUS_INTEGRATIONS_KEYS).
os.environ.setdefault("NEXUS_INTEGRATIONS_KEYS", "aW50ZWdyYXRpb25zLXRlc3RzLW9ubHktbm90LWEtc2U=")
# Chat keeps outgoing webhooks' signing secrets encrypted the same way (NEXUS_CHAT_KEYS).
os.environ.setdefault("NEXUS_CHAT_KEYS", "Y2hhdC10ZXN0cy1vbmx5LW5vdC1hLXNlY3JldC0wMDA=")
# Marketing signs its confirmation, tracking and unsubscribe links (NEXUS_MARKETING_KEYS).
os.environ.setdefault("NEXUS_MARKETING_KEYS", "bWFya2V0aW5nLXRlc3RzLW9ubHktbm90LXNlY3JldCE=")


def write_distribution(
    root: Path, *, dist: str, module: str, entry_points: dict[str, str], source: str
) -> Path:
    """Write a minimal plugin distribution (pyproject + one module) under ``root``."""
    project = root / dist
    (project / module).mkdir(parents=True)
    eps = "\n".join(f'{name} = "{target}"' for name, target in entry_points.items())
    (project / "pyproject.toml").write_text(
        textwrap.dedent(
            f"""\
            [project]
            name = "{dist}"
            version = "1.0.0"
            dependencies = ["nexus-hookspecs"]

            [project.entry-points."nexus.plugins"]
            """
        )
        + eps
        + textwrap.dedent(
            f"""

            [build-system]
            requires = ["hatchling"]
            build-backend = "hatchling.build"

            [tool.hatch.build.targets.wheel]
            packages = ["{module}"]
            """
        )
    )
    (project / module / "__init__.py").write_text(textwrap.dedent(source))
    return project


def install(project: Path, target: Path) -> None:
    """Install ``project`` into the directory ``target`` (as ``pip install --target`` does)."""
    subprocess.run(
        [
            "uv",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "--python",
            sys.executable,
            "--target",
            str(target),
            str(project),
        ],
        check=True,
    )


def nexus(
    *args: str, path: list[Path], env: dict[str, str] | None = None, check: bool = False
) -> subprocess.CompletedProcess[str]:
    """Run the ``nexus`` command with ``path`` on PYTHONPATH."""
    return subprocess.run(
        [sys.executable, "-m", "nexus", *args],
        env=_env(path, env),
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


def _env(path: list[Path], extra: dict[str, str] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXUS_")}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in path)
    env.update(extra or {})
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def serving(
    *,
    path: list[Path],
    env: dict[str, str],
    cwd: Path,
    timeout: float = 60,
    command: tuple[str, ...] = ("serve",),
) -> Iterator[str]:
    """Run ``nexus serve`` (or ``command``) until it answers /healthz; yield its base URL.

    The process's output is in ``cwd/serve-<port>.log``; it is stopped on exit.
    """
    port = free_port()
    log = (cwd / f"serve-{port}.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "nexus", *command, "--port", str(port)],
        env=_env(path, env),
        cwd=cwd,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                pytest.fail(
                    f"nexus serve exited with {process.returncode}: {Path(log.name).read_text()}"
                )
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"nexus serve did not answer in {timeout}s: {Path(log.name).read_text()}"
                )
            time.sleep(0.1)  # polling interval while waiting for the port, bounded by the deadline
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture
def embedded_home() -> Iterator[Path]:
    """A working directory for a ``nexus`` run on the embedded PostgreSQL (its ``.nexus``).

    Outside pytest's temporary root on purpose: the embedded server runs as its own system
    user, which needs to traverse the directory's parents, and each pytest-xdist worker
    resets ``/tmp/pytest-of-<user>`` to owner-only when it first makes a ``tmp_path`` —
    which, mid-``initdb`` on another worker, fails it with "Permission denied".
    """
    home = Path(tempfile.mkdtemp(prefix="nexus-embedded-"))
    yield home
    shutil.rmtree(home, ignore_errors=True)
