"""Fixed-price milestones: an amount billed once, when the milestone is reached."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import conflict, not_found

from nexus_projects._events import MILESTONE_REACHED, MilestoneReached
from nexus_projects._fields import decimal_text

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("MILESTONE_COLUMNS", "reach_milestone")

MILESTONE_COLUMNS = "id, project_id, name, amount, due_date, reached_at, billing_run_id, created_at"


async def reach_milestone(conn: Connection, events: EventPublisher, milestone_id: UUID) -> Any:
    """Mark a milestone reached (billable by the next run); 409 when it was already."""
    row = await conn.fetchrow(
        f"select {MILESTONE_COLUMNS} from projects_milestone where id = $1 for update",  # noqa: S608
        milestone_id,
    )
    if row is None:
        not_found()
    if row["reached_at"] is not None:
        conflict("the milestone was reached already", reached_at=row["reached_at"].isoformat())
    currency = await conn.fetchval(
        "select currency from projects_project where id = $1", row["project_id"]
    )
    reached = await conn.fetchrow(
        f"update projects_milestone set reached_at = $2 where id = $1 "  # noqa: S608
        f"returning {MILESTONE_COLUMNS}",
        milestone_id,
        datetime.now(UTC),
    )
    await events.publish(
        conn,
        type=MILESTONE_REACHED,
        subject=str(milestone_id),
        data=MilestoneReached(
            id=row["id"],
            project_id=row["project_id"],
            name=row["name"],
            amount=decimal_text(row["amount"]),
            currency=currency,
        ),
    )
    return reached
