"""The events Payments publishes, and their payloads (contracts: payments).

Each is published in the transaction that records the fact, so a handler (Finance's
reconciliation, a shop's order) sees it exactly when it is true: a payment only after the
provider's API confirmed it, a refund only once the provider completed it.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "CONFIRMED",
    "FAILED",
    "REFUNDED",
    "PaymentConfirmed",
    "PaymentFailed",
    "RefundCompleted",
)


class PaymentConfirmed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``payments.payment.confirmed.v1``.

    Attributes:
        payment_id: The payment.
        checkout_id: The checkout it paid.
        source: Who asked for the checkout (``finance``, ``shop``, a plugin's name).
        source_ref: The caller's id of what is paid (an invoice, an order).
        invoice_id: The Finance invoice it settles, if any.
        provider: ``stripe``, ``paystack`` or ``flutterwave``.
        provider_ref: The provider's id of the payment (a PaymentIntent, a reference, a
            transaction id).
        amount: What the customer paid.
        currency: Its ISO 4217 currency.
        fee: The provider's fee (in ``currency``).
        net: ``amount`` less ``fee``: what the provider pays out.
        method: How it was paid: ``card``, ``bank_transfer``, ``mobile_money``, ``ussd``…
        confirmed_at: When the provider's API confirmed it.
        metadata: The checkout's metadata.
    """

    payment_id: UUID
    checkout_id: UUID
    source: str
    source_ref: str
    invoice_id: UUID | None
    provider: str
    provider_ref: str
    amount: Decimal
    currency: str
    fee: Decimal
    net: Decimal
    method: str
    confirmed_at: datetime
    metadata: dict[str, str] = {}


class PaymentFailed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``payments.payment.failed.v1``.

    Attributes:
        checkout_id: The checkout whose payment failed.
        source: Who asked for the checkout.
        source_ref: The caller's id of what was to be paid.
        invoice_id: The Finance invoice it was to settle, if any.
        provider: The provider that reported the failure.
        reason: The provider's reason, as it gave it.
        metadata: The checkout's metadata.
    """

    checkout_id: UUID
    source: str
    source_ref: str
    invoice_id: UUID | None
    provider: str
    reason: str
    metadata: dict[str, str] = {}


class RefundCompleted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``payments.refund.completed.v1``.

    Attributes:
        refund_id: The refund.
        payment_id: The payment refunded (all or part of it).
        source: The checkout's source.
        source_ref: The checkout's source reference.
        invoice_id: The Finance invoice the payment settled, if any.
        provider: The provider that refunded.
        amount: How much was given back.
        currency: Its currency.
        metadata: The checkout's metadata.
    """

    refund_id: UUID
    payment_id: UUID
    source: str
    source_ref: str
    invoice_id: UUID | None
    provider: str
    amount: Decimal
    currency: str
    metadata: dict[str, str] = {}


CONFIRMED = EventType(
    type="payments.payment.confirmed.v1",
    description=(
        "A payment was confirmed: its provider's signed webhook arrived and the provider's "
        "API said it succeeded, for the amount and currency asked. Once per payment."
    ),
    payload=PaymentConfirmed,
)
FAILED = EventType(
    type="payments.payment.failed.v1",
    description="A checkout's payment failed at the provider (verified with its API).",
    payload=PaymentFailed,
)
REFUNDED = EventType(
    type="payments.refund.completed.v1",
    description="A refund (full or partial) of a payment was completed by the provider.",
    payload=RefundCompleted,
)
