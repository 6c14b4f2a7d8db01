"""Paystack through its documented REST API (``httpx``).

- ``POST /transaction/initialize`` opens the hosted page (amount in subunits, our
  ``reference``); ``GET /transaction/verify/:reference`` confirms a payment, as Paystack
  advises before giving value; ``POST /refund`` refunds all or part of it.
- Webhooks carry ``x-paystack-signature``: the HMAC-SHA512 of the raw body keyed with the
  secret key, hex.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import TYPE_CHECKING, Any

import httpx

from nexus_payments._currencies import from_minor, to_minor
from nexus_payments._port import (
    CheckoutInfo,
    Forged,
    Opened,
    ProviderError,
    RefundResult,
    Unsigned,
    Verified,
    Webhook,
    decode,
)

if TYPE_CHECKING:
    from collections.abc import Mapping
    from decimal import Decimal

__all__ = ("Paystack",)

_CHANNELS = {
    "card": ["card"],
    "bank_transfer": ["bank", "bank_transfer"],
    "mobile_money": ["mobile_money"],
}
_METHODS = {
    "bank": "bank_transfer",
    "bank_transfer": "bank_transfer",
    "dedicated_nuban": "bank_transfer",
}
_STATUS: dict[str, Any] = {
    "success": "succeeded",
    "failed": "failed",
    "abandoned": "failed",
    "reversed": "failed",
}
_REFUND = {"processed": "completed", "failed": "failed"}


class Paystack:
    """One Paystack account's API."""

    name = "paystack"

    def __init__(self, keys: Mapping[str, Any], base_url: str) -> None:
        """Talk to ``base_url`` with the account's secret key."""
        self._secret = str(keys["secret_key"])
        self._base = base_url

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self._secret}"}
        async with httpx.AsyncClient(base_url=self._base, headers=headers, timeout=30) as http:
            try:
                answer = await http.request(method, path, json=body)
            except httpx.HTTPError as exc:
                raise ProviderError(f"Paystack could not be reached: {exc}") from exc
        try:
            payload = answer.json()
        except ValueError:
            payload = {}
        if answer.status_code >= 400 or not payload.get("status"):
            message = payload.get("message") or f"HTTP {answer.status_code}"
            raise ProviderError(f"Paystack refused: {message}")
        return payload.get("data")

    async def open(self, checkout: CheckoutInfo) -> Opened:
        """``POST /transaction/initialize``: the authorization URL for the customer."""
        channels = sorted({c for m in checkout.methods or [] for c in _CHANNELS.get(m, [])})
        body: dict[str, Any] = {
            "email": checkout.email,
            "amount": str(to_minor("paystack", checkout.amount, checkout.currency)),
            "currency": checkout.currency,
            "reference": str(checkout.id),
            "callback_url": checkout.return_url,
            "metadata": {
                **checkout.metadata,
                "nexus_checkout": str(checkout.id),
                "nexus_tenant": checkout.tenant,
            },
        }
        if channels:
            body["channels"] = channels
        data = await self._call("POST", "/transaction/initialize", body)
        return Opened(ref=str(data["reference"]), url=str(data["authorization_url"]))

    async def verify(self, reference: str) -> Verified:
        """``GET /transaction/verify/:reference``: the transaction as Paystack has it."""
        data = await self._call("GET", f"/transaction/verify/{reference}")
        currency = str(data["currency"])
        channel = str(data.get("channel") or "card")
        return Verified(
            status=_STATUS.get(str(data.get("status")), "pending"),
            checkout_ref=str(data["reference"]),
            ref=str(data["reference"]),
            amount=from_minor("paystack", data["amount"], currency),
            currency=currency,
            fee=from_minor("paystack", data.get("fees") or 0, currency),
            method=_METHODS.get(channel, channel),
            reason=data.get("gateway_response"),
        )

    async def refund(self, payment_ref: str, amount: Decimal, currency: str) -> RefundResult:
        """``POST /refund`` of ``amount`` of the transaction ``payment_ref``."""
        body = {"transaction": payment_ref, "amount": to_minor("paystack", amount, currency)}
        data = await self._call("POST", "/refund", body)
        return RefundResult(ref=str(data["id"]), status=_REFUND.get(str(data["status"]), "pending"))  # type: ignore[arg-type]

    def webhook(self, body: bytes, headers: Mapping[str, str]) -> Webhook:
        """Check ``x-paystack-signature`` (HMAC-SHA512 of the body, the secret key)."""
        signature = headers.get("x-paystack-signature")
        if not signature:
            raise Unsigned("x-paystack-signature is missing")
        expected = hmac.new(self._secret.encode(), body, hashlib.sha512).hexdigest()
        if not hmac.compare_digest(expected, signature.strip().lower()):
            raise Forged("the Paystack signature does not match")
        event = decode(body)
        kind = str(event.get("event") or "")
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        assert isinstance(data, dict)
        if kind == "charge.success" and data.get("reference"):
            return Webhook(
                event_id=f"{kind}:{data.get('id')}",
                kind="payment",
                type=kind,
                lookup=str(data["reference"]),
                verify_with=str(data["reference"]),
            )
        if kind == "refund.processed" and data.get("transaction_reference"):
            currency = str(data.get("currency") or "")
            return Webhook(
                event_id=f"{kind}:{data.get('id') or data.get('refund_reference')}",
                kind="refund",
                type=kind,
                lookup=str(data["transaction_reference"]),
                verify_with=str(data.get("id") or ""),
                amount=from_minor("paystack", data.get("amount") or 0, currency),
            )
        return Webhook(event_id=f"{kind}:{data.get('id')}", kind="ignored", type=kind)
