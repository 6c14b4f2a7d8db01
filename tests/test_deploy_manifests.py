"""Deployment manifests: every kustomize overlay renders and validates; Compose validates.

Kubernetes objects are checked offline against the Kubernetes OpenAPI schemas that the
``kubernetes-validate`` package ships (strict: unknown fields are errors). Custom resources
(ServiceMonitor, PrometheusRule, KEDA's ScaledObject) have no schema there; they are checked
against their CRDs' schemas through the Pydantic models cloudcoil generates from the upstream
CRDs (``cloudcoil-models-prometheus-operator``, ``cloudcoil-models-keda``), strictly and with
unknown fields refused, and by hand against what the manifests must wire up (selected
Services, ports, targets, the metric KEDA scales on).
"""

from __future__ import annotations

import copy
import importlib.util
import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import kubernetes_validate
import pydantic
import pytest
import yaml
from check_jsonschema.builtin_schemas import get_builtin_schema
from cloudcoil.models.keda.v1alpha1 import ScaledObject
from cloudcoil.models.prometheus_operator.v1 import PrometheusRule, ServiceMonitor

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"
HEALTHCHECK = DEPLOY / "healthcheck.py"
KUSTOMIZATIONS = ["base", "overlays/small", "overlays/production"]
KUBERNETES_VERSION = "1.30.0"
# Each custom resource's schema: models generated from the CRDs of prometheus-operator and KEDA.
CRD_MODELS: dict[tuple[str, str], type[pydantic.BaseModel]] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): ServiceMonitor,
    ("monitoring.coreos.com/v1", "PrometheusRule"): PrometheusRule,
    ("keda.sh/v1alpha1", "ScaledObject"): ScaledObject,
}
CUSTOM_KINDS = {kind for _, kind in CRD_MODELS}


def kubectl() -> str:
    found = shutil.which("kubectl")
    if found is None:
        pytest.skip("kubectl not on PATH (Debian: kubernetes-client; .ci/run installs it)")
    return found


def render(path: str) -> list[dict]:
    result = subprocess.run(
        [kubectl(), "kustomize", str(DEPLOY / "k8s" / path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return [doc for doc in yaml.safe_load_all(result.stdout) if doc]


@pytest.fixture(scope="module", params=KUSTOMIZATIONS)
def rendered(request) -> tuple[str, list[dict]]:
    return request.param, render(request.param)


def by_kind(objects: list[dict], kind: str) -> dict[str, dict]:
    return {o["metadata"]["name"]: o for o in objects if o["kind"] == kind}


def test_every_object_validates_against_the_kubernetes_schemas(rendered):
    path, objects = rendered
    problems = []
    for obj in objects:
        if obj["kind"] in CUSTOM_KINDS:
            continue
        try:
            kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
        except kubernetes_validate.ValidationError as exc:
            problems.append(f"{obj['kind']}/{obj['metadata']['name']}: {exc.message}")
    assert not problems, f"{path}: " + "\n".join(problems)


def test_validation_rejects_a_broken_object():
    broken = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "x"},
        "spec": {"replicas": "two", "selector": {}, "template": {}},
    }
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


def _unkept(given, kept, where: str) -> list[str]:
    """What of ``given`` the model did not keep as it was: unknown fields, changed values."""
    if isinstance(given, dict) and isinstance(kept, dict):
        problems = []
        for key, value in given.items():
            path = f"{where}.{key}" if where else str(key)
            if key in kept:
                problems += _unkept(value, kept[key], path)
            else:
                problems.append(f"{path}: unknown field")
        return problems
    if isinstance(given, list) and isinstance(kept, list) and len(given) == len(kept):
        pairs = enumerate(zip(given, kept, strict=True))
        return [p for i, (g, k) in pairs for p in _unkept(g, k, f"{where}.{i}")]
    return [] if given == kept else [f"{where}: {given!r} read as {kept!r}"]


def crd_problems(obj: dict) -> list[str]:
    """Where a custom resource breaks its CRD's schema (an empty list when it does not).

    The models check types strictly (``strict=True``: no ``"2"`` for an integer, no ``"true"``
    for a boolean), required fields, enums and patterns. They ignore unknown fields and also
    accept Python's snake_case names, so the object must come back unchanged from the model
    (``model_dump(by_alias=True, exclude_unset=True)``): a field that does not is unknown to
    the CRD, as the API server's strict field validation would say.
    """
    model = CRD_MODELS.get((obj.get("apiVersion"), obj.get("kind")))
    if model is None:
        return [f"no CRD schema known for {obj.get('apiVersion')} {obj.get('kind')}"]
    try:
        parsed = model.model_validate(obj, strict=True)
    except pydantic.ValidationError as exc:
        return [".".join(map(str, e["loc"])) + f": {e['msg']}" for e in exc.errors()]
    return _unkept(obj, parsed.model_dump(mode="json", by_alias=True, exclude_unset=True), "")


def test_every_custom_resource_validates_against_its_crd_schema(rendered):
    path, objects = rendered
    custom = [o for o in objects if o["kind"] in CUSTOM_KINDS]
    expected = {"ServiceMonitor", "PrometheusRule"} | (
        {"ScaledObject"} if path.endswith("production") else set()
    )
    assert {o["kind"] for o in custom} == expected, path
    problems = [
        f"{obj['kind']}/{obj['metadata']['name']}: {problem}"
        for obj in custom
        for problem in crd_problems(obj)
    ]
    assert not problems, f"{path}: " + "\n".join(problems)


@pytest.fixture(scope="module")
def production() -> list[dict]:
    return render("overlays/production")


DELETE = object()
_ENDPOINT = ("spec", "endpoints", 0)
_RULE = ("spec", "groups", 0, "rules", 0)
_TRIGGER = ("spec", "triggers", 0)


@pytest.mark.parametrize(
    ("kind", "where", "value", "problem"),
    [
        ("ServiceMonitor", (*_ENDPOINT, "portt"), "http", "spec.endpoints.0.portt: unknown field"),
        ("ServiceMonitor", ("spec", "honor_labels"), True, "spec.honor_labels: unknown field"),
        ("ServiceMonitor", ("metadata", "label"), {}, "metadata.label: unknown field"),
        ("ServiceMonitor", (*_ENDPOINT, "port"), 8000, "spec.endpoints.0.port: Input should be"),
        ("ServiceMonitor", (*_ENDPOINT, "honorLabels"), "true", "honorLabels: Input should be"),
        ("ServiceMonitor", (*_ENDPOINT, "scheme"), "ftp", "spec.endpoints.0.scheme: Input should"),
        ("ServiceMonitor", (*_ENDPOINT, "interval"), "15 s", "interval: String should match"),
        ("ServiceMonitor", ("spec", "selector"), DELETE, "spec.selector: Field required"),
        ("PrometheusRule", (*_RULE, "severity"), "page", "rules.0.severity: unknown field"),
        ("PrometheusRule", (*_RULE, "for"), 600, "rules.0.for: Input should be a valid string"),
        ("PrometheusRule", ("spec", "groups", 0, "rules"), {}, "groups.0.rules: Input should be"),
        ("PrometheusRule", (*_RULE, "expr"), DELETE, "rules.0.expr: Field required"),
        ("ScaledObject", ("spec", "minReplicas"), 2, "spec.minReplicas: unknown field"),
        ("ScaledObject", (*_TRIGGER, "query"), "up", "spec.triggers.0.query: unknown field"),
        ("ScaledObject", ("spec", "minReplicaCount"), "2", "minReplicaCount: Input should be"),
        ("ScaledObject", (*_TRIGGER, "metadata", "threshold"), 5000, "threshold: Input should"),
        ("ScaledObject", ("spec", "scaleTargetRef"), DELETE, "scaleTargetRef: Field required"),
        ("ScaledObject", ("apiVersion",), "keda.sh/v1", "no CRD schema known for keda.sh/v1"),
    ],
)
def test_crd_validation_refuses_a_broken_custom_resource(production, kind, where, value, problem):
    (obj,) = [copy.deepcopy(o) for o in production if o["kind"] == kind]
    assert crd_problems(obj) == []
    *parents, last = where
    target = obj
    for key in parents:
        target = target[key]
    if value is DELETE:
        del target[last]
    else:
        target[last] = value
    problems = crd_problems(obj)
    assert any(problem in p for p in problems), problems


def test_api_probes_resources_and_non_root(rendered):
    path, objects = rendered
    deployments = by_kind(objects, "Deployment")
    api = deployments["nexus-api"]["spec"]["template"]["spec"]
    container = api["containers"][0]
    assert container["args"] == ["serve"]
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert set(container["resources"]) == {"requests", "limits"}
    assert api["securityContext"]["runAsNonRoot"] is True
    worker = deployments["nexus-worker"]["spec"]["template"]["spec"]["containers"][0]
    assert worker["args"] == ["worker"]
    job = by_kind(objects, "Job")["nexus-migrate"]["spec"]["template"]["spec"]
    assert job["containers"][0]["args"][0] == "migrate"
    env_sources = [next(iter(source.values()))["name"] for source in container["envFrom"]]
    configmaps = by_kind(objects, "ConfigMap")
    assert any(name.startswith("nexus-config") for name in env_sources)
    assert "nexus-secrets" in {n.split("-", 2)[0] + "-" + n.split("-", 2)[1] for n in env_sources}
    assert {name for name in env_sources if name.startswith("nexus-config")} <= set(configmaps)
    hpa = by_kind(objects, "HorizontalPodAutoscaler")["nexus-api"]["spec"]
    pdb = by_kind(objects, "PodDisruptionBudget")["nexus-api"]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "nexus-api"
    if path.endswith("small"):
        assert hpa["maxReplicas"] == 1 and pdb == {**pdb, "maxUnavailable": 1}
        assert "minAvailable" not in pdb
    if path.endswith("production"):
        assert hpa["minReplicas"] >= 3 and pdb["minAvailable"] >= 2
        config = next(v for k, v in configmaps.items() if k.startswith("nexus-config"))["data"]
        assert config["NEXUS_KAFKA_BOOTSTRAP"] and config["NEXUS_S3_BUCKET"]


def test_servicemonitor_scrapes_the_api_and_worker_ports(rendered):
    _, objects = rendered
    monitor = by_kind(objects, "ServiceMonitor")["nexus"]
    assert monitor["apiVersion"] == "monitoring.coreos.com/v1"
    wanted = monitor["spec"]["selector"]["matchLabels"]
    services = [
        s
        for s in by_kind(objects, "Service").values()
        if wanted.items() <= s["metadata"]["labels"].items()
    ]
    ports = {p["name"] for s in services for p in s["spec"]["ports"]}
    endpoints = monitor["spec"]["endpoints"]
    assert {e["port"] for e in endpoints} == {"http", "metrics"} <= ports
    assert all(e["path"] == "/metrics" for e in endpoints)


def test_prometheusrule_has_alerts(rendered):
    _, objects = rendered
    rule = by_kind(objects, "PrometheusRule")["nexus"]
    alerts = [r for group in rule["spec"]["groups"] for r in group["rules"]]
    assert alerts and all({"alert", "expr", "labels", "annotations"} <= set(r) for r in alerts)


def test_production_scales_workers_on_consumer_lag():
    objects = render("overlays/production")
    scaled = by_kind(objects, "ScaledObject")["nexus-worker"]
    assert scaled["apiVersion"] == "keda.sh/v1alpha1"
    assert scaled["spec"]["scaleTargetRef"]["name"] in by_kind(objects, "Deployment")
    trigger = scaled["spec"]["triggers"][0]
    assert trigger["type"] == "prometheus"
    assert "nexus_events_consumer_lag" in trigger["metadata"]["query"]
    assert all(o["metadata"].get("namespace") == "nexus" for o in objects)


def test_compose_file_validates_against_the_compose_spec():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    # check-jsonschema (dev group) ships the Compose specification's schema.
    schema = get_builtin_schema("vendor.compose-spec")
    errors = list(jsonschema.Draft7Validator(schema).iter_errors(compose))
    assert not errors, [f"{list(e.path)}: {e.message}" for e in errors]
    services = compose["services"]
    for name in ("postgres", "redis", "redpanda", "minio", "prometheus", "grafana"):
        assert "healthcheck" in services[name], name
    assert services["api"]["depends_on"]["migrate"]["condition"] == (
        "service_completed_successfully"
    )
    assert services["migrate"]["command"][0] == "migrate"
    assert services["worker"]["command"] == ["worker"]
    env = services["api"]["environment"]
    assert {
        "NEXUS_DATABASE_URL",
        "NEXUS_REDIS_URL",
        "NEXUS_KAFKA_BOOTSTRAP",
        "NEXUS_S3_BUCKET",
    } <= set(env)
    mounted = [
        v.split(":")[0] for v in services["prometheus"]["volumes"] + services["grafana"]["volumes"]
    ]
    for source in mounted:
        if source.startswith("./"):
            assert (DEPLOY / source).exists(), source


def test_compose_environment_names_are_kernel_settings():
    from nexus.settings import Settings  # noqa: PLC0415

    known = {f"NEXUS_{name.upper()}" for name in Settings.__struct_fields__}
    known.add("NEXUS_WORKER_METRICS_PORT")  # `nexus worker --metrics-port`
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    env = compose["services"]["api"]["environment"]
    assert set(env) <= known, set(env) - known
    for path in KUSTOMIZATIONS:
        for obj in render(path):
            if obj["kind"] == "ConfigMap" and obj["metadata"]["name"].startswith("nexus-config"):
                assert set(obj["data"]) <= known, set(obj["data"]) - known


def test_grafana_provisioning_points_at_the_dashboards():
    provider = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "dashboards" / "nexus.yaml").read_text()
    )
    assert provider["providers"][0]["options"]["path"] == "/var/lib/grafana/dashboards/nexus"
    datasource = yaml.safe_load(
        (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yaml").read_text()
    )
    assert datasource["datasources"][0]["type"] == "prometheus"
    for board in (DEPLOY / "k8s" / "base" / "observability" / "dashboards").glob("*.json"):
        json.loads(board.read_text())


def test_containerfile_copies_every_workspace_member():
    """`uv sync` in the image's builder needs every member of the root workspace."""
    import tomllib  # noqa: PLC0415

    root = DEPLOY.parent
    members = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["uv"]["workspace"][
        "members"
    ]
    copied = [
        line.split()[1].rstrip("/")
        for line in (DEPLOY / "Containerfile").read_text().splitlines()
        if line.startswith("COPY ") and "--from" not in line
    ]
    for member in members:
        assert any(member == c or member.startswith(c + "/") for c in copied), (
            f"deploy/Containerfile does not COPY the workspace member {member}"
        )


def _postgres_settings(args: list[str]) -> dict[str, str]:
    """The ``-c name=value`` settings of a PostgreSQL command line."""
    pairs = [value for flag, value in zip(args, args[1:], strict=False) if flag == "-c"]
    return dict(pair.split("=", 1) for pair in pairs)


def _assert_archives_wal(settings: dict[str, str], mounted: set[str], where: str) -> None:
    assert settings.get("archive_mode") == "on", f"{where}: archive_timeout does nothing without it"
    assert int(settings["archive_timeout"]) <= 60, f"{where}: RPO < 5 min needs a segment a minute"
    command = settings["archive_command"]
    assert "%p" in command and "%f" in command, command
    directory = command.rsplit(" ", 1)[-1].rsplit("/", 1)[0]
    assert directory in mounted, f"{where}: WAL archived to {directory}, which is no volume"
    assert command.startswith(f"test ! -f {directory}/%f"), "an archived segment is never replaced"


def test_postgres_archives_its_wal_to_a_volume():
    """Compose and the small overlay turn WAL archiving on, into a volume of its own."""
    statefulset = by_kind(render("overlays/small"), "StatefulSet")["nexus-postgres"]["spec"]
    container = statefulset["template"]["spec"]["containers"][0]
    claims = {claim["metadata"]["name"] for claim in statefulset["volumeClaimTemplates"]}
    mounted = {m["mountPath"] for m in container["volumeMounts"] if m["name"] in claims}
    assert "/var/lib/postgresql/data" in mounted
    _assert_archives_wal(_postgres_settings(container["args"]), mounted, "overlays/small")

    postgres = yaml.safe_load((DEPLOY / "compose.yaml").read_text())["services"]["postgres"]
    volumes = {v.split(":")[1] for v in postgres["volumes"] if not v.startswith(("/", "."))}
    _assert_archives_wal(_postgres_settings(postgres["command"]), volumes, "compose.yaml")
    # A fresh named volume is root-owned: the archive directory is handed to postgres first.
    assert any("wal-archive" in word and "-o postgres" in word for word in postgres["entrypoint"])


def _healthcheck():
    spec = importlib.util.spec_from_file_location("nexus_image_healthcheck", HEALTHCHECK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _image_environment() -> dict[str, str]:
    """The ``ENV`` of the Containerfile's runtime stage."""
    text = (DEPLOY / "Containerfile").read_text().split("AS runtime", 1)[1]
    block = re.search(r"^ENV (.*?)(?<!\\)\n", text, re.MULTILINE | re.DOTALL)
    assert block is not None
    words = block.group(1).replace("\\\n", " ").split()
    return dict(word.split("=", 1) for word in words)


@pytest.mark.parametrize(
    ("command", "url"),
    [
        (["/opt/nexus/bin/python", "/opt/nexus/bin/nexus", "serve"], "8000/healthz"),
        (["/sbin/docker-init", "--", "nexus", "serve", "--port", "8080"], "8080/healthz"),
        (["/opt/nexus/bin/python", "/opt/nexus/bin/nexus", "worker"], "9100/metrics"),
        (["nexus", "worker", "--no-relay", "--metrics-port=9200"], "9200/metrics"),
        (["/opt/nexus/bin/python", "/opt/nexus/bin/nexus", "migrate", "--json"], None),
        (["nexus", "tenants", "export", "acme", "--out", "/tmp/a.tar"], None),
    ],
    ids=["serve", "serve-port", "worker", "worker-port", "migrate", "one-off"],
)
def test_image_healthcheck_probes_what_the_entry_point_serves(command, url):
    probe = _healthcheck().probe_url(command, _image_environment())
    assert probe == (url and f"http://127.0.0.1:{url}")


def test_image_healthcheck_runs_the_copied_script():
    lines = (DEPLOY / "Containerfile").read_text().replace("\\\n", " ").splitlines()
    copied = next(line.split()[2] for line in lines if line.startswith("COPY deploy/healthcheck"))
    (check,) = [line for line in lines if line.startswith("HEALTHCHECK ")]
    assert json.loads(check.split(" CMD ", 1)[1]) == ["python", copied]


def test_backups_are_verified_on_a_schedule(rendered):
    """A CronJob runs `nexus dr verify` nightly in the image target that carries pgBackRest."""
    _, objects = rendered
    cron = by_kind(objects, "CronJob")["nexus-dr-verify"]["spec"]
    assert cron["concurrencyPolicy"] == "Forbid"
    job = cron["jobTemplate"]["spec"]
    assert job["backoffLimit"] == 0  # a failed verification fails the Job, for the alert
    pod = job["template"]["spec"]
    container = pod["containers"][0]
    assert container["image"].rsplit(":", 1)[0].endswith("/nexus-dr")
    script = " ".join(container["command"] + container["args"])
    assert "nexus dr configure" in script and "nexus dr verify --json --scratch /scratch" in script
    scratch = {m["name"] for m in container["volumeMounts"] if m["mountPath"] == "/scratch"}
    assert scratch <= {v["name"] for v in pod["volumes"] if "emptyDir" in v}
    assert {source["secretRef"]["name"] for source in container["envFrom"]} == {"nexus-dr"}
    stages = re.findall(r"^FROM (\S+) AS (\S+)", (DEPLOY / "Containerfile").read_text(), re.M)
    assert ("runtime", "dr") in stages
    dr_stage = (DEPLOY / "Containerfile").read_text().split("FROM runtime AS dr", 1)[1]
    assert "pgbackrest" in dr_stage.split("FROM", 1)[0]
