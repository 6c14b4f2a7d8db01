"""One database and one app per test module; a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_sheets
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_sheets]


@pytest.fixture(scope="module")
def sheets_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(sheets_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=sheets_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, sheets_db: str) -> Any:
    return make_tenant(sheets_db)
