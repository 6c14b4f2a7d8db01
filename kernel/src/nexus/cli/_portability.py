"""``nexus tenants export`` and ``nexus tenants import``: a tenant as one archive, and back."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import rich_click as click
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    MofNCompleteColumn,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.progress import Progress as RichProgress

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.portability import ArchiveError, ImportConflict, export_tenant, import_tenant

if TYPE_CHECKING:
    from types import TracebackType

__all__ = ("export_command", "import_command")


class _Bar:
    """A rich progress bar on stderr (hidden when stderr is not a terminal)."""

    def __init__(self, description: str) -> None:
        self.description = description
        self.console = Console(stderr=True)
        self.progress: RichProgress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> _Bar:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.progress is not None:
            self.progress.stop()

    def start(self, *, total: int, unit: str) -> None:
        amount = DownloadColumn() if unit == "bytes" else MofNCompleteColumn()
        self.progress = RichProgress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            amount,
            TimeElapsedColumn(),
            TimeRemainingColumn(),
            TextColumn("{task.fields[step]}", style="dim"),
            console=self.console,
            transient=False,
            disable=not self.console.is_terminal,
        )
        self.progress.start()
        self.task = self.progress.add_task(self.description, total=total or None, step="")

    def advance(self, amount: int, *, step: str) -> None:
        if self.progress is not None and self.task is not None:
            self.progress.update(self.task, advance=amount, step=step[:60])


def _rate(amount: float, seconds: float) -> float:
    return round(amount / seconds, 1) if seconds > 0 else 0.0


@click.command("export")
@click.argument("tenant")
@click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="The archive to write (gzip-compressed when it ends in .gz).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def export_command(tenant: str, out: Path, as_json: bool) -> None:
    """Write every row and file of a tenant (slug or id) into one archive."""
    settings = load_settings()
    with _Bar(f"exporting {tenant}") as bar:
        try:
            result = asyncio.run(export_tenant(settings, tenant, out, progress=bar))
        except LookupError as exc:
            fail(str(exc.args[0]))
            raise
        except asyncpg.PostgresError as exc:
            fail(f"export failed, nothing written: {type(exc).__name__}: {exc}")
            raise
    summary = {
        **{field: getattr(result, field) for field in result.__struct_fields__},
        "rows_per_s": _rate(result.rows, result.seconds),
        "mb_per_s": _rate(result.archive_bytes / 1e6, result.seconds),
    }
    if as_json:
        echo_json(summary)
        return
    click.echo(
        f"tenant {result.slug} ({result.tenant_id}) exported to {result.archive}: "
        f"{result.rows} row(s) in {len(result.tables)} table(s), {result.files} file(s), "
        f"{result.archive_bytes / 1e6:.1f} MB in {result.seconds:.1f} s "
        f"({summary['rows_per_s']} rows/s, {summary['mb_per_s']} MB/s)"
    )


@click.command("import")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--new-id", is_flag=True, help="Give the tenant a new id (a copy; another Nexus).")
@click.option("--slug", default=None, help="The tenant's slug here (default: the archived one).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def import_command(archive: Path, new_id: bool, slug: str | None, as_json: bool) -> None:
    """Restore a tenant from an archive of `nexus tenants export`, verified by checksums.

    Nothing is changed unless every row and file is restored and reads back as archived.
    """
    settings = load_settings()
    with _Bar(f"importing {archive.name}") as bar:
        try:
            result = asyncio.run(
                import_tenant(settings, archive, new_id=new_id, slug=slug, progress=bar)
            )
        except (ArchiveError, ImportConflict) as exc:
            fail(str(exc))
            raise
        except asyncpg.PostgresError as exc:
            fail(f"import failed, nothing changed: {type(exc).__name__}: {exc}")
            raise
    summary = {
        **{field: getattr(result, field) for field in result.__struct_fields__},
        "rows_per_s": _rate(result.rows, result.seconds),
        "mb_per_s": _rate(result.archive_bytes / 1e6, result.seconds),
    }
    if as_json:
        echo_json(summary)
        return
    click.echo(
        f"tenant {result.slug} ({result.tenant_id}) imported and verified: "
        f"{result.rows} row(s) in {len(result.tables)} table(s), {result.files} file(s) "
        f"in {result.seconds:.1f} s ({summary['rows_per_s']} rows/s, {summary['mb_per_s']} MB/s)"
    )
