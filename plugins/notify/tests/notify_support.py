"""Helpers of the notify tests: the API's paths, providers pointed at the fakes."""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading
import time
from typing import Any

from nexus.testing import set_plugin_settings
from notify_fakes import (
    AT_KEY,
    AT_USER,
    TWILIO_SID,
    TWILIO_TOKEN,
    WA_PHONE_ID,
    WA_TOKEN,
    FakeProviders,
)

__all__ = (
    "API",
    "BASE",
    "WA_SECRET",
    "configure",
    "handled",
    "ok",
    "settled",
    "twilio_signature_of",
)

API = "/api/v1/notify"
BASE = "http://testserver.local"
WA_SECRET = "meta-app-secret-0123456789"


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of a response with ``status``; the body in the failure message otherwise."""
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def configure(client: Any, db: str, tenant: Any, fakes: FakeProviders, **settings: Any) -> None:
    """Settings, and every provider's credentials pointing at the fakes."""
    set_plugin_settings(db, tenant, "notify", {"public_base_url": BASE, **settings})
    credentials = {
        "twilio": {
            "account_sid": TWILIO_SID,
            "auth_token": TWILIO_TOKEN,
            "from_number": "+15005550006",
            "base_url": fakes.base_url,
        },
        "africastalking": {
            "username": AT_USER,
            "api_key": AT_KEY,
            "sender_id": "NEXUS",
            "base_url": fakes.base_url,
        },
        "whatsapp": {
            "phone_number_id": WA_PHONE_ID,
            "access_token": WA_TOKEN,
            "app_secret": WA_SECRET,
            "verify_token": "verify-me",
            "base_url": fakes.base_url,
        },
    }
    for provider, config in credentials.items():
        ok(client.put(f"{API}/providers/{provider}", json=config, headers=tenant.headers))


def handled(worker: Any, *subjects: str, times: int = 1, types: tuple[str, ...] = ()) -> None:
    """Wait (bounded, on the harness) until notify handled events about ``subjects``.

    Other tests' events may reach the worker first, so counting is not enough: this waits
    for one more handled event at a time until each subject (a delivery id, or for
    ``types`` any event of those types naming it in ``delivery_ref``) was ``times`` among them.
    """
    count = 1
    while True:
        worker.wait_handled("notify", count, timeout=20.0)
        seen: list[str | None] = []
        for event in worker.deliveries("notify"):
            if event.type in types:
                seen.append(str((event.data or {}).get("delivery_ref")))
            elif not types:
                seen.append(event.subject)
        if all(seen.count(subject) >= times for subject in subjects):
            return
        count += 1


def settled(
    client: Any, tenant: Any, message_id: str, *, timeout: float = 20.0
) -> list[dict[str, Any]]:
    """The message's deliveries once none is ``queued`` or ``sending`` (a bounded wait).

    SMS and WhatsApp go out from the background sender after the handler's claim committed,
    so after the handler ran, this waits (polling the API, at most ``timeout``) for it.
    """
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while True:
        shown = ok(client.get(f"{API}/messages/{message_id}", headers=tenant.headers))
        deliveries: list[dict[str, Any]] = shown["deliveries"]
        if all(d["state"] not in ("queued", "sending") for d in deliveries):
            return deliveries
        if time.monotonic() > deadline:
            raise TimeoutError(f"deliveries still in flight: {deliveries}")
        pause.wait(0.05)


def twilio_signature_of(url: str, params: dict[str, str], token: str) -> str:
    """Twilio's documented scheme, written out independently of the plugin's code.

    Take the full URL, append each POST parameter's name and value sorted by name, sign
    with HMAC-SHA1 keyed with the auth token, and base64-encode the digest.
    """
    data = url
    for name in sorted(params):
        data += name + params[name]
    mac = hmac.new(token.encode("utf-8"), data.encode("utf-8"), hashlib.sha1)
    return base64.b64encode(mac.digest()).decode("ascii")
