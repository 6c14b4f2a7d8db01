"""The tenant's books: seeding, the company row, fiscal periods, exchange rates, accounts."""

from __future__ import annotations

import calendar
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid

from nexus_finance._chart import CHARTS, JOURNALS
from nexus_finance._country_taxes import SeedTax, default_taxes
from nexus_finance._money import is_currency
from nexus_finance._tax_tags import normal_tags, self_assessed
from nexus_finance._taxes import seed_eu_reverse_charge

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_finance._seed import FinanceSeed, SeedTaxRate
    from nexus_finance._settings import FinanceSettings

__all__ = (
    "Company",
    "account_by_code",
    "accounts_by_code",
    "books_locale",
    "check_day",
    "company",
    "default_account",
    "default_journal",
    "open_fiscal_year",
    "open_period",
    "rate_on",
    "seed",
)


class Company(msgspec.Struct, frozen=True, kw_only=True):
    """The books of the tenant in the current transaction."""

    id: UUID
    base_currency: str
    chart_template: str
    fiscal_year_start_month: int
    locale: str | None = None


_COMPANY = (
    "select id, base_currency, chart_template, fiscal_year_start_month, locale from finance_company"
)


async def company(conn: Connection) -> Company:
    """The tenant's books: its company row, seeded when it enabled Finance.

    The kernel runs ``nexus_tenant_enable`` for a tenant before Finance serves it a request
    or an event, so every tenant Finance serves has its books.
    """
    row = await conn.fetchrow(_COMPANY)
    if row is None:
        raise RuntimeError("the tenant has no books: Finance's nexus_tenant_enable did not run")
    return msgspec.convert(dict(row), Company)


async def books_locale(conn: Connection) -> str | None:
    """The locale money is written in, in the tenant's messages (``None``: English)."""
    locale: str | None = await conn.fetchval("select locale from finance_company")
    return locale


async def seed(
    conn: Connection,
    settings: FinanceSettings,
    *,
    today: date | None = None,
    data: FinanceSeed | None = None,
) -> bool:
    """Seed the chart, journals, default taxes and the current fiscal year; once per tenant.

    The default taxes are the standard rate of ``settings.country`` (none where there is no
    national rate, or the country is unknown), unless the settings name a rate; they are
    the company's default sales and purchase taxes. ``data.tax_rates`` (a preset's or
    profile's ``[seed.finance]``) adds taxes; one marked ``default`` replaces the country's
    as the default of its scope. A company in the EU also gets the reverse-charge taxes and
    the ``EU B2B (reverse charge)`` fiscal position (``_taxes.seed_eu_reverse_charge``).

    Returns:
        Whether this call seeded (``False`` when the tenant already had books).
    """
    chart = CHARTS.get(settings.chart_template)
    if chart is None:
        invalid("chart_template", f"unknown chart template {settings.chart_template!r}")
    if not is_currency(settings.base_currency):
        invalid("base_currency", f"{settings.base_currency!r} is not an ISO 4217 currency")
    made = await conn.fetchval(
        "insert into finance_company (id, base_currency, chart_template, "
        "fiscal_year_start_month, locale) values ($1, $2, $3, $4, $5) "
        "on conflict (tenant_id) do nothing returning true",
        new_id(),
        settings.base_currency,
        settings.chart_template,
        settings.fiscal_year_start_month,
        settings.locale,
    )
    if not made:
        return False
    ids: dict[str, UUID] = {}
    for code, name, kind, subtype in chart:
        ids[code] = new_id()
        await conn.execute(
            "insert into finance_account (id, code, name, type, subtype) "
            "values ($1, $2, $3, $4, $5)",
            ids[code],
            code,
            name,
            kind,
            subtype,
        )
    for code, name, kind, account in JOURNALS:
        await conn.execute(
            "insert into finance_journal (id, code, name, type, default_account_id) "
            "values ($1, $2, $3, $4, $5)",
            new_id(),
            code,
            name,
            kind,
            ids.get(account) if account else None,
        )
    taxes = default_taxes(
        settings.country,
        name=settings.tax_name,
        sales_rate=settings.sales_tax_rate,
        purchase_rate=settings.purchase_tax_rate,
    )
    extra = data.tax_rates if data is not None else []
    chosen = {rate.scope for rate in extra if rate.default}
    standard: dict[str, UUID] = {}
    for tax in taxes:
        label, account = ("sales", "2200") if tax.scope == "sale" else ("purchases", "1300")
        standard[tax.scope] = new_id()
        await conn.execute(
            "insert into finance_tax (id, name, scope, rate, price_include, account_id, "
            "is_default) values ($1, $2, $3, $4, $5, $6, $7)",
            standard[tax.scope],
            f"{tax.name} {Decimal(tax.rate).normalize():f}% ({label})",
            tax.scope,
            Decimal(tax.rate),
            settings.prices_include_tax,
            ids[account],
            tax.scope not in chosen,
        )
    for index, rate in enumerate(extra):
        if rate.price_include and self_assessed(rate.tags):
            invalid(f"seed.finance.tax_rates[{index}].tags", "a reverse-charge tax is not included")
        await conn.execute(
            "insert into finance_tax (id, name, scope, rate, price_include, account_id, tags, "
            "is_default) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            new_id(),
            rate.name,
            rate.scope,
            Decimal(rate.rate),
            rate.price_include,
            ids["2200" if rate.scope == "sale" else "1300"],
            normal_tags(rate.tags),
            rate.default and rate.scope in chosen and rate is _first_default(extra, rate.scope),
        )
    sale = next(iter(taxes), None)
    await seed_eu_reverse_charge(
        conn,
        settings.country,
        sale_tax=standard.get("sale"),
        purchase_tax=standard.get("purchase"),
        accounts=ids,
        label=sale.name if sale else "VAT",
        rate=Decimal(standard_rate) if (standard_rate := _rate(taxes, "purchase")) else None,
    )
    await open_fiscal_year(conn, settings.fiscal_year_start_month, today or date.today())
    return True


def _first_default(rates: list[SeedTaxRate], scope: str) -> SeedTaxRate | None:
    """The first seeded tax marked ``default`` of ``scope`` (the one that becomes it)."""
    return next((rate for rate in rates if rate.default and rate.scope == scope), None)


def _rate(taxes: tuple[SeedTax, ...], scope: str) -> str | None:
    return next((tax.rate for tax in taxes if tax.scope == scope), None)


def _add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    return date(day.year + month // 12, month % 12 + 1, 1)


async def open_fiscal_year(conn: Connection, start_month: int, day: date) -> UUID:
    """Create the fiscal year containing ``day`` with twelve monthly periods; return its id.

    Raises:
        HTTPException: 409 if a fiscal year already covers part of it.
    """
    check_day(day)
    start = date(day.year if day.month >= start_month else day.year - 1, start_month, 1)
    end = _add_months(start, 12).replace(day=1)
    last = date.fromordinal(end.toordinal() - 1)
    overlap = await conn.fetchval(
        "select name from finance_fiscal_year where start_date <= $2 and end_date >= $1 limit 1",
        start,
        last,
    )
    if overlap:
        conflict(f"the fiscal year {overlap} already covers part of {start} to {last}")
    year_id = new_id()
    name = str(start.year) if start_month == 1 else f"{start.year}-{last.year}"
    await conn.execute(
        "insert into finance_fiscal_year (id, name, start_date, end_date) values ($1, $2, $3, $4)",
        year_id,
        name,
        start,
        last,
    )
    for month in range(12):
        first = _add_months(start, month)
        final = first.replace(day=calendar.monthrange(first.year, first.month)[1])
        await conn.execute(
            "insert into finance_period (id, fiscal_year_id, name, start_date, end_date) "
            "values ($1, $2, $3, $4, $5)",
            new_id(),
            year_id,
            f"{first:%Y-%m}",
            first,
            final,
        )
    return year_id


FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2999, 12, 31)


def check_day(day: date, key: str = "date") -> date:
    """``day`` if the books can hold it (1900 to 2999); 422 naming ``key`` otherwise."""
    if not FIRST_DAY <= day <= LAST_DAY:
        invalid(key, f"dates run from {FIRST_DAY} to {LAST_DAY}")
    return day


async def open_period(conn: Connection, books: Company, day: date) -> UUID:
    """The open period containing ``day``; its fiscal year is opened if none covers it yet.

    Raises:
        HTTPException: 409 when the period is closed (closing a period locks it).
    """
    check_day(day)
    # Share-locked: a concurrent close waits for this posting to commit (and vice versa).
    row = await conn.fetchrow(
        "select id, name, state from finance_period where start_date <= $1 and end_date >= $1 "
        "for share",
        day,
    )
    if row is None:
        # As ERPNext does, a posting after the last fiscal year opens the next one.
        await open_fiscal_year(conn, books.fiscal_year_start_month, day)
        return await open_period(conn, books, day)
    if row["state"] == "closed":
        conflict(f"the period {row['name']} is closed: nothing can be posted dated {day}")
    period_id: UUID = row["id"]
    return period_id


async def rate_on(conn: Connection, books: Company, currency: str, day: date) -> Decimal:
    """Base-currency units for one unit of ``currency``: the latest rate on or before ``day``.

    Raises:
        ValidationException: 422 when no rate is stored for that currency yet.
    """
    if currency == books.base_currency:
        return Decimal(1)
    rate = await conn.fetchval(
        "select rate from finance_rate where currency = $1 and rate_date <= $2 "
        "order by rate_date desc limit 1",
        currency,
        day,
    )
    if rate is None:
        invalid(
            "currency",
            f"no exchange rate for {currency} on or before {day}: "
            "add one with POST /api/v1/finance/rates",
        )
    result: Decimal = rate
    return result


async def accounts_by_code(conn: Connection, codes: list[str]) -> dict[str, UUID]:
    """The ids of those of ``codes`` that are active accounts, by code."""
    rows = await conn.fetch(
        "select code, id from finance_account where code = any($1::text[]) and active", codes
    )
    return {row["code"]: row["id"] for row in rows}


async def account_by_code(conn: Connection, code: str, *, key: str) -> UUID:
    """The id of the active account ``code``; 422 naming ``key`` when there is none."""
    account = await conn.fetchval("select id from finance_account where code = $1 and active", code)
    if account is None:
        invalid(key, f"no active account with code {code!r}")
    result: UUID = account
    return result


async def default_account(conn: Connection, subtype: str) -> UUID:
    """The first active account (lowest code) of ``subtype`` (``receivable``, ``bank``…)."""
    account = await conn.fetchval(
        "select id from finance_account where subtype = $1 and active order by code limit 1",
        subtype,
    )
    if account is None:
        conflict(f"the chart of accounts has no active {subtype} account")
    result: UUID = account
    return result


async def default_journal(conn: Connection, kind: str, code: str | None = None) -> dict[str, Any]:
    """The journal ``code`` (422 if there is none), else the first journal of type ``kind``."""
    row = None
    if code is not None:
        row = await conn.fetchrow("select * from finance_journal where code = $1", code)
        if row is None:
            invalid("journal_code", f"no journal {code!r}")
    if row is None:
        row = await conn.fetchrow(
            "select * from finance_journal where type = $1 order by code limit 1", kind
        )
    if row is None:
        conflict(f"there is no {kind} journal")
    return dict(row)
