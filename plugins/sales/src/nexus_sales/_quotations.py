"""Quotations: draft, send, accept or decline, revise (a new version), turn into an order.

States: ``draft`` → ``sent`` → ``accepted`` | ``declined``; a sent quotation past its
validity date reads ``expired`` (and cannot be accepted). Revising a draft, sent, declined
or expired quotation adds a version (a copy in ``draft``) and marks the old one
``superseded``: kept read-only and listed with the others.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_sales._documents import (
    check_lines,
    copy_lines,
    next_number,
    resolve_partner,
    write_lines,
)
from nexus_sales._events import (
    QUOTATION_ACCEPTED,
    QUOTATION_DECLINED,
    QUOTATION_REVISED,
    QUOTATION_SENT,
    QuotationChanged,
)

if TYPE_CHECKING:
    from collections.abc import Sequence
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_sales._fields import LineIn
    from nexus_sales._settings import SalesSettings

__all__ = (
    "accept",
    "create_quotation",
    "decline",
    "effective_state",
    "load_quotation",
    "replace_quotation",
    "revise",
    "send",
)


def effective_state(row: Any, today: date | None = None) -> str:
    """The state a reader sees: a sent quotation past its validity date is ``expired``."""
    state: str = row["state"]
    if state == "sent" and row["validity_date"] < (today or date.today()):
        return "expired"
    return state


async def load_quotation(conn: Connection, quotation_id: UUID, *, lock: bool = False) -> Any:
    """The quotation row, 404 when missing (another tenant's included)."""
    row = await conn.fetchrow(
        "select * from sales_quotation where id = $1" + (" for update" if lock else ""),
        quotation_id,
    )
    if row is None:
        not_found()
    return row


async def _totals(conn: Connection, quotation_id: UUID, untaxed: Decimal, tax: Decimal) -> Any:
    return await conn.fetchrow(
        "update sales_quotation set untaxed_total = $2, tax_total = $3, "
        "total = $2::numeric + $3::numeric where id = $1 returning *",
        quotation_id,
        untaxed,
        tax,
    )


async def create_quotation(
    conn: Connection,
    services: Services | None,
    settings: SalesSettings,
    *,
    partner_id: UUID | None,
    partner_ref: UUID | None,
    partner_name: str | None,
    currency: str | None,
    validity_date: date | None,
    payment_terms: str | None,
    notes: str,
    lines: Sequence[LineIn],
    deal_id: UUID | None = None,
) -> Any:
    """Draft a quotation (version 1); its lines' totals use Finance's taxes when on."""
    currency = currency or settings.default_currency
    errors = FieldErrors()
    check_lines(errors, lines, currency)
    if validity_date is not None and validity_date < date.today():
        errors.add("validity_date", "must not be in the past")
    errors.raise_if_any()
    if services is not None:
        partner_id, partner_ref, name = await resolve_partner(
            conn,
            services,
            partner_id=partner_id,
            partner_ref=partner_ref,
            partner_name=partner_name,
        )
    else:
        name = partner_name or "Customer"
    quotation_id = new_id()
    await conn.execute(
        "insert into sales_quotation (id, number, version, partner_id, partner_ref, "
        "partner_name, currency, validity_date, payment_terms, notes, deal_id) "
        "values ($1, $2, 1, $3, $4, $5, $6, $7, $8, $9, $10)",
        quotation_id,
        await next_number(conn, "quotation", "Q-"),
        partner_id,
        partner_ref,
        name,
        currency,
        validity_date or date.today() + timedelta(days=settings.quotation_validity_days),
        settings.payment_terms if payment_terms is None else payment_terms,
        notes,
        deal_id,
    )
    untaxed, tax = await write_lines(
        conn,
        services,
        table="sales_quotation_line",
        parent="quotation_id",
        parent_id=quotation_id,
        lines=lines,
        currency=currency,
        party={
            "partner_id": partner_id,
            "partner_ref": partner_ref,
            "partner_name": name,
            "currency": currency,
        },
    )
    return await _totals(conn, quotation_id, untaxed, tax)


async def replace_quotation(
    conn: Connection,
    services: Services,
    *,
    quotation_id: UUID,
    validity_date: date | None,
    payment_terms: str | None,
    notes: str,
    lines: Sequence[LineIn],
) -> Any:
    """Replace a draft's terms and lines; 409 once it was sent (revise it instead)."""
    row = await load_quotation(conn, quotation_id, lock=True)
    if row["state"] != "draft":
        conflict(f"a {effective_state(row)} quotation is read-only: revise it", state=row["state"])
    errors = FieldErrors()
    check_lines(errors, lines, row["currency"])
    if validity_date is not None and validity_date < date.today():
        errors.add("validity_date", "must not be in the past")
    errors.raise_if_any()
    await conn.execute(
        "update sales_quotation set validity_date = coalesce($2, validity_date), "
        "payment_terms = coalesce($3, payment_terms), notes = $4 where id = $1",
        quotation_id,
        validity_date,
        payment_terms,
        notes,
    )
    await conn.execute("delete from sales_quotation_line where quotation_id = $1", quotation_id)
    untaxed, tax = await write_lines(
        conn,
        services,
        table="sales_quotation_line",
        parent="quotation_id",
        parent_id=quotation_id,
        lines=lines,
        currency=row["currency"],
        party=row,
    )
    return await _totals(conn, quotation_id, untaxed, tax)


async def _publish(
    conn: Connection, events: EventPublisher, row: Any, event: str, previous: UUID | None = None
) -> None:
    await events.publish(
        conn,
        type=event,
        subject=str(row["id"]),
        data=QuotationChanged(
            id=row["id"],
            number=row["number"],
            version=row["version"],
            state=row["state"],
            partner_name=row["partner_name"],
            currency=row["currency"].strip(),
            total=str(row["total"]),
            previous_id=previous,
        ),
    )


async def _move(
    conn: Connection,
    events: EventPublisher,
    quotation_id: UUID,
    *,
    allowed: tuple[str, ...],
    to: str,
    event: str,
) -> Any:
    row = await load_quotation(conn, quotation_id, lock=True)
    state = effective_state(row)
    if state not in allowed:
        conflict(f"a {state} quotation cannot become {to}", state=state)
    stamp = "sent_at" if to == "sent" else "decided_at"
    row = await conn.fetchrow(
        f"update sales_quotation set state = $2, {stamp} = now() where id = $1 returning *",  # noqa: S608 - a constant column
        quotation_id,
        to,
    )
    await _publish(conn, events, row, event)
    return row


async def send(conn: Connection, events: EventPublisher, quotation_id: UUID) -> Any:
    """Mark a draft (or re-send a sent) quotation ``sent``; publishes the sent event."""
    return await _move(
        conn, events, quotation_id, allowed=("draft", "sent"), to="sent", event=QUOTATION_SENT.type
    )


async def accept(conn: Connection, events: EventPublisher, quotation_id: UUID) -> Any:
    """The customer accepted a sent (or still draft) quotation; 409 once expired."""
    return await _move(
        conn,
        events,
        quotation_id,
        allowed=("draft", "sent"),
        to="accepted",
        event=QUOTATION_ACCEPTED.type,
    )


async def decline(conn: Connection, events: EventPublisher, quotation_id: UUID) -> Any:
    """The customer declined the quotation."""
    return await _move(
        conn,
        events,
        quotation_id,
        allowed=("draft", "sent", "expired"),
        to="declined",
        event=QUOTATION_DECLINED.type,
    )


async def revise(
    conn: Connection,
    events: EventPublisher,
    settings: SalesSettings,
    quotation_id: UUID,
    services: Services | None = None,
) -> Any:
    """A new version (a draft copy, valid anew); the old one becomes ``superseded``.

    The copy's lines are priced anew (Finance's taxes and the customer's fiscal position as
    they are today: what the invoice would bill).
    """
    row = await load_quotation(conn, quotation_id, lock=True)
    state = effective_state(row)
    if state not in ("draft", "sent", "declined", "expired"):
        conflict(f"a {state} quotation cannot be revised", state=state)
    new = new_id()
    validity = max(row["validity_date"], date.today() + timedelta(settings.quotation_validity_days))
    await conn.execute(
        "insert into sales_quotation (id, number, version, partner_id, partner_ref, "
        "partner_name, currency, validity_date, payment_terms, notes, previous_id) "
        "select $2, number, version + 1, partner_id, partner_ref, partner_name, currency, $3, "
        "payment_terms, notes, id from sales_quotation where id = $1",
        quotation_id,
        new,
        validity,
    )
    untaxed, tax = await write_lines(
        conn,
        services,
        table="sales_quotation_line",
        parent="quotation_id",
        parent_id=new,
        lines=await copy_lines(
            conn, table="sales_quotation_line", parent="quotation_id", parent_id=quotation_id
        ),
        currency=row["currency"],
        party=row,
    )
    await _totals(conn, new, untaxed, tax)
    old = await conn.fetchrow(
        "update sales_quotation set state = 'superseded' where id = $1 returning *", quotation_id
    )
    await _publish(conn, events, old, QUOTATION_REVISED.type)
    return await load_quotation(conn, new)
