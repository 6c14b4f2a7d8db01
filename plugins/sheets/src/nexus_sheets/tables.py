"""The sheets tables (Piccolo), tenant-owned; the migration creates them with SQL."""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text, Timestamptz
from piccolo.table import Table

__all__ = ("SheetsWorkbook",)


class SheetsWorkbook(TenantOwned, Table, tablename="sheets_workbook"):
    """A workbook made through Sheets: its id is its Drive file's (the list the workspace shows)."""

    name = Text()
    created_by = Text()
    created_at = Timestamptz()
