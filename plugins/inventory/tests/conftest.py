"""One database and one app per test module; a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_inventory
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def inventory_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_inventory]) as url:
        yield url


@pytest.fixture(scope="module")
def client(inventory_db: str) -> Iterator[Any]:
    with create_test_client([nexus_inventory], database_url=inventory_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, inventory_db: str) -> Any:
    return make_tenant(inventory_db)
