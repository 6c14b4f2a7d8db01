"""``tenant_import``: export and import throughput of a tenant archive, and a tenant's RTO.

A generated tenant — audit entries, committed outbox events with realistic envelopes, the
``bench_record`` rows, and files in the local file store — is exported with
``nexus.portability.export_tenant``, deprovisioned (rows deleted, files removed), and
imported again with ``import_tenant``, which verifies counts and checksums. The import's
time is the recovery time (RTO) of that one tenant.
"""

from __future__ import annotations

import asyncio
import os
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from nexus import Settings, load_plugins
from nexus.blobs import BlobRuntime
from nexus.cache import CacheRuntime
from nexus.db import PostgresDatabase
from nexus.portability import export_tenant, import_tenant
from nexus.provisioning import deprovision

from bench._context import say
from bench._results import Goal, row
from bench.benchmarks._database import migrated_database

if TYPE_CHECKING:
    from uuid import UUID

    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

RTO_GOAL = Goal("<", 900, "s", label="< 15 min")

_FILL = """
insert into nexus_audit_log (tenant_id, id, actor, action, target, before, after, reason)
select $1, gen_random_uuid(), 'user:' || (i % 50), 'record.changed', 'crm.deal:' || i,
       jsonb_build_object('stage', 'lead', 'amount', (i * 37 % 100000)::text || '.00'),
       jsonb_build_object('stage', 'won', 'amount', (i * 41 % 100000)::text || '.50'),
       'imported from the old system, row ' || i
  from generate_series(1, $2::int) as i;
insert into nexus_event_outbox (tenant_id, id, plugin, type, envelope, published_at)
select $1, gen_random_uuid(), 'bench', 'bench.measured.v1',
       convert_to(repeat('{"specversion":"1.0","data":{"n":' || i || '}}', 8), 'UTF8'), now()
  from generate_series(1, $3::int) as i;
"""


async def _fill(url: str, tenant_id: UUID, audit: int, events: int) -> None:
    conn = await asyncpg.connect(url)
    try:
        # Each statement of the script takes its own parameters.
        first, second = _FILL.strip().split(";\n", 1)
        await conn.execute(first, tenant_id, audit)
        await conn.execute(second.rstrip(";\n").replace("$3", "$2"), tenant_id, events)
    finally:
        await conn.close()


async def _files(settings: Settings, tenant_id: UUID, count: int, size: int) -> int:
    runtime = BlobRuntime(settings)
    await runtime.start()
    try:
        blobs = runtime.for_tenant(tenant_id)
        for i in range(count):
            await blobs.put(f"docs/{i:04d}.bin", os.urandom(size), content_type="application/pdf")
        return count * size
    finally:
        await runtime.stop()


async def _drop(settings: Settings, url: str, tenant_id: UUID) -> None:
    database = PostgresDatabase(url, role=settings.db_api_role)
    blobs, cache = BlobRuntime(settings), CacheRuntime(settings, database)
    await database.start()
    await blobs.start()
    try:
        registry = load_plugins(settings, plugins=[])
        await deprovision(database, registry, str(tenant_id), blobs=blobs, cache=cache)
    finally:
        await blobs.stop()
        await cache.stop()
        await database.stop()


def run(ctx: Context) -> list[Row]:
    """Export, deprovision and import one generated tenant; report throughput and RTO."""
    quick = ctx.config.quick
    audit, events, files, file_size = (
        (20_000, 10_000, 5, 256 * 1024) if quick else (300_000, 200_000, 40, 2 * 1024 * 1024)
    )
    with (
        migrated_database(ctx.database_server, plugins=[], records=True) as db,
        tempfile.TemporaryDirectory(prefix="nexus-bench-archive-") as scratch,
    ):
        settings = Settings(database_url=db.url, log_level="warning", data_dir=Path(scratch))
        say(f"tenant_import: generating {audit + events} rows and {files} files")
        asyncio.run(_fill(db.url, db.tenant_id, audit, events))
        file_bytes = asyncio.run(_files(settings, db.tenant_id, files, file_size))
        archive = Path(scratch) / "tenant.nexus.tar"
        exported = asyncio.run(export_tenant(settings, str(db.tenant_id), archive))
        asyncio.run(_drop(settings, db.url, db.tenant_id))
        started = time.perf_counter()
        imported = asyncio.run(import_tenant(settings, archive))
        rto = time.perf_counter() - started
    if (imported.rows, imported.files) != (exported.rows, exported.files):
        raise RuntimeError(
            f"import restored {imported.rows} rows / {imported.files} files, "
            f"export wrote {exported.rows} / {exported.files}"
        )
    mb = exported.archive_bytes / 1e6
    size = (
        f"{exported.rows} rows in {len(exported.tables)} tables, {files} files "
        f"({file_bytes / 1e6:.0f} MB), archive {mb:.0f} MB"
    )
    detail = {
        "rows": exported.rows,
        "files": exported.files,
        "file_bytes": file_bytes,
        "archive_bytes": exported.archive_bytes,
        "export_s": exported.seconds,
        "import_s": imported.seconds,
        "tables": exported.tables,
    }
    return [
        row("tenant_import", "export rows/s", exported.rows / exported.seconds, "rows/s",
            note=size, detail=detail),
        row("tenant_import", "export MB/s (archive)", mb / exported.seconds, "MB/s"),
        row("tenant_import", "import rows/s (verified)", imported.rows / imported.seconds,
            "rows/s", note="COPY into staging, insert, read back and compare checksums"),
        row("tenant_import", "import MB/s (archive)", mb / imported.seconds, "MB/s"),
        row("tenant_import", "tenant RTO (import of one tenant)", rto, "s", goal=RTO_GOAL,
            note=size),
    ]  # fmt: skip
