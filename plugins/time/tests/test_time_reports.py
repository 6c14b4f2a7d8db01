"""Reports: attendance, overtime and absences (joined with HR's approved leave), CSV."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import EventWorkerHarness
from time_support import API, employee, hired, hr_event, ok, problem, shift

MONDAY, FRIDAY = "2026-03-23", "2026-03-27"


def planned_week(client: Any, tenant: Any, **fields: Any) -> str:
    """Rostered 09:00-17:00 Monday to Friday; worked Mon, Tue (20 min late), Wed."""
    ada = employee(client, tenant, **fields)
    day_shift = ok(
        client.post(
            f"{API}/shifts",
            json={"name": "Day", "start": "09:00:00", "end": "17:00:00", "time_zone": "UTC"},
            headers=tenant.headers,
        ),
        201,
    )
    for day in range(23, 28):
        ok(
            client.post(
                f"{API}/employees/{ada}/roster",
                json={"shift_id": day_shift["id"], "date": f"2026-03-{day}"},
                headers=tenant.headers,
            ),
            201,
        )
    shift(client, tenant, ada, start="2026-03-23T09:00:00+00:00", end="2026-03-23T18:00:00+00:00")
    shift(client, tenant, ada, start="2026-03-24T09:20:00+00:00", end="2026-03-24T17:00:00+00:00")
    shift(client, tenant, ada, start="2026-03-25T08:55:00+00:00", end="2026-03-25T17:00:00+00:00")
    return ada


def report(client: Any, tenant: Any, name: str, **params: Any) -> Any:
    query = {"date_from": MONDAY, "date_to": FRIDAY, **params}
    return client.get(f"{API}/reports/{name}", params=query, headers=tenant.headers)


def leave(ada: str, request_id: str) -> dict[str, Any]:
    return {
        "request_id": request_id,
        "employee_id": ada,
        "leave_type_id": str(uuid.uuid4()),
        "leave_type": "Annual leave",
        "paid": True,
        "date_from": "2026-03-26",
        "date_to": "2026-03-26",
        "days": "1",
        "hours": "8",
        "half_day_start": False,
        "half_day_end": False,
    }


def test_attendance_and_absences_join_approved_leave(client: Any, tenant: Any) -> None:
    ada = planned_week(client, tenant)
    request_id = str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        hr_event(client, tenant, "hr.leave.approved.v1", leave(ada, request_id))
        worker.wait_handled("time", 1)

    [row] = ok(report(client, tenant, "attendance"))["rows"]
    assert row == {
        "employee_id": ada,
        "name": "Ada",
        "department_id": None,
        "days_present": 3,
        "worked_hours": "24.75",
        "overtime_hours": "1.08",  # Monday 1 h and Wednesday 5 min over 8 h
        "late_arrivals": 1,
        "late_minutes": 20,
        "leave_days": 1,
        "open_records": 0,
    }
    absences = ok(report(client, tenant, "absences"))["rows"]
    assert [(a["date"], a["kind"], a["leave_type"]) for a in absences] == [
        ("2026-03-26", "leave", "Annual leave"),
        ("2026-03-27", "unexplained", None),
    ]

    with EventWorkerHarness(client) as worker:
        hr_event(
            client,
            tenant,
            "hr.leave.cancelled.v1",
            {"request_id": request_id, "employee_id": ada},
        )
        worker.wait_handled("time", 1)
    absences = ok(report(client, tenant, "absences"))["rows"]
    assert [(a["date"], a["kind"]) for a in absences] == [
        ("2026-03-26", "unexplained"),
        ("2026-03-27", "unexplained"),
    ]


def test_reports_answer_csv(client: Any, tenant: Any) -> None:
    planned_week(client, tenant, name="=cmd|Ada")
    response = report(client, tenant, "attendance", format="csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    lines = response.text.splitlines()
    assert lines[0].split(",")[:5] == [
        "employee_id",
        "name",
        "department_id",
        "days_present",
        "worked_hours",
    ]
    assert len(lines) == 2
    assert ",'=cmd|Ada,," in lines[1]  # a formula-looking cell is quoted
    absences = report(client, tenant, "absences", format="csv").text.splitlines()
    assert absences[0] == "employee_id,name,date,kind,leave_type"
    assert absences[1].endswith(",2026-03-26,unexplained,")


def test_overtime_follows_the_employees_schedule(client: Any, tenant: Any) -> None:
    strict = ok(
        client.post(
            f"{API}/schedules",
            json={"name": "Short days", "daily_threshold_hours": "7.5", "grace_minutes": 30},
            headers=tenant.headers,
        ),
        201,
    )
    ada = planned_week(client, tenant, schedule_id=strict["id"])
    [week] = ok(report(client, tenant, "overtime"))["rows"]
    # Monday 9 h, Tuesday 7 h 40, Wednesday 8 h 05 over 7.5 h a day: 1.5 + 0.17 + 0.58.
    assert (week["week_start"], week["worked_hours"], week["overtime_hours"]) == (
        MONDAY,
        "24.75",
        "2.25",
    )
    assert (week["daily_threshold_hours"], week["weekly_threshold_hours"]) == ("7.50", "40")
    [row] = ok(report(client, tenant, "attendance", employee_id=ada))["rows"]
    assert row["late_arrivals"] == 0  # 20 minutes is within this schedule's grace


def test_a_team_report_shows_only_that_department(client: Any, tenant: Any) -> None:
    team = str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        hr_event(client, tenant, "hr.employee.hired.v1", hired(department_id=team))
        worker.wait_handled("time", 1)
    employee(client, tenant, name="Elsewhere")
    rows = ok(report(client, tenant, "attendance", department_id=team))["rows"]
    assert [r["name"] for r in rows] == ["Grace Hopper"]


def test_an_empty_csv_report_still_has_its_header(client: Any, tenant: Any) -> None:
    response = report(client, tenant, "overtime", format="csv")
    assert response.text.splitlines() == [
        "employee_id,name,week_start,worked_hours,overtime_hours,daily_threshold_hours,"
        "weekly_threshold_hours"
    ]


def test_a_bad_period_is_refused(client: Any, tenant: Any) -> None:
    refused = problem(report(client, tenant, "attendance", date_to="2026-03-01"), 422)
    assert "date_to" in str(refused)
    problem(report(client, tenant, "overtime", date_to="2027-06-01"), 422)
    problem(report(client, tenant, "absences", date_from="0001-01-01"), 422)
