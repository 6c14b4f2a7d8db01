"""``/kiosks`` (tokens, for admins) and ``/kiosk/punch`` (public: token, employee and PIN)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post
from litestar.exceptions import NotAuthorizedException, TooManyRequestsException
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Limit,
    Page,
    SettingsPort,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_time._attendance import Action, AttendanceOut, punch
from nexus_time._employees import EMPLOYEE_COLUMNS, check_pin
from nexus_time._examples import body
from nexus_time._fields import Latitude, Longitude, Name, Pin
from nexus_time._keys import ATTENDANCE_MANAGE, ATTENDANCE_READ
from nexus_time._kiosk import (
    KioskOut,
    failures,
    issue,
    kiosk_valid,
    next_action,
    parse_token,
    record_failure,
)
from nexus_time._routes_clock import details
from nexus_time._settings import TimeSettings

__all__ = ("KioskController", "KioskIn", "KioskIssued", "KioskPunchController", "PunchIn")

_REFUSED = "kiosk token, employee or PIN not recognised"


class KioskIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A kiosk to issue a token for."""

    name: Name


class KioskIssued(msgspec.Struct, kw_only=True):
    """A new kiosk and its token: shown this once, keep it on the device."""

    id: UUID
    name: str
    token: str
    created_at: datetime


class PunchIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A kiosk punch: the kiosk's token, the employee and their PIN.

    Without ``action`` the punch clocks in when out, out when in, and ends a break.
    """

    token: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    employee_id: UUID
    pin: Annotated[str, msgspec.Meta(min_length=1, max_length=16)]
    action: Action | None = None
    latitude: Latitude | None = None
    longitude: Longitude | None = None


_ = Pin  # PINs are set as 4-8 digits; a punch takes any short text and just fails to match


class KioskController(Controller):
    """Kiosk devices and their tokens."""

    path = "/kiosks"
    tags = ["time: kiosk"]

    @get("/", summary="List kiosks", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_kiosks(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[KioskOut]:
        """Kiosks in creation order (tokens are never shown again)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, name, revoked_at, created_at from time_kiosk where ($1::uuid is "
                "null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), KioskOut, strict=False) for r in rows], limit)

    @post("/", summary="Issue a kiosk token", opt=route_opt(permission=ATTENDANCE_MANAGE))
    async def issue_kiosk(
        self, db: Db, context: Context, data: Annotated[KioskIn, body("POST /kiosks", "Door")]
    ) -> KioskIssued:
        """Create a kiosk and answer its token once (only a hash of its secret is kept).

        The token names the tenant, so the public punch route needs no other credential.
        """
        async with db.transaction() as conn:
            kiosk, token = await issue(conn, context.tenant_id, data.name)  # type: ignore[arg-type]
        return KioskIssued(id=kiosk.id, name=kiosk.name, token=token, created_at=kiosk.created_at)

    @get("/{kiosk_id:uuid}", summary="Show a kiosk", opt=route_opt(permission=ATTENDANCE_READ))
    async def show_kiosk(self, db: Db, kiosk_id: FromPath[UUID]) -> KioskOut:
        """One kiosk."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select id, name, revoked_at, created_at from time_kiosk where id = $1", kiosk_id
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), KioskOut, strict=False)

    @delete(
        "/{kiosk_id:uuid}", summary="Revoke a kiosk", opt=route_opt(permission=ATTENDANCE_MANAGE)
    )
    async def revoke_kiosk(self, db: Db, kiosk_id: FromPath[UUID]) -> None:
        """Revoke a kiosk's token: its punches are refused from now on."""
        async with db.transaction() as conn:
            done = await conn.execute(
                "update time_kiosk set revoked_at = coalesce(revoked_at, now()) where id = $1",
                kiosk_id,
            )
        if done == "UPDATE 0":
            not_found()


class KioskPunchController(Controller):
    """The kiosk's one public route."""

    path = "/kiosk"
    tags = ["time: kiosk"]

    @post(
        "/punch",
        summary="Punch at a kiosk",
        opt=route_opt(access="public"),
        status_code=200,
    )
    async def kiosk_punch(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        plugin_settings: SettingsPort,
        data: Annotated[PunchIn, body("POST /kiosk/punch", "Clock in at the door")],
    ) -> AttendanceOut:
        """Clock an employee in or out (or a break) with the kiosk's token and their PIN.

        Public: the token names the tenant and the kiosk. A bad token, an unknown employee
        and a wrong PIN all answer the same 401 (no enumeration); after
        ``kiosk_max_failures`` refusals for an employee id (or ten times that for the
        kiosk) within ``kiosk_lockout_minutes`` the kiosk answers 429 for it. The refusal
        is counted even though the punch is refused.
        """
        parts = parse_token(data.token)
        if parts is None:
            raise NotAuthorizedException(_REFUSED)
        settings = await plugin_settings.get(parts.tenant_id)
        if not isinstance(settings, TimeSettings):
            settings = TimeSettings()
        subject = str(data.employee_id)
        async with db.transaction(tenant_id=parts.tenant_id) as conn:
            if not await kiosk_valid(conn, parts):
                raise NotAuthorizedException(_REFUSED)
            mine, every = await failures(
                conn, parts.kiosk_id, subject, settings.kiosk_lockout_minutes
            )
            if mine >= settings.kiosk_max_failures or every >= 10 * settings.kiosk_max_failures:
                raise TooManyRequestsException(
                    "too many refused punches: try again later",
                    headers={"Retry-After": str(settings.kiosk_lockout_minutes * 60)},
                )
            employee = await conn.fetchrow(
                f"select {EMPLOYEE_COLUMNS}, pin_hash from time_employee where id = $1 for update",
                data.employee_id,
            )
            accepted = check_pin(employee["pin_hash"] if employee else None, data.pin)
            if not accepted or employee is None:
                await record_failure(conn, parts.kiosk_id, subject)
        if not accepted or employee is None:
            raise NotAuthorizedException(_REFUSED)
        client = request.client.host if request.client else None
        async with db.transaction(tenant_id=parts.tenant_id) as conn:
            action = await next_action(conn, data.employee_id, data.action)
            punched = details(
                source="kiosk",
                actor=f"kiosk:{parts.kiosk_id}",
                settings=settings,
                latitude=data.latitude,
                longitude=data.longitude,
                ip=client,
            )
            return await punch(conn, employee, action, punched)
