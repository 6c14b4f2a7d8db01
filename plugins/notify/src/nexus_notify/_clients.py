"""HTTP clients of the providers' documented APIs: Twilio, Africa's Talking, WhatsApp Cloud.

Each takes its base URL from the tenant's credentials (tests point it at local fakes) and
raises :class:`SendError` with ``permanent`` telling a refusal (4xx: bad number, bad
credentials) from what is worth retrying (429, 5xx, a network error).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from nexus_notify._errors import SendError
from nexus_notify._guard import check_url

__all__ = (
    "SendError",
    "africastalking_sms",
    "twilio_find",
    "twilio_sms",
    "whatsapp_message",
)

TWILIO_BASE = "https://api.twilio.com"
AFRICASTALKING_BASE = "https://api.africastalking.com"
WHATSAPP_BASE = "https://graph.facebook.com"
TIMEOUT = httpx.Timeout(10.0)

# Africa's Talking's per-recipient statusCode values that mean the SMS was taken.
_AT_TAKEN = {100, 101, 102}
# ... and those worth another try later (RiskHold, InsufficientBalance, gateway errors).
_AT_TRANSIENT = {401, 405, 500, 501}


def _refusal(response: httpx.Response, detail: str) -> SendError:
    status = response.status_code
    permanent = 400 <= status < 500 and status not in (408, 409, 429)
    return SendError(f"HTTP {status}: {detail}"[:500], permanent=permanent)


async def _post(url: str, **kwargs: Any) -> httpx.Response:
    await check_url(url)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            return await client.post(url, **kwargs)
    except httpx.HTTPError as exc:
        raise SendError(f"{type(exc).__name__}: {exc}"[:500], permanent=False) from exc


async def _get(url: str, **kwargs: Any) -> httpx.Response:
    await check_url(url)
    try:
        async with httpx.AsyncClient(timeout=TIMEOUT) as client:
            return await client.get(url, **kwargs)
    except httpx.HTTPError as exc:
        raise SendError(f"{type(exc).__name__}: {exc}"[:500], permanent=False) from exc


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return {}


async def twilio_sms(
    config: dict[str, Any], *, to: str, body: str, status_callback: str | None
) -> str:
    """Create a Message (``POST /2010-04-01/Accounts/{sid}/Messages.json``); its SID.

    Basic auth with the account SID and auth token; ``From`` is the configured number, or
    ``MessagingServiceSid`` when one is configured.
    """
    sid, token = config["account_sid"], config["auth_token"]
    form = {"To": to, "Body": body}
    if config.get("messaging_service_sid"):
        form["MessagingServiceSid"] = config["messaging_service_sid"]
    else:
        form["From"] = config["from_number"]
    if status_callback:
        form["StatusCallback"] = status_callback
    base = str(config.get("base_url") or TWILIO_BASE).rstrip("/")
    response = await _post(
        f"{base}/2010-04-01/Accounts/{sid}/Messages.json", data=form, auth=(sid, token)
    )
    payload = _json(response)
    if response.status_code >= 300:
        raise _refusal(response, f"{payload.get('code')} {payload.get('message')}")
    return str(payload["sid"])


async def africastalking_sms(config: dict[str, Any], *, to: str, body: str) -> str:
    """Send an SMS (``POST /version1/messaging``, ``apiKey`` header); the message id."""
    form = {"username": config["username"], "to": to, "message": body}
    if config.get("sender_id"):
        form["from"] = config["sender_id"]
    base = str(config.get("base_url") or AFRICASTALKING_BASE).rstrip("/")
    response = await _post(
        f"{base}/version1/messaging",
        data=form,
        headers={"apiKey": config["api_key"], "Accept": "application/json"},
    )
    if response.status_code >= 300:
        raise _refusal(response, response.text[:300])
    recipients = (_json(response).get("SMSMessageData") or {}).get("Recipients") or []
    if not recipients:
        message = (_json(response).get("SMSMessageData") or {}).get("Message", "no recipient")
        raise SendError(f"Africa's Talking: {message}", permanent=True)
    first = recipients[0]
    code = int(first.get("statusCode", 0))
    if code not in _AT_TAKEN:
        raise SendError(
            f"Africa's Talking {code}: {first.get('status')}", permanent=code not in _AT_TRANSIENT
        )
    return str(first["messageId"])


async def whatsapp_message(
    config: dict[str, Any], *, to: str, message: dict[str, Any], opaque: str | None = None
) -> str:
    """Send a message (``POST /{version}/{phone_number_id}/messages``, bearer); its wamid.

    ``message`` is the type-specific part: ``{"type": "template", "template": {...}}`` or
    ``{"type": "text", "text": {"body": ...}}``. ``opaque`` goes out as
    ``biz_opaque_callback_data``, which Meta echoes in the message's status webhooks.
    """
    base = str(config.get("base_url") or WHATSAPP_BASE).rstrip("/")
    version = config.get("api_version") or "v21.0"
    body = {"messaging_product": "whatsapp", "recipient_type": "individual", "to": to, **message}
    if opaque is not None:
        body["biz_opaque_callback_data"] = opaque
    response = await _post(
        f"{base}/{version}/{config['phone_number_id']}/messages",
        json=body,
        headers={"Authorization": f"Bearer {config['access_token']}"},
    )
    payload = _json(response)
    if response.status_code >= 300:
        error = payload.get("error") or {}
        raise _refusal(response, f"{error.get('code')} {error.get('message')}")
    return str(payload["messages"][0]["id"])


# Clocks differ: a message Twilio dated up to this much before our claim still counts.
_SKEW = timedelta(minutes=1)
_PAGES = 5


def _when(value: Any) -> datetime | None:
    try:
        return parsedate_to_datetime(str(value)) if value else None
    except (TypeError, ValueError):
        return None


async def twilio_find(
    config: dict[str, Any], *, to: str, body: str, since: datetime, exclude: set[str]
) -> str | None:
    """The SID of an outbound Message to ``to`` with ``body`` created since ``since``.

    Lists Messages (``GET /2010-04-01/Accounts/{sid}/Messages.json`` with ``To`` and
    ``DateSent>``, the day of ``since``), following ``next_page_uri`` for a few pages; SIDs
    in ``exclude`` (other deliveries') do not count.
    """
    sid, token = config["account_sid"], config["auth_token"]
    base = str(config.get("base_url") or TWILIO_BASE).rstrip("/")
    after = since - _SKEW
    url: str | None = f"{base}/2010-04-01/Accounts/{sid}/Messages.json"
    params: dict[str, str] | None = {"To": to, "DateSent>": after.date().isoformat()}
    for _ in range(_PAGES):
        if url is None:
            break
        response = await _get(url, params=params, auth=(sid, token))
        payload = _json(response)
        if response.status_code >= 300:
            raise _refusal(response, f"{payload.get('code')} {payload.get('message')}")
        for message in payload.get("messages") or []:
            created = _when(message.get("date_created"))
            if (
                message.get("body") == body
                and str(message.get("direction", "")).startswith("outbound")
                and created is not None
                and created >= after
                and message.get("sid") not in exclude
            ):
                return str(message["sid"])
        following = payload.get("next_page_uri")
        url, params = (f"{base}{following}" if following else None), None
    return None
