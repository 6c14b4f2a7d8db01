"""The writer tables (Piccolo), tenant-owned; the migration creates them with SQL."""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text, Timestamptz
from piccolo.table import Table

__all__ = ("WriterDocument",)


class WriterDocument(TenantOwned, Table, tablename="writer_document"):
    """A Writer document: its id is its Drive file's."""

    name = Text()
    created_by = Text()
    created_at = Timestamptz()
