"""``nexus dr configure|backup|verify|restore``: point-in-time recovery with pgBackRest."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import wraps
from pathlib import Path
from typing import Any, TypeVar

import rich_click as click

from nexus.cli._common import echo_json, fail
from nexus.dr import DrError, DrSettings, backup, restore, verify, write_config

__all__ = ("dr",)

F = TypeVar("F", bound=Callable[..., Any])


def _dr_errors(command: F) -> F:
    """A failed step is one line on stderr and exit status 1."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except DrError as exc:
            fail(str(exc))
        except OSError as exc:
            fail(f"{type(exc).__name__}: {exc}")

    return wrapper  # type: ignore[return-value]


def _settings() -> DrSettings:
    try:
        return DrSettings.from_env()
    except DrError as exc:
        fail(str(exc), code=2)
        raise  # unreachable: fail() exits


def _progress(line: str) -> None:
    """Print pgBackRest's steps (and ours) on stderr, so stdout keeps only the result."""
    click.echo(line, err=True)


@click.group()
def dr() -> None:
    """Disaster recovery: WAL archiving, backups, their verification, point-in-time restore.

    pgBackRest (Debian's `pgbackrest`) does the work; settings come from NEXUS_DR_*
    variables (deploy/README.md, "Backups, WAL archiving and point-in-time recovery").
    """


@dr.command("configure")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@_dr_errors
def configure_command(as_json: bool) -> None:
    """Write the pgBackRest configuration (NEXUS_DR_CONFIG) for the stanza.

    Prints the postgresql.conf lines that archive every WAL segment into the repository;
    add them, reload PostgreSQL, then take a first `nexus dr backup`.
    """
    done = write_config(_settings())
    if as_json:
        echo_json(
            {
                "config": str(done.config),
                "stanza": done.stanza,
                "repo": done.repo,
                "postgresql_conf": list(done.postgresql_conf),
            }
        )
        return
    click.echo(f"# wrote {done.config} (stanza {done.stanza}, repository {done.repo})", err=True)
    click.echo("# postgresql.conf:", err=True)
    for line in done.postgresql_conf:
        click.echo(line)


@dr.command("backup")
@click.option(
    "--type",
    "kind",
    type=click.Choice(["full", "diff", "incr"]),
    default="full",
    show_default=True,
    help="Full, differential (since the last full) or incremental (since the last backup).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the backup as JSON.")
@_dr_errors
def backup_command(kind: str, as_json: bool) -> None:
    """Back the cluster up into the repository (the stanza is created on first use)."""
    taken = backup(_settings(), kind=kind, progress=_progress)  # type: ignore[arg-type]
    if as_json:
        echo_json(taken.as_dict())
        return
    click.echo(
        f"backup {taken.label} ({taken.type}): {taken.size / 1e6:.1f} MB of data, "
        f"{taken.repo_size / 1e6:.1f} MB in the repository, "
        f"{taken.stopped - taken.started} s"
    )


@dr.command("verify")
@click.option(
    "--scratch",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to restore the throwaway copy (a temporary directory by default).",
)
@click.option("--keep", is_flag=True, help="Keep the restored copy (stopped) for a look.")
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_dr_errors
def verify_command(scratch: Path | None, keep: bool, as_json: bool) -> None:
    """Verify the repository and prove the latest backup restores and reads back.

    `pgbackrest verify`, then a restore of the latest backup into a scratch directory, a
    throwaway PostgreSQL started on it, and every row of every table read (row counts and
    a checksum). Exits non-zero on any failure: run it from cron or a CronJob.
    """
    found = verify(_settings(), scratch=scratch, keep=keep, progress=_progress)
    if as_json:
        echo_json(found.as_dict())
        return
    rows = sum(database["rows"] for database in found.databases.values())
    tables = sum(database["tables"] for database in found.databases.values())
    click.echo(
        f"backup {found.backup.label} verified: restored in {found.restore_s:.1f} s, "
        f"serving in {found.serve_s:.1f} s, {tables} tables and {rows} rows read back "
        f"in {len(found.databases)} database(s), checksum {found.checksum[:16]}"
    )


def _target(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--target {value!r} is not an ISO 8601 time (2026-12-07T18:20:00+00:00)", code=2)
    if moment.tzinfo is None:
        fail(f"--target {value!r} has no time zone: add one (+00:00 for UTC)", code=2)
    return moment


@dr.command("restore")
@click.option("--target", help="Restore to this time (ISO 8601 with a time zone).")
@click.option("--latest", is_flag=True, help="Restore to the end of the archive.")
@click.option(
    "--pgdata",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The data directory to restore into (missing or empty).",
)
@click.option("--no-start", is_flag=True, help="Restore only; start PostgreSQL yourself.")
@click.option(
    "--timeout", default=900.0, show_default=True, help="Seconds to wait for it to serve."
)
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@_dr_errors
def restore_command(
    target: str | None,
    latest: bool,
    pgdata: Path,
    no_start: bool,
    timeout: float,
    as_json: bool,
) -> None:
    """Restore the cluster to a point in time, start it and wait until it serves.

    Give --target TIME (WAL is replayed up to it) or --latest (every archived segment).
    The server is started with the restored configuration (same port, archiving on into
    the same repository, on a new timeline); the command returns once it accepts writes.
    """
    if (target is None) == (not latest):
        fail("give one of --target TIME or --latest", code=2)
    moment = _target(target) if target is not None else None
    done = restore(
        _settings(),
        pgdata,
        target=moment,
        start=not no_start,
        timeout=timeout,
        progress=_progress,
    )
    if as_json:
        echo_json(done.as_dict())
        return
    served = "" if done.serve_s is None else f", serving after {done.serve_s:.1f} s more"
    click.echo(f"restored {done.pgdata} to {done.target} in {done.restore_s:.1f} s{served}")
