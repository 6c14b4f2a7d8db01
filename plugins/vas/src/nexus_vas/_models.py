"""Request and response bodies of the VAS routes."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs.http import Money

__all__ = (
    "AirtimeIn",
    "BillIn",
    "Biller",
    "DataIn",
    "EntryOut",
    "TopUpIn",
    "TransactionOut",
    "WalletOut",
)

Phone = Annotated[
    str, msgspec.Meta(pattern=r"^\+[1-9][0-9]{6,14}$", description="E.164, e.g. +254711000000")
]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$", description="ISO 4217")]
Key = Annotated[
    str,
    msgspec.Meta(
        min_length=8,
        max_length=100,
        description="The client's idempotency key: a retry with it answers the first purchase",
    ),
]
Positive = Annotated[int, msgspec.Meta(gt=0, le=1_000_000)]


class TopUpIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A top-up of the wallet: money the tenant sent its providers' balances."""

    amount: Money
    reference: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    currency: Currency | None = None
    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class AirtimeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Airtime for a phone number, paid from the wallet."""

    phone_number: Phone
    amount: Money
    idempotency_key: Key
    currency: Currency | None = None
    price: Money | None = None


class DataIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A data bundle for a phone number; ``amount`` is what it costs the wallet."""

    phone_number: Phone
    quantity: Positive
    unit: Literal["MB", "GB"]
    validity: Literal["Day", "Week", "BiWeek", "Month", "Quarterly"]
    amount: Money
    idempotency_key: Key
    product_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None
    currency: Currency | None = None
    price: Money | None = None


class BillIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An electricity or TV bill: the biller (from ``GET /billers``) and the customer."""

    category: Literal["electricity", "tv"]
    biller_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    customer: Annotated[
        str, msgspec.Meta(min_length=3, max_length=50, description="Meter or smartcard number")
    ]
    amount: Money
    idempotency_key: Key
    biller_code: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    item_code: Annotated[str, msgspec.Meta(max_length=50)] | None = None
    currency: Currency | None = None
    price: Money | None = None


class WalletOut(msgspec.Struct, kw_only=True):
    """A wallet's balance in one currency."""

    currency: str
    balance: Decimal


class EntryOut(msgspec.Struct, kw_only=True):
    """One change of a wallet's balance."""

    id: UUID
    kind: Literal["funding", "purchase", "reversal"]
    amount: Decimal
    balance: Decimal
    reference: str
    transaction_id: UUID | None
    note: str | None
    created_at: datetime


class TransactionOut(msgspec.Struct, kw_only=True):
    """An airtime, data or bill purchase and its status."""

    id: UUID
    kind: Literal["airtime", "data", "bill"]
    provider: str
    idempotency_key: str
    recipient: str
    amount: Decimal
    currency: str
    price: Decimal | None
    product: dict[str, Any]
    description: str
    status: Literal["pending", "submitted", "succeeded", "failed"]
    provider_ref: str | None
    provider_status: str | None
    error: str | None
    completed_at: datetime | None
    reversed_at: datetime | None
    created_at: datetime
    updated_at: datetime


class Biller(msgspec.Struct, kw_only=True):
    """A biller's item as Flutterwave lists it (``GET /v3/bill-categories``)."""

    biller_name: str
    biller_code: str | None = None
    item_code: str | None = None
    name: str | None = None
    label_name: str | None = None
    country: str | None = None
    amount: Decimal | None = None
    fee: Decimal | None = None
