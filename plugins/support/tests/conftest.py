"""One database and one app per test module (Support, stand-in CRM and Mail); a fresh
tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_support
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database
from support_fakes import crm, mail

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def support_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_support, crm, mail]) as url:
        yield url


@pytest.fixture(scope="module")
def client(support_db: str) -> Iterator[Any]:
    with create_test_client([nexus_support, crm, mail], database_url=support_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, support_db: str) -> Any:
    return make_tenant(support_db)


@pytest.fixture
def other(client: Any, support_db: str) -> Any:
    return make_tenant(support_db)
