"""One database and one app per test module (Documents, stand-in Drive, Finance and HR); a
fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_documents
import pytest
from documents_fakes import drive, finance, hr
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_documents, drive, finance, hr]


@pytest.fixture(scope="module")
def documents_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(documents_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=documents_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, documents_db: str) -> Any:
    return make_tenant(documents_db)


@pytest.fixture
def other(client: Any, documents_db: str) -> Any:
    return make_tenant(documents_db)
