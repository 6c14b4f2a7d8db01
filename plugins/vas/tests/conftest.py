"""One database and one app per test module; a fresh tenant per test; the fake providers."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import pytest
from cryptography.fernet import Fernet
from nexus.testing import create_test_client, make_tenant, migrated_database
from vas_fakes import FakeProviders

# VAS's key for credentials at rest and signed callback tokens: the process configuration.
os.environ.setdefault("NEXUS_VAS_KEYS", Fernet.generate_key().decode())
# The fake providers listen on loopback.
os.environ.setdefault("NEXUS_VAS_ALLOW_PRIVATE_URLS", "1")
# The tests run the reconciliation sweep themselves, when they choose.
os.environ.setdefault("NEXUS_VAS_SWEEP_S", "0")

import nexus_vas  # noqa: E402 - after the key is configured

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def vas_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_vas]) as url:
        yield url


@pytest.fixture(scope="module")
def client(vas_db: str) -> Iterator[Any]:
    with create_test_client([nexus_vas], database_url=vas_db) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeProviders]:
    with FakeProviders() as servers:
        yield servers


@pytest.fixture
def tenant(client: Any, vas_db: str) -> Any:
    return make_tenant(vas_db)


@pytest.fixture
def other(client: Any, vas_db: str) -> Any:
    return make_tenant(vas_db)
