"""Sheets' permissions and event types."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "READ",
    "RECALCULATED",
    "WORKBOOK_CREATED",
    "WRITE",
    "Recalculated",
    "WorkbookCreated",
)

READ = "sheets.workbooks:read"
WRITE = "sheets.workbooks:write"


class WorkbookCreated(msgspec.Struct, kw_only=True):
    """A workbook was created, empty or from a file (``source``)."""

    file_id: UUID
    name: str
    sheets: list[str]
    source: Literal["new", "xlsx", "csv"]


class Recalculated(msgspec.Struct, kw_only=True):
    """The server recalculated a workbook and wrote ``changed`` cell values into it."""

    file_id: UUID
    changed: int


WORKBOOK_CREATED = EventType(
    type="sheets.workbook.created.v1",
    payload=WorkbookCreated,
    description="A workbook was created (empty, or imported from an XLSX or CSV file).",
)
RECALCULATED = EventType(
    type="sheets.workbook.recalculated.v1",
    payload=Recalculated,
    description=(
        "A workbook's formulas were recalculated after a change and the changed values "
        "written into the document (never published when nothing changed)."
    ),
)
