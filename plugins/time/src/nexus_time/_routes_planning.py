"""``/schedules``, ``/shifts`` and ``/rosters``: overtime and lateness rules, shift plans."""

from __future__ import annotations

from datetime import date, datetime, time
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    decimal_meta,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_time._examples import body
from nexus_time._fields import Name, ZoneName
from nexus_time._hours import valid_zone
from nexus_time._keys import ATTENDANCE_MANAGE, ATTENDANCE_READ
from nexus_time._routes_employees import RosterOut

__all__ = ("RosterController", "ScheduleController", "ShiftController")

DayHours = Annotated[Decimal, decimal_meta(digits=2, places=2, description="Hours.", example="8")]
WeekHours = Annotated[Decimal, decimal_meta(digits=3, places=2, description="Hours.", example="40")]
Grace = Annotated[int, msgspec.Meta(ge=0, le=240)]


class ScheduleIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Overtime and lateness rules; a threshold left out falls back to the tenant's setting."""

    name: Name
    daily_threshold_hours: DayHours | None = None
    weekly_threshold_hours: WeekHours | None = None
    grace_minutes: Grace | None = None


class ScheduleChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a schedule."""

    name: Name | None = None
    daily_threshold_hours: DayHours | None = None
    weekly_threshold_hours: WeekHours | None = None
    grace_minutes: Grace | None = None


class ScheduleOut(msgspec.Struct, kw_only=True):
    """A schedule's rules (``null``: the tenant's setting applies)."""

    id: UUID
    name: str
    daily_threshold_hours: str | None
    weekly_threshold_hours: str | None
    grace_minutes: int | None
    created_at: datetime


class ShiftIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A shift template: local start and end (an end before the start runs overnight)."""

    name: Name
    start: time
    end: time
    time_zone: ZoneName | None = None


class ShiftOut(msgspec.Struct, kw_only=True):
    """A shift template; without a zone it runs in each rostered employee's zone."""

    id: UUID
    name: str
    start: time
    end: time
    time_zone: str | None
    created_at: datetime


def _schedule(row: Any) -> ScheduleOut:
    found = dict(row)
    for key in ("daily_threshold_hours", "weekly_threshold_hours"):
        found[key] = None if found[key] is None else str(found[key])
    return msgspec.convert(found, ScheduleOut, strict=False)


_SHIFT = "select id, name, start_time as start, end_time as end, time_zone, created_at "


def _check_hours(daily: Decimal | None, weekly: Decimal | None) -> None:
    if daily is not None and daily > 24:
        invalid("daily_threshold_hours", "at most 24")
    if weekly is not None and weekly > 168:
        invalid("weekly_threshold_hours", "at most 168")


class ScheduleController(Controller):
    """Schedules: the overtime thresholds and lateness grace their employees work under."""

    path = "/schedules"
    tags = ["time: planning"]

    @get("/", summary="List schedules", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_schedules(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[ScheduleOut]:
        """Schedules in creation order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from time_schedule where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_schedule(row) for row in rows], limit)

    @post("/", summary="Create a schedule", opt=route_opt(permission=ATTENDANCE_MANAGE))
    async def create_schedule(
        self, db: Db, data: Annotated[ScheduleIn, body("POST /schedules", "A 40-hour week")]
    ) -> ScheduleOut:
        """Create a schedule; assign it to employees with ``PATCH /employees/{id}``."""
        _check_hours(data.daily_threshold_hours, data.weekly_threshold_hours)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into time_schedule (id, name, daily_threshold_hours, "
                "weekly_threshold_hours, grace_minutes) values ($1, $2, $3, $4, $5) returning *",
                new_id(),
                data.name,
                data.daily_threshold_hours,
                data.weekly_threshold_hours,
                data.grace_minutes,
            )
        return _schedule(row)

    @get(
        "/{schedule_id:uuid}", summary="Show a schedule", opt=route_opt(permission=ATTENDANCE_READ)
    )
    async def show_schedule(self, db: Db, schedule_id: FromPath[UUID]) -> ScheduleOut:
        """One schedule."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from time_schedule where id = $1", schedule_id)
        if row is None:
            not_found()
        return _schedule(row)

    @patch(
        "/{schedule_id:uuid}",
        summary="Change a schedule",
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def change_schedule(
        self,
        db: Db,
        schedule_id: FromPath[UUID],
        data: Annotated[ScheduleChanges, body("PATCH /schedules/{schedule_id}", "More grace")],
    ) -> ScheduleOut:
        """Change a schedule's name or rules; reports recompute with the new rules."""
        _check_hours(data.daily_threshold_hours, data.weekly_threshold_hours)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update time_schedule set name = coalesce($2, name), daily_threshold_hours = "
                "coalesce($3, daily_threshold_hours), weekly_threshold_hours = coalesce($4, "
                "weekly_threshold_hours), grace_minutes = coalesce($5, grace_minutes) "
                "where id = $1 returning *",
                schedule_id,
                data.name,
                data.daily_threshold_hours,
                data.weekly_threshold_hours,
                data.grace_minutes,
            )
        if row is None:
            not_found()
        return _schedule(row)


class ShiftController(Controller):
    """Shift templates: local start and end times, in a zone or the employee's."""

    path = "/shifts"
    tags = ["time: planning"]

    @get("/", summary="List shifts", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_shifts(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[ShiftOut]:
        """Shift templates in creation order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                _SHIFT + "from time_shift where ($1::uuid is null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), ShiftOut, strict=False) for r in rows], limit)

    @post("/", summary="Create a shift", opt=route_opt(permission=ATTENDANCE_MANAGE))
    async def create_shift(
        self, db: Db, data: Annotated[ShiftIn, body("POST /shifts", "An early shift")]
    ) -> ShiftOut:
        """Create a shift template; roster it with ``POST /employees/{id}/roster``."""
        if data.time_zone is not None and not valid_zone(data.time_zone):
            invalid("time_zone", "not an IANA time zone")
        if data.start.tzinfo is not None or data.end.tzinfo is not None:
            invalid("start", "a local time, without an offset")
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into time_shift (id, name, start_time, end_time, time_zone) "
                "values ($1, $2, $3, $4, $5) returning id, name, start_time as start, "
                "end_time as end, time_zone, created_at",
                new_id(),
                data.name,
                data.start,
                data.end,
                data.time_zone,
            )
        return msgspec.convert(dict(row or {}), ShiftOut, strict=False)

    @get("/{shift_id:uuid}", summary="Show a shift", opt=route_opt(permission=ATTENDANCE_READ))
    async def show_shift(self, db: Db, shift_id: FromPath[UUID]) -> ShiftOut:
        """One shift template."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(_SHIFT + "from time_shift where id = $1", shift_id)
        if row is None:
            not_found()
        return msgspec.convert(dict(row), ShiftOut, strict=False)


class RosterController(Controller):
    """Who works which shift on which day."""

    path = "/rosters"
    tags = ["time: planning"]

    @get("/", summary="List roster days", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_rosters(
        self,
        db: Db,
        employee_id: Annotated[UUID | None, QueryParameter(description="One employee's.")] = None,
        date_from: Annotated[date | None, QueryParameter(description="From this day.")] = None,
        date_to: Annotated[date | None, QueryParameter(description="To this day.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[RosterOut]:
        """Roster days in creation order, optionally of one employee and a period."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, employee_id, shift_id, day as date from time_roster where "
                "($1::uuid is null or id > $1) and ($2::uuid is null or employee_id = $2) and "
                "($3::date is null or day >= $3) and ($4::date is null or day <= $4) "
                "order by id limit $5",
                after_id(cursor),
                employee_id,
                date_from,
                date_to,
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), RosterOut, strict=False) for r in rows], limit)

    @delete(
        "/{roster_id:uuid}",
        summary="Remove a roster day",
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def remove_roster(self, db: Db, roster_id: FromPath[UUID]) -> None:
        """Take the employee off that day's shift."""
        async with db.transaction() as conn:
            done = await conn.execute("delete from time_roster where id = $1", roster_id)
        if done == "DELETE 0":
            not_found()
