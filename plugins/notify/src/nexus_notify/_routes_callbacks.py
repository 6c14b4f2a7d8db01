"""Provider status callbacks and unsubscribe links: visitor routes, each verified.

- Twilio: ``X-Twilio-Signature`` over the URL Twilio called (``public_base_url`` and the
  path) and the sorted POST parameters, keyed with the account's auth token.
- WhatsApp Cloud API (Meta): ``X-Hub-Signature-256`` over the raw body, keyed with the app
  secret; ``GET`` answers Meta's subscription challenge when ``hub.verify_token`` matches.
- Africa's Talking signs nothing: its delivery-report URL (one per account) carries a
  per-tenant token signed with notify's key (``GET /providers/africastalking/callback``).

A missing signature answers 401, a wrong one 403.
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.exceptions import (
    NotAuthorizedException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.params import FromPath
from nexus_hookspecs.http import Db, Events, TenantSettings, not_found, route_opt

from nexus_notify._credentials import load
from nexus_notify._limits import allowed
from nexus_notify._secrets import verify_token
from nexus_notify._settings import NotifySettings
from nexus_notify._signatures import meta_valid, twilio_valid
from nexus_notify._status import AFRICASTALKING, TWILIO, WHATSAPP, resolve_claimed, set_status

__all__ = ("CallbackController",)

_VISITOR = route_opt(access="visitor")
_PER_CLIENT = "300/minute"


def _throttle(request: Request[Any, Any, Any], tenant: FromPath[str]) -> None:
    host = request.client.host if request.client else "unknown"
    if not allowed(_PER_CLIENT, "callback", tenant, host):
        raise TooManyRequestsException("too many callbacks from this address")


async def _by_ref(conn: Any, provider: str, ref: str) -> UUID | None:
    found = await conn.fetchval(
        "select id from notify_delivery where provider = $1 and provider_ref = $2", provider, ref
    )
    return found if isinstance(found, UUID) else None


async def _resolve(conn: Any, events: Any, item: dict[str, Any]) -> UUID | None:
    """The delivery an unrecorded send's status names by ``biz_opaque_callback_data``."""
    try:
        delivery_id = UUID(str(item.get("biz_opaque_callback_data")))
    except ValueError:
        return None
    resolved = await resolve_claimed(
        conn, events, delivery_id, channel="whatsapp", provider="whatsapp", ref=str(item.get("id"))
    )
    return delivery_id if resolved else None


class CallbackController(Controller):
    """Status callbacks of Twilio, Meta and Africa's Talking."""

    path = "/callbacks/{tenant:str}"
    tags = ["notify: callbacks"]
    opt = _VISITOR

    @post("/twilio/{delivery_id:uuid}", status_code=204)
    async def twilio_status(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        delivery_id: FromPath[UUID],
        db: Db,
        events: Events,
        settings: TenantSettings[NotifySettings],
    ) -> None:
        """Twilio's message status callback (``MessageSid``, ``MessageStatus``), signed."""
        _throttle(request, tenant)
        signature = request.headers.get("x-twilio-signature")
        if not signature:
            raise NotAuthorizedException("X-Twilio-Signature is missing")
        form = await request.form()
        params = {key: str(value) for key, value in form.items()}
        url = settings.public_base_url + request.url.path
        if request.url.query:
            url += "?" + request.url.query
        async with db.transaction() as conn:
            config = await load(conn, "twilio")
            if config is None or not twilio_valid(url, params, config["auth_token"], signature):
                raise PermissionDeniedException("the Twilio signature does not match")
            status = TWILIO.get(params.get("MessageStatus", ""))
            sid = params.get("MessageSid", "")
            found = await _by_ref(conn, "twilio", sid)
            if found is None and sid:  # sent by a call whose outcome was never recorded
                resolved = await resolve_claimed(
                    conn, events, delivery_id, channel="sms", provider="twilio", ref=sid
                )
                found = delivery_id if resolved else None
            if found != delivery_id:
                not_found()
            if status is not None:
                await set_status(
                    conn, events, delivery_id, status=status, detail=params.get("ErrorCode")
                )

    @post("/whatsapp", status_code=200)
    async def whatsapp_status(
        self, request: Request[Any, Any, Any], tenant: FromPath[str], db: Db, events: Events
    ) -> dict[str, int]:
        """Meta's WhatsApp webhook: message statuses, signed with the app secret."""
        _throttle(request, tenant)
        signature = request.headers.get("x-hub-signature-256")
        if not signature:
            raise NotAuthorizedException("X-Hub-Signature-256 is missing")
        raw = await request.body()
        changed = 0
        async with db.transaction() as conn:
            config = await load(conn, "whatsapp")
            if config is None or not meta_valid(raw, config["app_secret"], signature):
                raise PermissionDeniedException("the Meta signature does not match")
            try:
                payload = msgspec.json.decode(raw)
            except msgspec.DecodeError:
                payload = {}
            for entry in payload.get("entry") or []:
                for change in entry.get("changes") or []:
                    for item in (change.get("value") or {}).get("statuses") or []:
                        status = WHATSAPP.get(str(item.get("status")))
                        found = await _by_ref(conn, "whatsapp", str(item.get("id")))
                        if found is None:
                            found = await _resolve(conn, events, item)
                        if status and found:
                            errors = item.get("errors") or [{}]
                            detail = errors[0].get("code") if errors else None
                            changed += await set_status(
                                conn,
                                events,
                                found,
                                status=status,
                                detail=str(detail) if detail else None,
                            )
        return {"changed": changed}

    @get("/whatsapp", media_type="text/plain")
    async def whatsapp_verify(self, request: Request[Any, Any, Any], db: Db) -> Response[str]:
        """Meta's subscription check: echo ``hub.challenge`` when the verify token matches."""
        query = request.query_params
        async with db.transaction() as conn:
            config = await load(conn, "whatsapp")
        token = (config or {}).get("verify_token")
        if (
            query.get("hub.mode") != "subscribe"
            or not token
            or query.get("hub.verify_token") != token
        ):
            raise PermissionDeniedException("the verify token does not match")
        return Response(str(query.get("hub.challenge", "")), media_type="text/plain")

    @post("/africastalking/{token:str}", status_code=200)
    async def africastalking_status(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        token: FromPath[str],
        db: Db,
        events: Events,
    ) -> dict[str, bool]:
        """Africa's Talking's delivery report (``id``, ``status``), by the tenant's token."""
        _throttle(request, tenant)
        if verify_token("africastalking", token) != {"t": tenant}:
            raise PermissionDeniedException("the callback token does not match")
        form = await request.form()
        params = {key: str(value) for key, value in form.items()}
        status = AFRICASTALKING.get(params.get("status", ""))
        async with db.transaction() as conn:
            found = await _by_ref(conn, "africastalking", params.get("id", ""))
            changed = bool(
                found
                and status
                and await set_status(
                    conn, events, found, status=status, detail=params.get("failureReason")
                )
            )
        return {"changed": changed}
