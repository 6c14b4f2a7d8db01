"""One database and one app per test module (Shop with Finance and Inventory; Payments
absent: its events are published with ``nexus.testing.publish_event``); a fresh tenant per
test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_finance
import nexus_inventory
import nexus_shop
import pytest
from nexus.testing import create_test_client, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_inventory, nexus_shop]


@pytest.fixture(scope="module")
def shop_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(shop_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=shop_db) as test_client:
        yield test_client
