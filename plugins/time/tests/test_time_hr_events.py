"""HR's events, delivered by the event worker: the roster and the absences it keeps."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import EventWorkerHarness
from time_support import API, hired, hr_event, ok, problem, punch

CONSUMER = "time"


def test_the_roster_follows_hired_updated_and_terminated(client: Any, tenant: Any) -> None:
    grace = str(uuid.uuid4())
    user = str(uuid.uuid4())
    team = str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        hr_event(
            client,
            tenant,
            "hr.employee.hired.v1",
            hired(grace, user_id=user, department_id=team, time_zone="Africa/Lagos"),
        )
        worker.wait_handled(CONSUMER, 1)
    shown = ok(client.get(f"{API}/employees/{grace}", headers=tenant.headers))
    assert (shown["name"], shown["time_zone"], shown["source"], shown["active"]) == (
        "Grace Hopper",
        "Africa/Lagos",
        "hr",
        True,
    )
    assert (shown["user_id"], shown["department_id"]) == (user, team)

    with EventWorkerHarness(client) as worker:
        hr_event(
            client,
            tenant,
            "hr.employee.updated.v1",
            hired(grace, name="Grace B. Hopper", time_zone="Europe/London", user_id=user),
        )
        hr_event(
            client,
            tenant,
            "hr.employee.terminated.v1",
            {
                "employee_id": grace,
                "user_id": user,
                "termination_date": "2026-04-30",
                "reason": None,
            },
        )
        worker.wait_handled(CONSUMER, 2)
    shown = ok(client.get(f"{API}/employees/{grace}", headers=tenant.headers))
    assert (shown["name"], shown["time_zone"], shown["active"]) == (
        "Grace B. Hopper",
        "Europe/London",
        False,
    )
    refused = problem(punch(client, tenant, grace, "clock/in", "2026-04-01T09:00:00+00:00"), 409)
    assert "not active" in refused["detail"]

    # A re-hire makes them active again; a late "updated" does not undo a termination.
    with EventWorkerHarness(client) as worker:
        hr_event(client, tenant, "hr.employee.hired.v1", hired(grace, hire_date="2026-06-01"))
        worker.wait_handled(CONSUMER, 1)
    assert ok(client.get(f"{API}/employees/{grace}", headers=tenant.headers))["active"] is True


def test_a_malformed_hr_event_is_ignored(client: Any, tenant: Any) -> None:
    with EventWorkerHarness(client) as worker:
        hr_event(client, tenant, "hr.employee.hired.v1", {"employee_id": "not-a-uuid"})
        hr_event(client, tenant, "hr.leave.approved.v1", {"request_id": str(uuid.uuid4())})
        hr_event(client, tenant, "hr.employee.hired.v1", hired(time_zone="Not/AZone", name="Zoe"))
        worker.wait_handled(CONSUMER, 3)
    [zoe] = ok(client.get(f"{API}/employees", headers=tenant.headers))["items"]
    assert (zoe["name"], zoe["time_zone"]) == ("Zoe", "UTC")
