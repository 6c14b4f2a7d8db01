"""Refunds: all or part of a payment given back through its provider.

The refund is reserved first (its amount counted against what is left of the payment, in
its own transaction), then asked of the provider outside any transaction, then recorded:
``completed`` publishes ``payments.refund.completed.v1``; ``pending`` waits for the
provider's webhook (Paystack's ``refund.processed``); a refusal releases the reservation.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Money, conflict, invalid, not_found

from nexus_payments._currencies import plain
from nexus_payments._events import REFUNDED, RefundCompleted
from nexus_payments._flow import metadata_of

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from nexus_payments._port import RefundResult, Webhook

__all__ = (
    "RefundIn",
    "RefundOut",
    "complete_refund",
    "finish",
    "load_refunds",
    "release",
    "reserve",
)


class RefundIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A refund: ``amount`` (what is left of the payment when left out) and a reason."""

    amount: Money | None = None
    reason: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class RefundOut(msgspec.Struct, kw_only=True):
    """A refund as the API shows it."""

    id: UUID
    payment_id: UUID
    amount: Decimal
    currency: str
    reason: str | None
    status: str
    provider_ref: str | None
    created_at: datetime
    completed_at: datetime | None


def _out(row: Any) -> RefundOut:
    return RefundOut(
        id=row["id"],
        payment_id=row["payment_id"],
        amount=plain(row["amount"]),
        currency=row["currency"],
        reason=row["reason"],
        status=row["status"],
        provider_ref=row["provider_ref"],
        created_at=row["created_at"],
        completed_at=row["completed_at"],
    )


async def load_refunds(conn: Connection, payment_id: UUID) -> list[RefundOut]:
    """A payment's refunds, oldest first."""
    rows = await conn.fetch(
        "select * from payments_refund where payment_id = $1 order by id", payment_id
    )
    return [_out(row) for row in rows]


async def reserve(conn: Connection, payment_id: UUID, data: RefundIn) -> dict[str, Any]:
    """Count a refund against what is left of the payment; the refund and payment rows.

    Raises:
        NotFoundException: The payment is not the tenant's.
        ValidationException: 422 when the amount is more than is left.
        HTTPException: 409 when nothing is left to refund.
    """
    payment = await conn.fetchrow(
        "select * from payments_payment where id = $1 for update", payment_id
    )
    if payment is None:
        not_found()
    left = payment["amount"] - payment["refunded"]
    if left <= 0:
        conflict("the payment is refunded in full already")
    amount = data.amount if data.amount is not None else left
    if amount <= 0:
        invalid("amount", "a positive amount")
    if amount > left:
        invalid("amount", f"at most {plain(left)} {payment['currency']} is left to refund")
    refund_id = new_id()
    await conn.execute(
        "update payments_payment set refunded = refunded + $2 where id = $1", payment_id, amount
    )
    row = await conn.fetchrow(
        "insert into payments_refund (id, payment_id, amount, currency, reason, status) "
        "values ($1, $2, $3, $4, $5, 'pending') returning *",
        refund_id,
        payment_id,
        amount,
        payment["currency"],
        data.reason,
    )
    assert row is not None
    return {"refund": dict(row), "payment": dict(payment)}


async def release(conn: Connection, refund_id: UUID, reason: str) -> None:
    """The provider refused the refund: mark it failed and give its amount back."""
    row = await conn.fetchrow(
        "update payments_refund set status = 'failed', reason = coalesce(reason, $2) "
        "where id = $1 and status = 'pending' returning payment_id, amount",
        refund_id,
        reason,
    )
    if row is not None:
        await conn.execute(
            "update payments_payment set refunded = refunded - $2 where id = $1",
            row["payment_id"],
            row["amount"],
        )


async def _publish(conn: Connection, events: EventPublisher, refund: Any) -> None:
    found = await conn.fetchrow(
        "select p.provider, c.source, c.source_ref, c.invoice_id, c.metadata "
        "from payments_payment p join payments_checkout c on c.id = p.checkout_id "
        "where p.id = $1",
        refund["payment_id"],
    )
    assert found is not None
    completed = RefundCompleted(
        refund_id=refund["id"],
        payment_id=refund["payment_id"],
        source=found["source"],
        source_ref=found["source_ref"],
        invoice_id=found["invoice_id"],
        provider=found["provider"],
        amount=plain(refund["amount"]),
        currency=refund["currency"],
        metadata=metadata_of(found["metadata"]),
    )
    await events.publish(conn, type=REFUNDED.type, subject=str(refund["id"]), data=completed)


async def finish(
    conn: Connection, events: EventPublisher, refund_id: UUID, result: RefundResult
) -> RefundOut:
    """Record the provider's answer to a reserved refund (published once when completed)."""
    current = await conn.fetchrow(
        "select status from payments_refund where id = $1 for update", refund_id
    )
    if current is None:
        not_found()
    if result.status == "failed":
        await release(conn, refund_id, "the provider refused the refund")
    row = await conn.fetchrow(
        "update payments_refund set provider_ref = $2 where id = $1 returning *",
        refund_id,
        result.ref,
    )
    if result.status == "completed" and current["status"] == "pending":
        row = await conn.fetchrow(
            "update payments_refund set status = 'completed', completed_at = now() "
            "where id = $1 returning *",
            refund_id,
        )
        await _publish(conn, events, row)
    return _out(row)


async def complete_refund(
    conn: Connection, events: EventPublisher, provider: str, hook: Webhook
) -> str:
    """A provider's webhook says a refund of the payment ``hook.lookup`` was processed."""
    row = await conn.fetchrow(
        "select r.* from payments_refund r join payments_payment p on p.id = r.payment_id "
        "where p.provider = $1 and p.provider_ref = $2 and r.status = 'pending' "
        "and (r.provider_ref = $3 or r.amount = $4::numeric) "
        "order by r.provider_ref = $3 desc nulls last, r.id limit 1 for update of r",
        provider,
        hook.lookup,
        hook.verify_with,
        hook.amount,
    )
    if row is None:
        return "unknown refund"
    done = await conn.fetchrow(
        "update payments_refund set status = 'completed', completed_at = now() "
        "where id = $1 returning *",
        row["id"],
    )
    await _publish(conn, events, done)
    return "refund completed"
