"""Customer satisfaction: the signed link of a solved ticket, and its one answer.

The token is the ticket id and an HMAC-SHA256 over the tenant and ticket ids with the
tenant's own secret (kept in ``support_state``), URL-safe base64: it cannot be forged for
another ticket or another tenant, and needs no expiry table.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("secret", "sign", "verify")

_MAC_BYTES = 16


def _mac(key: bytes, tenant_id: UUID, ticket_id: UUID) -> bytes:
    message = b"support.csat\x00" + tenant_id.bytes + ticket_id.bytes
    return hmac.new(key, message, hashlib.sha256).digest()[:_MAC_BYTES]


def sign(key: bytes, tenant_id: UUID, ticket_id: UUID) -> str:
    """The satisfaction token of ``ticket_id`` in ``tenant_id``."""
    raw = ticket_id.bytes + _mac(key, tenant_id, ticket_id)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def verify(key: bytes, tenant_id: UUID, token: str) -> UUID | None:
    """The ticket a token was signed for, or ``None`` when it is not genuine."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (ValueError, TypeError):
        return None
    if len(raw) != 16 + _MAC_BYTES:
        return None
    ticket_id = UUID(bytes=raw[:16])
    if not hmac.compare_digest(raw[16:], _mac(key, tenant_id, ticket_id)):
        return None
    return ticket_id


async def secret(conn: Connection) -> bytes:
    """The tenant's signing secret (made when the plugin was enabled for it)."""
    key = await conn.fetchval("select secret from support_state limit 1")
    if not isinstance(key, bytes):
        raise LookupError("support is not set up for this tenant")
    return key
