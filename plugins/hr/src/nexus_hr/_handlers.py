"""Event handlers: users the kernel's identity provisions, and approved time from Time.

``nexus.user.provisioned.v1`` links a hired employee to the member user made for them.
``time.timesheet.approved.v1`` stores the week's hours by day (hourly contracts) and its
overtime hours; ``time.timesheet.reopened.v1`` removes them. Both run in the kernel's
delivery transaction (``ctx.conn``), and are idempotent on their own: a timesheet approved
again (after a reopen) replaces what was kept.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from nexus_hookspecs import new_id

from nexus_hr._employees import COLUMNS, publish_change

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = (
    "TIMESHEET_APPROVED",
    "TIMESHEET_REOPENED",
    "USER_PROVISIONED",
    "link_user",
    "on_timesheet_approved",
    "on_timesheet_reopened",
)

USER_PROVISIONED = "nexus.user.provisioned.v1"
"""The kernel's event: a member user was made (or found) for a hired employee's work email."""

TIMESHEET_APPROVED = "time.timesheet.approved.v1"
"""Time's event for an approved weekly timesheet (consumed; HR does not require Time)."""
TIMESHEET_REOPENED = "time.timesheet.reopened.v1"
"""Time's event for a reopened timesheet (its hours no longer count)."""

log = structlog.get_logger("nexus_hr")
_LIMIT = Decimal("999999.99")


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _hours(value: Any) -> Decimal:
    try:
        hours = Decimal(str(value)) if value is not None else Decimal(0)
    except InvalidOperation:
        return Decimal(0)
    if not hours.is_finite() or hours < 0:
        return Decimal(0)
    return min(hours, _LIMIT).quantize(Decimal("0.01"))


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


async def on_timesheet_approved(event: CloudEvent, ctx: EventContext) -> None:
    """Keep an approved timesheet's hours by day and its overtime hours for pay runs."""
    data: dict[str, Any] = event.data or {}
    timesheet_id = _uuid(data.get("timesheet_id"))
    employee_id = _uuid(data.get("employee_id"))
    week_start = _date(data.get("week_start"))
    if timesheet_id is None or employee_id is None or week_start is None:
        log.warning("timesheet skipped: malformed", timesheet=data.get("timesheet_id"))
        return
    conn = ctx.conn
    await conn.execute("delete from hr_approved_timesheet where id = $1", timesheet_id)
    await conn.execute(
        "insert into hr_approved_timesheet (id, employee_id, week_start, total_hours, "
        "overtime_hours) values ($1, $2, $3, $4, $5)",
        timesheet_id,
        employee_id,
        week_start,
        _hours(data.get("total_hours")),
        _hours(data.get("overtime_hours")),
    )
    for entry in data.get("entries") or []:
        day = _date(entry.get("date")) if isinstance(entry, dict) else None
        if day is None:
            continue
        await conn.execute(
            "insert into hr_approved_time (id, timesheet_id, employee_id, work_date, hours) "
            "values ($1, $2, $3, $4, $5)",
            new_id(),
            timesheet_id,
            employee_id,
            day,
            _hours(entry.get("hours")),
        )


async def on_timesheet_reopened(event: CloudEvent, ctx: EventContext) -> None:
    """Forget a reopened timesheet's hours: they count again once it is approved again."""
    timesheet_id = _uuid((event.data or {}).get("timesheet_id"))
    if timesheet_id is not None:
        await ctx.conn.execute("delete from hr_approved_timesheet where id = $1", timesheet_id)


async def link_user(event: CloudEvent, ctx: EventContext) -> None:
    """Link the employee to the provisioned user, unless either is linked already.

    Publishes ``hr.employee.updated.v1`` with the new ``user_id``.
    """
    data: Mapping[str, Any] = event.data or {}
    employee_id, user_id = _uuid(data.get("employee_id")), _uuid(data.get("user_id"))
    if employee_id is None or user_id is None:
        return
    conn = ctx.conn
    if await conn.fetchval("select true from hr_employee where user_id = $1", user_id):
        return
    row = await conn.fetchrow(
        f"update hr_employee set user_id = $2, updated_at = now() where id = $1 "
        f"and user_id is null returning {COLUMNS}",
        employee_id,
        user_id,
    )
    if row is not None:
        await publish_change(conn, ctx.events, row, hired=False)
