"""Reminders: an event's ``reminders`` (minutes before each occurrence) sent through Notifications.

A periodic job looks, in each tenant with Calendar on, for occurrences starting within the
next reminder interval whose reminder time has come, and calls ``notify.send`` for each
attendee (email) and for the event's creator when a user (in-app; an API key has no feed).
``calendar_reminder_sent`` records each (event, occurrence, minutes) in the same transaction
as the messages: a reminder is never sent twice, and one the job missed while it was down
is sent at its next run, as long as the occurrence has not started. A tenant without
Notifications is skipped (nothing is recorded: its reminders go out once Notifications is
on, if still before the start). ``NEXUS_CALENDAR_REMINDERS_S`` sets the interval in seconds
(60 by default; 0 turns the loop off).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import Periodic

from nexus_calendar._attendees import attendees
from nexus_calendar._booking import extend_bookings, spans_between
from nexus_calendar._model import EventOut
from nexus_calendar._overrides import with_overrides

if TYPE_CHECKING:
    from nexus_hookspecs import Background, Services

__all__ = ("INTERVAL_ENV", "REMINDERS", "remind", "sweep")

INTERVAL_ENV = "NEXUS_CALENDAR_REMINDERS_S"
log = logging.getLogger("nexus_calendar.reminders")

_COLUMNS = (
    "id, calendar_id, uid, summary, description, location, all_day, starts_at, ends_at, "
    "start_date, end_date, timezone, rrule, exdates, sequence, reminders, created_by"
)


class _Result(msgspec.Struct):
    message_id: UUID


def _creator(actor: str | None) -> UUID | None:
    """The user id of a ``user:<id>`` actor (an API key has no in-app feed)."""
    kind, _, ident = (actor or "").partition(":")
    try:
        return UUID(ident) if kind == "user" else None
    except ValueError:
        return None


async def _send(
    conn: Any, services: Services, event: EventOut, creator: UUID | None, start: datetime
) -> int:
    when = start.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    subject = f"Reminder: {event.summary} at {when}"
    base = {
        "category": "calendar.reminder",
        "subject": subject,
        "text": f"{subject}\n" + (f"Where: {event.location}\n" if event.location else ""),
        "source_ref": f"calendar.event:{event.id}",
    }
    recipients: list[tuple[dict[str, Any], str]] = [
        ({"email": p.email, **({"name": p.name} if p.name else {})}, "email")
        for p in await attendees(conn, event.id)
    ]
    if creator is not None:
        recipients.append(({"user_id": str(creator)}, "in_app"))
    for to, channel in recipients:
        await services.call(
            conn,
            "notify.send",
            {**base, "to": to, "channels": [channel]},
            result=_Result,
        )
    return len(recipients)


async def remind(conn: Any, services: Services, now: datetime) -> int:
    """Send the tenant's reminders due at ``now`` that were not sent yet; return the messages."""
    if not await services.available(conn, "notify.send"):
        return 0
    rows = await conn.fetch(
        f"select {_COLUMNS} from calendar_event where cardinality(reminders) > 0 and "
        "(rrule is not null or starts_at > $1 or start_date >= ($1 - interval '1 day')::date)",
        now,
    )
    sent = 0
    for row in rows:
        values = dict(row)
        creator = _creator(values.pop("created_by"))
        [event] = await with_overrides(conn, [msgspec.convert(values, type=EventOut)])
        ahead = timedelta(minutes=max(event.reminders))
        for start, _ in spans_between(event, now, now + ahead):
            if start <= now:
                continue
            for minutes in event.reminders:
                if start - timedelta(minutes=minutes) > now:
                    continue
                fresh = await conn.fetchval(
                    "insert into calendar_reminder_sent (event_id, occurrence_start, minutes) "
                    "values ($1, $2, $3) on conflict do nothing returning true",
                    event.id,
                    start,
                    minutes,
                )
                if fresh:
                    sent += await _send(conn, services, event, creator, start)
    return sent


async def sweep(work: Background, now: datetime) -> int:
    """Send the due reminders of every tenant with Calendar on; return the messages.

    First, in its own transaction, the tenant's recurring events' resource bookings are
    extended to the horizon (``_booking.extend_bookings``).

    Each tenant runs in its own transaction: one tenant's failure is logged and the others
    are still reminded.
    """
    total = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                await extend_bookings(ctx.conn, now)
            async with work.as_tenant(tenant_id) as ctx:
                total += await remind(ctx.conn, ctx.services, now)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still reminded
            log.exception("calendar reminders failed for tenant %s", tenant_id)
    return total


async def _tick(work: Background) -> None:
    await sweep(work, datetime.now(UTC))


REMINDERS = Periodic(_tick, name="calendar reminders", interval_env=INTERVAL_ENV, default_s=60)
"""Runs :func:`sweep` every ``NEXUS_CALENDAR_REMINDERS_S`` seconds until stopped."""
