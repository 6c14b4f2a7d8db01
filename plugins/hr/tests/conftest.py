"""One database and one app per test module; a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_hr
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def hr_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_hr]) as url:
        yield url


@pytest.fixture(scope="module")
def client(hr_db: str) -> Iterator[Any]:
    with create_test_client([nexus_hr], database_url=hr_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, hr_db: str) -> Any:
    return make_tenant(hr_db)
