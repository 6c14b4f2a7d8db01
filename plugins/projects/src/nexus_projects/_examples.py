"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

_EMPLOYEE = "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a01"
_TASK = "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a02"
_STAGE = "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a03"

EXAMPLES: dict[str, Any] = {
    "POST /projects": {
        "name": "Website relaunch",
        "customer_ref": "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a00",
        "customer_name": "Adaeze Stores Ltd",
        "manager_id": "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a10",
        "billing_type": "time_and_materials",
        "budget_hours": "320",
        "budget_amount": "48000.00",
        "currency": "EUR",
        "hourly_rate": "150.00",
        "start_date": "2027-01-04",
        "end_date": "2027-03-31",
    },
    "PATCH /projects/{project_id}": {"status": "on_hold", "budget_hours": "360"},
    "POST /projects/{project_id}/stages": {"name": "Review", "is_done": False},
    "POST /projects/{project_id}/tasks": {
        "title": "Design the home page",
        "description": "Wireframes, then the visual design.",
        "priority": "high",
        "assignees": [_EMPLOYEE],
        "start_date": "2027-01-04",
        "due_date": "2027-01-15",
        "estimate_hours": "24",
    },
    "PATCH /tasks/{task_id}": {"priority": "urgent", "due_date": "2027-01-12"},
    "POST /tasks/{task_id}/move": {"stage_id": _STAGE, "position": 0},
    "POST /tasks/{task_id}/dependencies": {"depends_on_id": _TASK},
    "POST /tasks/{task_id}/followers": {"user_id": "0193a1b2-7c4d-7e8f-9a0b-1c2d3e4f5a10"},
    "POST /tasks/{task_id}/checklist": {"text": "Mobile layout", "done": False},
    "PATCH /checklist-items/{item_id}": {"done": True},
    "POST /tasks/{task_id}/comments": {"body": "Wireframes are in the shared folder."},
    "POST /tasks/{task_id}/attachments": {
        "filename": "brief.txt",
        "content_type": "text/plain",
        "content_base64": "VGhlIGJyaWVmLgo=",
    },
    "PUT /projects/{project_id}/members/{employee_id}": {"role": "consultant"},
    "POST /projects/{project_id}/rates": {"role": "consultant", "hourly_rate": "120.00"},
    "POST /projects/{project_id}/time-entries": {
        "employee_id": _EMPLOYEE,
        "day": "2027-01-05",
        "hours": "7.5",
        "description": "Wireframes",
    },
    "POST /projects/{project_id}/milestones": {
        "name": "Design signed off",
        "amount": "12000.00",
        "due_date": "2027-02-01",
    },
    "POST /projects/{project_id}/billing-runs": {"date": "2027-01-31", "until": "2027-01-31"},
}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/projects``."""


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document."""
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
