"""Starting a restored cluster, waiting until it serves, stopping it, checksumming it."""

from __future__ import annotations

import asyncio
import hashlib
import time
from typing import TYPE_CHECKING, Any

import asyncpg

from nexus.dr._settings import DrError
from nexus.dr._system import find_pg_bin, run_program

if TYPE_CHECKING:
    from pathlib import Path

    from nexus.dr._settings import DrSettings

__all__ = ("checksum", "start_server", "stop_server", "wait_until_serving")

_TABLES = """
select quote_ident(n.nspname) || '.' || quote_ident(c.relname)
  from pg_class c join pg_namespace n on n.oid = c.relnamespace
 where c.relkind in ('r', 'p') and not c.relispartition
   and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname !~ '^pg_toast'
 order by 1
"""


def start_server(
    settings: DrSettings, pgdata: Path, *, options: str = "", timeout: float = 900.0
) -> None:
    """Start PostgreSQL on ``pgdata`` with ``pg_ctl`` (it keeps running after we return).

    Raises:
        DrError: It did not start within ``timeout`` (the server log says why).
    """
    pg_ctl = find_pg_bin(settings) / "pg_ctl"
    log = pgdata / "nexus-dr-start.log"
    args = [str(pg_ctl), "-D", str(pgdata), "-l", str(log), "-w", "-t", str(int(timeout))]
    if options:
        args += ["-o", options]
    try:
        run_program([*args, "start"], settings, what="pg_ctl start")
    except DrError as exc:
        tail = log.read_text(errors="replace").splitlines()[-3:] if log.exists() else []
        raise DrError(f"{exc}; server log: {' | '.join(tail)}") from None


def stop_server(settings: DrSettings, pgdata: Path) -> None:
    """Stop PostgreSQL on ``pgdata`` at once (``immediate``: a throwaway copy)."""
    pg_ctl = find_pg_bin(settings) / "pg_ctl"
    run_program(
        [str(pg_ctl), "-D", str(pgdata), "-m", "immediate", "-w", "stop"],
        settings,
        what="pg_ctl stop",
    )


async def _serving(dsn: dict[str, Any]) -> bool:
    try:
        conn = await asyncpg.connect(**dsn, timeout=5)
    except (OSError, asyncpg.PostgresError, TimeoutError):
        return False
    try:
        return not await conn.fetchval("select pg_is_in_recovery()")
    finally:
        await conn.close()


def connect_args(
    settings: DrSettings, *, port: int | None = None, host: str | None = None
) -> dict[str, Any]:
    """Arguments of asyncpg.connect for the cluster: socket (or localhost), port, superuser."""
    return {
        "host": host or settings.pg_socket_dir or "127.0.0.1",
        "port": port or settings.pg_port,
        "user": settings.pg_user,
        "database": "postgres",
    }


def wait_until_serving(dsn: dict[str, Any], *, timeout: float) -> float:
    """Wait until the server accepts writes (recovery over, promoted); return the seconds.

    Raises:
        DrError: Not within ``timeout``.
    """
    started = time.monotonic()
    while not asyncio.run(_serving(dsn)):
        if time.monotonic() - started > timeout:
            raise DrError(f"the restored server did not serve within {timeout:.0f} s")
        time.sleep(0.2)  # polling the server, bounded by the deadline above
    return time.monotonic() - started


async def _checksum(dsn: dict[str, Any]) -> dict[str, Any]:
    conn = await asyncpg.connect(**dsn)
    try:
        names = await conn.fetch(
            "select datname from pg_database where datallowconn and not datistemplate "
            "order by datname"
        )
    finally:
        await conn.close()
    digest = hashlib.sha256()
    databases: dict[str, dict[str, int]] = {}
    for record in names:
        conn = await asyncpg.connect(**{**dsn, "database": record["datname"]})
        try:
            tables = rows = 0
            for (table,) in await conn.fetch(_TABLES):
                # Every row is read (and every page's checksum checked, when the cluster
                # has data checksums); the sum of the rows' hashes is order-free.
                count, total = await conn.fetchrow(
                    f"select count(*), coalesce(sum(hashtext(t::text)::bigint), 0) from {table} t"  # noqa: S608 - names quoted by quote_ident
                )
                digest.update(f"{record['datname']}.{table}:{count}:{total}\n".encode())
                tables, rows = tables + 1, rows + count
            databases[record["datname"]] = {"tables": tables, "rows": rows}
        finally:
            await conn.close()
    return {"databases": databases, "checksum": digest.hexdigest()}


def checksum(dsn: dict[str, Any]) -> dict[str, Any]:
    """Read every row of every table of every database: counts and one checksum."""
    return asyncio.run(_checksum(dsn))
