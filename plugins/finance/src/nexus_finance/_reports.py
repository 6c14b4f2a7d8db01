"""Reports: trial balance, profit and loss, balance sheet, aged receivables and payables.

Each report is computed per currency: ``basis=transaction`` (the default) sums the amounts in
the currency they were booked in; ``basis=company`` sums their conversion to the base
currency (one currency). Rows are flat, so the same rows serve JSON and CSV.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

import msgspec

from nexus_finance._money import quantize
from nexus_finance._reconcile import items_at

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_finance._books import Company

__all__ = (
    "Basis",
    "Report",
    "aged",
    "balance_sheet",
    "general_ledger",
    "profit_and_loss",
    "to_csv",
    "trial_balance",
)

Basis = Literal["transaction", "company"]
_ZERO = Decimal(0)
_SECTIONS = {"asset": "assets", "liability": "liabilities", "equity": "equity"}


class Report(msgspec.Struct, kw_only=True):
    """A report: its rows, and totals per currency."""

    report: str
    basis: str
    base_currency: str
    date_from: date | None
    date_to: date
    columns: list[str]
    rows: list[dict[str, Any]]
    totals: dict[str, dict[str, str]]


def _amounts(basis: Basis, books: Company) -> tuple[str, str, str]:
    if basis == "company":
        return "l.base_debit", "l.base_credit", f"'{books.base_currency}'"
    return "l.debit", "l.credit", "l.currency"


async def _balances(
    conn: Connection,
    books: Company,
    *,
    basis: Basis,
    date_from: date | None,
    date_to: date,
    types: tuple[str, ...],
    without_closing: bool = False,
) -> list[dict[str, Any]]:
    debit, credit, currency = _amounts(basis, books)
    closing = (
        "and not exists (select 1 from finance_entry e where e.id = l.entry_id "
        "and e.source = 'closing') "
        if without_closing
        else ""
    )
    rows = await conn.fetch(
        f"select {currency} as currency, a.code, a.name, a.type, a.subtype, "
        f"coalesce(sum({debit}), 0) as debit, coalesce(sum({credit}), 0) as credit "
        "from finance_entry_line l join finance_account a on a.id = l.account_id "
        "where l.date <= $1 and ($2::date is null or l.date >= $2) and a.type = any($3) "
        f"{closing}group by 1, a.code, a.name, a.type, a.subtype "
        "having coalesce(sum(" + debit + "), 0) <> 0 or coalesce(sum(" + credit + "), 0) <> 0 "
        "order by 1, a.code",
        date_to,
        date_from,
        list(types),
    )
    return [dict(row) for row in rows]


def _text(amount: Decimal, currency: str) -> str:
    return str(quantize(amount, currency))


async def trial_balance(
    conn: Connection, books: Company, *, basis: Basis, date_from: date | None, date_to: date
) -> Report:
    """Debits, credits and the balance per account and currency, as two columns.

    A debit balance shows in ``debit_balance``, a credit balance (positive) in
    ``credit_balance``; per currency, both columns total the same, as do debits and credits.
    """
    rows, totals = [], {}
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [_ZERO, _ZERO, _ZERO, _ZERO])
    types = ("asset", "liability", "equity", "income", "expense")
    for row in await _balances(
        conn, books, basis=basis, date_from=date_from, date_to=date_to, types=types
    ):
        currency = row["currency"]
        balance = row["debit"] - row["credit"]
        debit_balance, credit_balance = max(balance, _ZERO), max(-balance, _ZERO)
        amounts = (row["debit"], row["credit"], debit_balance, credit_balance)
        for index, amount in enumerate(amounts):
            sums[currency][index] += amount
        rows.append(
            {
                "currency": currency,
                "account_code": row["code"],
                "account_name": row["name"],
                "account_type": row["type"],
                "debit": _text(row["debit"], currency),
                "credit": _text(row["credit"], currency),
                "debit_balance": _text(debit_balance, currency),
                "credit_balance": _text(credit_balance, currency),
            }
        )
    for currency, (debit, credit, debit_balance, credit_balance) in sums.items():
        totals[currency] = {
            "debit": _text(debit, currency),
            "credit": _text(credit, currency),
            "debit_balance": _text(debit_balance, currency),
            "credit_balance": _text(credit_balance, currency),
        }
    return Report(
        report="trial_balance",
        basis=basis,
        base_currency=books.base_currency,
        date_from=date_from,
        date_to=date_to,
        columns=[
            "currency",
            "account_code",
            "account_name",
            "account_type",
            "debit",
            "credit",
            "debit_balance",
            "credit_balance",
        ],
        rows=rows,
        totals=totals,
    )


# Sections of the profit and loss, in their order: gross profit is revenue less cost of sales.
_PNL_SECTIONS = ("revenue", "cost_of_sales", "gross_profit", "income", "expense", "net_profit")
_REVENUE_SUBTYPES = frozenset({"sales"})
_COST_OF_SALES_SUBTYPES = frozenset({"cogs"})


def _pnl_section(row: dict[str, Any]) -> str:
    if row["type"] == "income":
        return "revenue" if row["subtype"] in _REVENUE_SUBTYPES else "income"
    return "cost_of_sales" if row["subtype"] in _COST_OF_SALES_SUBTYPES else "expense"


async def profit_and_loss(
    conn: Connection, books: Company, *, basis: Basis, date_from: date | None, date_to: date
) -> Report:
    """Revenue, cost of sales, gross profit, other income and expenses, net profit.

    Per currency: revenue (income accounts of subtype ``sales``) less cost of sales
    (expense accounts of subtype ``cogs``) is the gross profit row; the other income and
    expenses follow, then the net profit row. ``income`` and ``expense`` totals still cover
    every income and expense account. Year-end closing entries are left out: they move the
    result, they do not make it.
    """
    rows, totals = [], {}
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in await _balances(
        conn,
        books,
        basis=basis,
        date_from=date_from,
        date_to=date_to,
        types=("income", "expense"),
        without_closing=True,
    ):
        currency = row["currency"]
        # Income shows positive when credited, expenses when debited.
        amount = (
            row["credit"] - row["debit"]
            if row["type"] == "income"
            else row["debit"] - row["credit"]
        )
        section = _pnl_section(row)
        sums[currency][f"all_{row['type']}"] += amount
        sums[currency][section] += amount
        rows.append(
            {
                "currency": currency,
                "section": section,
                "account_code": row["code"],
                "account_name": row["name"],
                "amount": _text(amount, currency),
            }
        )
    for currency, by_type in sums.items():
        gross = by_type["revenue"] - by_type["cost_of_sales"]
        net = by_type["all_income"] - by_type["all_expense"]
        for section, name, amount in (
            ("gross_profit", "Gross profit", gross),
            ("net_profit", "Net profit", net),
        ):
            rows.append(
                {
                    "currency": currency,
                    "section": section,
                    "account_code": "",
                    "account_name": name,
                    "amount": _text(amount, currency),
                }
            )
        totals[currency] = {
            "revenue": _text(by_type["revenue"], currency),
            "cost_of_sales": _text(by_type["cost_of_sales"], currency),
            "gross_profit": _text(gross, currency),
            "income": _text(by_type["all_income"], currency),
            "expense": _text(by_type["all_expense"], currency),
            "net_profit": _text(net, currency),
        }
    rows.sort(
        key=lambda row: (row["currency"], _PNL_SECTIONS.index(row["section"]), row["account_code"])
    )
    return Report(
        report="profit_and_loss",
        basis=basis,
        base_currency=books.base_currency,
        date_from=date_from,
        date_to=date_to,
        columns=["currency", "section", "account_code", "account_name", "amount"],
        rows=rows,
        totals=totals,
    )


async def balance_sheet(conn: Connection, books: Company, *, basis: Basis, date_to: date) -> Report:
    """Assets, liabilities and equity at ``date_to``; unclosed earnings shown in equity."""
    rows, totals = [], {}
    sums: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    every = ("asset", "liability", "equity", "income", "expense")
    for row in await _balances(
        conn, books, basis=basis, date_from=None, date_to=date_to, types=every
    ):
        currency = row["currency"]
        balance = row["debit"] - row["credit"]
        if row["type"] in ("income", "expense"):
            sums[currency]["earnings"] -= balance
            continue
        amount = balance if row["type"] == "asset" else -balance
        section = _SECTIONS[row["type"]]
        sums[currency][section] += amount
        rows.append(
            {
                "currency": currency,
                "section": section,
                "account_code": row["code"],
                "account_name": row["name"],
                "amount": _text(amount, currency),
            }
        )
    for currency, by_section in sums.items():
        if by_section["earnings"]:
            rows.append(
                {
                    "currency": currency,
                    "section": "equity",
                    "account_code": "",
                    "account_name": "Unallocated earnings",
                    "amount": _text(by_section["earnings"], currency),
                }
            )
        equity = by_section["equity"] + by_section["earnings"]
        totals[currency] = {
            "assets": _text(by_section["assets"], currency),
            "liabilities": _text(by_section["liabilities"], currency),
            "equity": _text(equity, currency),
            "liabilities_and_equity": _text(by_section["liabilities"] + equity, currency),
        }
    rows.sort(key=lambda row: (row["currency"], list(_SECTIONS.values()).index(row["section"])))
    return Report(
        report="balance_sheet",
        basis=basis,
        base_currency=books.base_currency,
        date_from=None,
        date_to=date_to,
        columns=["currency", "section", "account_code", "account_name", "amount"],
        rows=rows,
        totals=totals,
    )


async def general_ledger(
    conn: Connection,
    books: Company,
    *,
    basis: Basis,
    account_code: str | None,
    date_from: date | None,
    date_to: date,
) -> Report:
    """Every line of every account (or of one) with its running balance, per currency.

    Lines run by date, then by when their entry was posted, then by entry number: a payment
    numbered before the invoice it pays (``BNK1/…`` < ``INV/…``) still follows it on the
    same day. With ``date_from``, each account starts from its opening balance on that day.
    """
    debit, credit, currency = _amounts(basis, books)
    rows: list[dict[str, Any]] = []
    sums: dict[str, list[Decimal]] = defaultdict(lambda: [_ZERO, _ZERO])
    running: dict[tuple[str, str], Decimal] = {}
    if date_from is not None:
        for row in await conn.fetch(
            f"select {currency} as currency, a.code, a.name, "
            f"sum({debit}) - sum({credit}) as balance "
            "from finance_entry_line l join finance_account a on a.id = l.account_id "
            "where l.date < $1 and ($2::text is null or a.code = $2) "
            "group by 1, a.code, a.name order by 1, a.code",
            date_from,
            account_code,
        ):
            running[row["currency"], row["code"]] = row["balance"]
            rows.append(
                _ledger_row(row, "", date_from, "Opening balance", _ZERO, _ZERO, row["balance"])
            )
    for row in await conn.fetch(
        f"select {currency} as currency, a.code, a.name, l.date, e.number, p.name as partner, "
        f"coalesce(l.description, e.memo) as description, {debit} as debit, {credit} as credit "
        "from finance_entry_line l join finance_account a on a.id = l.account_id "
        "join finance_entry e on e.id = l.entry_id "
        "left join finance_partner p on p.id = l.partner_id "
        "where l.date <= $1 and ($2::date is null or l.date >= $2) "
        "and ($3::text is null or a.code = $3) "
        "order by 1, a.code, l.date, e.created_at, e.number, l.line_no",
        date_to,
        date_from,
        account_code,
    ):
        if not row["debit"] and not row["credit"]:
            continue
        key = (row["currency"], row["code"])
        running[key] = running.get(key, _ZERO) + row["debit"] - row["credit"]
        sums[row["currency"]][0] += row["debit"]
        sums[row["currency"]][1] += row["credit"]
        rows.append(
            _ledger_row(
                row,
                row["number"],
                row["date"],
                row["description"],
                row["debit"],
                row["credit"],
                running[key],
                partner=row["partner"],
            )
        )
    rows.sort(key=lambda r: (r["currency"], r["account_code"]))
    return Report(
        report="general_ledger",
        basis=basis,
        base_currency=books.base_currency,
        date_from=date_from,
        date_to=date_to,
        columns=[
            "currency",
            "account_code",
            "account_name",
            "date",
            "entry",
            "partner",
            "description",
            "debit",
            "credit",
            "balance",
        ],
        rows=rows,
        totals={c: {"debit": _text(d, c), "credit": _text(k, c)} for c, (d, k) in sums.items()},
    )


def _ledger_row(
    row: Any,
    entry: str,
    day: date,
    description: str | None,
    debit: Decimal,
    credit: Decimal,
    balance: Decimal,
    *,
    partner: str | None = None,
) -> dict[str, Any]:
    currency = row["currency"]
    return {
        "currency": currency,
        "account_code": row["code"],
        "account_name": row["name"],
        "date": day.isoformat(),
        "entry": entry,
        "partner": partner or "",
        "description": description or "",
        "debit": _text(debit, currency),
        "credit": _text(credit, currency),
        "balance": _text(balance, currency),
    }


_BUCKETS = ("current", "1_30", "31_60", "61_90", "over_90")


def _bucket(days: int) -> str:
    if days <= 0:
        return "current"
    if days <= 30:
        return "1_30"
    if days <= 60:
        return "31_60"
    return "61_90" if days <= 90 else "over_90"


async def aged(conn: Connection, books: Company, *, direction: str, date_to: date) -> Report:
    """What each partner owes (``sale``) or is owed (``purchase``) on ``date_to``, by days overdue.

    Credit notes and unallocated payments count negative (a payment by the days since it).
    """
    # Open documents, open credit and unallocated payments as they stood on date_to, so
    # each partner's total is its balance on the receivable (payable) account that day.
    grouped: dict[tuple[str, Any, str], dict[str, Decimal]] = {}
    for item in await items_at(conn, direction, date_to):
        key = (item["currency"], item["partner_id"], item["name"])
        buckets = grouped.setdefault(key, dict.fromkeys(_BUCKETS, _ZERO))
        buckets[_bucket((date_to - item["day"]).days)] += item["amount"]
    rows: list[dict[str, Any]] = []
    sums: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: dict.fromkeys((*_BUCKETS, "total"), _ZERO)
    )
    for (currency, partner_id, name), buckets in grouped.items():
        total = sum(buckets.values(), _ZERO)
        for bucket, amount in buckets.items():
            sums[currency][bucket] += amount
        sums[currency]["total"] += total
        rows.append(
            {
                "currency": currency,
                "partner_id": str(partner_id),
                "partner_name": name,
                **{bucket: _text(amount, currency) for bucket, amount in buckets.items()},
                "total": _text(total, currency),
            }
        )
    return Report(
        report="aged_receivables" if direction == "sale" else "aged_payables",
        basis="transaction",
        base_currency=books.base_currency,
        date_from=None,
        date_to=date_to,
        columns=["currency", "partner_id", "partner_name", *_BUCKETS, "total"],
        rows=rows,
        totals={
            currency: {key: _text(value, currency) for key, value in values.items()}
            for currency, values in sums.items()
        },
    )


def to_csv(report: Report) -> str:
    """The report's rows as CSV, with a header row of its columns."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=report.columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(report.rows)
    return out.getvalue()
