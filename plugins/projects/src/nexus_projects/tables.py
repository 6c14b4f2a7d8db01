"""The projects tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant. The logic modules query with SQL;
these classes give Piccolo (and ``nexus migrate``) the tables' names and columns. CRM
customers, Time timesheets and Finance documents are referenced by id only.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Boolean, Date, Integer, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Attachment",
    "BillingRun",
    "ChecklistItem",
    "Comment",
    "Dependency",
    "Member",
    "Milestone",
    "Project",
    "Rate",
    "Stage",
    "Task",
    "TimeEntry",
)

_HOURS = (12, 2)
_MONEY = (21, 6)


class Project(TenantOwned, Table, tablename="projects_project"):
    """A project: its customer, manager, budget, billing type and status."""

    name = Text()
    code = Text(null=True)
    description = Text()
    customer_ref = UUID(null=True)
    customer_name = Text(null=True)
    manager_id = UUID(null=True)
    billing_type = Text()
    status = Text(default="active")
    budget_hours = Numeric(digits=_HOURS, null=True)
    budget_amount = Numeric(digits=_MONEY, null=True)
    currency = Text()
    hourly_rate = Numeric(digits=_MONEY, null=True)
    start_date = Date(null=True)
    end_date = Date(null=True)
    created_at = Timestamptz()


class Stage(TenantOwned, Table, tablename="projects_stage"):
    """A kanban column of a project; tasks moved to a ``done`` stage are completed."""

    project_id = UUID()
    name = Text()
    position = Integer()
    is_done = Boolean(default=False)


class Task(TenantOwned, Table, tablename="projects_task"):
    """A task (or a subtask, with ``parent_id``) on a stage, at a position."""

    project_id = UUID()
    stage_id = UUID()
    parent_id = UUID(null=True)
    title = Text()
    description = Text()
    priority = Text(default="normal")
    assignees = Array(base_column=UUID())
    followers = Array(base_column=UUID())
    start_date = Date(null=True)
    due_date = Date(null=True)
    estimate_hours = Numeric(digits=_HOURS, null=True)
    position = Integer(default=0)
    completed_at = Timestamptz(null=True)
    created_at = Timestamptz()


class Dependency(TenantOwned, Table, tablename="projects_dependency"):
    """``task_id`` cannot start before ``depends_on_id`` is done (no cycles)."""

    task_id = UUID()
    depends_on_id = UUID()


class ChecklistItem(TenantOwned, Table, tablename="projects_checklist_item"):
    """One line of a task's checklist."""

    task_id = UUID()
    text = Text()
    done = Boolean(default=False)
    position = Integer()


class Comment(TenantOwned, Table, tablename="projects_comment"):
    """A comment on a task, by its author (the actor who wrote it)."""

    task_id = UUID()
    author = Text(null=True)
    body = Text()
    created_at = Timestamptz()


class Attachment(TenantOwned, Table, tablename="projects_attachment"):
    """A file of a task, kept in the tenant's file store under ``blob_key``."""

    task_id = UUID()
    filename = Text()
    content_type = Text()
    size = Integer()
    blob_key = Text()
    created_at = Timestamptz()


class Member(TenantOwned, Table, tablename="projects_member"):
    """An employee working on a project, in a role (the role's rate applies)."""

    project_id = UUID()
    employee_id = UUID()
    role = Text()


class Rate(TenantOwned, Table, tablename="projects_rate"):
    """An hourly rate of a project for a role or an employee."""

    project_id = UUID()
    role = Text(null=True)
    employee_id = UUID(null=True)
    hourly_rate = Numeric(digits=_MONEY)


class BillingRun(TenantOwned, Table, tablename="projects_billing_run"):
    """One invoice drafted in Finance for a project's approved time and reached milestones."""

    project_id = UUID()
    document_id = UUID()
    document_number = Text(null=True)
    document_state = Text()
    source_ref = Text()
    hours = Numeric(digits=_HOURS)
    amount = Numeric(digits=_MONEY)
    currency = Text()
    created_at = Timestamptz()


class TimeEntry(TenantOwned, Table, tablename="projects_time_entry"):
    """Hours on a project (and task): entered here or imported from Time's timesheets."""

    project_id = UUID()
    task_id = UUID(null=True)
    employee_id = UUID()
    role = Text(null=True)
    day = Date()
    hours = Numeric(digits=(6, 2))
    description = Text()
    billable = Boolean()
    state = Text(default="draft")
    source = Text()
    timesheet_id = UUID(null=True)
    billing_run_id = UUID(null=True)
    approved_at = Timestamptz(null=True)
    created_at = Timestamptz()


class Milestone(TenantOwned, Table, tablename="projects_milestone"):
    """A fixed-price milestone: reached, it is billed once for its amount."""

    project_id = UUID()
    name = Text()
    amount = Numeric(digits=_MONEY)
    due_date = Date(null=True)
    reached_at = Timestamptz(null=True)
    billing_run_id = UUID(null=True)
    created_at = Timestamptz()
