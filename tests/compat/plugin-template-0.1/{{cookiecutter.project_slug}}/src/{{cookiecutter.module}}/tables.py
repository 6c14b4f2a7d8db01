"""The plugin's tenant-owned table.

``TenantOwned`` adds ``tenant_id`` (filled from the transaction's tenant) and a
time-ordered ``id``; the kernel enforces row-level security on the table at migrate time.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text, Timestamptz, Varchar
from piccolo.table import Table

__all__ = ("Item",)


class Item(TenantOwned, Table, tablename="{{ cookiecutter.plugin_name }}_item"):
    """One item of one tenant."""

    title = Varchar(length=200)
    notes = Text(default="")
    status = Varchar(length=20, default="new")
    created_at = Timestamptz()
