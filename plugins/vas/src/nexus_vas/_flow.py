"""Purchases end to end: placed and debited, handed to the provider, settled by its answer.

The provider is called between two transactions, never inside one: the debit commits first
(so concurrent purchases cannot overspend), the provider's answer settles it after.
Callbacks and reconciliations ask the provider's status API before acting.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TYPE_CHECKING, Any, TypeAlias

from nexus_hookspecs.http import invalid

from nexus_vas._africastalking import AfricasTalkingProvider
from nexus_vas._credentials import require
from nexus_vas._errors import ProviderError
from nexus_vas._flutterwave import FlutterwaveProvider
from nexus_vas._port import Order, Outcome, VasProvider
from nexus_vas._purchases import get, order_of, place, settle

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection, Database, EventPublisher

    from nexus_vas._settings import VasSettings

__all__ = ("BY_KIND", "BY_NAME", "Unit", "buy", "confirm", "request_unit")

_AT = AfricasTalkingProvider()
_FLW = FlutterwaveProvider()
BY_KIND: dict[str, VasProvider] = {"airtime": _AT, "data": _AT, "bill": _FLW}
"""Which provider sells each kind."""
BY_NAME: dict[str, VasProvider] = {_AT.name: _AT, _FLW.name: _FLW}


async def _purchase(provider: VasProvider, config: dict[str, Any], order: Order) -> Outcome:
    try:
        return await provider.purchase(config, order)
    except ProviderError as exc:
        return Outcome(status="failed" if exc.permanent else "unknown", detail=str(exc))


async def _status(
    provider: VasProvider, config: dict[str, Any], order: Order, ref: str | None
) -> Outcome:
    try:
        return await provider.status(config, order, ref)
    except ProviderError as exc:  # a refused query says nothing of the purchase
        return Outcome(status="unknown", detail=str(exc))


async def buy(
    db: Database,
    events: EventPublisher,
    settings: VasSettings,
    *,
    kind: str,
    key: str,
    recipient: str,
    amount: Decimal,
    currency: str,
    price: Decimal | None = None,
    product: dict[str, Any],
    description: str,
) -> tuple[dict[str, Any], bool]:
    """Place a purchase and hand it to its provider; the transaction, and whether new."""
    if amount <= 0:
        invalid("amount", "a purchase costs more than 0")
    provider = BY_KIND[kind]
    async with db.transaction() as conn:
        config = await require(conn, provider.name)
        row, created = await place(
            conn,
            settings,
            kind=kind,
            provider=provider.name,
            key=key,
            recipient=recipient,
            amount=amount,
            currency=currency,
            price=price,
            product=product,
            description=description,
        )
    if not created:
        return row, False
    outcome = await _purchase(provider, config, order_of(row))
    async with db.transaction() as conn:
        await settle(conn, events, row["id"], outcome)
        settled = await get(conn, row["id"])
    return settled or row, True


Unit: TypeAlias = Callable[[], AbstractAsyncContextManager[tuple["Connection", "EventPublisher"]]]
"""Opens one transaction and gives its connection and event publisher (a request's ports,
or a background unit of work acting as a tenant)."""


def request_unit(db: Database, events: EventPublisher) -> Unit:
    """A :data:`Unit` on a request's ``db`` and ``events`` ports."""

    @asynccontextmanager
    async def unit() -> AsyncIterator[tuple[Connection, EventPublisher]]:
        async with db.transaction() as conn:
            yield conn, events

    return unit


async def confirm(unit: Unit, transaction_id: UUID) -> tuple[dict[str, Any] | None, bool]:
    """Ask the provider what became of a purchase and settle it; the row, and if it changed.

    A pending purchase whose first call had no answer is sent again with the same
    idempotency key or reference (the provider refuses a duplicate), else its status is
    asked. A failed (credited back) purchase is answered as it is; a succeeded one is asked
    again, for a provider may report a success failed later (the telco reversed it).
    """
    async with unit() as (conn, _):
        row = await get(conn, transaction_id)
        if row is None or row["status"] == "failed":
            return row, False
        provider = BY_NAME[row["provider"]]
        config = await require(conn, provider.name)
    order = order_of(row)
    if row["status"] == "pending" and not row["provider_ref"] and provider is _AT:
        outcome = await _purchase(provider, config, order)
    else:
        outcome = await _status(provider, config, order, row["provider_ref"])
        if outcome.status == "unknown" and row["status"] == "pending" and provider is _FLW:
            outcome = await _purchase(provider, config, order)
    async with unit() as (conn, events):
        changed = await settle(conn, events, transaction_id, outcome)
        return await get(conn, transaction_id), changed
