"""Tenant portability: one tenant's rows and files as one archive, and back.

``nexus tenants export`` and ``nexus tenants import`` use it; the archive format is
described in ``README.md`` beside this module.
"""

from __future__ import annotations

from nexus.portability._export import ExportResult, export_tenant
from nexus.portability._format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    ArchiveError,
    ArchiveHeader,
    FileEntry,
    Manifest,
    TableEntry,
)
from nexus.portability._import import ImportConflict, ImportResult, import_tenant
from nexus.portability._progress import Progress, QuietProgress

__all__ = (
    "FORMAT_NAME",
    "FORMAT_VERSION",
    "ArchiveError",
    "ArchiveHeader",
    "ExportResult",
    "FileEntry",
    "ImportConflict",
    "ImportResult",
    "Manifest",
    "Progress",
    "QuietProgress",
    "TableEntry",
    "export_tenant",
    "import_tenant",
)
