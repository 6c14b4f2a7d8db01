"""One database and one app for the package (Drive and a stand-in services caller); a fresh
tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_drive
import pytest
from drive_caller import caller
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_drive, caller]


@pytest.fixture(scope="package")
def drive_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="package")
def client(drive_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=drive_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, drive_db: str) -> Any:
    return make_tenant(drive_db)


@pytest.fixture
def other(client: Any, drive_db: str) -> Any:
    return make_tenant(drive_db)
