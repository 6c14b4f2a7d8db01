"""Fixtures shared by the Finance tests."""

from __future__ import annotations

import nexus_finance
import pytest
from nexus.testing import create_test_client, migrated_database


@pytest.fixture(scope="module")
def world(nexus_postgres_server):
    """A database of the test module's own, and a kernel with Finance serving it."""
    with (
        migrated_database(nexus_postgres_server, [nexus_finance]) as url,
        create_test_client([nexus_finance], database_url=url) as client,
    ):
        yield client, url
