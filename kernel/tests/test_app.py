"""The app factory against real PostgreSQL: kernel routes, plugin routes, problems."""

from __future__ import annotations

import os
import subprocess
import sys
from urllib.parse import urlsplit

import asyncpg
from kernel_samples import hello, notes
from kernel_samples.others import named
from nexus.testing import create_test_client, make_tenant, run_sync


def test_kernel_routes_answer(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"]["database"] == {"ok": True}
        assert ready.json()["plugins"] == {"loaded": ["hello"], "broken": []}
        schema = client.get("/schema/openapi.json").json()
        assert schema["openapi"].startswith("3.1")
        assert {"/healthz", "/readyz", "/api/v1/hello", "/api/v1/hello/db"} <= set(schema["paths"])


def test_metrics_count_requests_by_route_template(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        tenant = make_tenant(nexus_database_url)
        client.get("/api/v1/hello", headers=tenant.headers)
        body = client.get("/metrics").text
    assert "nexus_requests_total" in body
    assert 'path="/api/v1/hello"' in body


def test_plugin_routes_are_mounted_under_their_prefix(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        tenant = make_tenant(nexus_database_url)
        assert client.get("/api/v1/hello", headers=tenant.headers).json() == {"hello": "world"}
        context = client.get(
            "/api/v1/hello/context", headers={"X-Request-ID": "abc-123", **tenant.headers}
        )
        assert context.json() == {"plugin": "hello", "request_id": "abc-123"}
        assert context.headers["x-request-id"] == "abc-123"


def test_database_port_runs_as_api_role_in_the_callers_tenant(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        tenant = make_tenant(nexus_database_url)
        response = client.get("/api/v1/hello/db", headers=tenant.headers)
    assert response.json() == {"role": "nexus_api", "tenant": str(tenant.id)}


def test_unknown_route_is_problem_json(nexus_database_url):
    with create_test_client([], database_url=nexus_database_url) as client:
        response = client.get("/api/v1/nothing/here")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"] == "/problems/not-found"
        assert problem["status"] == 404
        assert problem["request_id"] == response.headers["x-request-id"]
        documented = client.get(problem["type"]).json()
        assert documented["status"] == 404


def test_unhandled_error_is_500_problem_without_internals(nexus_database_url):
    from litestar import get

    @get("/", sync_to_thread=False)
    def explode() -> None:
        raise RuntimeError("secret connection string postgres://x")

    boom = named("boom")
    from nexus_hookspecs import hookimpl

    boom.nexus_routes = hookimpl(lambda register: register(explode))
    with create_test_client([boom], database_url=nexus_database_url) as client:
        response = client.get("/api/v1/boom", headers=make_tenant(nexus_database_url).headers)
    assert response.status_code == 500
    assert response.headers["content-type"] == "application/problem+json"
    assert "secret" not in response.text
    assert response.json()["type"] == "/problems/internal-error"


def test_plugin_whose_routes_hook_fails_is_skipped_with_dependents(nexus_database_url):
    from nexus_hookspecs import hookimpl

    def routes(register):
        raise ValueError("no routes today")

    flaky = named("flaky")
    flaky.nexus_routes = hookimpl(routes)
    child = named("child", requires=("flaky",))
    with create_test_client([flaky, child, hello], database_url=nexus_database_url) as client:
        headers = make_tenant(nexus_database_url).headers
        assert client.get("/api/v1/hello", headers=headers).status_code == 200
        plugins = client.get("/readyz").json()["plugins"]
    assert plugins["loaded"] == ["hello"]
    broken = {p["name"]: p["reason"] for p in plugins["broken"]}
    assert broken["flaky"] == "nexus_routes failed: ValueError: no routes today"
    assert broken["child"] == "requires 'flaky', which is failed"


def test_plugin_tables_startup_and_shutdown_hooks(nexus_database_url):
    notes.EVENTS.clear()
    with create_test_client([hello, notes], database_url=nexus_database_url) as client:
        assert notes.EVENTS == ["startup"]
        headers = make_tenant(nexus_database_url).headers
        created = client.post("/api/v1/notes", json={"text": "first"}, headers=headers)
        assert created.status_code == 201
        listed = client.get("/api/v1/notes", headers=headers).json()
        assert listed == [{"id": created.json()["id"], "text": "first"}]
    assert notes.EVENTS == ["startup", "shutdown"]


def test_readyz_names_the_failing_database(nexus_database_url, nexus_postgres_server):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        assert client.get("/readyz").status_code == 200
        name = urlsplit(nexus_database_url).path.lstrip("/")

        async def drop() -> None:
            conn = await asyncpg.connect(nexus_postgres_server)
            await conn.execute(f'drop database "{name}" with (force)')
            await conn.close()

        run_sync(drop())
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["detail"] == "failing: database"
    assert problem["checks"]["database"]["ok"] is False


def test_an_app_on_the_embedded_defaults_never_imports_the_optional_backends():
    # Redis, Kafka and S3 clients are large imports: a process that uses none of them
    # (no NEXUS_REDIS_URL, NEXUS_KAFKA_BOOTSTRAP, NEXUS_S3_BUCKET) starts without them.
    code = (
        "import sys\n"
        "from nexus.app import create_app\n"
        "from nexus.settings import Settings\n"
        "import nexus.cli\n"
        "create_app(Settings(log_level='warning', database_url='postgresql://unused.invalid/n'))\n"
        "print(sorted(m for m in ('redis', 'aiokafka', 'aioboto3') if m in sys.modules))\n"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEXUS_")}
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"
