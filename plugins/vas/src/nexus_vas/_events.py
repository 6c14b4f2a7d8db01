"""The events VAS publishes, each in the transaction that makes the change (the outbox).

Finance keeps the wallet as double entry from them: a funding is Dr VAS wallet / Cr Bank, a
completed purchase Dr Cost of value-added services / Cr VAS wallet, a reversal the other
way round. The subject is the wallet entry (funding) or the transaction (purchases).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "PURCHASE_COMPLETED",
    "PURCHASE_REVERSED",
    "WALLET_FUNDED",
    "PurchaseCompleted",
    "PurchaseReversed",
    "WalletFunded",
)

Kind = Literal["airtime", "data", "bill"]


class WalletFunded(msgspec.Struct, kw_only=True):
    """The ``data`` of ``vas.wallet.funded.v1``.

    Attributes:
        entry_id: The wallet entry of the top-up.
        amount: What was added to the wallet.
        currency: Its currency (ISO 4217).
        reference: The admin's reference of the top-up (a bank transfer's), unique per tenant.
        funded_on: The day of the top-up.
        balance: The wallet's balance after it.
    """

    entry_id: UUID
    amount: Decimal
    currency: str
    reference: str
    funded_on: date
    balance: Decimal


class PurchaseCompleted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``vas.purchase.completed.v1``: the provider confirmed a purchase.

    Published once per transaction, after the provider's status API confirmed the success
    its callback (or a reconciliation) reported.

    Attributes:
        transaction_id: The VAS transaction.
        kind: ``airtime``, ``data`` or ``bill``.
        provider: ``africastalking`` or ``flutterwave``.
        provider_ref: The provider's id of it (``requestId``, ``transactionId``, reference).
        recipient: The phone number, meter or smartcard it went to.
        description: What was bought, for a ledger line.
        amount: What it cost the wallet.
        currency: Its currency (ISO 4217).
        price: What the tenant's customer paid for it, when the tenant resells (cash at
            the till), in ``currency``; ``None`` for the tenant's own use.
        completed_at: When the provider's success was confirmed.
    """

    transaction_id: UUID
    kind: Kind
    provider: str
    provider_ref: str | None
    recipient: str
    description: str
    amount: Decimal
    currency: str
    price: Decimal | None
    completed_at: datetime


class PurchaseReversed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``vas.purchase.reversed.v1``: a failed purchase was credited back.

    Published once per transaction that debited the wallet and then failed.

    Attributes:
        transaction_id: The VAS transaction.
        kind: ``airtime``, ``data`` or ``bill``.
        provider: ``africastalking`` or ``flutterwave``.
        amount: What was credited back to the wallet.
        currency: Its currency (ISO 4217).
        price: What the customer paid for it (refunded), when the tenant resold it.
        reason: The provider's reason, as it gave it.
        was_completed: Whether ``vas.purchase.completed.v1`` had been published for it (a
            success later reported failed); Finance reverses the cost only then.
        reversed_at: When it was credited back.
    """

    transaction_id: UUID
    kind: Kind
    provider: str
    amount: Decimal
    currency: str
    price: Decimal | None
    reason: str
    was_completed: bool
    reversed_at: datetime


WALLET_FUNDED = EventType(
    type="vas.wallet.funded.v1",
    description="An admin recorded a top-up of the tenant's prepaid VAS wallet.",
    payload=WalletFunded,
)
PURCHASE_COMPLETED = EventType(
    type="vas.purchase.completed.v1",
    description="An airtime, data or bill purchase paid from the wallet was confirmed by the "
    "provider.",
    payload=PurchaseCompleted,
)
PURCHASE_REVERSED = EventType(
    type="vas.purchase.reversed.v1",
    description="A purchase that debited the wallet failed and was credited back.",
    payload=PurchaseReversed,
)
