"""``nexus tenants import``: an archive back into a Nexus, in one pass, verified.

The archive is read as a stream, member by member. Rows go through a temporary staging
table per table (``COPY`` into it, then ``insert … select … on conflict do nothing``), all
in one transaction acting as the API role with the tenant set, so row-level security
checks every row belongs to it. Files are uploaded as they come. At the end every table is
read back with the export's own query and must give the archive's row count and SHA-256;
any difference, conflict or damaged member rolls the transaction back and deletes the
files already uploaded, leaving the target as it was.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import tarfile
import time
import zlib
from typing import IO, TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id as make_id

from nexus.blobs import BlobRuntime
from nexus.features import CHANNEL
from nexus.portability._catalog import CANONICAL_SETTINGS, quote, read_query, tenant_tables
from nexus.portability._export import open_api_connection
from nexus.portability._format import (
    ARCHIVE_HEADER,
    FILES_DIR,
    FORMAT_NAME,
    FORMAT_VERSION,
    MANIFEST,
    PAX_CONTENT_TYPE,
    PAX_SHA256,
    TABLES_DIR,
    ArchiveError,
    ArchiveHeader,
    Manifest,
)
from nexus.portability._progress import Progress, QuietProgress

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    import asyncpg

    from nexus.blobs import TenantBlobs
    from nexus.settings import Settings

__all__ = ("ImportConflict", "ImportResult", "import_tenant")

_CHUNK = 1 << 20


class ImportConflict(ValueError):
    """The target already holds what the archive would create (tenant id, slug, rows)."""


class ImportResult(msgspec.Struct, frozen=True, kw_only=True):
    """What an import restored (and verified).

    Attributes:
        tenant_id: The tenant's id in the target.
        source_tenant_id: Its id in the archive.
        slug: Its slug in the target.
        tables: Rows restored per table.
        rows: Rows in all.
        files: Files restored.
        file_bytes: Their bytes.
        archive_bytes: Size of the archive read.
        seconds: How long the import took (the tenant's recovery time).
    """

    tenant_id: UUID
    source_tenant_id: UUID
    slug: str
    tables: dict[str, int]
    rows: int
    files: int
    file_bytes: int
    archive_bytes: int
    seconds: float


class _Counting:
    """A read-only file that reports the bytes read from it (the progress of a stream)."""

    def __init__(self, raw: IO[bytes], progress: Progress) -> None:
        self.raw = raw
        self.progress = progress
        self.step = "archive"

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        if data:
            self.progress.advance(len(data), step=self.step)
        return data


async def _chunks(source: IO[bytes], sha: Any) -> AsyncIterator[bytes]:
    while chunk := source.read(_CHUNK):
        sha.update(chunk)
        yield chunk


def _check_header(header: ArchiveHeader) -> None:
    if header.format != FORMAT_NAME:
        raise ArchiveError(f"not a Nexus tenant archive (format '{header.format}')")
    if header.version > FORMAT_VERSION:
        raise ArchiveError(
            f"archive format version {header.version} is newer than this Nexus reads "
            f"({FORMAT_VERSION}): upgrade Nexus first"
        )


class _Restore:
    """The state of one import while its archive streams past."""

    def __init__(
        self,
        conn: asyncpg.Connection,
        blobs: TenantBlobs,
        header: ArchiveHeader,
        tenant_id: UUID,
    ) -> None:
        self.conn = conn
        self.blobs = blobs
        self.header = header
        self.source_id = UUID(str(header.tenant["id"]))
        self.tenant_id = tenant_id
        self.table_sha: dict[str, str] = {}
        self.rows: dict[str, int] = {}
        self.columns: dict[str, list[str]] = {}
        self.file_sha: dict[str, str] = {}
        self.file_bytes = 0
        self.uploaded: list[str] = []
        self.targets: dict[str, Any] = {}

    async def load_targets(self) -> None:
        self.targets = {t.name: t for t in await tenant_tables(self.conn)}
        missing = [name for name in self.header.tables if name not in self.targets]
        if missing:
            raise ArchiveError(
                "the target has no table " + ", ".join(sorted(missing)) + ": install the "
                "plugins the archive's tenant used and run `nexus migrate`"
            )

    async def insert_tenant(self, slug: str) -> None:
        record = dict(self.header.tenant) | {"id": str(self.tenant_id), "slug": slug}
        if await self.conn.fetchval("select 1 from nexus_tenant where id = $1", self.tenant_id):
            raise ImportConflict(
                f"tenant {self.tenant_id} exists in the target: deprovision it first, "
                "or import with --new-id"
            )
        if await self.conn.fetchval("select 1 from nexus_tenant where slug = $1", slug):
            raise ImportConflict(f"a tenant with slug '{slug}' exists: import with --slug")
        await self.conn.execute(
            "insert into nexus_tenant select * from json_populate_record(null::nexus_tenant, $1)",
            msgspec.json.encode(record).decode(),
        )

    async def table(self, name: str, member: IO[bytes]) -> None:
        if name not in self.header.tables:
            raise ArchiveError(f"table member '{name}' is not listed in {ARCHIVE_HEADER}")
        target = self.targets[name]
        sha = hashlib.sha256()
        first = member.readline()
        sha.update(first)
        columns = next(csv.reader([first.decode()]))
        unknown = [c for c in columns if c not in target.columns]
        if unknown:
            raise ArchiveError(f"table {name} of the target lacks column(s) {', '.join(unknown)}")
        stage = f"nexus_import_{len(self.rows)}"
        listed = ", ".join(quote(c) for c in columns)
        # The archive's columns with the target's types, and no constraints.
        await self.conn.execute(
            f"create temp table {stage} on commit drop as "
            f"select {listed} from {quote(name)} with no data"
        )
        await self.conn.copy_to_table(
            stage, source=_chunks(member, sha), columns=columns, format="csv"
        )
        values = ", ".join("$1::uuid" if c == "tenant_id" else quote(c) for c in columns)
        staged = int(await self.conn.fetchval(f"select count(*) from {stage}"))
        status = await self.conn.execute(
            f"insert into {quote(name)} ({listed}) select {values} from {stage} "
            "on conflict do nothing",
            self.tenant_id,
        )
        inserted = int(status.split()[-1])
        if inserted != staged:
            raise ImportConflict(
                f"{staged - inserted} row(s) of {name} conflict with rows already in the target"
            )
        self.table_sha[name] = sha.hexdigest()
        self.rows[name] = inserted
        self.columns[name] = columns

    async def file(self, key: str, member: IO[bytes], content_type: str) -> None:
        sha = hashlib.sha256()
        self.uploaded.append(key)
        stored = await self.blobs.put(key, _chunks(member, sha), content_type=content_type)
        self.file_sha[key] = sha.hexdigest()
        self.file_bytes += stored.size

    async def verify(self, manifest: Manifest) -> None:
        if manifest.tenant_id != str(self.source_id):
            raise ArchiveError("the manifest names another tenant than the archive's header")
        for entry in manifest.tables:
            if self.table_sha.get(entry.table) != entry.sha256:
                raise ArchiveError(f"table {entry.table} is damaged or missing (checksum)")
            if self.rows.get(entry.table) != entry.rows:
                raise ArchiveError(
                    f"table {entry.table}: {self.rows.get(entry.table)} rows read, "
                    f"{entry.rows} in the manifest"
                )
            # Read back what is now in the database, as the export read it.
            target = self.targets[entry.table]
            readback = hashlib.sha256()

            async def sink(chunk: bytes, readback: Any = readback) -> None:
                readback.update(chunk)

            status = await self.conn.copy_from_query(
                read_query(entry.table, entry.columns, target.primary_key),
                self.tenant_id,
                self.source_id,
                output=sink,
                format="csv",
                header=True,
            )
            if int(status.split()[-1]) != entry.rows or readback.hexdigest() != entry.sha256:
                raise ArchiveError(
                    f"table {entry.table} does not read back as archived "
                    "(a trigger or default changed rows?)"
                )
        extra = set(self.table_sha) - {entry.table for entry in manifest.tables}
        if extra:
            raise ArchiveError(f"tables not in the manifest: {', '.join(sorted(extra))}")
        for item in manifest.files:
            if self.file_sha.get(item.key) != item.sha256:
                raise ArchiveError(f"file {item.key} is damaged or missing (checksum)")
        if len(self.file_sha) != len(manifest.files):
            raise ArchiveError("the archive holds files its manifest does not list")

    async def undo_files(self) -> None:
        for key in self.uploaded:
            with contextlib.suppress(Exception):  # best effort; the rows were rolled back
                await self.blobs.delete(key)


async def import_tenant(
    settings: Settings,
    archive: Path,
    *,
    new_id: bool = False,
    slug: str | None = None,
    progress: Progress | None = None,
    blobs: BlobRuntime | None = None,
) -> ImportResult:
    """Restore the tenant in ``archive``: under its own id, or a new one with ``new_id``.

    Args:
        settings: The target's settings (database, file store).
        archive: The archive ``nexus tenants export`` wrote (``.gz`` or not, detected).
        new_id: Give the tenant a new id (a copy beside the original, or a second Nexus
            that already has the id).
        slug: The tenant's slug in the target (default: the archived one).
        progress: Told of the bytes read.
        blobs: The file store (default: the one the settings name).

    Raises:
        ImportConflict: the tenant id or slug exists in the target, or rows conflict.
        ArchiveError: the archive is not one, is damaged, or the target lacks its tables.
    """
    progress = progress or QuietProgress()
    started = time.perf_counter()
    progress.start(total=archive.stat().st_size, unit="bytes")
    runtime = blobs or BlobRuntime(settings)
    if blobs is None:
        await runtime.start()
    conn = await open_api_connection(settings, purpose="import")
    restore: _Restore | None = None
    try:
        with archive.open("rb") as raw:
            counting = _Counting(raw, progress)
            with tarfile.open(fileobj=counting, mode="r|*") as tar:  # type: ignore[call-overload]
                members = iter(tar)
                first = next(members, None)
                if first is None or first.name != ARCHIVE_HEADER:
                    raise ArchiveError(f"the archive does not start with {ARCHIVE_HEADER}")
                header = msgspec.json.decode(_read(tar, first), type=ArchiveHeader)
                _check_header(header)
                tenant_id = make_id() if new_id else UUID(str(header.tenant["id"]))
                restore = _Restore(conn, runtime.for_tenant(tenant_id), header, tenant_id)
                manifest = None
                async with conn.transaction():
                    await conn.execute(CANONICAL_SETTINGS)
                    await conn.execute(
                        "select set_config('nexus.tenant_id', $1, true)", str(tenant_id)
                    )
                    await restore.load_targets()
                    await restore.insert_tenant(slug or str(header.tenant["slug"]))
                    for member in members:
                        counting.step = member.name
                        manifest = await _member(tar, member, restore)
                        if manifest is not None:
                            break
                    if manifest is None:
                        raise ArchiveError(f"the archive ends without {MANIFEST}: truncated?")
                    await restore.verify(manifest)
                    # Running servers learn of the tenant's features as after any change.
                    await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant_id))
    except (tarfile.TarError, EOFError, zlib.error, msgspec.DecodeError) as exc:
        if restore is not None:
            await restore.undo_files()
        raise ArchiveError(f"the archive is damaged or truncated: {exc}") from exc
    except BaseException:
        if restore is not None:
            await restore.undo_files()
        raise
    finally:
        await conn.close()
        if blobs is None:
            await runtime.stop()
    assert restore is not None
    return ImportResult(
        tenant_id=restore.tenant_id,
        source_tenant_id=restore.source_id,
        slug=slug or str(header.tenant["slug"]),
        tables=restore.rows,
        rows=sum(restore.rows.values()),
        files=len(restore.file_sha),
        file_bytes=restore.file_bytes,
        archive_bytes=archive.stat().st_size,
        seconds=time.perf_counter() - started,
    )


def _read(tar: tarfile.TarFile, member: tarfile.TarInfo) -> bytes:
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveError(f"member {member.name} is not a file")
    return source.read()


async def _member(
    tar: tarfile.TarFile, member: tarfile.TarInfo, restore: _Restore
) -> Manifest | None:
    """Restore one member; return the manifest when it is the manifest."""
    if member.name == MANIFEST:
        return msgspec.json.decode(_read(tar, member), type=Manifest)
    source = tar.extractfile(member)
    if source is None:
        raise ArchiveError(f"member {member.name} is not a file")
    if member.name.startswith(TABLES_DIR) and member.name.endswith(".csv"):
        await restore.table(member.name[len(TABLES_DIR) : -len(".csv")], source)
    elif member.name.startswith(FILES_DIR):
        content_type = member.pax_headers.get(PAX_CONTENT_TYPE, "application/octet-stream")
        await restore.file(member.name[len(FILES_DIR) :], source, content_type)
        if member.pax_headers.get(PAX_SHA256) not in (None, restore.file_sha[restore.uploaded[-1]]):
            raise ArchiveError(f"file {member.name} is damaged (checksum)")
    else:
        raise ArchiveError(f"unexpected member {member.name}")
    return None
