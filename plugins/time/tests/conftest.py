"""One database and one app per test module (Time and a stand-in HR); a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_time
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database
from time_fake_hr import hr

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def time_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_time, hr]) as url:
        yield url


@pytest.fixture(scope="module")
def client(time_db: str) -> Iterator[Any]:
    with create_test_client([nexus_time, hr], database_url=time_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, time_db: str) -> Any:
    return make_tenant(time_db)
