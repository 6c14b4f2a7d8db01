"""Alert rules and dashboards: promtool accepts the rules, and every metric they use exists.

The metric check boots a kernel, runs a small workload (a provisioning run, writes that
publish events, a feature switch, the event worker) and reads ``/metrics``: every metric
name in the rules, the dashboards and the KEDA trigger must be among its samples.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from kernel_samples import hello, ledger, tasks
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_platform_key, make_tenant
from prometheus_client.parser import text_string_to_metric_families

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
OBSERVABILITY = DEPLOY / "k8s" / "base" / "observability"
RULES = OBSERVABILITY / "nexus.rules.yaml"
DASHBOARDS = sorted((OBSERVABILITY / "dashboards").glob("*.json"))

# Series Prometheus makes itself for every target, never exported by the target.
SYNTHETIC = {"up": "Prometheus records `up` for each scraped target"}

_KEYWORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool",
    "and", "or", "unless", "offset", "inf", "nan",
}  # fmt: skip


def rules_file():
    return yaml.safe_load(RULES.read_text())


def rule_expressions():
    return [rule["expr"] for group in rules_file()["groups"] for rule in group["rules"]]


def dashboard_expressions():
    found = []
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        found += [target["expr"] for panel in board["panels"] for target in panel["targets"]]
        for variable in board["templating"]["list"]:
            query = variable.get("query")
            if isinstance(query, dict):
                match = re.match(r"label_values\((\w+)", query["query"])
                assert match, f"{path.name}: unexpected variable query {query}"
                found.append(match.group(1))
    return found


def keda_expressions():
    scaled = DEPLOY / "k8s" / "overlays" / "production" / "worker-scaledobject.yaml"
    document = yaml.safe_load(scaled.read_text())
    return [trigger["metadata"]["query"] for trigger in document["spec"]["triggers"]]


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects (labels, functions, keywords removed)."""
    text = re.sub(r'"(?:\\.|[^"\\])*"', '""', expr)  # string literals
    text = re.sub(r"\{[^}]*\}", " ", text)  # label matchers
    text = re.sub(r"\[[^\]]*\]", " ", text)  # range selectors ([5m], [$__rate_interval])
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    names = set()
    for match in re.finditer(r"(?<![\w$.])([a-zA-Z_:][\w:]*)\s*(\()?", text):
        name, call = match.group(1), match.group(2)
        if call or name.lower() in _KEYWORDS:
            continue
        names.add(name)
    return names


def test_metric_names_parses_promql():
    expr = (
        "histogram_quantile(0.99, sum by (le, plugin) (rate(nexus_request_duration_seconds_bucket"
        '{plugin=~"$plugin", path="/x"}[5m]))) > 1 and on (job) up == 0'
    )
    assert metric_names(expr) == {"nexus_request_duration_seconds_bucket", "up"}


def test_rules_pass_promtool():
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not on PATH (Debian package 'prometheus'; .ci/run installs it)")
    result = subprocess.run(
        [promtool, "check", "rules", str(RULES)], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"SUCCESS: {len(rule_expressions())} rules found" in result.stdout


def test_rules_fire_as_their_unit_tests_say():
    promtool = shutil.which("promtool")
    if promtool is None:
        pytest.skip("promtool not on PATH (Debian package 'prometheus'; .ci/run installs it)")
    result = subprocess.run(
        [promtool, "test", "rules", "nexus.rules.test.yaml"],
        cwd=OBSERVABILITY,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def test_prometheusrule_carries_the_rules_file():
    rule = yaml.safe_load((DEPLOY / "k8s" / "base" / "prometheusrule.yaml").read_text())
    assert rule["kind"] == "PrometheusRule"
    assert rule["spec"] == rules_file(), (
        "deploy/k8s/base/prometheusrule.yaml must carry the groups of "
        "observability/nexus.rules.yaml unchanged"
    )


def test_every_rule_has_a_runbook_section():
    readme = (DEPLOY / "README.md").read_text()
    headings = {
        line.lstrip("#").strip().lower() for line in readme.splitlines() if line.startswith("#")
    }
    bases = set()
    for group in rules_file()["groups"]:
        for rule in group["rules"]:
            anchor = rule["alert"].lower()
            assert anchor in headings, f"no runbook section '### {rule['alert']}' in README"
            base, _, fragment = rule["annotations"]["runbook_url"].partition("#")
            assert fragment == anchor
            bases.add(base)
            assert rule["labels"]["severity"] in {"warning", "critical"}
    # Absolute links under one base, which operators set in one go (README, "Runbooks").
    (base,) = bases
    assert base.startswith("https://"), base


def test_dashboards_are_grafana_dashboards():
    assert {path.stem for path in DASHBOARDS} == {"nexus-api", "nexus-events", "nexus-platform"}
    uids = set()
    for path in DASHBOARDS:
        board = json.loads(path.read_text())
        uids.add(board["uid"])
        ids = [panel["id"] for panel in board["panels"]]
        assert len(ids) == len(set(ids)), f"{path.name}: duplicate panel ids"
        for panel in board["panels"]:
            assert panel["targets"], f"{path.name}: panel '{panel['title']}' has no query"
            assert set(panel["gridPos"]) == {"x", "y", "w", "h"}
    assert len(uids) == len(DASHBOARDS)


def profile():
    return {
        "name": "Metrics Shop",
        "slug": "metrics-shop",
        "preset": "base",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "admin": {"email": "ada@metrics.example", "name": "Ada"},
        "features": {"hello": True, "tasks": True},
    }


def exported_samples(nexus_database_url) -> set[str]:
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    plugins = [hello, tasks, ledger]
    with create_test_client(plugins, database_url=nexus_database_url, settings=settings) as app:
        admin = {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}
        started = app.post("/api/v1/tenants", json=profile(), headers=admin)
        assert started.status_code == 202, started.text
        with app.stream("GET", f"{started.headers['location']}/events", headers=admin) as stream:
            assert stream.status_code == 200
            last = [line for line in stream.iter_lines() if line.startswith("data: ")][-1]
        assert json.loads(last[len("data: ") :])["status"] == "succeeded"

        tenant = make_tenant(nexus_database_url)
        for memo in ("a", "b", "c"):
            written = app.post("/api/v1/ledger/", json={"memo": memo}, headers=tenant.headers)
            assert written.status_code == 201, written.text
        failed = app.post(
            "/api/v1/ledger/", json={"memo": "x", "fail": True}, headers=tenant.headers
        )
        assert failed.status_code == 500  # a server error, for the error-rate series
        switched = app.put(
            "/api/v1/features/ledger",
            json={"enabled": False, "cascade": False, "reason": "metrics test"},
            headers=tenant.headers,
        )
        assert switched.status_code == 200, switched.text
        assert app.get("/api/v1/hello", headers=tenant.headers).status_code in (200, 404)
        assert app.get("/readyz").status_code == 200
        with EventWorkerHarness(app) as worker:
            worker.wait_handled("audit", 4)  # three ledger writes and the feature switch
        text = app.get("/metrics").text
    return {
        sample.name for family in text_string_to_metric_families(text) for sample in family.samples
    }


def test_every_metric_of_rules_dashboards_and_autoscaling_is_exported(nexus_database_url):
    used: dict[str, set[str]] = {}
    for source, expressions in (
        ("rules", rule_expressions()),
        ("dashboards", dashboard_expressions()),
        ("keda", keda_expressions()),
    ):
        for expr in expressions:
            for name in metric_names(expr):
                used.setdefault(name, set()).add(source)
    assert "nexus_events_consumer_lag" in used and "nexus_provisioning_runs_total" in used
    exported = exported_samples(nexus_database_url)
    missing = {
        name: sorted(sources)
        for name, sources in used.items()
        if name not in exported and name not in SYNTHETIC
    }
    assert not missing, f"used but not in /metrics: {missing}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_nexus_worker_serves_the_event_gauges_on_its_metrics_port(nexus_database_url):
    """What the worker Deployment and the Compose worker scrape: `nexus worker` /metrics."""
    env = {
        **os.environ,
        "NEXUS_DATABASE_URL": nexus_database_url,
        "NEXUS_LOG_LEVEL": "warning",
        "NEXUS_WORKER_METRICS_PORT": str(port := _free_port()),
    }
    migrated = subprocess.run(
        [sys.executable, "-m", "nexus", "migrate", "--json"],
        env=env, capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert migrated.returncode == 0, migrated.stderr
    worker = subprocess.Popen(
        [sys.executable, "-m", "nexus", "worker"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        samples: dict[str, float] = {}
        while time.monotonic() < deadline and worker.poll() is None:
            try:
                text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=2).text
            except httpx.TransportError:
                time.sleep(0.2)  # the process is starting; no event to wait on across processes
                continue
            samples = {
                sample.name: sample.value
                for family in text_string_to_metric_families(text)
                for sample in family.samples
            }
            if samples.get("nexus_events_state_sampled_timestamp_seconds", 0) > 0:
                break
            time.sleep(0.2)
        assert worker.poll() is None, worker.stderr.read().decode() if worker.stderr else ""
        assert samples.get("nexus_events_state_sampled_timestamp_seconds", 0) > 0, samples
        assert samples["nexus_events_outbox_pending"] == 0
        assert "nexus_events_consumer_lag" in samples
    finally:
        worker.terminate()
        worker.wait(timeout=30)


def test_kafka_consumer_groups_report_their_lag(nexus_database_url, nexus_kafka_broker):
    """On Kafka the lag gauge comes from each group's fetches; caught up, it reads 0."""
    settings = Settings(
        database_url=nexus_database_url,
        log_level="warning",
        kafka_bootstrap=nexus_kafka_broker.bootstrap,
        kafka_idempotent=False,  # tansu refuses aiokafka's idempotent producer
    )
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as app:
        tenant = make_tenant(nexus_database_url)
        for memo in ("a", "b"):
            written = app.post("/api/v1/ledger/", json={"memo": memo}, headers=tenant.headers)
            assert written.status_code == 201, written.text
        with EventWorkerHarness(app) as worker:
            worker.wait_handled("ledger", 2)
            text = app.get("/metrics").text
    lag = {
        sample.labels["consumer"]: sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == "nexus_events_consumer_lag"
    }
    assert lag.get("ledger") == 0, lag
