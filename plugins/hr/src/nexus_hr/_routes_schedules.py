"""``/schedules``: working schedules — hours per weekday, in a time zone."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    conflict,
    decimal_meta,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_hr._examples import body
from nexus_hr._fields import Name, TimeZone
from nexus_hr._keys import SCHEDULES_READ, SCHEDULES_WRITE
from nexus_hr._schedules import DAYS, valid_time_zone

__all__ = ("ScheduleController",)

Hours = Annotated[
    Decimal, decimal_meta(digits=2, places=2, description="Hours, 0 to 24.", example="8.00")
]

_COLUMNS = (
    "id, name, time_zone, " + ", ".join(f"{d}_hours" for d in DAYS) + ", is_default, created_at"
)


class ScheduleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new working schedule: hours per weekday (0 when not given) in a time zone."""

    name: Name
    time_zone: TimeZone = "UTC"
    monday_hours: Hours = Decimal(0)
    tuesday_hours: Hours = Decimal(0)
    wednesday_hours: Hours = Decimal(0)
    thursday_hours: Hours = Decimal(0)
    friday_hours: Hours = Decimal(0)
    saturday_hours: Hours = Decimal(0)
    sunday_hours: Hours = Decimal(0)


class ScheduleChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a working schedule."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    time_zone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    monday_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    tuesday_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    wednesday_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    thursday_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    friday_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    saturday_hours: Hours | msgspec.UnsetType = msgspec.UNSET
    sunday_hours: Hours | msgspec.UnsetType = msgspec.UNSET


class ScheduleOut(msgspec.Struct, kw_only=True):
    """A working schedule; ``weekly_hours`` is the sum of its days."""

    id: UUID
    name: str
    time_zone: str
    monday_hours: Decimal
    tuesday_hours: Decimal
    wednesday_hours: Decimal
    thursday_hours: Decimal
    friday_hours: Decimal
    saturday_hours: Decimal
    sunday_hours: Decimal
    weekly_hours: Decimal
    is_default: bool
    created_at: dt.datetime


def _out(row: Any) -> ScheduleOut:
    if row is None:
        not_found()
    values = dict(row)
    values["weekly_hours"] = sum((values[f"{d}_hours"] for d in DAYS), Decimal(0))
    return msgspec.convert(values, ScheduleOut, strict=False)


def _check(values: dict[str, Any]) -> None:
    zone = values.get("time_zone")
    if zone is not None and not valid_time_zone(zone):
        invalid("time_zone", "not an IANA time zone")
    for day in DAYS:
        hours = values.get(f"{day}_hours")
        if hours is not None and not Decimal(0) <= hours <= Decimal(24):
            invalid(f"{day}_hours", "must be between 0 and 24")


class ScheduleController(Controller):
    """Working schedules (one per tenant, "Standard 40h", is seeded and the default)."""

    path = "/schedules"
    tags = ["hr"]

    @get("/", summary="List working schedules", opt=route_opt(permission=SCHEDULES_READ))
    async def list_schedules(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[ScheduleOut]:
        """Working schedules, oldest first (the seeded default among them)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {_COLUMNS} from hr_working_schedule where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(row) for row in rows], limit)

    @post("/", summary="Create a working schedule", opt=route_opt(permission=SCHEDULES_WRITE))
    async def create_schedule(
        self, db: Db, data: Annotated[ScheduleIn, body("POST /schedules", "Part time")]
    ) -> ScheduleOut:
        """Create a working schedule (422 for an unknown time zone or hours past 24)."""
        values = msgspec.structs.asdict(data)
        _check(values)
        async with db.transaction() as conn:
            keys = list(values)
            row = await conn.fetchrow(
                f"insert into hr_working_schedule (id, {', '.join(keys)}) values ($1, "
                + ", ".join(f"${i}" for i in range(2, len(keys) + 2))
                + f") returning {_COLUMNS}",
                new_id(),
                *values.values(),
            )
        return _out(row)

    @get(
        "/{schedule_id:uuid}",
        summary="Show a working schedule",
        opt=route_opt(permission=SCHEDULES_READ),
    )
    async def show_schedule(self, db: Db, schedule_id: FromPath[UUID]) -> ScheduleOut:
        """One working schedule."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {_COLUMNS} from hr_working_schedule where id = $1", schedule_id
            )
        return _out(row)

    @patch(
        "/{schedule_id:uuid}",
        summary="Change a working schedule",
        opt=route_opt(permission=SCHEDULES_WRITE),
    )
    async def change_schedule(
        self,
        db: Db,
        schedule_id: FromPath[UUID],
        data: Annotated[ScheduleChanges, body("PATCH /schedules/{schedule_id}", "Fridays off")],
    ) -> ScheduleOut:
        """Change a working schedule's name, time zone or hours."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        _check(changes)
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select true from hr_working_schedule where id = $1 for update", schedule_id
            ):
                not_found()
            sets = ", ".join(f"{key} = ${i}" for i, key in enumerate(changes, start=2))
            query = (
                f"update hr_working_schedule set {sets} where id = $1 returning {_COLUMNS}"
                if changes
                else f"select {_COLUMNS} from hr_working_schedule where id = $1"
            )
            row = await conn.fetchrow(query, schedule_id, *changes.values())
        return _out(row)

    @delete(
        "/{schedule_id:uuid}",
        summary="Delete a working schedule",
        opt=route_opt(permission=SCHEDULES_WRITE),
    )
    async def delete_schedule(self, db: Db, schedule_id: FromPath[UUID]) -> None:
        """Delete a schedule (409 for the default one); employees and contracts lose it."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select is_default from hr_working_schedule where id = $1 for update", schedule_id
            )
            if row is None:
                not_found()
            if row["is_default"]:
                conflict("the default schedule cannot be deleted")
            await conn.execute("delete from hr_working_schedule where id = $1", schedule_id)
