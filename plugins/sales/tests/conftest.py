"""One database and one app (Sales with Finance, Inventory and CRM) per test module."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_crm
import nexus_finance
import nexus_inventory
import nexus_sales
import pytest
from nexus.testing import create_test_client, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_inventory, nexus_crm, nexus_sales]


@pytest.fixture(scope="module")
def sales_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(sales_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=sales_db) as test_client:
        yield test_client
