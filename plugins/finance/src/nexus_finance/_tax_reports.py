"""The tax summary (per tax and scope, in the company currency) and the tax returns built on it.

**Accrual basis**: every posted document dated in the period (invoices, bills, credit notes
— these negative — whatever is paid of them) counts in full. **Cash basis**: a document
counts in proportion to what is paid of it, on the day it is paid: each allocation of a
payment counts on the payment's date; a credit note settling a document counts for both on
the later of their two dates (so they cancel out). The share is cumulative per document,
so a document paid in several parts counts exactly in full once paid.

Amounts are converted to the company currency at the document's own rate (the rate its
entry was booked at), per document and tax, then rounded to the company currency.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_finance._books import FIRST_DAY
from nexus_finance._money import plain, quantize
from nexus_finance._reports import Report
from nexus_finance._tax_tags import self_assessed
from nexus_finance.hooks import Box, TaxLine, TaxReturn, TaxSummary, tax_returns

if TYPE_CHECKING:
    from datetime import date
    from uuid import UUID

    from nexus_hookspecs import Connection

    from nexus_finance._books import Company

__all__ = (
    "TaxBasis",
    "find_return",
    "returns_for",
    "run_return",
    "summary",
    "summary_report",
)

TaxBasis = Literal["accrual", "cash"]
_ZERO = Decimal(0)
_POSTED = ["posted", "partially_paid", "paid", "reversed"]
_SCOPES = ("sale", "purchase")

_GROUPS = (
    "select i.id, i.kind, i.direction, i.currency, coalesce(i.rate, 1) as fx, l.tax_id, "
    "sum(l.subtotal) as base, sum(l.tax_amount) as tax "
    "from finance_invoice i join finance_invoice_line l on l.invoice_id = i.id "
    "where i.state = any($1::text[]) and {where} "
    "group by i.id, i.kind, i.direction, i.currency, i.rate, l.tax_id"
)
# Every settlement of a document up to a day: (document, day, amount), payments on their
# date, credit notes (for both documents) on the later of the two documents' dates.
_SETTLEMENTS = (
    "select a.invoice_id as document, coalesce(p.date, greatest(i.date, c.date)) as day, "
    "a.amount, a.created_at, a.id "
    "from finance_payment_allocation a join finance_invoice i on i.id = a.invoice_id "
    "left join finance_payment p on p.id = a.payment_id "
    "left join finance_invoice c on c.id = a.credit_note_id "
    "union all "
    "select a.credit_note_id, greatest(i.date, c.date), a.amount, a.created_at, a.id "
    "from finance_payment_allocation a join finance_invoice i on i.id = a.invoice_id "
    "join finance_invoice c on c.id = a.credit_note_id"
)


@dataclass
class _Sum:
    base: Decimal = _ZERO
    tax: Decimal = _ZERO


@dataclass
class _Shares:
    """The cumulative shares of a document recognised in the period: [(before, after)]."""

    total: Decimal
    parts: list[tuple[Decimal, Decimal]] = field(default_factory=list)


def _check_period(date_from: date | None, date_to: date) -> date:
    start = date_from or FIRST_DAY
    if start > date_to:
        invalid("date_from", "the period starts after it ends", source="query")
    return start


async def _cash_shares(conn: Connection, date_from: date, date_to: date) -> dict[UUID, _Shares]:
    """Per document settled in the period: its total and the cumulative shares paid in it."""
    rows = await conn.fetch(
        f"select s.document, s.day, s.amount, d.total from ({_SETTLEMENTS}) s "
        "join finance_invoice d on d.id = s.document "
        "where s.day <= $1 and d.state = any($2::text[]) and d.total > 0 "
        "order by s.document, s.day, s.created_at, s.id",
        date_to,
        _POSTED,
    )
    shares: dict[UUID, _Shares] = {}
    paid: dict[UUID, Decimal] = defaultdict(Decimal)
    for row in rows:
        document = row["document"]
        before = paid[document]
        paid[document] = before + row["amount"]
        if row["day"] >= date_from:
            found = shares.setdefault(document, _Shares(total=row["total"]))
            found.parts.append((before, paid[document]))
    return shares


async def summary(
    conn: Connection, books: Company, *, basis: TaxBasis, date_from: date | None, date_to: date
) -> TaxSummary:
    """The tax summary of the period on ``basis``, in the company currency."""
    start = _check_period(date_from, date_to)
    currency = books.base_currency
    taxes = {
        row["id"]: dict(row)
        for row in await conn.fetch("select id, name, scope, rate, tags from finance_tax")
    }
    if basis == "cash":
        shares = await _cash_shares(conn, start, date_to)
        groups = await conn.fetch(
            _GROUPS.format(where="i.id = any($2::uuid[])"), _POSTED, list(shares)
        )
    else:
        shares = {}
        groups = await conn.fetch(
            _GROUPS.format(where="i.date between $2 and $3"), _POSTED, start, date_to
        )
    sums: dict[tuple[str, UUID | None], _Sum] = {}
    for group in groups:
        tax = taxes.get(group["tax_id"])
        scope = tax["scope"] if tax else group["direction"]
        base, amount = group["base"], group["tax"]
        if tax is not None and scope == "purchase" and self_assessed(tax["tags"]):
            amount = quantize(base * tax["rate"] / 100, group["currency"])
        sign = -1 if group["kind"] == "credit_note" else 1
        # In the company currency at the document's rate, as its entry was booked.
        base = sign * quantize(base * group["fx"], currency)
        amount = sign * quantize(amount * group["fx"], currency)
        found = sums.setdefault((scope, group["tax_id"]), _Sum())
        if basis == "cash":
            document = shares[group["id"]]
            for before, after in document.parts:
                found.base += _share(base, after, document.total, currency) - _share(
                    base, before, document.total, currency
                )
                found.tax += _share(amount, after, document.total, currency) - _share(
                    amount, before, document.total, currency
                )
        else:
            found.base += base
            found.tax += amount
    return TaxSummary(
        basis=basis,
        currency=currency,
        date_from=start,
        date_to=date_to,
        lines=tuple(_line(scope, tax_id, taxes, found) for (scope, tax_id), found in _sorted(sums)),
    )


def _share(amount: Decimal, paid: Decimal, total: Decimal, currency: str) -> Decimal:
    return quantize(amount * paid / total, currency)


def _sorted(
    sums: dict[tuple[str, UUID | None], _Sum],
) -> list[tuple[tuple[str, UUID | None], _Sum]]:
    # Sales first, then purchases; taxed lines by tax id, untaxed lines last.
    return sorted(
        sums.items(),
        key=lambda item: (_SCOPES.index(item[0][0]), item[0][1] is None, str(item[0][1])),
    )


def _line(
    scope: str, tax_id: UUID | None, taxes: dict[UUID, dict[str, Any]], found: _Sum
) -> TaxLine:
    tax = taxes.get(tax_id) if tax_id is not None else None
    tags = frozenset(tax["tags"]) if tax else frozenset()
    return TaxLine(
        scope="sale" if scope == "sale" else "purchase",
        tax_id=tax_id,
        name=tax["name"] if tax else "No tax",
        rate=plain(tax["rate"]) if tax else None,
        tags=tags,
        self_assessed=scope == "purchase" and self_assessed(tags),
        base=found.base,
        tax=found.tax,
    )


def summary_report(made: TaxSummary, *, date_from: date | None) -> Report:
    """The tax summary as a report: a row per scope and tax, totals in the company currency."""
    currency = made.currency
    rows = [
        {
            "scope": line.scope,
            "tax_id": str(line.tax_id) if line.tax_id else "",
            "tax_name": line.name,
            "rate": str(line.rate) if line.rate is not None else "",
            "tags": " ".join(sorted(line.tags)),
            "self_assessed": line.self_assessed,
            "base": str(quantize(line.base, currency)),
            "tax": str(quantize(line.tax, currency)),
        }
        for line in made.lines
    ]
    output = made.tax(scope="sale")
    input_ = made.tax(scope="purchase")
    owed = made.tax(scope="purchase", self_assessed=True)
    totals = {
        "sale_base": made.base(scope="sale"),
        "sale_tax": output,
        "purchase_base": made.base(scope="purchase"),
        "purchase_tax": input_,
        "self_assessed_tax": owed,
        "net_tax": output + owed - input_,
    }
    return Report(
        report="tax_summary",
        basis=made.basis,
        base_currency=currency,
        date_from=date_from,
        date_to=made.date_to,
        columns=["scope", "tax_id", "tax_name", "rate", "tags", "self_assessed", "base", "tax"],
        rows=rows,
        totals={currency: {key: str(quantize(value, currency)) for key, value in totals.items()}},
    )


def returns_for(country: str | None) -> list[TaxReturn]:
    """The tax returns registered for ``country``, by key."""
    found = tax_returns()
    return sorted((made for made in found.values() if made.country == country), key=lambda r: r.key)


def find_return(key: str, country: str | None) -> TaxReturn:
    """The return ``key`` of the company's country; 404 for another country's or none."""
    found = tax_returns().get(key)
    if found is None or found.country != country:
        not_found()
    return found


async def run_return(
    conn: Connection,
    books: Company,
    tax_return: TaxReturn,
    *,
    basis: TaxBasis,
    date_from: date,
    date_to: date,
) -> tuple[TaxSummary, list[Box]]:
    """The summary of the period and the boxes ``tax_return`` makes of it.

    Raises:
        HTTPException: 409 when the return is filed in a currency the books are not kept in.
    """
    if tax_return.currency is not None and tax_return.currency != books.base_currency:
        conflict(
            f"{tax_return.title} is filed in {tax_return.currency}; "
            f"the books are kept in {books.base_currency}"
        )
    made = await summary(conn, books, basis=basis, date_from=date_from, date_to=date_to)
    return made, list(tax_return.boxes(made))
