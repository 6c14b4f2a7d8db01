"""Payments: money in from customers, out to suppliers, allocated to open documents.

An inbound payment debits the bank journal's account and credits the receivable; an
outbound one debits the payable and credits the bank. The part allocated to a document
clears it at that document's rate, so the exchange difference is realised on payment.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_finance._books import check_day, default_account, default_journal, rate_on
from nexus_finance._events import PAYMENT_RECEIVED, PaymentAllocation, PaymentReceived
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import (
    Amount,
    Currency,
    is_amount,
    is_currency,
    money_text,
    quantize,
    to_text,
)
from nexus_finance._partners import find_or_create
from nexus_finance._posting import settle

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_finance._books import Company

__all__ = ("AllocationIn", "PaymentIn", "PaymentOut", "create", "load", "load_many")

_ZERO = Decimal(0)
# Which open documents a payment of each direction may settle.
_SETTLES = {
    "inbound": {("invoice", "sale"), ("credit_note", "purchase")},
    "outbound": {("bill", "purchase"), ("credit_note", "sale")},
}


class AllocationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The part of a payment that settles one document."""

    invoice_id: UUID
    amount: Amount


class PaymentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A payment received (``inbound``) or made (``outbound``)."""

    amount: Amount
    partner_id: UUID | None = None
    partner_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    direction: Literal["inbound", "outbound"] = "inbound"
    currency: Currency | None = None
    date: date | None = None
    journal_code: str | None = None
    reference: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    allocations: Annotated[list[AllocationIn], msgspec.Meta(max_length=500)] = []


class AllocationOut(msgspec.Struct, kw_only=True):
    """An allocation as the API shows it (``id`` un-reconciles it)."""

    invoice_id: UUID
    amount: Decimal
    id: UUID | None = None
    date: date | None = None


class PaymentOut(msgspec.Struct, kw_only=True):
    """A payment as the API shows it."""

    id: UUID
    partner_id: UUID
    direction: str
    date: date
    amount: Decimal
    currency: str
    journal_id: UUID
    entry_id: UUID
    reference: str | None
    created_at: datetime
    allocations: list[AllocationOut]


def _allocation_problem(
    row: Mapping[str, Any],
    allocation: AllocationIn,
    *,
    partner: UUID,
    currency: str,
    direction: str,
    locale: str | None = None,
) -> tuple[str, str] | None:
    """What stops ``allocation`` from settling the document ``row``: (its field, message)."""
    if row["partner_id"] != partner:
        return "invoice_id", "the document belongs to another partner"
    if row["currency"] != currency:
        return "invoice_id", f"the document is in {row['currency']}, not {currency}"
    if (row["kind"], row["direction"]) not in _SETTLES[direction]:
        return "invoice_id", f"an {direction} payment cannot settle it"
    if row["state"] not in ("posted", "partially_paid"):
        conflict(f"the document {row['number'] or row['id']} is {row['state']}, not open")
    if allocation.amount > row["total"] - row["amount_paid"]:
        due = money_text(row["total"] - row["amount_paid"], currency, locale)
        return "amount", f"more than the {due} due"
    return None


async def _documents(
    conn: Connection, data: PaymentIn, partner: UUID, currency: str, locale: str | None = None
) -> list[dict[str, Any]]:
    """The documents the payment settles, locked; 422 naming every allocation refused."""
    documents = []
    errors = FieldErrors()
    seen: set[UUID] = set()
    for index, allocation in enumerate(data.allocations):
        key = f"allocations[{index}]"
        if allocation.invoice_id in seen:
            errors.add(f"{key}.invoice_id", "each document is allocated once per payment")
            continue
        seen.add(allocation.invoice_id)
        if not is_amount(allocation.amount, currency):
            errors.add(f"{key}.amount", f"a positive {currency} amount")
            continue
        row = await conn.fetchrow(
            "select * from finance_invoice where id = $1 for update", allocation.invoice_id
        )
        if row is None:
            errors.add(f"{key}.invoice_id", "no such document")
            continue
        problem = _allocation_problem(
            row,
            allocation,
            partner=partner,
            currency=currency,
            direction=data.direction,
            locale=locale,
        )
        if problem is not None:
            errors.add(f"{key}.{problem[0]}", problem[1])
            continue
        documents.append({**dict(row), "allocated": allocation.amount})
    errors.raise_if_any()
    if sum((d["allocated"] for d in documents), _ZERO) > data.amount:
        invalid("allocations", "the allocations exceed the payment's amount")
    return documents


async def _postings(
    conn: Connection,
    data: PaymentIn,
    *,
    bank: UUID,
    partner: UUID,
    currency: str,
    documents: list[dict[str, Any]],
) -> list[Posting]:
    inbound = data.direction == "inbound"

    def line(account: UUID, amount: Decimal, debit: bool, rate: Decimal | None) -> Posting:
        return Posting(
            account_id=account,
            currency=currency,
            debit=amount if debit else _ZERO,
            credit=_ZERO if debit else amount,
            partner_id=partner,
            rate=rate,
            description=data.reference,
        )

    postings = [line(bank, data.amount, inbound, None)]
    rest = data.amount
    for document in documents:
        account = await default_account(
            conn, "receivable" if document["direction"] == "sale" else "payable"
        )
        postings.append(line(account, document["allocated"], not inbound, document["rate"]))
        rest -= document["allocated"]
    if rest:
        account = await default_account(conn, "receivable" if inbound else "payable")
        postings.append(line(account, rest, not inbound, None))
    return postings


async def create(
    conn: Connection,
    books: Company,
    data: PaymentIn,
    *,
    events: EventPublisher,
    multi_currency: bool,
) -> UUID:
    """Book a payment, settle its allocations, publish ``finance.payment.received.v1``."""
    currency = data.currency or books.base_currency
    errors = FieldErrors()
    if not is_currency(currency):
        errors.add("currency", f"{currency!r} is not an ISO 4217 currency")
    elif currency != books.base_currency and not multi_currency:
        base = books.base_currency
        errors.add("currency", f"finance.multi_currency is off: payments are in {base}")
    if not is_amount(data.amount, currency):
        errors.add("amount", f"a positive {currency} amount")
    errors.raise_if_any()
    partner = await find_or_create(
        conn,
        partner_id=data.partner_id,
        name=data.partner_name,
        kind="customer" if data.direction == "inbound" else "supplier",
    )
    journal = await default_journal(conn, "bank", data.journal_code)
    if journal["type"] not in ("bank", "cash") or journal["default_account_id"] is None:
        invalid("journal_code", "payments go through a bank or cash journal with an account")
    day = check_day(data.date or date.today())
    await rate_on(conn, books, currency, day)
    documents = await _documents(conn, data, partner, currency, books.locale)
    number = await next_number(conn, journal["code"], journal["code"], day)
    payment_id = new_id()
    entry_id = await post_entry(
        conn,
        books,
        journal_id=journal["id"],
        number=number,
        day=day,
        lines=await _postings(
            conn,
            data,
            bank=journal["default_account_id"],
            partner=partner,
            currency=currency,
            documents=documents,
        ),
        reference=data.reference,
        memo=f"{data.direction} payment",
        source="payment",
        source_ref=f"finance.payment:{payment_id}",
    )
    await conn.execute(
        "insert into finance_payment (id, partner_id, direction, date, amount, currency, "
        "journal_id, entry_id, reference) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        payment_id,
        partner,
        data.direction,
        day,
        data.amount,
        currency,
        journal["id"],
        entry_id,
        data.reference,
    )
    for document in documents:
        await conn.execute(
            "insert into finance_payment_allocation (id, payment_id, invoice_id, amount) "
            "values ($1, $2, $3, $4)",
            new_id(),
            payment_id,
            document["id"],
            document["allocated"],
        )
        await settle(conn, document["id"], document["allocated"], events=events)
    if data.direction == "inbound":
        received = PaymentReceived(
            id=payment_id,
            partner_id=partner,
            amount=to_text(data.amount, currency),
            currency=currency,
            allocations=[
                PaymentAllocation(invoice_id=d["id"], amount=to_text(d["allocated"], currency))
                for d in documents
            ],
        )
        await events.publish(
            conn, type=PAYMENT_RECEIVED.type, subject=str(payment_id), data=received
        )
    return payment_id


async def load(conn: Connection, payment_id: UUID) -> PaymentOut:
    """One payment with its allocations; 404 when it is not the tenant's."""
    found = await load_many(conn, [payment_id])
    if not found:
        not_found()
    return found[0]


async def load_many(conn: Connection, payment_ids: list[UUID]) -> list[PaymentOut]:
    """Payments with their allocations, in the order of ``payment_ids`` (missing left out)."""
    rows = await conn.fetch("select * from finance_payment where id = any($1::uuid[])", payment_ids)
    allocations: dict[UUID, list[dict[str, Any]]] = defaultdict(list)
    for allocation in await conn.fetch(
        "select id, payment_id, invoice_id, amount, date from finance_payment_allocation "
        "where payment_id = any($1::uuid[]) order by id",
        payment_ids,
    ):
        allocations[allocation["payment_id"]].append(dict(allocation))
    by_id = {row["id"]: dict(row) for row in rows}
    return [to_out(by_id[i], allocations[i]) for i in payment_ids if i in by_id]


def to_out(row: dict[str, Any], allocations: list[dict[str, Any]]) -> PaymentOut:
    """The API shape of a payment row and its allocations."""
    currency = row["currency"]
    return PaymentOut(
        id=row["id"],
        partner_id=row["partner_id"],
        direction=row["direction"],
        date=row["date"],
        amount=quantize(row["amount"], currency),
        currency=currency,
        journal_id=row["journal_id"],
        entry_id=row["entry_id"],
        reference=row["reference"],
        created_at=row["created_at"],
        allocations=[
            AllocationOut(
                invoice_id=a["invoice_id"],
                amount=quantize(a["amount"], currency),
                id=a["id"],
                date=a["date"] or row["date"],
            )
            for a in allocations
        ],
    )
