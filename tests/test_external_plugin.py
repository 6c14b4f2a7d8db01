"""Plugins installed from outside the repository, found through their entry points only."""

from __future__ import annotations

import json
import shutil

import httpx
import pytest

from .conftest import install, nexus, serving, write_distribution

GREETER = """
from litestar import get
from nexus_hookspecs import Manifest, hookimpl

@get("/", sync_to_thread=False)
def greet() -> dict[str, str]:
    return {"greeting": "hello from outside"}

@hookimpl
def nexus_manifest():
    return Manifest(name="greeter", version="2.1.0", title="Greeter", hookspecs=">=0.1,<1")

@hookimpl
def nexus_routes(register):
    register(greet)
"""

BROKEN = """
raise ImportError("cannot import name 'gone' from 'somewhere'")
"""


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A directory with two third-party distributions installed into it."""
    src = tmp_path_factory.mktemp("src")
    target = tmp_path_factory.mktemp("site")
    install(
        write_distribution(
            src,
            dist="acme-greeter",
            module="acme_greeter",
            entry_points={"greeter": "acme_greeter"},
            source=GREETER,
        ),
        target,
    )
    install(
        write_distribution(
            src,
            dist="acme-broken",
            module="acme_broken",
            entry_points={"broken": "acme_broken"},
            source=BROKEN,
        ),
        target,
    )
    return target


def _listed(result):
    assert result.returncode == 0, result.stderr
    return {row["name"]: row for row in json.loads(result.stdout)}


def test_installed_plugin_is_listed_with_its_distribution(site):
    rows = _listed(nexus("plugins", "list", "--json", path=[site]))
    assert rows["greeter"] == {
        "name": "greeter",
        "version": "2.1.0",
        "distribution": "acme-greeter",
        "state": "loaded",
        "reason": None,
        "requires": [],
    }


def test_plugin_failing_on_import_is_listed_with_reason(site):
    rows = _listed(nexus("plugins", "list", "--json", path=[site]))
    assert rows["broken"]["state"] == "failed"
    assert rows["broken"]["reason"] == (
        "import failed: ImportError: cannot import name 'gone' from 'somewhere'"
    )


def test_doctor_exits_non_zero_naming_the_broken_plugin(site):
    result = nexus("plugins", "doctor", path=[site])
    assert result.returncode == 1
    assert result.stderr.startswith("broken: failed: import failed: ImportError")
    # The greeter, built for the 0.1.0 contract, only warns: its read runs on an implied
    # permission.
    assert [line for line in result.stderr.splitlines() if "greeter" in line] == [GREETER_WARNING]


GREETER_WARNING = (
    "greeter: permissions: warning: route GET /api/v1/greeter declares no permission; "
    "built for the 0.1.0 contract (hookspecs >=0.1,<1), it requires the implied permission "
    "greeter:read (tenant admins only); declare one with route_opt(permission=...)"
)


def test_allowlist_restricts_what_loads(site):
    rows = _listed(
        nexus("plugins", "list", "--json", path=[site], env={"NEXUS_PLUGINS": "greeter"})
    )
    assert rows["greeter"]["state"] == "loaded"
    assert rows["broken"]["state"] == "excluded"
    doctor = nexus("plugins", "doctor", path=[site], env={"NEXUS_PLUGINS": "greeter"})
    assert doctor.returncode == 0, doctor.stderr
    assert doctor.stderr.splitlines() == [GREETER_WARNING]
    assert doctor.stdout.startswith("ok: 1 plugin(s) loaded, none broken")


def test_same_distribution_twice_on_the_path_loads_once(site, tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(site, copy)
    rows = nexus("plugins", "list", "--json", path=[site, copy])
    names = [row["name"] for row in json.loads(rows.stdout)]
    assert names.count("greeter") == 1
    assert names.count("broken") == 1


def test_two_distributions_with_one_plugin_name_stop_start_up(site, tmp_path):
    fork = tmp_path / "fork-site"
    install(
        write_distribution(
            tmp_path / "src",
            dist="other-greeter",
            module="other_greeter",
            entry_points={"greeter": "other_greeter"},
            source=GREETER,
        ),
        fork,
    )
    result = nexus("plugins", "list", path=[site, fork])
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert "plugin name 'greeter' is provided by two distributions" in result.stderr
    assert "acme-greeter" in result.stderr and "other-greeter" in result.stderr


def test_serve_mounts_the_plugin_routes_and_survives_the_broken_one(
    site, tmp_path, nexus_database_url
):
    env = {"NEXUS_DATABASE_URL": nexus_database_url, "NEXUS_LOG_LEVEL": "warning"}
    migrated = nexus("migrate", path=[site], env=env)
    assert migrated.returncode == 0, migrated.stderr
    created = nexus("tenants", "create", "acme", "--json", path=[site], env=env)
    assert created.returncode == 0, created.stderr
    auth = {"Authorization": f"Bearer {json.loads(created.stdout)['admin_key']}"}
    with serving(path=[site], env=env, cwd=tmp_path) as base:
        greeting = httpx.get(f"{base}/api/v1/greeter", headers=auth)
        assert greeting.json() == {"greeting": "hello from outside"}
        assert httpx.get(f"{base}/api/v1/greeter").status_code == 401
        ready = httpx.get(f"{base}/readyz").json()
        assert ready["status"] == "degraded"
        assert "greeter" in ready["plugins"]["loaded"]
        assert [p["name"] for p in ready["plugins"]["broken"]] == ["broken"]
        paths = httpx.get(f"{base}/schema/openapi.json", timeout=60).json()["paths"]
        assert "/api/v1/greeter" in paths
