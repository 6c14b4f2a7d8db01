"""One database and one app per test module; a fresh tenant per test."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import nexus_chat
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_chat]

# Outgoing webhooks' secrets are kept encrypted with these keys (a test may unset them).
os.environ.setdefault("NEXUS_CHAT_KEYS", "Y2hhdC10ZXN0cy1vbmx5LW5vdC1hLXNlY3JldC0wMDA=")


@pytest.fixture(scope="module")
def chat_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(chat_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=chat_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, chat_db: str) -> Any:
    return make_tenant(chat_db)
