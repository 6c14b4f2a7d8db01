"""The prepaid wallet: VAS's own ledger of fundings, purchases' debits and reversals.

Every change of a balance is one ``vas_wallet_entry``, unique per ``(kind, reference)``: a
top-up's reference is the admin's, a debit's and a reversal's the transaction id, so none
is booked twice. Debits are conditional updates on the locked wallet row: the balance never
goes below zero, whatever runs at once (the table's check refuses it too).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid

from nexus_vas._events import WALLET_FUNDED, WalletFunded

if TYPE_CHECKING:
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("credit_back", "debit", "fund", "locked_wallet")

_ENTRY = (
    "select id, wallet_id, kind, amount, balance, reference, transaction_id, note, created_at "
    "from vas_wallet_entry "
)


async def locked_wallet(conn: Connection, currency: str) -> dict[str, Any]:
    """The wallet in ``currency``, made when missing, locked for this transaction."""
    await conn.execute(
        "insert into vas_wallet (id, currency) values ($1, $2) "
        "on conflict (tenant_id, currency) do nothing",
        new_id(),
        currency,
    )
    row = await conn.fetchrow(
        "select id, currency, balance from vas_wallet where currency = $1 for update", currency
    )
    assert row is not None  # noqa: S101 - an insert/upsert answers its row
    return dict(row)


async def _entry(
    conn: Connection,
    *,
    wallet: dict[str, Any],
    kind: str,
    amount: Decimal,
    reference: str,
    transaction_id: UUID | None = None,
    note: str | None = None,
) -> dict[str, Any]:
    balance = await conn.fetchval(
        "update vas_wallet set balance = balance + $2 where id = $1 returning balance",
        wallet["id"],
        amount,
    )
    row = await conn.fetchrow(
        "insert into vas_wallet_entry "
        "(id, wallet_id, kind, amount, balance, reference, transaction_id, note) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8) "
        "returning id, wallet_id, kind, amount, balance, reference, transaction_id, note, "
        "created_at",
        new_id(),
        wallet["id"],
        kind,
        amount,
        balance,
        reference,
        transaction_id,
        note,
    )
    assert row is not None  # noqa: S101 - an insert/upsert answers its row
    return dict(row)


async def fund(
    conn: Connection,
    events: EventPublisher,
    *,
    amount: Decimal,
    currency: str,
    reference: str,
    note: str | None,
) -> tuple[dict[str, Any], bool]:
    """Record a top-up and publish ``vas.wallet.funded.v1``; the entry, and whether new.

    The same reference answers the first top-up; with another amount or currency, 409.
    """
    if amount <= 0:
        invalid("amount", "a top-up adds more than 0")
    wallet = await locked_wallet(conn, currency)
    existing = await conn.fetchrow(_ENTRY + "where kind = 'funding' and reference = $1", reference)
    if existing is not None:
        first = await conn.fetchval(
            "select currency from vas_wallet where id = $1", existing["wallet_id"]
        )
        if existing["amount"] != amount or first != currency:
            conflict(
                f"top-up {reference!r} was recorded with {existing['amount']:f} {first}",
                reference=reference,
            )
        return dict(existing), False
    entry = await _entry(
        conn, wallet=wallet, kind="funding", amount=amount, reference=reference, note=note
    )
    await events.publish(
        conn,
        type=WALLET_FUNDED.type,
        subject=str(entry["id"]),
        data=WalletFunded(
            entry_id=entry["id"],
            amount=amount,
            currency=currency,
            reference=reference,
            funded_on=date.today(),
            balance=entry["balance"],
        ),
    )
    return entry, True


async def debit(
    conn: Connection, wallet: dict[str, Any], *, amount: Decimal, transaction_id: UUID
) -> None:
    """Debit a purchase from the locked ``wallet``; 409 with the numbers when it is short."""
    if wallet["balance"] < amount:
        conflict(
            f"the {wallet['currency']} wallet holds {wallet['balance']:f}, "
            f"the purchase costs {amount:f}",
            balance=f"{wallet['balance']:f}",
            amount=f"{amount:f}",
            currency=wallet["currency"],
        )
    await _entry(
        conn,
        wallet=wallet,
        kind="purchase",
        amount=-amount,
        reference=str(transaction_id),
        transaction_id=transaction_id,
    )


async def credit_back(
    conn: Connection, *, currency: str, amount: Decimal, transaction_id: UUID, reason: str
) -> bool:
    """Credit a failed purchase back, once; whether it was credited now."""
    wallet = await locked_wallet(conn, currency)
    done = await conn.fetchval(
        "select 1 from vas_wallet_entry where kind = 'reversal' and reference = $1",
        str(transaction_id),
    )
    if done:
        return False
    await _entry(
        conn,
        wallet=wallet,
        kind="reversal",
        amount=amount,
        reference=str(transaction_id),
        transaction_id=transaction_id,
        note=reason[:500],
    )
    return True
