"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_PUNCH = {"at": "2026-03-23T08:58:00+00:00"}

EXAMPLES: dict[str, Any] = {
    "POST /employees": {"name": "Ada Lovelace", "time_zone": "Europe/London"},
    "PATCH /employees/{employee_id}": {"time_zone": "Africa/Lagos"},
    "PUT /employees/{employee_id}/pin": {"pin": "4821"},
    "POST /employees/{employee_id}/clock/in": _PUNCH,
    "POST /employees/{employee_id}/clock/out": {"at": "2026-03-23T17:05:00+00:00"},
    "POST /employees/{employee_id}/breaks/start": {"at": "2026-03-23T12:00:00+00:00"},
    "POST /employees/{employee_id}/breaks/end": {"at": "2026-03-23T12:30:00+00:00"},
    "POST /employees/{employee_id}/roster": {
        "shift_id": "0190f5a2-7c1e-7a00-8000-000000000001",
        "date": "2026-03-23",
    },
    "POST /employees/{employee_id}/entries": {
        "date": "2026-03-23",
        "hours": "2.5",
        "activity": "client workshop",
    },
    "POST /employees/{employee_id}/timesheets": {"week_start": "2026-03-23"},
    "POST /clock/in": {"latitude": "51.507400", "longitude": "-0.127800"},
    "POST /clock/out": {},
    "POST /clock/breaks/start": {},
    "POST /clock/breaks/end": {},
    "POST /attendance/{attendance_id}/corrections": {
        "clock_in": "2026-03-23T09:00:00+00:00",
        "clock_out": "2026-03-23T17:00:00+00:00",
        "reason": "Forgot to clock out",
    },
    "POST /corrections/{correction_id}/approve": {"note": "Checked with the team lead"},
    "POST /corrections/{correction_id}/reject": {"note": "The door log shows 17:40"},
    "POST /schedules": {
        "name": "Standard week",
        "daily_threshold_hours": "8",
        "weekly_threshold_hours": "40",
        "grace_minutes": 5,
    },
    "PATCH /schedules/{schedule_id}": {"grace_minutes": 10},
    "POST /shifts": {"name": "Early", "start": "06:00:00", "end": "14:00:00"},
    "PATCH /entries/{entry_id}": {"hours": "3"},
    "POST /timesheets/{timesheet_id}/reject": {"note": "Tuesday is missing"},
    "POST /kiosk/punch": {"employee_id": "0190f5a2-7c1e-7a00-8000-000000000002", "pin": "4821"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/time``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document.

    Use as ``data: Annotated[EmployeeCreate, body("POST /employees", "A new employee")]``.
    """
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
