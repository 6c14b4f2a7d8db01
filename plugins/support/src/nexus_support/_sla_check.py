"""The periodic SLA check: warning and breach events for open tickets, each once.

:func:`check` takes the instant to check at, so an operator's route, a scheduler and the
tests call the same function with a given "now" (nothing here reads the clock or sleeps).
A clock that reached its policy's warning share publishes ``support.sla.warning.v1``, one
past its target ``support.sla.breached.v1``; the ticket's ``sla_flags`` remember what was
published, so each is published once per ticket and clock.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

import msgspec

from nexus_support._events import SLA_BREACHED, SLA_WARNING, SlaAlert
from nexus_support._sla import calendar_for, measure, pauses_of

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_support._calendar import WorkCalendar
    from nexus_support._sla import Clock

__all__ = ("CheckResult", "check")


class CheckResult(msgspec.Struct, kw_only=True):
    """What one check found.

    Attributes:
        checked_at: The check's "now".
        tickets: Open tickets under a policy that were measured.
        warnings: Warning events published.
        breaches: Breach events published.
    """

    checked_at: datetime
    tickets: int
    warnings: int
    breaches: int


def _alert(
    ticket: Mapping[str, Any], clock: Clock, now: datetime, flags: list[str]
) -> tuple[str, str] | None:
    """The event to publish for one clock, and its flag, if any is due."""
    if clock.stopped:
        return None
    breached, warned = f"{clock.metric}:breached", f"{clock.metric}:warning"
    target = clock.target_minutes
    if clock.breached and breached not in flags:
        return SLA_BREACHED.type, breached
    share = ticket["warning_percent"] * target
    if clock.elapsed_minutes * 100 >= share and warned not in flags and breached not in flags:
        return SLA_WARNING.type, warned
    return None


async def check(conn: Connection, events: EventPublisher, *, now: datetime) -> CheckResult:
    """Measure every open ticket under a policy at ``now``; publish what became due."""
    rows = await conn.fetch(
        "select t.id, t.created_at, t.first_responded_at, t.solved_at, t.sla_flags, "
        "t.sla_policy_id, p.first_response_minutes, p.resolution_minutes, p.warning_percent, "
        "p.calendar_id from support_ticket t join support_sla_policy p on p.id = t.sla_policy_id "
        "where t.status in ('new', 'open', 'pending') and t.created_at <= $1 "
        "order by t.created_at for update of t",
        now,
    )
    calendars: dict[UUID | None, WorkCalendar] = {}
    warnings = breaches = 0
    for row in rows:
        if row["calendar_id"] not in calendars:
            calendars[row["calendar_id"]] = await calendar_for(conn, row["calendar_id"])
        clocks = measure(
            calendars[row["calendar_id"]],
            ticket=row,
            policy=row,
            pauses=await pauses_of(conn, row["id"]),
            now=now,
        )
        flags = list(row["sla_flags"])
        for clock in clocks:
            alert = _alert(row, clock, now, flags)
            if alert is None:
                continue
            event_type, flag = alert
            flags.append(flag)
            data = SlaAlert(
                ticket_id=row["id"],
                policy_id=row["sla_policy_id"],
                metric=clock.metric,
                target_minutes=clock.target_minutes,
                elapsed_minutes=clock.elapsed_minutes,
                due_at=clock.due_at,
                checked_at=now,
            )
            await events.publish(conn, type=event_type, data=data, subject=str(row["id"]))
            if event_type == SLA_BREACHED.type:
                breaches += 1
            else:
                warnings += 1
        if flags != list(row["sla_flags"]):
            await conn.execute(
                "update support_ticket set sla_flags = $2 where id = $1", row["id"], flags
            )
    return CheckResult(checked_at=now, tickets=len(rows), warnings=warnings, breaches=breaches)
