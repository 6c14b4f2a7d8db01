"""Permission keys and the token signing keyring."""

from __future__ import annotations

from nexus_hookspecs.secrets import Keyring

__all__ = ("AUDIENCE_READ", "AUDIENCE_WRITE", "CAMPAIGNS_READ", "CAMPAIGNS_SEND", "KEYRING")

AUDIENCE_READ = "marketing.audience:read"
AUDIENCE_WRITE = "marketing.audience:write"
CAMPAIGNS_READ = "marketing.campaigns:read"
CAMPAIGNS_SEND = "marketing.campaigns:send"

KEYRING = Keyring("NEXUS_MARKETING_KEYS", owner="marketing")
"""Signs the confirmation, tracking and unsubscribe tokens (``NEXUS_MARKETING_KEYS``)."""
