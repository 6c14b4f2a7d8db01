"""Run Schemathesis against a served kernel, with credentials that stay valid throughout.

Serves Nexus (every installed plugin) on a throwaway database, then runs
``schemathesis run <base>/schema/openapi.json`` with every check (no server errors,
responses that match their schema, no operation that accepts a request without auth):
the tenant and authenticated operations with a tenant admin's API key, then the platform
operations with a platform admin's key. Extra arguments replace the default ones of
``schemathesis run``.

A run that tests nothing must not pass: operations that would end the fuzzer's own
credentials (revoking its key) are left out, and afterwards the server's request counter
(``/metrics``, by route template and status) tells, per operation, how many answers got
past authentication (any status but 401 and 403). Every operation that needs a credential
must have at least one; the script prints the counts per operation and
``N operations exercised with a valid credential``, and fails naming those that had none.

Usage::

    uv run tox -e fuzz                      # or: uv run python scripts/fuzz_api.py
    uv run python scripts/fuzz_api.py --max-examples 200
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from litestar.routes import HTTPRoute
from nexus.app import create_app
from nexus.settings import Settings
from nexus.testing import find_test_server, make_platform_key, make_tenant, temporary_database
from prometheus_client.parser import text_string_to_metric_families

# Operations that would end the fuzzer's own credentials: with its key revoked, every later
# case is a 401 and the run tests nothing (it happened: 37 operations saw only 401).
_SELF_HARM = {
    "DELETE /api/v1/api-keys/{key_id}": "revokes API keys, the fuzzer's own included",
}
_UNAUTHENTICATED = {401, 403}
_PARAMETER = re.compile(r"\{(\w+)(:[^}]*)?\}")


def _operation(method: str, path: str) -> str:
    """``"GET /api/v1/x/{id}"``, as Schemathesis names it (no ``:uuid`` in parameters)."""
    template = _PARAMETER.sub(r"{\1}", path)
    return f"{method} {template}"


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


def _operations(url: str) -> dict[str, str]:
    """Every documented operation (``"GET /api/v1/..."``) and who may call it.

    Read from the app's routes (``nexus_access``: ``public``, ``authenticated``,
    ``tenant``, ``platform``); building the app connects to nothing.
    """
    app = create_app(Settings.from_env().replace(database_url=url))
    access: dict[str, str] = {}
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        for handler in route.route_handlers:
            if not handler.resolve_include_in_schema():  # the docs pages, the console
                continue
            for method in handler.http_methods:
                name = _operation(method, route.path_format)
                access[name] = str(handler.opt.get("nexus_access", "tenant"))
    return access


def _answers(base: str) -> dict[str, Counter[int]]:
    """Statuses answered per operation so far, from the server's ``nexus_requests_total``."""
    text = httpx.get(f"{base}/metrics", timeout=30).text
    answers: dict[str, Counter[int]] = {}
    for family in text_string_to_metric_families(text):
        if family.name != "nexus_requests":
            continue
        for sample in family.samples:
            if not sample.name.endswith("_total"):
                continue
            labels = sample.labels
            name = _operation(labels["method"], labels["path"])
            statuses = answers.setdefault(name, Counter())
            statuses[int(labels["status_code"])] += int(sample.value)
    return answers


def _report(access: dict[str, str], answers: dict[str, Counter[int]]) -> int:
    """Print the counts per operation; 1 when an operation never got past authentication."""
    gated = sorted(name for name, who in access.items() if who != "public")
    exercised, never = [], []
    print("\nanswers per operation (past authentication / refused 401-403):")
    for name in sorted(access):
        statuses = answers.get(name, Counter())
        past = sum(n for status, n in statuses.items() if status not in _UNAUTHENTICATED)
        refused = sum(n for status, n in statuses.items() if status in _UNAUTHENTICATED)
        note = ""
        if name in _SELF_HARM:
            note = f"  (left out: {_SELF_HARM[name]})"
        elif access[name] == "public":
            note = "  (public)"
        print(f"  {past:6d} / {refused:6d}  {name}{note}")
        if name in gated and name not in _SELF_HARM:
            (exercised if past else never).append(name)
    print(f"{len(exercised)} operations exercised with a valid credential")
    if never:
        print(f"FAILED: {len(never)} operation(s) never got past authentication:")
        for name in never:
            print(f"  {name}")
        return 1
    return 0


def _schemathesis(base: str, key: str, selection: list[str], argv: list[str]) -> int:
    command = [
        "schemathesis",
        "run",
        f"{base}/schema/openapi.json",
        "--header",
        f"Authorization: Bearer {key}",
        *selection,
        *(argv or _DEFAULT_ARGS),
    ]
    return subprocess.run(command, check=False).returncode


def main(argv: list[str]) -> int:
    """Serve, fuzz, count, stop; non-zero if Schemathesis failed or an operation went untested."""
    with temporary_database(find_test_server(), prefix="nexus_fuzz") as url:
        env = {
            **os.environ,
            "NEXUS_DATABASE_URL": url,
            "NEXUS_LOG_LEVEL": "error",
            # Thousands of requests a minute from one key: rate limits would answer most
            # of them 429 and leave the operations untested.
            "NEXUS_RATE_LIMIT_TENANT": "1000000/minute",
            "NEXUS_RATE_LIMIT_KEY": "1000000/minute",
            # Chat refuses outgoing webhooks (409) without keys to keep their secrets with.
            "NEXUS_CHAT_KEYS": os.environ.get("NEXUS_CHAT_KEYS")
            or "Y2hhdC1mdXp6LW9ubHktbm90LWEtc2VjcmV0LTAwMDA=",
        }
        subprocess.run([sys.executable, "-m", "nexus", "migrate"], env=env, check=True)
        tenant = make_tenant(url, slug="fuzz")
        platform_key = make_platform_key(url)
        access = _operations(url)
        platform = sorted(name for name, who in access.items() if who == "platform")
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
            # The tenant's operations first, as its admin; the platform's after (a platform
            # key cannot be revoked through the API, and the tenant's run is over by then).
            left_out = [*_SELF_HARM, *platform]
            tenant_run = _schemathesis(
                base, tenant.key, [a for n in left_out for a in ("--exclude-name", n)], argv
            )
            platform_run = _schemathesis(
                base, platform_key, [a for n in platform for a in ("--include-name", n)], argv
            )
            gate = _report(access, _answers(base))
            return max(tenant_run, platform_run, gate)
        finally:
            server.terminate()
            server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
