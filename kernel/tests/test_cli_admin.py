"""``nexus admin create-platform-admin`` and ``nexus tenants create``."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from nexus.cli import cli
from nexus.testing import create_test_client, temporary_database


def run(*args, url):
    return CliRunner().invoke(
        cli, list(args), env={"NEXUS_DATABASE_URL": url}, catch_exceptions=False
    )


@pytest.fixture
def migrated(nexus_database_url):
    result = run("migrate", "--json", url=nexus_database_url)
    assert result.exit_code == 0, result.output
    return nexus_database_url


def bearer(key):
    return {"Authorization": f"Bearer {key}"}


def test_create_platform_admin_prints_a_working_key_once(migrated):
    result = run("admin", "create-platform-admin", "--json", url=migrated)

    assert result.exit_code == 0, result.output
    key = json.loads(result.stdout)["key"]
    assert key.startswith("nxp_")
    with create_test_client(database_url=migrated, run_migrations=False) as client:
        me = client.get("/api/v1/me", headers=bearer(key)).json()
        tenants = client.get("/api/v1/tenants", headers=bearer(key))
    assert me["roles"] == ["platform_admin"]
    assert tenants.status_code == 200


def test_create_tenant_prints_it_with_a_working_admin_key(migrated):
    result = run("tenants", "create", "acme-co", "--json", url=migrated)

    assert result.exit_code == 0, result.output
    created = json.loads(result.stdout)
    assert created["slug"] == "acme-co"
    assert created["admin_key"].startswith("nxk_")
    with create_test_client(database_url=migrated, run_migrations=False) as client:
        me = client.get("/api/v1/me", headers=bearer(created["admin_key"])).json()
    assert (me["tenant_id"], me["roles"]) == (created["id"], ["tenant_admin"])


def test_duplicate_slug_is_a_one_line_error(migrated):
    assert run("tenants", "create", "acme-co", url=migrated).exit_code == 0

    result = run("tenants", "create", "acme-co", "--json", url=migrated)

    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr == "error: a tenant with slug 'acme-co' exists\n"


@pytest.mark.parametrize("slug", ["Acme", "a", "acme_co", "-acme", "x" * 64])
def test_invalid_slug_is_a_one_line_error(migrated, slug):
    result = run("tenants", "create", "--json", "--", slug, url=migrated)

    assert result.exit_code != 0
    assert result.stdout == ""
    assert result.stderr.startswith(f"error: invalid slug '{slug}'")
    assert result.stderr.count("\n") == 1


@pytest.mark.parametrize(
    "command", [("admin", "create-platform-admin"), ("tenants", "create", "acme-co")]
)
def test_commands_on_an_unmigrated_database_say_to_migrate(
    nexus_postgres_server, nexus_database_url, command
):
    with temporary_database(nexus_postgres_server) as other:
        assert run("migrate", url=other).exit_code == 0  # the server now has the Nexus roles

    result = run(*command, url=nexus_database_url)

    assert result.exit_code != 0
    assert result.stderr.startswith("error: ")
    assert "run `nexus migrate` first" in result.stderr
    assert result.stderr.count("\n") == 1
