"""Posting and settling invoices, bills and credit notes.

Posting numbers a draft, fixes its exchange rate, books its journal entry (receivable or
payable against income or expense lines and taxes) and publishes
``finance.invoice.posted.v1``; a posted credit note settles the document it reverses.
Settling records what a payment (or credit note) pays and publishes
``finance.invoice.paid.v1`` when a payment completes it.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid

from nexus_finance._books import books_locale, default_account, default_journal, rate_on
from nexus_finance._events import (
    INVOICE_PAID,
    INVOICE_POSTED,
    InvoicePaid,
    InvoicePosted,
    PostedLine,
)
from nexus_finance._invoices import OPEN, lines_of, locked
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import money_text, plain, quantize, to_text

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_finance._books import Company

__all__ = ("post", "settle")

_ZERO = Decimal(0)


async def _postings(
    conn: Connection, row: dict[str, Any], lines: list[dict[str, Any]]
) -> list[Posting]:
    """The entry of a document: partner account against line accounts and tax accounts."""
    sale = row["direction"] == "sale"
    # Invoices credit income (debit receivable); bills debit expense; credit notes mirror.
    counter_debit = not sale if row["kind"] != "credit_note" else sale
    currency, partner = row["currency"], row["partner_id"]

    def side(amount: Decimal, debit: bool, account: UUID, text: str | None) -> Posting:
        return Posting(
            account_id=account,
            currency=currency,
            debit=amount if debit else _ZERO,
            credit=_ZERO if debit else amount,
            description=text,
            partner_id=partner,
        )

    postings = []
    by_tax: dict[UUID, Decimal] = defaultdict(Decimal)
    for line in lines:
        if line["subtotal"]:
            postings.append(
                side(line["subtotal"], counter_debit, line["account_id"], line["description"])
            )
        if line["tax_id"] is not None and line["tax_amount"]:
            by_tax[line["tax_id"]] += line["tax_amount"]
    for tax_id, amount in by_tax.items():
        tax = await conn.fetchrow("select name, account_id from finance_tax where id = $1", tax_id)
        assert tax is not None  # lines reference taxes by foreign key
        postings.append(side(amount, counter_debit, tax["account_id"], tax["name"]))
    partner_account = await default_account(conn, "receivable" if sale else "payable")
    postings.append(side(row["total"], not counter_debit, partner_account, row["number"]))
    return postings


def _prefix(row: dict[str, Any], journal_code: str) -> str:
    return f"R{journal_code}" if row["kind"] == "credit_note" else journal_code


async def post(
    conn: Connection, books: Company, invoice_id: UUID, *, events: EventPublisher
) -> None:
    """Number the draft, book its entry, apply a credit note, publish the posted event."""
    row = await locked(conn, invoice_id)
    if row["state"] != "draft":
        conflict(f"the document is {row['state']}: only a draft can be posted")
    lines = await lines_of(conn, invoice_id)
    if row["total"] <= 0:
        invalid("lines", "a document with a zero total cannot be posted")
    sale = row["direction"] == "sale"
    journal = await default_journal(conn, "sale" if sale else "purchase")
    row["number"] = await next_number(
        conn, journal["code"], _prefix(row, journal["code"]), row["date"]
    )
    row["rate"] = await rate_on(conn, books, row["currency"], row["date"])
    entry_id = await post_entry(
        conn,
        books,
        journal_id=journal["id"],
        number=row["number"],
        day=row["date"],
        lines=await _postings(conn, row, lines),
        reference=row["reference"],
        memo=f"{row['kind'].replace('_', ' ')} {row['number']}",
        source=row["kind"],
        source_ref=f"finance.invoice:{invoice_id}",
    )
    posted_at = datetime.now(UTC)
    await conn.execute(
        "update finance_invoice set state = 'posted', number = $2, rate = $3, entry_id = $4, "
        "posted_at = $5 where id = $1",
        invoice_id,
        row["number"],
        row["rate"],
        entry_id,
        posted_at,
    )
    await _publish_posted(conn, events, row, lines, posted_at)
    if row["kind"] == "credit_note" and row["reversal_of"] is not None:
        await _apply_credit_note(conn, books, row, events)


async def _publish_posted(
    conn: Connection,
    events: EventPublisher,
    row: dict[str, Any],
    lines: list[dict[str, Any]],
    posted_at: datetime,
) -> None:
    partner_ref = await conn.fetchval(
        "select partner_ref from finance_partner where id = $1", row["partner_id"]
    )
    currency = row["currency"]
    posted = InvoicePosted(
        id=row["id"],
        number=row["number"],
        kind=row["kind"],
        partner_id=row["partner_id"],
        partner_ref=partner_ref,
        currency=currency,
        total=to_text(row["total"], currency),
        tax_total=to_text(row["tax_total"], currency),
        posted_at=posted_at,
        lines=[
            PostedLine(
                id=line["id"],
                description=line["description"],
                quantity=str(plain(line["quantity"])),
                unit_price=to_text(line["unit_price"], currency),
                product_id=line["product_id"],
                sku=line["sku"],
                account_code=line["account_code"],
                discount_percent=str(plain(line["discount_percent"])),
                subtotal=to_text(line["subtotal"], currency),
            )
            for line in lines
        ],
    )
    await events.publish(conn, type=INVOICE_POSTED.type, subject=str(row["id"]), data=posted)


async def _apply_credit_note(
    conn: Connection, books: Company, note: dict[str, Any], events: EventPublisher
) -> None:
    """Settle the credited document with the credit note, as far as both stay open."""
    original = await locked(conn, note["reversal_of"])
    if original["state"] not in OPEN:
        return  # already settled: the credit note stays open as the partner's credit
    amount = min(original["total"] - original["amount_paid"], note["total"])
    await _realise_difference(conn, books, original, note, amount)
    await conn.execute(
        "insert into finance_payment_allocation (id, credit_note_id, invoice_id, amount) "
        "values ($1, $2, $3, $4)",
        new_id(),
        note["id"],
        original["id"],
        amount,
    )
    await settle(conn, original["id"], amount, events=events, by_credit_note=True)
    await settle(conn, note["id"], amount, events=events, by_credit_note=True)


async def _realise_difference(
    conn: Connection,
    books: Company,
    original: dict[str, Any],
    note: dict[str, Any],
    amount: Decimal,
) -> None:
    """Book the exchange difference between a document and the credit note settling it.

    Each booked ``amount`` on the partner's account at its own rate; what remains there in
    the base currency once both are settled is realised as an exchange gain or loss.
    """
    base = books.base_currency
    left = quantize(amount * original["rate"], base) - quantize(amount * note["rate"], base)
    if original["direction"] == "purchase":
        left = -left  # a bill credits the payable; its credit note debits it
    if not left:
        return
    sale = original["direction"] == "sale"
    journal = await default_journal(conn, "general")
    await post_entry(
        conn,
        books,
        journal_id=journal["id"],
        number=await next_number(conn, journal["code"], journal["code"], note["date"]),
        day=note["date"],
        lines=[
            Posting(
                account_id=await default_account(conn, "receivable" if sale else "payable"),
                currency=note["currency"],
                partner_id=note["partner_id"],
                description=f"Exchange difference {original['number']} / {note['number']}",
                rate=Decimal(0),
                base_debit=-left if left < 0 else Decimal(0),
                base_credit=left if left > 0 else Decimal(0),
            )
        ],
        reference=note["number"],
        memo=f"Exchange difference between {original['number']} and {note['number']}",
        source="exchange_difference",
        source_ref=f"finance.exchange:{note['id']}",
        revaluation=True,
    )


async def settle(
    conn: Connection,
    invoice_id: UUID,
    amount: Decimal,
    *,
    events: EventPublisher,
    by_credit_note: bool = False,
) -> str:
    """Record ``amount`` paid on a posted document; update its state; return the new state.

    A document fully paid publishes ``finance.invoice.paid.v1``; one fully cleared by a
    credit note becomes ``reversed`` instead.
    """
    row = await locked(conn, invoice_id)
    if row["state"] not in OPEN:
        conflict(f"the document {row['number'] or row['id']} is {row['state']}, not open")
    paid = row["amount_paid"] + amount
    if paid > row["total"]:
        text = money_text(amount, row["currency"], await books_locale(conn))
        invalid("allocations", f"{text} exceeds what is due on {row['number']}")
    state, paid_at = "partially_paid", None
    if paid == row["total"]:
        paid_at = datetime.now(UTC)
        # Cleared by credit notes alone (one, or several partial ones): reversed.
        reversed_ = (
            by_credit_note
            and row["kind"] != "credit_note"
            and not await conn.fetchval(
                "select exists (select 1 from finance_payment_allocation "
                "where invoice_id = $1 and payment_id is not null)",
                invoice_id,
            )
        )
        state = "reversed" if reversed_ else "paid"
    await conn.execute(
        "update finance_invoice set amount_paid = $2, state = $3, paid_at = $4 where id = $1",
        invoice_id,
        paid,
        state,
        paid_at,
    )
    if paid_at is not None and state == "paid" and not by_credit_note:
        paid_event = InvoicePaid(
            id=invoice_id,
            number=row["number"],
            currency=row["currency"],
            total=to_text(row["total"], row["currency"]),
            paid_at=paid_at,
        )
        await events.publish(conn, type=INVOICE_PAID.type, subject=str(invoice_id), data=paid_event)
    return state
