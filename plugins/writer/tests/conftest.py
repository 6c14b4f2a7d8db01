"""One database and one app per test module (Drive, Collab, Writer); a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_collab
import nexus_drive
import nexus_writer
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_drive, nexus_collab, nexus_writer]


@pytest.fixture(scope="module")
def writer_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(writer_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=writer_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, writer_db: str) -> Any:
    return make_tenant(writer_db)
