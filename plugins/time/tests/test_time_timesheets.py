"""Weekly timesheets: lines from entries and attendance, submit, approve (locked), events."""

from __future__ import annotations

from typing import Any

from nexus.testing import outbox_events
from time_support import API, employee, ok, problem, punch, shift

WEEK = "2026-03-23"


def week_of_work(client: Any, tenant: Any) -> tuple[str, dict[str, Any]]:
    ada = employee(client, tenant)
    entry = ok(
        client.post(
            f"{API}/employees/{ada}/entries",
            json={"date": WEEK, "hours": "2.5", "project_ref": "PRJ-1", "task_ref": "T-9"},
            headers=tenant.headers,
        ),
        201,
    )
    shift(client, tenant, ada, start="2026-03-24T09:00:00+00:00", end="2026-03-24T17:15:00+00:00")
    sheet = ok(
        client.post(
            f"{API}/employees/{ada}/timesheets", json={"week_start": WEEK}, headers=tenant.headers
        ),
        201,
    )
    assert sheet["state"] == "draft"
    assert [(line["date"], line["hours"], line["activity"]) for line in sheet["lines"]] == [
        ("2026-03-23", "2.50", None),
        ("2026-03-24", "8.25", "attendance"),
    ]
    assert sheet["lines"][0]["entry_id"] == entry["id"]
    return ada, sheet


def act(client: Any, tenant: Any, sheet: dict[str, Any], action: str, **body: Any) -> Any:
    return client.post(
        f"{API}/timesheets/{sheet['id']}/{action}", json=body or None, headers=tenant.headers
    )


def test_an_approved_timesheet_is_locked_and_published(
    client: Any, tenant: Any, time_db: str
) -> None:
    ada, sheet = week_of_work(client, tenant)
    submitted = ok(act(client, tenant, sheet, "submit"), 201)
    assert submitted["state"] == "submitted"
    # Submitted: the week is locked for entries and clocking.
    locked = client.post(
        f"{API}/employees/{ada}/entries",
        json={"date": "2026-03-25", "hours": "1", "activity": "admin"},
        headers=tenant.headers,
    )
    problem(locked, 409)
    problem(punch(client, tenant, ada, "clock/in", "2026-03-26T09:00:00+00:00"), 409)

    approved = ok(act(client, tenant, sheet, "approve"), 201)
    assert approved["state"] == "approved"
    assert approved["decided_by"] is not None
    assert (approved["total_hours"], approved["overtime_hours"]) == ("10.75", "0.25")
    entry_id = sheet["lines"][0]["entry_id"]
    problem(
        client.patch(f"{API}/entries/{entry_id}", json={"hours": "3"}, headers=tenant.headers), 409
    )
    problem(client.delete(f"{API}/entries/{entry_id}", headers=tenant.headers), 409)
    problem(act(client, tenant, sheet, "approve"), 409)

    [event] = outbox_events(time_db, tenant, "time.timesheet.approved.v1")
    assert event.subject == sheet["id"]
    assert event.data == {
        "timesheet_id": sheet["id"],
        "employee_id": ada,
        "week_start": WEEK,
        "total_hours": "10.75",
        "overtime_hours": "0.25",
        "entries": [
            {
                "date": "2026-03-23",
                "hours": "2.50",
                "activity": None,
                "project_ref": "PRJ-1",
                "task_ref": "T-9",
            },
            {
                "date": "2026-03-24",
                "hours": "8.25",
                "activity": "attendance",
                "project_ref": None,
                "task_ref": None,
            },
        ],
    }
    # What was approved stays as approved.
    shown = ok(client.get(f"{API}/timesheets/{sheet['id']}", headers=tenant.headers))
    assert shown["lines"] == approved["lines"]


def test_a_rejected_timesheet_is_editable_and_submitted_again(client: Any, tenant: Any) -> None:
    ada, sheet = week_of_work(client, tenant)
    ok(act(client, tenant, sheet, "submit"), 201)
    rejected = ok(act(client, tenant, sheet, "reject", note="Wednesday is missing"), 201)
    assert (rejected["state"], rejected["note"]) == ("rejected", "Wednesday is missing")
    ok(
        client.post(
            f"{API}/employees/{ada}/entries",
            json={"date": "2026-03-25", "hours": "6", "activity": "support"},
            headers=tenant.headers,
        ),
        201,
    )
    again = ok(act(client, tenant, sheet, "submit"), 201)
    assert again["state"] == "submitted"
    assert again["total_hours"] == "16.75"


def test_reopening_an_approved_timesheet_unlocks_it_and_is_published(
    client: Any, tenant: Any, time_db: str
) -> None:
    _, sheet = week_of_work(client, tenant)
    problem(act(client, tenant, sheet, "reopen"), 409)
    ok(act(client, tenant, sheet, "submit"), 201)
    ok(act(client, tenant, sheet, "approve"), 201)
    reopened = ok(act(client, tenant, sheet, "reopen"), 201)
    assert reopened["state"] == "draft"
    entry_id = sheet["lines"][0]["entry_id"]
    changed = ok(
        client.patch(f"{API}/entries/{entry_id}", json={"hours": "3"}, headers=tenant.headers)
    )
    assert changed["hours"] == "3.00"
    [event] = outbox_events(time_db, tenant, "time.timesheet.reopened.v1")
    assert event.data == {
        "timesheet_id": sheet["id"],
        "employee_id": sheet["employee_id"],
        "week_start": WEEK,
    }


def test_a_week_starts_on_monday_and_has_one_timesheet(client: Any, tenant: Any) -> None:
    ada, sheet = week_of_work(client, tenant)
    url = f"{API}/employees/{ada}/timesheets"
    refused = problem(
        client.post(url, json={"week_start": "2026-03-24"}, headers=tenant.headers), 422
    )
    assert "week_start" in str(refused)
    far = client.post(url, json={"week_start": "9999-12-27"}, headers=tenant.headers)
    assert "week_start" in str(problem(far, 422))
    twice = problem(client.post(url, json={"week_start": WEEK}, headers=tenant.headers), 409)
    assert twice["timesheet_id"] == sheet["id"]


def test_members_submit_but_only_admins_approve(client: Any, tenant: Any) -> None:
    _, sheet = week_of_work(client, tenant)
    key = ok(
        client.post(
            "/api/v1/api-keys", json={"name": "member", "roles": ["member"]}, headers=tenant.headers
        ),
        201,
    )["key"]
    member = {"Authorization": f"Bearer {key}"}
    url = f"{API}/timesheets/{sheet['id']}"
    assert ok(client.post(f"{url}/submit", headers=member), 201)["state"] == "submitted"
    problem(client.post(f"{url}/approve", headers=member), 403)
    problem(
        client.get(f"{API}/reports/attendance?date_from={WEEK}&date_to={WEEK}", headers=member), 403
    )


def test_an_entry_needs_an_activity_or_a_reference(client: Any, tenant: Any) -> None:
    ada = employee(client, tenant)
    refused = client.post(
        f"{API}/employees/{ada}/entries",
        json={"date": WEEK, "hours": "1"},
        headers=tenant.headers,
    )
    assert "activity" in str(problem(refused, 422))
