"""Usage metered per tenant and month: the meter, the reports, the export, the period's close."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import asyncpg
import msgspec
import pytest
from click.testing import CliRunner
from kernel_samples import hello
from nexus.cli import cli
from nexus.db import PostgresDatabase
from nexus.events import decode_event
from nexus.plans import USAGE_PERIOD_CLOSED, close_period, period_of
from nexus.settings import Settings
from nexus.testing import (
    create_test_client,
    make_platform_key,
    make_tenant,
    migrated_database,
    run_sync,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

HELLO = "/api/v1/hello"
NOW = period_of(datetime.now(UTC))
SETTINGS = Settings(log_level="warning")


@pytest.fixture(scope="module")
def database_url(nexus_postgres_server) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [hello]) as url:
        yield url


def _usage(client, tenant, period: str | None = None) -> dict:
    query = {"period": period} if period else {}
    response = client.get("/api/v1/tenant/usage", params=query, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_api_calls_are_counted_in_memory_and_written_on_flush(database_url):
    with create_test_client([hello], database_url=database_url, settings=SETTINGS) as client:
        tenant, other = make_tenant(database_url), make_tenant(database_url)
        for _ in range(4):
            assert client.get(HELLO, headers=tenant.headers).status_code == 200
        assert client.get(HELLO).status_code == 401  # not authenticated: not counted
        # Nothing is written per request: the figures wait for the meter's flush ...
        assert _usage(client, tenant)["usage"]["api_calls"] == 0
    # ... which shutting down makes.
    with create_test_client([hello], database_url=database_url, settings=SETTINGS) as client:
        usage = _usage(client, tenant)
        assert usage["plan"] == "standard"
        assert usage["limits"]["name"] == "standard"
        assert usage["usage"]["period"] == NOW
        # The four calls and the usage request before the restart.
        assert usage["usage"]["api_calls"] == 5
        assert _usage(client, other)["usage"]["api_calls"] == 0


def test_a_tenants_usage_counts_its_seats_and_events_in_the_period(database_url):
    with create_test_client([hello], database_url=database_url, settings=SETTINGS) as client:
        tenant = make_tenant(database_url)
        user = {"email": "ada@example.com", "name": "Ada"}
        assert client.post("/api/v1/users", json=user, headers=tenant.headers).status_code == 201
        switched = client.put(
            "/api/v1/features/hello", json={"enabled": False}, headers=tenant.headers
        )
        assert switched.status_code == 200
        usage = _usage(client, tenant)["usage"]
        assert usage["seats"] == 1
        assert usage["events"] >= 1  # the feature change, at least
        assert _usage(client, tenant, "2020-01")["usage"] == {
            "tenant_id": str(tenant.id),
            "period": "2020-01",
            "api_calls": 0,
            "ai_tokens": 0,
            "events": 0,
            "seats": 1,
        }


def test_a_member_without_the_usage_permission_cannot_read_the_tenants_usage(database_url):
    with create_test_client([hello], database_url=database_url, settings=SETTINGS) as client:
        member = make_tenant(database_url, role="member")
        response = client.get("/api/v1/tenant/usage", headers=member.headers)
        assert response.status_code == 403
        assert response.json()["type"] == "/problems/forbidden"


def test_a_malformed_period_is_a_validation_problem(database_url):
    with create_test_client([hello], database_url=database_url, settings=SETTINGS) as client:
        tenant = make_tenant(database_url)
        # A month out of range, and years no calendar here has (0000, and 9999's December,
        # whose next month does not exist): 422, not a 500.
        for period in ("2026-13", "0000-01", "9999-12"):
            response = client.get(f"/api/v1/tenant/usage?period={period}", headers=tenant.headers)
            assert response.status_code == 422, (period, response.text)
        admin = {"Authorization": f"Bearer {make_platform_key(database_url)}"}
        response = client.get("/api/v1/admin/usage?period=0000-01", headers=admin)
        assert response.status_code == 422, response.text


def test_the_operators_report_lists_every_tenant_and_is_for_platform_admins(database_url):
    with create_test_client([hello], database_url=database_url, settings=SETTINGS) as client:
        tenant = make_tenant(database_url)
        assert client.get("/api/v1/admin/usage", headers=tenant.headers).status_code == 403
        admin = {"Authorization": f"Bearer {make_platform_key(database_url)}"}
        response = client.get(f"/api/v1/admin/usage?period={NOW}", headers=admin)
        assert response.status_code == 200
        rows = {row["slug"]: row for row in response.json()}
        assert rows[tenant.slug]["plan"] == "standard"
        assert rows[tenant.slug]["closed"] is False


def test_usage_export_writes_csv_and_json_and_rejects_a_bad_period(database_url):
    tenant = make_tenant(database_url)
    env = {"NEXUS_DATABASE_URL": database_url, "NEXUS_LOG_LEVEL": "warning"}
    runner = CliRunner()
    as_csv = runner.invoke(cli, ["usage", "export", "--period", NOW], env=env)
    assert as_csv.exit_code == 0, as_csv.output
    rows = {row["slug"]: row for row in csv.DictReader(io.StringIO(as_csv.output))}
    assert rows[tenant.slug]["plan"] == "standard"
    assert list(rows[tenant.slug]) == [
        "tenant_id", "slug", "plan", "period", "api_calls", "ai_tokens", "events", "seats",
        "closed",
    ]  # fmt: skip
    as_json = runner.invoke(cli, ["usage", "export", "--period", NOW, "--format", "json"], env=env)
    assert as_json.exit_code == 0, as_json.output
    assert tenant.slug in {row["slug"] for row in json.loads(as_json.output)}
    bad = runner.invoke(cli, ["usage", "export", "--period", "December"], env=env)
    assert bad.exit_code == 2
    assert bad.output.strip() == "error: --period must be YYYY-MM, not 'December'"


def test_closing_a_period_publishes_each_tenants_usage_once(database_url):
    tenant = make_tenant(database_url)

    async def close_twice() -> tuple[list, list, list]:
        database = PostgresDatabase(database_url, role=SETTINGS.db_api_role)
        await database.start()
        try:
            first = await close_period(database, "2026-01")
            second = await close_period(database, "2026-01")
            async with database.transaction(tenant_id=tenant.id) as conn:
                events = await conn.fetch(
                    "select envelope from nexus_event_outbox where tenant_id = $1 and type = $2",
                    tenant.id,
                    USAGE_PERIOD_CLOSED,
                )
        finally:
            await database.stop()
        return first, second, events

    first, second, events = run_sync(close_twice())
    assert tenant.slug in {row.slug for row in first}
    assert tenant.slug not in {row.slug for row in second}
    assert len(events) == 1
    event = decode_event(events[0]["envelope"])
    assert event.subject == "2026-01"
    assert msgspec.to_builtins(event.data) == {
        "period": "2026-01",
        "plan": "standard",
        "api_calls": 0,
        "ai_tokens": 0,
        "events": 0,
        "seats": 0,
    }


def test_a_period_that_has_not_ended_cannot_be_closed(database_url):
    env = {"NEXUS_DATABASE_URL": database_url, "NEXUS_LOG_LEVEL": "warning"}
    result = CliRunner().invoke(cli, ["usage", "close", "--period", NOW], env=env)
    assert result.exit_code == 1
    assert result.output.strip() == f"error: the period {NOW} has not ended yet"


def test_usage_rows_are_the_tenants_own(database_url):
    async def rows_without_a_tenant() -> int:
        conn = await asyncpg.connect(database_url, server_settings={"role": SETTINGS.db_api_role})
        try:
            return await conn.fetchval("select count(*) from nexus_usage")
        finally:
            await conn.close()

    assert run_sync(rows_without_a_tenant()) == 0
