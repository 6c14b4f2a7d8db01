"""``/entries`` and ``/timesheets``: time per day, weekly submission and approval."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    after_id,
    page_of,
    route_opt,
)

from nexus_time._entries import EntryOut, change_entry, create_entry, delete_entry, read_entry
from nexus_time._examples import body
from nexus_time._fields import Hours, Note, Ref
from nexus_time._keys import TIMESHEETS_APPROVE, TIMESHEETS_READ, TIMESHEETS_WRITE
from nexus_time._settings import TimeSettings
from nexus_time._timesheets import TimesheetOut, open_timesheet, read_timesheet, transition

__all__ = (
    "EmployeeTimeController",
    "EntryChanges",
    "EntryController",
    "EntryIn",
    "TimesheetController",
    "TimesheetIn",
)

Activity = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["support"])]


class EntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Hours on a day, against a free activity or a project/task reference (or both).

    ``project_ref`` and ``task_ref`` are opaque: the Projects plugin (to come) will
    correlate its projects and tasks through them and ``time.timesheet.approved.v1``.
    """

    date: date
    hours: Hours
    activity: Activity | None = None
    project_ref: Ref | None = None
    task_ref: Ref | None = None
    note: Note | None = None


class EntryChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an entry."""

    date: date | None = None
    hours: Hours | None = None
    activity: Activity | None = None
    project_ref: Ref | None = None
    task_ref: Ref | None = None
    note: Note | None = None


class TimesheetIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The week to open a timesheet for (its Monday)."""

    week_start: date


class Rejection(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why a timesheet goes back to its employee."""

    note: Note | None = None


class EmployeeTimeController(Controller):
    """An employee's entries and timesheets."""

    path = "/employees/{employee_id:uuid}"
    tags = ["time: timesheets"]
    opt = route_opt(permission=TIMESHEETS_WRITE)

    @post("/entries", summary="Record a time entry")
    async def create_entry(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[EntryIn, body("POST /employees/{employee_id}/entries", "A workshop")],
    ) -> EntryOut:
        """Record hours on a day; 409 when that week's timesheet is submitted or approved."""
        async with db.transaction() as conn:
            return await create_entry(conn, employee_id, msgspec.structs.asdict(data))

    @post("/timesheets", summary="Open a weekly timesheet")
    async def open_timesheet(
        self,
        db: Db,
        settings: TenantSettings[TimeSettings],
        employee_id: FromPath[UUID],
        data: Annotated[
            TimesheetIn, body("POST /employees/{employee_id}/timesheets", "The week of 23 March")
        ],
    ) -> TimesheetOut:
        """Open the employee's draft timesheet for a week (Monday); 409 when it has one.

        Its lines are the week's entries and, for days without entries, the hours clocked.
        """
        async with db.transaction() as conn:
            return await open_timesheet(conn, employee_id, data.week_start, settings)


class EntryController(Controller):
    """Time entries."""

    path = "/entries"
    tags = ["time: timesheets"]

    @get("/", summary="List time entries", opt=route_opt(permission=TIMESHEETS_READ))
    async def list_entries(
        self,
        db: Db,
        employee_id: Annotated[UUID | None, QueryParameter(description="One employee's.")] = None,
        project_ref: Annotated[
            str | None, QueryParameter(description="Against this project.", max_length=200)
        ] = None,
        date_from: Annotated[date | None, QueryParameter(description="From this day.")] = None,
        date_to: Annotated[date | None, QueryParameter(description="To this day.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[EntryOut]:
        """Entries in creation order, optionally of one employee, project and period."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, employee_id, day as date, hours::text as hours, activity, "
                "project_ref, task_ref, note, created_at from time_entry where ($1::uuid is "
                "null or id > $1) and ($2::uuid is null or employee_id = $2) and ($3::text is "
                "null or project_ref = $3) and ($4::date is null or day >= $4) and ($5::date "
                "is null or day <= $5) order by id limit $6",
                after_id(cursor),
                employee_id,
                project_ref,
                date_from,
                date_to,
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), EntryOut, strict=False) for r in rows], limit)

    @get("/{entry_id:uuid}", summary="Show an entry", opt=route_opt(permission=TIMESHEETS_READ))
    async def show_entry(self, db: Db, entry_id: FromPath[UUID]) -> EntryOut:
        """One entry."""
        async with db.transaction() as conn:
            return await read_entry(conn, entry_id)

    @patch(
        "/{entry_id:uuid}", summary="Change an entry", opt=route_opt(permission=TIMESHEETS_WRITE)
    )
    async def change_entry(
        self,
        db: Db,
        entry_id: FromPath[UUID],
        data: Annotated[EntryChanges, body("PATCH /entries/{entry_id}", "Three hours")],
    ) -> EntryOut:
        """Change an entry; 409 when its week is locked (submitted or approved)."""
        async with db.transaction() as conn:
            return await change_entry(conn, entry_id, msgspec.structs.asdict(data))

    @delete(
        "/{entry_id:uuid}", summary="Delete an entry", opt=route_opt(permission=TIMESHEETS_WRITE)
    )
    async def delete_entry(self, db: Db, entry_id: FromPath[UUID]) -> None:
        """Delete an entry; 409 when its week is locked."""
        async with db.transaction() as conn:
            await delete_entry(conn, entry_id)


class TimesheetController(Controller):
    """Weekly timesheets: draft → submitted → approved (locked) or rejected."""

    path = "/timesheets"
    tags = ["time: timesheets"]

    @get("/", summary="List timesheets", opt=route_opt(permission=TIMESHEETS_READ))
    async def list_timesheets(
        self,
        db: Db,
        settings: TenantSettings[TimeSettings],
        employee_id: Annotated[UUID | None, QueryParameter(description="One employee's.")] = None,
        in_state: Annotated[
            Literal["draft", "submitted", "approved", "rejected"] | None,
            QueryParameter(name="state", description="Only in this state."),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[TimesheetOut]:
        """Timesheets (with their lines) in creation order."""
        async with db.transaction() as conn:
            ids = await conn.fetch(
                "select id from time_timesheet where ($1::uuid is null or id > $1) and "
                "($2::uuid is null or employee_id = $2) and ($3::text is null or state = $3) "
                "order by id limit $4",
                after_id(cursor),
                employee_id,
                in_state,
                limit + 1,
            )
            sheets = [await read_timesheet(conn, row["id"], settings) for row in ids]
        return page_of(sheets, limit)

    @get(
        "/{timesheet_id:uuid}",
        summary="Show a timesheet",
        opt=route_opt(permission=TIMESHEETS_READ),
    )
    async def show_timesheet(
        self, db: Db, settings: TenantSettings[TimeSettings], timesheet_id: FromPath[UUID]
    ) -> TimesheetOut:
        """One timesheet: lines, total and overtime (as approved, once approved)."""
        async with db.transaction() as conn:
            return await read_timesheet(conn, timesheet_id, settings)

    @post(
        "/{timesheet_id:uuid}/submit",
        summary="Submit a timesheet",
        opt=route_opt(permission=TIMESHEETS_WRITE),
    )
    async def submit(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[TimeSettings],
        timesheet_id: FromPath[UUID],
    ) -> TimesheetOut:
        """Submit a draft or rejected timesheet for approval; its week is locked meanwhile."""
        async with db.transaction() as conn:
            return await transition(
                conn, events, timesheet_id, "submit", settings=settings, actor=context.actor
            )

    @post(
        "/{timesheet_id:uuid}/approve",
        summary="Approve a timesheet",
        opt=route_opt(permission=TIMESHEETS_APPROVE),
    )
    async def approve(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[TimeSettings],
        timesheet_id: FromPath[UUID],
    ) -> TimesheetOut:
        """Approve a submitted timesheet and publish ``time.timesheet.approved.v1``.

        Its lines, total and overtime are frozen and the week stays locked.
        """
        async with db.transaction() as conn:
            return await transition(
                conn, events, timesheet_id, "approve", settings=settings, actor=context.actor
            )

    @post(
        "/{timesheet_id:uuid}/reject",
        summary="Reject a timesheet",
        opt=route_opt(permission=TIMESHEETS_APPROVE),
    )
    async def reject(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[TimeSettings],
        timesheet_id: FromPath[UUID],
        data: Annotated[Rejection, body("POST /timesheets/{timesheet_id}/reject", "Missing")],
    ) -> TimesheetOut:
        """Send a submitted timesheet back with a note; its week is editable again."""
        async with db.transaction() as conn:
            return await transition(
                conn,
                events,
                timesheet_id,
                "reject",
                settings=settings,
                actor=context.actor,
                note=data.note,
            )

    @post(
        "/{timesheet_id:uuid}/reopen",
        summary="Reopen an approved timesheet",
        opt=route_opt(permission=TIMESHEETS_APPROVE),
    )
    async def reopen(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[TimeSettings],
        timesheet_id: FromPath[UUID],
    ) -> TimesheetOut:
        """Reopen an approved timesheet and publish ``time.timesheet.reopened.v1``.

        It is a draft again and its week is unlocked.
        """
        async with db.transaction() as conn:
            return await transition(
                conn, events, timesheet_id, "reopen", settings=settings, actor=context.actor
            )
