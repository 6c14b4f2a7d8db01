"""Routing inbound mail: recipient domain → tenant (security-definer function) → mailbox."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

from nexus_mail._mailboxes import mailbox_for
from nexus_mail._outbound import BOUNCE_LOCAL_PART

if TYPE_CHECKING:
    from nexus_hookspecs import Background, Connection

__all__ = ("accepts", "tenant_of")


async def tenant_of(work: Background, address: str) -> UUID | None:
    """The tenant whose verified domain ``address`` is at, asking in no tenant."""
    domain = address.rpartition("@")[2].lower()
    if not domain:
        return None
    async with work.connection() as conn:
        found = await conn.fetchval("select mail_route_domain($1)", domain)
    return found if found is None or isinstance(found, UUID) else UUID(str(found))


async def accepts(conn: Connection, address: str) -> bool:
    """Whether the tenant keeps mail for ``address``: a mailbox, an alias, or bounces."""
    if address.lower().partition("@")[0] == BOUNCE_LOCAL_PART:
        return True
    return await mailbox_for(conn, address) is not None
