"""Africa's Talking: airtime (Airtime API) and data bundles (Mobile Data API).

- Airtime: ``POST {base}/version1/airtime/send``, header ``apiKey``, form fields ``username``
  and ``recipients`` (a JSON array of ``{"phoneNumber", "amount": "KES 100.00"}``), header
  ``Idempotency-Key``; 201 with ``responses[]`` of ``{phoneNumber, amount, discount, status,
  requestId, errorMessage}`` (``status`` ``Sent`` when taken, ``Failed`` otherwise).
- Mobile data: ``POST {data_base}/mobile/data/request``, header ``apiKey``, JSON
  ``{username, productName, recipients: [{phoneNumber, quantity, unit, validity,
  metadata}]}``, header ``Idempotency-Key``; 201 with ``entries[]`` of ``{phoneNumber,
  provider, status, transactionId, value, errorMessage}``.
- Status of either: ``GET {base}/query/transaction/find?username=…&transactionId=…``
  (airtime on the API host, data on the bundles host), header ``apiKey``; ``{status, data:
  {status, …}}`` where ``data.status`` is ``Queued``, ``Sent``, ``Success`` or ``Failed``.

A final status comes later by the status callback (see ``_routes_callbacks``), which VAS
confirms through the status query before acting on it.
"""

from __future__ import annotations

import json
from typing import Any

from nexus_vas._errors import ProviderError
from nexus_vas._http import call, json_of, refusal
from nexus_vas._port import Order, Outcome

__all__ = ("AIRTIME_BASE", "DATA_BASE", "AfricasTalkingProvider")

AIRTIME_BASE = "https://api.africastalking.com"
DATA_BASE = "https://bundles.africastalking.com"

_TAKEN = {"sent", "queued", "success", "submitted"}


def _headers(config: dict[str, Any], reference: str | None = None) -> dict[str, str]:
    headers = {"apiKey": str(config["api_key"]), "Accept": "application/json"}
    if reference is not None:
        headers["Idempotency-Key"] = reference
    return headers


def _base(config: dict[str, Any], kind: str) -> str:
    if kind == "data":
        return str(config.get("data_base_url") or DATA_BASE).rstrip("/")
    return str(config.get("base_url") or AIRTIME_BASE).rstrip("/")


def _none(value: Any) -> str | None:
    text = str(value) if value is not None else ""
    return None if text in ("", "None") else text


def _outcome(entry: dict[str, Any], ref_key: str) -> Outcome:
    status = str(entry.get("status") or "")
    ref = _none(entry.get(ref_key))
    if status.lower() == "success":
        kind = "succeeded"
    elif status.lower() in _TAKEN:
        kind = "submitted"
    else:
        kind = "failed"
    return Outcome(
        status=kind,  # type: ignore[arg-type]
        provider_ref=ref,
        provider_status=status or None,
        detail=_none(entry.get("errorMessage")),
    )


class AfricasTalkingProvider:
    """Airtime and mobile data through Africa's Talking."""

    name = "africastalking"

    async def purchase(self, config: dict[str, Any], order: Order) -> Outcome:
        """Send airtime or a data bundle to ``order.recipient``."""
        if order.kind == "airtime":
            return await self._airtime(config, order)
        if order.kind == "data":
            return await self._data(config, order)
        raise ProviderError(f"Africa's Talking does not sell {order.kind}", permanent=True)

    async def _airtime(self, config: dict[str, Any], order: Order) -> Outcome:
        recipients = [
            {"phoneNumber": order.recipient, "amount": f"{order.currency} {order.amount:.2f}"}
        ]
        response = await call(
            "POST",
            f"{_base(config, 'airtime')}/version1/airtime/send",
            data={"username": config["username"], "recipients": json.dumps(recipients)},
            headers=_headers(config, order.reference),
        )
        if response.status_code >= 300:
            raise refusal(response, response.text[:300])
        payload = json_of(response)
        entries = payload.get("responses") or []
        if not entries:
            reason = _none(payload.get("errorMessage")) or "no recipient was accepted"
            return Outcome(status="failed", detail=reason)
        return _outcome(entries[0], "requestId")

    async def _data(self, config: dict[str, Any], order: Order) -> Outcome:
        product = order.product
        name = product.get("product_name") or config.get("data_product")
        if not name:
            raise ProviderError("no mobile data product is configured", permanent=True)
        body = {
            "username": config["username"],
            "productName": name,
            "recipients": [
                {
                    "phoneNumber": order.recipient,
                    "quantity": product["quantity"],
                    "unit": product["unit"],
                    "validity": product["validity"],
                    "metadata": {"reference": order.reference},
                }
            ],
        }
        response = await call(
            "POST",
            f"{_base(config, 'data')}/mobile/data/request",
            json=body,
            headers=_headers(config, order.reference),
        )
        if response.status_code >= 300:
            raise refusal(response, response.text[:300])
        entries = json_of(response).get("entries") or []
        if not entries:
            return Outcome(status="failed", detail="no recipient was accepted")
        return _outcome(entries[0], "transactionId")

    async def status(
        self, config: dict[str, Any], order: Order, provider_ref: str | None
    ) -> Outcome:
        """Find the transaction (``GET /query/transaction/find``) and map its status."""
        if not provider_ref:
            return Outcome(status="unknown", detail="Africa's Talking gave no transaction id")
        response = await call(
            "GET",
            f"{_base(config, order.kind)}/query/transaction/find",
            params={"username": config["username"], "transactionId": provider_ref},
            headers=_headers(config),
        )
        if response.status_code >= 300:
            raise refusal(response, response.text[:300])
        payload = json_of(response)
        data = payload.get("data")
        if str(payload.get("status")) != "Success" or not isinstance(data, dict):
            return Outcome(status="unknown", detail=_none(payload.get("errorMessage")))
        found = _outcome(data, "requestId" if order.kind == "airtime" else "transactionId")
        return Outcome(
            status=found.status,
            provider_ref=provider_ref,
            provider_status=found.provider_status,
            detail=found.detail,
        )
