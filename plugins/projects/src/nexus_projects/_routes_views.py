"""The views the UI draws: a project's Gantt payload and its dashboard (reads only)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Db, TenantSettings, route_opt

from nexus_projects._keys import PROJECTS_READ
from nexus_projects._projects import load_project
from nexus_projects._settings import ProjectsSettings
from nexus_projects._views import dashboard, gantt

__all__ = ("ViewController",)


class GanttTask(msgspec.Struct, kw_only=True):
    """A bar of the chart: a task's dates, progress (hours against estimate) and people."""

    id: UUID
    parent_id: UUID | None
    stage_id: UUID
    title: str
    start_date: date | None
    due_date: date | None
    completed: bool
    assignees: list[UUID]
    estimate_hours: Decimal | None
    hours: Decimal


class GanttEdge(msgspec.Struct, kw_only=True):
    """A dependency: ``target`` waits for ``source`` (finish to start)."""

    source: UUID
    target: UUID


class Gantt(msgspec.Struct, kw_only=True):
    """A project's Gantt payload."""

    project_id: UUID
    start_date: date | None
    end_date: date | None
    tasks: list[GanttTask]
    dependencies: list[GanttEdge]


class OverdueTask(msgspec.Struct, kw_only=True):
    """An open task past its due date."""

    id: UUID
    title: str
    due_date: date
    assignees: list[UUID]


class StageCount(msgspec.Struct, kw_only=True):
    """Tasks on a stage, and their estimated hours."""

    id: UUID
    name: str
    is_done: bool
    tasks: int
    estimate_hours: Decimal


class Dashboard(msgspec.Struct, kw_only=True):
    """Budget against actual, in hours and money, overdue tasks and tasks per stage.

    Hours: ``hours_logged`` (every entry), ``hours_approved``, ``hours_billed``,
    ``hours_remaining`` (budget less logged) and ``hours_burn_percent``. Money:
    ``amount_spent`` (approved time at its rates; reached milestones on fixed-price
    projects), ``amount_billed``, ``amount_remaining`` and ``amount_burn_percent``;
    ``hours_without_rate`` are approved hours no rate prices. ``remaining_effort_hours``:
    the open tasks' estimates less their hours.
    """

    project_id: UUID
    currency: str
    budget_hours: Decimal | None
    hours_logged: Decimal
    hours_approved: Decimal
    hours_billed: Decimal
    hours_remaining: Decimal | None
    hours_burn_percent: Decimal | None
    budget_amount: Decimal | None
    amount_spent: Decimal
    amount_billed: Decimal
    amount_remaining: Decimal | None
    amount_burn_percent: Decimal | None
    hours_without_rate: Decimal
    remaining_effort_hours: Decimal
    overdue_tasks: list[OverdueTask]
    stages: list[StageCount]


class ViewController(Controller):
    """Gantt and dashboard of a project."""

    path = "/projects/{project_id:uuid}"

    @get("/gantt", opt=route_opt(permission=PROJECTS_READ))
    async def gantt(self, db: Db, project_id: FromPath[UUID]) -> Gantt:
        """Tasks with their start and due dates, and the dependency edges between them."""
        async with db.transaction() as conn:
            project = await load_project(conn, project_id)
            found = await gantt(conn, project)
        return msgspec.convert(found, Gantt)

    @get("/dashboard", opt=route_opt(permission=PROJECTS_READ))
    async def dashboard(
        self,
        db: Db,
        settings: TenantSettings[ProjectsSettings],
        project_id: FromPath[UUID],
        today: Annotated[
            date | None, QueryParameter(description="The day overdue is measured on.")
        ] = None,
    ) -> Dashboard:
        """Budget vs actual hours and money, overdue tasks (as of ``today``), by stage."""
        async with db.transaction() as conn:
            project = await load_project(conn, project_id)
            found = await dashboard(
                conn,
                project,
                today=today or date.today(),
                default_rate=settings.default_hourly_rate,
            )
        return msgspec.convert(found, Dashboard)
