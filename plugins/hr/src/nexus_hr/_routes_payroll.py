"""``/payruns`` and ``/payroll/rule-sets``: pay runs, payslips and their PDFs, rule sets."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, post
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, Operation, Schema
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_hr._examples import body
from nexus_hr._keys import PAYROLL_READ, PAYROLL_WRITE
from nexus_hr._payroll import approve_payrun, delete_payrun, draft_payrun
from nexus_hr._payslips import load_payslip, render_payslip
from nexus_hr._settings import HrSettings
from nexus_hr.hooks import rule_sets

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = (
    "PayrunController",
    "PayrunIn",
    "PayrunOut",
    "PayslipOut",
    "RuleSetController",
    "RuleSetOut",
)

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["EUR"])]


class PayrunIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A pay run to draft: the period paid, the pay date and (optionally) the currency.

    Without ``currency``, the HR setting ``currency``; employees whose contracts are in
    another currency are left out (listed in ``skipped``).
    """

    period_start: date
    period_end: date
    pay_date: date
    currency: Currency | None = None


class PayslipLineOut(msgspec.Struct, kw_only=True):
    """A payslip line: an earning, a deduction or an employer cost (with its liability)."""

    kind: str
    code: str
    label: str
    quantity: Decimal | None
    rate: Decimal | None
    amount: Decimal
    liability: str | None


class PayslipOut(msgspec.Struct, kw_only=True):
    """One employee's pay in a run."""

    id: UUID
    """The payslip (``hr.payslip.rendered.v1``'s ``record_id``)."""
    employee_id: UUID | None
    employee_name: str
    country: str | None
    rule_set: str
    currency: str
    days_employed: int
    hours: Decimal
    overtime_hours: Decimal
    gross: Decimal
    deductions: Decimal
    net: Decimal
    employer_costs: Decimal
    lines: list[PayslipLineOut]


class SkippedOut(msgspec.Struct, kw_only=True):
    """An employee left out of a run, and why."""

    employee_id: UUID
    reason: str


class PayrunOut(msgspec.Struct, kw_only=True):
    """A pay run with its totals and payslips."""

    id: UUID
    number: str
    period_start: date
    period_end: date
    pay_date: date
    currency: str
    state: str
    employees: int
    gross: Decimal
    deductions: Decimal
    net: Decimal
    employer_costs: Decimal
    created_at: datetime
    approved_at: datetime | None
    payslips: list[PayslipOut] = msgspec.field(default_factory=list)
    skipped: list[SkippedOut] = msgspec.field(default_factory=list)


class PayrunSummary(msgspec.Struct, kw_only=True):
    """A pay run in a list (no payslips)."""

    id: UUID
    number: str
    period_start: date
    period_end: date
    pay_date: date
    currency: str
    state: str
    employees: int
    gross: Decimal
    net: Decimal
    created_at: datetime
    approved_at: datetime | None


class RuleSetOut(msgspec.Struct, kw_only=True):
    """A registered payroll rule set."""

    key: str
    country: str | None
    title: str
    description: str


def _strip(row: Mapping[str, Any]) -> dict[str, Any]:
    found = dict(row)
    for key in ("currency", "country"):
        if isinstance(found.get(key), str):
            found[key] = found[key].strip() or None
    return found


async def _read_run(
    conn: Connection, payrun_id: UUID, skipped: list[dict[str, str]] | None = None
) -> PayrunOut:
    run = await conn.fetchrow("select * from hr_payrun where id = $1", payrun_id)
    if run is None:
        not_found()
    slips = await conn.fetch(
        "select * from hr_payslip where payrun_id = $1 order by employee_name, id", payrun_id
    )
    lines = await conn.fetch(
        "select l.* from hr_payslip_line l join hr_payslip s on s.id = l.payslip_id "
        "where s.payrun_id = $1 order by l.position",
        payrun_id,
    )
    by_slip: dict[UUID, list[dict[str, Any]]] = {}
    for line in lines:
        by_slip.setdefault(line["payslip_id"], []).append(dict(line))
    payslips = [{**_strip(slip), "lines": by_slip.get(slip["id"], [])} for slip in slips]
    return msgspec.convert(
        {**_strip(run), "payslips": payslips, "skipped": skipped or []}, PayrunOut, strict=False
    )


def _binary(description: str) -> dict[str, OpenAPIResponse]:
    schema = Schema(type=OpenAPIType.STRING, description=description)
    return {
        "200": OpenAPIResponse(
            description=description,
            content={"application/pdf": OpenAPIMediaType(schema=schema)},
        )
    }


@dataclass
class _PdfOperation(Operation):
    """The payslip PDF route's 200 is ``application/pdf``."""

    def __post_init__(self) -> None:
        self.responses = {**(self.responses or {}), **_binary("The payslip PDF.")}


class PayrunController(Controller):
    """Pay runs: drafted from contracts and approved time, approved to post the journal."""

    path = "/payruns"
    tags = ["hr: payroll"]

    @get("/", summary="List pay runs", opt=route_opt(permission=PAYROLL_READ))
    async def list_payruns(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[PayrunSummary]:
        """Pay runs, oldest first, with their totals. Read only."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from hr_payrun where ($1::uuid is null or id > $1) order by id limit $2",
                after,
                limit + 1,
            )
        items = [msgspec.convert(_strip(row), PayrunSummary, strict=False) for row in rows]
        return page_of(items, limit)

    @post("/", summary="Draft a pay run", opt=route_opt(permission=PAYROLL_WRITE))
    async def create_payrun(
        self,
        db: Db,
        settings: TenantSettings[HrSettings],
        data: Annotated[PayrunIn, body("POST /payruns", "November's pay run")],
    ) -> PayrunOut:
        """Draft a pay run over the period for every employee with a contract in it.

        Gross pay: monthly wages prorated by the days employed in the period, hourly wages ×
        the approved hours Time sent (``time.timesheet.approved.v1``), overtime at the
        contract's (or the settings') multiplier. Each employee's payroll rule set adds
        deductions and employer costs. Writes the run and its payslips (state ``draft``);
        publishes nothing. A period nobody has a contract in drafts an empty run. 409 when an
        approved run overlaps the period; 422 when the period is malformed.
        """
        async with db.transaction() as conn:
            payrun_id, skipped = await draft_payrun(
                conn,
                period_start=data.period_start,
                period_end=data.period_end,
                pay_date=data.pay_date,
                currency=data.currency,
                settings=settings,
            )
            return await _read_run(conn, payrun_id, skipped)

    @get("/{payrun_id:uuid}", summary="Show a pay run", opt=route_opt(permission=PAYROLL_READ))
    async def show_payrun(self, db: Db, payrun_id: FromPath[UUID]) -> PayrunOut:
        """One pay run with its payslips and their lines. Read only."""
        async with db.transaction() as conn:
            return await _read_run(conn, payrun_id)

    @delete(
        "/{payrun_id:uuid}",
        summary="Delete a draft pay run",
        opt=route_opt(permission=PAYROLL_WRITE),
    )
    async def remove_payrun(self, db: Db, payrun_id: FromPath[UUID]) -> None:
        """Delete a draft pay run and its payslips (to redraft it); 409 once approved."""
        async with db.transaction() as conn:
            await delete_payrun(conn, payrun_id)

    @post(
        "/{payrun_id:uuid}/approve",
        summary="Approve a pay run",
        opt=route_opt(permission=PAYROLL_WRITE),
        status_code=200,
    )
    async def approve(self, db: Db, events: Events, payrun_id: FromPath[UUID]) -> PayrunOut:
        """Approve a draft run: it is locked and its payroll journal is posted.

        Publishes ``hr.payrun.posted.v1`` in the same transaction (Dr wages expense and
        employer costs; Cr tax, pension and other payables and wages payable); Finance books
        it in its PAY journal. 409 when the run is approved already, or pays nobody.
        """
        async with db.transaction() as conn:
            await approve_payrun(conn, events, payrun_id)
            return await _read_run(conn, payrun_id)

    @get(
        "/{payrun_id:uuid}/payslips/{employee_id:uuid}",
        summary="Show a payslip",
        opt=route_opt(permission=PAYROLL_READ),
    )
    async def show_payslip(
        self, db: Db, payrun_id: FromPath[UUID], employee_id: FromPath[UUID]
    ) -> PayslipOut:
        """One employee's payslip in a run, with its lines. Read only."""
        async with db.transaction() as conn:
            slip = await load_payslip(conn, payrun_id, employee_id)
        return msgspec.convert(
            {
                **{k: v for k, v in slip.__dict__.items() if k != "lines"},
                "lines": [line.__dict__ for line in slip.lines],
            },
            PayslipOut,
            strict=False,
        )

    @get(
        "/{payrun_id:uuid}/payslips/{employee_id:uuid}/pdf",
        summary="The PDF of a payslip",
        opt=route_opt(permission=PAYROLL_READ),
        operation_class=_PdfOperation,
    )
    async def payslip_pdf(
        self, db: Db, payrun_id: FromPath[UUID], employee_id: FromPath[UUID]
    ) -> Response[bytes]:
        """Render one employee's payslip as a PDF: earnings, deductions, net pay, employer costs.

        A draft run's payslip is marked DRAFT. Read only: nothing is stored.
        """
        async with db.transaction() as conn:
            slip = await load_payslip(conn, payrun_id, employee_id)
        pdf = await asyncio.to_thread(render_payslip, slip)
        name = f"payslip-{slip.number.replace('/', '-')}-{employee_id}.pdf"
        return Response(
            pdf,
            media_type="application/pdf",
            headers={"Content-Disposition": f'inline; filename="{name}"'},
        )


class RuleSetController(Controller):
    """The payroll rule sets installed (the built-in ``generic`` and country plugins')."""

    path = "/payroll/rule-sets"
    tags = ["hr: payroll"]

    @get("/", summary="List payroll rule sets", opt=route_opt(permission=PAYROLL_READ))
    async def list_rule_sets(self) -> list[RuleSetOut]:
        """Every registered rule set (hook ``hr_payroll_rules``), by key. Read only."""
        return [
            RuleSetOut(
                key=found.key,
                country=found.country,
                title=found.title,
                description=found.description,
            )
            for found in sorted(rule_sets().values(), key=lambda r: r.key)
        ]
