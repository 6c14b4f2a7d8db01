"""Nexus Mail: mail domains, mailboxes, inbound SMTP, outbound DKIM-signed mail, threads.

The hook implementations, and nothing else. Domains get a DKIM key and the MX, SPF, DKIM and
DMARC records to publish; a checked domain routes its inbound mail (the SMTP server started
from ``nexus_background``) to its tenant. Outbound mail, from the API's drafts or
Notification's ``notify.email.requested.v1``, is DKIM-signed and relayed; bounces and
complaints come back as ``mail.outbound.bounced.v1``. See README.md for the routes,
permissions, settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Manifest, Permission, hookimpl

from nexus_mail._events import (
    EMAIL_REQUESTED,
    MESSAGE_RECEIVED,
    OUTBOUND_BOUNCED,
    OUTBOUND_FAILED,
    OUTBOUND_SENT,
)
from nexus_mail._examples import EXAMPLES
from nexus_mail._handlers import email_requested
from nexus_mail._keys import (
    DOMAINS_READ,
    DOMAINS_WRITE,
    MAILBOXES_READ,
    MAILBOXES_WRITE,
    MESSAGES_READ,
    MESSAGES_SEND,
    MESSAGES_WRITE,
)
from nexus_mail._routes_domains import DomainController
from nexus_mail._routes_drafts import DraftController
from nexus_mail._routes_mailboxes import MailboxController
from nexus_mail._routes_messages import MessageController
from nexus_mail._server import inbound_address, start_server, stop_servers
from nexus_mail._settings import MailSettings

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar

__all__ = (
    "MailSettings",
    "inbound_address",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "mail_domain",
    "mail_mailbox",
    "mail_alias",
    "mail_folder",
    "mail_thread",
    "mail_message",
    "mail_attachment",
    "mail_suppression",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="mail",
        version="0.1.0",
        title="Mail",
        summary=(
            "Mail domains with their DNS records checked, mailboxes and aliases, inbound SMTP "
            "with SPF/DKIM/DMARC checks, outbound DKIM-signed mail through a relay, folders, "
            "threads, drafts, full-text search, bounces and complaints."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(
                key=DOMAINS_READ, description="List and show mail domains and their DNS records."
            ),
            Permission(key=DOMAINS_WRITE, description="Add, check and remove mail domains."),
            Permission(
                key=MAILBOXES_READ,
                description="List and show mailboxes, aliases and folders.",
                roles=_MEMBERS,
            ),
            Permission(key=MAILBOXES_WRITE, description="Create mailboxes, aliases and folders."),
            Permission(
                key=MESSAGES_READ,
                description="List, search and read messages, threads and attachments.",
                roles=_MEMBERS,
            ),
            Permission(
                key=MESSAGES_WRITE,
                description="Write drafts; mark messages seen; move them between folders.",
                roles=_MEMBERS,
            ),
            Permission(
                key=MESSAGES_SEND,
                description="Send drafts through the relay, DKIM-signed.",
                roles=_MEMBERS,
            ),
        ),
        settings=MailSettings,
        events=(MESSAGE_RECEIVED, OUTBOUND_SENT, OUTBOUND_FAILED, OUTBOUND_BOUNCED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the mail routes under ``/api/v1/mail/``."""
    for controller in (DomainController, MailboxController, MessageController, DraftController):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The mail tables and migrations."""
    return "nexus_mail.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Send Notification's emails."""
    register(EMAIL_REQUESTED, email_requested)


@hookimpl
async def nexus_background(work: Background) -> None:
    """Start the inbound SMTP server when ``NEXUS_MAIL_SMTP_PORT`` is set."""
    await start_server(work)


@hookimpl
async def nexus_shutdown(app: Litestar) -> None:
    """Stop the inbound SMTP server."""
    del app
    await stop_servers()
