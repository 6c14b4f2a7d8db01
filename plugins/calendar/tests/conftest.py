"""One database and one app per test module (Calendar alone)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_calendar
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_calendar]


@pytest.fixture(scope="module")
def calendar_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(calendar_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=calendar_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, calendar_db: str) -> Any:
    return make_tenant(calendar_db)


@pytest.fixture
def other(client: Any, calendar_db: str) -> Any:
    return make_tenant(calendar_db)
