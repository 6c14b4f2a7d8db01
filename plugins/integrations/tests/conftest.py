"""One database and app per test module (Integrations with CRM, Finance, Inventory, Calendar
and Drive); a fresh tenant per test."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.fernet import Fernet
from nexus.testing import create_test_client, make_tenant, migrated_database

os.environ.setdefault("NEXUS_INTEGRATIONS_KEYS", Fernet.generate_key().decode())

import nexus_calendar  # noqa: E402
import nexus_crm  # noqa: E402
import nexus_drive  # noqa: E402
import nexus_finance  # noqa: E402
import nexus_integrations  # noqa: E402 - after the key is configured
import nexus_inventory  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [
    nexus_crm,
    nexus_finance,
    nexus_inventory,
    nexus_calendar,
    nexus_drive,
    nexus_integrations,
]


@pytest.fixture(scope="module")
def integrations_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(integrations_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=integrations_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, integrations_db: str) -> Any:
    return make_tenant(integrations_db)


@pytest.fixture
def other(client: Any, integrations_db: str) -> Any:
    return make_tenant(integrations_db)
