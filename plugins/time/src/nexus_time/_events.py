"""The events Time publishes and the peer events it consumes.

``time.timesheet.approved.v1`` and ``time.timesheet.reopened.v1`` are the contract HR's
payroll reads (approved hours per employee and week); both are published in the transaction
that changes the timesheet. A Projects plugin will correlate entries through their
``project_ref`` / ``task_ref`` in the approved payload.
"""

from __future__ import annotations

from datetime import date
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "EMPLOYEE_HIRED",
    "EMPLOYEE_TERMINATED",
    "EMPLOYEE_UPDATED",
    "LEAVE_APPROVED",
    "LEAVE_CANCELLED",
    "TIMESHEET_APPROVED",
    "TIMESHEET_REOPENED",
    "EntryLine",
    "TimesheetApproved",
    "TimesheetReopened",
)

EMPLOYEE_HIRED = "hr.employee.hired.v1"
EMPLOYEE_UPDATED = "hr.employee.updated.v1"
EMPLOYEE_TERMINATED = "hr.employee.terminated.v1"
LEAVE_APPROVED = "hr.leave.approved.v1"
LEAVE_CANCELLED = "hr.leave.cancelled.v1"
"""HR's events this plugin consumes (no import of HR: only the event types)."""


class EntryLine(msgspec.Struct, kw_only=True):
    """One line of an approved timesheet.

    Attributes:
        date: The day (the employee's zone).
        hours: Hours, a decimal string (``"7.50"``).
        activity: A free activity (``attendance`` for clocked time), if any.
        project_ref: An opaque project id (the Projects plugin's), if any.
        task_ref: An opaque task id, if any.
    """

    date: date
    hours: str
    activity: str | None
    project_ref: str | None
    task_ref: str | None


class TimesheetApproved(msgspec.Struct, kw_only=True):
    """The ``data`` of ``time.timesheet.approved.v1``.

    Attributes:
        timesheet_id: The timesheet.
        employee_id: Its employee (HR's employee id when HR registered them).
        week_start: The Monday the week starts on.
        total_hours: All hours of the week, a decimal string.
        overtime_hours: Of those, overtime under the employee's rules, a decimal string.
        entries: The lines, in date order.
    """

    timesheet_id: UUID
    employee_id: UUID
    week_start: date
    total_hours: str
    overtime_hours: str
    entries: list[EntryLine]


class TimesheetReopened(msgspec.Struct, kw_only=True):
    """The ``data`` of ``time.timesheet.reopened.v1``.

    Attributes:
        timesheet_id: The timesheet, a draft again.
        employee_id: Its employee.
        week_start: The Monday the week starts on.
    """

    timesheet_id: UUID
    employee_id: UUID
    week_start: date


TIMESHEET_APPROVED = EventType(
    type="time.timesheet.approved.v1",
    description=(
        "A weekly timesheet was approved and locked: its hours, overtime and lines "
        "(subject: the timesheet id)."
    ),
    payload=TimesheetApproved,
)
TIMESHEET_REOPENED = EventType(
    type="time.timesheet.reopened.v1",
    description=(
        "An approved timesheet was reopened by an admin: its hours no longer count as "
        "approved (subject: the timesheet id)."
    ),
    payload=TimesheetReopened,
)
