"""One database and one app per test module; a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_slides
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_slides]


@pytest.fixture(scope="module")
def slides_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(slides_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=slides_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, slides_db: str) -> Any:
    return make_tenant(slides_db)
