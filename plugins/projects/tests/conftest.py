"""One database and one app per test module (Projects, Finance and a stand-in Time)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_finance
import nexus_projects
import pytest
from nexus.testing import create_test_client, migrated_database
from projects_fake_time import time_plugin
from projects_support import company

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_projects, time_plugin]


@pytest.fixture(scope="module")
def projects_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(projects_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=projects_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, projects_db: str) -> Any:
    return company(projects_db)
