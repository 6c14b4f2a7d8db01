"""Flutterwave through its documented v3 REST API (``httpx``).

- ``POST /v3/payments`` opens a hosted payment link for our ``tx_ref`` (amounts in major
  units); ``GET /v3/transactions/:id/verify`` confirms a payment, as Flutterwave advises
  before giving value; ``POST /v3/transactions/:id/refund`` refunds all or part of it.
- Webhooks carry ``verif-hash``: the secret hash set in the dashboard, compared as it is.
"""

from __future__ import annotations

import hmac
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import httpx
import msgspec

from nexus_payments._currencies import plain
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

__all__ = ("Flutterwave",)

_OPTIONS = {
    "card": ["card"],
    "bank_transfer": ["banktransfer", "account"],
    "mobile_money": ["mobilemoneyghana", "mpesa", "mobilemoneyuganda", "mobilemoneyfranco"],
}
_STATUS: dict[str, Any] = {"successful": "succeeded", "failed": "failed", "cancelled": "failed"}
_ENCODER = msgspec.json.Encoder(decimal_format="number")


def _method(payment_type: str) -> str:
    if payment_type.startswith("mobilemoney") or payment_type == "mpesa":
        return "mobile_money"
    if payment_type in ("bank_transfer", "banktransfer", "account"):
        return "bank_transfer"
    return payment_type or "card"


class Flutterwave:
    """One Flutterwave account's API."""

    name = "flutterwave"

    def __init__(self, keys: Mapping[str, Any], base_url: str) -> None:
        """Talk to ``base_url`` with the account's secret key and webhook hash."""
        self._secret = str(keys["secret_key"])
        self._hash = str(keys["secret_hash"])
        self._base = base_url

    async def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Authorization": f"Bearer {self._secret}", "Content-Type": "application/json"}
        content = _ENCODER.encode(body) if body is not None else None
        async with httpx.AsyncClient(base_url=self._base, headers=headers, timeout=30) as http:
            try:
                answer = await http.request(method, path, content=content)
            except httpx.HTTPError as exc:
                raise ProviderError(f"Flutterwave could not be reached: {exc}") from exc
        try:
            payload = answer.json()
        except ValueError:
            payload = {}
        if answer.status_code >= 400 or payload.get("status") != "success":
            message = payload.get("message") or f"HTTP {answer.status_code}"
            raise ProviderError(f"Flutterwave refused: {message}")
        return payload.get("data")

    async def open(self, checkout: CheckoutInfo) -> Opened:
        """``POST /v3/payments``: the hosted link for the customer."""
        options = [o for m in checkout.methods or [] for o in _OPTIONS.get(m, [])]
        body: dict[str, Any] = {
            "tx_ref": str(checkout.id),
            "amount": plain(checkout.amount),
            "currency": checkout.currency,
            "redirect_url": checkout.return_url,
            "customer": {
                "email": checkout.email,
                "name": checkout.name,
                "phonenumber": checkout.phone,
            },
            "customizations": {"title": checkout.description[:100]},
            "meta": {**checkout.metadata, "nexus_tenant": checkout.tenant},
        }
        if options:
            body["payment_options"] = ", ".join(options)
        data = await self._call("POST", "/v3/payments", body)
        return Opened(ref=str(checkout.id), url=str(data["link"]))

    async def verify(self, reference: str) -> Verified:
        """``GET /v3/transactions/:id/verify``: the transaction as Flutterwave has it."""
        data = await self._call("GET", f"/v3/transactions/{reference}/verify")
        return Verified(
            status=_STATUS.get(str(data.get("status")), "pending"),
            checkout_ref=str(data["tx_ref"]),
            ref=str(data["id"]),
            amount=Decimal(str(data["amount"])),
            currency=str(data["currency"]),
            fee=Decimal(str(data.get("app_fee") or 0)),
            method=_method(str(data.get("payment_type") or "")),
            reason=data.get("processor_response"),
        )

    async def refund(self, payment_ref: str, amount: Decimal, currency: str) -> RefundResult:
        """``POST /v3/transactions/:id/refund`` of ``amount``."""
        data = await self._call(
            "POST", f"/v3/transactions/{payment_ref}/refund", {"amount": plain(amount)}
        )
        status = str(data.get("status") or "")
        if status in ("completed", "successful"):
            return RefundResult(ref=str(data["id"]), status="completed")
        return RefundResult(
            ref=str(data["id"]), status="failed" if status == "failed" else "pending"
        )

    def webhook(self, body: bytes, headers: Mapping[str, str]) -> Webhook:
        """Check ``verif-hash`` against the account's secret hash."""
        signature = headers.get("verif-hash")
        if not signature:
            raise Unsigned("verif-hash is missing")
        if not hmac.compare_digest(signature.encode(), self._hash.encode()):
            raise Forged("the Flutterwave verif-hash does not match")
        event = decode(body)
        kind = str(event.get("event") or "")
        data = event.get("data") if isinstance(event.get("data"), dict) else {}
        assert isinstance(data, dict)
        if kind == "charge.completed" and data.get("id") and data.get("tx_ref"):
            return Webhook(
                event_id=f"{kind}:{data['id']}",
                kind="payment",
                type=kind,
                lookup=str(data["tx_ref"]),
                verify_with=str(data["id"]),
            )
        return Webhook(event_id=f"{kind}:{data.get('id')}", kind="ignored", type=kind)
