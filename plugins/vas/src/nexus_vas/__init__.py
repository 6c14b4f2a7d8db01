"""Nexus VAS: airtime, data bundles and bill payments from a prepaid wallet per tenant.

The hook implementations, and nothing else. Airtime and data go through Africa's Talking,
electricity and TV bills through Flutterwave's Bills API, both behind one provider port.
VAS keeps the wallet's own ledger; Finance keeps it as double entry from VAS's events
(``vas.wallet.funded.v1``, ``vas.purchase.completed.v1``, ``vas.purchase.reversed.v1``).
See README.md for the routes, permissions, settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import (
    Background,
    Connection,
    Manifest,
    Permission,
    TenantRef,
    hookimpl,
    new_id,
)

from nexus_vas._events import PURCHASE_COMPLETED, PURCHASE_REVERSED, WALLET_FUNDED
from nexus_vas._examples import EXAMPLES
from nexus_vas._keys import (
    PROVIDERS_MANAGE,
    TRANSACTIONS_READ,
    TRANSACTIONS_WRITE,
    WALLET_READ,
    WALLET_WRITE,
)
from nexus_vas._routes_callbacks import CallbackController
from nexus_vas._routes_providers import ProviderController
from nexus_vas._routes_purchases import PurchaseController
from nexus_vas._routes_wallet import WalletController
from nexus_vas._settings import VasSettings
from nexus_vas._sweep import SWEEPER

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "SWEEPER",
    "VasSettings",
    "nexus_background",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

"""The process's reconciliation sweep (``_sweep``): started with the app, stopped with it."""

TABLES = ("vas_tenant", "vas_provider", "vas_wallet", "vas_wallet_entry", "vas_transaction")


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="vas",
        version="0.1.0",
        title="Value-added services",
        summary=(
            "Airtime and data bundles (Africa's Talking) and electricity and TV bills "
            "(Flutterwave) from a prepaid wallet per tenant, with limits and verified "
            "provider callbacks; Finance books the wallet."
        ),
        hookspecs=">=0.1.3,<0.2",
        permissions=(
            Permission(key=WALLET_READ, description="See the wallet and its entries."),
            Permission(key=WALLET_WRITE, description="Record top-ups of the wallet."),
            Permission(
                key=TRANSACTIONS_READ,
                description="List and show purchases; list billers.",
                roles=_MEMBERS,
            ),
            Permission(
                key=TRANSACTIONS_WRITE,
                description="Buy airtime, data and bills from the wallet; reconcile one.",
                roles=_MEMBERS,
            ),
            Permission(
                key=PROVIDERS_MANAGE,
                description="Keep provider credentials (encrypted, never shown again).",
            ),
        ),
        settings=VasSettings,
        events=(WALLET_FUNDED, PURCHASE_COMPLETED, PURCHASE_REVERSED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
        profile_settings={"currency": "currency", "country": "country"},
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the VAS routes under ``/api/v1/vas/``."""
    for controller in (
        WalletController,
        PurchaseController,
        ProviderController,
        CallbackController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The VAS tables and migrations."""
    return "nexus_vas.piccolo_app"


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, conn: Connection) -> None:
    """Keep the tenant's slug: the URLs providers call back carry it."""
    await conn.execute(
        "insert into vas_tenant (id, slug) values ($1, $2) "
        "on conflict (tenant_id) do update set slug = excluded.slug",
        new_id(),
        tenant.slug,
    )


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the sweep confirming purchases whose callback never came."""
    SWEEPER.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the sweep."""
    await SWEEPER.stop()
