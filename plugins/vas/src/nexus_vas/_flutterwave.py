"""Flutterwave's Bills API: electricity and TV (and any other biller it lists).

- Billers: ``GET {base}/v3/bill-categories`` with ``power=1`` (electricity) or ``cables=1``
  (TV) and ``country``, bearer secret key; ``{status, message, data: [{biller_code,
  biller_name, item_code, name, short_name, label_name, amount, fee, country, …}]}``.
- Pay: ``POST {base}/v3/bills``, JSON ``{country, customer, amount, recurrence: "ONCE",
  type: <biller_name>, reference}``; ``{status: "success", message, data: {phone_number,
  amount, network, flw_ref, tx_ref, reference}}``; errors ``{status: "error", message,
  data: null}`` with a 4xx.
- Status: ``GET {base}/v3/bills/{reference}``; ``data.status`` ``successful``, ``pending``
  or ``failed``.

The reference is VAS's own (the transaction id), so a resent payment is refused as a
duplicate by Flutterwave and the status is found by it whatever happened to the answer.
"""

from __future__ import annotations

from typing import Any

from nexus_vas._errors import ProviderError
from nexus_vas._http import call, json_of, refusal
from nexus_vas._port import Order, Outcome

__all__ = ("FLUTTERWAVE_BASE", "FlutterwaveProvider", "billers")

FLUTTERWAVE_BASE = "https://api.flutterwave.com"

CATEGORY_FLAGS = {"electricity": "power", "tv": "cables"}
"""VAS's bill categories → Flutterwave's ``bill-categories`` filter."""


def _base(config: dict[str, Any]) -> str:
    return str(config.get("base_url") or FLUTTERWAVE_BASE).rstrip("/")


def _headers(config: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {config['secret_key']}", "Accept": "application/json"}


def _message(response: Any) -> str:
    payload = json_of(response)
    return str(payload.get("message") if isinstance(payload, dict) else response.text)[:300]


async def billers(config: dict[str, Any], *, category: str, country: str) -> list[dict[str, Any]]:
    """The billers and items of ``category`` (``electricity``, ``tv``) in ``country``."""
    response = await call(
        "GET",
        f"{_base(config)}/v3/bill-categories",
        params={CATEGORY_FLAGS[category]: "1", "country": country},
        headers=_headers(config),
    )
    if response.status_code >= 300:
        raise refusal(response, _message(response))
    data = json_of(response).get("data") or []
    return [item for item in data if isinstance(item, dict)]


class FlutterwaveProvider:
    """Bill payments through Flutterwave."""

    name = "flutterwave"

    async def purchase(self, config: dict[str, Any], order: Order) -> Outcome:
        """Pay a bill (``POST /v3/bills``)."""
        if order.kind != "bill":
            raise ProviderError(f"Flutterwave is not used for {order.kind}", permanent=True)
        body = {
            "country": order.product.get("country"),
            "customer": order.recipient,
            "amount": float(order.amount) if order.amount % 1 else int(order.amount),
            "recurrence": "ONCE",
            "type": order.product.get("biller_name"),
            "reference": order.reference,
        }
        response = await call(
            "POST", f"{_base(config)}/v3/bills", json=body, headers=_headers(config)
        )
        if response.status_code >= 300:
            raise refusal(response, _message(response))
        payload = json_of(response)
        if payload.get("status") != "success":
            return Outcome(status="failed", detail=str(payload.get("message"))[:300])
        data = payload.get("data") or {}
        return Outcome(
            status="submitted",
            provider_ref=str(data.get("flw_ref") or data.get("tx_ref") or order.reference),
            provider_status=str(payload.get("message"))[:100],
        )

    async def status(
        self, config: dict[str, Any], order: Order, provider_ref: str | None
    ) -> Outcome:
        """The bill's status (``GET /v3/bills/{reference}``)."""
        response = await call(
            "GET", f"{_base(config)}/v3/bills/{order.reference}", headers=_headers(config)
        )
        if response.status_code == 404:
            return Outcome(status="unknown", detail=_message(response))
        if response.status_code >= 300:
            raise refusal(response, _message(response))
        data = json_of(response).get("data") or {}
        status = str(data.get("status") or "").lower()
        mapped = {"successful": "succeeded", "success": "succeeded", "failed": "failed"}
        return Outcome(
            status=mapped.get(status, "submitted"),  # type: ignore[arg-type]
            provider_ref=provider_ref,
            provider_status=status or None,
            detail=str(data.get("extra") or "") or None,
        )
