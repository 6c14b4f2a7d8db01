"""Bookkeeping exports: the general ledger and the journals as CSV, the SAF-T audit file."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import QueryParameter
from litestar.response import Stream
from nexus_hookspecs.http import Db, TenantSettings, content_disposition, route_opt

from nexus_finance import _exports, _saft
from nexus_finance._books import company
from nexus_finance._keys import REPORTS_READ
from nexus_finance._settings import FinanceSettings

__all__ = ("ExportController",)

_READ = route_opt(permission=REPORTS_READ)

DateFrom = Annotated[date | None, QueryParameter(description="From this day (all by default).")]
DateTo = Annotated[date | None, QueryParameter(description="Up to this day (today by default).")]


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": content_disposition(name)}


def _span(date_from: date | None, date_to: date) -> str:
    return f"{date_from.isoformat() if date_from else 'start'}_{date_to.isoformat()}"


class ExportController(Controller):
    """Exports of the books for an accountant or a tax authority."""

    path = "/exports"
    tags = ["finance: exports"]

    @get(
        "/general-ledger.csv",
        summary="Export the general ledger as CSV",
        media_type="text/csv",
        opt=_READ,
    )
    async def general_ledger_csv(
        self, db: Db, date_from: DateFrom = None, date_to: DateTo = None
    ) -> Stream:
        """Every line of every entry of the period as CSV, by date and posting time.

        Columns: date, entry, journal, account code and name, partner, text, currency,
        debit, credit, base debit, base credit, rate. Per currency the debits and credits
        sum to the trial balance's; the base columns to its ``company`` basis. Streamed in
        batches of entries. Reads only: nothing is posted or changed.
        """
        start, end = _exports.period(date_from, date_to, today=date.today())
        selection = _exports.Selection(date_from=start, date_to=end)
        return await _csv(
            db,
            selection,
            columns=_exports.GENERAL_LEDGER_COLUMNS,
            name="general-ledger",
            start=start,
        )

    @get("/journals.csv", summary="Export the journals as CSV", media_type="text/csv", opt=_READ)
    async def journals_csv(
        self,
        db: Db,
        journal: Annotated[
            str | None,
            QueryParameter(description="Only the journal with this code.", max_length=20),
        ] = None,
        date_from: DateFrom = None,
        date_to: DateTo = None,
    ) -> Stream:
        """Every line of every entry of the period as CSV, grouped by journal (code order).

        Columns: journal code and name, date, entry, reference, line number, account code and
        name, partner, text, currency, debit, credit, base debit, base credit, rate. An
        unknown journal code is a 422. Reads only: nothing is posted or changed.
        """
        start, end = _exports.period(date_from, date_to, today=date.today())
        if journal is not None:
            async with db.transaction() as conn:
                await _exports.check_journal(conn, journal)
        selection = _exports.Selection(
            date_from=start, date_to=end, journal=journal, order="journal"
        )
        name = f"journal-{journal}" if journal else "journals"
        return await _csv(db, selection, columns=_exports.JOURNAL_COLUMNS, name=name, start=start)

    @get("/saf-t", summary="Export the SAF-T audit file", media_type="application/xml", opt=_READ)
    async def saf_t(
        self,
        db: Db,
        settings: TenantSettings[FinanceSettings],
        date_from: Annotated[
            date | None,
            QueryParameter(
                description="From this day (the start of `date_to`'s fiscal year by default)."
            ),
        ] = None,
        date_to: DateTo = None,
        country: Annotated[
            str | None,
            QueryParameter(
                description="`AuditFileCountry` (ISO 3166-1 alpha-2): the company's country, "
                "else Finance's `country` setting, by default.",
                pattern="^[A-Z]{2}$",
            ),
        ] = None,
    ) -> Stream:
        """The OECD Standard Audit File for Tax 2.00 (XML) of the period.

        Header (company, software, period), master files (every account with its opening
        and closing balance, customers and suppliers with theirs, the tax table) and every
        entry of the period as a transaction of its journal, amounts in the base currency.
        Needs a country (``country``, the company's or the settings'; 422 naming ``country``
        without). Reads only: nothing is posted or changed.
        """
        today = date.today()
        start, end = _exports.period(date_from, date_to, today=today)
        async with db.transaction() as conn:
            books = await company(conn)
            if start is None:
                start = await _saft.fiscal_year_start(conn, books, end)
        chunks = await _saft.audit_file(
            db,
            books,
            country=country,
            fallback=settings.country,
            date_from=start,
            date_to=end,
            today=today,
        )
        return Stream(
            chunks,
            media_type="application/xml; charset=utf-8",
            headers=_attachment(f"saf-t_{_span(start, end)}.xml"),
        )


async def _csv(
    db: Db,
    selection: _exports.Selection,
    *,
    columns: tuple[str, ...],
    name: str,
    start: date | None,
) -> Stream:
    async with db.transaction() as conn:
        books = await company(conn)
    _, batches = await _exports.entry_batches(db, selection)
    rows = _exports.csv_rows(batches, columns=columns, base_currency=books.base_currency)
    return Stream(
        rows,
        media_type="text/csv; charset=utf-8",
        headers=_attachment(f"{name}_{_span(start, selection.date_to)}.csv"),
    )
