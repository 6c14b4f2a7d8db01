"""pytest fixtures for Nexus and its plugins (registered through the ``pytest11`` entry point).

Fixtures:
    nexus_postgres_server: URL of a PostgreSQL server for the session (``NEXUS_TEST_DATABASE_URL``,
        else 127.0.0.1:5432, else an embedded server).
    nexus_database_url: URL of a fresh, empty database for one test, dropped afterwards.
    nexus_settings: Quiet kernel settings pointing at ``nexus_database_url``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nexus.settings import Settings


@pytest.fixture(scope="session")
def nexus_postgres_server(tmp_path_factory: pytest.TempPathFactory) -> str:
    """URL of a PostgreSQL server the tests may create databases on."""
    from nexus.testing._database import find_test_server  # noqa: PLC0415 - keep pytest start fast

    return find_test_server(tmp_path_factory.mktemp("embedded-postgres"))


@pytest.fixture
def nexus_database_url(nexus_postgres_server: str) -> Iterator[str]:
    """A fresh, empty database for this test."""
    from nexus.testing._database import temporary_database  # noqa: PLC0415

    with temporary_database(nexus_postgres_server) as url:
        yield url


@pytest.fixture
def nexus_settings(nexus_database_url: str) -> Settings:
    """Kernel settings for tests: the test database, warnings-only logs."""
    from nexus.settings import Settings  # noqa: PLC0415

    return Settings(database_url=nexus_database_url, log_level="warning")
