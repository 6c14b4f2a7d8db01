"""Event handlers: HR's employees (the roster) and approved leave (absences)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus_time._employees import upsert_from_hr
from nexus_time._hours import valid_zone

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = (
    "employee_hired",
    "employee_terminated",
    "employee_updated",
    "leave_approved",
    "leave_cancelled",
)

log = structlog.get_logger("nexus_time")


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _decimal(value: Any) -> Decimal | None:
    try:
        found = Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        return None
    if found is None or not found.is_finite() or abs(found) >= Decimal(1_000_000):
        return None
    return found


async def _employee(event: CloudEvent, ctx: EventContext, *, hired: bool) -> None:
    data: Mapping[str, Any] = event.data or {}
    employee_id = _uuid(data.get("employee_id"))
    name = data.get("name")
    if employee_id is None or not isinstance(name, str) or not name:
        log.warning("hr employee event without id or name ignored", event_id=event.id)
        return
    zone_name = data.get("time_zone")
    if not isinstance(zone_name, str) or not valid_zone(zone_name):
        zone_name = "UTC"
    await upsert_from_hr(
        ctx.conn,
        employee_id=employee_id,
        name=name[:200],
        user_id=_uuid(data.get("user_id")),
        department_id=_uuid(data.get("department_id")),
        time_zone=zone_name,
        hired=hired,
    )


async def employee_hired(event: CloudEvent, ctx: EventContext) -> None:
    """Add (or re-activate) an employee hired in HR, with HR's employee id."""
    await _employee(event, ctx, hired=True)


async def employee_updated(event: CloudEvent, ctx: EventContext) -> None:
    """Keep the name, user link, department and time zone HR changed."""
    await _employee(event, ctx, hired=False)


async def employee_terminated(event: CloudEvent, ctx: EventContext) -> None:
    """Deactivate a terminated employee: no more clocking; their records stay."""
    employee_id = _uuid((event.data or {}).get("employee_id"))
    if employee_id is not None:
        await ctx.conn.execute(
            "update time_employee set active = false, updated_at = now() where id = $1",
            employee_id,
        )


async def leave_approved(event: CloudEvent, ctx: EventContext) -> None:
    """Keep an approved leave request as an absence (its request id is the key)."""
    data: Mapping[str, Any] = event.data or {}
    request_id, employee_id = _uuid(data.get("request_id")), _uuid(data.get("employee_id"))
    start, end = _date(data.get("date_from")), _date(data.get("date_to"))
    if request_id is None or employee_id is None or start is None or end is None or end < start:
        log.warning("hr leave event without its fields ignored", event_id=event.id)
        return
    await ctx.conn.execute(
        "insert into time_absence (id, employee_id, leave_type, paid, date_from, date_to, days, "
        "hours, half_day_start, half_day_end) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "on conflict (tenant_id, id) do update set employee_id = excluded.employee_id, "
        "leave_type = excluded.leave_type, paid = excluded.paid, date_from = excluded.date_from, "
        "date_to = excluded.date_to, days = excluded.days, hours = excluded.hours, "
        "half_day_start = excluded.half_day_start, half_day_end = excluded.half_day_end, "
        "cancelled = false, updated_at = now()",
        request_id,
        employee_id,
        str(data.get("leave_type") or "leave")[:200],
        bool(data.get("paid", True)),
        start,
        end,
        _decimal(data.get("days")),
        _decimal(data.get("hours")),
        bool(data.get("half_day_start")),
        bool(data.get("half_day_end")),
    )


async def leave_cancelled(event: CloudEvent, ctx: EventContext) -> None:
    """Mark a cancelled leave request's absence as cancelled (reports leave it out)."""
    request_id = _uuid((event.data or {}).get("request_id"))
    if request_id is not None:
        await ctx.conn.execute(
            "update time_absence set cancelled = true, updated_at = now() where id = $1",
            request_id,
        )
