"""Run Schemathesis against a served kernel, authenticated as a tenant admin.

Serves Nexus (every installed plugin) on a throwaway database, then runs
``schemathesis run <base>/schema/openapi.json`` with a valid API key and every check: no
server errors, responses that match their schema, and no operation that accepts a request
without auth. Extra arguments go to ``schemathesis run``.

Usage::

    uv run tox -e fuzz                      # or: uv run python scripts/fuzz_api.py
    uv run python scripts/fuzz_api.py --max-examples 200
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from nexus.testing import find_test_server, make_tenant, temporary_database

_DEFAULT_ARGS = [
    "--checks",
    "all",
    "--max-examples",
    "40",
    "--phases",
    "examples,coverage,fuzzing",
    "--workers",
    # One worker: Hypothesis' lambda-source inspection is not thread-safe (a "Runtime Error:
    # AST constructor recursion depth mismatch" now and then with several).
    "1",
    # A fixed seed: CI explores the same cases every run, so a red run means a change broke
    # something; pass other arguments (another --seed, more --max-examples) to explore.
    "--seed",
    "20261125",
    "--exclude-checks",
    # use_after_free, ensure_resource_availability and positive_data_acceptance need
    # stateful links between operations, which the schema does not declare yet.
    # negative_data_rejection: Litestar decodes bodies in msgspec's lax mode, so a JSON 0
    # for a boolean or a number for a date-time is converted rather than refused.
    "use_after_free,ensure_resource_availability,positive_data_acceptance,negative_data_rejection",
]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"nexus serve exited early:\n{log.read_text()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)  # polling interval while the port opens, bounded by the deadline
    sys.exit(f"nexus serve did not answer within 60 s:\n{log.read_text()}")


def main(argv: list[str]) -> int:
    """Serve, fuzz, stop; return Schemathesis' exit code."""
    with temporary_database(find_test_server(), prefix="nexus_fuzz") as url:
        env = {
            **os.environ,
            "NEXUS_DATABASE_URL": url,
            "NEXUS_LOG_LEVEL": "error",
            # Thousands of requests a minute from one key: rate limits would answer most
            # of them 429 and leave the operations untested.
            "NEXUS_RATE_LIMIT_TENANT": "1000000/minute",
            "NEXUS_RATE_LIMIT_KEY": "1000000/minute",
        }
        subprocess.run([sys.executable, "-m", "nexus", "migrate"], env=env, check=True)
        tenant = make_tenant(url, slug="fuzz")
        port = _free_port()
        log = Path(tempfile.mkdtemp()) / "serve.log"
        with log.open("wb") as out:
            server = subprocess.Popen(
                [sys.executable, "-m", "nexus", "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        base = f"http://127.0.0.1:{port}"
        try:
            _wait(base, server, log)
            command = [
                "schemathesis",
                "run",
                f"{base}/schema/openapi.json",
                "--header",
                f"Authorization: Bearer {tenant.key}",
                *(argv or _DEFAULT_ARGS),
            ]
            return subprocess.run(command, check=False).returncode
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
