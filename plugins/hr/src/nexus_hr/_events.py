"""The events HR's core publishes: payload Structs and their declarations.

Each is published in the transaction that makes the change; the manifest lists them
(``Manifest.events``) and ``docs/plugins/events.md`` shows their payloads' JSON Schemas.
The hired/updated/terminated payloads are the contract other plugins (Time, the kernel's
identity) read: fields may be added, never removed.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "EMPLOYEE_ERASED",
    "EMPLOYEE_HIRED",
    "EMPLOYEE_TERMINATED",
    "EMPLOYEE_UPDATED",
    "PAYRUN_POSTED",
    "EmployeeChanged",
    "EmployeeErased",
    "EmployeeTerminated",
    "LEAVE_APPROVED",
    "LEAVE_CANCELLED",
    "LEAVE_EVENTS",
    "LEAVE_REJECTED",
    "LEAVE_SUBMITTED",
    "LeaveApproved",
    "LeaveCancelled",
    "LeaveRejected",
    "LeaveSubmitted",
    "PayrunJournalLine",
    "PayrunPosted",
)


class EmployeeChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.employee.hired.v1`` and ``hr.employee.updated.v1``.

    Attributes:
        employee_id: The employee.
        user_id: The linked Nexus user, if any.
        name: The employee's name.
        work_email: Their work email, if any.
        department_id: Their department, if any.
        manager_id: Their manager (an employee), if any.
        job_title: Their job title (the position's name when none is given), if any.
        hire_date: The first day of employment (always set in ``hired``).
        country: The country they work in (ISO 3166-1 alpha-2), if known.
        time_zone: Their IANA time zone.
        subdivision: The subdivision they work in (regional public holidays), if known.
        working_schedule_id: Their working schedule, if any.
        state: ``active`` or ``terminated``.
    """

    employee_id: UUID
    user_id: UUID | None
    name: str
    work_email: str | None
    department_id: UUID | None
    manager_id: UUID | None
    job_title: str | None
    hire_date: dt.date | None
    country: str | None
    time_zone: str
    subdivision: str | None = None
    working_schedule_id: UUID | None = None
    state: str = "active"


class EmployeeTerminated(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.employee.terminated.v1``.

    Attributes:
        employee_id: The employee.
        user_id: The linked Nexus user, if any (the kernel disables their membership).
        termination_date: The last day of employment.
        reason: Why, if given.
    """

    employee_id: UUID
    user_id: UUID | None
    termination_date: dt.date
    reason: str | None


class EmployeeErased(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.employee.erased.v1``.

    Attributes:
        employee_id: The employee whose personal data was erased.
        erased: What was erased (``personal_data``, ``emergency_contacts``, ``documents``,
            ``name``, ``work_email``).
    """

    employee_id: UUID
    erased: list[str]


EMPLOYEE_HIRED = EventType(
    type="hr.employee.hired.v1",
    description=(
        "An employee's employment started: created with a hire date, or re-hired "
        "(subject: the employee id)."
    ),
    payload=EmployeeChanged,
)
EMPLOYEE_UPDATED = EventType(
    type="hr.employee.updated.v1",
    description=(
        "An employee's name, manager, department, job, user link, time zone or schedule "
        "changed (subject: the employee id)."
    ),
    payload=EmployeeChanged,
)
EMPLOYEE_TERMINATED = EventType(
    type="hr.employee.terminated.v1",
    description=(
        "An employee was terminated; the kernel disables the linked user's membership "
        "(subject: the employee id)."
    ),
    payload=EmployeeTerminated,
)
EMPLOYEE_ERASED = EventType(
    type="hr.employee.erased.v1",
    description=(
        "An employee's personal data was erased on a data-subject request; the employment "
        "record stays, pseudonymised (subject: the employee id)."
    ),
    payload=EmployeeErased,
)


# Leave (published by ``_leave.py``).


class LeaveApproved(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.leave.approved.v1``: Time shows the absence in its reports.

    Attributes:
        request_id: The leave request.
        employee_id: The employee away.
        leave_type_id: The leave type.
        leave_type: Its name.
        paid: Whether the leave is paid.
        date_from: The first day.
        date_to: The last day.
        days: The working days counted (public holidays and non-working days excluded; a
            half day counts 0.5), a decimal string.
        hours: The scheduled hours of those days, a decimal string.
        half_day_start: Whether the first day is a half day.
        half_day_end: Whether the last day is a half day.
        leave_type_code: The leave type's code.
    """

    request_id: UUID
    employee_id: UUID
    leave_type_id: UUID
    leave_type: str
    paid: bool
    date_from: dt.date
    date_to: dt.date
    days: str
    hours: str
    half_day_start: bool
    half_day_end: bool
    leave_type_code: str | None = None


class LeaveCancelled(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.leave.cancelled.v1``.

    Attributes:
        request_id: The approved request now cancelled.
        employee_id: The employee.
        date_from: Its first day.
        date_to: Its last day.
    """

    request_id: UUID
    employee_id: UUID
    date_from: dt.date | None = None
    date_to: dt.date | None = None


class LeaveSubmitted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.leave.submitted.v1``.

    Attributes:
        request_id: The new request.
        employee_id: The employee asking.
        leave_type_id: The leave type.
        date_from: The first day.
        date_to: The last day.
        days: The working days counted, a decimal string.
        state: ``pending_manager`` or ``pending_hr`` (who approves next), or ``approved``
            for a type needing no approval.
        manager_id: The employee's manager, who approves first, if any.
    """

    request_id: UUID
    employee_id: UUID
    leave_type_id: UUID
    date_from: dt.date
    date_to: dt.date
    days: str
    state: str
    manager_id: UUID | None


class LeaveRejected(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.leave.rejected.v1``.

    Attributes:
        request_id: The request.
        employee_id: The employee.
        reason: Why it was rejected.
        step: The step it was rejected at: ``manager`` or ``hr``.
    """

    request_id: UUID
    employee_id: UUID
    reason: str
    step: str


LEAVE_APPROVED = EventType(
    type="hr.leave.approved.v1",
    description=(
        "A leave request reached its final approval; the days are taken from the balance "
        "(subject: the request id)."
    ),
    payload=LeaveApproved,
)
LEAVE_CANCELLED = EventType(
    type="hr.leave.cancelled.v1",
    description=(
        "An approved leave request was cancelled; its days return to the balance "
        "(subject: the request id)."
    ),
    payload=LeaveCancelled,
)
LEAVE_SUBMITTED = EventType(
    type="hr.leave.submitted.v1",
    description=(
        "A leave request was submitted and awaits its first approval (subject: the request id)."
    ),
    payload=LeaveSubmitted,
)
LEAVE_REJECTED = EventType(
    type="hr.leave.rejected.v1",
    description="A pending leave request was rejected, with a reason (subject: the request id).",
    payload=LeaveRejected,
)
LEAVE_EVENTS = (LEAVE_SUBMITTED, LEAVE_APPROVED, LEAVE_REJECTED, LEAVE_CANCELLED)
"""The leave events, for the manifest."""


class PayrunJournalLine(msgspec.Struct, kw_only=True):
    """A line of the payroll journal entry in ``hr.payrun.posted.v1``.

    Attributes:
        account: The account subtype Finance books it to: ``wages_expense`` (gross pay),
            ``employer_costs_expense``, ``wages_payable`` (net pay owed),
            ``tax_payable``, ``pension_payable`` or ``other_payable``.
        debit: The debit, a decimal string (``"0.00"`` on a credit line).
        credit: The credit, a decimal string (``"0.00"`` on a debit line).
        description: What the line is.
    """

    account: Literal[
        "wages_expense",
        "employer_costs_expense",
        "wages_payable",
        "tax_payable",
        "pension_payable",
        "other_payable",
    ]
    debit: str
    credit: str
    description: str


class PayrunPosted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``hr.payrun.posted.v1``: an approved pay run's journal, to be booked.

    Attributes:
        payrun_id: The pay run.
        number: Its number (``PR/2026/0001``).
        period_start: The first day of the period paid.
        period_end: The last day of the period paid.
        pay_date: The day the net pay is paid.
        currency: The currency of every amount (ISO 4217).
        lines: The journal lines; the debits equal the credits.
        employees: How many employees the run pays.
    """

    payrun_id: UUID
    number: str
    period_start: dt.date
    period_end: dt.date
    pay_date: dt.date
    currency: str
    lines: list[PayrunJournalLine]
    employees: int


PAYRUN_POSTED = EventType(
    type="hr.payrun.posted.v1",
    description=(
        "A pay run was approved: its payroll journal (gross pay, employer costs, "
        "liabilities, net pay payable) is to be booked; Finance posts it in its PAY "
        "journal (subject: the pay run id)."
    ),
    payload=PayrunPosted,
)
