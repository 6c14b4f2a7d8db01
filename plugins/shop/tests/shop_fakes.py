"""A stand-in for the Payments plugin (tests only): its checkout service and its events.

Shop must work with Payments absent; this stand-in speaks exactly the part of Payments'
contract Shop uses — the ``payments.checkouts.create`` service (a checkout per
``(source, source_ref)``, a payment page URL) and the ``payments.payment.confirmed.v1`` /
``failed.v1`` events, published through the kernel's outbox by a route — so Shop's calls
and handlers run through the real services port and real event delivery.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

import msgspec
from litestar import post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, EventPublisher, Manifest, Permission, Service, hookimpl
from nexus_hookspecs.http import route_opt


class _Customer(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    email: str | None = None
    name: str | None = None
    phone: str | None = None


class CheckoutRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The contract's request of ``payments.checkouts.create``."""

    source: str
    source_ref: str
    amount: Decimal
    currency: str
    description: str
    customer: _Customer
    invoice_id: uuid.UUID | None = None
    provider: str | None = None
    methods: list[str] | None = None
    return_url: str | None = None
    metadata: dict[str, str] = {}


class CheckoutOut(msgspec.Struct, kw_only=True):
    """The contract's answer."""

    checkout_id: uuid.UUID
    provider: str
    url: str
    status: str = "open"
    expires_at: None = None


CHECKOUTS: dict[tuple[str, str], tuple[CheckoutOut, CheckoutRequest]] = {}
"""Every checkout asked for, by ``(source, source_ref)``: what was asked and answered."""


async def create_checkout(data: CheckoutRequest, ctx: Any) -> CheckoutOut:
    """Answer the same open checkout for the same ``(source, source_ref)``."""
    key = (data.source, data.source_ref)
    if key not in CHECKOUTS:
        checkout_id = uuid.uuid4()
        CHECKOUTS[key] = (
            CheckoutOut(
                checkout_id=checkout_id,
                provider="paystack",
                url=f"https://checkout.paystack.test/{checkout_id}",
            ),
            data,
        )
    return CHECKOUTS[key][0]


@post("/publish", status_code=200, opt=route_opt(permission="payments.events:publish"))
async def publish(
    data: JSONBody[dict[str, Any]],
    db: NamedDependency[Database],
    events: NamedDependency[EventPublisher],
) -> dict[str, str]:
    """Publish ``data["data"]`` as an event of type ``data["type"]``."""
    async with db.transaction() as conn:
        event_id = await events.publish(conn, type=data["type"], data=data["data"])
    return {"event_id": event_id}


class _Payments:
    name = "payments"

    @hookimpl
    def nexus_manifest(self) -> Manifest:
        return Manifest(
            name="payments",
            version="0.0.1",
            title="payments",
            hookspecs=">=0.1.2,<0.2",
            permissions=(
                Permission(key="payments.events:publish", description="Publish (stand-in)."),
            ),
            events=("payments.payment.confirmed.v1", "payments.payment.failed.v1"),
        )

    @hookimpl
    def nexus_routes(self, register: Any) -> None:
        register(publish)

    @hookimpl
    def nexus_services(self, register: Any) -> None:
        register(
            Service(
                name="payments.checkouts.create",
                handler=create_checkout,
                request=CheckoutRequest,
                response=CheckoutOut,
                description="A checkout (stand-in).",
            )
        )


payments = _Payments()
