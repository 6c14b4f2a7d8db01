"""``wrk``: found on PATH, or installed from Debian when the harness runs as root."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING

from bench.loadgen._base import LoadResult, header_args, result_from_summary, run_child

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

__all__ = ("Wrk", "find_or_install_wrk")

_REPORT_SCRIPT = Path(__file__).with_name("report.lua")
_APT_TIMEOUT_S = 300


class Wrk:
    """wrk with one thread, a fixed number of connections and a JSON summary script."""

    name = "wrk"

    def __init__(self, executable: str) -> None:
        self.executable = executable
        self.version = _version(executable)

    def run(
        self, url: str, *, connections: int, duration_s: int, headers: Mapping[str, str]
    ) -> LoadResult:
        """Run wrk against ``url`` and return its figures."""
        argv = [
            self.executable,
            "--threads",
            "1",
            "--connections",
            str(connections),
            "--duration",
            f"{max(1, duration_s)}s",
            "--timeout",
            "10s",
            "--script",
            str(_REPORT_SCRIPT),
            *header_args(headers),
            url,
        ]
        summary, cpu_s = run_child(argv, timeout_s=duration_s + 30)
        return result_from_summary(
            summary, tool=self.name, url=url, connections=connections, cpu_s=cpu_s
        )


def find_or_install_wrk(say: Callable[[str], None]) -> str | None:
    """Return the path of ``wrk``, installing the Debian package first if missing and root.

    ``apt-get update`` runs only when the first install attempt fails (stale lists).
    """
    found = shutil.which("wrk")
    if found or os.geteuid() != 0 or shutil.which("apt-get") is None:
        return found
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    say("wrk is missing; installing the Debian package wrk")
    if not _apt(install):
        say("apt-get install failed; running apt-get update and trying again")
        if _apt(["apt-get", "update"]):
            _apt(install)
    return shutil.which("wrk")


def _apt(argv: list[str]) -> bool:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        done = subprocess.run(
            argv, env=env, capture_output=True, timeout=_APT_TIMEOUT_S, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


def _version(executable: str) -> str:
    # `wrk -v` prints "wrk 4.1.0 [epoll] Copyright ..." and exits non-zero.
    done = subprocess.run(
        [executable, "-v"], capture_output=True, text=True, timeout=10, check=False
    )
    words = (done.stdout or done.stderr).split()
    return words[1] if len(words) > 1 else "unknown"
