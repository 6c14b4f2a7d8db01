"""``/webhooks/{tenant}/{provider}``: the providers' webhooks (visitor routes), verified.

Each provider's documented scheme: Stripe's ``Stripe-Signature`` (``stripe.Webhook.
construct_event``, 300 s tolerance), Paystack's ``x-paystack-signature`` (HMAC-SHA512 of the
body with the secret key), Flutterwave's ``verif-hash`` (the dashboard's secret hash). A
missing signature answers 401, a wrong (or too old) one 403, and nothing changes.

A signed event is processed once per provider event id (``payments_webhook_event``); a
payment is confirmed only after the provider's API says it succeeded for the amount and
currency asked (Stripe: the Checkout Session; Paystack: ``/transaction/verify``;
Flutterwave: ``/transactions/:id/verify``). When that API cannot be reached the event is
not recorded and the answer is 424, so the provider delivers it again.
"""

from __future__ import annotations

from typing import Any, Literal

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import NotAuthorizedException, PermissionDeniedException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Db, Events, invalid, route_opt

from nexus_payments._flow import account, record_outcome
from nexus_payments._limits import throttle
from nexus_payments._port import Forged, ProviderError, Unsigned, Webhook
from nexus_payments._refunds import complete_refund
from nexus_payments._routes_pay import provider_failed

__all__ = ("WebhookController",)

_PER_CLIENT = "600/minute"
_MAX_BODY = 256 * 1024


class Outcome(msgspec.Struct, kw_only=True):
    """What the event did: ``confirmed``, ``failed``, ``duplicate``, ``ignored`` and so on."""

    event_id: str
    outcome: str


async def _seen(conn: Any, provider: str, event_id: str) -> bool:
    found = await conn.fetchval(
        "select 1 from payments_webhook_event where provider = $1 and event_id = $2",
        provider,
        event_id,
    )
    return bool(found)


async def _record(conn: Any, provider: str, hook: Webhook, outcome: str) -> bool:
    """Keep the event as processed; false when it already was (a concurrent delivery)."""
    made = await conn.fetchval(
        "insert into payments_webhook_event (id, provider, event_id, kind, outcome) "
        "values ($1, $2, $3, $4, $5) on conflict (tenant_id, provider, event_id) do nothing "
        "returning true",
        new_id(),
        provider,
        hook.event_id,
        hook.type,
        outcome,
    )
    return bool(made)


class WebhookController(Controller):
    """The providers' webhooks, one endpoint per tenant and provider."""

    path = "/webhooks/{tenant:str}"
    tags = ["payments: webhooks"]
    opt = route_opt(access="visitor")

    @post(
        "/{provider:str}",
        status_code=200,
        responses={
            401: ResponseSpec(None, description="The signature header is missing"),
            403: ResponseSpec(None, description="The signature does not verify"),
            424: ResponseSpec(None, description="The provider's API could not confirm it"),
        },
    )
    async def receive(
        self,
        request: Request[Any, Any, Any],
        tenant: FromPath[str],
        provider: FromPath[Literal["stripe", "paystack", "flutterwave"]],
        db: Db,
        events: Events,
    ) -> Outcome:
        """A provider's webhook: verified, processed once, payments confirmed with its API."""
        throttle(request, _PER_CLIENT, "webhook", tenant)
        body = await request.body()
        if len(body) > _MAX_BODY:
            invalid("body", "a webhook body is at most 256 KiB")
        async with db.transaction() as conn:
            port = await account(conn, provider)
        try:
            hook = port.webhook(body, request.headers)
        except Unsigned as exc:
            raise NotAuthorizedException(str(exc)) from exc
        except Forged as exc:
            raise PermissionDeniedException(str(exc)) from exc
        async with db.transaction() as conn:
            if await _seen(conn, provider, hook.event_id):
                return Outcome(event_id=hook.event_id, outcome="duplicate")
            checkout_id = None
            if hook.kind == "payment":
                checkout_id = await conn.fetchval(
                    "select id from payments_checkout where provider = $1 and provider_ref = $2",
                    provider,
                    hook.lookup,
                )
            if hook.kind == "refund":
                outcome = await complete_refund(conn, events, provider, hook)
                if not await _record(conn, provider, hook, outcome):
                    outcome = "duplicate"
                return Outcome(event_id=hook.event_id, outcome=outcome)
            if checkout_id is None:
                outcome = "ignored" if hook.kind == "ignored" else "unknown checkout"
                await _record(conn, provider, hook, outcome)
                return Outcome(event_id=hook.event_id, outcome=outcome)
        try:
            verified = await port.verify(hook.verify_with)
        except ProviderError as exc:
            provider_failed(exc)
        async with db.transaction() as conn:
            if not await _record(conn, provider, hook, "processing"):
                return Outcome(event_id=hook.event_id, outcome="duplicate")
            outcome = await record_outcome(conn, events, checkout_id, verified)
            await conn.execute(
                "update payments_webhook_event set outcome = $3 "
                "where provider = $1 and event_id = $2",
                provider,
                hook.event_id,
                outcome,
            )
        return Outcome(event_id=hook.event_id, outcome=outcome)
