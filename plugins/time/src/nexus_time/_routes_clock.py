"""Clocking: ``/clock/…`` for the caller's own record, ``/employees/{id}/…`` for managers."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.params import FromPath
from nexus_hookspecs.http import Context, Db, TenantSettings, route_opt

from nexus_time._attendance import Action, AttendanceOut, Punch, Source, punch
from nexus_time._employees import caller_employee, employee_row
from nexus_time._examples import body
from nexus_time._fields import Latitude, Longitude
from nexus_time._keys import ATTENDANCE_MANAGE, ATTENDANCE_WRITE
from nexus_time._settings import TimeSettings

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Database

    from nexus_time._rows import Record

__all__ = ("ClockController", "ManagedClockController", "ManagedPunch", "SelfPunch", "details")


class SelfPunch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A punch of one's own, now; the location is kept only if the tenant records it."""

    latitude: Latitude | None = None
    longitude: Longitude | None = None


class ManagedPunch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A punch a manager records for an employee, at a given instant (now by default)."""

    at: datetime | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


def details(
    *,
    source: Source,
    actor: str | None,
    settings: TimeSettings,
    at: datetime | None = None,
    latitude: Any = None,
    longitude: Any = None,
    ip: str | None = None,
) -> Punch:
    """The punch's details, dropping what the tenant's settings do not let us record."""
    located = settings.record_location and latitude is not None and longitude is not None
    return Punch(
        source=source,
        actor=actor,
        at=at,
        latitude=latitude if located else None,
        longitude=longitude if located else None,
        ip=ip if settings.record_ip else None,
    )


def _ip(request: Request[Any, Any, Any]) -> str | None:
    return request.client.host if request.client else None


async def _run(
    db: Database,
    find: Any,
    action: Action,
    punched: Punch,
) -> AttendanceOut:
    async with db.transaction() as conn:
        employee: Record = await find(conn)
        return await punch(conn, employee, action, punched)


class ClockController(Controller):
    """The caller's own clock: the employee record linked to the signed-in user."""

    path = "/clock"
    tags = ["time: clocking"]
    opt = route_opt(permission=ATTENDANCE_WRITE)

    async def _self(
        self,
        action: Action,
        request: Request[Any, Any, Any],
        db: Database,
        context: Any,
        settings: TimeSettings,
        data: SelfPunch,
    ) -> AttendanceOut:
        actor = context.actor

        async def find(conn: Connection) -> Record:
            return await caller_employee(conn, actor)

        punched = details(
            source="api",
            actor=actor,
            settings=settings,
            latitude=data.latitude,
            longitude=data.longitude,
            ip=_ip(request),
        )
        return await _run(db, find, action, punched)

    @post("/in", summary="Clock in")
    async def clock_in(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[SelfPunch, body("POST /clock/in", "Clock in with a location")],
    ) -> AttendanceOut:
        """Clock the caller in now; 409 when already in, 422 when no employee is linked.

        Keeps the location and IP address only as the tenant's settings allow.
        """
        return await self._self("in", request, db, context, settings, data)

    @post("/out", summary="Clock out")
    async def clock_out(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[SelfPunch, body("POST /clock/out", "Clock out")],
    ) -> AttendanceOut:
        """Clock the caller out now (ending a break in progress); 409 when not clocked in."""
        return await self._self("out", request, db, context, settings, data)

    @post("/breaks/start", summary="Start a break")
    async def break_start(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[SelfPunch, body("POST /clock/breaks/start", "Lunch")],
    ) -> AttendanceOut:
        """Start a break now; 409 when not clocked in or already on a break."""
        return await self._self("break_start", request, db, context, settings, data)

    @post("/breaks/end", summary="End a break")
    async def break_end(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[SelfPunch, body("POST /clock/breaks/end", "Back from lunch")],
    ) -> AttendanceOut:
        """End the caller's break now; 409 when not on a break."""
        return await self._self("break_end", request, db, context, settings, data)


class ManagedClockController(Controller):
    """A manager's clock for any employee, at a given instant (audited as theirs)."""

    path = "/employees/{employee_id:uuid}"
    tags = ["time: clocking"]
    opt = route_opt(permission=ATTENDANCE_MANAGE)

    async def _managed(
        self,
        action: Action,
        employee_id: UUID,
        db: Database,
        context: Any,
        settings: TimeSettings,
        data: ManagedPunch,
    ) -> AttendanceOut:
        async def find(conn: Connection) -> Record:
            return await employee_row(conn, employee_id, lock=True)

        punched = details(
            source="admin",
            actor=context.actor,
            settings=settings,
            at=data.at,
            latitude=data.latitude,
            longitude=data.longitude,
        )
        return await _run(db, find, action, punched)

    @post("/clock/in", summary="Clock an employee in")
    async def clock_in(
        self,
        employee_id: FromPath[UUID],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[
            ManagedPunch, body("POST /employees/{employee_id}/clock/in", "Monday morning")
        ],
    ) -> AttendanceOut:
        """Clock an employee in at ``at`` (now by default); 409 when already in or locked."""
        return await self._managed("in", employee_id, db, context, settings, data)

    @post("/clock/out", summary="Clock an employee out")
    async def clock_out(
        self,
        employee_id: FromPath[UUID],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[
            ManagedPunch, body("POST /employees/{employee_id}/clock/out", "Monday evening")
        ],
    ) -> AttendanceOut:
        """Clock an employee out at ``at`` (ending a break in progress); 409 when not in."""
        return await self._managed("out", employee_id, db, context, settings, data)

    @post("/breaks/start", summary="Start an employee's break")
    async def break_start(
        self,
        employee_id: FromPath[UUID],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[ManagedPunch, body("POST /employees/{employee_id}/breaks/start", "Lunch")],
    ) -> AttendanceOut:
        """Start an employee's break at ``at``; 409 when not in or already on a break."""
        return await self._managed("break_start", employee_id, db, context, settings, data)

    @post("/breaks/end", summary="End an employee's break")
    async def break_end(
        self,
        employee_id: FromPath[UUID],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[
            ManagedPunch, body("POST /employees/{employee_id}/breaks/end", "After lunch")
        ],
    ) -> AttendanceOut:
        """End an employee's break at ``at``; 409 when not on a break."""
        return await self._managed("break_end", employee_id, db, context, settings, data)
