"""Bodies of the calendar routes (msgspec Structs) and their checks."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

import msgspec
from icalendar.prop import vRecur

if TYPE_CHECKING:
    from nexus_hookspecs.http import FieldErrors

__all__ = (
    "CalendarIn",
    "CalendarOut",
    "EventChanges",
    "EventIn",
    "EventOut",
    "FeedOut",
    "Occurrence",
    "OverrideIn",
    "OverrideOut",
    "check_event",
    "check_timezone",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Text = Annotated[str, msgspec.Meta(max_length=5000)]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
RRule = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
ExDate = Annotated[str, msgspec.Meta(max_length=40)]
MAX_REMINDER = 40_320
"""The earliest reminder: four weeks (in minutes) before an occurrence starts."""
Reminders = Annotated[
    list[Annotated[int, msgspec.Meta(ge=0, le=MAX_REMINDER)]], msgspec.Meta(max_length=5)
]
"""Up to five reminders, in minutes before each occurrence starts."""


class CalendarIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new calendar: shared with the tenant, or personal (only its creator sees it)."""

    name: Name
    timezone: TimeZone = "UTC"
    personal: bool = False


class CalendarOut(msgspec.Struct, kw_only=True):
    """A calendar."""

    id: UUID
    name: str
    timezone: str
    personal: bool
    created_at: datetime


class EventIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new event: timed or all-day, maybe recurring.

    Timed: ``starts_at``/``ends_at`` (instants) shown in ``timezone``. All-day:
    ``start_date`` and ``end_date`` (exclusive). ``rrule`` is an RFC 5545 RRULE value
    (``FREQ=WEEKLY;BYDAY=MO``); ``exdates`` are the excluded occurrences' starts (ISO
    datetimes for timed events, ISO dates for all-day ones).
    """

    summary: Name
    description: Text | None = None
    location: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    all_day: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None
    timezone: TimeZone | None = None
    rrule: RRule | None = None
    exdates: Annotated[list[ExDate], msgspec.Meta(max_length=500)] = []
    reminders: Reminders = []


class EventChanges(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to change in an event; left-out fields are kept."""

    summary: Name | None = None
    description: Text | None = None
    location: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None
    timezone: TimeZone | None = None
    rrule: RRule | None = None
    exdates: Annotated[list[ExDate], msgspec.Meta(max_length=500)] | None = None
    reminders: Reminders | None = None


class OverrideIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A modified occurrence of a recurring event (iCalendar ``RECURRENCE-ID``).

    ``recurrence_id`` is the original occurrence's start (an ISO datetime with an offset, or
    an ISO date for an all-day event); left-out fields keep the occurrence's own values.
    """

    recurrence_id: ExDate
    summary: Name | None = None
    description: Text | None = None
    location: Annotated[str, msgspec.Meta(max_length=500)] | None = None
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None


class OverrideOut(msgspec.Struct, kw_only=True):
    """A modified occurrence as kept; ``recurrence_id`` in UTC (timed) or a date (all-day)."""

    id: UUID
    recurrence_id: str
    summary: str
    description: str | None
    location: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    start_date: date | None
    end_date: date | None
    sequence: int


class EventOut(msgspec.Struct, kw_only=True):
    """An event as kept; ``uid`` is its iCalendar UID."""

    id: UUID
    calendar_id: UUID
    uid: str
    summary: str
    description: str | None
    location: str | None
    all_day: bool
    starts_at: datetime | None
    ends_at: datetime | None
    start_date: date | None
    end_date: date | None
    timezone: str
    rrule: str | None
    exdates: list[str]
    sequence: int
    reminders: list[int] = []
    resources: list[UUID] = []
    overrides: list[OverrideOut] = []


class Occurrence(msgspec.Struct, kw_only=True):
    """One occurrence of an event in a window: ISO dates (all-day) or datetimes."""

    event_id: UUID
    uid: str
    summary: str
    all_day: bool
    start: str
    end: str
    recurrence_id: str | None = None
    """Set when the occurrence was modified: the original start it replaces."""


class FeedOut(msgspec.Struct, kw_only=True):
    """A subscription URL; ``token`` and ``url`` are shown once, at creation."""

    id: UUID
    calendar_id: UUID
    created_at: datetime
    revoked_at: datetime | None = None
    token: str | None = None
    path: str | None = None


def check_timezone(name: str, errors: FieldErrors, key: str = "timezone") -> None:
    """Add an error unless ``name`` is an IANA time zone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        errors.add(key, "must be an IANA time zone such as Europe/Berlin")
    else:
        if name not in available_timezones() and name != "UTC":
            errors.add(key, "must be an IANA time zone such as Europe/Berlin")


def check_event(event: EventOut | EventIn, errors: FieldErrors) -> None:
    """Add the errors of an event's times, recurrence and exclusions (merged values)."""
    _check_times(event, errors)
    if event.timezone is not None:
        check_timezone(event.timezone, errors)
    if event.rrule is not None:
        try:
            vRecur.from_ical(event.rrule)
        except ValueError:
            errors.add("rrule", "must be an RFC 5545 RRULE value such as FREQ=WEEKLY;BYDAY=MO")
    _check_exdates(event, errors)


def _check_times(event: EventOut | EventIn, errors: FieldErrors) -> None:
    if event.all_day:
        if event.start_date is None:
            errors.add("start_date", "is required for an all-day event")
        elif event.end_date is not None and event.end_date <= event.start_date:
            errors.add("end_date", "must be after start_date")
    elif event.starts_at is None or event.ends_at is None:
        errors.add("starts_at", "starts_at and ends_at are required for a timed event")
    elif event.starts_at.tzinfo is None or event.ends_at.tzinfo is None:
        errors.add("starts_at", "must carry a UTC offset")
    elif event.ends_at < event.starts_at:
        errors.add("ends_at", "must not be before starts_at")


def _check_exdates(event: EventOut | EventIn, errors: FieldErrors) -> None:
    for index, value in enumerate(event.exdates):
        try:
            parsed = date.fromisoformat(value) if event.all_day else datetime.fromisoformat(value)
        except ValueError:
            parsed = None
        if parsed is None or (isinstance(parsed, datetime) and parsed.tzinfo is None):
            kind = "an ISO date" if event.all_day else "an ISO datetime with a UTC offset"
            errors.add(f"exdates[{index}]", f"must be {kind}")
