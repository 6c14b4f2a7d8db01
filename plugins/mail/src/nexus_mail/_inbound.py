"""The inbound SMTP handler (aiosmtpd): refuse unknown recipients, check, store, publish."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from email.utils import make_msgid
from typing import TYPE_CHECKING, Any

import structlog

from nexus_mail._auth import authenticate
from nexus_mail._bounces import record_reports
from nexus_mail._dsn import read_report
from nexus_mail._events import MESSAGE_RECEIVED, AuthResults, MessageReceived
from nexus_mail._mailboxes import mailbox_for
from nexus_mail._outbound import BOUNCE_LOCAL_PART
from nexus_mail._parse import Parsed, parse
from nexus_mail._route import accepts, tenant_of
from nexus_mail._store import NewMessage, store_message

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Background, BlobStore, EventContext

__all__ = ("InboundHandler",)

log = structlog.get_logger("nexus_mail")


class InboundHandler:
    """aiosmtpd's handler: ``RCPT`` routes to a tenant, ``DATA`` stores per tenant.

    Args:
        work: The kernel's ``Background`` port (tenants by id, the no-tenant connection).
        hostname: The server's name, for Message-IDs of messages that have none.
    """

    def __init__(self, work: Background, *, hostname: str) -> None:
        self.work = work
        self.hostname = hostname

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any, address: str, rcpt_options: list[str]
    ) -> str:
        """Accept a recipient only at a verified domain's mailbox, alias or bounce address."""
        del server, session, rcpt_options
        tenant_id = await tenant_of(self.work, address)
        if tenant_id is not None:
            try:
                async with self.work.as_tenant(tenant_id) as ctx:
                    known = await ctx.feature_enabled("mail") and await accepts(ctx.conn, address)
            except LookupError:
                known = False
            if known:
                envelope.rcpt_tos.append(address.lower())
                return "250 2.1.5 OK"
        return f"550 5.1.1 <{address}>: recipient unknown"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: Any, session: Any, envelope: Any
    ) -> str:
        """Check the sender (SPF, DKIM, DMARC) and keep the message in each tenant it is for."""
        del server
        raw: bytes = envelope.original_content or envelope.content
        try:
            parsed = parse(raw)
            from_domain = parsed.from_address.rpartition("@")[2]
            auth, policy = await asyncio.to_thread(
                authenticate,
                raw,
                client_ip=str(session.peer[0]),
                mail_from=envelope.mail_from or "",
                helo=session.host_name or "unknown",
                from_domain=from_domain,
            )
            by_tenant: dict[UUID, list[str]] = defaultdict(list)
            for address in envelope.rcpt_tos:
                tenant_id = await tenant_of(self.work, address)
                if tenant_id is not None:
                    by_tenant[tenant_id].append(address)
            for tenant_id, addresses in by_tenant.items():
                refusal = await self._deliver(
                    tenant_id, addresses, parsed=parsed, raw=raw, auth=auth, policy=policy
                )
                if refusal:
                    return refusal
        except Exception:
            log.exception("inbound message not kept")
            return "451 4.3.0 the message could not be kept, try again later"
        return "250 2.0.0 OK: message accepted"

    async def _deliver(
        self,
        tenant_id: UUID,
        addresses: list[str],
        *,
        parsed: Parsed,
        raw: bytes,
        auth: AuthResults,
        policy: str | None,
    ) -> str | None:
        async with self.work.as_tenant(tenant_id) as ctx:
            settings = await ctx.settings()
            if len(raw) > settings.max_message_bytes:
                return "552 5.3.4 message too big"
            if auth.dmarc == "fail" and policy == "reject" and settings.reject_dmarc_failures:
                return "550 5.7.1 rejected by the sender domain's DMARC policy"
            reports = read_report(parsed.message)
            if reports:
                await record_reports(ctx, reports)
            boxes = [a for a in addresses if a.partition("@")[0] != BOUNCE_LOCAL_PART]
            if boxes:
                await _keep(
                    ctx,
                    boxes,
                    parsed=parsed,
                    raw=raw,
                    auth=auth,
                    hostname=self.hostname,
                    blobs=self.work.blobs(tenant_id),
                    max_attachment=settings.max_attachment_bytes,
                )
        return None


async def _keep(
    ctx: EventContext,
    addresses: list[str],
    *,
    parsed: Parsed,
    raw: bytes,
    auth: AuthResults,
    hostname: str,
    blobs: BlobStore,
    max_attachment: int,
) -> None:
    mailboxes: list[UUID] = []
    for address in addresses:
        found = await mailbox_for(ctx.conn, address)
        if found is not None and found not in mailboxes:
            mailboxes.append(found)
    rfc_id = parsed.rfc_message_id or make_msgid(domain=hostname)
    first = None
    for mailbox_id in mailboxes:
        message_id, attachments = await store_message(
            ctx.conn,
            NewMessage(
                mailbox_id=mailbox_id,
                folder_role="junk" if auth.dmarc == "fail" else "inbox",
                direction="in",
                state="received",
                rfc_message_id=rfc_id,
                from_address=parsed.from_address,
                from_name=parsed.from_name,
                to=parsed.to,
                cc=parsed.cc,
                subject=parsed.subject,
                text=parsed.text,
                html=parsed.html,
                in_reply_to=parsed.in_reply_to,
                references=parsed.references,
                auth={"spf": auth.spf, "dkim": auth.dkim, "dmarc": auth.dmarc},
                size=len(raw),
            ),
            parsed.attachments,
            blobs=blobs,
            max_attachment_bytes=max_attachment,
        )
        if first is None:
            first = (message_id, attachments)
    if first is None:
        return
    message_id, attachments = first
    await ctx.events.publish(
        ctx.conn,
        type=MESSAGE_RECEIVED,
        data=MessageReceived(
            message_id=message_id,
            rfc_message_id=rfc_id,
            from_address=parsed.from_address,
            from_name=parsed.from_name,
            to=parsed.to,
            cc=parsed.cc,
            subject=parsed.subject,
            text=parsed.text,
            in_reply_to=parsed.in_reply_to,
            references=parsed.references,
            received_at=datetime.now(UTC),
            attachments=attachments,
            auth=auth,
        ),
        subject=str(message_id),
    )
