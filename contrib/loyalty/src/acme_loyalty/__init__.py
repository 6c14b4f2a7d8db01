"""Loyalty points for Nexus, by Acme: customers earn points when a CRM deal is won.

A third-party plugin: its own distribution (``acme-loyalty``) and import name, registered
through the ``nexus.plugins`` entry point ``loyalty``. It requires the CRM plugin and never
imports it: it only listens to CRM's ``crm.deal.won.v1`` event. This module holds the hook
implementations and nothing else.
"""

from __future__ import annotations

from typing import Any

from nexus_hookspecs import Feature, Manifest, Permission, hookimpl

from acme_loyalty._events import AWARDED, DEAL_WON, REDEEMED
from acme_loyalty._examples import EXAMPLE_PAYLOADS
from acme_loyalty._handlers import award_for_won_deal
from acme_loyalty._keys import AWARDS, READ, REDEEM
from acme_loyalty._routes_members import MemberController
from acme_loyalty._settings import LoyaltySettings

__version__ = "1.0.0"

__all__ = (
    "LoyaltySettings",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="loyalty",
        version=__version__,
        title="Loyalty points",
        summary="Customers earn points when a deal is won, and redeem them.",
        requires=("crm",),
        hookspecs=">=0.1.1,<0.2",
        features=(
            Feature(
                key=AWARDS.removeprefix("loyalty."),
                title="Points for won deals",
                description="Credit the deal's contact with points when a CRM deal is won.",
            ),
        ),
        permissions=(
            Permission(
                key=READ,
                description="List members by balance; show a member's balance and history.",
                roles=("tenant_admin", "member"),
            ),
            Permission(key=REDEEM, description="Take points off a member's balance."),
        ),
        settings=LoyaltySettings,
        events=(AWARDED, REDEEMED),
        tenant_tables=("loyalty_entry",),
        example_payloads=EXAMPLE_PAYLOADS,
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    """Mount the members' routes under /api/v1/loyalty/."""
    register(MemberController)


@hookimpl
def nexus_piccolo_app() -> str:
    """Name the Piccolo app holding ``loyalty_entry`` and its migration."""
    return "acme_loyalty.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Any) -> None:
    """Award points for each won deal."""
    register(DEAL_WON, award_for_won_deal)
