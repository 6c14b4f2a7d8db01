"""Fixtures: a kernel with only this plugin, on a fresh PostgreSQL database per test.

``nexus_database_url`` comes from ``nexus.testing`` (installed with ``nexus-kernel``): it
uses ``NEXUS_TEST_DATABASE_URL``, else PostgreSQL on 127.0.0.1:5432, else an embedded one.
"""

from __future__ import annotations

import pytest
from nexus.testing import create_test_client, make_tenant

import {{ cookiecutter.module }}


@pytest.fixture
def client(nexus_database_url):
    """A started test client of a kernel that loads this plugin and nothing else."""
    with create_test_client([{{ cookiecutter.module }}], database_url=nexus_database_url) as client:
        yield client


@pytest.fixture
def tenant(client, nexus_database_url):
    """A tenant (the plugin is on: with no preset, every installed plugin is) and its key."""
    return make_tenant(nexus_database_url)


@pytest.fixture
def other_tenant(client, nexus_database_url):
    """A second tenant, to check that one never sees the other's items."""
    return make_tenant(nexus_database_url)
