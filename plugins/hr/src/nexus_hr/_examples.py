"""Example request bodies: the manifest's ``example_payloads`` and the OpenAPI examples.

One dict serves both, so the isolation contract test posts what the OpenAPI document shows.
"""

from __future__ import annotations

from typing import Any

from litestar.enums import RequestEncodingType
from litestar.openapi.spec import Example
from litestar.params import BodyKwarg

__all__ = ("EXAMPLES", "body")

EXAMPLES: dict[str, Any] = {
    "POST /employees": {
        "name": "Ada Lovelace",
        "work_email": "ada@example.com",
        "job_title": "Consultant",
        "hire_date": "2026-01-05",
        "country": "GB",
        "subdivision": "ENG",
        "time_zone": "Europe/London",
    },
    "PATCH /employees/{employee_id}": {"job_title": "Senior consultant"},
    "POST /employees/{employee_id}/terminate": {
        "termination_date": "2026-12-31",
        "reason": "Resigned",
    },
    "POST /employees/{employee_id}/rehire": {"hire_date": "2027-03-01"},
    "POST /departments": {"name": "Consulting"},
    "PATCH /departments/{department_id}": {"name": "Advisory"},
    "POST /positions": {"name": "Consultant", "description": "Client work"},
    "PATCH /positions/{position_id}": {"name": "Senior consultant"},
    "POST /schedules": {
        "name": "Part time 24h",
        "time_zone": "Europe/London",
        "monday_hours": "8.00",
        "tuesday_hours": "8.00",
        "wednesday_hours": "8.00",
    },
    "PATCH /schedules/{schedule_id}": {"friday_hours": "0.00"},
    "POST /employees/{employee_id}/contracts": {
        "start_date": "2026-01-05",
        "contract_type": "permanent",
        "wage": "4200.00",
        "currency": "GBP",
        "wage_type": "monthly",
    },
    "POST /contracts/{contract_id}/end": {"end_date": "2026-12-31"},
    "PUT /employees/{employee_id}/personal": {
        "birth_date": "1990-12-10",
        "national_id": "QQ123456C",
        "private_address": "12 St James's Square, London",
        "private_phone": "+44 20 7946 0000",
        "private_email": "ada@home.example",
        "bank_account": "GB33BUKB20201555555555",
    },
    "POST /employees/{employee_id}/emergency-contacts": {
        "name": "William King",
        "relationship": "Partner",
        "phone": "+44 20 7946 0001",
    },
    "POST /checklist-templates": {
        "name": "Onboarding",
        "kind": "onboarding",
        "automatic": True,
        "tasks": [
            {"title": "Prepare a laptop", "assignee_role": "hr", "due_offset_days": -3},
            {"title": "Welcome lunch", "assignee_role": "manager", "due_offset_days": 0},
            {"title": "Read the handbook", "assignee_role": "employee", "due_offset_days": 7},
        ],
    },
    "POST /employees/{employee_id}/checklists": {
        "template_id": "01938f5e-0000-7000-8000-000000000000",
        "start_date": "2026-01-05",
    },
    "POST /payruns": {
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "pay_date": "2026-11-30",
    },
    "POST /payruns/{payrun_id}/payslips/{employee_id}/send": {"to": "ada@home.example"},
}
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
