"""Stripe through its official SDK (``stripe``), at a configurable API address.

- A Checkout Session (``POST /v1/checkout/sessions``) is the customer's page; retrieving it
  (``GET /v1/checkout/sessions/:id``, its PaymentIntent's charge and balance transaction
  expanded) confirms the payment and gives Stripe's fee; ``POST /v1/refunds`` refunds.
- Webhooks carry ``Stripe-Signature`` (``t=…,v1=…``: HMAC-SHA256 of ``"{t}.{body}"`` keyed
  with the endpoint's signing secret), checked by ``stripe.Webhook.construct_event`` with a
  300-second tolerance.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import stripe

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
)

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("TOLERANCE", "Stripe")

TOLERANCE = 300
"""Seconds a webhook's timestamp may be old (Stripe's default)."""

_PAID = ("checkout.session.completed", "checkout.session.async_payment_succeeded")
_UNPAID = ("checkout.session.async_payment_failed", "checkout.session.expired")
_REFUND = {"succeeded": "completed", "failed": "failed", "canceled": "failed"}
_REFUNDS = ("refund.created", "refund.updated")


def _dict(value: Any) -> dict[str, Any]:
    if isinstance(value, stripe.StripeObject):
        found: dict[str, Any] = value.to_dict()
        return found
    return value if isinstance(value, dict) else {}


class Stripe:
    """One Stripe account's API."""

    name = "stripe"

    def __init__(self, keys: Mapping[str, Any], base_url: str) -> None:
        """Talk to ``base_url`` with the account's secret key and webhook signing secret."""
        self._secret = str(keys["secret_key"])
        self._signing = str(keys["webhook_secret"])
        self._base = base_url

    def _client(self) -> tuple[stripe.StripeClient, stripe.HTTPXClient]:
        http = stripe.HTTPXClient(timeout=30)
        client = stripe.StripeClient(
            self._secret,
            base_addresses={"api": self._base},
            http_client=http,
            max_network_retries=0,
        )
        return client, http

    async def open(self, checkout: CheckoutInfo) -> Opened:
        """Create a Checkout Session for the amount; its ``url`` is the customer's page."""
        metadata = {**checkout.metadata, "nexus_checkout": str(checkout.id)}
        params: dict[str, Any] = {
            "mode": "payment",
            "client_reference_id": str(checkout.id),
            "success_url": checkout.return_url,
            "line_items": [
                {
                    "quantity": 1,
                    "price_data": {
                        "currency": checkout.currency.lower(),
                        "unit_amount": to_minor("stripe", checkout.amount, checkout.currency),
                        "product_data": {"name": checkout.description},
                    },
                }
            ],
            "metadata": metadata,
            "payment_intent_data": {"metadata": metadata},
        }
        if checkout.email:
            params["customer_email"] = checkout.email
        if checkout.methods:  # only "card" gets here (_currencies.METHODS)
            params["payment_method_types"] = sorted(set(checkout.methods))
        # Stripe takes an expiry between 30 minutes and 24 hours ahead.
        latest = datetime.now(UTC) + timedelta(hours=23)
        if checkout.expires_at is not None:
            params["expires_at"] = int(min(checkout.expires_at, latest).timestamp())
        client, http = self._client()
        try:
            session = await client.v1.checkout.sessions.create_async(params)  # type: ignore[arg-type]
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe refused: {exc.user_message or exc}") from exc
        finally:
            await http.close_async()  # type: ignore[no-untyped-call]
        if not session.url:
            raise ProviderError("Stripe answered a Checkout Session without a url")
        return Opened(ref=session.id, url=session.url)

    async def verify(self, reference: str) -> Verified:
        """Retrieve the Checkout Session ``reference`` with its payment's charge and fee."""
        client, http = self._client()
        try:
            session = await client.v1.checkout.sessions.retrieve_async(
                reference, {"expand": ["payment_intent.latest_charge.balance_transaction"]}
            )
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe refused: {exc.user_message or exc}") from exc
        finally:
            await http.close_async()  # type: ignore[no-untyped-call]
        found = _dict(session)
        currency = str(found.get("currency") or "").upper()
        intent = _dict(found.get("payment_intent"))
        charge = _dict(intent.get("latest_charge"))
        balance = _dict(charge.get("balance_transaction"))
        fee = Decimal(0)
        if str(balance.get("currency") or "").upper() == currency:
            fee = from_minor("stripe", balance.get("fee") or 0, currency)
        status = "pending"
        if found.get("payment_status") in ("paid", "no_payment_required"):
            status = "succeeded"
        elif found.get("status") == "expired":
            status = "failed"
        details = _dict(charge.get("payment_method_details"))
        return Verified(
            status=status,  # type: ignore[arg-type]
            checkout_ref=str(found["id"]),
            ref=str(intent.get("id") or found.get("payment_intent") or ""),
            amount=from_minor("stripe", found.get("amount_total") or 0, currency),
            currency=currency,
            fee=fee,
            method=str(details.get("type") or "card"),
            reason="the Checkout Session expired" if status == "failed" else None,
        )

    async def refund(self, payment_ref: str, amount: Decimal, currency: str) -> RefundResult:
        """Refund ``amount`` of the PaymentIntent ``payment_ref``."""
        client, http = self._client()
        try:
            refund = await client.v1.refunds.create_async(
                {"payment_intent": payment_ref, "amount": to_minor("stripe", amount, currency)}
            )
        except stripe.StripeError as exc:
            raise ProviderError(f"Stripe refused: {exc.user_message or exc}") from exc
        finally:
            await http.close_async()  # type: ignore[no-untyped-call]
        status = _REFUND.get(str(refund.status), "pending")
        return RefundResult(ref=refund.id, status=status)  # type: ignore[arg-type]

    def webhook(self, body: bytes, headers: Mapping[str, str]) -> Webhook:
        """Check ``Stripe-Signature`` with ``stripe.Webhook.construct_event``."""
        signature = headers.get("stripe-signature")
        if not signature:
            raise Unsigned("Stripe-Signature is missing")
        try:
            event = stripe.Webhook.construct_event(
                body, signature, self._signing, tolerance=TOLERANCE
            )
        except stripe.SignatureVerificationError as exc:
            raise Forged(f"the Stripe signature does not verify: {exc}") from exc
        except ValueError as exc:
            raise Forged("the body is not a Stripe event") from exc
        found = _dict(event)
        kind = str(found.get("type") or "")
        obj = _dict(_dict(found.get("data")).get("object"))
        if kind in _PAID + _UNPAID and obj.get("id"):
            session = str(obj["id"])
            return Webhook(
                event_id=str(found["id"]),
                kind="payment",
                type=kind,
                lookup=session,
                verify_with=session,
            )
        if kind in _REFUNDS and obj.get("status") == "succeeded" and obj.get("payment_intent"):
            currency = str(obj.get("currency") or "").upper()
            return Webhook(
                event_id=str(found["id"]),
                kind="refund",
                type=kind,
                lookup=str(obj["payment_intent"]),
                verify_with=str(obj["id"]),
                amount=from_minor("stripe", obj.get("amount") or 0, currency),
            )
        return Webhook(event_id=str(found.get("id")), kind="ignored", type=kind)
