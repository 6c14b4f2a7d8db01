"""SLA measurement: which policy a ticket runs under, and its clocks in business time.

First response is counted from the ticket's creation to its first public reply; resolution
from creation to its solving, less the spans it waited on the customer (``pending``). Both
count only the open hours of the policy's working calendar (else the tenant's default one).
"""

from __future__ import annotations

from datetime import datetime, time
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec

from nexus_support._calendar import WorkCalendar, add_business, business_seconds

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nexus_hookspecs import Connection

__all__ = (
    "Clock",
    "calendar_for",
    "match_policy",
    "measure",
    "pauses_of",
    "policy_row",
)

Metric = Literal["first_response", "resolution"]


class Clock(msgspec.Struct, kw_only=True):
    """One SLA clock of a ticket.

    Attributes:
        metric: ``first_response`` or ``resolution``.
        target_minutes: The policy's target, in business minutes.
        elapsed_minutes: Business minutes counted so far (or until it stopped).
        due_at: When the target falls due, given the pauses so far (``None`` when the
            calendar does not open often enough to reach it within three years).
        stopped: Whether the clock stopped (answered, or solved).
        breached: Whether more than the target was (or is being) used.
    """

    metric: Metric
    target_minutes: int
    elapsed_minutes: int
    due_at: datetime | None
    stopped: bool
    breached: bool


async def match_policy(conn: Connection, priority: str, tier: str) -> UUID | None:
    """The policy for ``priority`` and ``tier``: the tier's own, else the priority's any-tier.

    Of several for the same priority and tier, the newest applies to new tickets.
    """
    found = await conn.fetchval(
        "select id from support_sla_policy where priority = $1 and (tier = $2 or tier is null) "
        "order by tier is null, created_at desc, id desc limit 1",
        priority,
        tier,
    )
    return found if isinstance(found, UUID) else None


async def policy_row(conn: Connection, policy_id: UUID) -> Mapping[str, Any] | None:
    """A policy's row."""
    return await conn.fetchrow("select * from support_sla_policy where id = $1", policy_id)


def _calendar(row: Mapping[str, Any]) -> WorkCalendar:
    return WorkCalendar(
        zone=row["time_zone"],
        weekdays=frozenset(int(day) for day in row["weekdays"]),
        opens=row["opens"],
        closes=row["closes"],
        country=row["country"],
        subdivision=row["subdivision"],
        closed_days=frozenset(row["closed_days"] or ()),
    )


async def calendar_for(conn: Connection, calendar_id: UUID | None) -> WorkCalendar:
    """The calendar ``calendar_id``, else the tenant's default one (else round-the-clock UTC)."""
    row = None
    if calendar_id is not None:
        row = await conn.fetchrow("select * from support_calendar where id = $1", calendar_id)
    if row is None:
        row = await conn.fetchrow(
            "select * from support_calendar order by is_default desc, created_at, id limit 1"
        )
    if row is None:
        return WorkCalendar(
            zone="UTC", weekdays=frozenset(range(7)), opens=time(0), closes=time.max
        )
    return _calendar(row)


async def pauses_of(conn: Connection, ticket_id: UUID) -> list[tuple[datetime, datetime | None]]:
    """The spans a ticket waited on its customer, oldest first (the last may be open)."""
    rows = await conn.fetch(
        "select started_at, ended_at from support_pause where ticket_id = $1 order by started_at",
        ticket_id,
    )
    return [(row["started_at"], row["ended_at"]) for row in rows]


def _clock(
    calendar: WorkCalendar,
    *,
    metric: Metric,
    start: datetime,
    end: datetime,
    target_minutes: int,
    stopped: bool,
    paused: int = 0,
) -> Clock:
    elapsed = business_seconds(calendar, start, end) - paused
    try:
        due: datetime | None = add_business(calendar, start, target_minutes * 60 + paused)
    except ValueError:  # the calendar opens too rarely to reach the target in MAX_DAYS
        due = None
    return Clock(
        metric=metric,
        target_minutes=target_minutes,
        elapsed_minutes=elapsed // 60,
        due_at=due,
        stopped=stopped,
        breached=elapsed > target_minutes * 60,
    )


def measure(
    calendar: WorkCalendar,
    *,
    ticket: Mapping[str, Any],
    policy: Mapping[str, Any],
    pauses: Sequence[tuple[datetime, datetime | None]],
    now: datetime,
) -> list[Clock]:
    """A ticket's first-response and resolution clocks at ``now`` (pure: no database).

    Args:
        calendar: The policy's working calendar.
        ticket: The ticket's row (``created_at``, ``first_responded_at``, ``solved_at``).
        policy: The policy's row (its two targets in minutes).
        pauses: The ticket's pending spans (an open one runs until ``now``).
        now: The instant to measure at.
    """
    created: datetime = ticket["created_at"]
    responded: datetime | None = ticket["first_responded_at"]
    solved: datetime | None = ticket["solved_at"]
    end = solved or now
    paused = sum(
        business_seconds(calendar, max(begin, created), min(finish or end, end))
        for begin, finish in pauses
    )
    return [
        _clock(
            calendar,
            metric="first_response",
            start=created,
            end=responded or (solved or now),
            target_minutes=policy["first_response_minutes"],
            stopped=responded is not None or solved is not None,
        ),
        _clock(
            calendar,
            metric="resolution",
            start=created,
            end=end,
            target_minutes=policy["resolution_minutes"],
            stopped=solved is not None,
            paused=paused,
        ),
    ]
