"""``backup``, ``verify`` and ``restore``: the steps ``nexus dr`` runs."""

from __future__ import annotations

import shutil
import socket
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from nexus.dr._pgbackrest import latest_backup, pgbackrest, restore_into
from nexus.dr._server import (
    checksum,
    connect_args,
    start_server,
    stop_server,
    wait_until_serving,
)
from nexus.dr._system import give_to_os_user

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime

    from nexus.dr._pgbackrest import BackupInfo
    from nexus.dr._settings import DrSettings

__all__ = ("Restored", "Verified", "backup", "restore", "verify")


@dataclass(frozen=True)
class Verified:
    """What ``nexus dr verify`` found.

    Attributes:
        backup: The backup restored.
        restore_s: Seconds to restore it into the scratch directory.
        serve_s: Seconds from ``pg_ctl start`` to a server answering.
        databases: Per database, its tables and rows, all read back.
        checksum: SHA-256 over every table's row count and row hashes.
    """

    backup: BackupInfo
    restore_s: float
    serve_s: float
    databases: dict[str, dict[str, int]] = field(default_factory=dict)
    checksum: str = ""

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "backup": self.backup.as_dict(),
            "restore_s": round(self.restore_s, 3),
            "serve_s": round(self.serve_s, 3),
            "databases": self.databases,
            "checksum": self.checksum,
        }


@dataclass(frozen=True)
class Restored:
    """What ``nexus dr restore`` did.

    Attributes:
        pgdata: The restored data directory.
        target: The recovery target (a time) or ``latest``.
        restore_s: Seconds pgBackRest took.
        serve_s: Seconds from start to a server accepting writes; ``None`` if not started.
    """

    pgdata: Path
    target: str
    restore_s: float
    serve_s: float | None

    def as_dict(self) -> dict[str, Any]:
        """The result as JSON-ready data."""
        return {
            "pgdata": str(self.pgdata),
            "target": self.target,
            "restore_s": round(self.restore_s, 3),
            "serve_s": None if self.serve_s is None else round(self.serve_s, 3),
        }


def backup(
    settings: DrSettings,
    *,
    kind: Literal["full", "diff", "incr"] = "full",
    progress: Callable[[str], None] | None = None,
) -> BackupInfo:
    """Take a backup of the cluster into the repository and return it.

    The stanza is created first if the repository has none (``stanza-create`` is a no-op
    on an existing, valid one); retention expires older backups afterwards.

    Raises:
        DrError: pgBackRest fails (archiving not set up, repository unreachable, ...).
    """
    pgbackrest(settings, "stanza-create", progress=progress)
    pgbackrest(settings, "backup", f"--type={kind}", progress=progress)
    return latest_backup(settings)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def verify(
    settings: DrSettings,
    *,
    scratch: Path | None = None,
    keep: bool = False,
    progress: Callable[[str], None] | None = None,
) -> Verified:
    """Check the repository, then restore the latest backup and read all of it back.

    ``pgbackrest verify`` checks every file of the repository against its checksum; the
    latest backup is then restored into a scratch directory (archiving off), started on a
    free port, and every row of every table is read (``checksum``).

    Raises:
        DrError: Any step fails.
    """
    say = progress or (lambda _line: None)
    pgbackrest(settings, "verify", progress=progress)
    newest = latest_backup(settings)
    base = Path(tempfile.mkdtemp(prefix="nexus-dr-verify-", dir=scratch))
    base.chmod(0o755)  # the PostgreSQL user reaches its subdirectories
    pgdata, sockets = base / "pgdata", base / "run"
    sockets.mkdir()
    give_to_os_user(sockets, settings)
    started = False
    try:
        say(f"restoring backup {newest.label} into {pgdata}")
        began = time.monotonic()
        restore_into(settings, pgdata, target="immediate", archive=False, progress=progress)
        restore_s = time.monotonic() - began
        hba = pgdata / "nexus-dr-verify-hba.conf"
        hba.write_text("local all all trust\n")
        give_to_os_user(hba, settings)
        # The backup's postgresql.conf may live outside PGDATA (Debian's /etc/postgresql).
        if not (pgdata / "postgresql.conf").exists():
            (pgdata / "postgresql.conf").write_text("")
            give_to_os_user(pgdata / "postgresql.conf", settings)
        port = _free_port()
        options = (
            f"-p {port} -c listen_addresses='' -c unix_socket_directories='{sockets}' "
            f"-c hba_file='{hba}' -c archive_mode=off"
        )
        say(f"starting it on port {port}")
        began = time.monotonic()
        start_server(settings, pgdata, options=options)
        started = True
        dsn = connect_args(settings, port=port, host=str(sockets))
        wait_until_serving(dsn, timeout=900)
        serve_s = time.monotonic() - began
        say("reading every table back")
        found = checksum(dsn)
    finally:
        if started:
            stop_server(settings, pgdata)
        if not keep:
            shutil.rmtree(base, ignore_errors=True)
    return Verified(
        backup=newest,
        restore_s=restore_s,
        serve_s=serve_s,
        databases=found["databases"],
        checksum=found["checksum"],
    )


def restore(
    settings: DrSettings,
    pgdata: Path,
    *,
    target: datetime | None,
    start: bool = True,
    timeout: float = 900.0,
    progress: Callable[[str], None] | None = None,
) -> Restored:
    """Restore the cluster into ``pgdata`` to ``target`` (the end of the archive if ``None``).

    With ``start``, PostgreSQL is started on it (its restored postgresql.conf: the same
    port, archiving on into the same repository, on a new timeline) and this returns once
    recovery is over and the server accepts writes.

    Raises:
        DrError: ``pgdata`` is not empty, pgBackRest fails, or the server does not serve.
    """
    pgdata = pgdata.expanduser().resolve()
    began = time.monotonic()
    restore_into(settings, pgdata, target=target, progress=progress)
    restore_s = time.monotonic() - began
    serve_s = None
    if start:
        if progress:
            progress(f"starting PostgreSQL on {pgdata}, replaying WAL")
        began = time.monotonic()
        start_server(settings, pgdata, timeout=timeout)
        wait_until_serving(connect_args(settings), timeout=timeout)
        serve_s = time.monotonic() - began
    label = "latest" if target is None else target.isoformat()
    return Restored(pgdata=pgdata, target=label, restore_s=restore_s, serve_s=serve_s)
