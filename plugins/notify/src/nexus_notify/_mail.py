"""Handlers of the Mail plugin's outcomes of ``notify.email.requested.v1``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_notify._status import mail_outcome, set_status

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("mail_bounced", "mail_failed", "mail_sent")


def _ref(data: dict[str, Any]) -> UUID | None:
    try:
        return UUID(str(data.get("delivery_ref")))
    except ValueError:
        return None  # mail sent from the Mail API itself, not notify's


async def mail_sent(event: CloudEvent, ctx: EventContext) -> None:
    """Mail sent a notify email: the delivery is ``sent``."""
    data = event.data or {}
    delivery_id = _ref(data)
    if delivery_id is not None:
        rfc = data.get("rfc_message_id")
        await mail_outcome(
            ctx.conn, ctx.events, delivery_id, sent_ref=str(rfc) if rfc else None, error=None
        )


async def mail_failed(event: CloudEvent, ctx: EventContext) -> None:
    """Mail could not send a notify email: the delivery is ``failed``."""
    data = event.data or {}
    delivery_id = _ref(data)
    if delivery_id is not None:
        error = str(data.get("error") or "mail failed")[:500]
        await mail_outcome(ctx.conn, ctx.events, delivery_id, sent_ref=None, error=error)


async def mail_bounced(event: CloudEvent, ctx: EventContext) -> None:
    """A notify email bounced or drew a complaint: the delivery's status says so."""
    data = event.data or {}
    delivery_id = _ref(data)
    if delivery_id is not None:
        kind = "complained" if data.get("kind") == "complaint" else "bounced"
        detail = data.get("status") or data.get("diagnostic")
        await set_status(
            ctx.conn, ctx.events, delivery_id, status=kind, detail=str(detail) if detail else None
        )
