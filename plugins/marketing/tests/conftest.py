"""One database and one app per test module (Marketing and a stand-in notify); a fresh tenant
per test."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import nexus_marketing
import pytest
from cryptography.fernet import Fernet
from marketing_notify import notify
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

os.environ.setdefault("NEXUS_MARKETING_KEYS", Fernet.generate_key().decode())


@pytest.fixture(scope="module")
def marketing_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_marketing, notify]) as url:
        yield url


@pytest.fixture(scope="module")
def client(marketing_db: str) -> Iterator[Any]:
    with create_test_client([nexus_marketing, notify], database_url=marketing_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, marketing_db: str) -> Any:
    return make_tenant(marketing_db)


@pytest.fixture
def other(client: Any, marketing_db: str) -> Any:
    return make_tenant(marketing_db)
