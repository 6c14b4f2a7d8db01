"""Real PostgreSQL for tests: a configured server, the local one, or an embedded one."""

from __future__ import annotations

import asyncio
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import uuid_utils

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("LOCAL_POSTGRES_URL", "find_test_server", "temporary_database")

LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"


def find_test_server(scratch: Path | None = None) -> str:
    """Return the URL of a PostgreSQL server tests may create databases on.

    In order: ``NEXUS_TEST_DATABASE_URL``; the server on 127.0.0.1:5432 (user ``postgres``)
    if it answers; else an embedded PostgreSQL under ``scratch`` (a temporary directory by
    default), deleted when the process exits. ``NEXUS_TEST_DATABASE_URL=embedded`` skips
    straight to the embedded server, as on a machine without PostgreSQL.
    """
    configured = os.environ.get("NEXUS_TEST_DATABASE_URL", "")
    if configured and configured != "embedded":
        return configured
    if not configured and asyncio.run(_answers(LOCAL_POSTGRES_URL)):
        return LOCAL_POSTGRES_URL
    from nexus.db import start_embedded_postgres  # noqa: PLC0415 - only when needed

    scratch = scratch or Path(tempfile.mkdtemp(prefix="nexus-test-pg-"))
    return start_embedded_postgres(scratch, database="postgres", delete_on_exit=True)


async def _answers(url: str) -> bool:
    try:
        conn = await asyncpg.connect(url, timeout=2)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    await conn.close()
    return True


@contextmanager
def temporary_database(server_url: str, *, prefix: str = "nexus_test") -> Iterator[str]:
    """Create an empty database on ``server_url``; yield its URL; drop it afterwards."""
    name = f"{prefix}_{uuid_utils.uuid7().hex[-12:]}"
    asyncio.run(_admin(server_url, f'create database "{name}"'))
    try:
        yield _with_database(server_url, name)
    finally:
        asyncio.run(_admin(server_url, f'drop database if exists "{name}" with (force)'))


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))
