"""``nexus tenants export``: one tenant's rows and files into one archive, streamed.

The rows are read in one read-only ``repeatable read`` transaction (a consistent snapshot
of every table) as the API role with the tenant set, so row-level security itself limits
what is read to that tenant. Each table and file is spooled to a temporary file (memory
stays flat however large the tenant) while its checksum is taken, then appended to the tar.
"""

from __future__ import annotations

import hashlib
import io
import os
import tarfile
import tempfile
import time
from datetime import UTC, datetime
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

import asyncpg
import msgspec

from nexus.blobs import BlobRuntime
from nexus.db import OPERATOR_ROLE, resolve_database_url
from nexus.portability._catalog import CANONICAL_SETTINGS, quote, read_query, tenant_tables
from nexus.portability._format import (
    ARCHIVE_HEADER,
    FILES_DIR,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    PAX_CONTENT_TYPE,
    PAX_ROWS,
    PAX_SHA256,
    TABLES_DIR,
    ArchiveHeader,
    FileEntry,
    Manifest,
    TableEntry,
)
from nexus.portability._progress import Progress, QuietProgress
from nexus.version import __version__

if TYPE_CHECKING:
    from pathlib import Path

    from nexus.settings import Settings

__all__ = ("ExportResult", "export_tenant", "open_api_connection")

_CHUNK = 1 << 20


class ExportResult(msgspec.Struct, frozen=True, kw_only=True):
    """What an export wrote.

    Attributes:
        tenant_id: The tenant's id.
        slug: Its slug.
        archive: The archive's path.
        tables: Rows per table (tables without rows included, as 0).
        rows: Rows in all.
        files: Files in all.
        file_bytes: Bytes of the files.
        archive_bytes: Size of the archive.
        seconds: How long the export took.
    """

    tenant_id: UUID
    slug: str
    archive: str
    tables: dict[str, int]
    rows: int
    files: int
    file_bytes: int
    archive_bytes: int
    seconds: float


async def open_api_connection(settings: Settings, *, purpose: str) -> asyncpg.Connection:
    """A connection acting as the operator role (row-level security applies).

    The operator role is the API role plus the credential hashes (users' passwords, API
    keys) the API role may not read: a tenant's archive carries them, so users sign in
    unchanged after an import.
    """
    return await asyncpg.connect(
        resolve_database_url(settings),
        server_settings={"role": OPERATOR_ROLE, "application_name": f"nexus-{purpose}"},
    )


class _Spool:
    """A temporary file that hashes and counts what is written to it."""

    def __init__(self) -> None:
        self.file: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self.sha = hashlib.sha256()
        self.size = 0
        self.newlines = 0

    def write(self, chunk: bytes) -> None:
        self.file.write(chunk)
        self.sha.update(chunk)
        self.size += len(chunk)
        self.newlines += chunk.count(b"\n")

    def add_to(self, tar: tarfile.TarFile, name: str, pax: dict[str, str]) -> None:
        info = tarfile.TarInfo(name)
        info.size = self.size
        info.mtime = int(time.time())
        info.mode = 0o600
        info.pax_headers = pax
        self.file.seek(0)
        tar.addfile(info, self.file)

    def close(self) -> None:
        self.file.close()


def _writer(raw: IO[bytes], *, gzip: bool) -> tarfile.TarFile:
    """A streaming tar writer (members appended, never sought back to)."""
    if gzip:
        return tarfile.open(fileobj=raw, mode="w|gz", format=tarfile.PAX_FORMAT)
    return tarfile.open(fileobj=raw, mode="w|", format=tarfile.PAX_FORMAT)


def _add_json(tar: tarfile.TarFile, name: str, value: Any) -> None:
    data = msgspec.json.format(msgspec.json.encode(value), indent=2)
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(time.time())
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(data))


async def export_tenant(
    settings: Settings,
    tenant: str,
    out: Path,
    *,
    progress: Progress | None = None,
    blobs: BlobRuntime | None = None,
) -> ExportResult:
    """Write every row and file of ``tenant`` (slug or id) into the archive ``out``.

    ``out`` is gzip-compressed when its name ends in ``.gz``. It is written next to its
    final place and renamed when complete, so a failed export leaves no half archive.

    Raises:
        LookupError: no tenant has that slug or id.
    """
    progress = progress or QuietProgress()
    started = time.perf_counter()
    runtime = blobs or BlobRuntime(settings)
    conn = await open_api_connection(settings, purpose="export")
    partial = out.with_name(out.name + ".partial")
    try:
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            await conn.execute(CANONICAL_SETTINGS)
            row = await conn.fetchrow(
                "select id, slug, row_to_json(t)::text as tenant from nexus_tenant t "
                "where slug = $1 or id::text = $1",
                tenant,
            )
            if row is None:
                raise LookupError(f"no tenant '{tenant}'")
            tenant_id: UUID = row["id"]
            await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(tenant_id))
            tables = await tenant_tables(conn)
            counts = {
                t.name: int(
                    await conn.fetchval(
                        f"select count(*) from {quote(t.name)} where tenant_id = $1", tenant_id
                    )
                )
                for t in tables
            }
            if blobs is None:
                await runtime.start()
            try:
                scoped = runtime.for_tenant(tenant_id)
                keys = [key async for key in scoped.list()]
                objects = [await scoped.stat(key) for key in keys]
                progress.start(
                    total=sum(counts.values()) + sum(o.size for o in objects), unit="rows+bytes"
                )
                header = ArchiveHeader(
                    format=FORMAT_NAME,
                    version=FORMAT_VERSION,
                    tenant=msgspec.json.decode(row["tenant"]),
                    tables=[t.name for t in tables],
                    created_at=datetime.now(UTC),
                    nexus_version=__version__,
                )
                with partial.open("wb") as raw, _writer(raw, gzip=out.name.endswith(".gz")) as tar:
                    _add_json(tar, ARCHIVE_HEADER, header)
                    entries = [
                        await _export_table(conn, tar, table, tenant_id, counts, progress)
                        for table in tables
                    ]
                    files = []
                    for item in objects:
                        spool = _Spool()
                        try:
                            async for chunk in scoped.stream(item.key):
                                spool.write(chunk)
                                progress.advance(len(chunk), step=f"file {item.key}")
                            digest = spool.sha.hexdigest()
                            spool.add_to(
                                tar,
                                FILES_DIR + item.key,
                                {PAX_SHA256: digest, PAX_CONTENT_TYPE: item.content_type},
                            )
                        finally:
                            spool.close()
                        files.append(
                            FileEntry(
                                key=item.key,
                                bytes=spool.size,
                                content_type=item.content_type,
                                sha256=digest,
                            )
                        )
                    manifest = Manifest(
                        format=FORMAT_NAME,
                        version=FORMAT_VERSION,
                        tenant_id=str(tenant_id),
                        tables=entries,
                        files=files,
                    )
                    _add_json(tar, MANIFEST, manifest)
            finally:
                if blobs is None:
                    await runtime.stop()
        os.replace(partial, out)
    finally:
        await conn.close()
        partial.unlink(missing_ok=True)
    return ExportResult(
        tenant_id=tenant_id,
        slug=row["slug"],
        archive=str(out),
        tables={entry.table: entry.rows for entry in entries},
        rows=sum(entry.rows for entry in entries),
        files=len(files),
        file_bytes=sum(f.bytes for f in files),
        archive_bytes=out.stat().st_size,
        seconds=time.perf_counter() - started,
    )


async def _export_table(
    conn: asyncpg.Connection,
    tar: tarfile.TarFile,
    table: Any,
    tenant_id: UUID,
    counts: dict[str, int],
    progress: Progress,
) -> TableEntry:
    spool = _Spool()
    reported = 0
    expected = counts[table.name]

    async def sink(chunk: bytes) -> None:
        nonlocal reported
        spool.write(chunk)
        # Lines approximate rows (a quoted value may hold a newline); corrected below.
        seen = min(max(spool.newlines - 1, 0), expected)
        if seen > reported:
            progress.advance(seen - reported, step=f"table {table.name}")
            reported = seen

    try:
        columns = list(table.columns)
        status = await conn.copy_from_query(
            read_query(table.name, columns, table.primary_key),
            tenant_id,
            None,
            output=sink,
            format="csv",
            header=True,
        )
        rows = int(status.split()[-1])
        if rows > reported:
            progress.advance(rows - reported, step=f"table {table.name}")
        digest = spool.sha.hexdigest()
        spool.add_to(
            tar, f"{TABLES_DIR}{table.name}.csv", {PAX_SHA256: digest, PAX_ROWS: str(rows)}
        )
        return TableEntry(
            table=table.name, columns=columns, rows=rows, bytes=spool.size, sha256=digest
        )
    finally:
        spool.close()
