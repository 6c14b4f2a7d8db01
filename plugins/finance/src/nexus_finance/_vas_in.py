"""VAS's prepaid wallet as double entry: Finance books VAS's wallet events.

VAS (value-added services: airtime, data bundles, bills) keeps its own ledger of the
tenant's prepaid wallet and publishes what changes it; Finance books each fact once
(``source_ref`` unique per tenant), in the ``VAS`` journal:

==============================  =========================================================
``vas.wallet.funded.v1``        Dr VAS wallet (1420) / Cr Bank — money sent to the providers
``vas.purchase.completed.v1``   Dr Cost of value-added services (6700) / Cr VAS wallet;
                                with a ``price`` (the tenant resold it at the till), also
                                Dr Cash / Cr Value-added services revenue (4200)
``vas.purchase.reversed.v1``    the completed entry's mirror, when the purchase had been
                                booked (a failure before its completion never reached the
                                books)
==============================  =========================================================

The journal and the accounts are created on first use when the chart lacks them (the
IFRS chart template has them). VAS is optional: nothing here imports it.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import structlog
from nexus_hookspecs import new_id

from nexus_finance._books import company, default_account
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import is_currency, quantize

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from nexus_hookspecs import CloudEvent, Connection, EventContext

__all__ = (
    "VAS_ACCOUNTS",
    "VAS_HANDLERS",
    "on_vas_purchase_completed",
    "on_vas_purchase_reversed",
    "on_vas_wallet_funded",
)

VAS_ACCOUNTS: dict[str, tuple[str, str, str]] = {
    "wallet": ("1420", "VAS wallet (prepaid)", "asset"),
    "cost": ("6700", "Cost of value-added services", "expense"),
    "revenue": ("4200", "Value-added services revenue", "income"),
}
"""The accounts VAS's wallet is booked to: (code, name, type), found by code."""
VAS_JOURNAL_CODE = "VAS"
log = structlog.get_logger("nexus_finance")


async def _account(conn: Connection, key: str) -> UUID:
    code, name, kind = VAS_ACCOUNTS[key]
    account: UUID | None = await conn.fetchval(
        "select id from finance_account where code = $1", code
    )
    if account is None:
        account = new_id()
        await conn.execute(
            "insert into finance_account (id, code, name, type) values ($1, $2, $3, $4)",
            account,
            code,
            name,
            kind,
        )
    return account


async def _journal(conn: Connection) -> UUID:
    journal: UUID | None = await conn.fetchval(
        "select id from finance_journal where code = $1", VAS_JOURNAL_CODE
    )
    if journal is None:
        journal = new_id()
        await conn.execute(
            "insert into finance_journal (id, code, name, type) values ($1, $2, $3, 'general')",
            journal,
            VAS_JOURNAL_CODE,
            "Value-added services",
        )
    return journal


def _amount(data: dict[str, Any]) -> tuple[Decimal, str] | None:
    currency = str(data.get("currency") or "")
    try:
        amount = Decimal(str(data.get("amount")))
    except InvalidOperation:
        return None
    if not is_currency(currency) or not amount.is_finite() or amount <= 0:
        return None
    return quantize(amount, currency), currency


def _day(value: Any) -> date:
    try:
        return datetime.fromisoformat(str(value)).date()
    except ValueError:
        return date.today()


async def _book(
    conn: Connection,
    *,
    source_ref: str,
    pairs: list[tuple[UUID, UUID, Decimal]],
    currency: str,
    day: date,
    text: str,
    reference: str,
) -> None:
    """Post one entry of ``(debit account, credit account, amount)`` pairs."""
    lines: list[Posting] = []
    for debit, credit, amount in pairs:
        lines.append(Posting(account_id=debit, currency=currency, debit=amount, description=text))
        lines.append(Posting(account_id=credit, currency=currency, credit=amount, description=text))
    books = await company(conn)
    await post_entry(
        conn,
        books,
        journal_id=await _journal(conn),
        number=await next_number(conn, VAS_JOURNAL_CODE, VAS_JOURNAL_CODE, day),
        day=day,
        lines=lines,
        reference=reference[:500],
        memo=text[:500],
        source="vas",
        source_ref=source_ref,
    )


async def _booked(conn: Connection, source_ref: str) -> bool:
    found = await conn.fetchval("select 1 from finance_entry where source_ref = $1", source_ref)
    return bool(found)


async def _purchase_pairs(
    conn: Connection, data: dict[str, Any], amount: Decimal, currency: str
) -> list[tuple[UUID, UUID, Decimal]]:
    """A purchase's cost, and its resale (cash at the till) when it carries a ``price``."""
    pairs = [(await _account(conn, "cost"), await _account(conn, "wallet"), amount)]
    resale = _amount({"amount": data.get("price"), "currency": currency})
    if resale is not None:
        pairs.append(
            (await default_account(conn, "cash"), await _account(conn, "revenue"), resale[0])
        )
    return pairs


async def on_vas_wallet_funded(event: CloudEvent, ctx: EventContext) -> None:
    """Book a top-up of the VAS wallet, once per wallet entry: Dr VAS wallet / Cr Bank."""
    data: dict[str, Any] = event.data
    source_ref = f"vas.funding:{data['entry_id']}"
    money = _amount(data)
    if money is None:
        log.warning("vas funding skipped: bad amount", entry=data.get("entry_id"))
        return
    if await _booked(ctx.conn, source_ref):
        return
    amount, currency = money
    await _book(
        ctx.conn,
        source_ref=source_ref,
        pairs=[
            (await _account(ctx.conn, "wallet"), await default_account(ctx.conn, "bank"), amount)
        ],
        currency=currency,
        day=_day(data.get("funded_on")),
        text=f"VAS wallet top-up {data.get('reference')}",
        reference=str(data.get("reference")),
    )


async def on_vas_purchase_completed(event: CloudEvent, ctx: EventContext) -> None:
    """Book a completed purchase, once per transaction: Dr Cost of VAS / Cr VAS wallet."""
    data: dict[str, Any] = event.data
    source_ref = f"vas.purchase:{data['transaction_id']}"
    money = _amount(data)
    if money is None:
        log.warning("vas purchase skipped: bad amount", transaction=data.get("transaction_id"))
        return
    if await _booked(ctx.conn, source_ref):
        return
    amount, currency = money
    await _book(
        ctx.conn,
        source_ref=source_ref,
        pairs=await _purchase_pairs(ctx.conn, data, amount, currency),
        currency=currency,
        day=_day(data.get("completed_at")),
        text=str(data.get("description") or f"VAS {data.get('kind')}"),
        reference=str(data.get("provider_ref") or data["transaction_id"]),
    )


async def on_vas_purchase_reversed(event: CloudEvent, ctx: EventContext) -> None:
    """Reverse a booked purchase that failed, once: Dr VAS wallet / Cr Cost of VAS."""
    data: dict[str, Any] = event.data
    source_ref = f"vas.reversal:{data['transaction_id']}"
    money = _amount(data)
    if money is None or await _booked(ctx.conn, source_ref):
        return
    if not await _booked(ctx.conn, f"vas.purchase:{data['transaction_id']}"):
        return  # never completed: the wallet's debit and credit never reached the books
    amount, currency = money
    pairs = await _purchase_pairs(ctx.conn, data, amount, currency)
    await _book(
        ctx.conn,
        source_ref=source_ref,
        pairs=[(credit, debit, value) for debit, credit, value in pairs],
        currency=currency,
        day=_day(data.get("reversed_at")),
        text=f"VAS {data.get('kind')} reversed: {data.get('reason')}",
        reference=str(data["transaction_id"]),
    )


VAS_HANDLERS: tuple[tuple[str, Callable[[CloudEvent, EventContext], Awaitable[None]]], ...] = (
    ("vas.wallet.funded.v1", on_vas_wallet_funded),
    ("vas.purchase.completed.v1", on_vas_purchase_completed),
    ("vas.purchase.reversed.v1", on_vas_purchase_reversed),
)
"""VAS's events and Finance's handlers of them (registered in ``nexus_event_handlers``)."""
