"""Visitor routes under ``/public/{tenant}``, each by a signed token.

Confirming a consent, the open pixel, the click redirect and unsubscribing; the tokens are
signed with ``NEXUS_MARKETING_KEYS``.

No credentials: the kernel resolves the tenant's slug (404 when it is unknown or has
Marketing off) and runs them as that tenant. A bad token answers 404.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Response
from nexus_hookspecs.http import Db, Events, not_found, route_opt

from nexus_marketing._consent import CHANNELS, set_state
from nexus_marketing._keys import KEYRING

__all__ = ("PublicController",)

_VISITOR = route_opt(access="visitor")
_PIXEL = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")


class Subscription(msgspec.Struct, kw_only=True):
    """What a confirmation or unsubscribe link did."""

    channel: str | None
    state: str


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None


def _recipient(purpose: str, token: str) -> tuple[UUID, dict[str, str]]:
    payload = KEYRING.verify_token(purpose, token)
    recipient_id = _uuid((payload or {}).get("r"))
    if payload is None or recipient_id is None:
        not_found()
    return recipient_id, payload


class PublicController(Controller):
    """What a campaign's recipients reach without an account."""

    path = "/public/{tenant:str}"
    tags = ["marketing: public"]

    @get("/confirm/{token:str}", opt=_VISITOR)
    async def confirm(
        self,
        tenant: FromPath[str],
        token: FromPath[str],
        db: Db,
        events: Events,
        request: Request[Any, Any, Any],
    ) -> Subscription:
        """Confirm a pending consent (the double opt-in).

        Keeps when, from where and
        with which browser as its proof.
        """
        del tenant
        payload = KEYRING.verify_token("confirm", token) or {}
        contact_id, channel = _uuid(payload.get("c")), payload.get("ch")
        if contact_id is None or channel not in CHANNELS:
            not_found()
        async with db.transaction() as conn:
            state = await conn.fetchval(
                "update marketing_consent set confirmed_at = now(), "
                "confirmed_ip = $3, confirmed_agent = $4, changed_at = now() "
                "where contact_id = $1 and channel = $2 and state in ('pending', 'confirmed') "
                "returning state",
                contact_id,
                channel,
                request.client.host if request.client else None,
                (request.headers.get("user-agent") or "")[:500] or None,
            )
            if state is None:
                not_found()
            await set_state(
                conn, events, contact_id, [channel], "confirmed", source="double_opt_in"
            )
        return Subscription(channel=channel, state="confirmed")

    @get("/o/{token:str}", opt=_VISITOR, include_in_schema=False)
    async def opened(self, tenant: FromPath[str], token: FromPath[str], db: Db) -> Response[bytes]:
        """The open pixel: a transparent GIF that records the recipient's open."""
        del tenant
        recipient_id, _ = _recipient("open", token)
        async with db.transaction() as conn:
            await conn.execute(
                "update marketing_recipient set opens = opens + 1, "
                "opened_at = coalesce(opened_at, $2) where id = $1",
                recipient_id,
                datetime.now(UTC),
            )
        return Response(_PIXEL, media_type="image/gif", headers={"Cache-Control": "no-store"})

    @get("/c/{token:str}", opt=_VISITOR, include_in_schema=False)
    async def clicked(self, tenant: FromPath[str], token: FromPath[str], db: Db) -> Redirect:
        """A tracked link: records the click (an open too) and redirects to the signed URL."""
        del tenant
        recipient_id, payload = _recipient("click", token)
        url = payload.get("u", "")
        if not url.startswith(("https://", "http://")):
            not_found()
        now = datetime.now(UTC)
        async with db.transaction() as conn:
            found = await conn.fetchval(
                "update marketing_recipient set clicks = clicks + 1, "
                "clicked_at = coalesce(clicked_at, $2), opened_at = coalesce(opened_at, $2) "
                "where id = $1 returning id",
                recipient_id,
                now,
            )
            if found is not None:
                await conn.execute(
                    "insert into marketing_click (id, recipient_id, url) "
                    "values (gen_random_uuid(), $1, $2)",
                    recipient_id,
                    url[:2000],
                )
        return Redirect(path=url, status_code=302)

    @post("/unsubscribe/{token:str}", opt=_VISITOR, status_code=200)
    async def unsubscribe(
        self, tenant: FromPath[str], token: FromPath[str], db: Db, events: Events
    ) -> Subscription:
        """Unsubscribe the recipient's contact from every channel at once.

        RFC 8058 one-click: later campaigns, and batches of running ones, leave them out.
        """
        del tenant
        recipient_id, _ = _recipient("unsubscribe", token)
        async with db.transaction() as conn:
            contact_id = await conn.fetchval(
                "update marketing_recipient set unsubscribed_at = coalesce(unsubscribed_at, "
                "now()) where id = $1 returning contact_id",
                recipient_id,
            )
            if contact_id is None:
                not_found()
            await set_state(
                conn, events, contact_id, list(CHANNELS), "unsubscribed", source="unsubscribe_link"
            )
        return Subscription(channel=None, state="unsubscribed")
