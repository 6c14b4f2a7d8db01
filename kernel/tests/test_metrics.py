"""``/metrics``: requests counted by route template, status and plugin; names documented."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

from kernel_samples import hello
from nexus.observability import METRIC_NAMES
from nexus.testing import create_test_client, make_tenant

README = Path(__file__).resolve().parents[2] / "README.md"


def _sample(body: str, name: str, **labels: str) -> float:
    """The value of the sample of ``name`` carrying (at least) ``labels``; 0 if none."""
    for line in body.splitlines():
        match = re.fullmatch(rf"{name}\{{(.*)\}} (\S+)", line)
        if match and all(f'{key}="{value}"' in match[1] for key, value in labels.items()):
            return float(match[2])
    return 0.0


def _growth(before: str, after: str, name: str, **labels: str) -> float:
    # Metrics belong to the process, which other tests' apps share: compare, not count.
    return _sample(after, name, **labels) - _sample(before, name, **labels)


def test_requests_are_counted_by_template_status_and_plugin(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        tenant = make_tenant(nexus_database_url)
        before = client.get("/metrics").text
        for _ in range(3):
            assert client.get("/api/v1/hello", headers=tenant.headers).status_code == 200
        assert client.get("/api/v1/hello").status_code == 401
        assert client.get("/api/v1/nothing/here").status_code == 404
        assert client.get("/healthz").status_code == 200
        after = client.get("/metrics").text
    hello_route = {"method": "GET", "path": "/api/v1/hello", "plugin": "hello"}
    assert _growth(before, after, "nexus_requests_total", status_code="200", **hello_route) == 3
    assert _growth(before, after, "nexus_requests_total", status_code="401", **hello_route) == 1
    duration_count = "nexus_request_duration_seconds_count"
    assert _growth(before, after, duration_count, status_code="200", **hello_route) == 3
    assert _growth(before, after, "nexus_requests_total", path="/healthz", plugin="kernel") == 1
    # Neither unmatched paths nor tenants become label values; scrapes are not counted.
    assert "/nothing/here" not in after
    assert str(tenant.id) not in after
    assert _sample(after, "nexus_requests_total", path="/metrics") == 0


def test_server_errors_are_counted_as_errors(nexus_database_url):
    from kernel_samples.others import named
    from litestar import get
    from nexus_hookspecs import hookimpl

    @get("/", sync_to_thread=False)
    def explode() -> None:
        raise RuntimeError("boom")

    boom = named("boom")
    boom.nexus_routes = hookimpl(lambda register: register(explode))
    with create_test_client([boom], database_url=nexus_database_url) as client:
        headers = make_tenant(nexus_database_url).headers
        before = client.get("/metrics").text
        assert client.get("/api/v1/boom", headers=headers).status_code == 500
        after = client.get("/metrics").text
    labels = {"path": "/api/v1/boom", "status_code": "500", "plugin": "boom"}
    assert _growth(before, after, "nexus_requests_error_total", **labels) == 1
    assert _growth(before, after, "nexus_requests_total", **labels) == 1


def test_every_metric_is_listed_in_the_readme():
    readme = README.read_text()
    assert all(f"`{name}`" in readme for name in METRIC_NAMES)
    assert all(name.startswith("nexus_") for name in METRIC_NAMES)


def test_worker_processes_metrics_are_added_up(tmp_path):
    # prometheus-client picks its multi-process mode at import: a fresh interpreter per
    # worker, as uvicorn --workers gives.
    script = textwrap.dedent(
        """
        from nexus.observability import RequestMetrics
        from nexus.observability._metrics import _exposition

        class Handler:
            opt = {"nexus_plugin": "hello"}

        scope = {"method": "GET", "path_template": "/api/v1/hello", "route_handler": Handler()}
        metrics = RequestMetrics()
        metrics.begin()
        metrics.end(scope, status=200, seconds=0.002)
        print(_exposition().decode())
        """
    )
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
    labels = {"path": "/api/v1/hello", "status_code": "200", "plugin": "hello"}
    assert _sample(done.stdout, "nexus_requests_total", **labels) == 2
    assert _sample(done.stdout, "nexus_request_duration_seconds_count", **labels) == 2
