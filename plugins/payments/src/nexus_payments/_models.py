"""The ``payments.checkouts.create`` service's request and answer (contracts: payments)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec

__all__ = ("CheckoutRequest", "CheckoutResult", "Customer", "Method", "ProviderName")

ProviderName = Literal["stripe", "paystack", "flutterwave"]
Method = Literal["card", "bank_transfer", "mobile_money"]


class Customer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who pays: the provider's page is pre-filled with it (Paystack needs the email)."""

    email: Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    name: Annotated[str, msgspec.Meta(max_length=200)] | None = None
    phone: Annotated[str, msgspec.Meta(max_length=40)] | None = None


class CheckoutRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A checkout to open, once per ``(source, source_ref)`` while it is open.

    Attributes:
        source: Who asks: ``finance``, ``shop``, ``vas`` or any plugin's name.
        source_ref: The caller's id of what is paid; a retry answers the first checkout
            while it is open (or paid).
        amount: What to charge (a positive amount in ``currency``).
        currency: ISO 4217.
        description: What the customer sees on the provider's page.
        customer: Who pays.
        invoice_id: The Finance invoice this payment settles (Finance allocates to it).
        provider: ``stripe``, ``paystack`` or ``flutterwave``; ``None`` picks the tenant's
            default account that supports the currency.
        methods: ``card``, ``bank_transfer``, ``mobile_money``: where the provider offers
            them; ``None``: what the provider offers.
        return_url: Where the provider sends the customer back to.
        metadata: Strings carried to the events.
    """

    source: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    source_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    amount: Decimal
    currency: Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    customer: Customer = msgspec.field(default_factory=Customer)
    invoice_id: UUID | None = None
    provider: ProviderName | None = None
    methods: Annotated[list[Method], msgspec.Meta(min_length=1, max_length=3)] | None = None
    return_url: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    metadata: Annotated[dict[str, str], msgspec.Meta(max_length=20)] = {}


class CheckoutResult(msgspec.Struct, kw_only=True):
    """The checkout: ``url`` is where the customer pays.

    ``url`` is a Nexus visitor route that opens the provider's page on first visit and
    redirects the customer to it.
    """

    checkout_id: UUID
    provider: str
    url: str
    status: str
    expires_at: datetime | None
