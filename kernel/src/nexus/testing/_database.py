"""Real PostgreSQL for tests: a configured server, the local one, or an embedded one.

A fresh database costs one ``CREATE DATABASE``; a migrated one, a clone of a template
database migrated once per set of migrations (:func:`template_database`), so no test pays
for running migrations.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

import asyncpg
import uuid_utils

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Iterator

__all__ = (
    "LOCAL_POSTGRES_URL",
    "TEMPLATE_PREFIX",
    "find_test_server",
    "template_database",
    "temporary_database",
)

LOCAL_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

TEMPLATE_PREFIX = "nexus_template_"
"""Names of migrated template databases: the prefix, then the key of their migrations."""

# Advisory lock key ("nexus_tm" in ASCII) taken on the server's maintenance database while a
# template is built or stale ones are dropped: pytest sessions and xdist workers sharing a
# server build each template once. Cloning needs no lock (templates refuse connections).
_TEMPLATE_LOCK = 0x6E657875735F746D
# A template nobody has used for this long is dropped when another one is built: the key
# changes whenever migrations change, and a developer's server should not fill up. Dropping
# one a session still uses is safe: its next copy finds it missing and builds it again.
_STALE_AFTER_S = 3600
_USED = "nexus test template, last used at "

# Templates this process made sure of: key -> name.
_ready: dict[str, str] = {}


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
def temporary_database(
    server_url: str, *, prefix: str = "nexus_test", template: str | None = None
) -> Iterator[str]:
    """Create a database on ``server_url``; yield its URL; drop it afterwards.

    Args:
        server_url: A server the tests may create databases on (``nexus_postgres_server``).
        prefix: The start of the database's name.
        template: A database to copy (a name from :func:`template_database`); empty if
            ``None``.
    """
    name = f"{prefix}_{uuid_utils.uuid7().hex[-12:]}"
    statement = f'create database "{name}"'
    if template is not None:
        statement += f' template "{template}"'
    asyncio.run(_admin(server_url, statement))
    try:
        yield _with_database(server_url, name)
    finally:
        asyncio.run(_admin(server_url, f'drop database if exists "{name}" with (force)'))


def template_database(
    server_url: str, *, key: str, build: Callable[[str], Awaitable[object]]
) -> str:
    """Return the name of the template database for ``key``, building it if missing.

    ``build(url)`` migrates an empty database; it runs once per key on a server, whatever
    the number of pytest sessions or xdist workers asking at the same time (they wait on
    an advisory lock). The template then refuses connections, so ``CREATE DATABASE ...
    TEMPLATE`` can copy it at any moment. Templates unused for an hour are dropped when
    another is built.

    Args:
        server_url: The server (``nexus_postgres_server``).
        key: What the template holds, e.g. a digest of the migrations applied; at most 40
            characters of ``[a-z0-9_]``.
        build: Migrates the database at the URL it is given.
    """
    if key not in _ready:
        _ready[key] = asyncio.run(_ensure_template(server_url, key=key, build=build))
    return _ready[key]


def forget_template(key: str) -> None:
    """Make the next :func:`template_database` call check the server again (it was dropped)."""
    _ready.pop(key, None)


async def _ensure_template(
    server_url: str, *, key: str, build: Callable[[str], Awaitable[object]]
) -> str:
    name = f"{TEMPLATE_PREFIX}{key}"
    conn = await asyncpg.connect(server_url)
    try:
        await conn.execute("select pg_advisory_lock($1)", _TEMPLATE_LOCK)
        if not await conn.fetchval("select true from pg_database where datname = $1", name):
            await _drop_stale_templates(conn)
            await _build_template(conn, server_url, name, build)
        with contextlib.suppress(asyncpg.PostgresError):  # another user's template: theirs to keep
            await conn.execute(f"comment on database \"{name}\" is '{_USED}{time.time():.0f}'")
    finally:
        with contextlib.suppress(Exception):
            await conn.execute("select pg_advisory_unlock($1)", _TEMPLATE_LOCK)
        await conn.close()
    return name


async def _build_template(
    conn: asyncpg.Connection,
    server_url: str,
    name: str,
    build: Callable[[str], Awaitable[object]],
) -> None:
    # Built under another name and renamed when complete: a crashed build never leaves a
    # half-migrated template behind under the real name.
    building = f"{name}_build"
    await conn.execute(f'drop database if exists "{building}" with (force)')
    await conn.execute(f'create database "{building}"')
    try:
        await build(_with_database(server_url, building))
        # A pool the build left open would block the rename.
        await conn.execute(
            "select pg_terminate_backend(pid) from pg_stat_activity where datname = $1",
            building,
        )
        await conn.execute(f'alter database "{building}" with allow_connections false')
        await conn.execute(f'alter database "{building}" rename to "{name}"')
        await conn.execute(f'alter database "{name}" with is_template true')
    except BaseException:
        with contextlib.suppress(Exception):
            await conn.execute(f'drop database if exists "{building}" with (force)')
        raise


async def _drop_stale_templates(conn: asyncpg.Connection) -> None:
    rows = await conn.fetch(
        "select d.datname, shobj_description(d.oid, 'pg_database') as comment "
        "from pg_database d where d.datname like $1",
        TEMPLATE_PREFIX.replace("_", r"\_") + "%",
    )
    now = time.time()
    for row in rows:
        comment = row["comment"] or ""
        used = float(comment.removeprefix(_USED)) if comment.startswith(_USED) else 0.0
        if now - used < _STALE_AFTER_S:
            continue
        # Another session may be copying it right now: then it stays for the next time.
        with contextlib.suppress(asyncpg.PostgresError):
            await conn.execute(f'alter database "{row["datname"]}" with is_template false')
            await conn.execute(f'drop database "{row["datname"]}"')


async def _admin(url: str, statement: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))
