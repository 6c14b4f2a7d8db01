"""The mail tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/`` (composite foreign keys
``(tenant_id, …)``, the full-text column, the domain routing table and its functions). The
logic modules query with SQL; these classes give Piccolo the tables' names and columns.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import JSONB, UUID, Array, Boolean, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Alias",
    "Attachment",
    "Domain",
    "Folder",
    "Mailbox",
    "Message",
    "Suppression",
    "Thread",
)


class Domain(TenantOwned, Table, tablename="mail_domain"):
    """A mail domain of the tenant, with its DKIM key pair (the private key never leaves)."""

    domain = Text()
    selector = Text()
    private_key = Text(secret=True)
    public_key = Text()
    verified = Boolean(default=False)
    checked_at = Timestamptz(null=True)
    last_check = JSONB(null=True)
    created_at = Timestamptz()


class Mailbox(TenantOwned, Table, tablename="mail_mailbox"):
    """An address of a domain that keeps mail (optionally a user's)."""

    domain_id = UUID()
    address = Text()
    display_name = Text(null=True)
    user_id = UUID(null=True)
    created_at = Timestamptz()


class Alias(TenantOwned, Table, tablename="mail_alias"):
    """Another address delivering to a mailbox."""

    mailbox_id = UUID()
    address = Text()
    created_at = Timestamptz()


class Folder(TenantOwned, Table, tablename="mail_folder"):
    """A folder of a mailbox; the standard ones carry a role (inbox, sent, drafts…)."""

    mailbox_id = UUID()
    name = Text()
    role = Text(null=True)
    created_at = Timestamptz()


class Thread(TenantOwned, Table, tablename="mail_thread"):
    """A conversation: messages joined by References/In-Reply-To or their subject."""

    mailbox_id = UUID()
    subject = Text()
    last_at = Timestamptz()
    created_at = Timestamptz()


class Message(TenantOwned, Table, tablename="mail_message"):
    """A message in a mailbox's folder: received, a draft, or sent."""

    mailbox_id = UUID()
    folder_id = UUID()
    thread_id = UUID()
    direction = Text()
    state = Text()
    rfc_message_id = Text()
    from_address = Text()
    from_name = Text(null=True)
    to_addresses = Array(Text())
    cc_addresses = Array(Text())
    subject = Text()
    text_body = Text()
    html_body = Text(null=True)
    in_reply_to = Text(null=True)
    refs = Array(Text())
    auth = JSONB(null=True)
    delivery_ref = Text(null=True)
    error = Text(null=True)
    seen = Boolean(default=False)
    size = Integer()
    at = Timestamptz()
    created_at = Timestamptz()


class Attachment(TenantOwned, Table, tablename="mail_attachment"):
    """An attachment of a message; its bytes are in the tenant's files store under ``key``."""

    message_id = UUID()
    filename = Text()
    content_type = Text()
    size = Integer()
    key = Text()


class Suppression(TenantOwned, Table, tablename="mail_suppression"):
    """An address that bounced hard or complained: outbound mail to it is refused."""

    address = Text()
    kind = Text()
    status = Text(null=True)
    diagnostic = Text(null=True)
    created_at = Timestamptz()
