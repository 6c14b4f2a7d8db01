"""Fixtures: a kernel with only this plugin, on a fresh PostgreSQL database per test.

The fixtures ``nexus_migrated_database`` and ``nexus_database_url`` come from
``nexus.testing`` (installed with ``nexus-kernel``): PostgreSQL from
``NEXUS_TEST_DATABASE_URL``, else on 127.0.0.1:5432, else an embedded one. Each test's
database is a copy of one migrated once for the session, so no test pays for migrations.
"""

from __future__ import annotations

import nexus_projects
import pytest
from nexus.testing import create_test_client, make_tenant


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """This test's database, already holding the kernel's and this plugin's tables."""
    return nexus_migrated_database([nexus_projects])


@pytest.fixture
def client(nexus_database_url):
    """A started test client of a kernel that loads this plugin and nothing else."""
    with create_test_client([nexus_projects], database_url=nexus_database_url) as client:
        yield client


@pytest.fixture
def tenant(client, nexus_database_url):
    """A tenant (the plugin is on: with no preset, every installed plugin is) and its key."""
    return make_tenant(nexus_database_url)


@pytest.fixture
def other_tenant(client, nexus_database_url):
    """A second tenant, to check that one never sees the other's items."""
    return make_tenant(nexus_database_url)
