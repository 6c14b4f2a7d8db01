"""Milestones and billing runs: what a project bills through Finance, once.

``POST /projects/{id}/billing-runs`` drafts one Finance invoice for the project's approved,
unbilled, billable time (at its rates) and reached, unbilled milestones, and marks them
billed in the same transaction. With nothing left to bill it answers **409** (a second run
drafts nothing); with Finance switched off, 409 with ``blocking: ["finance"]``.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Db,
    Events,
    Money,
    Services,
    TenantSettings,
    conflict,
    route_opt,
)

from nexus_projects._billing import RUN_COLUMNS, run_billing
from nexus_projects._examples import body
from nexus_projects._fields import Name
from nexus_projects._keys import BILLING_READ, BILLING_WRITE
from nexus_projects._milestones import MILESTONE_COLUMNS, reach_milestone
from nexus_projects._projects import load_project
from nexus_projects._settings import ProjectsSettings

__all__ = ("BillingController",)


class MilestoneOut(msgspec.Struct, kw_only=True):
    """A fixed-price milestone (``billing_run_id``: the run that invoiced it)."""

    id: UUID
    project_id: UUID
    name: str
    amount: Decimal
    due_date: dt.date | None
    reached_at: dt.datetime | None
    billing_run_id: UUID | None
    created_at: dt.datetime


class MilestoneIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A milestone of a fixed-price project and the amount it bills when reached."""

    name: Name
    amount: Money
    due_date: dt.date | None = None


class BillingRunOut(msgspec.Struct, kw_only=True):
    """A billing run: the Finance invoice it drafted, the hours and untaxed amount billed."""

    id: UUID
    project_id: UUID
    document_id: UUID
    document_number: str | None
    document_state: str
    source_ref: str
    hours: Decimal
    amount: Decimal
    currency: str
    created_at: dt.datetime


class BillingRunIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A billing run: the invoice date (today by default), time up to ``until``.

    ``post`` posts the invoice (the tenant's ``post_invoices`` setting when left out).
    """

    date: dt.date | None = None
    until: dt.date | None = None
    post: bool | None = None


class BillingController(Controller):
    """Milestones and billing runs of projects."""

    path = "/"

    @get("/projects/{project_id:uuid}/milestones", opt=route_opt(permission=BILLING_READ))
    async def milestones(self, db: Db, project_id: FromPath[UUID]) -> list[MilestoneOut]:
        """The project's milestones, oldest first."""
        async with db.transaction() as conn:
            await load_project(conn, project_id)
            rows = await conn.fetch(
                f"select {MILESTONE_COLUMNS} from projects_milestone where project_id = $1 "  # noqa: S608
                "order by id",
                project_id,
            )
        return [msgspec.convert(dict(row), MilestoneOut) for row in rows]

    @post("/projects/{project_id:uuid}/milestones", opt=route_opt(permission=BILLING_WRITE))
    async def add_milestone(
        self,
        db: Db,
        project_id: FromPath[UUID],
        data: Annotated[
            MilestoneIn, body("POST /projects/{project_id}/milestones", "Design signed off")
        ],
    ) -> MilestoneOut:
        """Add a milestone to a fixed-price project (409 for another billing type)."""
        async with db.transaction() as conn:
            project = await load_project(conn, project_id, lock=True)
            if project["billing_type"] != "fixed_price":
                conflict(
                    "milestones bill fixed-price projects only",
                    billing_type=project["billing_type"],
                )
            row = await conn.fetchrow(
                "insert into projects_milestone (id, project_id, name, amount, due_date) values "
                f"($1, $2, $3, $4, $5) returning {MILESTONE_COLUMNS}",
                new_id(),
                project_id,
                data.name,
                data.amount,
                data.due_date,
            )
        return msgspec.convert(dict(row or {}), MilestoneOut)

    @post(
        "/milestones/{milestone_id:uuid}/reach",
        opt=route_opt(permission=BILLING_WRITE),
        status_code=200,
    )
    async def reach(self, db: Db, events: Events, milestone_id: FromPath[UUID]) -> MilestoneOut:
        """Mark a milestone reached: billable by the next run; 409 when reached already."""
        async with db.transaction() as conn:
            row = await reach_milestone(conn, events, milestone_id)
        return msgspec.convert(dict(row), MilestoneOut)

    @get("/projects/{project_id:uuid}/billing-runs", opt=route_opt(permission=BILLING_READ))
    async def runs(self, db: Db, project_id: FromPath[UUID]) -> list[BillingRunOut]:
        """The project's billing runs, oldest first."""
        async with db.transaction() as conn:
            await load_project(conn, project_id)
            rows = await conn.fetch(
                f"select {RUN_COLUMNS} from projects_billing_run where project_id = $1 "  # noqa: S608
                "order by id",
                project_id,
            )
        return [msgspec.convert(dict(row), BillingRunOut) for row in rows]

    @post("/projects/{project_id:uuid}/billing-runs", opt=route_opt(permission=BILLING_WRITE))
    async def bill(
        self,
        db: Db,
        services: Services,
        events: Events,
        settings: TenantSettings[ProjectsSettings],
        project_id: FromPath[UUID],
        data: Annotated[
            BillingRunIn, body("POST /projects/{project_id}/billing-runs", "Bill this month")
        ],
    ) -> BillingRunOut:
        """Draft one Finance invoice for what the project has to bill (see the module).

        Publishes ``projects.invoice.drafted.v1``. 409 ``nothing_to_bill`` when nothing is
        left, 409 naming ``employee_ids`` whose approved hours have no rate, 409 with
        ``blocking: ["finance"]`` when Finance is off for the tenant.
        """
        post = settings.post_invoices if data.post is None else data.post
        async with db.transaction() as conn:
            row: Any = await run_billing(
                conn,
                services,
                events,
                project_id=project_id,
                day=data.date or dt.date.today(),
                until=data.until,
                post=post,
                default_rate=settings.default_hourly_rate,
            )
        return msgspec.convert(dict(row), BillingRunOut)
