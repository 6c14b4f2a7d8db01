"""Permission keys of Notifications, as constants."""

from __future__ import annotations

__all__ = (
    "FEED_READ",
    "MESSAGES_READ",
    "MESSAGES_SEND",
    "PROVIDERS_MANAGE",
    "TEMPLATES_READ",
    "TEMPLATES_WRITE",
    "WEBHOOKS_MANAGE",
)

MESSAGES_SEND = "notify.messages:send"
"""Send a message through the API (plugins use the ``notify.send`` service)."""

MESSAGES_READ = "notify.messages:read"
"""List and show messages and their deliveries' states."""

TEMPLATES_READ = "notify.templates:read"
"""List and show templates; preview one."""

TEMPLATES_WRITE = "notify.templates:write"
"""Add template versions."""

PROVIDERS_MANAGE = "notify.providers:manage"
"""Keep provider credentials (encrypted at rest, never shown again)."""

WEBHOOKS_MANAGE = "notify.webhooks:manage"
"""Register webhook endpoints, list their deliveries and dead letters, replay them."""

FEED_READ = "notify.feed:read"
"""One's own in-app feed, its stream and one's notification preferences."""
