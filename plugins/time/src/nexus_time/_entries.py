"""Time entries: hours per day against an activity or a project/task reference."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import invalid, not_found

from nexus_time._attendance import ensure_week_open
from nexus_time._employees import employee_row
from nexus_time._hours import EARLIEST, LATEST, in_range

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("EntryOut", "change_entry", "create_entry", "delete_entry", "read_entry")


class EntryOut(msgspec.Struct, kw_only=True):
    """A time entry."""

    id: UUID
    employee_id: UUID
    date: date
    hours: str
    activity: str | None
    project_ref: str | None
    task_ref: str | None
    note: str | None
    created_at: datetime


_COLUMNS = (
    "id, employee_id, day as date, hours::text as hours, activity, project_ref, task_ref, "
    "note, created_at"
)


def _check(fields: dict[str, Any]) -> None:
    if not in_range(fields["date"]):
        invalid("date", f"between {EARLIEST} and {LATEST}")
    hours = fields.get("hours")
    if hours is not None and not (Decimal(0) < hours <= Decimal(24)):
        invalid("hours", "more than 0 and at most 24")
    if not any(fields.get(k) for k in ("activity", "project_ref", "task_ref")):
        invalid("activity", "name an activity, or a project_ref / task_ref")


async def read_entry(conn: Connection, entry_id: UUID, *, lock: bool = False) -> EntryOut:
    """One entry; 404 when absent."""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from time_entry where id = $1" + (" for update" if lock else ""),
        entry_id,
    )
    if row is None:
        not_found()
    return msgspec.convert(dict(row), EntryOut, strict=False)


async def create_entry(conn: Connection, employee_id: UUID, fields: dict[str, Any]) -> EntryOut:
    """Record an entry; 409 when its week's timesheet is submitted or approved."""
    await employee_row(conn, employee_id)
    _check(fields)
    await ensure_week_open(conn, employee_id, fields["date"])
    entry_id = new_id()
    await conn.execute(
        "insert into time_entry (id, employee_id, day, hours, activity, project_ref, task_ref, "
        "note) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        entry_id,
        employee_id,
        fields["date"],
        fields["hours"],
        fields.get("activity"),
        fields.get("project_ref"),
        fields.get("task_ref"),
        fields.get("note"),
    )
    return await read_entry(conn, entry_id)


async def change_entry(conn: Connection, entry_id: UUID, changes: dict[str, Any]) -> EntryOut:
    """Change an entry; 409 when its old or new week is locked."""
    entry = await read_entry(conn, entry_id, lock=True)
    merged = {
        **msgspec.structs.asdict(entry),
        **{k: v for k, v in changes.items() if v is not None},
    }
    merged["hours"] = Decimal(merged["hours"])
    _check(merged)
    await ensure_week_open(conn, entry.employee_id, entry.date)
    await ensure_week_open(conn, entry.employee_id, merged["date"])
    await conn.execute(
        "update time_entry set day = $2, hours = $3, activity = $4, project_ref = $5, "
        "task_ref = $6, note = $7 where id = $1",
        entry_id,
        merged["date"],
        merged["hours"],
        merged["activity"],
        merged["project_ref"],
        merged["task_ref"],
        merged["note"],
    )
    return await read_entry(conn, entry_id)


async def delete_entry(conn: Connection, entry_id: UUID) -> None:
    """Delete an entry; 409 when its week is locked."""
    entry = await read_entry(conn, entry_id, lock=True)
    await ensure_week_open(conn, entry.employee_id, entry.date)
    await conn.execute("delete from time_entry where id = $1", entry_id)
