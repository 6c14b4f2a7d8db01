"""The ``nexus`` command: one-line errors, JSON output."""

from __future__ import annotations

import json

from click.testing import CliRunner
from nexus.cli import cli


def run(*args, env=None):
    return CliRunner().invoke(cli, list(args), env=env or {}, catch_exceptions=False)


def test_bad_setting_is_one_line_and_exit_2():
    result = run("plugins", "list", env={"NEXUS_PORT": "eighty"})
    assert result.exit_code == 2
    assert result.output == "error: invalid setting: Expected `int`, got `str` - at NEXUS_PORT\n"


def test_plugins_list_json_is_a_list():
    result = run("plugins", "list", "--json")
    assert result.exit_code == 0
    assert isinstance(json.loads(result.output), list)


def test_migrate_json_reports_applied_and_is_idempotent(nexus_database_url):
    env = {"NEXUS_DATABASE_URL": nexus_database_url}
    first = run("migrate", "--json", env=env)
    assert first.exit_code == 0, first.output
    assert isinstance(json.loads(first.output)["applied"], dict)
    second = json.loads(run("migrate", "--json", env=env).output)
    assert all(ids == [] for ids in second["applied"].values())
