"""Permission keys of Calendar, as constants."""

from __future__ import annotations

__all__ = (
    "CALENDARS_READ",
    "CALENDARS_WRITE",
    "EVENTS_READ",
    "EVENTS_WRITE",
    "FEEDS_WRITE",
    "RESOURCES_READ",
    "RESOURCES_WRITE",
)

CALENDARS_READ = "calendar.calendars:read"
"""List and show calendars (shared ones and one's own personal ones)."""

CALENDARS_WRITE = "calendar.calendars:write"
"""Create and delete calendars."""

EVENTS_READ = "calendar.events:read"
"""Show events, their occurrences and a calendar's iCalendar export."""

EVENTS_WRITE = "calendar.events:write"
"""Create, change and delete events."""

FEEDS_WRITE = "calendar.feeds:write"
"""Create and revoke subscription (ICS feed) URLs of a calendar."""

RESOURCES_READ = "calendar.resources:read"
"""List and show bookable resources (rooms, equipment) and their busy periods."""

RESOURCES_WRITE = "calendar.resources:write"
"""Create, change and delete bookable resources."""
