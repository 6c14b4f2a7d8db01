"""``nexus db status|stop``: the embedded PostgreSQL's lifecycle, seen and controlled."""

from __future__ import annotations

from typing import TYPE_CHECKING

import rich_click as click

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.db import EmbeddedInUseError, embedded_status, stop_embedded_postgres

if TYPE_CHECKING:
    from nexus.db import EmbeddedStatus
    from nexus.settings import Settings

__all__ = ("adopted_line", "db", "embedded_before_start")


def _describe(status: EmbeddedStatus) -> str:
    if not status.running:
        return f"embedded PostgreSQL: stopped (data in {status.data_dir})"
    users = (
        "orphaned: no Nexus process uses it (one was killed); `nexus db stop` stops it"
        if status.orphaned
        else "used by pid(s) " + ", ".join(str(pid) for pid in status.holders)
    )
    return (
        f"embedded PostgreSQL: running, pid {status.pid}, socket {status.socket_dir}/"
        f".s.PGSQL.{status.port}, data in {status.data_dir} ({users})"
    )


def embedded_before_start(settings: Settings) -> EmbeddedStatus | None:
    """The embedded server's status before a command starts or joins it (``None``: not used)."""
    return None if settings.database_url else embedded_status(settings.data_dir)


def adopted_line(before: EmbeddedStatus | None) -> str | None:
    """What ``nexus serve``/``up`` print when they joined a server already running."""
    if before is None or not before.running:
        return None
    if before.orphaned:
        return (
            f"Adopted the embedded PostgreSQL left running by a killed process (pid "
            f"{before.pid}, {before.data_dir}); it stops when this command exits "
            "(`nexus db status` shows it, `nexus db stop` stops it)."
        )
    users = ", ".join(str(pid) for pid in before.holders)
    return (
        f"Joined the embedded PostgreSQL already running (pid {before.pid}, used by pid(s) "
        f"{users}); it stops when the last of them exits (`nexus db status` shows it)."
    )


@click.group()
def db() -> None:
    """The embedded PostgreSQL (used when NEXUS_DATABASE_URL is unset): status, stop."""


@db.command("status")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def status_command(as_json: bool) -> None:
    """Whether the embedded PostgreSQL under NEXUS_DATA_DIR runs, and who uses it.

    `orphaned` means it runs with no Nexus process using it: one was killed (SIGKILL, the
    OOM killer) before it could stop the server. The next command adopts it; `nexus db stop`
    stops it now.
    """
    status = embedded_status(load_settings().data_dir)
    if as_json:
        echo_json(status.as_dict())
        return
    click.echo(_describe(status))


@db.command("stop")
@click.option("--force", is_flag=True, help="Stop it even while Nexus processes use it.")
@click.option("--json", "as_json", is_flag=True, help="Print the status after, as JSON.")
@friendly_errors
def stop_command(force: bool, as_json: bool) -> None:
    """Stop the embedded PostgreSQL under NEXUS_DATA_DIR (a clean, fast shutdown).

    Refuses while live Nexus processes use it, unless --force. The data stays on disk; the
    next command that needs the database starts the server again.
    """
    settings = load_settings()
    before = embedded_status(settings.data_dir)
    try:
        after = stop_embedded_postgres(settings.data_dir, force=force)
    except EmbeddedInUseError as exc:
        fail(str(exc))
        return
    if as_json:
        echo_json({**after.as_dict(), "stopped": before.pid if before.running else None})
        return
    if before.running:
        click.echo(f"stopped the embedded PostgreSQL (pid {before.pid}, {before.data_dir})")
    else:
        click.echo(f"the embedded PostgreSQL was not running ({before.data_dir})")
