"""Fixtures for the loyalty plugin: a kernel with the real CRM plugin and this one."""

from __future__ import annotations

import pytest
from loyalty_support import acme_loyalty
from nexus.testing import create_test_client, make_tenant

nexus_crm = pytest.importorskip("nexus_crm", reason="the loyalty plugin requires nexus-crm")


@pytest.fixture
def client(nexus_database_url):
    """A started kernel with the CRM and the loyalty plugin, nothing else."""
    plugins = [nexus_crm, acme_loyalty]
    with create_test_client(plugins, database_url=nexus_database_url) as client:
        yield client


@pytest.fixture
def tenant(client, nexus_database_url):
    return make_tenant(nexus_database_url)


@pytest.fixture
def other_tenant(client, nexus_database_url):
    return make_tenant(nexus_database_url)
