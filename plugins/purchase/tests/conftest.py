"""One database and one app per test module (Purchase with Finance and Inventory)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_finance
import nexus_inventory
import nexus_purchase
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database, set_plugin_settings

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_inventory, nexus_purchase]


@pytest.fixture(scope="module")
def purchase_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(purchase_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=purchase_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, purchase_db: str) -> Any:
    """A Nigerian shop: books, stock and orders in NGN."""
    made = make_tenant(purchase_db)
    set_plugin_settings(purchase_db, made, "finance", {"base_currency": "NGN", "country": "NG"})
    set_plugin_settings(purchase_db, made, "inventory", {"valuation_currency": "NGN"})
    set_plugin_settings(purchase_db, made, "purchase", {"currency": "NGN"})
    return made
