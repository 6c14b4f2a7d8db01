"""``/employees``: the employment record — hire, change, terminate, rehire, delete.

Personal data is not part of an employee here: ``/employees/{id}/personal`` (with
``hr.personal:*``) holds it, so an employee read without that permission shows none.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    FeatureFlags,
    Limit,
    Page,
    TenantSettings,
    after_id,
    conflict,
    invalid,
    page_of,
    route_opt,
)

from nexus_hr._checklists import start_automatic
from nexus_hr._employees import (
    COLUMNS,
    EVENT_FIELDS,
    check_references,
    lock_employee,
    publish_change,
    publish_terminated,
    read_employee,
    refuse_terminated,
    today,
)
from nexus_hr._examples import body
from nexus_hr._fields import Country, Email, Name, Reason, TimeZone
from nexus_hr._keys import CHECKLISTS, EMPLOYEES_READ, EMPLOYEES_WRITE
from nexus_hr._settings import HrSettings

__all__ = ("EmployeeController", "EmployeeCreate", "EmployeeOut")

Subdivision = Annotated[str, msgspec.Meta(min_length=1, max_length=10, examples=["ENG"])]
Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Consultant"])]


class EmployeeOut(msgspec.Struct, kw_only=True):
    """An employee's employment record (no personal data)."""

    id: UUID
    name: str
    work_email: str | None
    user_id: UUID | None
    department_id: UUID | None
    position_id: UUID | None
    job_title: str | None
    manager_id: UUID | None
    hire_date: dt.date | None
    termination_date: dt.date | None
    termination_reason: str | None
    state: Literal["active", "terminated"]
    country: str | None
    subdivision: str | None
    time_zone: str
    working_schedule_id: UUID | None
    erased_at: dt.datetime | None
    created_at: dt.datetime
    updated_at: dt.datetime


class EmployeeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new employee; with ``hire_date`` they are hired (``hr.employee.hired.v1``)."""

    name: Name
    work_email: Email | None = None
    user_id: UUID | None = None
    department_id: UUID | None = None
    position_id: UUID | None = None
    job_title: Title | None = None
    manager_id: UUID | None = None
    hire_date: dt.date | None = None
    country: Country | None = None
    subdivision: Subdivision | None = None
    time_zone: TimeZone | None = None
    working_schedule_id: UUID | None = None


class EmployeeChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an employee; ``null`` clears an optional one."""

    name: Name | msgspec.UnsetType = msgspec.UNSET
    work_email: Email | None | msgspec.UnsetType = msgspec.UNSET
    user_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    department_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    position_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    job_title: Title | None | msgspec.UnsetType = msgspec.UNSET
    manager_id: UUID | None | msgspec.UnsetType = msgspec.UNSET
    hire_date: dt.date | msgspec.UnsetType = msgspec.UNSET
    country: Country | None | msgspec.UnsetType = msgspec.UNSET
    subdivision: Subdivision | None | msgspec.UnsetType = msgspec.UNSET
    time_zone: TimeZone | msgspec.UnsetType = msgspec.UNSET
    working_schedule_id: UUID | None | msgspec.UnsetType = msgspec.UNSET


class Termination(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The last day of employment (today when not given) and why."""

    termination_date: dt.date | None = None
    reason: Reason | None = None


class Rehire(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The first day of the new employment (today when not given)."""

    hire_date: dt.date | None = None


def _out(row: Any) -> EmployeeOut:
    return msgspec.convert(dict(row), EmployeeOut, strict=False)


_SETTABLE = (
    "name",
    "work_email",
    "user_id",
    "department_id",
    "position_id",
    "job_title",
    "manager_id",
    "hire_date",
    "country",
    "subdivision",
    "time_zone",
    "working_schedule_id",
)


async def _user_taken(conn: Any, user_id: UUID | None, employee_id: UUID | None) -> None:
    if user_id is None:
        return
    other = await conn.fetchval(
        "select id from hr_employee where user_id = $1 and ($2::uuid is null or id <> $2)",
        user_id,
        employee_id,
    )
    if other is not None:
        conflict("the user is linked to another employee", employee_id=str(other))


class EmployeeController(Controller):
    """Employees: the employment record, with its hire and termination."""

    path = "/employees"
    tags = ["hr"]

    @get("/", summary="List employees", opt=route_opt(permission=EMPLOYEES_READ))
    async def list_employees(
        self,
        db: Db,
        state_filter: Annotated[
            Literal["active", "terminated"] | None, QueryParameter(name="state")
        ] = None,
        department_id: Annotated[UUID | None, QueryParameter(description="Only these.")] = None,
        manager_id: Annotated[UUID | None, QueryParameter(description="Only these.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[EmployeeOut]:
        """Employees, oldest first, optionally of one state, department or manager."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"select {COLUMNS} from hr_employee where ($1::uuid is null or id > $1) "
                "and ($2::text is null or state = $2) "
                "and ($3::uuid is null or department_id = $3) "
                "and ($4::uuid is null or manager_id = $4) order by id limit $5",
                after_id(cursor),
                state_filter,
                department_id,
                manager_id,
                limit + 1,
            )
        return page_of([_out(row) for row in rows], limit)

    @post("/", summary="Create an employee", opt=route_opt(permission=EMPLOYEES_WRITE))
    async def create_employee(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        settings: TenantSettings[HrSettings],
        data: Annotated[EmployeeCreate, body("POST /employees", "A new hire")],
    ) -> EmployeeOut:
        """Create an employee (country, time zone and schedule default to the tenant's).

        With a ``hire_date`` this is a hire: ``hr.employee.hired.v1`` is published and the
        automatic onboarding checklists start, in the same transaction. 422 names a
        reference to nothing or an unknown time zone; 409 when the user is linked already.
        """
        values = msgspec.structs.asdict(data)
        values["country"] = data.country or settings.country
        values["subdivision"] = data.subdivision or (
            settings.subdivision if values["country"] == settings.country else None
        )
        values["time_zone"] = data.time_zone or settings.time_zone
        checklists = await features.enabled(CHECKLISTS)
        async with db.transaction() as conn:
            await check_references(conn, values)
            await _user_taken(conn, data.user_id, None)
            if values["working_schedule_id"] is None:
                values["working_schedule_id"] = await conn.fetchval(
                    "select id from hr_working_schedule where is_default"
                )
            listed = ", ".join(_SETTABLE)
            marks = ", ".join(f"${i}" for i in range(1, len(_SETTABLE) + 1))
            row = await conn.fetchrow(
                f"insert into hr_employee (id, {listed}) values (${len(_SETTABLE) + 1}, "
                f"{marks}) returning {COLUMNS}",
                *(values[key] for key in _SETTABLE),
                new_id(),
            )
            assert row is not None  # insert … returning always returns the row
            if row["hire_date"] is not None:
                await publish_change(conn, events, row, hired=True)
                if checklists:
                    await start_automatic(conn, row, kind="onboarding", start=row["hire_date"])
        return _out(row)

    @get(
        "/{employee_id:uuid}", summary="Show an employee", opt=route_opt(permission=EMPLOYEES_READ)
    )
    async def show_employee(self, db: Db, employee_id: FromPath[UUID]) -> EmployeeOut:
        """One employee's employment record, without personal data."""
        async with db.transaction() as conn:
            return _out(await read_employee(conn, employee_id))

    @patch(
        "/{employee_id:uuid}",
        summary="Change an employee",
        opt=route_opt(permission=EMPLOYEES_WRITE),
    )
    async def change_employee(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        employee_id: FromPath[UUID],
        data: Annotated[EmployeeChanges, body("PATCH /employees/{employee_id}", "A new title")],
    ) -> EmployeeOut:
        """Change an employee; a manager that reports to them is refused (422, a cycle).

        Publishes ``hr.employee.updated.v1`` when a field other services read changed
        (name, user link, manager, department, job, country, time zone, schedule), or
        ``hr.employee.hired.v1`` when a first hire date is set.
        """
        changes = {
            key: value
            for key, value in msgspec.structs.asdict(data).items()
            if value is not msgspec.UNSET
        }
        checklists = await features.enabled(CHECKLISTS)
        async with db.transaction() as conn:
            before = await lock_employee(conn, employee_id)
            await check_references(conn, changes, employee_id=employee_id)
            if "user_id" in changes:
                await _user_taken(conn, changes["user_id"], employee_id)
            last_day = before["termination_date"]
            if "hire_date" in changes and last_day is not None and changes["hire_date"] > last_day:
                invalid("hire_date", "must not be after the termination date")
            if not changes:
                return _out(before)
            sets = ", ".join(f"{key} = ${i}" for i, key in enumerate(changes, start=2))
            row = await conn.fetchrow(
                f"update hr_employee set {sets}, updated_at = now() where id = $1 "
                f"returning {COLUMNS}",
                employee_id,
                *changes.values(),
            )
            assert row is not None  # locked above
            if before["hire_date"] is None and row["hire_date"] is not None:
                await publish_change(conn, events, row, hired=True)
                if checklists:
                    await start_automatic(conn, row, kind="onboarding", start=row["hire_date"])
            elif any(before[key] != row[key] for key in EVENT_FIELDS):
                await publish_change(conn, events, row, hired=False)
        return _out(row)

    @delete(
        "/{employee_id:uuid}",
        summary="Delete an employee",
        opt=route_opt(permission=EMPLOYEES_WRITE),
    )
    async def delete_employee(self, db: Db, employee_id: FromPath[UUID]) -> None:
        """Delete an employee created by mistake, with everything held about them.

        Refused (409) once they have a contract: terminate or erase them instead, so the
        employment history stays.
        """
        async with db.transaction() as conn:
            await lock_employee(conn, employee_id)
            if await conn.fetchval(
                "select true from hr_contract where employee_id = $1 limit 1", employee_id
            ):
                conflict("the employee has contracts: terminate them instead")
            await conn.execute(
                "update hr_department set manager_id = null where manager_id = $1", employee_id
            )
            await conn.execute("delete from hr_employee where id = $1", employee_id)

    @post(
        "/{employee_id:uuid}/terminate",
        summary="Terminate an employee",
        opt=route_opt(permission=EMPLOYEES_WRITE),
        status_code=200,
    )
    async def terminate_employee(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        employee_id: FromPath[UUID],
        data: Annotated[
            Termination, body("POST /employees/{employee_id}/terminate", "A resignation")
        ],
    ) -> EmployeeOut:
        """End an employment: state ``terminated``, the running contract ended that day.

        Publishes ``hr.employee.terminated.v1`` (the kernel then disables the linked user's
        access when the tenant keeps ``disable_users_on_termination`` on) and starts the
        automatic offboarding checklists. 409 when terminated already; 422 when the date
        is before the hire date.
        """
        checklists = await features.enabled(CHECKLISTS)
        last_day = data.termination_date or today()
        async with db.transaction() as conn:
            before = await lock_employee(conn, employee_id)
            refuse_terminated(before)
            if before["hire_date"] is not None and last_day < before["hire_date"]:
                invalid("termination_date", "must not be before the hire date")
            row = await conn.fetchrow(
                "update hr_employee set state = 'terminated', termination_date = $2, "
                f"termination_reason = $3, updated_at = now() where id = $1 returning {COLUMNS}",
                employee_id,
                last_day,
                data.reason,
            )
            assert row is not None  # locked above
            # Ended on the last day at the latest; one that would only have started later
            # ends the day it starts (an end before the start is no contract).
            await conn.execute(
                "update hr_contract set state = 'ended', end_date = greatest(start_date, "
                "least(coalesce(end_date, $2), $2)) where employee_id = $1 and state <> 'ended'",
                employee_id,
                last_day,
            )
            await publish_terminated(conn, events, row)
            if checklists:
                await start_automatic(conn, row, kind="offboarding", start=last_day)
        return _out(row)

    @post(
        "/{employee_id:uuid}/rehire",
        summary="Rehire an employee",
        opt=route_opt(permission=EMPLOYEES_WRITE),
        status_code=200,
    )
    async def rehire_employee(
        self,
        db: Db,
        events: Events,
        features: FeatureFlags,
        employee_id: FromPath[UUID],
        data: Annotated[Rehire, body("POST /employees/{employee_id}/rehire", "Back again")],
    ) -> EmployeeOut:
        """Hire a terminated employee again: ``hr.employee.hired.v1`` with the new hire date.

        409 unless the employee is terminated; 422 when the date is not after their last
        day. Their contracts stay as history; create a new one.
        """
        checklists = await features.enabled(CHECKLISTS)
        first_day = data.hire_date or today()
        async with db.transaction() as conn:
            before = await lock_employee(conn, employee_id)
            if before["state"] != "terminated":
                conflict("only a terminated employee can be rehired", state=before["state"])
            if before["erased_at"] is not None:
                conflict("the employee's personal data was erased", state="erased")
            if first_day <= before["termination_date"]:
                invalid("hire_date", "must be after the last day of the previous employment")
            row = await conn.fetchrow(
                "update hr_employee set state = 'active', hire_date = $2, termination_date = null, "
                f"termination_reason = null, updated_at = now() where id = $1 returning {COLUMNS}",
                employee_id,
                first_day,
            )
            assert row is not None  # locked above
            await publish_change(conn, events, row, hired=True)
            if checklists:
                await start_automatic(conn, row, kind="onboarding", start=first_day)
        return _out(row)
