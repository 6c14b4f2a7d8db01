"""The calendar tables (Piccolo), all tenant-owned.

The schema is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Boolean, Date, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = ("Attendee", "Calendar", "Event", "Feed")


class Calendar(TenantOwned, Table, tablename="calendar_calendar"):
    """A calendar: shared (no owner) or personal (its owner's principal id)."""

    name = Text()
    owner = Text(null=True)
    timezone = Text()
    created_at = Timestamptz()


class Event(TenantOwned, Table, tablename="calendar_event"):
    """An event: timed (instants and a time zone) or all-day (dates), maybe recurring."""

    calendar_id = UUID()
    uid = Text()
    summary = Text()
    description = Text(null=True)
    location = Text(null=True)
    all_day = Boolean()
    starts_at = Timestamptz(null=True)
    ends_at = Timestamptz(null=True)
    start_date = Date(null=True)
    end_date = Date(null=True)
    timezone = Text()
    rrule = Text(null=True)
    exdates = Array(base_column=Text())
    sequence = Integer()
    dav_href = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Feed(TenantOwned, Table, tablename="calendar_feed"):
    """A subscription URL of a calendar: only the token's SHA-256 is kept."""

    calendar_id = UUID()
    token_hash = Text()
    created_at = Timestamptz()
    revoked_at = Timestamptz(null=True)


class Attendee(TenantOwned, Table, tablename="calendar_attendee"):
    """An attendee of an event and their participation status (iCalendar PARTSTAT)."""

    event_id = UUID()
    email = Text()
    name = Text(null=True)
    partstat = Text()
    replied_at = Timestamptz(null=True)
