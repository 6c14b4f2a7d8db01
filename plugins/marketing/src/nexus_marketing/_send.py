"""A campaign's send: recipients in batches the rate spaces out, each batch through notify."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec
import structlog
from nexus_hookspecs.http import ServiceUnavailable, conflict, not_found

from nexus_marketing._audience import audience_sql
from nexus_marketing._events import BATCH_QUEUED, BatchQueued
from nexus_marketing._render import personalize, track_html, unsubscribe_url

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_marketing._settings import MarketingSettings

__all__ = ("CATEGORY", "local_due", "send_batch", "start")

log = structlog.get_logger("nexus_marketing")

CATEGORY = "marketing"
"""notify's category of campaign messages (a bulk category)."""


class _Delivery(msgspec.Struct):
    id: UUID
    channel: str
    state: str


class _Sent(msgspec.Struct):
    message_id: UUID
    deliveries: list[_Delivery]


def _zone(name: str | None, default: ZoneInfo) -> ZoneInfo:
    if not name:
        return default
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return default


def local_due(now: datetime, at: time, zone: ZoneInfo) -> datetime:
    """The next instant at or after ``now`` when the clock in ``zone`` reads ``at``."""
    here = now.astimezone(zone)
    due = datetime.combine(here.date(), at, tzinfo=zone)
    if due < here:
        due = datetime.combine(here.date() + timedelta(days=1), at, tzinfo=zone)
    return due


async def _local_batches(
    conn: Connection, campaign: Any, settings: MarketingSettings, now: datetime
) -> list[datetime]:
    """Re-batch the recipients by their local due time: answer each batch's due time.

    Recipients due at the same instant share batches of ``batch_size``, spaced by the rate
    from that instant.
    """
    default = _zone(settings.default_time_zone, ZoneInfo("UTC"))
    hour, minute = (int(part) for part in str(campaign["local_time"]).split(":"))
    at = time(hour, minute)
    rows = await conn.fetch(
        "select r.id, c.time_zone from marketing_recipient r "
        "join marketing_contact c on c.id = r.contact_id where r.campaign_id = $1 order by r.id",
        campaign["id"],
    )
    by_due: dict[datetime, list[UUID]] = {}
    for row in rows:
        due = local_due(now, at, _zone(row["time_zone"], default))
        by_due.setdefault(due, []).append(row["id"])
    size = settings.batch_size
    step = timedelta(minutes=size / campaign["rate_per_minute"])
    dues: list[datetime] = []
    ids: list[UUID] = []
    numbers: list[int] = []
    for due in sorted(by_due):
        group = by_due[due]
        for chunk in range(0, len(group), size):
            for recipient in group[chunk : chunk + size]:
                ids.append(recipient)
                numbers.append(len(dues))
            dues.append(due + step * (chunk // size))
    await conn.execute(
        "update marketing_recipient r set batch = u.b "
        "from unnest($1::uuid[], $2::int[]) as u(id, b) where r.id = u.id",
        ids,
        numbers,
    )
    return dues


async def start(
    conn: Connection,
    events: EventPublisher,
    campaign_id: UUID,
    settings: MarketingSettings,
    now: datetime,
) -> int:
    """Pick the recipients, split them in batches due as the rate allows, queue each."""
    campaign = await conn.fetchrow(
        "select * from marketing_campaign where id = $1 for update", campaign_id
    )
    if campaign is None:
        not_found()
    if campaign["status"] != "draft":
        conflict(f"the campaign is {campaign['status']}")
    segment = None
    if campaign["segment_id"] is not None:
        segment = await conn.fetchrow(
            "select * from marketing_segment where id = $1", campaign["segment_id"]
        )
    sql, args = audience_sql(
        campaign["channel"],
        segment=segment,
        list_id=campaign["list_id"],
        require_consent=settings.require_consent,
    )
    size = settings.batch_size
    args += [campaign_id, size, campaign["subject_b"] is not None]
    n = len(args)
    await conn.execute(
        "insert into marketing_recipient (id, campaign_id, contact_id, batch, variant) "
        f"select gen_random_uuid(), ${n - 2}, a.id, (a.k - 1) / ${n - 1}, "
        f"case when ${n} and a.k % 2 = 0 then 'b' else 'a' end "
        f"from (select s.id, row_number() over (order by s.id) as k from ({sql}) s) a",
        *args,
    )
    total = int(
        await conn.fetchval(
            "select count(*) from marketing_recipient where campaign_id = $1", campaign_id
        )
    )
    minutes_per_batch = size / campaign["rate_per_minute"]
    if campaign["local_time"]:
        dues = await _local_batches(conn, campaign, settings, now)
    else:
        count = (total + size - 1) // size
        dues = [now + timedelta(minutes=n * minutes_per_batch) for n in range(count)]
    batches = len(dues)
    for number, due in enumerate(dues):
        batch_id = await conn.fetchval(
            "insert into marketing_batch (id, campaign_id, number, due_at) "
            "values (gen_random_uuid(), $1, $2, $3) returning id",
            campaign_id,
            number,
            due,
        )
        await events.publish(
            conn,
            type=BATCH_QUEUED.type,
            data=BatchQueued(batch_id=batch_id, campaign_id=campaign_id, number=number),
            subject=str(batch_id),
        )
    await conn.execute(
        "update marketing_campaign set status = $2, recipients = $3, started_at = $4 where id = $1",
        campaign_id,
        "sending" if batches else "sent",
        total,
        now,
    )
    return total


def _message(campaign: Any, row: Any, settings: MarketingSettings) -> dict[str, Any]:
    subject = campaign["subject_b"] if row["variant"] == "b" else campaign["subject"]
    text = personalize(campaign["text"], row)
    html = personalize(campaign["html"], row, escape=True) if campaign["html"] else None
    headers: dict[str, str] = {}
    base = settings.public_url.rstrip("/") if settings.public_url else None
    if base is not None:
        leave = unsubscribe_url(base, str(row["id"]))
        text += f"\n\nUnsubscribe: {leave}"
        headers = {
            "List-Unsubscribe": f"<{leave}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        }
        if html is not None:
            html = (
                track_html(html, base, str(row["id"])) + f'<p><a href="{leave}">Unsubscribe</a></p>'
            )
    channel = campaign["channel"]
    to = {"email": row["email"]} if channel == "email" else {"phone": row["phone"]}
    return {
        "to": {**to, "name": row["name"] or None, "time_zone": row["time_zone"]},
        "channels": [channel],
        "category": CATEGORY,
        "subject": personalize(subject or campaign["name"], row),
        "text": text,
        "html": html,
        "email_headers": headers if channel == "email" else {},
        "idempotency_key": f"marketing:{row['id']}",
        "source_ref": f"marketing.campaign:{campaign['id']}",
    }


async def send_batch(
    conn: Connection, services: Services, batch_id: UUID, settings: MarketingSettings, now: datetime
) -> int:
    """Send a due batch through ``notify.send``; answer how many were queued (0: not due)."""
    batch = await conn.fetchrow(
        "select * from marketing_batch where id = $1 for update skip locked", batch_id
    )
    if batch is None or batch["sent_at"] is not None or batch["due_at"] > now:
        return 0
    campaign = await conn.fetchrow(
        "select * from marketing_campaign where id = $1", batch["campaign_id"]
    )
    if campaign is None:
        return 0
    rows = await conn.fetch(
        "select r.id, r.variant, c.email, c.phone, c.name, c.time_zone, "
        "exists (select 1 from marketing_consent k where k.contact_id = c.id and "
        "k.channel = $3 and k.state in ('unsubscribed', 'suppressed')) as barred "
        "from marketing_recipient r join marketing_contact c on c.id = r.contact_id "
        "where r.campaign_id = $1 and r.batch = $2 and r.state = 'pending' order by r.id",
        batch["campaign_id"],
        batch["number"],
        campaign["channel"],
    )
    queued: list[tuple[UUID, UUID | None]] = []
    skipped: list[UUID] = []
    for row in rows:
        if row["barred"]:
            skipped.append(row["id"])
            continue
        try:
            sent = await services.call(
                conn, "notify.send", _message(campaign, row, settings), result=_Sent
            )
        except ServiceUnavailable:
            log.warning("notify is off: the batch waits for the sweep", batch_id=str(batch_id))
            return 0
        delivery = next((d.id for d in sent.deliveries), None)
        queued.append((row["id"], delivery))
    await conn.execute(
        "update marketing_recipient r set state = 'queued', delivery_id = u.d, sent_at = $3 "
        "from unnest($1::uuid[], $2::uuid[]) as u(id, d) where r.id = u.id",
        [rid for rid, _ in queued],
        [delivery for _, delivery in queued],
        now,
    )
    await conn.execute(
        "update marketing_recipient set state = 'skipped' where id = any($1::uuid[])", skipped
    )
    await conn.execute("update marketing_batch set sent_at = $2 where id = $1", batch_id, now)
    await conn.execute(
        "update marketing_campaign set status = 'sent' where id = $1 and not exists "
        "(select 1 from marketing_batch where campaign_id = $1 and sent_at is null)",
        batch["campaign_id"],
    )
    return len(queued)
