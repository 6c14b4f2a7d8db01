"""Nexus Projects: projects, tasks on kanban stages, time entries, budgets and billing.

The hook implementations, and nothing else. Projects keeps its customers as opaque CRM ids,
imports hours from Time's approved timesheets through their events, and drafts invoices
through Finance's services in the billing run's transaction. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from nexus_projects._ai_tools import nexus_ai_tools
from nexus_projects._events import EVENTS, TIMESHEET_APPROVED, TIMESHEET_REOPENED
from nexus_projects._examples import EXAMPLES
from nexus_projects._handlers import on_timesheet_approved, on_timesheet_reopened
from nexus_projects._keys import (
    BILLING_READ,
    BILLING_WRITE,
    PROJECTS_READ,
    PROJECTS_WRITE,
    TASKS_READ,
    TASKS_WRITE,
    TIME_APPROVE,
    TIME_READ,
    TIME_WRITE,
)
from nexus_projects._routes_billing import BillingController
from nexus_projects._routes_projects import ProjectController
from nexus_projects._routes_rates import RateController
from nexus_projects._routes_task_items import TaskItemController
from nexus_projects._routes_tasks import TaskController
from nexus_projects._routes_time import TimeController
from nexus_projects._routes_views import ViewController
from nexus_projects._settings import ProjectsSettings

if TYPE_CHECKING:
    from collections.abc import Callable

__version__ = "0.1.0"

__all__ = (
    "ProjectsSettings",
    "nexus_ai_tools",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "projects_project",
    "projects_stage",
    "projects_task",
    "projects_dependency",
    "projects_checklist_item",
    "projects_comment",
    "projects_attachment",
    "projects_member",
    "projects_rate",
    "projects_billing_run",
    "projects_time_entry",
    "projects_milestone",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="projects",
        version=__version__,
        title="Projects",
        summary=(
            "Projects with budgets and billing types, tasks on kanban stages (dependencies, "
            "subtasks, checklists, comments, attachments), time entries (also from Time's "
            "timesheets), rates, Gantt and dashboard, billing through Finance."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(
                key=PROJECTS_READ,
                description="List and show projects, stages, members, rates, Gantt, dashboard.",
                roles=_MEMBERS,
            ),
            Permission(
                key=PROJECTS_WRITE,
                description="Create and change projects, their stages, members and rates.",
                roles=_MEMBERS,
            ),
            Permission(
                key=TASKS_READ,
                description="List and show tasks, checklists, comments and attachments.",
                roles=_MEMBERS,
            ),
            Permission(
                key=TASKS_WRITE,
                description=(
                    "Create, change, move and delete tasks; dependencies, checklists, "
                    "comments, attachments and followers."
                ),
                roles=_MEMBERS,
            ),
            Permission(key=TIME_READ, description="List time entries.", roles=_MEMBERS),
            Permission(
                key=TIME_WRITE, description="Enter and delete draft time entries.", roles=_MEMBERS
            ),
            Permission(key=TIME_APPROVE, description="Approve time entries."),
            Permission(
                key=BILLING_READ, description="List milestones and billing runs.", roles=_MEMBERS
            ),
            Permission(
                key=BILLING_WRITE,
                description="Add and reach milestones; run billing (drafts Finance invoices).",
            ),
        ),
        settings=ProjectsSettings,
        profile_settings={"default_currency": "currency"},
        events=EVENTS,
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the projects routes under ``/api/v1/projects/``."""
    for controller in (
        ProjectController,
        TaskController,
        TaskItemController,
        RateController,
        TimeController,
        BillingController,
        ViewController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The projects tables and migrations."""
    return "nexus_projects.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Import Time's approved timesheets; withdraw reopened ones."""
    register(TIMESHEET_APPROVED, on_timesheet_approved)
    register(TIMESHEET_REOPENED, on_timesheet_reopened)
