"""One database and one app per test module (Meet alone); a fresh tenant per test."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

import nexus_meet
import pytest
from meet_helpers import SECRETS
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_meet]

for _name, _value in SECRETS.items():
    os.environ.setdefault(_name, _value)


@pytest.fixture(scope="module")
def meet_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(meet_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=meet_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, meet_db: str) -> Any:
    return make_tenant(meet_db)


@pytest.fixture
def other(client: Any, meet_db: str) -> Any:
    return make_tenant(meet_db)
