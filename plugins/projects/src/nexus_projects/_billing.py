"""Billing runs: one Finance invoice for what a project has to bill, marked billed at once.

A run takes the project's approved, billable time entries not billed yet (time and
materials projects; up to ``until`` when given) priced by ``_rates`` and grouped into one
line per task and rate, and its reached, unbilled milestones (one line each, for their
amount). It ensures the customer as a Finance partner (``partner_ref`` = the project's
``customer_ref``), drafts the invoice through ``finance.documents.draft`` (source reference
``projects.billing:<run id>``) and marks every entry and milestone billed, all in the
request's transaction: if Finance refuses, nothing is marked. The project row is locked for
the run, so two runs at once bill nothing twice. Nothing left to bill answers **409**
(``nothing_to_bill``): a second run right after the first drafts nothing.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict

from nexus_projects._events import INVOICE_DRAFTED, InvoiceDrafted
from nexus_projects._fields import decimal_text
from nexus_projects._peers import draft_invoice, ensure_partner
from nexus_projects._projects import load_project
from nexus_projects._rates import load_rates

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

__all__ = ("RUN_COLUMNS", "run_billing")

RUN_COLUMNS = (
    "id, project_id, document_id, document_number, document_state, source_ref, hours, "
    "amount, currency, created_at"
)


async def _time_lines(
    conn: Connection, project: Any, *, until: date | None, default_rate: Decimal | None
) -> tuple[list[UUID], list[dict[str, Any]], Decimal, Decimal]:
    """Entries to bill, their invoice lines, hours and untaxed amount."""
    if project["billing_type"] != "time_and_materials":
        return [], [], Decimal(0), Decimal(0)
    entries = await conn.fetch(
        "select e.id, e.task_id, e.employee_id, e.role, e.hours, t.title from "
        "projects_time_entry e left join projects_task t on t.id = e.task_id where "
        "e.project_id = $1 and e.state = 'approved' and e.billable and e.billing_run_id is "
        "null and ($2::date is null or e.day <= $2) order by e.day, e.id for update of e",
        project["id"],
        until,
    )
    rates = await load_rates(conn, project, default=default_rate)
    groups: dict[tuple[str, Decimal], Decimal] = defaultdict(Decimal)
    unpriced = set()
    for entry in entries:
        rate = rates.rate(entry["employee_id"], entry["role"])
        if rate is None:
            unpriced.add(str(entry["employee_id"]))
            continue
        title = entry["title"] or project["name"]
        groups[(title, rate)] += entry["hours"]
    if unpriced:
        conflict(
            "some approved hours have no rate: set one for the employee, their role or the project",
            employee_ids=sorted(unpriced),
        )
    lines = [
        {
            "description": f"{title} (hours)",
            "quantity": decimal_text(hours),
            "unit_price": decimal_text(rate),
        }
        for (title, rate), hours in groups.items()
    ]
    hours = sum((e["hours"] for e in entries), Decimal(0))
    amount = sum((rate * hours for (_, rate), hours in groups.items()), Decimal(0))
    return [e["id"] for e in entries], lines, hours, amount


async def run_billing(
    conn: Connection,
    services: Services,
    events: EventPublisher,
    *,
    project_id: UUID,
    day: date,
    until: date | None,
    post: bool,
    default_rate: Decimal | None,
) -> Any:
    """Bill what the project has to bill (see the module); answer the billing run's row."""
    project = await load_project(conn, project_id, lock=True)
    if project["billing_type"] == "non_billable":
        conflict("a non-billable project is never invoiced", billing_type="non_billable")
    entry_ids, lines, hours, amount = await _time_lines(
        conn, project, until=until, default_rate=default_rate
    )
    milestones = await conn.fetch(
        "select id, name, amount from projects_milestone where project_id = $1 and reached_at "
        "is not null and billing_run_id is null order by reached_at, id for update",
        project_id,
    )
    for milestone in milestones:
        lines.append(
            {
                "description": f"Milestone: {milestone['name']}",
                "quantity": "1",
                "unit_price": decimal_text(milestone["amount"]),
            }
        )
        amount += milestone["amount"]
    if not lines:
        conflict(
            "nothing to bill: no approved unbilled time and no reached milestone",
            reason="nothing_to_bill",
        )
    if not project["customer_name"]:
        conflict("the project has no customer to invoice", reason="no_customer")
    run_id = new_id()
    source_ref = f"projects.billing:{run_id}"
    partner_id = await ensure_partner(
        conn, services, partner_ref=project["customer_ref"], name=project["customer_name"]
    )
    document = await draft_invoice(
        conn,
        services,
        partner_id=partner_id,
        currency=project["currency"],
        day=day,
        reference=project["code"] or project["name"],
        source_ref=source_ref,
        lines=lines,
        post=post,
    )
    run = await conn.fetchrow(
        "insert into projects_billing_run (id, project_id, document_id, document_number, "
        "document_state, source_ref, hours, amount, currency) values ($1, $2, $3, $4, $5, $6, "
        f"$7, $8, $9) returning {RUN_COLUMNS}",
        run_id,
        project_id,
        document.id,
        document.number,
        document.state,
        source_ref,
        hours,
        amount,
        project["currency"],
    )
    await conn.execute(
        "update projects_time_entry set billing_run_id = $1 where id = any($2::uuid[])",
        run_id,
        entry_ids,
    )
    await conn.execute(
        "update projects_milestone set billing_run_id = $1 where id = any($2::uuid[])",
        run_id,
        [m["id"] for m in milestones],
    )
    await events.publish(
        conn,
        type=INVOICE_DRAFTED,
        subject=str(project_id),
        data=InvoiceDrafted(
            billing_run_id=run_id,
            project_id=project_id,
            document_id=document.id,
            document_number=document.number,
            date=day,
            hours=decimal_text(hours),
            amount=decimal_text(amount),
            total=decimal_text(document.total),
            currency=document.currency,
            time_entries=len(entry_ids),
            milestones=len(milestones),
        ),
    )
    return run
