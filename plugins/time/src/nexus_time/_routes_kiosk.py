"""``/kiosk/punch``: a kiosk device punches for an employee who types their PIN."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import PermissionDeniedException, TooManyRequestsException
from nexus_hookspecs.http import Context, Db, TenantSettings, route_opt

from nexus_time._attendance import Action, AttendanceOut, punch
from nexus_time._employees import EMPLOYEE_COLUMNS, check_pin
from nexus_time._examples import body
from nexus_time._fields import Latitude, Longitude
from nexus_time._keys import KIOSK_PUNCH
from nexus_time._kiosk import failures, next_action, record_failure
from nexus_time._routes_clock import details
from nexus_time._settings import TimeSettings

__all__ = ("KioskController", "PunchIn")

_REFUSED = "employee or PIN not recognised"


class PunchIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A kiosk punch: the employee and their PIN.

    Without ``action`` the punch clocks in when out, out when in, and ends a break.
    """

    employee_id: UUID
    pin: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    action: Action | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


class KioskController(Controller):
    """The kiosk: a device holding an API key scoped to ``time.kiosk:punch``."""

    path = "/kiosk"
    tags = ["time: kiosk"]

    @post("/punch", summary="Punch at a kiosk", opt=route_opt(permission=KIOSK_PUNCH))
    async def kiosk_punch(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[TimeSettings],
        data: Annotated[PunchIn, body("POST /kiosk/punch", "Clock in at the door")],
    ) -> AttendanceOut:
        """Clock an employee in or out (or a break) with their PIN, at a kiosk.

        The kiosk authenticates with an API key of the tenant scoped to ``time.kiosk:punch``
        (an admin creates it with ``POST /api/v1/api-keys``; revoking it retires the kiosk).
        An unknown employee, one without a PIN and a wrong PIN all answer the same 403 (no
        enumeration, and as slow); after ``kiosk_max_failures`` refusals for an employee id
        (or ten times that for the kiosk) within ``kiosk_lockout_minutes``, 429 with
        ``Retry-After``. Refusals are recorded although the punch is refused.
        """
        kiosk = context.actor or "kiosk"
        subject = str(data.employee_id)
        async with db.transaction() as conn:
            mine, every = await failures(conn, kiosk, subject, settings.kiosk_lockout_minutes)
            if mine >= settings.kiosk_max_failures or every >= 10 * settings.kiosk_max_failures:
                raise TooManyRequestsException(
                    "too many refused punches: try again later",
                    headers={"Retry-After": str(settings.kiosk_lockout_minutes * 60)},
                )
            employee = await conn.fetchrow(
                f"select {EMPLOYEE_COLUMNS}, pin_hash from time_employee where id = $1",
                data.employee_id,
            )
            accepted = check_pin(employee["pin_hash"] if employee else None, data.pin)
            if not accepted:
                await record_failure(conn, kiosk, subject)
        if not accepted or employee is None:
            raise PermissionDeniedException(_REFUSED)
        client = request.client.host if request.client else None
        async with db.transaction() as conn:
            employee = await conn.fetchrow(
                f"select {EMPLOYEE_COLUMNS} from time_employee where id = $1 for update",
                data.employee_id,
            )
            if employee is None:
                raise PermissionDeniedException(_REFUSED)
            action = await next_action(conn, data.employee_id, data.action)
            punched = details(
                source="kiosk",
                actor=kiosk,
                settings=settings,
                latitude=data.latitude,
                longitude=data.longitude,
                ip=client,
            )
            return await punch(conn, employee, action, punched)
