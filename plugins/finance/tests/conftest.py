"""Fixtures shared by the Finance tests."""

from __future__ import annotations

import nexus_finance
import pytest
from nexus.testing import create_test_client, migrated_database


@pytest.fixture(scope="module")
def world(nexus_postgres_server):
    """A database of the test module's own, and a kernel with Finance serving it."""
    with (
        migrated_database(nexus_postgres_server, [nexus_finance]) as url,
        create_test_client([nexus_finance], database_url=url) as client,
    ):
        yield client, url


@pytest.fixture(scope="module")
def trade_world(nexus_postgres_server):
    """Finance with stand-in CRM and Inventory publishers and a stand-in services caller.

    Shared by the modules testing what Sales, Purchase and Inventory see of Finance
    (``test_finance_trade``, ``test_finance_links``); each test makes its own tenant.
    """
    from finance_fake_peers import crm, inventory
    from finance_service_caller import caller

    plugins = [nexus_finance, crm, inventory, caller]
    with (
        migrated_database(nexus_postgres_server, plugins) as url,
        create_test_client(plugins, database_url=url) as client,
    ):
        yield client, url
