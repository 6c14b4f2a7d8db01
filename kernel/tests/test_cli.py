"""The ``nexus`` command: one-line errors, JSON output."""

from __future__ import annotations

import json
from urllib.parse import urlsplit, urlunsplit

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


def test_plugins_list_timings_gives_each_loaded_plugins_import_and_routes_time():
    result = run("plugins", "list", "--json", "--timings")
    assert result.exit_code == 0, result.output
    loaded = [row for row in json.loads(result.output) if row["state"] == "loaded"]
    assert loaded  # the workspace installs the first-party plugins
    for row in loaded:
        assert set(row["timings_ms"]) == {"import", "routes"}, row["name"]
        assert all(ms > 0 for ms in row["timings_ms"].values()), row

    table = run("plugins", "list", "--timings")
    assert "import ms" in table.output
    assert f"{len(json.loads(result.output))} plugin(s):" in table.output


def test_migrate_json_reports_applied_and_is_idempotent(nexus_database_url):
    env = {"NEXUS_DATABASE_URL": nexus_database_url}
    first = run("migrate", "--json", env=env)
    assert first.exit_code == 0, first.output
    assert isinstance(json.loads(first.output)["applied"], dict)
    second = json.loads(run("migrate", "--json", env=env).output)
    assert all(ids == [] for ids in second["applied"].values())


def test_migrate_to_a_missing_database_is_one_line_naming_it_and_how_to_create_it(
    nexus_postgres_server,
):
    missing = urlunsplit(urlsplit(nexus_postgres_server)._replace(path="/nexus_never_created"))
    result = CliRunner().invoke(cli, ["migrate"], env={"NEXUS_DATABASE_URL": missing})
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert result.output == (
        'error: database "nexus_never_created" does not exist (NEXUS_DATABASE_URL names it): '
        "create it with `createdb nexus_never_created` or, in psql, "
        "`create database nexus_never_created;`, then run `nexus migrate`\n"
    )
