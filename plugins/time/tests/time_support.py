"""Helpers shared by the Time tests."""

from __future__ import annotations

import uuid
from typing import Any

API = "/api/v1/time"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def employee(client: Any, tenant: Any, zone: str = "Europe/London", **fields: Any) -> str:
    body = {"name": fields.pop("name", "Ada"), "time_zone": zone, **fields}
    return str(ok(client.post(f"{API}/employees", json=body, headers=tenant.headers), 201)["id"])


def punch(client: Any, tenant: Any, employee_id: str, action: str, at: str) -> Any:
    return client.post(
        f"{API}/employees/{employee_id}/{action}", json={"at": at}, headers=tenant.headers
    )


def shift(
    client: Any,
    tenant: Any,
    employee_id: str,
    *,
    start: str,
    end: str,
    breaks: tuple[tuple[str, str], ...] = (),
) -> dict[str, Any]:
    """Clock a whole span (with breaks) and answer the closed record."""
    ok(punch(client, tenant, employee_id, "clock/in", start), 201)
    for begin, finish in breaks:
        ok(punch(client, tenant, employee_id, "breaks/start", begin), 201)
        ok(punch(client, tenant, employee_id, "breaks/end", finish), 201)
    result: dict[str, Any] = ok(punch(client, tenant, employee_id, "clock/out", end), 201)
    return result


def hr_event(client: Any, tenant: Any, event_type: str, data: dict[str, Any]) -> None:
    ok(
        client.post(
            "/api/v1/hr/publish", json={"type": event_type, "data": data}, headers=tenant.headers
        )
    )


def hired(employee_id: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "employee_id": employee_id or str(uuid.uuid4()),
        "user_id": None,
        "name": "Grace Hopper",
        "work_email": "grace@example.com",
        "department_id": None,
        "manager_id": None,
        "job_title": "Engineer",
        "hire_date": "2026-03-01",
        "country": "GB",
        "time_zone": "Europe/London",
        **fields,
    }
