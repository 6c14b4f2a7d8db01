"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {}
"""Keyed as ``example_payloads`` wants them: method and path below ``/api/v1/hr``."""

_LEAVE_TYPE = "0193a5b0-7e1f-7c3a-9d2e-4f5a6b7c8d9e"

# Leave (``_routes_leave.py``).
EXAMPLES |= {
    "POST /leave/types": {
        "name": "Study leave",
        "paid": True,
        "requires_allocation": True,
        "approval": "manager_then_hr",
    },
    "PATCH /leave/types/{leave_type_id}": {"approval": "manager_then_hr"},
    "POST /leave/types/{leave_type_id}/accrual-rules": {
        "name": "25 days a year",
        "days_per_month": "2.08",
        "yearly_cap": "25",
        "carry_over_limit": "5",
    },
    "PATCH /leave/accrual-rules/{rule_id}": {"yearly_cap": "30"},
    "POST /employees/{employee_id}/leave-allocations": {
        "leave_type_id": _LEAVE_TYPE,
        "days": "25",
        "period_start": "2026-01-01",
        "period_end": "2026-12-31",
    },
    "POST /employees/{employee_id}/leave-requests": {
        "leave_type_id": _LEAVE_TYPE,
        "date_from": "2026-12-23",
        "date_to": "2026-12-29",
        "reason": "Christmas with family",
    },
    "POST /leave/my/requests": {
        "leave_type_id": _LEAVE_TYPE,
        "date_from": "2026-08-03",
        "date_to": "2026-08-05",
        "half_day_end": True,
        "reason": "Family trip",
    },
    "POST /leave/requests/{request_id}/reject": {"reason": "Too many people away that week"},
    "POST /leave/team/requests/{request_id}/reject": {"reason": "Release week"},
}


def body(route: str, summary: str) -> BodyKwarg:
    """A JSON body parameter carrying the example of ``route`` into the OpenAPI document.

    Use as ``data: Annotated[EmployeeIn, body("POST /employees", "A new hire")]``.
    """
    return BodyKwarg(
        media_type=RequestEncodingType.JSON,
        examples=[Example(summary=summary, value=EXAMPLES[route])],
    )
