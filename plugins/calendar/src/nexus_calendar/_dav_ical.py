"""An iCalendar object a CalDAV client PUTs, read into the columns of ``calendar_event``.

The master VEVENT is kept (UID, SUMMARY, DESCRIPTION, LOCATION, DTSTART/DTEND or DURATION
in its TZID, RRULE, EXDATE), and each overridden instance (a VEVENT with ``RECURRENCE-ID``)
as a modified occurrence of it.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
from icalendar import Calendar as VCalendar
from nexus_hookspecs.http import FieldErrors

from nexus_calendar._ics import recurrence_key
from nexus_calendar._model import EventIn, OverrideIn, check_event

__all__ = ("parse_event",)


def _zone_of(value: datetime, fallback: str) -> tuple[datetime, str]:
    if value.tzinfo is None:
        return value.replace(tzinfo=ZoneInfo(fallback)), fallback
    key = getattr(value.tzinfo, "key", None)
    return value, key if isinstance(key, str) else "UTC"


def _exdates(vevent: Any, all_day: bool, zone: str) -> list[str]:
    found: list[str] = []
    raw = vevent.get("EXDATE")
    for entry in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        for value in entry.dts:
            moment = value.dt
            if all_day or not isinstance(moment, datetime):
                found.append(
                    moment.isoformat()
                    if not isinstance(moment, datetime)
                    else moment.date().isoformat()
                )
            else:
                found.append(_zone_of(moment, zone)[0].isoformat())
    return found


def _times(vevent: Any, calendar_zone: str) -> tuple[dict[str, Any], str]:
    """The start and end columns of a VEVENT, and the time zone they are shown in."""
    start = vevent.decoded("DTSTART")
    if vevent.get("DTEND") is not None:
        end = vevent.decoded("DTEND")
    elif vevent.get("DURATION") is not None:
        end = start + vevent.decoded("DURATION")
    else:
        end = start + timedelta(days=1) if not isinstance(start, datetime) else start
    if not isinstance(start, datetime):
        assert isinstance(start, date)
        return {"all_day": True, "start_date": start, "end_date": end}, calendar_zone
    start, zone = _zone_of(start, calendar_zone)
    end = _zone_of(end, zone)[0] if isinstance(end, datetime) else start
    return {"starts_at": start, "ends_at": end}, zone


def _instance(vevent: Any, zone: str) -> OverrideIn:
    """An overridden instance: its RECURRENCE-ID, texts and times."""
    if vevent.get("DTSTART") is None:
        raise ValueError("an overridden instance needs DTSTART")
    original = vevent.decoded("RECURRENCE-ID")
    if isinstance(original, datetime):
        original = _zone_of(original, zone)[0]
    times, _ = _times(vevent, zone)
    times.pop("all_day", None)
    return OverrideIn(
        recurrence_id=recurrence_key(original),
        summary=str(vevent.get("SUMMARY") or "(no title)")[:200],
        description=str(vevent["DESCRIPTION"]) if vevent.get("DESCRIPTION") else None,
        location=str(vevent["LOCATION"])[:500] if vevent.get("LOCATION") else None,
        **times,
    )


def parse_event(text: str, calendar_zone: str) -> tuple[str, EventIn, list[OverrideIn]]:
    """The UID, the event and its overridden instances of an iCalendar object.

    Raises:
        ValueError: when it is not a valid event.
    """
    try:
        cal = VCalendar.from_ical(text)
    except Exception as exc:  # noqa: BLE001 - icalendar raises various errors on bad input
        raise ValueError(f"not iCalendar: {exc}") from None
    masters = [c for c in cal.walk("VEVENT") if c.get("RECURRENCE-ID") is None]
    if not masters:
        raise ValueError("only VEVENTs are kept in a Nexus calendar")
    vevent = masters[0]
    if vevent.get("DTSTART") is None:
        raise ValueError("an event needs DTSTART")
    fields: dict[str, Any] = {
        "summary": str(vevent.get("SUMMARY") or "(no title)")[:200],
        "description": str(vevent["DESCRIPTION"]) if vevent.get("DESCRIPTION") else None,
        "location": str(vevent["LOCATION"]) if vevent.get("LOCATION") else None,
    }
    times, zone = _times(vevent, calendar_zone)
    all_day = bool(times.get("all_day"))
    fields.update(times)
    fields["timezone"] = zone
    if vevent.get("RRULE") is not None:
        rule = vevent["RRULE"].to_ical()
        fields["rrule"] = rule.decode() if isinstance(rule, bytes) else str(rule)
    fields["exdates"] = _exdates(vevent, all_day, zone)
    event = msgspec.structs.replace(EventIn(summary=fields.pop("summary")), **fields)
    errors = FieldErrors()
    check_event(event, errors)
    if errors:
        raise ValueError("not a valid event")
    instances = [c for c in cal.walk("VEVENT") if c.get("RECURRENCE-ID") is not None]
    overrides = [_instance(c, zone) for c in instances] if event.rrule else []
    if any((o.start_date is not None) != all_day for o in overrides):
        raise ValueError("an overridden instance must be all-day exactly when its event is")
    return str(vevent.get("UID") or ""), event, overrides
