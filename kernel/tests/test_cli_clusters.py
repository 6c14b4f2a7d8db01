"""``nexus clusters add`` and ``list``: the directory dedicated tenants are placed on."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from nexus.cli import cli
from nexus.testing import migrated_database


def run(*args, url):
    return CliRunner().invoke(
        cli, list(args), env={"NEXUS_DATABASE_URL": url}, catch_exceptions=False
    )


@pytest.fixture(scope="module")
def migrated(nexus_postgres_server):
    with migrated_database(nexus_postgres_server) as url:
        yield url


def listed(url):
    return {c["name"]: c for c in json.loads(run("clusters", "list", "--json", url=url).stdout)}


def test_a_cluster_that_answers_is_added_and_listed(migrated, nexus_postgres_server):
    added = run("clusters", "add", "eu-2", nexus_postgres_server, "--json", url=migrated)
    assert added.exit_code == 0, added.output
    assert json.loads(added.stdout)["kind"] == "dedicated"

    again = run("clusters", "add", "eu-2", nexus_postgres_server, "--kind", "pooled", url=migrated)
    assert again.exit_code == 0 and "(pooled)" in again.stdout  # its kind changed, not a copy

    found = listed(migrated)["eu-2"]
    assert (found["kind"], found["url"]) == ("pooled", nexus_postgres_server)


def test_a_cluster_that_does_not_answer_is_refused_in_one_line(migrated):
    result = run("clusters", "add", "gone", "postgresql://nobody@127.0.0.1:1/x", url=migrated)
    assert result.exit_code != 0
    assert "does not answer" in result.output and len(result.output.strip().splitlines()) == 1
    assert "gone" not in listed(migrated)


def test_a_bad_cluster_name_is_refused_in_one_line(migrated, nexus_postgres_server):
    result = run("clusters", "add", "Not_A_Name", nexus_postgres_server, url=migrated)
    assert result.exit_code != 0
    assert "is not a cluster name" in result.output
