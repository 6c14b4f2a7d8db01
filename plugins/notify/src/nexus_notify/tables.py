"""The notify tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)`` keep references inside one tenant); the logic modules query with SQL.
These classes give Piccolo (and ``nexus migrate``) the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Array, Boolean, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Delivery",
    "Feed",
    "Message",
    "Preference",
    "Provider",
    "Template",
    "Tenant",
    "Unsubscribe",
    "WebhookEndpoint",
)


class Tenant(TenantOwned, Table, tablename="notify_tenant"):
    """The tenant's slug, for the URLs providers call back."""

    slug = Text()


class Template(TenantOwned, Table, tablename="notify_template"):
    """One version of a template in one locale."""

    key = Text()
    locale = Text()
    version = Integer()
    subject = Text()
    text = Text()
    html = Text(null=True)
    whatsapp_template = Text(null=True)
    whatsapp_params = Array(base_column=Text())
    created_at = Timestamptz()


class Message(TenantOwned, Table, tablename="notify_message"):
    """A message as rendered for its recipient."""

    idempotency_key = Text(null=True)
    category = Text()
    template = Text(null=True)
    template_version = Integer(null=True)
    recipient = JSONB()
    locale = Text()
    subject = Text()
    text = Text()
    html = Text(null=True)
    whatsapp = JSONB(null=True)
    reply_to = Text(null=True)
    email_headers = JSONB()
    source_ref = Text(null=True)
    attachments = JSONB(default="[]")
    created_at = Timestamptz()


class WebhookEndpoint(TenantOwned, Table, tablename="notify_webhook_endpoint"):
    """A tenant's endpoint receiving signed messages of some categories."""

    url = Text()
    secret_enc = Text()
    categories = Array(base_column=Text())
    active = Boolean(default=True)
    created_at = Timestamptz()


class Delivery(TenantOwned, Table, tablename="notify_delivery"):
    """One send of a message on one channel, and its state."""

    message_id = UUID()
    channel = Text()
    address = Text(null=True)
    endpoint_id = UUID(null=True)
    provider = Text(null=True)
    state = Text()
    attempts = Integer()
    next_attempt_at = Timestamptz(null=True)
    provider_ref = Text(null=True)
    status = Text(null=True)
    error = Text(null=True)
    callback_token = Text()
    attempt_token = UUID(null=True)
    sending_since = Timestamptz(null=True)
    called_at = Timestamptz(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Provider(TenantOwned, Table, tablename="notify_provider"):
    """A provider's credentials, encrypted (Fernet)."""

    provider = Text()
    config_enc = Text()
    updated_at = Timestamptz()


class Preference(TenantOwned, Table, tablename="notify_preference"):
    """The channels a user wants for a category."""

    user_id = UUID()
    category = Text()
    channels = Array(base_column=Text())
    updated_at = Timestamptz()


class Unsubscribe(TenantOwned, Table, tablename="notify_unsubscribe"):
    """An address that wants no more of a bulk category."""

    address = Text()
    category = Text()
    created_at = Timestamptz()


class Feed(TenantOwned, Table, tablename="notify_feed"):
    """An in-app notification in a user's feed."""

    user_id = UUID()
    message_id = UUID()
    category = Text()
    title = Text()
    body = Text()
    read_at = Timestamptz(null=True)
    created_at = Timestamptz()
