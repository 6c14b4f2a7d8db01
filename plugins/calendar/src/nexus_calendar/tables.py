"""The calendar tables (Piccolo), all tenant-owned.

The schema is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Array, Boolean, Date, Integer, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Attendee",
    "Calendar",
    "Card",
    "Event",
    "EventResource",
    "Feed",
    "Override",
    "ReminderSent",
    "Resource",
)


class Calendar(TenantOwned, Table, tablename="calendar_calendar"):
    """A calendar: shared (no owner) or personal (its owner's principal id)."""

    name = Text()
    owner = Text(null=True)
    timezone = Text()
    dav_name = Text(null=True)
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
    reminders = Array(base_column=Integer())
    created_by = Text(null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Override(TenantOwned, Table, tablename="calendar_override"):
    """A modified occurrence of a recurring event (an iCalendar ``RECURRENCE-ID`` instance).

    ``recurrence_id`` is the original occurrence's start: an ISO instant in UTC for a timed
    event, an ISO date for an all-day one.
    """

    event_id = UUID()
    recurrence_id = Text()
    summary = Text()
    description = Text(null=True)
    location = Text(null=True)
    starts_at = Timestamptz(null=True)
    ends_at = Timestamptz(null=True)
    start_date = Date(null=True)
    end_date = Date(null=True)
    sequence = Integer()
    created_at = Timestamptz()
    updated_at = Timestamptz()


class Card(TenantOwned, Table, tablename="calendar_card"):
    """A CRM contact's CardDAV resource name and UID, when a client created it."""

    contact_id = UUID()
    href = Text()
    uid = Text()


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


class Resource(TenantOwned, Table, tablename="calendar_resource"):
    """A bookable resource: a room or a piece of equipment."""

    name = Text()
    kind = Text()
    capacity = Integer(null=True)
    location = Text(null=True)
    created_at = Timestamptz()


class EventResource(TenantOwned, Table, tablename="calendar_event_resource"):
    """A resource an event books.

    Its occurrences are kept in ``calendar_booking`` (a ``tstzrange`` per occurrence, which
    Piccolo has no column for): an exclusion constraint there refuses overlapping bookings
    of one resource.
    """

    event_id = UUID()
    resource_id = UUID()
    created_at = Timestamptz()


class ReminderSent(TenantOwned, Table, tablename="calendar_reminder_sent"):
    """A reminder sent for one occurrence of an event (never sent twice)."""

    event_id = UUID()
    occurrence_start = Timestamptz()
    minutes = Integer()
    sent_at = Timestamptz()
