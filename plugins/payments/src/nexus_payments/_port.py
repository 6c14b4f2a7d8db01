"""The provider port: what Payments asks of Stripe, Paystack and Flutterwave.

Each implementation speaks its provider's documented API (Stripe through its official SDK,
Paystack and Flutterwave through ``httpx``) at the address of ``_settings.base_url`` and
checks its webhooks with the provider's documented scheme. Amounts cross the port as
``Decimal`` in major units; each implementation converts to what its API counts.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal, Protocol
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = (
    "CheckoutInfo",
    "Forged",
    "Opened",
    "Provider",
    "ProviderError",
    "RefundResult",
    "Unsigned",
    "Verified",
    "Webhook",
)


class ProviderError(Exception):
    """The provider refused a call or could not be reached (answered as 424)."""


class Unsigned(Exception):
    """A webhook without the provider's signature header (answered as 401)."""


class Forged(Exception):
    """A webhook whose signature does not verify, or too old to (answered as 403)."""


class CheckoutInfo(msgspec.Struct, kw_only=True):
    """What the provider needs to open a checkout."""

    id: UUID
    tenant: str
    amount: Decimal
    currency: str
    description: str
    email: str | None
    name: str | None
    phone: str | None
    methods: list[str] | None
    return_url: str
    expires_at: datetime | None
    metadata: dict[str, str]


class Opened(msgspec.Struct, kw_only=True):
    """The provider's page: its reference for the checkout and the customer's URL."""

    ref: str
    url: str


class Verified(msgspec.Struct, kw_only=True):
    """What the provider's API says of a checkout's payment.

    ``checkout_ref`` is the provider's reference of the checkout it paid (a Checkout
    Session id, a transaction reference), to match against the checkout; ``ref`` is the
    payment's (a PaymentIntent, a reference, a transaction id), to refund it later.
    """

    status: Literal["succeeded", "failed", "pending"]
    checkout_ref: str
    ref: str
    amount: Decimal
    currency: str
    fee: Decimal
    method: str
    reason: str | None = None


class RefundResult(msgspec.Struct, kw_only=True):
    """The provider's refund: its id and whether it is done."""

    ref: str
    status: Literal["completed", "pending", "failed"]


class Webhook(msgspec.Struct, kw_only=True):
    """A verified webhook: its event id, what it is about and what to verify with.

    ``kind``: ``payment`` (a checkout's payment to confirm with the API), ``refund`` (a
    refund completed) or ``ignored``. ``lookup`` is the provider's reference of the checkout
    (or of the refunded payment); ``verify_with`` is what the verification call takes.
    """

    event_id: str
    kind: Literal["payment", "refund", "ignored"]
    type: str
    lookup: str = ""
    verify_with: str = ""
    amount: Decimal | None = None


class Provider(Protocol):
    """A payment provider's API, for one account's keys."""

    name: str

    async def open(self, checkout: CheckoutInfo) -> Opened:
        """Open the provider's page for ``checkout``; raise ``ProviderError`` if refused."""
        ...

    async def verify(self, reference: str) -> Verified:
        """Ask the provider's API about the payment of ``reference``."""
        ...

    async def refund(self, payment_ref: str, amount: Decimal, currency: str) -> RefundResult:
        """Refund ``amount`` of the payment ``payment_ref``."""
        ...

    def webhook(self, body: bytes, headers: Mapping[str, str]) -> Webhook:
        """Check a webhook's signature and say what it is about.

        Raises:
            Unsigned: The signature header is missing.
            Forged: The signature does not verify.
        """
        ...


def decode(body: bytes) -> dict[str, Any]:
    """A webhook's JSON body as a dict (``Forged`` when it is not one)."""
    try:
        value = msgspec.json.decode(body)
    except msgspec.DecodeError as exc:
        raise Forged("the body is not JSON") from exc
    if not isinstance(value, dict):
        raise Forged("the body is not a JSON object")
    return value
