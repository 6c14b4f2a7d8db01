"""Nexus Marketing: segments and lists of CRM contacts, consent, campaigns, tracking.

The hook implementations, and nothing else. Contacts are a projection CRM's contact events
keep; campaigns are sent in batches through the outbox and notify's ``notify.send``; opens,
clicks and unsubscribes come back through signed visitor links; notify's bounces and
complaints suppress addresses. See README.md for the routes, permissions, settings, events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Manifest, Permission, hookimpl

from nexus_marketing._events import (
    BATCH_QUEUED,
    CONSENT_CHANGED,
    CONTACT_CREATED,
    CONTACT_UPDATED,
    DELIVERY_STATUS,
)
from nexus_marketing._examples import EXAMPLES
from nexus_marketing._forms import FormController, FormVisitorController
from nexus_marketing._handlers import batch_queued, contact_changed, delivery_status
from nexus_marketing._keys import AUDIENCE_READ, AUDIENCE_WRITE, CAMPAIGNS_READ, CAMPAIGNS_SEND
from nexus_marketing._routes_audience import AudienceController
from nexus_marketing._routes_campaigns import CampaignController
from nexus_marketing._routes_public import PublicController
from nexus_marketing._settings import MarketingSettings
from nexus_marketing._sweep import SWEEPER

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "MarketingSettings",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "marketing_contact",
    "marketing_consent",
    "marketing_list",
    "marketing_list_member",
    "marketing_segment",
    "marketing_campaign",
    "marketing_batch",
    "marketing_recipient",
    "marketing_click",
    "marketing_form",
    "marketing_form_submission",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="marketing",
        version="0.1.0",
        title="Marketing",
        summary=(
            "Segments and lists of CRM contacts, consent per channel with double opt-in, "
            "campaigns by email, SMS and WhatsApp through notify, throttled sending, open and "
            "click tracking, unsubscribes and bounce suppression, reports."
        ),
        hookspecs=">=0.1.3,<0.2",
        permissions=(
            Permission(
                key=AUDIENCE_READ, description="See contacts, consents, segments.", roles=_MEMBERS
            ),
            Permission(
                key=AUDIENCE_WRITE,
                description="Ask for consent, keep lists and save segments.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CAMPAIGNS_READ, description="See campaigns and their reports.", roles=_MEMBERS
            ),
            Permission(key=CAMPAIGNS_SEND, description="Create and send campaigns."),
        ),
        settings=MarketingSettings,
        events=(BATCH_QUEUED, CONSENT_CHANGED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the marketing routes under ``/api/v1/marketing/``."""
    for controller in (
        AudienceController,
        CampaignController,
        PublicController,
        FormController,
        FormVisitorController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The marketing tables and migrations."""
    return "nexus_marketing.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Keep the contact projection, send due batches, suppress on bounces."""
    register(CONTACT_CREATED, contact_changed)
    register(CONTACT_UPDATED, contact_changed)
    register(BATCH_QUEUED.type, batch_queued)
    register(DELIVERY_STATUS, delivery_status)


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the due-batch sweep."""
    SWEEPER.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the due-batch sweep."""
    await SWEEPER.stop()
