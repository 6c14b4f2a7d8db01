"""One database, one app (AI, with CRM and Finance whose tools the assistant calls) and one
set of fake providers per test module; a fresh tenant per test."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import nexus_ai
import nexus_crm
import nexus_finance
import pytest
from ai_fakes import FakeModels
from cryptography.fernet import Fernet
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_ai, nexus_crm, nexus_finance]

os.environ.setdefault("NEXUS_AI_KEYS", Fernet.generate_key().decode())


@pytest.fixture(scope="module")
def ai_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(ai_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=ai_db) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def fakes() -> Iterator[FakeModels]:
    fake = FakeModels()
    yield fake
    fake.close()


@pytest.fixture
def tenant(client: Any, ai_db: str) -> Any:
    return make_tenant(ai_db)


@pytest.fixture
def other(client: Any, ai_db: str) -> Any:
    return make_tenant(ai_db)
