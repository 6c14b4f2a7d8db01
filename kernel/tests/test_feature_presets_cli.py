"""Presets applied to live tenants over HTTP, the presets API, and the features CLI."""

from __future__ import annotations

import json

from click.testing import CliRunner
from kernel_samples import hello, reports, tasks
from nexus.cli import cli
from nexus.testing import create_test_client, make_platform_key, make_tenant


def test_presets_api_lists_and_shows_the_catalog(nexus_database_url):
    with create_test_client([hello], database_url=nexus_database_url) as client:
        acme = make_tenant(nexus_database_url)
        listed = client.get("/api/v1/presets", headers=acme.headers)
        assert listed.status_code == 200
        assert "base" in [preset["name"] for preset in listed.json()]
        shown = client.get("/api/v1/presets/base", headers=acme.headers).json()
        assert shown["name"] == "base"
        assert client.get("/api/v1/presets/nope", headers=acme.headers).status_code == 404
        assert client.get("/api/v1/presets").status_code == 401


def test_apply_preset_shows_the_plan_then_applies_it_under_overrides(nexus_database_url):
    with create_test_client([hello, tasks, reports], database_url=nexus_database_url) as client:
        acme = make_tenant(nexus_database_url, slug="acme")
        admin = {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}
        url = f"/api/v1/tenants/{acme.id}/apply-preset"
        plan = client.post(url, json={"preset": "base"}, headers=admin)
        assert plan.status_code == 200
        assert plan.json()["dry_run"] is True
        assert plan.json()["disable"] == ["hello", "reports", "tasks"]
        assert client.get("/api/v1/hello", headers=acme.headers).status_code == 200, "dry run"
        applied = client.post(url, json={"preset": "base", "dry_run": False}, headers=admin)
        assert applied.json()["previous"] is None
        assert client.get("/api/v1/hello", headers=acme.headers).status_code == 404
        enabled = client.put("/api/v1/features/hello", json={"enabled": True}, headers=acme.headers)
        assert enabled.status_code == 200
        assert client.get("/api/v1/hello", headers=acme.headers).status_code == 200
        listed = {f["key"]: f for f in client.get("/api/v1/features", headers=acme.headers).json()}
        assert (listed["hello"]["source"], listed["tasks"]["source"]) == ("override", "preset")
        audit = client.get("/api/v1/audit-log", headers=acme.headers).json()["items"]
        assert [entry["action"] for entry in audit] == ["preset.applied", "feature.changed"]
        missing = client.post(url, json={"preset": "nope"}, headers=admin)
        assert missing.status_code == 404
        assert client.post(url, json={"preset": "base"}, headers=acme.headers).status_code == 403


def test_features_cli_lists_and_switches_with_cascade(nexus_database_url, monkeypatch):
    monkeypatch.setenv("NEXUS_DATABASE_URL", nexus_database_url)
    # The CLI loads installed plugins; register the samples as if installed.
    monkeypatch.setattr(
        "nexus.cli._features.load_plugins",
        lambda settings: __import__("nexus.plugins", fromlist=["load_plugins"]).load_plugins(
            settings, plugins=[hello, tasks, reports]
        ),
    )
    with create_test_client([hello, tasks, reports], database_url=nexus_database_url) as client:
        acme = make_tenant(nexus_database_url, slug="acme")
        runner = CliRunner()
        listed = runner.invoke(cli, ["features", "list", "acme", "--json"])
        assert listed.exit_code == 0, listed.output
        assert {row["key"] for row in json.loads(listed.output)} >= {"hello", "tasks", "reports"}
        refused = runner.invoke(cli, ["features", "disable", "acme", "tasks"])
        assert refused.exit_code == 1
        assert refused.output.startswith("error: tasks is required by reports")
        done = runner.invoke(
            cli, ["features", "disable", "acme", "tasks", "--cascade", "--reason", "cli test"]
        )
        assert done.exit_code == 0, done.output
        assert done.output.splitlines() == [
            "reports: enabled → disabled",
            "tasks: enabled → disabled",
        ]
        assert client.get("/api/v1/tasks", headers=acme.headers).status_code == 404
        unknown = runner.invoke(cli, ["features", "enable", "nobody", "tasks"])
        assert (unknown.exit_code, unknown.output) == (1, "error: no tenant 'nobody'\n")
