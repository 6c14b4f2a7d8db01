"""Nexus Notifications: templated messages by email, SMS, WhatsApp, in-app and webhooks.

The hook implementations, and nothing else. Plugins send through the ``notify.send``
service, which records the message and queues its deliveries through the outbox; notify's
handler of ``notify.delivery.queued.v1`` sends each once. Provider status callbacks,
verified with each provider's signature scheme, update delivery status. See README.md for
the routes, permissions, settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import (
    Background,
    Connection,
    Manifest,
    Permission,
    Service,
    TenantRef,
    hookimpl,
    new_id,
)

from nexus_notify._due import DueLoop
from nexus_notify._events import (
    DELIVERY_FAILED,
    DELIVERY_QUEUED,
    DELIVERY_SENT,
    DELIVERY_STATUS,
    EMAIL_REQUESTED,
    MAIL_BOUNCED,
    MAIL_FAILED,
    MAIL_SENT,
)
from nexus_notify._examples import EXAMPLES
from nexus_notify._handlers import deliver, mail_bounced, mail_failed, mail_sent
from nexus_notify._keys import (
    FEED_READ,
    MESSAGES_READ,
    MESSAGES_SEND,
    PROVIDERS_MANAGE,
    TEMPLATES_READ,
    TEMPLATES_WRITE,
    WEBHOOKS_MANAGE,
)
from nexus_notify._models import SendRequest, SendResult
from nexus_notify._routes_callbacks import CallbackController
from nexus_notify._routes_feed import FeedController
from nexus_notify._routes_messages import MessageController
from nexus_notify._routes_providers import ProviderController
from nexus_notify._routes_templates import TemplateController
from nexus_notify._routes_unsubscribe import UnsubscribeController
from nexus_notify._routes_webhooks import WebhookController
from nexus_notify._services import DESCRIPTION, notify_send
from nexus_notify._settings import NotifySettings

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = (
    "DUE",
    "NotifySettings",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_shutdown",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "notify_tenant",
    "notify_template",
    "notify_message",
    "notify_webhook_endpoint",
    "notify_delivery",
    "notify_provider",
    "notify_preference",
    "notify_unsubscribe",
    "notify_feed",
)

DUE = DueLoop()
"""The due-work loop of this process (quiet hours over, retries due)."""


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="notify",
        version="0.1.0",
        title="Notifications",
        summary=(
            "Templated, localized messages by email, SMS (Twilio, Africa's Talking), WhatsApp, "
            "an in-app feed and signed webhooks, with delivery status from the providers."
        ),
        hookspecs=">=0.1.4,<0.2",
        permissions=(
            Permission(key=MESSAGES_SEND, description="Send a message through the API."),
            Permission(key=MESSAGES_READ, description="Show messages and their deliveries."),
            Permission(
                key=TEMPLATES_READ, description="List and preview templates.", roles=_MEMBERS
            ),
            Permission(key=TEMPLATES_WRITE, description="Add template versions."),
            Permission(
                key=PROVIDERS_MANAGE,
                description="Keep provider credentials (encrypted, never shown again).",
            ),
            Permission(
                key=WEBHOOKS_MANAGE,
                description="Register webhook endpoints, see dead letters, replay deliveries.",
            ),
            Permission(
                key=FEED_READ,
                description="One's own in-app feed, its stream, and one's preferences.",
                roles=_MEMBERS,
            ),
        ),
        settings=NotifySettings,
        events=(DELIVERY_QUEUED, DELIVERY_SENT, DELIVERY_FAILED, DELIVERY_STATUS, EMAIL_REQUESTED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
        profile_settings={"default_locale": "locale", "default_time_zone": "timezone"},
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the notify routes under ``/api/v1/notify/``."""
    for controller in (
        MessageController,
        TemplateController,
        ProviderController,
        WebhookController,
        FeedController,
        CallbackController,
        UnsubscribeController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The notify tables and migrations."""
    return "nexus_notify.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Send queued deliveries; follow Mail's outcomes of the email notify handed it."""
    register(DELIVERY_QUEUED.type, deliver)
    register(MAIL_SENT, mail_sent)
    register(MAIL_FAILED, mail_failed)
    register(MAIL_BOUNCED, mail_bounced)


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Offer ``notify.send`` to every plugin."""
    register(
        Service(
            name="notify.send",
            handler=notify_send,
            request=SendRequest,
            response=SendResult,
            description=DESCRIPTION,
        )
    )


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, conn: Connection) -> None:
    """Keep the tenant's slug: the URLs providers call back carry it."""
    await conn.execute(
        "insert into notify_tenant (id, slug) values ($1, $2) "
        "on conflict (tenant_id) do update set slug = excluded.slug",
        new_id(),
        tenant.slug,
    )


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the due-work loop: scheduled and retrying deliveries go out when due."""
    DUE.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the due-work loop."""
    await DUE.stop()
