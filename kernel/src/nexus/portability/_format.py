"""The tenant archive format (version 1): names, headers and the manifest.

A tar stream (gzip-compressed when the file name ends in ``.gz``), members in this order:

1. ``archive.json`` — :class:`ArchiveHeader`: format name and version, the tenant's
   ``nexus_tenant`` row, the tables that follow in insertion order, when and from what;
2. ``tables/<table>.csv`` — one per table with a ``tenant_id`` column: PostgreSQL ``COPY``
   CSV with a header line, the tenant's rows ordered by primary key;
3. ``files/<key>`` — the tenant's objects from the file store, keys without the tenant prefix;
4. ``manifest.json`` — :class:`Manifest`: rows, bytes and SHA-256 of every table member and
   size, content type and SHA-256 of every file; written last, once everything is known.

Each table and file member also carries its checksum in PAX headers (``NEXUS.*``).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec

__all__ = (
    "ARCHIVE_HEADER",
    "FILES_DIR",
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "MANIFEST",
    "PAX_CONTENT_TYPE",
    "PAX_ROWS",
    "PAX_SHA256",
    "TABLES_DIR",
    "ArchiveError",
    "ArchiveHeader",
    "FileEntry",
    "Manifest",
    "TableEntry",
)

FORMAT_NAME = "nexus-tenant-archive"
FORMAT_VERSION = 1
ARCHIVE_HEADER = "archive.json"
MANIFEST = "manifest.json"
TABLES_DIR = "tables/"
FILES_DIR = "files/"
PAX_SHA256 = "NEXUS.sha256"
PAX_ROWS = "NEXUS.rows"
PAX_CONTENT_TYPE = "NEXUS.content_type"


class ArchiveError(ValueError):
    """An archive that cannot be imported: unknown format, damaged, or not matching."""


class ArchiveHeader(msgspec.Struct, frozen=True, kw_only=True):
    """The first member, ``archive.json``.

    Attributes:
        format: Always :data:`FORMAT_NAME`.
        version: The format version (:data:`FORMAT_VERSION`).
        tenant: The tenant's ``nexus_tenant`` row (column → JSON value).
        tables: The table members that follow, parents before the tables referencing them.
        created_at: When the export's snapshot was taken.
        nexus_version: The exporting kernel's version.
    """

    format: str
    version: int
    tenant: dict[str, Any]
    tables: list[str]
    created_at: datetime
    nexus_version: str


class TableEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One table member: its rows, columns and the checksum of its bytes."""

    table: str
    columns: list[str]
    rows: int
    bytes: int
    sha256: str


class FileEntry(msgspec.Struct, frozen=True, kw_only=True):
    """One file member: the key (without tenant prefix), size, content type, checksum."""

    key: str
    bytes: int
    content_type: str
    sha256: str


class Manifest(msgspec.Struct, frozen=True, kw_only=True):
    """The last member, ``manifest.json``: what the archive holds, to verify an import."""

    format: str
    version: int
    tenant_id: str
    tables: list[TableEntry]
    files: list[FileEntry]
