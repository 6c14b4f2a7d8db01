"""``/webhooks`` and ``/deliveries``: tenant endpoints, dead letters and replay."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, FromQuery
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, Events, conflict, not_found, route_opt

from nexus_notify._due import requeue_due
from nexus_notify._examples import body
from nexus_notify._keys import WEBHOOKS_MANAGE
from nexus_notify._secrets import encrypt
from nexus_notify._signatures import new_webhook_secret

__all__ = ("WebhookController",)


class EndpointIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An endpoint receiving the messages of some categories (``*``: all)."""

    url: Annotated[str, msgspec.Meta(max_length=2000, pattern=r"^https?://[^\s]+$")]
    categories: Annotated[
        list[Annotated[str, msgspec.Meta(max_length=200)]],
        msgspec.Meta(min_length=1, max_length=50),
    ]


class EndpointOut(msgspec.Struct, kw_only=True):
    """An endpoint; ``secret`` (``whsec_…``) only in the answer that created it."""

    id: UUID
    url: str
    categories: list[str]
    active: bool
    secret: str | None = None


class WebhookDeliveryOut(msgspec.Struct, kw_only=True):
    """A webhook delivery: its endpoint, state, attempts and last error."""

    id: UUID
    message_id: UUID
    endpoint_id: UUID | None
    state: str
    attempts: int
    error: str | None
    next_attempt_at: datetime | None
    updated_at: datetime


class WebhookController(Controller):
    """Outgoing webhooks, signed per Standard Webhooks."""

    path = "/webhooks"
    tags = ["notify: webhooks"]
    opt = route_opt(permission=WEBHOOKS_MANAGE)

    @post("/")
    async def add_endpoint(
        self, db: Db, data: Annotated[EndpointIn, body("POST /webhooks", "Everything")]
    ) -> EndpointOut:
        """Register an endpoint; the answer carries its signing secret, shown only once."""
        secret = new_webhook_secret()
        endpoint_id = new_id()
        async with db.transaction() as conn:
            await conn.execute(
                "insert into notify_webhook_endpoint (id, url, secret_enc, categories) "
                "values ($1, $2, $3, $4)",
                endpoint_id,
                data.url,
                encrypt(secret),
                data.categories,
            )
        return EndpointOut(
            id=endpoint_id, url=data.url, categories=data.categories, active=True, secret=secret
        )

    @get("/")
    async def list_endpoints(self, db: Db) -> list[EndpointOut]:
        """The endpoints (without their secrets)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, url, categories, active from notify_webhook_endpoint order by id"
            )
        return [msgspec.convert(dict(r), EndpointOut) for r in rows]

    @get("/deliveries")
    async def list_deliveries(
        self,
        db: Db,
        only: FromQuery[Literal["dead", "retrying", "sent", "queued", "sending"] | None] = None,
    ) -> list[WebhookDeliveryOut]:
        """Webhook deliveries, newest first; ``only=dead`` lists the dead letters."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, message_id, endpoint_id, state, attempts, error, next_attempt_at, "
                "updated_at from notify_delivery where channel = 'webhook' and "
                "($1::text is null or state = $1) order by id desc limit 200",
                only,
            )
        return [msgspec.convert(dict(r), WebhookDeliveryOut) for r in rows]

    @post("/deliveries/{delivery_id:uuid}/replay", status_code=202)
    async def replay_delivery(
        self, db: Db, events: Events, delivery_id: FromPath[UUID]
    ) -> WebhookDeliveryOut:
        """Send a dead (or failed, or already sent) webhook delivery again, with a fresh count.

        The replay keeps the delivery's ``webhook-id``, so a receiver that had it already
        can tell.
        """
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select state from notify_delivery where id = $1 and channel = 'webhook' "
                "for update",
                delivery_id,
            )
            if row is None:
                not_found()
            if row["state"] in ("queued", "sending", "retrying"):
                conflict(f"the delivery is {row['state']}: it is on its way")
            await conn.execute(
                "update notify_delivery set state = 'retrying', attempts = 0, "
                "next_attempt_at = now(), updated_at = now() where id = $1",
                delivery_id,
            )
            await requeue_due(conn, events, limit=1000)
            out = await conn.fetchrow(
                "select id, message_id, endpoint_id, state, attempts, error, next_attempt_at, "
                "updated_at from notify_delivery where id = $1",
                delivery_id,
            )
        return msgspec.convert(dict(out or {}), WebhookDeliveryOut)
