"""Leave routes: types, allocations, accrual rules and runs, requests, balances, calendar.

Three audiences, three sets of routes:

- HR (``hr.leave:read|write|approve``): every request, allocation, rule and balance;
  approve, reject or cancel any request at any step;
- the employee (``hr.leave_self:*``, the user linked to an employee): ``/leave/my/…``;
- the manager (``hr.leave_self:*``, the user linked to the manager employee):
  ``/leave/team/…`` approves or rejects the manager step of their reports' requests.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import Permission, new_id
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Events,
    FieldErrors,
    Limit,
    Page,
    TenantSettings,
    after_id,
    conflict,
    decimal_meta,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_hr._examples import body
from nexus_hr._holidays import holidays_in_year, region_error
from nexus_hr._keys import (
    LEAVE_APPROVE,
    LEAVE_READ,
    LEAVE_SELF_READ,
    LEAVE_SELF_WRITE,
    LEAVE_WRITE,
)
from nexus_hr._leave import (
    NotApproverError,
    actor_user,
    approve_request,
    balances,
    cancel_request,
    leave_calendar,
    reject_request,
    run_accruals,
    submit_request,
)
from nexus_hr._settings import HrSettings

if TYPE_CHECKING:
    from collections.abc import Awaitable, Mapping

__all__ = ("LEAVE_CONTROLLERS", "LEAVE_PERMISSIONS")

_MEMBERS = ("tenant_admin", "member")

LEAVE_PERMISSIONS = (
    Permission(
        key=LEAVE_READ,
        description="See every leave request, allocation, accrual rule and balance.",
    ),
    Permission(
        key=LEAVE_WRITE,
        description=(
            "Manage leave types, allocations and accrual rules, run accruals and file leave "
            "requests for any employee."
        ),
    ),
    Permission(
        key=LEAVE_APPROVE,
        description="Approve or reject any step of a leave request; cancel approved leave.",
    ),
    Permission(
        key=LEAVE_SELF_READ,
        description=(
            "Leave types, public holidays, the team calendar, one's own leave requests and "
            "balances, and the requests waiting for one as a manager."
        ),
        roles=_MEMBERS,
    ),
    Permission(
        key=LEAVE_SELF_WRITE,
        description=(
            "Request and cancel one's own leave; approve or reject one's reports' requests "
            "as their manager."
        ),
        roles=_MEMBERS,
    ),
)
"""The leave permissions, for the manifest."""

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2199, 12, 31)

Days = Annotated[Decimal, decimal_meta(digits=4, places=2, description="Days.", example="2.08")]
Hours = Annotated[Decimal, decimal_meta(digits=2, places=2, description="Hours.", example="4")]
TypeName = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Paid leave"])]
TypeCode = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=32, pattern=r"^[A-Za-z0-9_-]+$", examples=["PAID"]),
]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, examples=["Family trip"])]
Note = Annotated[str, msgspec.Meta(max_length=500)]
Unit = Literal["days", "hours"]
Approval = Literal["manager", "manager_then_hr", "hr", "none"]
_T = TypeVar("_T")
Year = Annotated[int | None, QueryParameter(ge=1900, le=2199, description="The calendar year.")]
State = Literal["pending_manager", "pending_hr", "approved", "rejected", "cancelled"]


# ------------------------------------------------------------------------------- structs


class LeaveTypeCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new leave type. Without ``code``, one is made from the name."""

    name: TypeName
    code: TypeCode | None = None
    paid: bool = True
    unit: Unit = "days"
    requires_allocation: bool = False
    approval: Approval = "manager"


class LeaveTypeChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of a leave type (``active: false`` retires it: no new requests)."""

    name: TypeName | None = None
    code: TypeCode | None = None
    paid: bool | None = None
    unit: Unit | None = None
    requires_allocation: bool | None = None
    approval: Approval | None = None
    active: bool | None = None


class LeaveTypeOut(msgspec.Struct, kw_only=True):
    """A leave type."""

    id: UUID
    name: str
    code: str
    paid: bool
    unit: str
    requires_allocation: bool
    approval: str
    active: bool
    created_at: dt.datetime


class AllocationCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Days of a leave type granted to the employee; the period is the year by default."""

    leave_type_id: UUID
    days: Days
    period_start: dt.date | None = None
    period_end: dt.date | None = None
    note: Note | None = None


class AllocationOut(msgspec.Struct, kw_only=True):
    """An allocation: by hand (``manual``), by an accrual or a carry-over."""

    id: UUID
    employee_id: UUID
    leave_type_id: UUID
    period_start: dt.date
    period_end: dt.date
    days: Decimal
    source: str
    accrual_rule_id: UUID | None
    accrual_period: str | None
    note: str | None
    created_at: dt.datetime


def _refuse_no_days(days_per_month: Decimal | None) -> None:
    if days_per_month is not None and days_per_month <= 0:
        invalid("days_per_month", "an accrual rule grants more than 0 days a month")


class AccrualRuleCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A rule: ``days_per_month`` earned per month worked, a yearly cap, a carry-over limit."""

    name: TypeName
    days_per_month: Days
    yearly_cap: Days | None = None
    carry_over_limit: Days | None = None


class AccrualRuleChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Some fields of an accrual rule (``active: false`` stops it)."""

    name: TypeName | None = None
    days_per_month: Days | None = None
    yearly_cap: Days | None = None
    carry_over_limit: Days | None = None
    active: bool | None = None


class AccrualRuleOut(msgspec.Struct, kw_only=True):
    """An accrual rule of a leave type."""

    id: UUID
    leave_type_id: UUID
    name: str
    days_per_month: Decimal
    yearly_cap: Decimal | None
    carry_over_limit: Decimal | None
    active: bool
    created_at: dt.datetime


class AccrualRunOut(msgspec.Struct, kw_only=True):
    """What an accrual run granted (nothing the second time for the same month)."""

    period: str
    rules: int
    employees: int
    allocations_created: int
    days_accrued: Decimal
    days_carried_over: Decimal


class OwnRequestCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A leave request; ``hours`` only for a one-day request of an hour-based type."""

    leave_type_id: UUID
    date_from: dt.date
    date_to: dt.date
    half_day_start: bool = False
    half_day_end: bool = False
    hours: Hours | None = None
    reason: Reason | None = None


class RejectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why the request is rejected."""

    reason: Reason


class LeaveRequestOut(msgspec.Struct, kw_only=True):
    """A leave request: the days counted and where it stands in its approval chain."""

    id: UUID
    employee_id: UUID
    leave_type_id: UUID
    date_from: dt.date
    date_to: dt.date
    half_day_start: bool
    half_day_end: bool
    reason: str | None
    days: Decimal
    hours: Decimal
    approval: str
    state: str
    manager_approved_by: str | None
    manager_approved_at: dt.datetime | None
    approved_by: str | None
    approved_at: dt.datetime | None
    rejected_by: str | None
    rejection_reason: str | None
    cancelled_by: str | None
    cancelled_at: dt.datetime | None
    created_by: str | None
    created_at: dt.datetime


class BalanceOut(msgspec.Struct, kw_only=True):
    """An employee's balance of one leave type in a year (remaining = allocated − taken)."""

    leave_type_id: UUID
    leave_type: str
    code: str
    requires_allocation: bool
    year: int
    allocated: Decimal
    taken: Decimal
    pending: Decimal
    remaining: Decimal


class Absence(msgspec.Struct, kw_only=True):
    """Someone away on a day (``share`` 0.5 for a half day)."""

    employee_id: UUID
    employee: str
    request_id: UUID
    leave_type: str
    state: str
    share: Decimal


class CalendarDay(msgspec.Struct, kw_only=True):
    """A day of the team calendar."""

    date: dt.date
    public_holiday: str | None
    away: list[Absence]


class PublicHoliday(msgspec.Struct, kw_only=True):
    """A public holiday."""

    date: dt.date
    name: str


class PublicHolidays(msgspec.Struct, kw_only=True):
    """The public holidays of a year in a country (and subdivision)."""

    country: str | None
    subdivision: str | None
    year: int
    holidays: list[PublicHoliday]


def _out(row: Mapping[str, Any] | None, type_: type[_T]) -> _T:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), type_, strict=False)


def _in_range(errors: FieldErrors, key: str, day: dt.date | None, source: Any = "body") -> None:
    if day is not None and not EARLIEST <= day <= LATEST:
        errors.add(key, f"must be between {EARLIEST} and {LATEST}", source=source)


def _today(settings: HrSettings) -> dt.date:
    """Today in the tenant's time zone (``HrSettings.time_zone``)."""
    try:
        zone = zoneinfo.ZoneInfo(settings.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        zone = zoneinfo.ZoneInfo("UTC")
    return dt.datetime.now(zone).date()


async def _as_approver(step: Awaitable[Any]) -> Any:
    try:
        return await step
    except NotApproverError as exc:
        raise PermissionDeniedException(str(exc)) from None


# ---------------------------------------------------------------------------- leave types


def _code_from(name: str) -> str:
    base = re.sub(r"[^A-Z0-9]+", "_", name.upper()).strip("_")[:20] or "LEAVE"
    return f"{base}_{new_id().hex[-6:].upper()}"


class LeaveTypeController(Controller):
    """Leave types; Paid, Sick and Unpaid leave are seeded when HR is enabled."""

    path = "/leave/types"
    tags = ["hr: leave"]

    @get("/", summary="List leave types", opt=route_opt(permission=LEAVE_SELF_READ))
    async def list_leave_types(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[LeaveTypeOut]:
        """Leave types, oldest first (retired ones too, ``active: false``)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from hr_leave_type where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(row, LeaveTypeOut) for row in rows], limit)

    @post("/", summary="Create a leave type", opt=route_opt(permission=LEAVE_WRITE))
    async def create_leave_type(
        self,
        db: Db,
        data: Annotated[LeaveTypeCreate, body("POST /leave/types", "Study leave")],
    ) -> LeaveTypeOut:
        """Create a leave type; 409 when its code is taken. Side effects: none."""
        code = data.code or _code_from(data.name)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into hr_leave_type (id, name, code, paid, unit, requires_allocation, "
                "approval) values ($1, $2, $3, $4, $5, $6, $7) "
                "on conflict (tenant_id, code) do nothing returning *",
                new_id(),
                data.name,
                code,
                data.paid,
                data.unit,
                data.requires_allocation,
                data.approval,
            )
            if row is None:
                conflict(f"a leave type with code {code} exists", code=code)
        return _out(row, LeaveTypeOut)

    @get(
        "/{leave_type_id:uuid}",
        summary="Show a leave type",
        opt=route_opt(permission=LEAVE_SELF_READ),
    )
    async def show_leave_type(self, db: Db, leave_type_id: FromPath[UUID]) -> LeaveTypeOut:
        """One leave type."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from hr_leave_type where id = $1", leave_type_id)
        return _out(row, LeaveTypeOut)

    @patch(
        "/{leave_type_id:uuid}",
        summary="Change a leave type",
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def change_leave_type(
        self,
        db: Db,
        leave_type_id: FromPath[UUID],
        data: Annotated[
            LeaveTypeChanges, body("PATCH /leave/types/{leave_type_id}", "HR approves too")
        ],
    ) -> LeaveTypeOut:
        """Change a leave type (409 when the new code is taken).

        Pending requests keep the approval chain they were filed with.
        """
        async with db.transaction() as conn:
            if (
                await conn.fetchval(
                    "select id from hr_leave_type where id = $1 for update", leave_type_id
                )
                is None
            ):
                not_found()
            if data.code is not None and await conn.fetchval(
                "select true from hr_leave_type where code = $1 and id <> $2",
                data.code,
                leave_type_id,
            ):
                conflict(f"a leave type with code {data.code} exists", code=data.code)
            row = await conn.fetchrow(
                "update hr_leave_type set name = coalesce($2, name), code = coalesce($3, code), "
                "paid = coalesce($4, paid), unit = coalesce($5, unit), "
                "requires_allocation = coalesce($6, requires_allocation), "
                "approval = coalesce($7, approval), active = coalesce($8, active) "
                "where id = $1 returning *",
                leave_type_id,
                data.name,
                data.code,
                data.paid,
                data.unit,
                data.requires_allocation,
                data.approval,
                data.active,
            )
        return _out(row, LeaveTypeOut)

    @post(
        "/{leave_type_id:uuid}/accrual-rules",
        summary="Create an accrual rule",
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def create_accrual_rule(
        self,
        db: Db,
        leave_type_id: FromPath[UUID],
        data: Annotated[
            AccrualRuleCreate,
            body("POST /leave/types/{leave_type_id}/accrual-rules", "25 days a year"),
        ],
    ) -> AccrualRuleOut:
        """Create an accrual rule for the leave type (404 when it is missing).

        It grants days from the next accrual run on. 422 when ``days_per_month`` is not
        above 0.
        """
        _refuse_no_days(data.days_per_month)
        async with db.transaction() as conn:
            if (
                await conn.fetchval("select id from hr_leave_type where id = $1", leave_type_id)
                is None
            ):
                not_found()
            row = await conn.fetchrow(
                "insert into hr_leave_accrual_rule (id, leave_type_id, name, days_per_month, "
                "yearly_cap, carry_over_limit) values ($1, $2, $3, $4, $5, $6) returning *",
                new_id(),
                leave_type_id,
                data.name,
                data.days_per_month,
                data.yearly_cap,
                data.carry_over_limit,
            )
        return _out(row, AccrualRuleOut)


# ------------------------------------------------------------------------- accrual rules


class AccrualRuleController(Controller):
    """Accrual rules (created under their leave type) and accrual runs."""

    path = "/leave"
    tags = ["hr: leave"]

    @get("/accrual-rules", summary="List accrual rules", opt=route_opt(permission=LEAVE_READ))
    async def list_accrual_rules(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[AccrualRuleOut]:
        """Accrual rules, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from hr_leave_accrual_rule where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(row, AccrualRuleOut) for row in rows], limit)

    @get(
        "/accrual-rules/{rule_id:uuid}",
        summary="Show an accrual rule",
        opt=route_opt(permission=LEAVE_READ),
    )
    async def show_accrual_rule(self, db: Db, rule_id: FromPath[UUID]) -> AccrualRuleOut:
        """One accrual rule."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from hr_leave_accrual_rule where id = $1", rule_id)
        return _out(row, AccrualRuleOut)

    @patch(
        "/accrual-rules/{rule_id:uuid}",
        summary="Change an accrual rule",
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def change_accrual_rule(
        self,
        db: Db,
        rule_id: FromPath[UUID],
        data: Annotated[
            AccrualRuleChanges, body("PATCH /leave/accrual-rules/{rule_id}", "A higher cap")
        ],
    ) -> AccrualRuleOut:
        """Change an accrual rule; what it granted already stays (422: ``days_per_month`` 0)."""
        _refuse_no_days(data.days_per_month)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update hr_leave_accrual_rule set name = coalesce($2, name), "
                "days_per_month = coalesce($3, days_per_month), "
                "yearly_cap = coalesce($4, yearly_cap), "
                "carry_over_limit = coalesce($5, carry_over_limit), "
                "active = coalesce($6, active) where id = $1 returning *",
                rule_id,
                data.name,
                data.days_per_month,
                data.yearly_cap,
                data.carry_over_limit,
                data.active,
            )
        return _out(row, AccrualRuleOut)

    @post(
        "/accruals/run",
        summary="Run the accruals of a month",
        status_code=200,
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def run_leave_accruals(
        self,
        db: Db,
        settings: TenantSettings[HrSettings],
        date: Annotated[
            dt.date | None, QueryParameter(description="A day of the month (today by default).")
        ] = None,
    ) -> AccrualRunOut:
        """Grant every active accrual rule's days for the month of ``date`` as allocations.

        Idempotent per month: a second run for the same month grants nothing. In January
        the previous year's remaining days are carried over up to each rule's limit.
        """
        on = date or _today(settings)
        if not EARLIEST <= on <= LATEST:
            invalid("date", f"must be between {EARLIEST} and {LATEST}", source="query")
        async with db.transaction() as conn:
            summary = await run_accruals(conn, on)
        return msgspec.convert(summary, AccrualRunOut, strict=False)


# --------------------------------------------------------------------------- allocations


class AllocationController(Controller):
    """Allocations: days of a leave type granted to an employee for a period."""

    path = "/leave/allocations"
    tags = ["hr: leave"]

    @get("/", summary="List leave allocations", opt=route_opt(permission=LEAVE_READ))
    async def list_allocations(
        self,
        db: Db,
        employee_id: Annotated[UUID | None, QueryParameter(description="Of one employee.")] = None,
        leave_type_id: Annotated[UUID | None, QueryParameter(description="Of one type.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[AllocationOut]:
        """Allocations, oldest first, of one employee or type if asked."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from hr_leave_allocation where ($1::uuid is null or id > $1) "
                "and ($2::uuid is null or employee_id = $2) "
                "and ($3::uuid is null or leave_type_id = $3) order by id limit $4",
                after_id(cursor),
                employee_id,
                leave_type_id,
                limit + 1,
            )
        return page_of([_out(row, AllocationOut) for row in rows], limit)

    @get(
        "/{allocation_id:uuid}",
        summary="Show a leave allocation",
        opt=route_opt(permission=LEAVE_READ),
    )
    async def show_allocation(self, db: Db, allocation_id: FromPath[UUID]) -> AllocationOut:
        """One allocation."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select * from hr_leave_allocation where id = $1", allocation_id
            )
        return _out(row, AllocationOut)

    @delete(
        "/{allocation_id:uuid}",
        summary="Delete a leave allocation",
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def delete_allocation(self, db: Db, allocation_id: FromPath[UUID]) -> None:
        """Delete an allocation.

        Its days leave the balance (an accrual's may be granted again by a new run of its month).
        """
        async with db.transaction() as conn:
            status = await conn.execute(
                "delete from hr_leave_allocation where id = $1", allocation_id
            )
        if status == "DELETE 0":
            not_found()


# ---------------------------------------------------------------------------- per employee


class EmployeeLeaveController(Controller):
    """An employee's leave, as HR sees it: allocate, file a request, balances."""

    path = "/employees/{employee_id:uuid}"
    tags = ["hr: leave"]

    @post(
        "/leave-allocations",
        summary="Allocate leave to an employee",
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def allocate_leave(
        self,
        db: Db,
        settings: TenantSettings[HrSettings],
        employee_id: FromPath[UUID],
        data: Annotated[
            AllocationCreate,
            body("POST /employees/{employee_id}/leave-allocations", "25 days this year"),
        ],
    ) -> AllocationOut:
        """Grant days of a leave type to the employee (404 for a missing employee.

        422 for an unknown type or a bad period). The period is the current year by default.
        """
        year = _today(settings).year
        start = data.period_start or dt.date(year, 1, 1)
        end = data.period_end or dt.date(start.year, 12, 31)
        errors = FieldErrors()
        _in_range(errors, "period_start", start)
        _in_range(errors, "period_end", end)
        if end < start:
            errors.add("period_end", "must not be before period_start")
        async with db.transaction() as conn:
            if await conn.fetchval("select id from hr_employee where id = $1", employee_id) is None:
                not_found()
            if (
                await conn.fetchval(
                    "select id from hr_leave_type where id = $1", data.leave_type_id
                )
                is None
            ):
                errors.add("leave_type_id", "no such leave type")
            errors.raise_if_any()
            row = await conn.fetchrow(
                "insert into hr_leave_allocation (id, employee_id, leave_type_id, period_start, "
                "period_end, days, note) values ($1, $2, $3, $4, $5, $6, $7) returning *",
                new_id(),
                employee_id,
                data.leave_type_id,
                start,
                end,
                data.days,
                data.note,
            )
        return _out(row, AllocationOut)

    @post(
        "/leave-requests",
        summary="File a leave request for an employee",
        opt=route_opt(permission=LEAVE_WRITE),
    )
    async def file_leave_request(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[HrSettings],
        employee_id: FromPath[UUID],
        data: Annotated[
            OwnRequestCreate,
            body("POST /employees/{employee_id}/leave-requests", "Three days off"),
        ],
    ) -> LeaveRequestOut:
        """File a leave request for the employee, as HR.

        The days are counted from their schedule without public holidays; 409 when it overlaps
        another request or the balance is short. Publishes ``hr.leave.submitted.v1`` (or
        ``hr.leave.approved.v1`` for a type needing no approval).
        """
        _check_dates(data)
        async with db.transaction() as conn:
            if await conn.fetchval("select id from hr_employee where id = $1", employee_id) is None:
                not_found()
            row = await _submit(conn, events, settings, context, employee_id, data)
        return _out(row, LeaveRequestOut)

    @get(
        "/leave-balances",
        summary="An employee's leave balances",
        opt=route_opt(permission=LEAVE_READ),
    )
    async def employee_leave_balances(
        self,
        db: Db,
        settings: TenantSettings[HrSettings],
        employee_id: FromPath[UUID],
        year: Year = None,
    ) -> list[BalanceOut]:
        """Allocated, taken, pending and remaining days per leave type in ``year``.

        The current year by default; 404 for a missing employee.
        """
        async with db.transaction() as conn:
            found = await balances(conn, employee_id, year or _today(settings).year)
        return msgspec.convert(found, list[BalanceOut], strict=False)


def _check_dates(data: OwnRequestCreate) -> None:
    errors = FieldErrors()
    _in_range(errors, "date_from", data.date_from)
    _in_range(errors, "date_to", data.date_to)
    errors.raise_if_any()


async def _submit(
    conn: Any,
    events: Events,
    settings: HrSettings,
    context: Context,
    employee_id: UUID,
    data: OwnRequestCreate,
) -> Mapping[str, Any]:
    return await submit_request(
        conn,
        events,
        settings,
        employee_id=employee_id,
        leave_type_id=data.leave_type_id,
        date_from=data.date_from,
        date_to=data.date_to,
        half_day_start=data.half_day_start,
        half_day_end=data.half_day_end,
        hours=data.hours,
        reason=data.reason,
        actor=context.actor,
    )


# ------------------------------------------------------------------------------ requests


class LeaveRequestController(Controller):
    """Every leave request, as HR sees them: approve, reject or cancel at any step."""

    path = "/leave/requests"
    tags = ["hr: leave"]

    @get("/", summary="List leave requests", opt=route_opt(permission=LEAVE_READ))
    async def list_leave_requests(
        self,
        db: Db,
        employee_id: Annotated[UUID | None, QueryParameter(description="Of one employee.")] = None,
        in_state: Annotated[
            State | None, QueryParameter(name="state", description="In one state.")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[LeaveRequestOut]:
        """Leave requests, oldest first; of one employee or in one state if asked."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from hr_leave_request where ($1::uuid is null or id > $1) "
                "and ($2::uuid is null or employee_id = $2) "
                "and ($3::text is null or state = $3) order by id limit $4",
                after_id(cursor),
                employee_id,
                in_state,
                limit + 1,
            )
        return page_of([_out(row, LeaveRequestOut) for row in rows], limit)

    @get("/{request_id:uuid}", summary="Show a leave request", opt=route_opt(permission=LEAVE_READ))
    async def show_leave_request(self, db: Db, request_id: FromPath[UUID]) -> LeaveRequestOut:
        """One leave request."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from hr_leave_request where id = $1", request_id)
        return _out(row, LeaveRequestOut)

    @post(
        "/{request_id:uuid}/approve",
        summary="Approve a leave request (HR)",
        status_code=200,
        opt=route_opt(permission=LEAVE_APPROVE),
    )
    async def approve_leave_request(
        self, db: Db, events: Events, context: Context, request_id: FromPath[UUID]
    ) -> LeaveRequestOut:
        """Approve the step the request waits for (manager or HR).

        409 when it is no longer pending. The final approval takes the days from the balance and
        publishes ``hr.leave.approved.v1``.
        """
        async with db.transaction() as conn:
            row = await approve_request(
                conn, events, request_id, actor=context.actor, as_manager=False
            )
        return _out(row, LeaveRequestOut)

    @post(
        "/{request_id:uuid}/reject",
        summary="Reject a leave request (HR)",
        status_code=200,
        opt=route_opt(permission=LEAVE_APPROVE),
    )
    async def reject_leave_request(
        self,
        db: Db,
        events: Events,
        context: Context,
        request_id: FromPath[UUID],
        data: Annotated[RejectIn, body("POST /leave/requests/{request_id}/reject", "Busy")],
    ) -> LeaveRequestOut:
        """Reject a pending request with a reason (409 when no longer pending).

        Publishes ``hr.leave.rejected.v1``.
        """
        async with db.transaction() as conn:
            row = await reject_request(
                conn, events, request_id, reason=data.reason, actor=context.actor, as_manager=False
            )
        return _out(row, LeaveRequestOut)

    @post(
        "/{request_id:uuid}/cancel",
        summary="Cancel a leave request (HR)",
        status_code=200,
        opt=route_opt(permission=LEAVE_APPROVE),
    )
    async def cancel_leave_request(
        self, db: Db, events: Events, context: Context, request_id: FromPath[UUID]
    ) -> LeaveRequestOut:
        """Cancel a pending or approved request (409 otherwise).

        Cancelling approved leave returns its days to the balance and publishes
        ``hr.leave.cancelled.v1``.
        """
        async with db.transaction() as conn:
            row = await cancel_request(conn, events, request_id, actor=context.actor, own=False)
        return _out(row, LeaveRequestOut)


# ------------------------------------------------------------------------ self-service


async def _own_employee(conn: Any, context: Context) -> UUID | None:
    user = actor_user(context.actor)
    if user is None:
        return None
    found: UUID | None = await conn.fetchval(
        "select id from hr_employee where user_id = $1 and state = 'active'", user
    )
    return found


class MyLeaveController(Controller):
    """The caller's own leave: the user linked to an active employee."""

    path = "/leave/my"
    tags = ["hr: leave"]

    @get("/requests", summary="My leave requests", opt=route_opt(permission=LEAVE_SELF_READ))
    async def my_leave_requests(
        self, db: Db, context: Context, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[LeaveRequestOut]:
        """The caller's leave requests, oldest first.

        None for a caller not linked to an employee.
        """
        async with db.transaction() as conn:
            employee_id = await _own_employee(conn, context)
            rows = await conn.fetch(
                "select * from hr_leave_request where employee_id = $1 "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                employee_id,
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(row, LeaveRequestOut) for row in rows], limit)

    @post("/requests", summary="Request leave", opt=route_opt(permission=LEAVE_SELF_WRITE))
    async def request_my_leave(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[HrSettings],
        data: Annotated[OwnRequestCreate, body("POST /leave/my/requests", "Three days off")],
    ) -> LeaveRequestOut:
        """Request leave for oneself (409 for a caller not linked to an active employee).

        Counted and checked as HR's filing is, and publishes the same events.
        """
        _check_dates(data)
        async with db.transaction() as conn:
            employee_id = await _own_employee(conn, context)
            if employee_id is None:
                conflict("the caller is not linked to an active employee")
            row = await _submit(conn, events, settings, context, employee_id, data)
        return _out(row, LeaveRequestOut)

    @post(
        "/requests/{request_id:uuid}/cancel",
        summary="Cancel my leave request",
        status_code=200,
        opt=route_opt(permission=LEAVE_SELF_WRITE),
    )
    async def cancel_my_leave_request(
        self, db: Db, events: Events, context: Context, request_id: FromPath[UUID]
    ) -> LeaveRequestOut:
        """Cancel one's own request before its approval.

        404 for another's request, 409 once approved: HR cancels approved leave.
        """
        async with db.transaction() as conn:
            row = await cancel_request(conn, events, request_id, actor=context.actor, own=True)
        return _out(row, LeaveRequestOut)

    @get("/balances", summary="My leave balances", opt=route_opt(permission=LEAVE_SELF_READ))
    async def my_leave_balances(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[HrSettings],
        year: Year = None,
    ) -> list[BalanceOut]:
        """The caller's balance per leave type in ``year``.

        404 for a caller not linked to an employee.
        """
        async with db.transaction() as conn:
            employee_id = await _own_employee(conn, context)
            if employee_id is None:
                not_found()
            found = await balances(conn, employee_id, year or _today(settings).year)
        return msgspec.convert(found, list[BalanceOut], strict=False)


class TeamLeaveController(Controller):
    """Requests waiting for the caller as their reports' manager."""

    path = "/leave/team"
    tags = ["hr: leave"]

    @get(
        "/requests",
        summary="Requests waiting for me as manager",
        opt=route_opt(permission=LEAVE_SELF_READ),
    )
    async def team_leave_requests(
        self, db: Db, context: Context, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[LeaveRequestOut]:
        """The requests of the caller's reports waiting for their manager, oldest first."""
        user = actor_user(context.actor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select r.* from hr_leave_request r join hr_employee e on e.id = r.employee_id "
                "join hr_employee m on m.id = coalesce(e.manager_id, (select d.manager_id "
                "from hr_department d where d.id = e.department_id)) "
                "where r.state = 'pending_manager' and m.user_id = $1 and m.id <> e.id "
                "and ($2::uuid is null or r.id > $2) order by r.id limit $3",
                user,
                after_id(cursor),
                limit + 1,
            )
        return page_of([_out(row, LeaveRequestOut) for row in rows], limit)

    @post(
        "/requests/{request_id:uuid}/approve",
        summary="Approve as manager",
        status_code=200,
        opt=route_opt(permission=LEAVE_SELF_WRITE),
    )
    async def approve_as_manager(
        self, db: Db, events: Events, context: Context, request_id: FromPath[UUID]
    ) -> LeaveRequestOut:
        """Approve a report's request as their manager.

        403 unless the caller is the user linked to the employee's manager, 409 unless it waits for
        its manager. Then it goes to HR (``manager_then_hr``) or is approved
        (``hr.leave.approved.v1``).
        """
        async with db.transaction() as conn:
            row = await _as_approver(
                approve_request(conn, events, request_id, actor=context.actor, as_manager=True)
            )
        return _out(row, LeaveRequestOut)

    @post(
        "/requests/{request_id:uuid}/reject",
        summary="Reject as manager",
        status_code=200,
        opt=route_opt(permission=LEAVE_SELF_WRITE),
    )
    async def reject_as_manager(
        self,
        db: Db,
        events: Events,
        context: Context,
        request_id: FromPath[UUID],
        data: Annotated[RejectIn, body("POST /leave/team/requests/{request_id}/reject", "Busy")],
    ) -> LeaveRequestOut:
        """Reject a report's request as their manager (403/409 as for approving).

        Publishes ``hr.leave.rejected.v1``.
        """
        async with db.transaction() as conn:
            row = await _as_approver(
                reject_request(
                    conn,
                    events,
                    request_id,
                    reason=data.reason,
                    actor=context.actor,
                    as_manager=True,
                )
            )
        return _out(row, LeaveRequestOut)


# --------------------------------------------------------------- calendar and holidays


class LeaveCalendarController(Controller):
    """The team calendar and public holidays."""

    path = "/"
    tags = ["hr: leave"]

    @get(
        "/leave/calendar", summary="Team leave calendar", opt=route_opt(permission=LEAVE_SELF_READ)
    )
    async def leave_calendar(
        self,
        db: Db,
        settings: TenantSettings[HrSettings],
        date_from: Annotated[dt.date, QueryParameter(description="The first day.")],
        date_to: Annotated[dt.date, QueryParameter(description="The last day (≤ 93 days).")],
        department_id: Annotated[
            UUID | None, QueryParameter(description="Only this department's people.")
        ] = None,
    ) -> list[CalendarDay]:
        """Who is away each day (approved and pending leave) with the tenant's public holidays.

        422 for a span over 93 days.
        """
        errors = FieldErrors()
        _in_range(errors, "date_from", date_from, "query")
        _in_range(errors, "date_to", date_to, "query")
        errors.raise_if_any()
        async with db.transaction() as conn:
            days = await leave_calendar(conn, settings, date_from, date_to, department_id)
        return msgspec.convert(days, list[CalendarDay], strict=False)

    @get("/public-holidays", summary="Public holidays", opt=route_opt(permission=LEAVE_SELF_READ))
    async def public_holidays(
        self,
        settings: TenantSettings[HrSettings],
        year: Year = None,
        country: Annotated[
            str | None, QueryParameter(description="ISO 3166-1 alpha-2 (the tenant's).")
        ] = None,
        subdivision: Annotated[
            str | None, QueryParameter(max_length=10, description="ENG, BY … (the tenant's).")
        ] = None,
    ) -> PublicHolidays:
        """The public holidays of a year in a country and subdivision.

        This year and the tenant's country and subdivision by default, from the
        ``holidays`` package; 422 for an unknown country or subdivision.
        """
        if country is None:
            country, subdivision = settings.country, subdivision or settings.subdivision
        year = year or _today(settings).year
        if country is not None:
            error = region_error(country, subdivision)
            if error is not None:
                invalid(error.field, str(error), source="query")
        found = holidays_in_year(country, subdivision, year)
        return PublicHolidays(
            country=country,
            subdivision=subdivision,
            year=year,
            holidays=[PublicHoliday(date=day, name=name) for day, name in sorted(found.items())],
        )


LEAVE_CONTROLLERS = (
    LeaveTypeController,
    AccrualRuleController,
    AllocationController,
    EmployeeLeaveController,
    LeaveRequestController,
    MyLeaveController,
    TeamLeaveController,
    LeaveCalendarController,
)
"""The leave controllers, for ``nexus_routes``."""
