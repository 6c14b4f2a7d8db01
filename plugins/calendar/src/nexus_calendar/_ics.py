"""iCalendar (RFC 5545) of events, and their occurrences expanded by recurring-ical-events."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import recurring_ical_events
from icalendar import Calendar as VCalendar
from icalendar import Event as VEvent
from icalendar.prop import vRecur

from nexus_calendar._model import EventOut, Occurrence, OverrideOut

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("calendar_ics", "occurrences", "recurrence_key", "vevent", "vevents")

_PRODID = "-//Nexus//Calendar//EN"


def vevent(event: EventOut, stamp: datetime) -> VEvent:
    """The VEVENT of an event: local times in its TZID, RRULE and EXDATE."""
    item = VEvent()
    item.add("uid", event.uid)
    item.add("dtstamp", stamp)
    item.add("summary", event.summary)
    item.add("sequence", event.sequence)
    if event.description:
        item.add("description", event.description)
    if event.location:
        item.add("location", event.location)
    if event.all_day:
        start = event.start_date
        assert start is not None
        item.add("dtstart", start)
        item.add("dtend", event.end_date or start + timedelta(days=1))
    else:
        zone = ZoneInfo(event.timezone)
        assert event.starts_at is not None and event.ends_at is not None
        item.add("dtstart", event.starts_at.astimezone(zone))
        item.add("dtend", event.ends_at.astimezone(zone))
    if event.rrule:
        item.add("rrule", vRecur.from_ical(event.rrule))
    if event.exdates:
        item.add("exdate", [_exdate(event, value) for value in event.exdates])
    return item


def vevents(event: EventOut, stamp: datetime) -> list[VEvent]:
    """The master VEVENT of an event and one per modified occurrence (``RECURRENCE-ID``)."""
    return [vevent(event, stamp), *(_instance(event, o, stamp) for o in event.overrides)]


def _instance(event: EventOut, override: OverrideOut, stamp: datetime) -> VEvent:
    item = VEvent()
    item.add("uid", event.uid)
    item.add("dtstamp", stamp)
    item.add("recurrence-id", _exdate(event, override.recurrence_id))
    item.add("summary", override.summary)
    item.add("sequence", override.sequence)
    if override.description:
        item.add("description", override.description)
    if override.location:
        item.add("location", override.location)
    if event.all_day:
        assert override.start_date is not None
        item.add("dtstart", override.start_date)
        item.add("dtend", override.end_date or override.start_date + timedelta(days=1))
    else:
        zone = ZoneInfo(event.timezone)
        assert override.starts_at is not None and override.ends_at is not None
        item.add("dtstart", override.starts_at.astimezone(zone))
        item.add("dtend", override.ends_at.astimezone(zone))
    return item


def recurrence_key(value: date | datetime) -> str:
    """How a ``RECURRENCE-ID`` is kept: an ISO instant in UTC, or an ISO date."""
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def _exdate(event: EventOut, value: str) -> date | datetime:
    if event.all_day:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value).astimezone(ZoneInfo(event.timezone))


def calendar_ics(name: str, events: Iterable[EventOut], stamp: datetime) -> bytes:
    """A VCALENDAR of ``events`` (with the VTIMEZONEs their TZIDs need)."""
    cal = VCalendar()
    cal.add("prodid", _PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", name)
    for event in events:
        for component in vevents(event, stamp):
            cal.add_component(component)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


def occurrences(events: Iterable[EventOut], start: datetime, end: datetime) -> list[Occurrence]:
    """The occurrences of ``events`` overlapping ``[start, end)``, by start."""
    by_uid = {event.uid: event for event in events}
    cal = VCalendar()
    stamp = datetime.now(tz=ZoneInfo("UTC"))
    for event in by_uid.values():
        for component in vevents(event, stamp):
            cal.add_component(component)
    found: list[tuple[str, Occurrence]] = []
    for item in recurring_ical_events.of(cal).between(start, end):
        event = by_uid[str(item["UID"])]
        modified = {override.recurrence_id for override in event.overrides}
        original = item.get("RECURRENCE-ID")
        replaced = recurrence_key(original.dt) if original is not None else None
        first: Any = item.decoded("DTSTART")
        last: Any = item.decoded("DTEND")
        key = (
            first.astimezone(ZoneInfo("UTC")).isoformat()
            if isinstance(first, datetime)
            else first.isoformat()
        )
        found.append(
            (
                key,
                Occurrence(
                    event_id=event.id,
                    uid=event.uid,
                    summary=str(item.get("SUMMARY", event.summary)),
                    all_day=event.all_day,
                    start=first.isoformat(),
                    end=last.isoformat(),
                    recurrence_id=replaced if replaced in modified else None,
                ),
            )
        )
    return [occurrence for _, occurrence in sorted(found, key=lambda pair: pair[0])]
