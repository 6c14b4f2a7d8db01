"""Routes for fiscal years, periods (closing locks them) and exchange rates."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    Rate,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_finance._books import check_day, company, open_fiscal_year
from nexus_finance._closing import close_year
from nexus_finance._examples import body
from nexus_finance._keys import (
    ACCOUNTS_READ,
    ACCOUNTS_WRITE,
    MULTI_CURRENCY,
    PERIODS_READ,
    PERIODS_WRITE,
)
from nexus_finance._money import Currency, is_currency, plain

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Database

__all__ = ("FiscalYearController", "PeriodController", "RateController")

_READ = route_opt(permission=PERIODS_READ)
_WRITE = route_opt(permission=PERIODS_WRITE)
_RATES_READ = route_opt(permission=ACCOUNTS_READ)


class PeriodOut(msgspec.Struct, kw_only=True):
    """A period of a fiscal year; ``closed`` ones take no posting dated inside them."""

    id: UUID
    fiscal_year_id: UUID
    name: str
    start_date: date
    end_date: date
    state: str
    closed_at: datetime | None


class FiscalYearIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which fiscal year to open: the one containing ``date``, else the next one."""

    date: date | None = None


class FiscalYearOut(msgspec.Struct, kw_only=True):
    """A fiscal year and its periods."""

    id: UUID
    name: str
    start_date: date
    end_date: date
    closing_entry_id: UUID | None
    periods: list[PeriodOut]


_PERIOD = (
    "select id, fiscal_year_id, name, start_date, end_date, state, closed_at from finance_period"
)


async def _year(conn: Connection, year_id: UUID) -> FiscalYearOut:
    row = await conn.fetchrow(
        "select id, name, start_date, end_date from finance_fiscal_year where id = $1", year_id
    )
    if row is None:
        not_found()
    periods = await conn.fetch(f"{_PERIOD} where fiscal_year_id = $1 order by start_date", year_id)
    closing = await conn.fetchval(
        "select id from finance_entry where source_ref = $1", f"finance.closing:{year_id}"
    )
    return FiscalYearOut(
        **dict(row),
        closing_entry_id=closing,
        periods=[msgspec.convert(dict(p), PeriodOut) for p in periods],
    )


class FiscalYearController(Controller):
    """Fiscal years, each with its monthly periods."""

    path = "/fiscal-years"
    tags = ["finance: periods"]

    @get("/", summary="List fiscal years", opt=_READ)
    async def list_years(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[FiscalYearOut]:
        """Fiscal years with their periods, in creation order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from finance_fiscal_year where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
            years = [await _year(conn, row["id"]) for row in rows]
        return page_of(years, limit)

    @post("/", summary="Open a fiscal year", opt=_WRITE)
    async def open_year(
        self,
        db: Db,
        data: Annotated[FiscalYearIn, body("POST /fiscal-years", "The next fiscal year")],
    ) -> FiscalYearOut:
        """Open the fiscal year containing ``date`` — or, without one, the year after the last.

        Twelve monthly periods are created with it; 409 if it overlaps an existing year.
        Nothing is booked.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            day = data.date
            if day is None:
                last = await conn.fetchval("select max(end_date) from finance_fiscal_year")
                day = last + timedelta(days=1) if last else date.today()
            check_day(day)
            year_id = await open_fiscal_year(conn, found.fiscal_year_start_month, day)
            return await _year(conn, year_id)

    @post(
        "/{fiscal_year_id:uuid}/close", summary="Close a fiscal year", opt=_WRITE, status_code=200
    )
    async def close_year(self, db: Db, fiscal_year_id: FromPath[UUID]) -> FiscalYearOut:
        """Move the year's result to retained earnings and close all its periods.

        One entry dated on the year's last day zeroes every income and expense account into
        retained earnings; 409 when the year is already closed.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            await close_year(conn, found, fiscal_year_id)
            return await _year(conn, fiscal_year_id)

    @get("/{fiscal_year_id:uuid}", summary="Show a fiscal year", opt=_READ)
    async def show_year(self, db: Db, fiscal_year_id: FromPath[UUID]) -> FiscalYearOut:
        """One fiscal year with its periods."""
        async with db.transaction() as conn:
            return await _year(conn, fiscal_year_id)


class PeriodController(Controller):
    """Accounting periods: close one to lock it."""

    path = "/periods"
    tags = ["finance: periods"]

    @get("/", summary="List periods", opt=_READ)
    async def list_periods(
        self,
        db: Db,
        in_state: Annotated[
            Literal["open", "closed"] | None,
            QueryParameter(name="state", description="Only in this state."),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[PeriodOut]:
        """Periods of every fiscal year."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                f"{_PERIOD} where ($1::text is null or state = $1) "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                in_state,
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), PeriodOut) for r in rows], limit)

    @get("/{period_id:uuid}", summary="Show a period", opt=_READ)
    async def show_period(self, db: Db, period_id: FromPath[UUID]) -> PeriodOut:
        """One period."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(f"{_PERIOD} where id = $1", period_id)
        if row is None:
            not_found()
        return msgspec.convert(dict(row), PeriodOut)

    @post("/{period_id:uuid}/close", summary="Close a period", opt=_WRITE, status_code=200)
    async def close_period(self, db: Db, period_id: FromPath[UUID]) -> PeriodOut:
        """Lock the period: no entry, invoice or payment can be posted dated inside it."""
        return await _set_state(db, period_id, "closed")

    @post("/{period_id:uuid}/reopen", summary="Reopen a period", opt=_WRITE, status_code=200)
    async def reopen_period(self, db: Db, period_id: FromPath[UUID]) -> PeriodOut:
        """Unlock a closed period: entries dated in it can be posted again. Nothing is booked."""
        return await _set_state(db, period_id, "open")


async def _set_state(db: Database, period_id: UUID, state: str) -> PeriodOut:
    async with db.transaction() as conn:
        row = await conn.fetchrow(f"{_PERIOD} where id = $1 for update", period_id)
        if row is None:
            not_found()
        if row["state"] == state:
            conflict(f"the period {row['name']} is already {state}")
        changed = await conn.fetchrow(
            "update finance_period set state = $2, "
            "closed_at = case when $2 = 'closed' then now() end where id = $1 "
            "returning id, fiscal_year_id, name, start_date, end_date, state, closed_at",
            period_id,
            state,
        )
    return msgspec.convert(dict(changed or {}), PeriodOut)


_MIN_RATE = Decimal("0.0000000001")
_MAX_RATE = Decimal(10) ** 12


class RateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Base-currency units for one unit of ``currency`` on ``date`` (today by default)."""

    currency: Currency
    rate: Rate
    date: date | None = None


class RateOut(msgspec.Struct, kw_only=True):
    """A stored exchange rate."""

    id: UUID
    currency: str
    base_currency: str
    date: date
    rate: Decimal


_RATE = "select id, currency, rate_date as date, rate from finance_rate"


def _rate(row: Any, base: str) -> RateOut:
    values = dict(row)
    values["rate"] = plain(values["rate"])
    return msgspec.convert({**values, "base_currency": base}, RateOut)


class RateController(Controller):
    """Exchange rates into the base currency (feature ``finance.multi_currency``)."""

    path = "/rates"
    tags = ["finance: currencies"]
    opt = route_opt(feature=MULTI_CURRENCY)

    @get("/", summary="List exchange rates", opt=_RATES_READ)
    async def list_rates(
        self,
        db: Db,
        currency: Annotated[str | None, QueryParameter(description="Only this currency.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[RateOut]:
        """Stored rates, in creation order."""
        async with db.transaction() as conn:
            found = await company(conn)
            rows = await conn.fetch(
                f"{_RATE} where ($1::text is null or currency = $1) "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                currency,
                after_id(cursor),
                limit + 1,
            )
        return page_of([_rate(r, found.base_currency) for r in rows], limit)

    @post("/", summary="Store an exchange rate", opt=route_opt(permission=ACCOUNTS_WRITE))
    async def store_rate(
        self,
        db: Db,
        data: Annotated[RateIn, body("POST /rates", "Today's USD rate")],
    ) -> RateOut:
        """Store the rate of a currency on a date (replacing that day's rate).

        Nothing is booked: entries posted before keep the rate they were booked at.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            errors = FieldErrors()
            if not is_currency(data.currency):
                errors.add("currency", f"{data.currency!r} is not an ISO 4217 currency")
            elif data.currency == found.base_currency:
                errors.add("currency", f"{data.currency} is the base currency: its rate is 1")
            if not data.rate.is_finite() or not _MIN_RATE <= data.rate < _MAX_RATE:
                errors.add("rate", f"the rate must be a number from {_MIN_RATE} below {_MAX_RATE}")
            errors.raise_if_any()
            row = await conn.fetchrow(
                "insert into finance_rate (id, currency, rate_date, rate) values ($1, $2, $3, $4) "
                "on conflict (tenant_id, currency, rate_date) do update set rate = excluded.rate "
                "returning id, currency, rate_date as date, rate",
                new_id(),
                data.currency,
                check_day(data.date or date.today()),
                data.rate,
            )
        return _rate(row, found.base_currency)

    @get("/{rate_id:uuid}", summary="Show an exchange rate", opt=_RATES_READ)
    async def show_rate(self, db: Db, rate_id: FromPath[UUID]) -> RateOut:
        """One stored rate."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(f"{_RATE} where id = $1", rate_id)
            if row is None:
                not_found()
            found = await company(conn)
        return _rate(row, found.base_currency)
