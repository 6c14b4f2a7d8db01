"""pgBackRest's commands for one stanza, each a subprocess with a one-line error."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nexus.dr._settings import DrError
from nexus.dr._system import give_to_os_user, run_program

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import datetime
    from pathlib import Path

    from nexus.dr._settings import DrSettings

__all__ = ("BackupInfo", "latest_backup", "pgbackrest", "restore_into")


@dataclass(frozen=True)
class BackupInfo:
    """One backup in the repository (from ``pgbackrest info``).

    Attributes:
        label: Its label (``20261207-181350F``).
        type: ``full``, ``diff`` or ``incr``.
        started: When it started (Unix time).
        stopped: When it stopped (Unix time).
        size: The database's size when taken, in bytes.
        repo_size: What it takes in the repository (compressed, this backup only).
        wal_start: The first WAL segment it needs.
        wal_stop: The last WAL segment it needs.
    """

    label: str
    type: str
    started: int
    stopped: int
    size: int
    repo_size: int
    wal_start: str
    wal_stop: str

    def as_dict(self) -> dict[str, Any]:
        """The backup as JSON-ready data."""
        return {
            "label": self.label,
            "type": self.type,
            "started": self.started,
            "stopped": self.stopped,
            "seconds": self.stopped - self.started,
            "size": self.size,
            "repo_size": self.repo_size,
            "wal_start": self.wal_start,
            "wal_stop": self.wal_stop,
        }


def pgbackrest(
    settings: DrSettings,
    command: str,
    *options: str,
    progress: Callable[[str], None] | None = None,
) -> str:
    """Run ``pgbackrest <command>`` for the stanza; its steps go to ``progress``.

    Raises:
        DrError: pgBackRest is missing or the command fails (its error on one line).
    """
    if not settings.config.expanduser().exists():
        raise DrError(
            f"no pgBackRest configuration at {settings.config} (NEXUS_DR_CONFIG): "
            "run `nexus dr configure` first"
        )
    args = [
        "pgbackrest",
        f"--config={settings.config.expanduser().resolve()}",
        f"--stanza={settings.stanza}",
        "--log-level-console=off",
        f"--log-level-stderr={'info' if progress else 'error'}",
        *options,
        command,
    ]
    return run_program(args, settings, what=f"pgbackrest {command}", progress=progress)


def latest_backup(settings: DrSettings) -> BackupInfo:
    """The newest backup of the stanza.

    Raises:
        DrError: The repository has none (or cannot be read).
    """
    stanzas = json.loads(pgbackrest(settings, "info", "--output=json") or "[]")
    backups = stanzas[0].get("backup", []) if stanzas else []
    if not backups:
        raise DrError(f"the repository holds no backup of stanza {settings.stanza!r}")
    newest = backups[-1]
    return BackupInfo(
        label=newest["label"],
        type=newest["type"],
        started=newest["timestamp"]["start"],
        stopped=newest["timestamp"]["stop"],
        size=newest["info"]["size"],
        repo_size=newest["info"]["repository"]["delta"],
        wal_start=newest["archive"]["start"],
        wal_stop=newest["archive"]["stop"],
    )


def restore_into(
    settings: DrSettings,
    pgdata: Path,
    *,
    target: datetime | str | None,
    archive: bool = True,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Restore into ``pgdata`` (missing or empty), set to recover on first start.

    Args:
        settings: The stanza and repository.
        pgdata: The directory to restore into.
        target: A time to stop replaying WAL at; ``"immediate"`` for the backup's own
            consistent point (no later WAL); ``None`` for the end of the archive.
        archive: Keep ``archive_mode`` as backed up (a new primary goes on archiving);
            ``False`` turns it off (a throwaway copy must not push WAL into the repository).
        progress: Receives pgBackRest's steps.

    Raises:
        DrError: ``pgdata`` is not empty, or pgBackRest fails.
    """
    if pgdata.exists() and any(pgdata.iterdir()):
        raise DrError(
            f"{pgdata} is not empty: restore needs an empty or missing directory "
            "(move the old one aside)"
        )
    pgdata.mkdir(mode=0o700, parents=True, exist_ok=True)
    pgdata.chmod(0o700)
    give_to_os_user(pgdata, settings)
    options = [f"--pg1-path={pgdata}"]
    if target == "immediate":
        options += ["--type=immediate", "--target-action=promote"]
    elif target is not None:
        stamp = target if isinstance(target, str) else target.isoformat(sep=" ")
        options += ["--type=time", f"--target={stamp}", "--target-action=promote"]
    if not archive:
        options.append("--archive-mode=off")
    pgbackrest(settings, "restore", *options, progress=progress)
