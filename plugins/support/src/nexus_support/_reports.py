"""SLA and satisfaction reports over the tickets opened in a period."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus_support._sla import calendar_for, measure, pauses_of

if TYPE_CHECKING:
    from datetime import datetime

    from nexus_hookspecs import Connection

    from nexus_support._calendar import WorkCalendar

__all__ = ("CsatReport", "SlaLine", "csat_report", "sla_report")


class SlaLine(msgspec.Struct, kw_only=True):
    """One policy and priority: how many tickets met or breached each target.

    Averages are business minutes over the clocks that stopped (answered, solved); a clock
    still running counts as ``running`` unless it breached already.
    """

    policy_id: UUID
    policy: str
    priority: str
    tickets: int
    first_response_met: int
    first_response_breached: int
    first_response_running: int
    resolution_met: int
    resolution_breached: int
    resolution_running: int
    avg_first_response_minutes: float | None
    avg_resolution_minutes: float | None


class CsatReport(msgspec.Struct, kw_only=True):
    """Satisfaction answers of tickets solved in the period."""

    answers: int
    average: float | None
    satisfied_percent: float | None
    ratings: dict[str, int]


def _avg(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


async def sla_report(
    conn: Connection, *, since: datetime, until: datetime, now: datetime
) -> list[SlaLine]:
    """Met/breached counts and averages per policy and priority, measured at ``now``."""
    rows = await conn.fetch(
        "select t.id, t.created_at, t.first_responded_at, t.solved_at, t.priority, "
        "p.id as policy_id, p.name, p.first_response_minutes, p.resolution_minutes, "
        "p.calendar_id from support_ticket t join support_sla_policy p on p.id = t.sla_policy_id"
        " where t.created_at >= $1 and t.created_at < $2 and t.status <> 'merged' "
        "order by p.name, t.priority, t.id",
        since,
        until,
    )
    calendars: dict[UUID | None, WorkCalendar] = {}
    counts: dict[tuple[UUID, str, str], dict[str, Any]] = defaultdict(
        lambda: {"tickets": 0, "first_response": [], "resolution": []}
    )
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
        line = counts[(row["policy_id"], row["name"], row["priority"])]
        line["tickets"] += 1
        for clock in clocks:
            line[clock.metric].append(clock)
    lines = []
    for (policy_id, name, priority), line in counts.items():
        fields: dict[str, Any] = {}
        for metric in ("first_response", "resolution"):
            clocks = line[metric]
            fields[f"{metric}_met"] = sum(c.stopped and not c.breached for c in clocks)
            fields[f"{metric}_breached"] = sum(c.breached for c in clocks)
            fields[f"{metric}_running"] = sum(not c.stopped and not c.breached for c in clocks)
            fields[f"avg_{metric}_minutes"] = _avg([c.elapsed_minutes for c in clocks if c.stopped])
        lines.append(
            SlaLine(
                policy_id=policy_id,
                policy=name,
                priority=priority,
                tickets=line["tickets"],
                **fields,
            )
        )
    return lines


async def csat_report(conn: Connection, *, since: datetime, until: datetime) -> CsatReport:
    """The answers of the period: average, share of 4 and 5, count per rating."""
    rows = await conn.fetch(
        "select rating, count(*) as n from support_csat where answered_at >= $1 "
        "and answered_at < $2 group by rating",
        since,
        until,
    )
    ratings = {str(value): 0 for value in range(1, 6)}
    for row in rows:
        ratings[str(row["rating"])] = int(row["n"])
    answers = sum(ratings.values())
    if not answers:
        return CsatReport(answers=0, average=None, satisfied_percent=None, ratings=ratings)
    total = sum(int(key) * n for key, n in ratings.items())
    satisfied = ratings["4"] + ratings["5"]
    return CsatReport(
        answers=answers,
        average=round(total / answers, 2),
        satisfied_percent=round(100 * satisfied / answers, 1),
        ratings=ratings,
    )
