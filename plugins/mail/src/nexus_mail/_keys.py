"""Permission keys of Mail, as constants."""

from __future__ import annotations

__all__ = (
    "DOMAINS_READ",
    "DOMAINS_WRITE",
    "MAILBOXES_READ",
    "MAILBOXES_WRITE",
    "MESSAGES_READ",
    "MESSAGES_SEND",
    "MESSAGES_WRITE",
)

DOMAINS_READ = "mail.domains:read"
"""List and show mail domains and the DNS records to publish."""

DOMAINS_WRITE = "mail.domains:write"
"""Add, check and remove mail domains (tenant admins)."""

MAILBOXES_READ = "mail.mailboxes:read"
"""List and show mailboxes, their aliases and folders."""

MAILBOXES_WRITE = "mail.mailboxes:write"
"""Create mailboxes, aliases and folders (tenant admins)."""

MESSAGES_READ = "mail.messages:read"
"""List, search and read messages and threads, download attachments."""

MESSAGES_WRITE = "mail.messages:write"
"""Write drafts, mark messages seen, move them between folders."""

MESSAGES_SEND = "mail.messages:send"
"""Send a draft through the tenant's relay, DKIM-signed."""
