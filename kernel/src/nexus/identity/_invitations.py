"""Invitations and password resets, emailed through the notification port (issue #21).

A user created without a password is *invited*: a one-time token (:mod:`._tokens`) whose
link, ``{NEXUS_PUBLIC_URL}/console/#/accept?token=…``, goes out through the ``notify.send``
service when Notifications is on for the tenant. When it is off the answer says
``delivery: "unavailable"`` and carries the link, for the admin to pass on. A password
reset goes the same way (``#/reset?token=…``), but only by email: its request always
answers 202, whether or not the account exists.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast
from uuid import UUID

import msgspec
from litestar.exceptions import NotFoundException

from nexus.identity._tokens import Purpose, issue_token

if TYPE_CHECKING:
    from asyncpg import Connection
    from nexus_hookspecs import Connection as PortConnection
    from nexus_hookspecs import Services

__all__ = ("Delivery", "InvitationOut", "ServicePort", "link", "send_link")

Delivery = Literal["queued", "unavailable"]
_PAGES: dict[Purpose, str] = {
    "invitation": "accept",
    "password_reset": "reset",
    "email_verification": "verify-email",
}
_TEMPLATES: dict[Purpose, str] = {
    "invitation": "nexus.invitation",
    "password_reset": "nexus.password_reset",
    "email_verification": "nexus.email_verification",
}


class ServicePort(Protocol):
    """What identity needs of the kernel's services: the port of one tenant."""

    def bound(self, tenant_id: UUID | None) -> Services:
        """The services port of ``tenant_id``."""
        ...


class InvitationOut(msgspec.Struct, kw_only=True):
    """An invitation sent (``queued``) or to pass on (``unavailable``: ``url`` is the link)."""

    delivery: Delivery
    expires_at: datetime
    url: str | None = None
    message_id: UUID | None = None


class _Sent(msgspec.Struct):
    message_id: UUID


def link(base_url: str, purpose: Purpose, token: str) -> str:
    """The console page that takes the token."""
    return f"{base_url.rstrip('/')}/console/#/{_PAGES[purpose]}?token={token}"


def _text(purpose: Purpose, name: str, url: str, expires_at: datetime) -> dict[str, str]:
    until = expires_at.strftime("%Y-%m-%d %H:%M UTC")
    if purpose == "invitation":
        return {
            "subject": "You are invited to Nexus",
            "text": f"Hello {name},\n\nyou have an account waiting. Choose your password "
            f"here (the link works once, until {until}):\n\n{url}\n",
        }
    if purpose == "email_verification":
        return {
            "subject": "Confirm your email address for Nexus",
            "text": f"Hello {name},\n\nplease confirm that this is your address by following "
            f"this link (it works once, until {until}):\n\n{url}\n",
        }
    return {
        "subject": "Reset your Nexus password",
        "text": f"Hello {name},\n\nsomeone (hopefully you) asked to reset your password. "
        f"Choose a new one here (the link works once, until {until}):\n\n{url}\n\n"
        "If it was not you, ignore this message: your password stays as it is.\n",
    }


async def send_link(
    conn: Connection,
    calls: ServicePort,
    *,
    tenant_id: UUID,
    user: Any,
    purpose: Purpose,
    ttl: timedelta,
    base_url: str,
) -> InvitationOut:
    """Issue a token for ``user`` and email its link through ``notify.send`` if it is on.

    ``user`` is a row or struct with ``id``, ``email`` and ``name``. The message comes from
    the tenant's Notification template ``nexus.invitation`` / ``nexus.password_reset``
    (variables ``name``, ``email``, ``url``, ``expires_at``) when there is one, else from a
    built-in text. The link is in the answer only when it could not be sent.
    """
    services = calls.bound(tenant_id)
    port = cast("PortConnection", conn)  # the same transaction, as the services port sees it
    token, token_id, expires_at = await issue_token(
        conn, tenant_id=tenant_id, user_id=user.id, purpose=purpose, ttl=ttl
    )
    url = link(base_url, purpose, token)
    if not await services.available(port, "notify.send"):
        return InvitationOut(delivery="unavailable", expires_at=expires_at, url=url)
    request = {
        "to": {"email": user.email, "name": user.name or None},
        "category": "nexus.identity",
        "data": {
            "name": user.name,
            "email": user.email,
            "url": url,
            "expires_at": expires_at.isoformat(),
        },
        "idempotency_key": f"nexus.{purpose}:{token_id}",
        "source_ref": f"nexus.user:{user.id}",
    }
    try:
        sent = await services.call(
            port, "notify.send", {**request, "template": _TEMPLATES[purpose]}, result=_Sent
        )
    except NotFoundException:  # the tenant has no template of its own: the built-in text
        built_in = _text(purpose, user.name or user.email, url, expires_at)
        sent = await services.call(port, "notify.send", {**request, **built_in}, result=_Sent)
    return InvitationOut(delivery="queued", expires_at=expires_at, message_id=sent.message_id)
