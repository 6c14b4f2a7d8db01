"""Nexus Calendar: shared and personal calendars, events, recurrence and ICS feeds.

Events carry time zones and RFC 5545 recurrence (RRULE/EXDATE, expanded with
recurring-ical-events) or are all-day; a calendar exports as iCalendar and through
revocable subscription (ICS feed) URLs, and syncs with CalDAV clients (Radicale at
``/api/v1/calendar/dav``).

The hook implementations, and nothing else. See README.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Manifest, Permission, hookimpl

from nexus_calendar._ai_tools import nexus_ai_tools
from nexus_calendar._dav import dav
from nexus_calendar._events import EVENTS
from nexus_calendar._examples import EXAMPLES
from nexus_calendar._imip_inbound import MAIL_RECEIVED, mail_received
from nexus_calendar._keys import (
    CALENDARS_READ,
    CALENDARS_WRITE,
    EVENTS_READ,
    EVENTS_WRITE,
    FEEDS_WRITE,
    RESOURCES_READ,
    RESOURCES_WRITE,
)
from nexus_calendar._reminders import REMINDERS
from nexus_calendar._routes import CalendarController, EventController, FeedController
from nexus_calendar._routes_attendees import AttendeeController, ReplyController
from nexus_calendar._routes_freebusy import FreeBusyController
from nexus_calendar._routes_overrides import OverrideController
from nexus_calendar._routes_resources import EventResourceController, ResourceController
from nexus_calendar._services import SERVICES

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Service

__all__ = (
    "nexus_ai_tools",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_services",
    "nexus_shutdown",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "calendar_calendar",
    "calendar_event",
    "calendar_attendee",
    "calendar_feed",
    "calendar_resource",
    "calendar_event_resource",
    "calendar_booking",
    "calendar_reminder_sent",
    "calendar_override",
    "calendar_card",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="calendar",
        version="0.1.0",
        title="Calendar",
        summary=(
            "Shared and personal calendars; events with time zones, recurrence and "
            "exceptions; iCalendar export and revocable subscription URLs."
        ),
        hookspecs=">=0.1.7,<0.2",
        permissions=(
            Permission(
                key=CALENDARS_READ,
                description="List and show shared calendars and one's own personal ones.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CALENDARS_WRITE, description="Create and delete calendars.", roles=_MEMBERS
            ),
            Permission(
                key=EVENTS_READ,
                description="Show events, their occurrences and a calendar's iCalendar export.",
                roles=_MEMBERS,
            ),
            Permission(
                key=EVENTS_WRITE, description="Create, change and delete events.", roles=_MEMBERS
            ),
            Permission(
                key=FEEDS_WRITE,
                description="Create and revoke subscription (ICS feed) URLs of a calendar.",
                roles=_MEMBERS,
            ),
            Permission(
                key=RESOURCES_READ,
                description="List and show rooms and equipment, and their bookings.",
                roles=_MEMBERS,
            ),
            Permission(
                key=RESOURCES_WRITE,
                description="Create, change and delete rooms and equipment.",
                roles=_MEMBERS,
            ),
        ),
        events=EVENTS,
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the calendar routes under ``/api/v1/calendar/``."""
    for controller in (
        CalendarController,
        EventController,
        OverrideController,
        AttendeeController,
        FeedController,
        FreeBusyController,
        ReplyController,
        ResourceController,
        EventResourceController,
    ):
        register(controller)
    register(dav)


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Apply iMIP REPLYs that arrive by email (Mail's inbound messages)."""
    register(MAIL_RECEIVED, mail_received)


@hookimpl
def nexus_services(register: Callable[[Service], None]) -> None:
    """Offer ``calendar.events.upsert`` and ``calendar.events.list`` (connectors' sync)."""
    for service in SERVICES:
        register(service)


@hookimpl
def nexus_piccolo_app() -> str:
    """The calendar tables and migrations."""
    return "nexus_calendar.piccolo_app"


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the reminders' loop over every tenant with Calendar on."""
    REMINDERS.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the reminders' loop."""
    await REMINDERS.stop()
