"""Closing a fiscal year: its result moves to retained earnings and its periods lock.

As ERPNext's period closing voucher: one entry dated on the year's last day reverses the
balance of every income and expense account (per currency, base amounts as booked) into
the retained earnings account; then every period of the year is closed.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import TYPE_CHECKING

from nexus_hookspecs.http import conflict, not_found

from nexus_finance._books import default_account, default_journal
from nexus_finance._ledger import Posting, next_number, post_entry

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

    from nexus_finance._books import Company

__all__ = ("close_year",)

_ZERO = Decimal(0)


def _posting(account: UUID, currency: str, amount: Decimal, base: Decimal) -> Posting:
    """A line adding ``amount`` (debit when positive) and ``base`` to ``account``."""
    return Posting(
        account_id=account,
        currency=currency,
        debit=max(amount, _ZERO),
        credit=max(-amount, _ZERO),
        rate=abs(base / amount) if amount else _ZERO,
        base_debit=max(base, _ZERO),
        base_credit=max(-base, _ZERO),
        description="Year-end closing",
    )


async def close_year(conn: Connection, books: Company, year_id: UUID) -> UUID | None:
    """Post the closing entry of a fiscal year and close its periods; return the entry's id.

    Raises:
        HTTPException: 409 when the year is already closed (or its last period is).
    """
    year = await conn.fetchrow(
        "select id, name, end_date from finance_fiscal_year where id = $1 for update", year_id
    )
    if year is None:
        not_found()
    source_ref = f"finance.closing:{year_id}"
    if await conn.fetchval("select 1 from finance_entry where source_ref = $1", source_ref):
        conflict(f"the fiscal year {year['name']} is already closed")
    balances = await conn.fetch(
        "select l.account_id, l.currency, sum(l.debit - l.credit) as amount, "
        "sum(l.base_debit - l.base_credit) as base "
        "from finance_entry_line l join finance_account a on a.id = l.account_id "
        "join finance_fiscal_year y on y.id = $1 "
        "where a.type in ('income', 'expense') and l.date between y.start_date and y.end_date "
        "group by l.account_id, l.currency order by l.currency",
        year_id,
    )
    lines: list[Posting] = []
    result: dict[str, list[Decimal]] = defaultdict(lambda: [_ZERO, _ZERO])
    for row in balances:
        if not row["amount"] and not row["base"]:
            continue
        lines.append(_posting(row["account_id"], row["currency"], -row["amount"], -row["base"]))
        result[row["currency"]][0] += row["amount"]
        result[row["currency"]][1] += row["base"]
    entry_id = None
    if lines:
        retained = await default_account(conn, "retained_earnings")
        for currency, (amount, base) in result.items():
            lines.append(_posting(retained, currency, amount, base))
        journal = await default_journal(conn, "general")
        day = year["end_date"]
        entry_id = await post_entry(
            conn,
            books,
            journal_id=journal["id"],
            number=await next_number(conn, journal["code"], journal["code"], day),
            day=day,
            lines=lines,
            memo=f"Closing of the fiscal year {year['name']}",
            source="closing",
            source_ref=source_ref,
            revaluation=True,
        )
    await conn.execute(
        "update finance_period set state = 'closed', closed_at = now() "
        "where fiscal_year_id = $1 and state = 'open'",
        year_id,
    )
    return entry_id
