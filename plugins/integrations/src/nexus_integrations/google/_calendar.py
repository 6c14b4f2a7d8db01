"""Google Calendar events ⇄ a shared Nexus calendar, two-way, with sync tokens and etags.

Field mapping (``from_event``/``to_event``): ``summary``, ``description``, ``location``
as they are; a timed event's ``start.dateTime``/``end.dateTime`` ⇄ ``starts_at``/``ends_at``
(instants, compared in UTC) and ``start.timeZone`` ⇄ ``timezone``; an all-day event's
``start.date``/``end.date`` ⇄ ``start_date``/``end_date`` (exclusive, as both keep it);
the ``RRULE:`` line of ``recurrence`` ⇄ ``rrule``. Pull: ``events.list`` with the cursor
``events`` as ``syncToken`` (410: everything again; the external-id map leaves what is
known alone). Push: the calendar's events changed since the cursor ``calendar.event``
(``calendar.events.list``) go to ``events.insert`` (carrying the Nexus id in
``extendedProperties.private``, so a lost answer never duplicates an event) or to
``events.update`` with the etag last seen in ``If-Match`` (a stale one is a conflict the
next pull settles). Not synced: events cancelled in Google (left in Nexus), modified
occurrences of a recurring event (Google's instances with ``recurringEventId``), and the
other ``recurrence`` lines (EXDATE, RDATE).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003 - msgspec reads it at run time

import msgspec

from nexus_integrations._connector import Fetched, Item, Outgoing, Pushed
from nexus_integrations.google._calendar_client import CalendarClient, SyncTokenExpired
from nexus_integrations.google._client import StaleEtag

if TYPE_CHECKING:
    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations.google._client import GoogleConfig

__all__ = ("EVENTS", "GoogleCalendar", "from_event", "to_event")

EVENTS = "events"
NEXUS_CURSOR = "calendar.event"
_NEXUS_KEY = "nexus_id"


class _Event(msgspec.Struct):
    id: UUID
    calendar_id: UUID
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
    updated_at: datetime


def _utc(value: str | None) -> str | None:
    return datetime.fromisoformat(value).astimezone(UTC).isoformat() if value else None


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] or None if value else None


def from_event(event: dict[str, Any], calendar_id: UUID) -> dict[str, Any]:
    """A Google event's data in the Nexus event's shape."""
    start, end = event.get("start") or {}, event.get("end") or {}
    all_day = "date" in start
    rules = [r for r in event.get("recurrence") or [] if r.startswith("RRULE:")]
    return {
        "calendar_id": str(calendar_id),
        "summary": _text(event.get("summary"), 200) or "(no title)",
        "description": _text(event.get("description"), 5000),
        "location": _text(event.get("location"), 500),
        "all_day": all_day,
        "starts_at": None if all_day else _utc(start.get("dateTime")),
        "ends_at": None if all_day else _utc(end.get("dateTime")),
        "start_date": start.get("date"),
        "end_date": end.get("date"),
        "timezone": None if all_day else start.get("timeZone"),
        "rrule": rules[0].removeprefix("RRULE:")[:500] if rules else None,
    }


def to_event(data: dict[str, Any], *, nexus_id: UUID) -> dict[str, Any]:
    """A Nexus event's data as a Google event (the whole of it: ``events.update`` replaces)."""
    if data["all_day"]:
        start, end = {"date": data["start_date"]}, {"date": data["end_date"]}
    else:
        start = {"dateTime": data["starts_at"], "timeZone": data["timezone"]}
        end = {"dateTime": data["ends_at"], "timeZone": data["timezone"]}
    event: dict[str, Any] = {
        "summary": data["summary"],
        "start": start,
        "end": end,
        "recurrence": [f"RRULE:{data['rrule']}"] if data["rrule"] else [],
        "extendedProperties": {"private": {_NEXUS_KEY: str(nexus_id)}},
    }
    for key in ("description", "location"):
        if data[key]:
            event[key] = data[key]
    return event


def _local(event: _Event) -> dict[str, Any]:
    def iso(value: date | None) -> str | None:
        return value.isoformat() if value else None

    return {
        "calendar_id": str(event.calendar_id),
        "summary": event.summary,
        "description": event.description,
        "location": event.location,
        "all_day": event.all_day,
        "starts_at": iso(event.starts_at.astimezone(UTC)) if event.starts_at else None,
        "ends_at": iso(event.ends_at.astimezone(UTC)) if event.ends_at else None,
        "start_date": iso(event.start_date),
        "end_date": iso(event.end_date),
        "timezone": None if event.all_day else event.timezone,
        "rrule": event.rrule,
    }


def _hint(event: dict[str, Any]) -> str | None:
    private = (event.get("extendedProperties") or {}).get("private") or {}
    found = private.get(_NEXUS_KEY)
    return str(found) if found else None


class GoogleCalendar:
    """One Google calendar ⇄ the connection's shared Nexus calendar (``calendar_id``)."""

    def fetch(self, config: GoogleConfig, cursors: dict[str, str]) -> Fetched:
        """The events changed in Google since the sync token (every one after a 410)."""
        assert config.calendar_id is not None
        client = CalendarClient(config)
        try:
            events, token = client.events(cursors.get(EVENTS))
        except SyncTokenExpired:
            events, token = client.events(None)
        items = []
        for event in events:
            if event.get("status") == "cancelled" or event.get("recurringEventId"):
                continue
            data = from_event(event, config.calendar_id)
            items.append(
                Item(
                    object=EVENTS,
                    remote_id=event["id"],
                    label=data["summary"],
                    data=data,
                    version=event.get("etag"),
                    hint=_hint(event),
                )
            )
        return Fetched(items=items, cursors={EVENTS: token} if token else {})

    async def _events(
        self, conn: Connection, services: Services, request: dict[str, Any]
    ) -> list[_Event]:
        found: list[_Event] = await services.call(
            conn, "calendar.events.list", request, result=list[_Event]
        )
        return found

    async def write(self, item: Item, *, conn: Connection, services: Services) -> UUID:
        """A new Nexus event."""
        saved = await services.call(conn, "calendar.events.upsert", item.data, result=_Event)
        return saved.id

    async def current(
        self, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> dict[str, Any] | None:
        """The Nexus event's data (None when it was deleted)."""
        found = await self._events(conn, services, {"ids": [str(nexus_id)]})
        return _local(found[0]) if found else None

    async def update(
        self, item: Item, nexus_id: UUID, *, conn: Connection, services: Services
    ) -> None:
        """Apply Google's change to the Nexus event."""
        request = {"id": str(nexus_id), **item.data}
        await services.call(conn, "calendar.events.upsert", request, result=_Event)

    async def outgoing(
        self, config: GoogleConfig, cursors: dict[str, str], *, conn: Connection, services: Services
    ) -> tuple[list[Outgoing], dict[str, str]]:
        """The calendar's events changed since the cursor ``calendar.event`` (``time|id``)."""
        point = cursors.get(NEXUS_CURSOR)
        changes: list[Outgoing] = []
        while True:
            request: dict[str, Any] = {"calendar_id": str(config.calendar_id), "limit": 1000}
            if point:
                after_time, after_id = point.split("|")
                request.update(after_time=after_time, after_id=after_id)
            page = await self._events(conn, services, request)
            changes.extend(
                Outgoing(object=EVENTS, nexus_id=e.id, label=e.summary, data=_local(e))
                for e in page
            )
            if page:
                point = f"{page[-1].updated_at.isoformat()}|{page[-1].id}"
            if len(page) < 1000:
                return changes, ({NEXUS_CURSOR: point} if point else {})

    def push(self, config: GoogleConfig, changes: list[Outgoing]) -> list[Pushed]:
        """Insert or update each event in Google."""
        assert config.calendar_id is not None
        client = CalendarClient(config)
        pushed = []
        for change in changes:
            body = to_event(change.data, nexus_id=change.nexus_id)
            try:
                if change.remote_id is None:
                    answer = client.insert(body)
                else:
                    answer = client.update(change.remote_id, body, change.version)
            except StaleEtag:
                pushed.append(Pushed(outgoing=change, conflict=True))
                continue
            pushed.append(
                Pushed(
                    outgoing=change,
                    remote_id=answer["id"],
                    version=answer.get("etag"),
                    data=from_event(answer, config.calendar_id),
                )
            )
        return pushed
