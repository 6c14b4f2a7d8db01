"""Reconciliation: allocate, re-allocate and un-reconcile payments and credit notes.

A payment's unallocated remainder (or a posted credit note's open amount) is allocated to
open documents of the same partner and currency at any time after it was recorded, in full
or in part; an allocation is un-reconciled as a whole, and re-allocating is un-reconciling
then allocating again. Every action locks the payment or credit note, then the documents
(in id order), so two concurrent allocations never take the same amount twice.

In the books, a payment's remainder sits on its *home* account (receivable for an inbound
payment, payable for an outbound one; a credit note's on its own document's account). An
allocation moves the amount from the home account to the document's account when they
differ (an inbound payment refunding a supplier's credit note: Dr Receivable / Cr Payable)
and realises the exchange difference between the payment's (or credit note's) rate and the
document's rate (a base-currency-only line, balanced by Foreign exchange gains or losses).
That entry, in the MISC journal dated the allocation's day, is reversed when the allocation
is un-reconciled; an allocation made when the payment was recorded is undone by the same
movement computed afresh. Nothing is deleted from the history: an un-reconciled allocation
is kept in ``finance_allocation_removed`` with the day it stopped counting, so reports at
earlier dates (aged balances) still see it.
"""

from __future__ import annotations

import datetime as dt
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, invalid, not_found

from nexus_finance._books import check_day, default_account, default_journal, open_period
from nexus_finance._events import PAYMENT_ALLOCATED, PAYMENT_UNALLOCATED, AllocationChanged
from nexus_finance._invoices import OPEN, locked
from nexus_finance._ledger import Posting, next_number, post_entry
from nexus_finance._money import Amount, is_amount, money_text, quantize, to_text
from nexus_finance._posting import settle

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from nexus_finance._books import Company

__all__ = (
    "AllocateIn",
    "AllocateLineIn",
    "OpenItem",
    "OpenItems",
    "allocate_credit_note",
    "allocate_payment",
    "items_at",
    "open_items",
    "unallocate",
)

_ZERO = Decimal(0)
# Which open documents a payment of each direction, or a credit note, may settle.
_PAYMENT_SETTLES = {
    "inbound": {("invoice", "sale"), ("credit_note", "purchase")},
    "outbound": {("bill", "purchase"), ("credit_note", "sale")},
}
_NOTE_SETTLES = {"sale": {("invoice", "sale")}, "purchase": {("bill", "purchase")}}
_SETTLED_STATES = ("posted", "partially_paid", "paid", "reversed")


class AllocateLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The part of a payment (or credit note) that settles one document.

    ``amount`` is in the payment's currency; a document in another currency also needs
    ``document_amount``, what it settles in the document's currency.
    """

    invoice_id: UUID
    amount: Amount
    document_amount: Amount | None = None


class AllocateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Allocations of a payment's remainder (or a credit note's open amount) to documents."""

    allocations: Annotated[list[AllocateLineIn], msgspec.Meta(min_length=1, max_length=500)]
    date: date | None = None


class OpenItem(msgspec.Struct, kw_only=True):
    """An open document or an unallocated payment remainder of a partner."""

    kind: Literal["invoice", "bill", "credit_note", "payment"]
    id: UUID
    number: str | None
    direction: str
    date: dt.date
    due_date: dt.date
    currency: str
    total: Decimal
    open_amount: Decimal


class OpenItems(msgspec.Struct, kw_only=True):
    """What a partner has open: documents to settle, payments and credit to allocate."""

    partner_id: UUID
    items: list[OpenItem]


class _Source(msgspec.Struct, kw_only=True):
    """A payment or credit note whose amount is allocated to documents."""

    id: UUID
    is_payment: bool
    label: str
    partner_id: UUID
    currency: str
    day: date
    rate: Decimal
    home: str
    home_debit: bool
    settles: set[tuple[str, str]]
    open_amount: Decimal
    reversal_of: UUID | None = None


class _Match(msgspec.Struct, kw_only=True):
    """An allocation of ``amount`` (source currency) settling ``document_amount`` of a document."""

    document: dict[str, Any]
    amount: Decimal
    document_amount: Decimal
    currency: str

    @property
    def cross(self) -> bool:
        """Whether the document is in another currency than the payment or credit note."""
        return bool(self.document["currency"] != self.currency)


async def _payment_source(conn: Connection, payment_id: UUID) -> _Source:
    """The payment, locked; 404 when it is not the tenant's."""
    row = await conn.fetchrow("select * from finance_payment where id = $1 for update", payment_id)
    if row is None:
        not_found()
    rate = await conn.fetchval(
        "select rate from finance_entry_line where entry_id = $1 order by line_no limit 1",
        row["entry_id"],
    )
    allocated = await conn.fetchval(
        "select coalesce(sum(amount), 0) from finance_payment_allocation where payment_id = $1",
        payment_id,
    )
    inbound = row["direction"] == "inbound"
    return _Source(
        id=payment_id,
        is_payment=True,
        label=f"payment {row['reference'] or row['id']}",
        partner_id=row["partner_id"],
        currency=row["currency"],
        day=row["date"],
        rate=rate,
        home="receivable" if inbound else "payable",
        home_debit=not inbound,
        settles=_PAYMENT_SETTLES[row["direction"]],
        open_amount=row["amount"] - allocated,
    )


async def _note_source(conn: Connection, note_id: UUID) -> _Source:
    """The credit note, locked; 404 when missing, 409 unless it is a posted credit note."""
    row = await locked(conn, note_id)
    if row["kind"] != "credit_note":
        conflict(
            "only a credit note's open amount is allocated to other documents; "
            "a payment's through /payments/{payment_id}/allocations"
        )
    if row["state"] not in OPEN:
        conflict(f"the credit note is {row['state']}: nothing is open on it to apply")
    return _note_of(row)


def _note_of(row: dict[str, Any]) -> _Source:
    sale = row["direction"] == "sale"
    return _Source(
        id=row["id"],
        is_payment=False,
        label=f"credit note {row['number'] or row['id']}",
        partner_id=row["partner_id"],
        currency=row["currency"],
        day=row["date"],
        rate=row["rate"] or _ZERO,
        home="receivable" if sale else "payable",
        home_debit=not sale,
        settles=_NOTE_SETTLES[row["direction"]],
        open_amount=row["total"] - row["amount_paid"] if row["state"] in OPEN else _ZERO,
        reversal_of=row["reversal_of"],
    )


def _problem(
    row: dict[str, Any], allocation: AllocateLineIn, source: _Source
) -> tuple[str, str] | None:
    """What stops ``allocation`` from settling the document ``row``: (its field, message)."""
    currency = row["currency"]
    if row["partner_id"] != source.partner_id:
        return "invoice_id", "the document belongs to another partner"
    if (row["kind"], row["direction"]) not in source.settles:
        return "invoice_id", f"the {source.label} cannot settle a {row['kind']}"
    settled, key = allocation.amount, "amount"
    if currency != source.currency:
        if allocation.document_amount is None:
            return "document_amount", f"the document is in {currency}: what it settles in it"
        if not is_amount(allocation.document_amount, currency):
            return "document_amount", f"a positive {currency} amount"
        settled, key = allocation.document_amount, "document_amount"
    elif allocation.document_amount not in (None, allocation.amount):
        return "document_amount", f"the document is in {currency} too: the same amount"
    if row["state"] not in OPEN:
        conflict(f"the document {row['number'] or row['id']} is {row['state']}, not open")
    due = row["total"] - row["amount_paid"]
    if settled > due:
        return key, f"more than the {money_text(due, currency)} due"
    return None


async def _documents(
    conn: Connection, source: _Source, allocations: list[AllocateLineIn], day: date
) -> list[_Match]:
    """The documents to settle, locked in id order; 422 naming every allocation refused."""
    errors = FieldErrors()
    seen: set[UUID] = set()
    for index, allocation in enumerate(allocations):
        key = f"allocations[{index}]"
        if allocation.invoice_id in seen:
            errors.add(f"{key}.invoice_id", "each document is allocated once per request")
        elif not is_amount(allocation.amount, source.currency):
            errors.add(f"{key}.amount", f"a positive {source.currency} amount")
        seen.add(allocation.invoice_id)
    errors.raise_if_any()
    rows = {
        row["id"]: dict(row)
        for row in await conn.fetch(
            "select * from finance_invoice where id = any($1::uuid[]) order by id for update",
            list(seen),
        )
    }
    documents = []
    for index, allocation in enumerate(allocations):
        key = f"allocations[{index}]"
        row = rows.get(allocation.invoice_id)
        if row is None:
            errors.add(f"{key}.invoice_id", "no such document")
            continue
        problem = _problem(row, allocation, source)
        if problem is not None:
            errors.add(f"{key}.{problem[0]}", problem[1])
        elif row["date"] > day:
            errors.add("date", f"the allocation cannot be dated before {row['date']}")
        else:
            documents.append(
                _Match(
                    document=row,
                    amount=allocation.amount,
                    document_amount=allocation.document_amount or allocation.amount,
                    currency=source.currency,
                )
            )
    errors.raise_if_any()
    if sum((match.amount for match in documents), _ZERO) > source.open_amount:
        left = money_text(source.open_amount, source.currency)
        invalid("allocations", f"the allocations exceed the {left} left on the {source.label}")
    return documents


async def _movement(
    conn: Connection,
    books: Company,
    source: _Source,
    match: _Match,
    *,
    day: date,
    undo: bool,
    ref: str,
    reversal_of: UUID | None = None,
) -> UUID | None:
    """Book what an allocation moves: the home account against the document's account.

    Allocating takes ``amount`` off the home account at the source's rate and off the
    document's account at the document's rate; what differs in the base currency is the
    realised exchange gain or loss. Un-reconciling (``undo``) books the mirror of every
    line, the exchange line included. On one account only the base-currency difference is
    left; none at all, no entry. A document in another currency is settled through the
    Currency exchange account (a trading account): it takes the payment's amount in one
    currency and the document's in the other at the document's base value, so the
    difference is realised in the payment's currency and every currency balances.
    """
    document = match.document
    home = await default_account(conn, source.home)
    target = await default_account(
        conn, "receivable" if document["direction"] == "sale" else "payable"
    )
    home_debit = not source.home_debit  # allocating clears the source's side of home
    currency, base = source.currency, books.base_currency
    text = f"{source.label} / {document['number']}"

    def line(
        account: UUID,
        debit: bool,
        rate: Decimal,
        *,
        amount: Decimal = match.amount,
        in_currency: str = currency,
        converted: Decimal | None = None,
    ) -> Posting:
        if converted is None:
            converted = quantize(amount * rate, base)
        return Posting(
            account_id=account,
            currency=in_currency,
            debit=amount if debit else _ZERO,
            credit=_ZERO if debit else amount,
            partner_id=source.partner_id,
            rate=rate,
            description=text,
            base_debit=converted if debit else _ZERO,
            base_credit=_ZERO if debit else converted,
        )

    def base_only(account: UUID, net: Decimal, description: str) -> Posting:
        return Posting(
            account_id=account,
            currency=currency,
            partner_id=source.partner_id,
            description=description,
            rate=_ZERO,
            base_debit=net if net > 0 else _ZERO,
            base_credit=-net if net < 0 else _ZERO,
        )

    if match.cross:
        # Home in the payment's currency against the document's account in its own, each
        # balanced on the exchange account at the document's base value.
        value = quantize(match.document_amount * document["rate"], base)
        exchange = await _exchange_account(conn)
        other = document["currency"]
        lines = [
            line(home, home_debit, source.rate),
            line(exchange, not home_debit, source.rate, converted=value),
            line(
                exchange,
                home_debit,
                document["rate"],
                amount=match.document_amount,
                in_currency=other,
            ),
            line(
                target,
                not home_debit,
                document["rate"],
                amount=match.document_amount,
                in_currency=other,
            ),
        ]
    else:
        lines = [
            line(home, home_debit, source.rate),
            line(target, not home_debit, document["rate"]),
        ]
    net = sum(((p.base_debit or _ZERO) - (p.base_credit or _ZERO) for p in lines), _ZERO)
    if home == target and not match.cross:
        if not net:
            return None
        lines = [base_only(home, net, f"Exchange difference {text}")]
    if net:
        gain = net > 0  # the partner's account took more base value than it gave: a gain
        account = await default_account(conn, "fx_gain" if gain else "fx_loss")
        lines.append(base_only(account, -net, "Exchange difference"))
    if undo:
        lines = [
            Posting(
                account_id=p.account_id,
                currency=p.currency,
                debit=p.credit,
                credit=p.debit,
                partner_id=p.partner_id,
                rate=p.rate,
                description=p.description,
                base_debit=p.base_credit,
                base_credit=p.base_debit,
            )
            for p in lines
        ]
    journal = await default_journal(conn, "general")
    return await post_entry(
        conn,
        books,
        journal_id=journal["id"],
        number=await next_number(conn, journal["code"], journal["code"], day),
        day=day,
        lines=lines,
        reference=document["number"],
        memo=f"{'Un-reconciled' if undo else 'Allocated'} {text}",
        source="reconciliation",
        source_ref=ref,
        reversal_of=reversal_of,
        revaluation=not any(p.debit or p.credit for p in lines),
    )


async def _exchange_account(conn: Connection) -> UUID:
    """The Currency exchange (trading) account; created, 3900 or next free 3… code, if new."""
    query = (
        "select id from finance_account where subtype = 'currency_exchange' and active "
        "order by code limit 1"
    )
    found = await conn.fetchval(query)
    if found is None:
        taken = await conn.fetchval("select 1 from finance_account where code = '3900'")
        code = "3900"
        if taken:
            code = str(
                await conn.fetchval(
                    "select coalesce(max(code::int), 3000) + 1 from finance_account "
                    "where code ~ '^3[0-9]{3}$'"
                )
            )
        await conn.execute(
            "insert into finance_account (id, code, name, type, subtype) "
            "values ($1, $2, 'Currency exchange', 'equity', 'currency_exchange') "
            "on conflict do nothing",
            new_id(),
            code,
        )
        found = await conn.fetchval(query)
        if found is None:
            conflict("the Currency exchange account is being created: try again")
    account: UUID = found
    return account


async def _publish(
    conn: Connection,
    events: EventPublisher,
    event_type: str,
    *,
    allocation_id: UUID,
    source: _Source,
    match: _Match,
    day: date,
) -> None:
    other = match.document["currency"]
    data = AllocationChanged(
        id=allocation_id,
        payment_id=source.id if source.is_payment else None,
        credit_note_id=None if source.is_payment else source.id,
        invoice_id=match.document["id"],
        partner_id=source.partner_id,
        amount=to_text(match.amount, source.currency),
        currency=source.currency,
        date=day,
        document_amount=to_text(match.document_amount, other) if match.cross else None,
        document_currency=other if match.cross else None,
    )
    await events.publish(conn, type=event_type, subject=str(allocation_id), data=data)


async def _allocate(
    conn: Connection,
    books: Company,
    source: _Source,
    data: AllocateIn,
    *,
    events: EventPublisher,
) -> list[UUID]:
    day = check_day(data.date or date.today())
    if day < source.day:
        invalid("date", f"the allocation cannot be dated before the {source.label} ({source.day})")
    if not source.open_amount > 0:
        conflict(f"nothing is left to allocate on the {source.label}")
    documents = await _documents(conn, source, data.allocations, day)
    await open_period(conn, books, day)
    made = []
    for match in documents:
        document = match.document
        allocation_id = new_id()
        entry_id = await _movement(
            conn,
            books,
            source,
            match,
            day=day,
            undo=False,
            ref=f"finance.allocation:{allocation_id}",
        )
        await conn.execute(
            "insert into finance_payment_allocation (id, payment_id, credit_note_id, invoice_id, "
            "amount, date, entry_id, document_amount) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            allocation_id,
            source.id if source.is_payment else None,
            None if source.is_payment else source.id,
            document["id"],
            match.amount,
            day,
            entry_id,
            match.document_amount if match.cross else None,
        )
        # A credit note clearing the very document it credits reverses it; another it pays.
        reverses = not source.is_payment and document["id"] == source.reversal_of
        await settle(
            conn, document["id"], match.document_amount, events=events, by_credit_note=reverses
        )
        if not source.is_payment:
            await settle(conn, source.id, match.amount, events=events, by_credit_note=True)
        await _publish(
            conn,
            events,
            PAYMENT_ALLOCATED.type,
            allocation_id=allocation_id,
            source=source,
            match=match,
            day=day,
        )
        made.append(allocation_id)
    return made


async def allocate_payment(
    conn: Connection, books: Company, payment_id: UUID, data: AllocateIn, *, events: EventPublisher
) -> list[UUID]:
    """Allocate a payment's unallocated remainder to open documents of its partner."""
    source = await _payment_source(conn, payment_id)
    return await _allocate(conn, books, source, data, events=events)


async def allocate_credit_note(
    conn: Connection, books: Company, note_id: UUID, data: AllocateIn, *, events: EventPublisher
) -> list[UUID]:
    """Apply a posted credit note's open amount to open documents of its partner."""
    source = await _note_source(conn, note_id)
    return await _allocate(conn, books, source, data, events=events)


async def _unsettle(conn: Connection, invoice_id: UUID, amount: Decimal) -> None:
    """Take ``amount`` off what is paid on a document: ``posted`` or ``partially_paid`` again."""
    row = await locked(conn, invoice_id)
    paid = row["amount_paid"] - amount
    await conn.execute(
        "update finance_invoice set amount_paid = $2, state = $3, paid_at = null where id = $1",
        invoice_id,
        paid,
        "posted" if paid <= 0 else "partially_paid",
    )


async def unallocate(
    conn: Connection,
    books: Company,
    allocation_id: UUID,
    *,
    payment_id: UUID | None = None,
    document_id: UUID | None = None,
    day: date | None = None,
    events: EventPublisher,
) -> None:
    """Un-reconcile one allocation of a payment (or touching a document) on ``day``.

    The document's ``amount_paid`` and state go back; the payment (or credit note) has the
    amount to allocate again; the entry the allocation booked is reversed (or its movement
    undone). 404 when the allocation is not the payment's or document's.
    """
    found = await conn.fetchrow(
        "select * from finance_payment_allocation where id = $1 "
        "and ($2::uuid is null or payment_id = $2) "
        "and ($3::uuid is null or invoice_id = $3 or credit_note_id = $3)",
        allocation_id,
        payment_id,
        document_id,
    )
    if found is None:
        not_found()
    if found["payment_id"] is not None:
        source = await _payment_source(conn, found["payment_id"])
    else:
        source = _note_of(await locked(conn, found["credit_note_id"]))
    document = await locked(conn, found["invoice_id"])
    row = await conn.fetchrow(
        "delete from finance_payment_allocation where id = $1 returning *", allocation_id
    )
    if row is None:
        not_found()  # un-reconciled meanwhile
    since = max(row["date"] or source.day, source.day, document["date"])
    day = check_day(day or date.today())
    if day < since:
        invalid("date", f"the allocation counts from {since}: it cannot be undone before")
    await open_period(conn, books, day)
    match = _Match(
        document=document,
        amount=row["amount"],
        document_amount=row["document_amount"] or row["amount"],
        currency=source.currency,
    )
    removal = await _movement(
        conn,
        books,
        source,
        match,
        day=day,
        undo=True,
        ref=f"finance.unallocation:{allocation_id}",
        reversal_of=row["entry_id"],
    )
    await conn.execute(
        "insert into finance_allocation_removed (id, payment_id, credit_note_id, invoice_id, "
        "amount, date, removed_on, entry_id, removal_entry_id, created_at, removed_at, "
        "document_amount) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        allocation_id,
        row["payment_id"],
        row["credit_note_id"],
        row["invoice_id"],
        row["amount"],
        since,
        day,
        row["entry_id"],
        removal,
        row["created_at"],
        datetime.now(UTC),
        row["document_amount"],
    )
    await _unsettle(conn, document["id"], match.document_amount)
    if not source.is_payment:
        await _unsettle(conn, source.id, match.amount)
    await _publish(
        conn,
        events,
        PAYMENT_UNALLOCATED.type,
        allocation_id=allocation_id,
        source=source,
        match=match,
        day=day,
    )


async def open_items(conn: Connection, partner_id: UUID) -> OpenItems:
    """A partner's open documents and unallocated payment remainders; 404 if unknown."""
    if await conn.fetchval("select 1 from finance_partner where id = $1", partner_id) is None:
        not_found()
    items = [
        OpenItem(
            kind=row["kind"],
            id=row["id"],
            number=row["number"],
            direction=row["direction"],
            date=row["date"],
            due_date=row["due_date"],
            currency=row["currency"],
            total=quantize(row["total"], row["currency"]),
            open_amount=quantize(row["total"] - row["amount_paid"], row["currency"]),
        )
        for row in await conn.fetch(
            "select * from finance_invoice where partner_id = $1 and state = any($2) "
            "order by due_date, date, id",
            partner_id,
            list(OPEN),
        )
    ]
    for row in await conn.fetch(
        "select p.*, p.amount - coalesce((select sum(a.amount) from finance_payment_allocation a "
        "where a.payment_id = p.id), 0) as open_amount from finance_payment p "
        "where p.partner_id = $1 order by p.date, p.id",
        partner_id,
    ):
        if row["open_amount"] > 0:
            items.append(
                OpenItem(
                    kind="payment",
                    id=row["id"],
                    number=row["reference"],
                    direction=row["direction"],
                    date=row["date"],
                    due_date=row["date"],
                    currency=row["currency"],
                    total=quantize(row["amount"], row["currency"]),
                    open_amount=quantize(row["open_amount"], row["currency"]),
                )
            )
    return OpenItems(partner_id=partner_id, items=items)


# Allocations counting on a day ($2): current ones from the day they took effect, removed
# ones until the day they were un-reconciled.
_LIVE = """with allocations as (
    select a.payment_id, a.credit_note_id, a.invoice_id, a.amount,
        coalesce(a.document_amount, a.amount) as document_amount,
        greatest(coalesce(a.date, p.date, n.date), d.date, coalesce(p.date, n.date)) as since,
        null::date as until
    from finance_payment_allocation a
    join finance_invoice d on d.id = a.invoice_id
    left join finance_payment p on p.id = a.payment_id
    left join finance_invoice n on n.id = a.credit_note_id
    union all
    select payment_id, credit_note_id, invoice_id, amount,
        coalesce(document_amount, amount), date, removed_on
    from finance_allocation_removed
), live as (
    select * from allocations where since <= $2 and (until is null or until > $2)
)"""


async def items_at(conn: Connection, direction: str, day: date) -> list[dict[str, Any]]:
    """What each partner owes (``sale``) or is owed (``purchase``) on ``day``, item by item.

    Documents dated up to ``day`` less what was allocated to them by then; credit notes
    and the unallocated remainders of payments (inbound for receivables, outbound for
    payables) as negative items. Each row: ``currency``, ``partner_id``, ``name``, ``day``
    (due date, or a payment's date) and ``amount`` (signed); zero items are left out. Per
    partner and currency they sum to the partner's balance on the receivable (payable)
    account on ``day``.
    """
    rows = await conn.fetch(
        f"""{_LIVE}
        select i.currency, i.partner_id, pa.name, i.due_date as day,
            (case when i.kind = 'credit_note' then -1 else 1 end) * (i.total - coalesce(
                (select sum(case when live.invoice_id = i.id then live.document_amount
                    else live.amount end) from live where live.invoice_id = i.id
                    or live.credit_note_id = i.id), 0)) as amount
        from finance_invoice i join finance_partner pa on pa.id = i.partner_id
        where i.direction = $1 and i.state = any($3) and i.date <= $2
        union all
        select p.currency, p.partner_id, pa.name, p.date,
            -(p.amount - coalesce((select sum(amount) from live where live.payment_id = p.id), 0))
        from finance_payment p join finance_partner pa on pa.id = p.partner_id
        where p.direction = $4 and p.date <= $2
        order by 1, 3, 2, 4""",
        direction,
        day,
        list(_SETTLED_STATES),
        "inbound" if direction == "sale" else "outbound",
    )
    return [dict(row) for row in rows if row["amount"]]
