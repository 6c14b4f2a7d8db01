"""Leave: types, allocations and accruals, requests and their approval chain, balances.

A request counts the working days between its first and last day from the employee's
working schedule (a weekday with no scheduled hours does not count) without the public
holidays of the employee's country and subdivision (else the tenant's); a half day at
either end counts 0.5. Its hours are the scheduled hours of the days counted.

The approval chain follows the leave type's ``approval``: ``manager`` (the employee's
manager approves), ``manager_then_hr`` (then HR), ``hr`` (HR only) or ``none`` (approved
when submitted). A manager acts through the team routes as the user linked to the manager
employee; HR (``hr.leave:approve``) may approve or reject any step. Reaching the final
approval publishes ``hr.leave.approved.v1``; cancelling an approved request publishes
``hr.leave.cancelled.v1``; both in the transaction that makes the change.

Balances are per calendar year: the days allocated in the year (allocations starting in
it), taken (approved requests starting in it) and pending; remaining = allocated − taken.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_hr._events import (
    LEAVE_APPROVED,
    LEAVE_CANCELLED,
    LEAVE_REJECTED,
    LEAVE_SUBMITTED,
    LeaveApproved,
    LeaveCancelled,
    LeaveRejected,
    LeaveSubmitted,
)
from nexus_hr._holidays import UnknownRegionError, holidays_between
from nexus_hr._schedules import hours_on

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_hr._settings import HrSettings

__all__ = (
    "DEFAULT_TYPES",
    "PENDING",
    "Counted",
    "NotApproverError",
    "actor_user",
    "approve_request",
    "balances",
    "cancel_request",
    "count_request",
    "leave_calendar",
    "reject_request",
    "run_accruals",
    "seed_leave_types",
    "submit_request",
)

CENT = Decimal("0.01")
HALF = Decimal("0.5")
ZERO = Decimal(0)
PENDING = ("pending_manager", "pending_hr")
"""The states of a request waiting for an approval."""
MAX_SPAN_DAYS = 366
"""The longest request, in calendar days."""
MAX_CALENDAR_DAYS = 93
"""The longest team calendar, in days."""

DEFAULT_TYPES: tuple[tuple[str, str, bool, bool, str], ...] = (
    # code, name, paid, requires_allocation, approval
    ("PAID", "Paid leave", True, True, "manager"),
    ("SICK", "Sick leave", True, False, "manager"),
    ("UNPAID", "Unpaid leave", False, False, "manager_then_hr"),
)
"""The leave types seeded when HR is enabled for a tenant."""

# A schedule for employees without one and a tenant without a default: Monday to Friday.
_FALLBACK_SCHEDULE: dict[str, Any] = {
    f"{day}_hours": Decimal(8) if index < 5 else ZERO
    for index, day in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    )
}


class NotApproverError(Exception):
    """The caller may not take this step of the request (the route answers 403)."""


async def seed_leave_types(conn: Connection) -> None:
    """Create the default leave types (Paid, Sick, Unpaid) whose codes are not taken yet."""
    for code, name, paid, requires_allocation, approval in DEFAULT_TYPES:
        await conn.execute(
            "insert into hr_leave_type (id, name, code, paid, requires_allocation, approval) "
            "values ($1, $2, $3, $4, $5, $6) on conflict do nothing",
            new_id(),
            name,
            code,
            paid,
            requires_allocation,
            approval,
        )


def actor_user(actor: str | None) -> UUID | None:
    """The user id of an actor ``user:<id>``; ``None`` for API keys and anonymous callers."""
    if actor is None or not actor.startswith("user:"):
        return None
    try:
        return UUID(actor.removeprefix("user:"))
    except ValueError:
        return None


# ---------------------------------------------------------------------------- counting


class Counted:
    """The days a request counts.

    Attributes:
        days: Working days (a half day 0.5), public holidays and non-working days excluded.
        hours: The scheduled hours of those days (halved for a half day).
        breakdown: Each counted day with its share (1 or 0.5) and hours.
        holidays: The public holidays in the span, date → name.
    """

    def __init__(
        self,
        breakdown: list[tuple[dt.date, Decimal, Decimal]],
        holidays: dict[dt.date, str],
    ) -> None:
        self.breakdown = breakdown
        self.holidays = holidays
        self.days = sum((share for _, share, _ in breakdown), ZERO).quantize(CENT)
        self.hours = sum((hours for _, _, hours in breakdown), ZERO).quantize(CENT)


async def _schedule_of(conn: Connection, employee: Mapping[str, Any]) -> Mapping[str, Any]:
    """The employee's schedule: their own, their running contract's, or the tenant default."""
    row = await conn.fetchrow(
        "select * from hr_working_schedule where id = coalesce($1, "
        "(select working_schedule_id from hr_contract where employee_id = $2 "
        "and state = 'running' and working_schedule_id is not null limit 1), "
        "(select id from hr_working_schedule where is_default))",
        employee["working_schedule_id"],
        employee["id"],
    )
    return row if row is not None else _FALLBACK_SCHEDULE


def _region(employee: Mapping[str, Any], settings: HrSettings) -> tuple[str | None, str | None]:
    if employee["country"]:
        return employee["country"].strip(), employee["subdivision"]
    return settings.country, settings.subdivision


def count_days(
    schedule: Mapping[str, Any],
    holidays: dict[dt.date, str],
    date_from: dt.date,
    date_to: dt.date,
    *,
    half_day_start: bool = False,
    half_day_end: bool = False,
) -> Counted:
    """Count the working days from ``date_from`` to ``date_to`` (both included)."""
    breakdown: list[tuple[dt.date, Decimal, Decimal]] = []
    day = date_from
    while day <= date_to:
        scheduled = hours_on(schedule, day)
        if scheduled > 0 and day not in holidays:
            half = (day == date_from and half_day_start) or (day == date_to and half_day_end)
            share = HALF if half else Decimal(1)
            breakdown.append((day, share, (scheduled * share).quantize(CENT)))
        day += dt.timedelta(days=1)
    return Counted(breakdown, holidays)


async def count_request(
    conn: Connection,
    settings: HrSettings,
    employee: Mapping[str, Any],
    date_from: dt.date,
    date_to: dt.date,
    *,
    half_day_start: bool = False,
    half_day_end: bool = False,
) -> Counted:
    """Count a request of ``employee``: their schedule, their region's public holidays."""
    schedule = await _schedule_of(conn, employee)
    country, subdivision = _region(employee, settings)
    try:
        holidays = holidays_between(country, subdivision, date_from, date_to)
    except UnknownRegionError:
        holidays = {}  # an employee's region the package does not know: no holidays
    return count_days(
        schedule,
        holidays,
        date_from,
        date_to,
        half_day_start=half_day_start,
        half_day_end=half_day_end,
    )


# ---------------------------------------------------------------------------- balances


async def _year_figures(
    conn: Connection, employee_id: UUID, year: int, leave_type_id: UUID | None = None
) -> dict[UUID, dict[str, Decimal]]:
    """Allocated, taken and pending days per leave type in ``year``."""
    rows = await conn.fetch(
        "select t.id, "
        "coalesce((select sum(a.days) from hr_leave_allocation a where a.employee_id = $1 "
        "and a.leave_type_id = t.id and extract(year from a.period_start) = $2), 0) "
        "as allocated, "
        "coalesce((select sum(r.days) from hr_leave_request r where r.employee_id = $1 "
        "and r.leave_type_id = t.id and r.state = 'approved' "
        "and extract(year from r.date_from) = $2), 0) as taken, "
        "coalesce((select sum(r.days) from hr_leave_request r where r.employee_id = $1 "
        "and r.leave_type_id = t.id and r.state in ('pending_manager', 'pending_hr') "
        "and extract(year from r.date_from) = $2), 0) as pending "
        "from hr_leave_type t where ($3::uuid is null or t.id = $3)",
        employee_id,
        year,
        leave_type_id,
    )
    return {
        row["id"]: {
            "allocated": Decimal(row["allocated"]),
            "taken": Decimal(row["taken"]),
            "pending": Decimal(row["pending"]),
        }
        for row in rows
    }


async def balances(conn: Connection, employee_id: UUID, year: int) -> list[dict[str, Any]]:
    """The employee's balance per leave type in ``year`` (404 for an unknown employee).

    Every active type is listed, and an inactive one with days in the year.
    """
    if await conn.fetchval("select id from hr_employee where id = $1", employee_id) is None:
        not_found()
    figures = await _year_figures(conn, employee_id, year)
    types = await conn.fetch("select * from hr_leave_type order by code")
    found = []
    for leave_type in types:
        figure = figures.get(leave_type["id"], {})
        allocated = figure.get("allocated", ZERO)
        taken = figure.get("taken", ZERO)
        pending = figure.get("pending", ZERO)
        if not leave_type["active"] and not (allocated or taken or pending):
            continue
        found.append(
            {
                "leave_type_id": leave_type["id"],
                "leave_type": leave_type["name"],
                "code": leave_type["code"],
                "requires_allocation": leave_type["requires_allocation"],
                "year": year,
                "allocated": allocated.quantize(CENT),
                "taken": taken.quantize(CENT),
                "pending": pending.quantize(CENT),
                "remaining": (allocated - taken).quantize(CENT),
            }
        )
    return found


# ---------------------------------------------------------------------------- requests


async def _employee(conn: Connection, employee_id: UUID, *, lock: bool = False) -> Any:
    return await conn.fetchrow(
        "select * from hr_employee where id = $1" + (" for update" if lock else ""), employee_id
    )


async def submit_request(
    conn: Connection,
    events: EventPublisher,
    settings: HrSettings,
    *,
    employee_id: UUID,
    leave_type_id: UUID,
    date_from: dt.date,
    date_to: dt.date,
    half_day_start: bool = False,
    half_day_end: bool = False,
    hours: Decimal | None = None,
    reason: str | None = None,
    actor: str | None = None,
) -> Mapping[str, Any]:
    """Count, check and file a leave request; publish its event.

    Checks (422 naming the field): the employee exists and is employed over the dates, the
    type exists and is active, the dates are in order and cover a working day, ``hours``
    only for a one-day request of an hour-based type. Then (409): no pending or approved
    request of the employee overlaps, and for a type that requires allocation the year's
    remaining balance less pending days covers the request.

    A type approved by nobody (``approval = none``) is approved at once and publishes
    ``hr.leave.approved.v1``; any other publishes ``hr.leave.submitted.v1``.
    """
    employee = await _employee(conn, employee_id, lock=True)  # serialises balance checks
    leave_type = await conn.fetchrow("select * from hr_leave_type where id = $1", leave_type_id)
    _check_request(
        employee,
        leave_type,
        date_from,
        date_to,
        hours=hours,
        half_day=half_day_start or half_day_end,
    )
    assert employee is not None and leave_type is not None

    counted = await count_request(
        conn,
        settings,
        employee,
        date_from,
        date_to,
        half_day_start=half_day_start,
        half_day_end=half_day_end,
    )
    if not counted.breakdown:
        invalid("date_from", "the request covers no working day (weekends and public holidays)")
    days, request_hours = counted.days, counted.hours
    if hours is not None:
        scheduled = counted.breakdown[0][2]
        if hours > scheduled:
            invalid("hours", f"more than the {scheduled} hours scheduled that day")
        days = (hours / scheduled).quantize(CENT) or CENT
        request_hours = hours.quantize(CENT)
    await _check_overlap(conn, employee_id, date_from, date_to)
    if leave_type["requires_allocation"]:
        await _check_balance(conn, employee_id, leave_type, date_from.year, days)

    approval = leave_type["approval"]
    state = {"none": "approved", "hr": "pending_hr"}.get(approval, "pending_manager")
    request = await conn.fetchrow(
        "insert into hr_leave_request (id, employee_id, leave_type_id, date_from, date_to, "
        "half_day_start, half_day_end, reason, days, hours, approval, state, created_by, "
        "approved_by, approved_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
        "$13, case when $12 = 'approved' then $13 end, "
        "case when $12 = 'approved' then now() end) returning *",
        new_id(),
        employee_id,
        leave_type_id,
        date_from,
        date_to,
        half_day_start,
        half_day_end,
        reason,
        days,
        request_hours,
        approval,
        state,
        actor,
    )
    assert request is not None
    if state == "approved":
        await _publish_approved(conn, events, request, leave_type)
    else:
        await events.publish(
            conn,
            type=LEAVE_SUBMITTED,
            data=LeaveSubmitted(
                request_id=request["id"],
                employee_id=employee_id,
                leave_type_id=leave_type_id,
                date_from=date_from,
                date_to=date_to,
                days=str(days),
                state=state,
                manager_id=employee["manager_id"],
            ),
            subject=str(request["id"]),
        )
    return request


def _check_request(
    employee: Mapping[str, Any] | None,
    leave_type: Mapping[str, Any] | None,
    date_from: dt.date,
    date_to: dt.date,
    *,
    hours: Decimal | None,
    half_day: bool,
) -> None:
    """Refuse (422, every failing field) a request that cannot be counted."""
    errors = FieldErrors()
    if employee is None:
        errors.add("employee_id", "no such employee")
    elif employee["state"] != "active":
        errors.add("employee_id", "the employee is terminated")
    elif employee["hire_date"] and date_from < employee["hire_date"]:
        errors.add("date_from", f"before the hire date {employee['hire_date']}")
    if leave_type is None or not leave_type["active"]:
        errors.add("leave_type_id", "no such active leave type")
    if date_to < date_from:
        errors.add("date_to", "must not be before date_from")
    elif (date_to - date_from).days >= MAX_SPAN_DAYS:
        errors.add("date_to", f"a request spans at most {MAX_SPAN_DAYS} days")
    if hours is not None:
        if leave_type is not None and leave_type["unit"] != "hours":
            errors.add("hours", "only for leave types counted in hours")
        elif date_from != date_to:
            errors.add("hours", "only for a request of one day")
        elif half_day:
            errors.add("hours", "give either hours or half days")
        elif hours <= 0:
            errors.add("hours", "must be more than 0")
    errors.raise_if_any()


async def _check_overlap(
    conn: Connection, employee_id: UUID, date_from: dt.date, date_to: dt.date
) -> None:
    """Refuse (409) a request overlapping a pending or approved one of the employee."""
    overlapping = await conn.fetchval(
        "select id from hr_leave_request where employee_id = $1 "
        "and state in ('pending_manager', 'pending_hr', 'approved') "
        "and date_from <= $3 and date_to >= $2 limit 1",
        employee_id,
        date_from,
        date_to,
    )
    if overlapping is not None:
        conflict(
            f"the request overlaps the employee's request {overlapping}",
            request_id=str(overlapping),
        )


async def _check_balance(
    conn: Connection,
    employee_id: UUID,
    leave_type: Mapping[str, Any],
    year: int,
    days: Decimal,
) -> None:
    """Refuse (409, naming the balance) days beyond the year's remaining less pending."""
    figure = (await _year_figures(conn, employee_id, year, leave_type["id"]))[leave_type["id"]]
    remaining = (figure["allocated"] - figure["taken"]).quantize(CENT)
    pending = figure["pending"].quantize(CENT)
    if days > remaining - pending:
        conflict(
            f"insufficient balance: {remaining} days of {leave_type['name']} remaining in "
            f"{year}, {pending} pending, {days} requested",
            balance=str(remaining),
            pending=str(pending),
            requested=str(days),
        )


async def _publish_approved(
    conn: Connection,
    events: EventPublisher,
    request: Mapping[str, Any],
    leave_type: Mapping[str, Any],
) -> None:
    await events.publish(
        conn,
        type=LEAVE_APPROVED,
        data=LeaveApproved(
            request_id=request["id"],
            employee_id=request["employee_id"],
            leave_type_id=leave_type["id"],
            leave_type=leave_type["name"],
            leave_type_code=leave_type["code"],
            paid=leave_type["paid"],
            date_from=request["date_from"],
            date_to=request["date_to"],
            days=str(Decimal(request["days"]).quantize(CENT)),
            hours=str(Decimal(request["hours"]).quantize(CENT)),
            half_day_start=request["half_day_start"],
            half_day_end=request["half_day_end"],
        ),
        subject=str(request["id"]),
    )


async def _locked_request(conn: Connection, request_id: UUID) -> Any:
    request = await conn.fetchrow(
        "select * from hr_leave_request where id = $1 for update", request_id
    )
    if request is None:
        not_found()
    return request


async def _manager_users(conn: Connection, employee_id: UUID) -> set[UUID]:
    """The users linked to the employee's manager, or, without one, their department's."""
    rows = await conn.fetch(
        "select m.user_id from hr_employee e join hr_employee m on m.id = coalesce(e.manager_id, "
        "(select d.manager_id from hr_department d where d.id = e.department_id)) "
        "where e.id = $1 and m.id <> e.id and m.user_id is not null and m.state = 'active'",
        employee_id,
    )
    return {row["user_id"] for row in rows}


async def _check_manager(conn: Connection, request: Mapping[str, Any], user: UUID | None) -> None:
    """Refuse (403) a caller who is not the user linked to the employee's manager."""
    if user is None:
        raise NotApproverError("only a signed-in user linked to the manager employee may approve")
    if user not in await _manager_users(conn, request["employee_id"]):
        raise NotApproverError("you are not the manager of this employee")
    if request["state"] != "pending_manager":
        conflict(
            f"the request is {request['state']}, not waiting for its manager",
            state=request["state"],
        )


async def approve_request(
    conn: Connection,
    events: EventPublisher,
    request_id: UUID,
    *,
    actor: str | None,
    as_manager: bool,
) -> Mapping[str, Any]:
    """Approve the step a request waits for; publish ``hr.leave.approved.v1`` at the last.

    ``as_manager``: the caller acts as the employee's manager (403 unless their user is
    linked to the manager employee; 409 unless the request waits for its manager);
    otherwise the caller holds ``hr.leave:approve`` and approves whichever step is next.
    409 for a request no longer pending.
    """
    request = await _locked_request(conn, request_id)
    if as_manager:
        await _check_manager(conn, request, actor_user(actor))
    elif request["state"] not in PENDING:
        conflict(f"the request is {request['state']}", state=request["state"])
    if request["state"] == "pending_manager" and request["approval"] == "manager_then_hr":
        row = await conn.fetchrow(
            "update hr_leave_request set state = 'pending_hr', manager_approved_by = $2, "
            "manager_approved_at = now(), updated_at = now() where id = $1 returning *",
            request_id,
            actor,
        )
        assert row is not None
        return row
    row = await conn.fetchrow(
        "update hr_leave_request set state = 'approved', approved_by = $2, approved_at = now(), "
        "manager_approved_by = case when state = 'pending_manager' then $2 "
        "else manager_approved_by end, "
        "manager_approved_at = case when state = 'pending_manager' then now() "
        "else manager_approved_at end, updated_at = now() where id = $1 returning *",
        request_id,
        actor,
    )
    assert row is not None
    leave_type = await conn.fetchrow(
        "select * from hr_leave_type where id = $1", request["leave_type_id"]
    )
    assert leave_type is not None
    await _publish_approved(conn, events, row, leave_type)
    return row


async def reject_request(
    conn: Connection,
    events: EventPublisher,
    request_id: UUID,
    *,
    reason: str,
    actor: str | None,
    as_manager: bool,
) -> Mapping[str, Any]:
    """Reject a pending request with a reason; publish ``hr.leave.rejected.v1``.

    Who may: as for :func:`approve_request`. 409 for a request no longer pending.
    """
    request = await _locked_request(conn, request_id)
    if as_manager:
        await _check_manager(conn, request, actor_user(actor))
    elif request["state"] not in PENDING:
        conflict(f"the request is {request['state']}", state=request["state"])
    row = await conn.fetchrow(
        "update hr_leave_request set state = 'rejected', rejected_by = $2, "
        "rejection_reason = $3, updated_at = now() where id = $1 returning *",
        request_id,
        actor,
        reason,
    )
    assert row is not None
    await events.publish(
        conn,
        type=LEAVE_REJECTED,
        data=LeaveRejected(
            request_id=request_id,
            employee_id=request["employee_id"],
            reason=reason,
            step="manager" if request["state"] == "pending_manager" else "hr",
        ),
        subject=str(request_id),
    )
    return row


async def cancel_request(
    conn: Connection,
    events: EventPublisher,
    request_id: UUID,
    *,
    actor: str | None,
    own: bool,
) -> Mapping[str, Any]:
    """Cancel a request: by its employee while pending, by HR while pending or approved.

    ``own``: the caller cancels their own request (404 unless the request is of the
    employee linked to their user; 409 once approved: HR cancels approved leave).
    Cancelling an approved request returns its days and publishes ``hr.leave.cancelled.v1``.
    """
    request = await _locked_request(conn, request_id)
    if own:
        user = actor_user(actor)
        owner = await conn.fetchval(
            "select user_id from hr_employee where id = $1", request["employee_id"]
        )
        if user is None or owner != user:
            not_found()
        if request["state"] not in PENDING:
            conflict(
                f"the request is {request['state']}; HR cancels approved leave",
                state=request["state"],
            )
    elif request["state"] not in (*PENDING, "approved"):
        conflict(f"the request is {request['state']}", state=request["state"])
    row = await conn.fetchrow(
        "update hr_leave_request set state = 'cancelled', cancelled_by = $2, "
        "cancelled_at = now(), updated_at = now() where id = $1 returning *",
        request_id,
        actor,
    )
    assert row is not None
    if request["state"] == "approved":
        await events.publish(
            conn,
            type=LEAVE_CANCELLED,
            data=LeaveCancelled(
                request_id=request_id,
                employee_id=request["employee_id"],
                date_from=request["date_from"],
                date_to=request["date_to"],
            ),
            subject=str(request_id),
        )
    return row


# ---------------------------------------------------------------------------- accruals


def _month(on: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(on.year, on.month)[1]
    return on.replace(day=1), on.replace(day=last)


async def run_accruals(conn: Connection, on: dt.date) -> dict[str, Any]:
    """Grant each active accrual rule's days for the month of ``on``; idempotent per month.

    An employee accrues for a month when hired on or before its 15th and not terminated
    before its last day. The grant is cut so the rule's accruals in a calendar year stay
    within ``yearly_cap``. In January the previous year's remaining balance of the rule's
    type is carried over, up to ``carry_over_limit`` (no limit when null), as an allocation
    for the new year. Each grant is one allocation keyed by rule, employee and period: a
    second run for the same month grants nothing.
    """
    month_start, month_end = _month(on)
    period = f"{on.year:04d}-{on.month:02d}"
    year_end = dt.date(on.year, 12, 31)
    rules = await conn.fetch(
        "select r.* from hr_leave_accrual_rule r join hr_leave_type t on t.id = r.leave_type_id "
        "where r.active and t.active order by r.created_at, r.id"
    )
    employees = await conn.fetch(
        "select id from hr_employee where hire_date is not null and hire_date <= $1 "
        "and (termination_date is null or termination_date >= $2) order by id",
        month_start + dt.timedelta(days=14),
        month_end,
    )
    created = 0
    accrued = ZERO
    carried = ZERO
    for rule in rules:
        for employee in employees:
            grant = Decimal(rule["days_per_month"])
            if rule["yearly_cap"] is not None:
                so_far = await conn.fetchval(
                    "select coalesce(sum(days), 0) from hr_leave_allocation "
                    "where accrual_rule_id = $1 and employee_id = $2 and source = 'accrual' "
                    "and accrual_period like $3 and accrual_period <> $4",
                    rule["id"],
                    employee["id"],
                    f"{on.year:04d}-%",
                    period,
                )
                grant = max(ZERO, min(grant, Decimal(rule["yearly_cap"]) - Decimal(so_far)))
            if grant > 0:
                status = await conn.execute(
                    "insert into hr_leave_allocation (id, employee_id, leave_type_id, "
                    "period_start, period_end, days, source, accrual_rule_id, accrual_period, "
                    "note) values ($1, $2, $3, $4, $5, $6, 'accrual', $7, $8, $9) "
                    "on conflict do nothing",
                    new_id(),
                    employee["id"],
                    rule["leave_type_id"],
                    month_start,
                    year_end,
                    grant,
                    rule["id"],
                    period,
                    f"{rule['name']}: {period}",
                )
                if status.endswith(" 1"):
                    created += 1
                    accrued += grant
            if on.month == 1:
                carry = await _carry_over(conn, rule, employee["id"], on.year)
                if carry is not None:
                    created += 1
                    carried += carry
    return {
        "period": period,
        "rules": len(rules),
        "employees": len(employees),
        "allocations_created": created,
        "days_accrued": accrued.quantize(CENT),
        "days_carried_over": carried.quantize(CENT),
    }


async def _carry_over(
    conn: Connection, rule: Mapping[str, Any], employee_id: UUID, year: int
) -> Decimal | None:
    figure = (await _year_figures(conn, employee_id, year - 1, rule["leave_type_id"]))[
        rule["leave_type_id"]
    ]
    carry = figure["allocated"] - figure["taken"]
    if rule["carry_over_limit"] is not None:
        carry = min(carry, Decimal(rule["carry_over_limit"]))
    if carry <= 0:
        return None
    status = await conn.execute(
        "insert into hr_leave_allocation (id, employee_id, leave_type_id, period_start, "
        "period_end, days, source, accrual_rule_id, accrual_period, note) "
        "values ($1, $2, $3, $4, $5, $6, 'carry_over', $7, $8, $9) on conflict do nothing",
        new_id(),
        employee_id,
        rule["leave_type_id"],
        dt.date(year, 1, 1),
        dt.date(year, 12, 31),
        carry,
        rule["id"],
        f"{year:04d}",
        f"{rule['name']}: carried over from {year - 1}",
    )
    return carry if status.endswith(" 1") else None


# ---------------------------------------------------------------------------- calendar


async def leave_calendar(
    conn: Connection,
    settings: HrSettings,
    date_from: dt.date,
    date_to: dt.date,
    department_id: UUID | None = None,
) -> list[dict[str, Any]]:
    """Who is away each day from ``date_from`` to ``date_to``, with the public holidays.

    Approved and pending requests are shown (with their state); a person is away on the
    days their request counts (not on their non-working days or public holidays). The
    public holidays are the tenant's country and subdivision's.
    """
    errors = FieldErrors()
    if date_to < date_from:
        errors.add("date_to", "must not be before date_from", source="query")
    elif (date_to - date_from).days >= MAX_CALENDAR_DAYS:
        errors.add("date_to", f"a calendar spans at most {MAX_CALENDAR_DAYS} days", source="query")
    errors.raise_if_any()
    try:
        public = holidays_between(settings.country, settings.subdivision, date_from, date_to)
    except UnknownRegionError:
        public = {}
    requests: Sequence[Mapping[str, Any]] = await conn.fetch(
        "select r.*, t.name as leave_type, t.code as leave_type_code, e.name as employee_name "
        "from hr_leave_request r join hr_leave_type t on t.id = r.leave_type_id "
        "join hr_employee e on e.id = r.employee_id "
        "where r.state in ('pending_manager', 'pending_hr', 'approved') "
        "and r.date_from <= $2 and r.date_to >= $1 "
        "and ($3::uuid is null or e.department_id = $3) order by e.name, r.date_from",
        date_from,
        date_to,
        department_id,
    )
    away: dict[dt.date, list[dict[str, Any]]] = {}
    employees: dict[UUID, Any] = {}
    for request in requests:
        employee = employees.get(request["employee_id"])
        if employee is None:
            employee = employees[request["employee_id"]] = await _employee(
                conn, request["employee_id"]
            )
        counted = await count_request(
            conn,
            settings,
            employee,
            request["date_from"],
            request["date_to"],
            half_day_start=request["half_day_start"],
            half_day_end=request["half_day_end"],
        )
        for day, share, _hours in counted.breakdown:
            if date_from <= day <= date_to:
                away.setdefault(day, []).append(
                    {
                        "employee_id": request["employee_id"],
                        "employee": request["employee_name"],
                        "request_id": request["id"],
                        "leave_type": request["leave_type"],
                        "state": request["state"],
                        "share": share,
                    }
                )
    days = []
    day = date_from
    while day <= date_to:
        days.append({"date": day, "public_holiday": public.get(day), "away": away.get(day, [])})
        day += dt.timedelta(days=1)
    return days
