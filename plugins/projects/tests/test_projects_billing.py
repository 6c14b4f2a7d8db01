"""Rates, time (entered here and imported from Time's events), billing runs, milestones."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from nexus.testing import EventWorkerHarness, outbox_events
from projects_support import API, FINANCE, entry, ok, problem, project, publish_time, task


def _bill(client: Any, tenant: Any, project_id: str, **body: Any) -> Any:
    return client.post(
        f"{API}/projects/{project_id}/billing-runs", json=body, headers=tenant.headers
    )


def _invoice(client: Any, tenant: Any, document_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        client.get(f"{FINANCE}/invoices/{document_id}", headers=tenant.headers)
    )
    return found


def _number(text: str) -> str:
    return format(Decimal(text).normalize(), "f")


def _lines(document: dict[str, Any]) -> set[tuple[str, str, str]]:
    return {
        (line["description"], _number(line["quantity"]), _number(line["unit_price"]))
        for line in document["lines"]
    }


def test_the_most_specific_rate_wins_and_billing_happens_once(
    client: Any, tenant: Any, projects_db: str
) -> None:
    pid = project(client, tenant, hourly_rate="100", code="ACME-1")["id"]
    build = task(client, tenant, pid, "Build")["id"]
    senior, junior, star, guest = (str(uuid.uuid4()) for _ in range(4))
    for employee, role in ((senior, "senior"), (junior, "junior"), (star, "senior")):
        ok(
            client.put(
                f"{API}/projects/{pid}/members/{employee}",
                json={"role": role},
                headers=tenant.headers,
            )
        )
    for rate in (
        {"role": "senior", "hourly_rate": "150"},
        {"employee_id": star, "hourly_rate": "200"},
    ):
        ok(client.post(f"{API}/projects/{pid}/rates", json=rate, headers=tenant.headers))
    problem(
        client.post(
            f"{API}/projects/{pid}/rates",
            json={"role": "x", "employee_id": star, "hourly_rate": "1"},
            headers=tenant.headers,
        ),
        422,
    )
    entry(client, tenant, pid, senior, "2", task_id=build)  # the role's rate: 150
    entry(client, tenant, pid, junior, "3", task_id=build)  # no junior rate: the project's 100
    entry(client, tenant, pid, star, "1", task_id=build)  # the employee's own: 200
    entry(client, tenant, pid, guest, "4", role="senior")  # not a member; the entry's role
    draft = ok(
        client.post(
            f"{API}/projects/{pid}/time-entries",
            json={"employee_id": guest, "day": "2027-01-06", "hours": "8"},
            headers=tenant.headers,
        ),
        201,
    )  # a draft is not billed
    unbillable = entry(client, tenant, pid, guest, "5", billable=False)

    run = ok(_bill(client, tenant, pid, date="2027-01-31"), 201)
    assert (run["hours"], run["amount"], run["currency"]) == ("10.00", "1400.000000", "EUR")
    document = _invoice(client, tenant, run["document_id"])
    assert _lines(document) == {
        ("Build (hours)", "2", "150"),
        ("Build (hours)", "3", "100"),
        ("Build (hours)", "1", "200"),
        ("Website relaunch (hours)", "4", "150"),
    }
    assert document["untaxed_total"].startswith("1400")
    assert (document["state"], document["currency"]) == ("draft", "EUR")

    # Billed once: a second run finds nothing (409), and the entries carry the run.
    again = problem(_bill(client, tenant, pid), 409)
    assert again["reason"] == "nothing_to_bill"
    billed = ok(client.get(f"{API}/projects/{pid}/time-entries", headers=tenant.headers))["items"]
    by_id = {e["id"]: e for e in billed}
    assert by_id[draft["id"]]["billing_run_id"] is None
    assert by_id[unbillable["id"]]["billing_run_id"] is None
    assert sum(1 for e in billed if e["billing_run_id"] == run["id"]) == 4
    problem(client.delete(f"{API}/time-entries/{unbillable['id']}", headers=tenant.headers), 409)
    [drafted] = outbox_events(projects_db, tenant, "projects.invoice.drafted.v1")
    assert (drafted.data["time_entries"], drafted.data["amount"]) == (4, "1400")

    dashboard = ok(
        client.get(
            f"{API}/projects/{pid}/dashboard",
            params={"today": "2027-02-01"},
            headers=tenant.headers,
        )
    )
    assert (dashboard["hours_logged"], dashboard["hours_approved"]) == ("23.00", "15.00")
    assert dashboard["hours_billed"] == "10.00"
    assert dashboard["amount_spent"].startswith("1900")  # 1400 + 5 unbillable hours at 100
    assert dashboard["amount_billed"].startswith("1400")


def test_hours_without_any_rate_refuse_billing(client: Any, tenant: Any) -> None:
    pid = project(client, tenant)["id"]
    someone = str(uuid.uuid4())
    entry(client, tenant, pid, someone, "2")
    refused = problem(_bill(client, tenant, pid), 409)
    assert refused["employee_ids"] == [someone]


def test_a_fixed_price_milestone_is_billed_once_when_reached(
    client: Any, tenant: Any, projects_db: str
) -> None:
    pid = project(client, tenant, billing_type="fixed_price", budget_amount="30000")["id"]
    design = ok(
        client.post(
            f"{API}/projects/{pid}/milestones",
            json={"name": "Design signed off", "amount": "12000.00"},
            headers=tenant.headers,
        ),
        201,
    )
    ok(
        client.post(
            f"{API}/projects/{pid}/milestones",
            json={"name": "Go live", "amount": "18000.00"},
            headers=tenant.headers,
        ),
        201,
    )
    problem(_bill(client, tenant, pid), 409)  # nothing reached yet
    reached = ok(client.post(f"{API}/milestones/{design['id']}/reach", headers=tenant.headers))
    assert reached["reached_at"] is not None
    problem(client.post(f"{API}/milestones/{design['id']}/reach", headers=tenant.headers), 409)
    run = ok(_bill(client, tenant, pid, post=True), 201)
    document = _invoice(client, tenant, run["document_id"])
    assert _lines(document) == {("Milestone: Design signed off", "1", "12000")}
    assert document["untaxed_total"].startswith("12000")
    assert document["state"] == "posted" and document["number"]
    problem(_bill(client, tenant, pid), 409)
    [event] = outbox_events(projects_db, tenant, "projects.milestone.reached.v1")
    assert (event.subject, event.data["amount"]) == (design["id"], "12000")
    milestones = ok(client.get(f"{API}/projects/{pid}/milestones", headers=tenant.headers))
    assert [m["billing_run_id"] for m in milestones] == [run["id"], None]
    # Time and materials projects take no milestones.
    other = project(client, tenant, name="T&M")["id"]
    problem(
        client.post(
            f"{API}/projects/{other}/milestones",
            json={"name": "X", "amount": "1"},
            headers=tenant.headers,
        ),
        409,
    )


def test_finance_off_answers_409_blocking_and_bills_nothing(client: Any, tenant: Any) -> None:
    pid = project(client, tenant, hourly_rate="90")["id"]
    logged = entry(client, tenant, pid, str(uuid.uuid4()), "2")
    switched = client.put(
        "/api/v1/features/finance", json={"enabled": False}, headers=tenant.headers
    )
    assert switched.status_code == 200, switched.text
    refused = problem(_bill(client, tenant, pid), 409)
    assert refused["blocking"] == ["finance"]
    after = ok(client.get(f"{API}/time-entries/{logged['id']}", headers=tenant.headers))
    assert after["billing_run_id"] is None
    assert ok(client.get(f"{API}/projects/{pid}/billing-runs", headers=tenant.headers)) == []


def test_approved_timesheets_from_time_are_imported_and_withdrawn(client: Any, tenant: Any) -> None:
    pid = project(client, tenant, hourly_rate="80")["id"]
    tid = task(client, tenant, pid, "Support")["id"]
    timesheet, employee = str(uuid.uuid4()), str(uuid.uuid4())

    def approved(*lines: dict[str, Any]) -> dict[str, Any]:
        return {
            "timesheet_id": timesheet,
            "employee_id": employee,
            "week_start": "2027-01-04",
            "total_hours": "0",
            "overtime_hours": "0",
            "entries": list(lines),
        }

    day = {"date": "2027-01-04", "activity": None}
    with EventWorkerHarness(client) as worker:
        publish_time(
            client,
            tenant,
            "time.timesheet.approved.v1",
            approved(
                {**day, "hours": "3.00", "project_ref": pid, "task_ref": tid},
                {**day, "hours": "2.50", "project_ref": pid, "task_ref": None},
                {**day, "hours": "4.00", "project_ref": None, "task_ref": None},
                {**day, "hours": "1.00", "project_ref": str(uuid.uuid4()), "task_ref": None},
                {**day, "hours": "lots", "project_ref": pid, "task_ref": None},
            ),
        )
        worker.wait_handled("projects", 1)
    imported = ok(client.get(f"{API}/projects/{pid}/time-entries", headers=tenant.headers))["items"]
    assert sorted((e["hours"], e["task_id"], e["state"], e["source"]) for e in imported) == [
        ("2.50", None, "approved", "time"),
        ("3.00", tid, "approved", "time"),
    ]
    assert all(e["timesheet_id"] == timesheet for e in imported)
    run = ok(_bill(client, tenant, pid), 201)
    assert run["hours"] == "5.50"

    # Reopened and approved again with one more hour: only the new hour comes in.
    with EventWorkerHarness(client) as worker:
        publish_time(
            client,
            tenant,
            "time.timesheet.reopened.v1",
            {"timesheet_id": timesheet, "employee_id": employee, "week_start": "2027-01-04"},
        )
        publish_time(
            client,
            tenant,
            "time.timesheet.approved.v1",
            approved(
                {**day, "hours": "4.00", "project_ref": pid, "task_ref": tid},
                {**day, "hours": "2.50", "project_ref": pid, "task_ref": None},
            ),
        )
        worker.wait_handled("projects", 2)
    after = ok(client.get(f"{API}/projects/{pid}/time-entries", headers=tenant.headers))["items"]
    fresh = [e for e in after if e["billing_run_id"] is None]
    assert [(e["hours"], e["task_id"]) for e in fresh] == [("1.00", tid)]
    second = ok(_bill(client, tenant, pid), 201)
    assert (second["hours"], second["amount"]) == ("1.00", "80.000000")


def test_time_entries_are_checked_and_only_drafts_entered_here_are_deleted(
    client: Any, tenant: Any
) -> None:
    pid = project(client, tenant)["id"]
    elsewhere = task(client, tenant, project(client, tenant, name="Other")["id"], "X")["id"]
    someone = str(uuid.uuid4())
    url = f"{API}/projects/{pid}/time-entries"
    for body in (
        {"employee_id": someone, "day": "2027-01-05", "hours": "25"},
        {"employee_id": someone, "day": "2027-01-05", "hours": "0"},
        {"employee_id": someone, "day": "2027-01-05", "hours": "1", "task_id": elsewhere},
        {"employee_id": someone, "day": "2027-01-05", "hours": 1},
    ):
        problem(client.post(url, json=body, headers=tenant.headers), 422)
    draft = ok(
        client.post(
            url,
            json={"employee_id": someone, "day": "2027-01-05", "hours": "1"},
            headers=tenant.headers,
        ),
        201,
    )
    assert (draft["state"], draft["source"], draft["billable"]) == ("draft", "projects", True)
    ok(client.delete(f"{API}/time-entries/{draft['id']}", headers=tenant.headers), 204)
    problem(client.get(f"{API}/time-entries/{draft['id']}", headers=tenant.headers), 404)
    approved = entry(client, tenant, pid, someone, "1")
    problem(client.delete(f"{API}/time-entries/{approved['id']}", headers=tenant.headers), 409)
    free = project(client, tenant, name="Internal", billing_type="non_billable")["id"]
    internal = entry(client, tenant, free, someone, "2", billable=True)
    assert internal["billable"] is False
    refused = problem(_bill(client, tenant, free), 409)
    assert refused["billing_type"] == "non_billable"


def test_time_events_are_not_imported_while_projects_is_switched_off(
    client: Any, tenant: Any
) -> None:
    pid = project(client, tenant, hourly_rate="80")["id"]

    def approved(timesheet: str, hours: str) -> dict[str, Any]:
        line = {"date": "2027-02-01", "activity": None, "hours": hours, "project_ref": pid}
        return {
            "timesheet_id": timesheet,
            "employee_id": str(uuid.uuid4()),
            "week_start": "2027-02-01",
            "total_hours": hours,
            "overtime_hours": "0",
            "entries": [{**line, "task_ref": None}],
        }

    off = client.put("/api/v1/features/projects", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    with EventWorkerHarness(client) as worker:
        publish_time(client, tenant, "time.timesheet.approved.v1", approved(str(uuid.uuid4()), "6"))
        worker.wait_passed_over("projects", 1)
        on = client.put("/api/v1/features/projects", json={"enabled": True}, headers=tenant.headers)
        assert on.status_code == 200, on.text
        publish_time(client, tenant, "time.timesheet.approved.v1", approved(str(uuid.uuid4()), "2"))
        worker.wait_handled("projects", 1)
    imported = ok(client.get(f"{API}/projects/{pid}/time-entries", headers=tenant.headers))["items"]
    assert [entry["hours"] for entry in imported] == ["2.00"]
