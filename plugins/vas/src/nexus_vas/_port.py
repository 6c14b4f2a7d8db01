"""The provider port: what VAS asks of a provider of airtime, data or bill payments."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, Protocol

import msgspec

__all__ = ("Order", "Outcome", "VasProvider")

Status = Literal["submitted", "succeeded", "failed", "unknown"]


class Order(msgspec.Struct, kw_only=True, frozen=True):
    """A purchase as a provider gets it.

    Attributes:
        kind: ``airtime``, ``data`` or ``bill``.
        reference: VAS's reference of the purchase (the transaction id): the provider's
            idempotency key, so a resent order is not bought twice.
        recipient: The phone number (E.164), meter or smartcard number.
        amount: What it costs, in ``currency``.
        currency: ISO 4217.
        product: The kind's details: a data bundle's ``quantity``, ``unit`` and ``validity``;
            a bill's ``biller_name``, ``biller_code``, ``item_code`` and ``country``.
    """

    kind: str
    reference: str
    recipient: str
    amount: Decimal
    currency: str
    product: dict[str, Any] = msgspec.field(default_factory=dict)


class Outcome(msgspec.Struct, kw_only=True, frozen=True):
    """What the provider said of an order.

    Attributes:
        status: ``submitted`` (taken, final status to come), ``succeeded``, ``failed`` (not
            bought: the wallet is credited back) or ``unknown`` (no answer; ask again).
        provider_ref: The provider's id of the order, when it gave one.
        provider_status: The provider's own word for the status (``Sent``, ``successful``).
        detail: The provider's message (an error's reason).
    """

    status: Status
    provider_ref: str | None = None
    provider_status: str | None = None
    detail: str | None = None


class VasProvider(Protocol):
    """A provider of value-added services, speaking its documented HTTP API.

    ``config`` is the tenant's decrypted credentials for it.
    """

    name: str

    async def purchase(self, config: dict[str, Any], order: Order) -> Outcome:
        """Place ``order``; its outcome as far as the provider's answer tells."""
        ...

    async def status(
        self, config: dict[str, Any], order: Order, provider_ref: str | None
    ) -> Outcome:
        """Ask the provider's status API what became of ``order``."""
        ...
