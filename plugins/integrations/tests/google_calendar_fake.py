"""A fake Google Calendar API (v3) for ``FakeGoogle``: one calendar's events, as documented.

``GET /calendar/v3/calendars/{calendarId}/events`` with ``maxResults``, ``pageToken`` and
``syncToken``: a full listing leaves cancelled events out, an incremental one (only what
changed since the token) has them with ``status: cancelled``; the last page carries
``nextSyncToken``; a token older than ``expire_tokens()`` answers 410 ``fullSyncRequired``.
``POST …/events`` inserts; ``PUT …/events/{eventId}`` replaces, refused 412
``conditionNotMet`` when ``If-Match`` is not the event's etag. Times come back in the
event's ``timeZone`` (as Google formats them), not as sent.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ("FakeCalendar",)

_PREFIX = "/calendar/v3/calendars/"


def _error(code: int, reason: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "errors": [{"domain": "global", "reason": reason, "message": message}],
        }
    }


def _local(when: dict[str, Any]) -> dict[str, Any]:
    if "dateTime" not in when or not when.get("timeZone"):
        return dict(when)
    moved = datetime.fromisoformat(when["dateTime"]).astimezone(ZoneInfo(when["timeZone"]))
    return {**when, "dateTime": moved.isoformat()}


class FakeCalendar:
    """The events of the calendars named in the path (``primary`` or any id)."""

    _FIELDS = ("summary", "description", "location", "recurrence", "extendedProperties")

    def __init__(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}
        self.changed: dict[str, int] = {}
        self.seq = 0
        self.oldest_token = 0

    def _touch(self, event_id: str) -> dict[str, Any]:
        self.seq += 1
        self.changed[event_id] = self.seq
        event = self.events[event_id]
        event["etag"] = f'"{3181159875584000 + self.seq}"'
        event["updated"] = f"2026-12-07T12:00:{self.seq % 60:02d}.000Z"
        return event

    def _keep(self, event_id: str, body: dict[str, Any]) -> dict[str, Any]:
        event = self.events.setdefault(
            event_id, {"kind": "calendar#event", "id": event_id, "status": "confirmed"}
        )
        for key in self._FIELDS:
            event.pop(key, None)
            if key in body:
                event[key] = body[key]
        event["start"], event["end"] = _local(body["start"]), _local(body["end"])
        event["iCalUID"] = f"{event_id}@google.com"
        return dict(self._touch(event_id))

    def add(self, summary: str, start: dict[str, Any], end: dict[str, Any], **more: Any) -> str:
        """An event made in Google (by the user there); answers its id."""
        event_id = uuid.uuid4().hex
        self._keep(event_id, {"summary": summary, "start": start, "end": end, **more})
        return event_id

    def edit(self, event_id: str, **fields: Any) -> None:
        """Change an event in Google (new etag, in the next incremental sync)."""
        self.events[event_id].update(fields)
        self._touch(event_id)

    def cancel(self, event_id: str) -> None:
        """Delete an event in Google: it stays, ``cancelled``, for incremental syncs."""
        self.events[event_id]["status"] = "cancelled"
        self._touch(event_id)

    def expire_tokens(self) -> None:
        """Make every sync token handed out so far expired (410 from then on)."""
        self.oldest_token = self.seq + 1

    def by_summary(self, summary: str) -> list[dict[str, Any]]:
        return [e for e in self.events.values() if e.get("summary") == summary]

    def handles(self, path: str) -> bool:
        return path.startswith(_PREFIX)

    def api(
        self, method: str, path: str, query: dict[str, str], body: Any, headers: Any
    ) -> tuple[int, Any]:
        parts = path.removeprefix(_PREFIX).split("/")
        if len(parts) == 2 and parts[1] == "events" and method == "GET":
            return self._list(query)
        if len(parts) == 2 and parts[1] == "events" and method == "POST":
            return 200, self._keep(uuid.uuid4().hex, body)
        if len(parts) == 3 and parts[1] == "events" and method == "PUT":
            event = self.events.get(parts[2])
            if event is None:
                return 404, _error(404, "notFound", "Not Found")
            match = headers.get("If-Match")
            if match and match != event["etag"]:
                return 412, _error(412, "conditionNotMet", "Precondition Failed")
            return 200, self._keep(parts[2], body)
        return 404, _error(404, "notFound", "Not Found")

    def _list(self, query: dict[str, str]) -> tuple[int, Any]:
        token = query.get("syncToken")
        if token is not None and int(token) < self.oldest_token:
            message = "Sync token is no longer valid, a full sync is required."
            return 410, _error(410, "fullSyncRequired", message)
        since = int(token or 0)
        ids = sorted((i for i, s in self.changed.items() if s > since), key=self.changed.get)
        if token is None:
            ids = [i for i in ids if self.events[i]["status"] != "cancelled"]
        size = int(query.get("maxResults") or 250)
        start = int(query.get("pageToken") or 0)
        answer: dict[str, Any] = {
            "kind": "calendar#events",
            "items": [self.events[i] for i in ids[start : start + size]],
        }
        if start + size < len(ids):
            answer["nextPageToken"] = str(start + size)
        else:
            answer["nextSyncToken"] = str(self.seq)
        return 200, answer
