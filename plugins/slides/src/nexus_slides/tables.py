"""The slides tables (Piccolo), tenant-owned; the migration creates them with SQL."""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import Text, Timestamptz
from piccolo.table import Table

__all__ = ("SlidesDeck",)


class SlidesDeck(TenantOwned, Table, tablename="slides_deck"):
    """A deck made through Slides: its id is its Drive file's (the list the workspace shows)."""

    name = Text()
    created_by = Text()
    created_at = Timestamptz()
