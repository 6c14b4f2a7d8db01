"""Purchases in the database: placed (limits, debit), then settled by what the provider says.

A purchase is debited when placed; its status moves ``pending`` → ``submitted`` →
``succeeded`` or ``failed``. Settling is a transition on the locked row, so a callback
arriving twice (or with a reconciliation) acts once: success publishes
``vas.purchase.completed.v1`` once, failure credits the wallet back and publishes
``vas.purchase.reversed.v1`` once.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict

from nexus_vas._events import (
    PURCHASE_COMPLETED,
    PURCHASE_REVERSED,
    PurchaseCompleted,
    PurchaseReversed,
)
from nexus_vas._limits import check_limits
from nexus_vas._port import Order, Outcome
from nexus_vas._wallet import credit_back, debit, locked_wallet

if TYPE_CHECKING:
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_vas._settings import VasSettings

__all__ = ("COLUMNS", "by_key", "get", "order_of", "place", "product_of", "settle")

COLUMNS = (
    "id, kind, provider, idempotency_key, recipient, amount, currency, price, product, "
    "description, "
    "status, provider_ref, provider_status, error, completed_at, reversed_at, created_at, "
    "updated_at"
)
_SELECT = f"select {COLUMNS} from vas_transaction "


async def get(
    conn: Connection, transaction_id: UUID, *, lock: bool = False
) -> dict[str, Any] | None:
    """One transaction (locked for this transaction when ``lock``), or ``None``."""
    row = await conn.fetchrow(
        _SELECT + "where id = $1" + (" for update" if lock else ""), transaction_id
    )
    return dict(row) if row is not None else None


async def by_key(conn: Connection, key: str) -> dict[str, Any] | None:
    """The transaction placed with idempotency key ``key``, or ``None``."""
    row = await conn.fetchrow(_SELECT + "where idempotency_key = $1", key)
    return dict(row) if row is not None else None


def order_of(row: dict[str, Any]) -> Order:
    """The provider's view of a transaction row."""
    return Order(
        kind=row["kind"],
        reference=str(row["id"]),
        recipient=row["recipient"],
        amount=row["amount"],
        currency=row["currency"],
        product=product_of(row),
    )


def product_of(row: dict[str, Any]) -> dict[str, Any]:
    """A transaction row's ``product`` (asyncpg answers ``jsonb`` as text)."""
    value = row["product"]
    decoded = msgspec.json.decode(value) if isinstance(value, str | bytes) else value
    return dict(decoded or {})


async def place(
    conn: Connection,
    settings: VasSettings,
    *,
    kind: str,
    provider: str,
    key: str,
    recipient: str,
    amount: Decimal,
    currency: str,
    price: Decimal | None,
    product: dict[str, Any],
    description: str,
) -> tuple[dict[str, Any], bool]:
    """Debit the wallet and record a pending purchase; the row, and whether it is new.

    A key used before answers its first purchase (409 when it was for another kind,
    recipient, amount or currency). Limits answer 422/429, a short wallet 409.
    """
    asked = (kind, recipient, amount, currency)
    found = await by_key(conn, key)
    if found is None:
        wallet = await locked_wallet(conn, currency)
        found = await by_key(conn, key)  # placed while this one waited for the wallet
    if found is not None:
        first = (found["kind"], found["recipient"], found["amount"], found["currency"])
        if first != asked:
            conflict(
                f"idempotency key {key!r} was used for another purchase: {found['description']}",
                transaction_id=str(found["id"]),
            )
        return found, False
    await check_limits(conn, settings, amount=amount, currency=currency, recipient=recipient)
    transaction_id = new_id()
    row = await conn.fetchrow(
        "insert into vas_transaction (id, kind, provider, idempotency_key, recipient, amount, "
        "currency, price, product, description) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) "
        f"returning {COLUMNS}",
        transaction_id,
        kind,
        provider,
        key,
        recipient,
        amount,
        currency,
        price,
        msgspec.json.encode(product).decode(),
        description,
    )
    await debit(conn, wallet, amount=amount, transaction_id=transaction_id)
    assert row is not None  # noqa: S101 - an insert answers its row
    return dict(row), True


async def settle(
    conn: Connection, events: EventPublisher, transaction_id: UUID, outcome: Outcome
) -> bool:
    """Apply what the provider said of a transaction; whether its status changed."""
    row = await get(conn, transaction_id, lock=True)
    if row is None:
        return False
    status = row["status"]
    now = datetime.now(UTC)
    if outcome.status == "unknown" or row["reversed_at"] is not None:
        if outcome.detail and status in ("pending", "submitted"):
            await conn.execute(
                "update vas_transaction set error = $2, updated_at = now() where id = $1",
                transaction_id,
                outcome.detail[:500],
            )
        return False
    if outcome.status == "submitted":
        if status != "pending":
            return False
        await _mark(conn, row, "submitted", outcome)
        return True
    if outcome.status == "succeeded":
        if status not in ("pending", "submitted"):
            return False
        await _mark(conn, row, "succeeded", outcome, completed_at=now)
        await events.publish(
            conn,
            type=PURCHASE_COMPLETED.type,
            subject=str(transaction_id),
            data=PurchaseCompleted(
                transaction_id=transaction_id,
                kind=row["kind"],
                provider=row["provider"],
                provider_ref=outcome.provider_ref or row["provider_ref"],
                recipient=row["recipient"],
                description=row["description"],
                amount=row["amount"],
                currency=row["currency"],
                price=row["price"],
                completed_at=now,
            ),
        )
        return True
    # failed: credit back, once, whatever the status was (a success reported failed later)
    reason = outcome.detail or outcome.provider_status or "failed at the provider"
    await _mark(conn, row, "failed", outcome, reversed_at=now, error=reason)
    await credit_back(
        conn,
        currency=row["currency"],
        amount=row["amount"],
        transaction_id=transaction_id,
        reason=reason,
    )
    await events.publish(
        conn,
        type=PURCHASE_REVERSED.type,
        subject=str(transaction_id),
        data=PurchaseReversed(
            transaction_id=transaction_id,
            kind=row["kind"],
            provider=row["provider"],
            amount=row["amount"],
            currency=row["currency"],
            price=row["price"],
            reason=reason[:500],
            was_completed=status == "succeeded",
            reversed_at=now,
        ),
    )
    return True


async def _mark(
    conn: Connection,
    row: dict[str, Any],
    status: str,
    outcome: Outcome,
    *,
    completed_at: datetime | None = None,
    reversed_at: datetime | None = None,
    error: str | None = None,
) -> None:
    await conn.execute(
        "update vas_transaction set status = $2, provider_ref = coalesce($3, provider_ref), "
        "provider_status = coalesce($4, provider_status), "
        "completed_at = coalesce($5, completed_at), reversed_at = coalesce($6, reversed_at), "
        "error = coalesce($7, error), updated_at = now() where id = $1",
        row["id"],
        status,
        outcome.provider_ref,
        outcome.provider_status,
        completed_at,
        reversed_at,
        error[:500] if error else None,
    )
