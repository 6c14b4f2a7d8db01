"""Signatures: Twilio's and Meta's status callbacks in, Standard Webhooks out.

- Twilio signs each callback with ``X-Twilio-Signature``: base64 of HMAC-SHA1, keyed with
  the account's auth token, over the full URL it called followed by every POST parameter's
  name and value, sorted by name.
- Meta signs each WhatsApp webhook with ``X-Hub-Signature-256``: ``sha256=`` and the hex
  HMAC-SHA256 of the raw body keyed with the app secret.
- Outgoing webhooks follow Standard Webhooks (the ``standardwebhooks`` package):
  ``webhook-id``, ``webhook-timestamp`` and ``webhook-signature`` (``v1,`` and base64
  HMAC-SHA256 of ``id.timestamp.body`` with the endpoint's ``whsec_`` secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime

from standardwebhooks.webhooks import Webhook

__all__ = (
    "meta_valid",
    "new_webhook_secret",
    "twilio_signature",
    "twilio_valid",
    "webhook_headers",
)


def twilio_signature(url: str, params: dict[str, str], auth_token: str) -> str:
    """Twilio's ``X-Twilio-Signature`` of a POST to ``url`` with form ``params``."""
    payload = url + "".join(f"{name}{params[name]}" for name in sorted(params))
    digest = hmac.new(auth_token.encode(), payload.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def twilio_valid(url: str, params: dict[str, str], auth_token: str, signature: str) -> bool:
    """Whether ``signature`` is Twilio's for this request (compared in constant time)."""
    return hmac.compare_digest(twilio_signature(url, params, auth_token), signature)


def meta_valid(body: bytes, app_secret: str, header: str) -> bool:
    """Whether ``header`` (``sha256=<hex>``) is Meta's signature of ``body``."""
    scheme, _, given = header.partition("=")
    if scheme != "sha256" or not given:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.lower())


def new_webhook_secret() -> str:
    """A fresh endpoint secret in the Standard Webhooks form, ``whsec_`` and base64."""
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def webhook_headers(secret: str, *, message_id: str, body: bytes) -> dict[str, str]:
    """The Standard Webhooks headers of one attempt (the id stays the same across retries)."""
    now = datetime.now(UTC)
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(now.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, now, body),
        "content-type": "application/json",
    }
