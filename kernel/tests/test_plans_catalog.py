"""The plans catalog: the shipped plans, their checks, and ``GET /api/v1/plans``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner
from kernel_samples import hello
from nexus.cli import cli
from nexus.plans import DEFAULT_PLAN, PlanError, load_plans, load_plans_from
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus.testing import create_test_client, make_platform_key, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from litestar.testing import TestClient


@pytest.fixture(scope="module")
def client(nexus_postgres_server) -> Iterator[TestClient]:
    with (
        migrated_database(nexus_postgres_server, [hello]) as url,
        create_test_client([hello], database_url=url) as client,
    ):
        client.database_url = url  # type: ignore[attr-defined]
        yield client


def test_the_shipped_plans_load_and_are_valid_against_every_installed_plugin():
    catalog = load_plans()
    assert {"starter", "standard", "dedicated", "clustered", "global"} <= set(catalog.names())
    assert catalog.get(DEFAULT_PLAN) is not None
    assert catalog.problems(load_plugins(Settings())) == []
    starter = catalog.get("starter")
    assert starter is not None and starter.limits.users == 3
    assert starter.limits.storage_bytes == 1024 * 1024 * 1024


def test_plans_are_listed_without_credentials_with_their_limits(client):
    response = client.get("/api/v1/plans")
    assert response.status_code == 200
    plans = {plan["name"]: plan for plan in response.json()}
    assert plans["starter"]["placement"] == "shared"
    assert plans["starter"]["limits"]["users"] == 3
    assert "crm" in plans["starter"]["limits"]["plugins"]
    assert plans["global"]["limits"] == {
        "users": None,
        "storage_mib": None,
        "api_rate": None,
        "ai_tokens_per_month": None,
        "plugins": None,
    }


def test_a_tenant_cannot_be_put_on_a_plan_the_catalog_lacks(client):
    tenant = make_tenant(client.database_url)
    admin = {"Authorization": f"Bearer {make_platform_key(client.database_url)}"}
    path = f"/api/v1/tenants/{tenant.id}"
    refused = client.patch(path, json={"plan": "gold"}, headers=admin)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["key"] == "plan"
    changed = client.patch(path, json={"plan": "starter"}, headers=admin)
    assert changed.status_code == 200 and changed.json()["plan"] == "starter"


def _write(directory: Path, name: str, text: str) -> None:
    (directory / f"{name}.toml").write_text(text, encoding="utf-8")


def test_a_plan_naming_an_unknown_plugin_is_a_problem(tmp_path):
    _write(tmp_path, "standard", 'name = "standard"\ntitle = "Standard"\n')
    _write(tmp_path, "odd", 'name = "odd"\ntitle = "Odd"\n[limits]\nplugins = ["nosuch"]\n')
    problems = load_plans_from([tmp_path]).problems(load_plugins(Settings(), plugins=[hello]))
    assert problems == ["plan 'odd': plugin 'nosuch' is not installed"]


def test_a_plan_with_a_rate_that_is_not_limits_notation_does_not_load(tmp_path):
    _write(tmp_path, "odd", 'name = "odd"\ntitle = "Odd"\n[limits]\napi_rate = "lots"\n')
    with pytest.raises(PlanError, match=r"odd\.toml: api_rate 'lots' is not like '600/minute'"):
        load_plans_from([tmp_path])


def test_a_plan_file_that_does_not_match_the_format_names_the_file(tmp_path):
    _write(tmp_path, "bad", 'name = "bad"\ntitle = "Bad"\n[limits]\nseats = 3\n')
    with pytest.raises(PlanError, match=r"bad\.toml: .*seats"):
        load_plans_from([tmp_path])


def test_plans_validate_exits_non_zero_naming_the_problem(tmp_path):
    _write(tmp_path, "lonely", 'name = "lonely"\ntitle = "Lonely"\n')
    result = CliRunner().invoke(cli, ["plans", "validate", "--path", str(tmp_path)])
    assert result.exit_code == 1
    assert "no plan 'standard'" in result.output
    shipped = CliRunner().invoke(cli, ["plans", "validate"])
    assert shipped.exit_code == 0, shipped.output
