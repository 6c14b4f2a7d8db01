"""Order emails to the customer, through Notification's ``notify.send`` when it is on."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs.http import ServiceUnavailable

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

    from nexus_shop._settings import ShopSettings

__all__ = ("notify_customer",)


class _Sent(msgspec.Struct):
    message_id: Any


async def notify_customer(
    conn: Connection,
    services: Services,
    settings: ShopSettings,
    *,
    order: Any,
    what: str,
    subject: str,
    text: str,
) -> str:
    """Email the order's customer once per ``what``; how it went (``notify:<id>``, ...).

    ``unavailable`` when Notification is off for the tenant: the order goes on regardless.
    """
    request: dict[str, Any] = {
        "to": {"email": order["customer_email"], "name": order["customer_name"]},
        "subject": subject,
        "text": text,
        "data": {"order_number": order["number"], "status": order["status"]},
        "channels": ["email"],
        "category": "shop.orders",
        "idempotency_key": f"shop.order:{order['id']}:{what}",
        "source_ref": f"shop.order:{order['id']}",
    }
    if settings.notify_from:
        request["reply_to"] = settings.notify_from
    if not await services.available(conn, "notify.send"):
        return "unavailable"
    try:
        sent = await services.call(conn, "notify.send", request, result=_Sent)
    except ServiceUnavailable:
        return "unavailable"
    return f"notify:{sent.message_id}"
