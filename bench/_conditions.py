"""Run conditions: the machine, the versions and the settings every figure was taken under."""

from __future__ import annotations

import os
import platform
import subprocess
from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

import psutil

from bench._servers import REPO_ROOT

if TYPE_CHECKING:
    from bench._context import RunConfig

__all__ = ("collect_conditions",)

_PACKAGES = (
    "nexus-kernel",
    "nexus-hookspecs",
    "litestar",
    "uvicorn",
    "uvloop",
    "httptools",
    "asyncpg",
    "piccolo",
    "pluggy",
    "msgspec",
)


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def _git(*args: str) -> str:
    try:
        done = subprocess.run(
            ["git", *args], cwd=REPO_ROOT, capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""


def _commit() -> str:
    commit = _git("rev-parse", "--short", "HEAD")
    # Changes to the harness itself do not change what is measured.
    if commit and _git("status", "--porcelain", "--", ".", ":(exclude)bench"):
        commit += " (uncommitted changes)"
    return commit or "unknown"


def _version(package: str) -> str:
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def collect_conditions(config: RunConfig) -> dict[str, Any]:
    """Return what a reader needs to judge the figures: machine, versions, settings."""
    cpus = os.cpu_count() or 0
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    memory_gb = psutil.virtual_memory().total / 1e9
    versions = {package: _version(package) for package in _PACKAGES}
    return {
        "mode": config.mode,
        "commit": _commit(),
        "machine": f"{usable} of {cpus} CPUs ({_cpu_model()}), {memory_gb:.1f} GB RAM, "
        f"{platform.system()} {platform.release()}",
        "load_average_at_start": [round(value, 2) for value in os.getloadavg()],
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "server": f"uvicorn {versions['uvicorn']} --factory --no-access-log --log-level warning "
        f"--http httptools --loop uvloop, {config.workers} worker(s)",
        "rounds": f"{config.rounds} × {config.duration_s} s per side, alternating, "
        f"after {config.warmup_s} s warm-up",
        "workers": config.workers,
        "connections": config.connections,
        "duration_s": config.duration_s,
        "measured_rounds": config.rounds,
        "warmup_s": config.warmup_s,
        "startup_runs": config.startup_runs,
        "tenants": config.tenants,
        "versions": versions,
        "placement": "load generator, servers and PostgreSQL share the machine; nothing pinned",
        "cpu_figures": "CPU use is in percent of one core (the machine has "
        f"{usable * 100}%); 'other' is everything but the server and the load generator, "
        "PostgreSQL included",
    }
