"""Payments taken online (the Payments plugin), booked through its events.

Finance never imports Payments: it handles ``payments.payment.confirmed.v1`` and
``payments.refund.completed.v1`` (consumed; Payments is optional), in the kernel's delivery
transaction of the event's tenant, each idempotent on its own too (an advisory lock and the
payment's reference, the entries' unique ``source_ref``):

- a confirmed payment of an invoice is recorded as an inbound payment in the provider's
  journal (``STRP``, ``PSTK``, ``FLWV``: a bank journal on a clearing account, ``1031`` …
  ``1033``, created when missing), allocated to the invoice (what is still due of it; the
  rest stays on the partner's account), and the provider's fee is booked from the clearing
  account to the fees expense account (``6510`` Payment provider fees, created when
  missing);
- a completed refund takes its amount off the payment's allocation (the invoice is due
  again) and books it back: Dr Trade receivables (the partner) / Cr the clearing account.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from nexus_hookspecs import new_id

from nexus_finance import _payments
from nexus_finance._books import company, default_account
from nexus_finance._keys import MULTI_CURRENCY
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._reconcile import AllocateIn, AllocateLineIn, allocate_payment, unallocate

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, Connection, EventContext

    from nexus_finance._books import Company

__all__ = ("PAYMENT_CONFIRMED", "REFUND_COMPLETED", "on_payment_confirmed", "on_refund_completed")

PAYMENT_CONFIRMED = "payments.payment.confirmed.v1"
"""Payments' event for a payment its provider's API confirmed (consumed)."""
REFUND_COMPLETED = "payments.refund.completed.v1"
"""Payments' event for a completed refund (consumed)."""

log = structlog.get_logger("nexus_finance")

# provider: (journal code, journal name, clearing account code)
_PROVIDERS = {
    "stripe": ("STRP", "Stripe", "1031"),
    "paystack": ("PSTK", "Paystack", "1032"),
    "flutterwave": ("FLWV", "Flutterwave", "1033"),
}
FEES_ACCOUNT = ("6510", "Payment provider fees")
"""The expense account providers' fees are booked to (created when missing)."""


def _reference(payment_id: str) -> str:
    return f"payments.payment:{payment_id}"


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return Decimal(0)


async def _account(conn: Connection, code: str, name: str, kind: str) -> UUID:
    """The account ``code``, created (type ``kind``) when the chart lacks it."""
    found = await conn.fetchval("select id from finance_account where code = $1", code)
    if found is not None:
        result: UUID = found
        return result
    account_id = new_id()
    await conn.execute(
        "insert into finance_account (id, code, name, type) values ($1, $2, $3, $4)",
        account_id,
        code,
        name,
        kind,
    )
    return account_id


async def _journal(conn: Connection, provider: str) -> dict[str, Any]:
    """The provider's bank journal on its clearing account, created when missing."""
    code, name, account_code = _PROVIDERS.get(
        provider, (provider[:4].upper(), provider.title(), "1039")
    )
    found = await conn.fetchrow("select * from finance_journal where code = $1", code)
    if found is not None:
        return dict(found)
    account = await _account(conn, account_code, f"{name} clearing", "asset")
    await conn.execute(
        "insert into finance_journal (id, code, name, type, default_account_id) "
        "values ($1, $2, $3, 'bank', $4)",
        new_id(),
        code,
        name,
        account,
    )
    row = await conn.fetchrow("select * from finance_journal where code = $1", code)
    assert row is not None
    return dict(row)


async def _book(
    conn: Connection,
    books: Company,
    journal: dict[str, Any],
    *,
    day: date,
    lines: list[Posting],
    memo: str,
    source: str,
    source_ref: str,
) -> None:
    number = await next_number(conn, journal["code"], journal["code"], day)
    await post_entry(
        conn,
        books,
        journal_id=journal["id"],
        number=number,
        day=day,
        lines=lines,
        memo=memo,
        source=source,
        source_ref=source_ref,
    )


async def on_payment_confirmed(event: CloudEvent, ctx: EventContext) -> None:
    """Record, allocate and book the fee of a payment of a Finance invoice."""
    data = event.data if isinstance(event.data, dict) else {}
    if not data.get("invoice_id") or not data.get("payment_id"):
        return
    conn = ctx.conn
    reference = _reference(str(data["payment_id"]))
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", reference)
    if await conn.fetchval("select 1 from finance_payment where reference = $1", reference):
        return
    invoice = await conn.fetchrow(
        "select * from finance_invoice where id = $1", UUID(str(data["invoice_id"]))
    )
    if invoice is None:
        log.warning("payment of an unknown invoice", payment=data["payment_id"])
        return
    books = await company(conn)
    amount, fee = _decimal(data.get("amount")), _decimal(data.get("fee"))
    currency = str(data.get("currency"))
    day = datetime.fromisoformat(str(data["confirmed_at"])).date()
    journal = await _journal(conn, str(data.get("provider")))
    due = invoice["total"] - invoice["amount_paid"]
    allocate = min(amount, due) if invoice["state"] in ("posted", "partially_paid") else Decimal(0)
    if invoice["currency"] != currency:
        allocate = Decimal(0)  # a payment in another currency stays on the partner's account
    await _payments.create(
        conn,
        books,
        _payments.PaymentIn(
            amount=amount,
            partner_id=invoice["partner_id"],
            currency=currency,
            date=day,
            journal_code=journal["code"],
            reference=reference,
            allocations=(
                [_payments.AllocationIn(invoice_id=invoice["id"], amount=allocate)]
                if allocate > 0
                else []
            ),
        ),
        events=ctx.events,
        multi_currency=await ctx.feature_enabled(MULTI_CURRENCY),
    )
    if fee > 0:
        fees = await _account(conn, *FEES_ACCOUNT, "expense")
        provider = str(data.get("provider"))
        await _book(
            conn,
            books,
            journal,
            day=day,
            lines=[
                Posting(account_id=fees, currency=currency, debit=fee, description=provider),
                Posting(
                    account_id=journal["default_account_id"],
                    currency=currency,
                    credit=fee,
                    description=provider,
                ),
            ],
            memo=f"{provider} fee of {data.get('provider_ref')}",
            source="payment_fee",
            source_ref=f"payments.fee:{data['payment_id']}",
        )


async def on_refund_completed(event: CloudEvent, ctx: EventContext) -> None:
    """Reverse a refunded part of a payment: the invoice is due again, the money back out."""
    data = event.data if isinstance(event.data, dict) else {}
    if not data.get("refund_id") or not data.get("payment_id"):
        return
    conn = ctx.conn
    source_ref = f"payments.refund:{data['refund_id']}"
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", source_ref)
    if await conn.fetchval("select 1 from finance_entry where source_ref = $1", source_ref):
        return
    payment = await conn.fetchrow(
        "select * from finance_payment where reference = $1",
        _reference(str(data["payment_id"])),
    )
    if payment is None:  # the payment settled no invoice: nothing of it was booked
        return
    books = await company(conn)
    amount = _decimal(data.get("amount"))
    day = date.today()
    events = ctx.events
    left = amount
    for row in await conn.fetch(
        "select id, invoice_id, amount from finance_payment_allocation where payment_id = $1 "
        "order by id desc",
        payment["id"],
    ):
        if left <= 0:
            break
        await unallocate(conn, books, row["id"], payment_id=payment["id"], day=day, events=events)
        keep = row["amount"] - left
        if keep > 0:
            lines = [AllocateLineIn(invoice_id=row["invoice_id"], amount=keep)]
            await allocate_payment(
                conn, books, payment["id"], AllocateIn(allocations=lines, date=day), events=events
            )
        left -= row["amount"] - max(keep, Decimal(0))
    journal = await conn.fetchrow(
        "select * from finance_journal where id = $1", payment["journal_id"]
    )
    assert journal is not None
    receivable = await default_account(conn, "receivable")
    await _book(
        conn,
        books,
        dict(journal),
        day=day,
        lines=[
            Posting(
                account_id=receivable,
                currency=payment["currency"],
                debit=amount,
                partner_id=payment["partner_id"],
                description="refund",
            ),
            Posting(
                account_id=journal["default_account_id"],
                currency=payment["currency"],
                credit=amount,
                description="refund",
            ),
        ],
        memo=f"{data.get('provider')} refund of {payment['reference']}",
        source="payment_refund",
        source_ref=source_ref,
    )
