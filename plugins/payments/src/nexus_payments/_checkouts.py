"""Checkouts: what a customer is asked to pay, recorded in the caller's transaction.

``payments.checkouts.create`` (and ``POST /checkouts``) records a checkout and answers a
link to the Nexus visitor route ``/api/v1/payments/pay/{tenant}/{checkout_id}``: nothing
is sent to the provider inside the call (a service runs in its caller's transaction). The
first visit of the link opens the provider's page (a Stripe Checkout Session, a Paystack
transaction, a Flutterwave hosted link) and redirects the customer to it (``_pay``).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import invalid, not_found

from nexus_payments._accounts import choose
from nexus_payments._currencies import METHODS, plain, to_minor
from nexus_payments._models import CheckoutRequest, CheckoutResult

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, ServiceContext

    from nexus_payments._settings import PaymentsSettings

__all__ = ("DESCRIPTION", "CheckoutOut", "create", "create_checkout", "load", "tenant_slug")

DESCRIPTION = (
    "Records a checkout (a payment link) for an amount in a currency, through the named "
    "provider's account or the tenant's default one that takes the currency (409 naming "
    "the currency when none does; 422 when the named provider never takes it). Idempotent "
    "per (source, source_ref): a retry answers the first checkout while it is open or paid. "
    "Nothing is sent to the provider in the call: url is a Nexus page that opens the "
    "provider's checkout on first visit and redirects the customer there. "
    "payments.payment.confirmed.v1 follows once the provider's API confirms the payment."
)


class CheckoutOut(msgspec.Struct, kw_only=True):
    """A checkout as the API shows it."""

    id: UUID
    source: str
    source_ref: str
    amount: Decimal
    currency: str
    description: str
    invoice_id: UUID | None
    provider: str
    status: str
    url: str
    provider_ref: str | None
    failure: str | None
    expires_at: datetime | None
    created_at: datetime
    metadata: dict[str, str]


async def tenant_slug(conn: Connection) -> str:
    """The current tenant's slug (kept when payments was enabled)."""
    slug = await conn.fetchval("select slug from payments_tenant")
    if slug is None:
        not_found()
    return str(slug)


def link(settings: PaymentsSettings, slug: str, checkout_id: UUID) -> str:
    """The checkout's link: the visitor route that opens the provider's page."""
    return f"{settings.public_base_url}/api/v1/payments/pay/{slug}/{checkout_id}"


def _result(row: Any, url: str) -> CheckoutResult:
    return CheckoutResult(
        checkout_id=row["id"],
        provider=row["provider"],
        url=url,
        status=row["status"],
        expires_at=row["expires_at"],
    )


async def create(
    conn: Connection, data: CheckoutRequest, *, settings: PaymentsSettings
) -> CheckoutResult:
    """Record ``data`` as a checkout (or answer the open one of its source); see DESCRIPTION."""
    slug = await tenant_slug(conn)
    existing = await conn.fetchrow(
        "select * from payments_checkout where source = $1 and source_ref = $2 "
        "and status in ('open', 'paid') order by status = 'paid' desc, id limit 1",
        data.source,
        data.source_ref,
    )
    now = datetime.now(UTC)
    if (
        existing is not None
        and existing["status"] == "open"
        and existing["expires_at"] is not None
        and existing["expires_at"] < now
    ):
        await conn.execute(
            "update payments_checkout set status = 'expired', updated_at = now() where id = $1",
            existing["id"],
        )
        existing = None
    if existing is not None:
        return _result(existing, link(settings, slug, existing["id"]))
    if not data.amount.is_finite() or data.amount <= 0:
        invalid("amount", "a positive amount")
    provider = await choose(conn, data.currency, data.provider)
    offered = [m for m in data.methods or [] if m not in METHODS[provider]]
    if offered:
        invalid("methods", f"{provider} offers no {', '.join(offered)} here")
    if provider in ("paystack", "flutterwave") and not data.customer.email:
        invalid("customer.email", f"{provider} needs the customer's email")
    if provider != "flutterwave":
        try:
            to_minor(provider, data.amount, data.currency)
        except ValueError as exc:
            invalid("amount", str(exc))
    checkout_id = new_id()
    expires_at = now + timedelta(hours=settings.checkout_hours)
    row = await conn.fetchrow(
        "insert into payments_checkout (id, source, source_ref, amount, currency, description, "
        "customer, invoice_id, provider, methods, return_url, metadata, expires_at) values "
        "($1, $2, $3, $4, $5, $6, $7::jsonb, $8, $9, $10, $11, $12::jsonb, $13) "
        "on conflict (tenant_id, source, source_ref) where status = 'open' "
        "do nothing returning *",
        checkout_id,
        data.source,
        data.source_ref,
        data.amount,
        data.currency,
        data.description,
        msgspec.json.encode(data.customer).decode(),
        data.invoice_id,
        provider,
        data.methods,
        data.return_url,
        msgspec.json.encode(data.metadata).decode(),
        expires_at,
    )
    if row is None:  # a concurrent call of the same source won: answer its checkout
        row = await conn.fetchrow(
            "select * from payments_checkout where source = $1 and source_ref = $2 "
            "and status in ('open', 'paid') order by status = 'paid' desc, id limit 1",
            data.source,
            data.source_ref,
        )
        if row is None:
            not_found()
    return _result(row, link(settings, slug, row["id"]))


async def create_checkout(data: CheckoutRequest, ctx: ServiceContext) -> CheckoutResult:
    """The ``payments.checkouts.create`` service: :func:`create` in the caller's transaction."""
    return await create(ctx.conn, data, settings=await ctx.settings())


def _metadata(value: Any) -> dict[str, str]:
    if isinstance(value, str):
        value = msgspec.json.decode(value)
    return {str(k): str(v) for k, v in (value or {}).items()}


def to_out(row: Any, settings: PaymentsSettings, slug: str) -> CheckoutOut:
    """The API shape of a checkout row."""
    return CheckoutOut(
        id=row["id"],
        source=row["source"],
        source_ref=row["source_ref"],
        amount=plain(row["amount"]),
        currency=row["currency"],
        description=row["description"],
        invoice_id=row["invoice_id"],
        provider=row["provider"],
        status=row["status"],
        url=link(settings, slug, row["id"]),
        provider_ref=row["provider_ref"],
        failure=row["failure"],
        expires_at=row["expires_at"],
        created_at=row["created_at"],
        metadata=_metadata(row["metadata"]),
    )


async def load(conn: Connection, checkout_id: UUID, settings: PaymentsSettings) -> CheckoutOut:
    """One checkout; 404 when it is not the tenant's."""
    row = await conn.fetchrow("select * from payments_checkout where id = $1", checkout_id)
    if row is None:
        not_found()
    return to_out(row, settings, await tenant_slug(conn))
