"""One database and one app per test module (Drive, Collab and a stand-in services caller);
a fresh tenant per test; two ``nexus serve`` processes for the live tests."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_collab
import nexus_drive
import pytest
from collab_helpers import caller
from nexus.testing import create_test_client, make_tenant, migrated_database, serve_processes

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_drive, nexus_collab, caller]


@pytest.fixture(scope="module")
def collab_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(collab_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=collab_db) as test_client:
        yield test_client


@pytest.fixture
def tenant(client: Any, collab_db: str) -> Any:
    return make_tenant(collab_db)


@pytest.fixture(scope="module")
def servers(collab_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """Two ``nexus serve`` processes with Drive and Collab on the same database."""
    data = tmp_path_factory.mktemp("served")
    with serve_processes(collab_db, plugins=["drive", "collab"], data_dir=data) as bases:
        yield bases
