"""What the UI draws: the Gantt payload and the project dashboard (reads only).

The dashboard compares the budget with what was spent: hours (every entry, and approved
ones), money (approved time at the rates of ``_rates``, plus reached milestones on fixed
price projects), what was billed, the remaining hours of the budget and of each open task
(its estimate less its hours), overdue tasks (due before today, not completed) and the
tasks per stage.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_projects._rates import load_rates

if TYPE_CHECKING:
    from datetime import date

    from nexus_hookspecs import Connection

__all__ = ("dashboard", "gantt")

_ZERO = Decimal(0)


async def gantt(conn: Connection, project: Any) -> dict[str, Any]:
    """Tasks with their dates and progress, and the dependency edges between them."""
    tasks = await conn.fetch(
        "select t.id, t.parent_id, t.stage_id, t.title, t.start_date, t.due_date, "
        "t.completed_at is not null as completed, t.assignees, t.estimate_hours, "
        "coalesce((select sum(hours) from projects_time_entry e where e.task_id = t.id), 0) "
        "as hours from projects_task t where t.project_id = $1 "
        "order by t.start_date nulls last, t.due_date nulls last, t.id",
        project["id"],
    )
    edges = await conn.fetch(
        "select d.depends_on_id as source, d.task_id as target from projects_dependency d "
        "join projects_task t on t.id = d.task_id where t.project_id = $1 order by d.id",
        project["id"],
    )
    return {
        "project_id": project["id"],
        "start_date": project["start_date"],
        "end_date": project["end_date"],
        "tasks": [dict(row) for row in tasks],
        "dependencies": [dict(row) for row in edges],
    }


async def _money(
    conn: Connection, project: Any, default_rate: Decimal | None
) -> tuple[Decimal, Decimal]:
    """Approved time at its rates (and reached milestones), and the hours without a rate."""
    rates = await load_rates(conn, project, default=default_rate)
    rows = await conn.fetch(
        "select employee_id, role, sum(hours) as hours from projects_time_entry where "
        "project_id = $1 and state = 'approved' group by employee_id, role",
        project["id"],
    )
    spent, unpriced = _ZERO, _ZERO
    for row in rows:
        rate = rates.rate(row["employee_id"], row["role"])
        if rate is None:
            unpriced += row["hours"]
        else:
            spent += rate * row["hours"]
    if project["billing_type"] == "fixed_price":
        spent = await conn.fetchval(
            "select coalesce(sum(amount), 0) from projects_milestone where project_id = $1 "
            "and reached_at is not null",
            project["id"],
        )
    return spent, unpriced


async def dashboard(
    conn: Connection, project: Any, *, today: date, default_rate: Decimal | None
) -> dict[str, Any]:
    """Budget against actual hours and money, overdue tasks, tasks by stage."""
    hours = await conn.fetchrow(
        "select coalesce(sum(hours), 0) as logged, coalesce(sum(hours) filter (where state = "
        "'approved'), 0) as approved, coalesce(sum(hours) filter (where billing_run_id is not "
        "null), 0) as billed from projects_time_entry where project_id = $1",
        project["id"],
    )
    assert hours is not None  # noqa: S101 - an aggregate answers a row
    spent, unpriced = await _money(conn, project, default_rate)
    billed = await conn.fetchval(
        "select coalesce(sum(amount), 0) from projects_billing_run where project_id = $1",
        project["id"],
    )
    overdue = await conn.fetch(
        "select id, title, due_date, assignees from projects_task where project_id = $1 and "
        "completed_at is null and due_date < $2 order by due_date, id",
        project["id"],
        today,
    )
    stages = await conn.fetch(
        "select s.id, s.name, s.is_done, count(t.id) as tasks, coalesce(sum(t.estimate_hours), "
        "0) as estimate_hours from projects_stage s left join projects_task t on t.stage_id = "
        "s.id where s.project_id = $1 group by s.id, s.name, s.is_done, s.position "
        "order by s.position, s.id",
        project["id"],
    )
    remaining_effort = await conn.fetchval(
        "select coalesce(sum(greatest(t.estimate_hours - coalesce((select sum(hours) from "
        "projects_time_entry e where e.task_id = t.id), 0), 0)), 0) from projects_task t "
        "where t.project_id = $1 and t.completed_at is null and t.estimate_hours is not null",
        project["id"],
    )
    budget_hours, budget_amount = project["budget_hours"], project["budget_amount"]
    return {
        "project_id": project["id"],
        "currency": project["currency"],
        "budget_hours": budget_hours,
        "hours_logged": hours["logged"],
        "hours_approved": hours["approved"],
        "hours_billed": hours["billed"],
        "hours_remaining": None if budget_hours is None else budget_hours - hours["logged"],
        "hours_burn_percent": _percent(hours["logged"], budget_hours),
        "budget_amount": budget_amount,
        "amount_spent": spent,
        "amount_billed": billed,
        "amount_remaining": None if budget_amount is None else budget_amount - spent,
        "amount_burn_percent": _percent(spent, budget_amount),
        "hours_without_rate": unpriced,
        "remaining_effort_hours": remaining_effort,
        "overdue_tasks": [dict(row) for row in overdue],
        "stages": [dict(row) for row in stages],
    }


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if not whole:
        return None
    return (part * 100 / whole).quantize(Decimal("0.1"))
