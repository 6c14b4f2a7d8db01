"""Tax routes: the tax summary report and the country tax returns (``nexus_finance.hooks``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

import msgspec
from litestar import Controller, Request, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter, QueryParameter
from nexus_hookspecs.http import Db, Page, TenantSettings, route_opt

from nexus_finance import _tax_reports
from nexus_finance._books import company
from nexus_finance._keys import REPORTS_READ
from nexus_finance._routes_reports import (
    REPORT_OPERATION,
    REPORT_RESPONSE,
    DateFrom,
    DateTo,
    Format,
    _answer,
)
from nexus_finance._settings import FinanceSettings
from nexus_finance._tax_reports import TaxBasis

__all__ = ("TaxReturnController", "TaxSummaryController")

_READ = route_opt(permission=REPORTS_READ)

TaxBasisParam = Annotated[
    TaxBasis | None,
    QueryParameter(
        description="`accrual`: documents by their date; `cash`: in proportion to what was "
        "paid, on the payment date. The `tax_basis` setting by default."
    ),
]
Key = Annotated[
    str,
    Parameter(description="The return's key (`gb_vat`).", pattern=r"^[a-z][a-z0-9_]{0,39}$"),
]
Required = Annotated[date, QueryParameter(description="The period's first or last day.")]


class TaxReturnOut(msgspec.Struct, kw_only=True):
    """A tax return the company can file."""

    key: str
    country: str
    title: str
    description: str
    currency: str | None


class BoxOut(msgspec.Struct, kw_only=True):
    """A box of a tax return."""

    number: str
    label: str
    amount: Decimal


class TaxReturnBoxes(msgspec.Struct, kw_only=True):
    """A tax return's boxes for a period, on a basis, in the company currency."""

    key: str
    country: str
    title: str
    basis: str
    currency: str
    date_from: date
    date_to: date
    boxes: list[BoxOut]


class TaxSummaryController(Controller):
    """The tax summary report (beside the other reports under ``/reports``)."""

    path = "/reports"
    tags = ["finance: reports"]

    @get(
        "/tax-summary",
        summary="Tax summary",
        operation_class=REPORT_OPERATION,
        opt=_READ,
        responses=REPORT_RESPONSE,
    )
    async def tax_summary(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        settings: TenantSettings[FinanceSettings],
        date_from: DateFrom = None,
        date_to: DateTo = None,
        basis: TaxBasisParam = None,
        format: Format = None,
    ) -> Response[Any]:
        """Taxable base and tax per tax and scope (sale, purchase), untaxed lines apart.

        Amounts are in the company currency, credit notes negative; on the accrual basis
        by document date, on the cash basis in proportion to what was paid, on the payment
        date. Reads the ledger only: nothing is booked.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            made = await _tax_reports.summary(
                conn,
                found,
                basis=basis or settings.tax_basis,
                date_from=date_from,
                date_to=date_to or date.today(),
            )
        return _answer(request, _tax_reports.summary_report(made, date_from=date_from), format)


class TaxReturnController(Controller):
    """Country tax returns, added by country plugins through ``finance_tax_returns``."""

    path = "/tax-returns"
    tags = ["finance: reports"]

    @get("/", summary="List the company's tax returns", opt=_READ)
    async def list_tax_returns(
        self, settings: TenantSettings[FinanceSettings]
    ) -> Page[TaxReturnOut]:
        """The tax returns registered for the company's country (its `country` setting).

        Reads nothing from the ledger and books nothing.
        """
        return Page(
            items=[
                TaxReturnOut(
                    key=made.key,
                    country=made.country,
                    title=made.title,
                    description=made.description,
                    currency=made.currency,
                )
                for made in _tax_reports.returns_for(settings.country)
            ]
        )

    @get(
        "/{key:str}",
        summary="Compute a tax return",
        opt=_READ,
        responses={409: ResponseSpec(None, description="The books are not kept in its currency")},
    )
    async def show_tax_return(
        self,
        db: Db,
        settings: TenantSettings[FinanceSettings],
        key: Key,
        date_from: Required,
        date_to: Required,
        basis: TaxBasisParam = None,
    ) -> TaxReturnBoxes:
        """The return's boxes for the period, from the tax summary on the tenant's basis.

        404 for a return not registered for the company's country; 409 when the return is
        filed in a currency the books are not kept in. Reads the ledger only: nothing is
        booked and nothing is filed.
        """
        tax_return = _tax_reports.find_return(key, settings.country)
        async with db.transaction() as conn:
            found = await company(conn)
            made, boxes = await _tax_reports.run_return(
                conn,
                found,
                tax_return,
                basis=basis or settings.tax_basis,
                date_from=date_from,
                date_to=date_to,
            )
        return TaxReturnBoxes(
            key=tax_return.key,
            country=tax_return.country,
            title=tax_return.title,
            basis=made.basis,
            currency=made.currency,
            date_from=made.date_from,
            date_to=made.date_to,
            boxes=[BoxOut(number=box.number, label=box.label, amount=box.amount) for box in boxes],
        )
