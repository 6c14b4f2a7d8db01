"""Nexus Payments: checkouts through Stripe, Paystack and Flutterwave, reconciled by events.

The hook implementations, and nothing else. Plugins open a checkout through the
``payments.checkouts.create`` service (Finance invoices through ``POST /checkouts``); its
link opens the provider's page; the provider's signed webhook, verified and confirmed with
the provider's API, records the payment once and publishes
``payments.payment.confirmed.v1``, which Finance books. See README.md for the routes,
permissions, settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Connection, Manifest, Permission, Service, TenantRef, hookimpl, new_id

from nexus_payments._checkouts import DESCRIPTION, create_checkout
from nexus_payments._events import CONFIRMED, FAILED, REFUNDED
from nexus_payments._examples import EXAMPLES
from nexus_payments._keys import ACCOUNTS_MANAGE, CHECKOUTS_WRITE, PAYMENTS_READ, REFUNDS_WRITE
from nexus_payments._models import CheckoutRequest, CheckoutResult
from nexus_payments._routes_accounts import AccountController
from nexus_payments._routes_checkouts import CheckoutController, InvoiceCheckoutController
from nexus_payments._routes_pay import PayController
from nexus_payments._routes_payments import PaymentController, ReportController
from nexus_payments._routes_webhooks import WebhookController
from nexus_payments._settings import PaymentsSettings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "PaymentsSettings",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_tenant_enable",
)

TABLES = (
    "payments_tenant",
    "payments_account",
    "payments_checkout",
    "payments_payment",
    "payments_refund",
    "payments_webhook_event",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="payments",
        version="0.1.0",
        title="Payments",
        summary=(
            "Checkouts and payment links through Stripe, Paystack and Flutterwave, verified "
            "webhooks, refunds, fees and payouts, reconciled into Finance through events."
        ),
        hookspecs=">=0.1.4,<0.2",
        permissions=(
            Permission(
                key=ACCOUNTS_MANAGE,
                description="Keep provider accounts and keys (encrypted, never shown again).",
            ),
            Permission(key=CHECKOUTS_WRITE, description="Open checkouts (payment links)."),
            Permission(
                key=PAYMENTS_READ,
                description="Show checkouts, payments, refunds and the fees report.",
            ),
            Permission(key=REFUNDS_WRITE, description="Refund payments through the provider."),
        ),
        settings=PaymentsSettings,
        events=(CONFIRMED, FAILED, REFUNDED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the payments routes under ``/api/v1/payments/``."""
    for controller in (
        AccountController,
        CheckoutController,
        InvoiceCheckoutController,
        PaymentController,
        ReportController,
        PayController,
        WebhookController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The payments tables and migrations."""
    return "nexus_payments.piccolo_app"


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Offer ``payments.checkouts.create`` to every plugin."""
    register(
        Service(
            name="payments.checkouts.create",
            handler=create_checkout,
            request=CheckoutRequest,
            response=CheckoutResult,
            description=DESCRIPTION,
        )
    )


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, conn: Connection) -> None:
    """Keep the tenant's slug: checkout links and webhook URLs carry it."""
    await conn.execute(
        "insert into payments_tenant (id, slug) values ($1, $2) "
        "on conflict (tenant_id) do update set slug = excluded.slug",
        new_id(),
        tenant.slug,
    )
