"""A checkout's life after it is recorded: the provider's page, confirmation, failure.

Provider calls never run inside a transaction of ours: the route reads what it needs, calls
the provider, then records the outcome in a new transaction that re-checks the state under
a row lock (a concurrent webhook or visit may have won meanwhile).
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec
import structlog
from nexus_hookspecs import new_id
from nexus_hookspecs.http import not_found

from nexus_payments._accounts import keys_of
from nexus_payments._currencies import plain
from nexus_payments._events import CONFIRMED, FAILED, PaymentConfirmed, PaymentFailed
from nexus_payments._port import CheckoutInfo, Provider, Verified
from nexus_payments._settings import base_url

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("account", "checkout_info", "metadata_of", "provider_of", "record_outcome")

log = structlog.get_logger("nexus_payments")

_PROVIDERS = {
    "stripe": ("nexus_payments._stripe", "Stripe"),
    "paystack": ("nexus_payments._paystack", "Paystack"),
    "flutterwave": ("nexus_payments._flutterwave", "Flutterwave"),
}
"""Each provider's module, imported on first use (the Stripe SDK alone takes 0.25 s)."""


def provider_of(name: str, keys: Mapping[str, Any]) -> Provider:
    """The port of ``name`` for one account's ``keys``, at its configured address."""
    module, made = _PROVIDERS[name]
    provider: Provider = getattr(importlib.import_module(module), made)(keys, base_url(name))
    return provider


async def account(conn: Connection, name: str) -> Provider:
    """The port of the tenant's ``name`` account; 404 when the tenant has none."""
    keys = await keys_of(conn, name)
    if keys is None:
        not_found()
    return provider_of(name, keys)


def metadata_of(value: Any) -> dict[str, str]:
    """A JSONB column of strings (asyncpg answers JSON text) as a dict."""
    if isinstance(value, str):
        value = msgspec.json.decode(value)
    return {str(k): str(v) for k, v in (value or {}).items()}


def checkout_info(row: Mapping[str, Any], *, slug: str, return_url: str) -> CheckoutInfo:
    """What the provider needs of the checkout ``row`` to open its page."""
    raw = row["customer"]
    customer = msgspec.json.decode(raw) if isinstance(raw, str) else dict(raw or {})
    return CheckoutInfo(
        id=row["id"],
        tenant=slug,
        amount=plain(row["amount"]),
        currency=row["currency"],
        description=row["description"],
        email=customer.get("email"),
        name=customer.get("name"),
        phone=customer.get("phone"),
        methods=list(row["methods"]) if row["methods"] else None,
        return_url=row["return_url"] or return_url,
        expires_at=row["expires_at"],
        metadata=metadata_of(row["metadata"]),
    )


def _mismatch(checkout: Mapping[str, Any], verified: Verified) -> str | None:
    """Why ``verified`` is not the payment ``checkout`` asked for, or ``None``."""
    if verified.checkout_ref != checkout["provider_ref"]:
        return f"the provider's payment is of {verified.checkout_ref}, not this checkout"
    if verified.currency != checkout["currency"]:
        return f"paid in {verified.currency}, asked in {checkout['currency']}"
    if verified.amount != checkout["amount"]:
        return f"paid {verified.amount}, asked {plain(checkout['amount'])}"
    return None


async def record_outcome(
    conn: Connection, events: EventPublisher, checkout_id: Any, verified: Verified
) -> str:
    """Record what the provider's API said of a checkout's payment; the outcome, in words.

    A succeeded payment of the amount and currency asked is recorded once (the checkout
    locked, ``payments_payment`` unique per checkout) and publishes
    ``payments.payment.confirmed.v1``; a failed one marks the checkout failed and
    publishes ``payments.payment.failed.v1``. Anything else changes nothing.
    """
    checkout = await conn.fetchrow(
        "select * from payments_checkout where id = $1 for update", checkout_id
    )
    if checkout is None:
        return "unknown checkout"
    if checkout["status"] == "paid":
        return "already paid"
    problem = _mismatch(checkout, verified)
    if problem is not None:
        log.warning("payment refused", checkout=str(checkout_id), problem=problem)
        return f"refused: {problem}"
    metadata = metadata_of(checkout["metadata"])
    if verified.status == "failed":
        if checkout["status"] != "open":
            return f"already {checkout['status']}"
        reason = verified.reason or "the provider reported a failure"
        await conn.execute(
            "update payments_checkout set status = 'failed', failure = $2, updated_at = now() "
            "where id = $1",
            checkout_id,
            reason,
        )
        failed = PaymentFailed(
            checkout_id=checkout_id,
            source=checkout["source"],
            source_ref=checkout["source_ref"],
            invoice_id=checkout["invoice_id"],
            provider=checkout["provider"],
            reason=reason,
            metadata=metadata,
        )
        await events.publish(conn, type=FAILED.type, subject=str(checkout_id), data=failed)
        return "failed"
    if verified.status != "succeeded":
        return "pending"
    payment_id = new_id()
    confirmed_at = datetime.now(UTC)
    amount = checkout["amount"]
    await conn.execute(
        "insert into payments_payment (id, checkout_id, provider, provider_ref, amount, "
        "currency, fee, net, method, confirmed_at) values ($1, $2, $3, $4, $5, $6, $7, $8, "
        "$9, $10)",
        payment_id,
        checkout_id,
        checkout["provider"],
        verified.ref,
        amount,
        checkout["currency"],
        verified.fee,
        amount - verified.fee,
        verified.method,
        confirmed_at,
    )
    # A late payment of an expired checkout: the source's newer open one must not be paid
    # a second time.
    await conn.execute(
        "update payments_checkout set status = 'expired', updated_at = now() "
        "where source = $1 and source_ref = $2 and status = 'open' and id <> $3",
        checkout["source"],
        checkout["source_ref"],
        checkout_id,
    )
    await conn.execute(
        "update payments_checkout set status = 'paid', failure = null, updated_at = now() "
        "where id = $1",
        checkout_id,
    )
    confirmed = PaymentConfirmed(
        payment_id=payment_id,
        checkout_id=checkout_id,
        source=checkout["source"],
        source_ref=checkout["source_ref"],
        invoice_id=checkout["invoice_id"],
        provider=checkout["provider"],
        provider_ref=verified.ref,
        amount=plain(amount),
        currency=checkout["currency"],
        fee=plain(verified.fee),
        net=plain(amount - verified.fee),
        method=verified.method,
        confirmed_at=confirmed_at,
        metadata=metadata,
    )
    await events.publish(conn, type=CONFIRMED.type, subject=str(payment_id), data=confirmed)
    return "confirmed"
