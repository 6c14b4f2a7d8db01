"""Event handlers: CRM's contacts (the projection), batches to send, notify's bounces."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_marketing._consent import set_state
from nexus_marketing._send import send_batch
from nexus_marketing._settings import MarketingSettings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("batch_queued", "contact_changed", "delivery_status")

_BARRING = {"bounced": "suppressed", "complained": "suppressed"}


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if isinstance(value, str) and value.strip() else None


async def contact_changed(event: CloudEvent, ctx: EventContext) -> None:
    """Keep the projection of a CRM contact (id, email, phone, name, tags, zone)."""
    data: Mapping[str, Any] = event.data or {}
    contact_id = _uuid(data.get("id"))
    if contact_id is None:
        return
    name = " ".join(str(data.get(key) or "") for key in ("first_name", "last_name")).strip()
    tags = data.get("tags")
    await ctx.conn.execute(
        "insert into marketing_contact (id, email, phone, name, tags, time_zone) "
        "values ($1, $2, $3, $4, coalesce($5::text[], array[]::text[]), $6) "
        "on conflict (tenant_id, id) do update set email = excluded.email, "
        "phone = excluded.phone, name = excluded.name, "
        "tags = coalesce($5::text[], marketing_contact.tags), "
        "time_zone = coalesce(excluded.time_zone, marketing_contact.time_zone), "
        "updated_at = now()",
        contact_id,
        _text(data.get("email"), 254),
        _text(data.get("phone"), 32),
        name[:200],
        [str(tag)[:100] for tag in tags] if isinstance(tags, list) else None,
        _text(data.get("time_zone"), 64),
    )


async def batch_queued(event: CloudEvent, ctx: EventContext) -> None:
    """Send a campaign's batch when it is due (the sweep sends the later ones)."""
    data: Mapping[str, Any] = event.data or {}
    batch_id = _uuid(data.get("batch_id"))
    if batch_id is None:
        return
    settings = await ctx.settings() or MarketingSettings()
    await send_batch(ctx.conn, ctx.services, batch_id, settings, datetime.now(UTC))


async def delivery_status(event: CloudEvent, ctx: EventContext) -> None:
    """A bounce or complaint on a campaign's delivery suppresses the contact's channel."""
    data: Mapping[str, Any] = event.data or {}
    state = _BARRING.get(str(data.get("status")))
    delivery_id = _uuid(data.get("delivery_id"))
    if state is None or delivery_id is None:
        return
    row = await ctx.conn.fetchrow(
        "update marketing_recipient r set bounced = true from marketing_campaign c "
        "where r.delivery_id = $1 and c.id = r.campaign_id returning r.contact_id, c.channel",
        delivery_id,
    )
    if row is not None:
        await set_state(
            ctx.conn,
            ctx.events,
            row["contact_id"],
            [row["channel"]],
            state,
            reason=str(data.get("status")),
        )
