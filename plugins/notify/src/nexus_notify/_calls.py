"""SMS and WhatsApp provider calls, split in two: what is read in a transaction, the call.

:func:`prepare` runs in the background sender's claim transaction (credentials, the status
callback URL, the message); :func:`call` runs after that transaction committed, outside
any; :func:`reconcile` asks the provider, after a crash, whether a call went through.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from nexus_notify._channels import credentials, json_value, throttle
from nexus_notify._clients import (
    africastalking_sms,
    twilio_find,
    twilio_sms,
    whatsapp_message,
)
from nexus_notify._send import tenant_slug

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from nexus_hookspecs import EventContext

    from nexus_notify._settings import NotifySettings

__all__ = ("Call", "call", "prepare", "provider_of", "reconcile")


@dataclass(frozen=True, kw_only=True)
class Call:
    """One provider call of a claimed delivery, ready to make."""

    delivery_id: str
    provider: str
    config: dict[str, Any]
    to: str
    body: str
    callback: str | None = None
    message: dict[str, Any] | None = None


def provider_of(channel: str, settings: NotifySettings) -> str:
    """The provider a channel's delivery goes through."""
    return settings.sms_provider if channel == "sms" else "whatsapp"


def _whatsapp_message(row: Mapping[str, Any]) -> dict[str, Any]:
    template = json_value(row["whatsapp"])
    if not template:
        return {"type": "text", "text": {"body": row["text"]}}
    parameters = [{"type": "text", "text": value} for value in template["params"]]
    return {
        "type": "template",
        "template": {
            "name": template["name"],
            "language": {"code": template["language"]},
            "components": [{"type": "body", "parameters": parameters}] if parameters else [],
        },
    }


async def prepare(
    row: Mapping[str, Any], ctx: EventContext, s: NotifySettings, *, throttled: bool = True
) -> Call:
    """Everything the call needs, read in the claim's transaction; raises ``SendError``.

    ``throttled``: count the call against the tenant's rate (not for a reconciliation).
    """
    provider = provider_of(row["channel"], s)
    config = await credentials(ctx, provider)
    if provider == "whatsapp":
        if throttled:
            throttle(s.whatsapp_rate, str(ctx.tenant_id), "whatsapp")
        return Call(
            delivery_id=str(row["id"]),
            provider=provider,
            config=config,
            to=row["address"].lstrip("+"),
            body=row["text"],
            message=_whatsapp_message(row),
        )
    if throttled:
        throttle(s.sms_rate, str(ctx.tenant_id), provider)
    callback = None
    if provider == "twilio":
        slug = await tenant_slug(ctx.conn)
        callback = f"{s.public_base_url}/api/v1/notify/callbacks/{slug}/twilio/{row['id']}"
    return Call(
        delivery_id=str(row["id"]),
        provider=provider,
        config=config,
        to=row["address"],
        body=row["text"],
        callback=callback,
    )


async def call(c: Call) -> str:
    """Make the provider call; the provider's message id. Raises ``SendError``."""
    if c.provider == "twilio":
        return await twilio_sms(c.config, to=c.to, body=c.body, status_callback=c.callback)
    if c.provider == "africastalking":
        return await africastalking_sms(c.config, to=c.to, body=c.body)
    assert c.message is not None
    return await whatsapp_message(c.config, to=c.to, message=c.message, opaque=c.delivery_id)


async def reconcile(c: Call, *, since: datetime, exclude: set[str]) -> str | None:
    """Twilio only: the SID of the message an interrupted call sent, or ``None``."""
    return await twilio_find(c.config, to=c.to, body=c.body, since=since, exclude=exclude)
