"""The events Projects publishes (payload Structs and declarations) and those it consumes.

Each is published in the transaction that makes the change. Time's timesheet events are
consumed by type only (no import of Time): see ``_imports.py``.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "EVENTS",
    "INVOICE_DRAFTED",
    "MILESTONE_REACHED",
    "PROJECT_CREATED",
    "TASK_COMPLETED",
    "TIMESHEET_APPROVED",
    "TIMESHEET_REOPENED",
    "InvoiceDrafted",
    "MilestoneReached",
    "ProjectCreated",
    "TaskCompleted",
)

TIMESHEET_APPROVED = "time.timesheet.approved.v1"
TIMESHEET_REOPENED = "time.timesheet.reopened.v1"
"""Time's events this plugin consumes (no import of Time: only the event types)."""


class ProjectCreated(msgspec.Struct, kw_only=True):
    """The ``data`` of ``projects.project.created.v1``.

    Attributes:
        id: The project.
        name: Its name.
        customer_ref: The customer's opaque (CRM) id, if any.
        customer_name: The customer's name, if any.
        manager_id: The manager (a user id), if any.
        billing_type: ``time_and_materials``, ``fixed_price`` or ``non_billable``.
        currency: ISO 4217 currency of its budget and invoices.
    """

    id: UUID
    name: str
    customer_ref: UUID | None
    customer_name: str | None
    manager_id: UUID | None
    billing_type: str
    currency: str


class TaskCompleted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``projects.task.completed.v1``.

    Attributes:
        id: The task.
        project_id: Its project.
        title: Its title.
        assignees: Its assignees (user or employee ids).
        completed_at: When it reached a done stage.
    """

    id: UUID
    project_id: UUID
    title: str
    assignees: list[UUID]
    completed_at: str


class MilestoneReached(msgspec.Struct, kw_only=True):
    """The ``data`` of ``projects.milestone.reached.v1``.

    Attributes:
        id: The milestone.
        project_id: Its project.
        name: Its name.
        amount: What it bills, a decimal string.
        currency: The project's currency.
    """

    id: UUID
    project_id: UUID
    name: str
    amount: str
    currency: str


class InvoiceDrafted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``projects.invoice.drafted.v1``.

    Attributes:
        billing_run_id: The billing run.
        project_id: The project billed.
        document_id: Finance's invoice.
        document_number: Its number (posted invoices only).
        date: The invoice date.
        hours: Hours billed.
        amount: Untaxed amount billed (time at rates and milestones), a decimal string.
        total: The invoice total with taxes, a decimal string.
        currency: ISO 4217 currency.
        time_entries: Entries billed.
        milestones: Milestones billed.
    """

    billing_run_id: UUID
    project_id: UUID
    document_id: UUID
    document_number: str | None
    date: date
    hours: str
    amount: str
    total: str
    currency: str
    time_entries: int
    milestones: int


PROJECT_CREATED = EventType(
    type="projects.project.created.v1",
    description="A project was created (subject: the project id).",
    payload=ProjectCreated,
)
TASK_COMPLETED = EventType(
    type="projects.task.completed.v1",
    description="A task was moved to a done stage (subject: the task id).",
    payload=TaskCompleted,
)
MILESTONE_REACHED = EventType(
    type="projects.milestone.reached.v1",
    description=(
        "A fixed-price milestone was marked reached and is billable (subject: the milestone id)."
    ),
    payload=MilestoneReached,
)
INVOICE_DRAFTED = EventType(
    type="projects.invoice.drafted.v1",
    description=(
        "A billing run drafted a Finance invoice for a project's approved time and reached "
        "milestones, and marked them billed (subject: the project id)."
    ),
    payload=InvoiceDrafted,
)

EVENTS = (PROJECT_CREATED, TASK_COMPLETED, MILESTONE_REACHED, INVOICE_DRAFTED)
