"""Report routes: JSON by default, CSV with ``?format=csv`` or ``Accept: text/csv``."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import QueryParameter
from nexus_hookspecs.http import Db, content_disposition, file_operation, route_opt

from nexus_finance import _reports
from nexus_finance._books import company
from nexus_finance._keys import REPORTS_READ
from nexus_finance._reports import Basis, Report

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs import Connection, Database

    from nexus_finance._books import Company

__all__ = ("REPORT_OPERATION", "REPORT_RESPONSE", "ReportController", "ReportOut")

_READ = route_opt(permission=REPORTS_READ)

Format = Annotated[
    Literal["json", "csv"] | None,
    QueryParameter(description="`csv` for CSV (as does `Accept: text/csv`); JSON by default."),
]
DateTo = Annotated[date | None, QueryParameter(description="Up to this day (today by default).")]
DateFrom = Annotated[date | None, QueryParameter(description="From this day (all by default).")]
BasisParam = Annotated[
    Basis,
    QueryParameter(
        description="`transaction`: per currency booked; `company`: converted to the base currency."
    ),
]


class ReportOut(msgspec.Struct, kw_only=True):
    """A report as JSON (the shape of ``_reports.Report``, for the OpenAPI document).

    Attributes:
        report: Which report (``trial_balance``, ``profit_and_loss``…).
        basis: ``transaction`` (amounts as booked, per currency), ``company`` (converted to
            the base currency), or the tax basis (``accrual``, ``cash``).
        base_currency: The company currency.
        date_from: The first day covered, ``null`` from the beginning.
        date_to: The last day covered.
        columns: The row keys, in the order the CSV prints them.
        rows: One object per row, keyed by ``columns``: amounts as decimal strings in the
            row's currency, text, and ``true``/``false`` flags.
        totals: Per currency, the report's totals (decimal strings).
    """

    report: str
    basis: str
    base_currency: str
    date_from: date | None
    date_to: date
    columns: list[str]
    rows: list[dict[str, str | bool]]
    totals: dict[str, dict[str, str]]


REPORT_RESPONSE = {
    200: ResponseSpec(
        data_container=ReportOut,
        description="The report as JSON (`ReportOut`), or its rows as CSV.",
        generate_examples=False,
    )
}
"""A report route's 200: its JSON schema (and, by ``REPORT_OPERATION``, CSV)."""


REPORT_OPERATION = file_operation("text/csv", keep_json=True, description="The rows as CSV.")
"""A report's OpenAPI operation: its 200 answers JSON or CSV."""


def _answer(request: Request[Any, Any, Any], report: Report, fmt: str | None) -> Response[Any]:
    accept = request.headers.get("accept", "")
    if fmt == "csv" or (fmt is None and "text/csv" in accept):
        return Response(
            _reports.to_csv(report),
            media_type="text/csv",
            headers={"Content-Disposition": content_disposition(f"{report.report}.csv")},
        )
    return Response(report)


async def _run(
    db: Database,
    build: Callable[[Connection, Company], Awaitable[Report]],
) -> Report:
    async with db.transaction() as conn:
        found = await company(conn)
        return await build(conn, found)


class ReportController(Controller):
    """Financial reports."""

    path = "/reports"
    tags = ["finance: reports"]

    @get(
        "/trial-balance",
        summary="Trial balance",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def trial_balance(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        basis: BasisParam = "transaction",
        format: Format = None,
    ) -> Response[Any]:
        """Debit, credit and balance of every account moved, per currency; each sums to zero."""
        report = await _run(
            db,
            lambda conn, found: _reports.trial_balance(
                conn, found, basis=basis, date_from=date_from, date_to=date_to or date.today()
            ),
        )
        return _answer(request, report, format)

    @get(
        "/profit-and-loss",
        summary="Profit and loss",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def profit_and_loss(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        basis: BasisParam = "transaction",
        format: Format = None,
    ) -> Response[Any]:
        """Income, expenses and net profit of the period, per currency."""
        report = await _run(
            db,
            lambda conn, found: _reports.profit_and_loss(
                conn, found, basis=basis, date_from=date_from, date_to=date_to or date.today()
            ),
        )
        return _answer(request, report, format)

    @get(
        "/balance-sheet",
        summary="Balance sheet",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def balance_sheet(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        date_to: DateTo = None,
        basis: BasisParam = "transaction",
        format: Format = None,
    ) -> Response[Any]:
        """Assets, liabilities and equity at a date, per currency."""
        report = await _run(
            db,
            lambda conn, found: _reports.balance_sheet(
                conn, found, basis=basis, date_to=date_to or date.today()
            ),
        )
        return _answer(request, report, format)

    @get(
        "/general-ledger",
        summary="General ledger",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def general_ledger(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        account_code: Annotated[
            str | None, QueryParameter(description="Only this account.", max_length=20)
        ] = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
        basis: BasisParam = "transaction",
        format: Format = None,
    ) -> Response[Any]:
        """Every posted line per account and currency, with opening and running balances."""
        report = await _run(
            db,
            lambda conn, found: _reports.general_ledger(
                conn,
                found,
                basis=basis,
                account_code=account_code,
                date_from=date_from,
                date_to=date_to or date.today(),
            ),
        )
        return _answer(request, report, format)

    @get(
        "/aged-receivables",
        summary="Aged receivables",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def aged_receivables(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        date_to: DateTo = None,
        format: Format = None,
    ) -> Response[Any]:
        """What each customer owes, by days past due, per currency."""
        report = await _run(
            db,
            lambda conn, found: _reports.aged(
                conn, found, direction="sale", date_to=date_to or date.today()
            ),
        )
        return _answer(request, report, format)

    @get(
        "/aged-payables",
        summary="Aged payables",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def aged_payables(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        date_to: DateTo = None,
        format: Format = None,
    ) -> Response[Any]:
        """What is owed to each supplier, by days past due, per currency."""
        report = await _run(
            db,
            lambda conn, found: _reports.aged(
                conn, found, direction="purchase", date_to=date_to or date.today()
            ),
        )
        return _answer(request, report, format)
