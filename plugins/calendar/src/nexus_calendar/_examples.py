"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples."""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {
    "POST /calendars": {"name": "Team", "timezone": "Africa/Lagos"},
    "POST /calendars/{calendar_id}/events": {
        "summary": "Weekly stand-up",
        "starts_at": "2026-12-07T09:00:00+01:00",
        "ends_at": "2026-12-07T09:15:00+01:00",
        "timezone": "Africa/Lagos",
        "rrule": "FREQ=WEEKLY;BYDAY=MO",
        "exdates": ["2026-12-28T09:00:00+01:00"],
        "reminders": [15],
    },
    "PATCH /events/{event_id}": {"location": "Room 2"},
    "POST /events/{event_id}/overrides": {
        "recurrence_id": "2026-12-21T09:00:00+01:00",
        "summary": "Stand-up (moved)",
        "starts_at": "2026-12-21T11:00:00+01:00",
        "ends_at": "2026-12-21T11:15:00+01:00",
    },
    "POST /events/{event_id}/attendees": {"email": "ada@example.com", "name": "Ada Obi"},
    "POST /events/{event_id}/attendees/invitations": {"organizer": "team@example.com"},
    "POST /resources": {"name": "Room 2", "kind": "room", "capacity": 8, "location": "2nd floor"},
    "PATCH /resources/{resource_id}": {"capacity": 10},
    "POST /events/{event_id}/resources": {"resource_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c11"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/calendar``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
