"""``/employees``: the roster of people whose time is kept, their PINs and rosters."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, patch, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    conflict,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_time._employees import EMPLOYEE_COLUMNS, employee_row, hash_pin
from nexus_time._examples import body
from nexus_time._fields import Name, Pin, ZoneName
from nexus_time._hours import EARLIEST, LATEST, in_range, valid_zone
from nexus_time._keys import ATTENDANCE_MANAGE, ATTENDANCE_READ

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = (
    "EmployeeChanges",
    "EmployeeController",
    "EmployeeCreate",
    "EmployeeOut",
    "RosterIn",
    "RosterOut",
)


class EmployeeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone to keep time for, registered here (HR's employees arrive by its events)."""

    name: Name
    time_zone: ZoneName
    id: UUID | None = None
    user_id: UUID | None = None
    department_id: UUID | None = None
    schedule_id: UUID | None = None


class EmployeeChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an employee; ``active: false`` stops them clocking."""

    name: Name | None = None
    time_zone: ZoneName | None = None
    user_id: UUID | None = None
    department_id: UUID | None = None
    schedule_id: UUID | None = None
    active: bool | None = None


class PinIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A kiosk PIN (kept only as an argon2 hash)."""

    pin: Pin


class EmployeeOut(msgspec.Struct, kw_only=True):
    """An employee; ``has_pin`` tells whether a kiosk PIN is set (the PIN is never shown)."""

    id: UUID
    name: str
    user_id: UUID | None
    department_id: UUID | None
    time_zone: str
    schedule_id: UUID | None
    active: bool
    source: str
    has_pin: bool
    created_at: datetime
    updated_at: datetime


class RosterIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A shift for an employee on a day (replaces that day's shift)."""

    shift_id: UUID
    date: date


class RosterOut(msgspec.Struct, kw_only=True):
    """One employee on one shift on one day."""

    id: UUID
    employee_id: UUID
    shift_id: UUID
    date: date


def _employee(row: Mapping[str, Any] | None) -> EmployeeOut:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), EmployeeOut, strict=False)


async def _check_refs(conn: Connection, *, time_zone: str | None, schedule_id: UUID | None) -> None:
    if time_zone is not None and not valid_zone(time_zone):
        invalid("time_zone", "not an IANA time zone")
    if schedule_id is not None:
        found = await conn.fetchval("select true from time_schedule where id = $1", schedule_id)
        if not found:
            invalid("schedule_id", "no such schedule")


class EmployeeController(Controller):
    """Employees: registered here or kept from HR's events."""

    path = "/employees"
    tags = ["time: employees"]

    @get("/", summary="List employees", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_employees(
        self,
        db: Db,
        active: Annotated[bool | None, QueryParameter(description="Only (in)active ones.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[EmployeeOut]:
        """Employees in creation order, optionally only active (or inactive) ones."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {EMPLOYEE_COLUMNS} from time_employee where ($1::uuid is null or "
                "id > $1) and ($2::boolean is null or active = $2) order by id limit $3",
                after_id(cursor),
                active,
                limit + 1,
            )
        return page_of([_employee(row) for row in rows], limit)

    @post("/", summary="Register an employee", opt=route_opt(permission=ATTENDANCE_MANAGE))
    async def create_employee(
        self,
        db: Db,
        data: Annotated[EmployeeCreate, body("POST /employees", "An employee in London")],
    ) -> EmployeeOut:
        """Register an employee directly (when HR is off); 409 when the id is taken.

        With HR on, employees arrive through ``hr.employee.hired.v1`` with HR's ids.
        """
        async with db.transaction() as conn:
            await _check_refs(conn, time_zone=data.time_zone, schedule_id=data.schedule_id)
            row = await conn.fetchrow(
                "insert into time_employee (id, name, user_id, department_id, time_zone, "
                "schedule_id, source) values ($1, $2, $3, $4, $5, $6, 'direct') "
                f"on conflict (tenant_id, id) do nothing returning {EMPLOYEE_COLUMNS}",
                data.id or new_id(),
                data.name,
                data.user_id,
                data.department_id,
                data.time_zone,
                data.schedule_id,
            )
        if row is None:
            conflict("an employee with that id exists", id=str(data.id))
        return _employee(row)

    @get(
        "/{employee_id:uuid}", summary="Show an employee", opt=route_opt(permission=ATTENDANCE_READ)
    )
    async def show_employee(self, db: Db, employee_id: FromPath[UUID]) -> EmployeeOut:
        """One employee."""
        async with db.transaction() as conn:
            return _employee(await employee_row(conn, employee_id))

    @patch(
        "/{employee_id:uuid}",
        summary="Change an employee",
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def change_employee(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[EmployeeChanges, body("PATCH /employees/{employee_id}", "A new zone")],
    ) -> EmployeeOut:
        """Change an employee's name, zone, user link, department, schedule or activity.

        Records already clocked keep the zone they were clocked in.
        """
        async with db.transaction() as conn:
            await employee_row(conn, employee_id, lock=True)
            await _check_refs(conn, time_zone=data.time_zone, schedule_id=data.schedule_id)
            changes = msgspec.structs.asdict(data)
            row = await conn.fetchrow(
                "update time_employee set name = coalesce($2, name), user_id = coalesce($3, "
                "user_id), department_id = coalesce($4, department_id), time_zone = "
                "coalesce($5, time_zone), schedule_id = coalesce($6, schedule_id), active = "
                "coalesce($7, active), updated_at = now() where id = $1 "
                f"returning {EMPLOYEE_COLUMNS}",
                employee_id,
                *(
                    changes[k]
                    for k in ("name", "user_id", "department_id", "time_zone", "schedule_id")
                ),
                changes["active"],
            )
        return _employee(row)

    @put(
        "/{employee_id:uuid}/pin",
        summary="Set a kiosk PIN",
        status_code=204,
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def set_pin(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[PinIn, body("PUT /employees/{employee_id}/pin", "A four-digit PIN")],
    ) -> None:
        """Set (or replace) the employee's kiosk PIN; it is kept only as an argon2 hash."""
        hashed = hash_pin(data.pin)
        async with db.transaction() as conn:
            done = await conn.execute(
                "update time_employee set pin_hash = $2, updated_at = now() where id = $1",
                employee_id,
                hashed,
            )
        if done == "UPDATE 0":
            not_found()

    @post(
        "/{employee_id:uuid}/roster",
        summary="Roster a shift",
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def roster_shift(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[RosterIn, body("POST /employees/{employee_id}/roster", "Early shift")],
    ) -> RosterOut:
        """Put the employee on a shift on a day, replacing that day's shift if any."""
        async with db.transaction() as conn:
            await employee_row(conn, employee_id)
            if not in_range(data.date):
                invalid("date", f"between {EARLIEST} and {LATEST}")
            if not await conn.fetchval("select true from time_shift where id = $1", data.shift_id):
                invalid("shift_id", "no such shift")
            row = await conn.fetchrow(
                "insert into time_roster (id, employee_id, shift_id, day) values ($1, $2, $3, $4) "
                "on conflict (tenant_id, employee_id, day) do update set shift_id = "
                "excluded.shift_id returning id, employee_id, shift_id, day as date",
                new_id(),
                employee_id,
                data.shift_id,
                data.date,
            )
        return msgspec.convert(dict(row or {}), RosterOut, strict=False)
