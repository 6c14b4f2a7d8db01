"""One database and one app with the CRM for all its tests; a fresh tenant per test."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_crm
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def crm_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_crm]) as url:
        yield url


@pytest.fixture(scope="module")
def crm(crm_db: str) -> Iterator[Any]:
    with create_test_client([nexus_crm], database_url=crm_db) as client:
        yield client


@pytest.fixture
def tenant(crm: Any, crm_db: str) -> Any:
    return make_tenant(crm_db)


@pytest.fixture
def other(crm: Any, crm_db: str) -> Any:
    return make_tenant(crm_db)
