"""Leave: counting days, the approval chain, balances, accruals, the calendar, isolation."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
import pytest
from nexus.testing import (
    call_tool,
    make_tenant,
    outbox_events,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)
from nexus_hookspecs import new_id
from nexus_hr._events import LeaveApproved, LeaveCancelled, LeaveRejected, LeaveSubmitted

HR = "/api/v1/hr"
PASSWORD = "correct horse battery staple"


@dataclass
class World:
    """A tenant in England with three employees: a manager, a report and a colleague."""

    tenant: Any
    types: dict[str, str]
    manager: UUID
    report: UUID
    colleague: UUID
    department: UUID
    as_manager: dict[str, str]
    as_report: dict[str, str]
    as_colleague: dict[str, str]


def _sign_in(client: Any, tenant: Any, email: str) -> dict[str, str]:
    response = client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": tenant.slug,
            "email": email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _people(url: str, tenant: Any) -> dict[str, UUID]:
    """Fresh employees (the last test's go, with their leave) linked to the three users."""

    async def make() -> dict[str, UUID]:
        async with tenant_transaction(url, tenant) as conn:
            await conn.execute("delete from hr_employee")
            await conn.execute("delete from hr_leave_accrual_rule")
            await conn.execute("delete from hr_department")
            users = {
                row["email"].split("@")[0]: row["id"]
                for row in await conn.fetch("select id, email from nexus_user")
            }
            department = new_id()
            await conn.execute(
                "insert into hr_department (id, name) values ($1, 'Engineering')", department
            )
            ids = {"department": department}
            for name, manager in (("manager", None), ("report", "manager"), ("colleague", None)):
                ids[name] = new_id()
                await conn.execute(
                    "insert into hr_employee (id, name, user_id, manager_id, department_id, "
                    "hire_date) values ($1, $2, $3, $4, $5, '2025-01-01')",
                    ids[name],
                    name.title(),
                    users[name],
                    ids[manager] if manager else None,
                    department if name != "colleague" else None,
                )
            return ids

    return run_sync(make())


@pytest.fixture(scope="module")
def signed_in(client: Any, hr_db: str) -> tuple[Any, dict[str, str], dict[str, dict[str, str]]]:
    """One tenant in England for the module, its leave types and its users signed in.

    Signing in costs an argon2 hash each: done once, each test gets fresh employees.
    """
    tenant = make_tenant(
        hr_db,
        users=tuple(
            {"email": f"{name}@example.com", "name": name.title(), "password": PASSWORD}
            for name in ("manager", "report", "colleague")
        ),
    )
    set_plugin_settings(hr_db, tenant, "hr", {"country": "GB", "subdivision": "ENG"})
    listed = client.get(f"{HR}/leave/types", headers=tenant.headers)
    assert listed.status_code == 200, listed.text
    types = {item["code"]: item["id"] for item in listed.json()["items"]}
    tokens = {
        name: _sign_in(client, tenant, f"{name}@example.com")
        for name in ("manager", "report", "colleague")
    }
    return tenant, types, tokens


@pytest.fixture
def world(signed_in: Any, hr_db: str) -> World:
    tenant, types, tokens = signed_in
    ids = _people(hr_db, tenant)
    return World(
        tenant=tenant,
        types=types,
        manager=ids["manager"],
        report=ids["report"],
        colleague=ids["colleague"],
        department=ids["department"],
        as_manager=tokens["manager"],
        as_report=tokens["report"],
        as_colleague=tokens["colleague"],
    )


def _events(url: str, world: World, event_type: str, subject: str) -> list[Any]:
    """The events of one type about one request (the module's tests share a tenant)."""
    return [e for e in outbox_events(url, world.tenant, event_type) if e.subject == subject]


def _file(client: Any, world: World, employee: UUID, code: str, **body: Any) -> Any:
    return client.post(
        f"{HR}/employees/{employee}/leave-requests",
        json={"leave_type_id": world.types[code], **body},
        headers=world.tenant.headers,
    )


def _balance(client: Any, world: World, employee: UUID, code: str, year: int = 2026) -> Any:
    response = client.get(
        f"{HR}/employees/{employee}/leave-balances?year={year}", headers=world.tenant.headers
    )
    assert response.status_code == 200, response.text
    return next(item for item in response.json() if item["code"] == code)


def test_default_leave_types_are_seeded(world):
    assert set(world.types) == {"PAID", "SICK", "UNPAID"}


def test_public_holidays_of_a_country_and_the_tenant(client, world):
    headers = world.tenant.headers
    england = client.get(f"{HR}/public-holidays?year=2026", headers=headers)
    assert england.status_code == 200, england.text
    days = {item["date"]: item["name"] for item in england.json()["holidays"]}
    assert days["2026-12-25"] == "Christmas Day"
    assert days["2026-12-28"] == "Boxing Day (observed)"
    assert england.json()["country"] == "GB"

    nigeria = client.get(f"{HR}/public-holidays?year=2026&country=NG", headers=headers).json()
    assert "2026-10-01" in {item["date"] for item in nigeria["holidays"]}  # National Day

    unknown = client.get(f"{HR}/public-holidays?country=XX", headers=headers)
    assert unknown.status_code == 422
    assert "country" in unknown.text
    bad_subdivision = client.get(
        f"{HR}/public-holidays?country=GB&subdivision=ZZZ", headers=headers
    )
    assert bad_subdivision.status_code == 422
    assert "subdivision" in bad_subdivision.text


def test_a_request_over_christmas_counts_only_working_days(client, world, hr_db):
    # Thu 24 counts, Fri 25 and Mon 28 are holidays, Sat 26 and Sun 27 the weekend, Tue 29.
    whole = _file(client, world, world.report, "SICK", date_from="2026-12-24", date_to="2026-12-29")
    assert whole.status_code == 201, whole.text
    assert (whole.json()["days"], whole.json()["hours"]) == ("2.00", "16.00")

    # Half days at both ends of a week: 0.5 + 3 + 0.5.
    halves = _file(
        client,
        world,
        world.colleague,
        "SICK",
        date_from="2026-03-02",
        date_to="2026-03-06",
        half_day_start=True,
        half_day_end=True,
    )
    assert halves.status_code == 201, halves.text
    assert (halves.json()["days"], halves.json()["hours"]) == ("4.00", "32.00")

    # Nigeria (the employee's own country): 2026-10-01 National Day (Thursday) is not counted.
    async def move() -> None:
        async with tenant_transaction(hr_db, world.tenant) as conn:
            schedule = new_id()
            await conn.execute(
                "insert into hr_working_schedule (id, name, time_zone, monday_hours, "
                "tuesday_hours, wednesday_hours, thursday_hours) "
                "values ($1, 'Four days', 'Africa/Lagos', 9, 9, 9, 9)",
                schedule,
            )
            await conn.execute(
                "update hr_employee set country = 'NG', working_schedule_id = $2 where id = $1",
                world.manager,
                schedule,
            )

    run_sync(move())
    lagos = _file(
        client, world, world.manager, "SICK", date_from="2026-09-28", date_to="2026-10-04"
    )
    assert lagos.status_code == 201, lagos.text
    # Mon, Tue, Wed at 9 hours; Thu the holiday; Fri to Sun not scheduled.
    assert (lagos.json()["days"], lagos.json()["hours"]) == ("3.00", "27.00")

    weekend = _file(
        client, world, world.report, "SICK", date_from="2027-01-02", date_to="2027-01-03"
    )
    assert weekend.status_code == 422
    assert "date_from" in weekend.text
    backwards = _file(
        client, world, world.report, "SICK", date_from="2027-02-02", date_to="2027-02-01"
    )
    assert backwards.status_code == 422
    overlap = _file(
        client, world, world.report, "SICK", date_from="2026-12-29", date_to="2026-12-30"
    )
    assert overlap.status_code == 409


def test_manager_then_hr_chain_refuses_the_wrong_approver(client, world, hr_db):
    asked = client.post(
        f"{HR}/leave/my/requests",
        json={
            "leave_type_id": world.types["UNPAID"],
            "date_from": "2026-12-24",
            "date_to": "2026-12-29",
            "reason": "Christmas",
        },
        headers=world.as_report,
    )
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["state"] == "pending_manager"
    url = f"{HR}/leave/team/requests/{request['id']}/approve"

    # Neither a colleague nor the employee themselves is the manager.
    assert client.post(url, headers=world.as_colleague).status_code == 403
    assert client.post(url, headers=world.as_report).status_code == 403
    # A member cannot use HR's approval.
    hr_url = f"{HR}/leave/requests/{request['id']}/approve"
    assert client.post(hr_url, headers=world.as_manager).status_code == 403
    waiting = client.get(f"{HR}/leave/team/requests", headers=world.as_manager).json()["items"]
    assert [item["id"] for item in waiting] == [request["id"]]
    assert client.get(f"{HR}/leave/team/requests", headers=world.as_colleague).json()["items"] == []

    by_manager = client.post(url, headers=world.as_manager)
    assert by_manager.status_code == 200, by_manager.text
    assert by_manager.json()["state"] == "pending_hr"
    assert by_manager.json()["manager_approved_by"].startswith("user:")
    assert client.post(url, headers=world.as_manager).status_code == 409  # HR's step now
    assert _events(hr_db, world, "hr.leave.approved.v1", request["id"]) == []

    by_hr = client.post(hr_url, headers=world.tenant.headers)
    assert by_hr.status_code == 200, by_hr.text
    assert by_hr.json()["state"] == "approved"
    assert client.post(hr_url, headers=world.tenant.headers).status_code == 409

    [submitted] = _events(hr_db, world, "hr.leave.submitted.v1", request["id"])
    msgspec.convert(submitted.data, LeaveSubmitted)
    [approved] = _events(hr_db, world, "hr.leave.approved.v1", request["id"])
    payload = msgspec.convert(approved.data, LeaveApproved, strict=False)
    assert payload.request_id == UUID(request["id"])
    assert payload.employee_id == world.report
    assert (payload.leave_type, payload.paid) == ("Unpaid leave", False)
    assert (payload.date_from, payload.date_to) == (dt.date(2026, 12, 24), dt.date(2026, 12, 29))
    assert (payload.days, payload.hours) == ("2.00", "16.00")
    assert approved.subject == request["id"]

    # The employee can no longer cancel it; HR can, and says so.
    cancel_own = client.post(
        f"{HR}/leave/my/requests/{request['id']}/cancel", headers=world.as_report
    )
    assert cancel_own.status_code == 409
    cancelled = client.post(
        f"{HR}/leave/requests/{request['id']}/cancel", headers=world.tenant.headers
    )
    assert cancelled.status_code == 200, cancelled.text
    [event] = _events(hr_db, world, "hr.leave.cancelled.v1", request["id"])
    assert msgspec.convert(event.data, LeaveCancelled, strict=False).request_id == UUID(
        request["id"]
    )


def test_rejection_and_own_cancellation(client, world, hr_db):
    first = _file(client, world, world.report, "PAID", date_from="2026-06-01", date_to="2026-06-01")
    assert first.status_code == 409  # no allocation at all
    client.post(
        f"{HR}/employees/{world.report}/leave-allocations",
        json={"leave_type_id": world.types["PAID"], "days": "10", "period_start": "2026-01-01"},
        headers=world.tenant.headers,
    )
    first = _file(client, world, world.report, "PAID", date_from="2026-06-01", date_to="2026-06-01")
    rejected = client.post(
        f"{HR}/leave/team/requests/{first.json()['id']}/reject",
        json={"reason": "Release week"},
        headers=world.as_manager,
    )
    assert rejected.status_code == 200, rejected.text
    assert (rejected.json()["state"], rejected.json()["rejection_reason"]) == (
        "rejected",
        "Release week",
    )
    [event] = _events(hr_db, world, "hr.leave.rejected.v1", first.json()["id"])
    assert msgspec.convert(event.data, LeaveRejected, strict=False).step == "manager"

    second = _file(
        client, world, world.report, "PAID", date_from="2026-06-01", date_to="2026-06-02"
    )
    others = client.post(
        f"{HR}/leave/my/requests/{second.json()['id']}/cancel", headers=world.as_colleague
    )
    assert others.status_code == 404
    own = client.post(
        f"{HR}/leave/my/requests/{second.json()['id']}/cancel", headers=world.as_report
    )
    assert own.status_code == 200, own.text
    assert own.json()["state"] == "cancelled"
    assert _events(hr_db, world, "hr.leave.cancelled.v1", second.json()["id"]) == []
    mine = client.get(f"{HR}/leave/my/requests", headers=world.as_report).json()["items"]
    assert {item["state"] for item in mine} == {"rejected", "cancelled"}


def test_balance_is_checked_on_submit_and_decremented_on_approval(client, world):
    allocated = client.post(
        f"{HR}/employees/{world.report}/leave-allocations",
        json={"leave_type_id": world.types["PAID"], "days": "3", "period_start": "2026-01-01"},
        headers=world.tenant.headers,
    )
    assert allocated.status_code == 201, allocated.text
    too_long = _file(
        client, world, world.report, "PAID", date_from="2026-03-02", date_to="2026-03-06"
    )
    assert too_long.status_code == 409
    assert too_long.json()["balance"] == "3.00"
    assert "insufficient balance" in too_long.json()["detail"]

    two = _file(client, world, world.report, "PAID", date_from="2026-03-02", date_to="2026-03-03")
    assert two.status_code == 201, two.text
    balance = _balance(client, world, world.report, "PAID")
    assert (balance["allocated"], balance["pending"], balance["taken"], balance["remaining"]) == (
        "3.00",
        "2.00",
        "0.00",
        "3.00",
    )
    # Pending days are held: two more do not fit in the one left.
    held = _file(client, world, world.report, "PAID", date_from="2026-03-09", date_to="2026-03-10")
    assert held.status_code == 409

    approved = client.post(
        f"{HR}/leave/team/requests/{two.json()['id']}/approve", headers=world.as_manager
    )
    assert approved.json()["state"] == "approved"  # PAID: the manager is the last step
    balance = _balance(client, world, world.report, "PAID")
    assert (balance["pending"], balance["taken"], balance["remaining"]) == ("0.00", "2.00", "1.00")
    mine = client.get(f"{HR}/leave/my/balances?year=2026", headers=world.as_report).json()
    assert next(item for item in mine if item["code"] == "PAID")["remaining"] == "1.00"

    half = _file(
        client,
        world,
        world.report,
        "PAID",
        date_from="2026-03-09",
        date_to="2026-03-10",
        half_day_end=True,
    )
    assert half.status_code == 409  # 1.5 > 1
    client.post(
        f"{HR}/leave/requests/{two.json()['id']}/cancel", headers=world.tenant.headers
    ).raise_for_status()
    assert _balance(client, world, world.report, "PAID")["remaining"] == "3.00"


def test_accrual_run_is_idempotent_capped_and_carries_over(client, world):
    rule = client.post(
        f"{HR}/leave/types/{world.types['PAID']}/accrual-rules",
        json={
            "name": "Monthly",
            "days_per_month": "2.08",
            "yearly_cap": "4",
            "carry_over_limit": "3",
        },
        headers=world.tenant.headers,
    )
    assert rule.status_code == 201, rule.text
    none = {"name": "Nothing", "days_per_month": "0"}
    refused = client.post(
        f"{HR}/leave/types/{world.types['PAID']}/accrual-rules",
        json=none,
        headers=world.tenant.headers,
    )
    assert refused.status_code == 422, refused.text
    changed = client.patch(
        f"{HR}/leave/accrual-rules/{rule.json()['id']}",
        json={"days_per_month": "0.00"},
        headers=world.tenant.headers,
    )
    assert changed.status_code == 422, changed.text
    run = f"{HR}/leave/accruals/run"
    first = client.post(f"{run}?date=2026-10-31", headers=world.tenant.headers)
    assert first.status_code == 200, first.text
    assert first.json()["allocations_created"] == 3
    assert first.json()["days_accrued"] == "6.24"
    again = client.post(f"{run}?date=2026-10-05", headers=world.tenant.headers).json()
    assert (again["allocations_created"], again["days_accrued"]) == (0, "0.00")

    client.post(f"{run}?date=2026-11-30", headers=world.tenant.headers).raise_for_status()
    december = client.post(f"{run}?date=2026-12-01", headers=world.tenant.headers).json()
    assert december["allocations_created"] == 0  # the cap of 4 is reached
    assert _balance(client, world, world.report, "PAID")["allocated"] == "4.00"

    january = client.post(f"{run}?date=2027-01-15", headers=world.tenant.headers).json()
    assert january["days_carried_over"] == "9.00"  # 3 each, of 4 remaining
    assert _balance(client, world, world.report, "PAID", 2027)["allocated"] == "5.08"
    again = client.post(f"{run}?date=2027-01-31", headers=world.tenant.headers).json()
    assert again["allocations_created"] == 0


def test_team_calendar_shows_who_is_away_and_the_holidays(client, world):
    filed = _file(client, world, world.report, "SICK", date_from="2026-12-24", date_to="2026-12-29")
    _file(client, world, world.colleague, "SICK", date_from="2026-12-29", date_to="2026-12-29")
    client.post(
        f"{HR}/leave/requests/{filed.json()['id']}/approve", headers=world.tenant.headers
    ).raise_for_status()

    calendar = client.get(
        f"{HR}/leave/calendar?date_from=2026-12-23&date_to=2026-12-30",
        headers=world.as_colleague,
    )
    assert calendar.status_code == 200, calendar.text
    days = {day["date"]: day for day in calendar.json()}
    assert days["2026-12-25"]["public_holiday"] == "Christmas Day"
    assert days["2026-12-25"]["away"] == []
    assert [a["employee"] for a in days["2026-12-24"]["away"]] == ["Report"]
    assert days["2026-12-24"]["away"][0]["state"] == "approved"
    assert sorted(a["employee"] for a in days["2026-12-29"]["away"]) == ["Colleague", "Report"]

    team = client.get(
        f"{HR}/leave/calendar?date_from=2026-12-29&date_to=2026-12-29"
        f"&department_id={world.department}",
        headers=world.as_colleague,
    ).json()
    assert [a["employee"] for a in team[0]["away"]] == ["Report"]
    too_long = client.get(
        f"{HR}/leave/calendar?date_from=2026-01-01&date_to=2026-12-31", headers=world.as_colleague
    )
    assert too_long.status_code == 422


def test_another_tenants_leave_answers_404(client, world, hr_db):
    filed = _file(client, world, world.report, "SICK", date_from="2026-05-04", date_to="2026-05-05")
    request_id = filed.json()["id"]
    other = make_tenant(hr_db)
    for method, path in (
        ("GET", f"/leave/requests/{request_id}"),
        ("POST", f"/leave/requests/{request_id}/approve"),
        ("POST", f"/leave/requests/{request_id}/cancel"),
        ("GET", f"/employees/{world.report}/leave-balances"),
        ("GET", f"/leave/types/{world.types['PAID']}"),
        ("POST", f"/employees/{world.report}/leave-requests"),
    ):
        body = (
            {
                "leave_type_id": world.types["SICK"],
                "date_from": "2026-05-06",
                "date_to": "2026-05-06",
            }
            if path.endswith("leave-requests")
            else None
        )
        response = client.request(method, f"{HR}{path}", json=body, headers=other.headers)
        assert response.status_code == 404, (path, response.text)
    listed = client.get(f"{HR}/leave/requests", headers=other.headers).json()["items"]
    assert listed == []
    assert (
        client.get(f"{HR}/leave/requests/{request_id}", headers=world.tenant.headers).json()[
            "state"
        ]
        == "pending_manager"
    )


def test_an_hourly_type_approved_by_nobody(client, world, hr_db):
    created = client.post(
        f"{HR}/leave/types",
        json={"name": "Doctor visit", "unit": "hours", "approval": "none"},
        headers=world.tenant.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["code"].startswith("DOCTOR_VISIT_")
    world.types["DOCTOR"] = created.json()["id"]
    filed = _file(
        client,
        world,
        world.report,
        "DOCTOR",
        date_from="2026-04-07",
        date_to="2026-04-07",
        hours="2",
    )
    assert filed.status_code == 201, filed.text
    assert (filed.json()["state"], filed.json()["days"], filed.json()["hours"]) == (
        "approved",
        "0.25",
        "2.00",
    )
    [event] = _events(hr_db, world, "hr.leave.approved.v1", filed.json()["id"])
    assert event.data["hours"] == "2.00"
    too_many = _file(
        client,
        world,
        world.report,
        "DOCTOR",
        date_from="2026-04-08",
        date_to="2026-04-08",
        hours="9",
    )
    assert too_many.status_code == 422
    days_type = _file(
        client, world, world.report, "SICK", date_from="2026-04-09", date_to="2026-04-09", hours="2"
    )
    assert days_type.status_code == 422
    assert "hours" in days_type.text


def test_the_assistant_reads_a_leave_balance_as_the_caller(client, world, hr_db):
    tool = call_tool(
        client, world.tenant, "hr.leave.balance", {"employee_id": str(world.report), "year": 2026}
    )
    assert tool.ok, tool.error
    shown = client.get(
        f"{HR}/employees/{world.report}/leave-balances?year=2026", headers=world.tenant.headers
    )
    assert tool.result == shown.json()
    assert {item["code"] for item in tool.result} >= {"PAID", "SICK"}
    stranger = make_tenant(hr_db)
    theirs = call_tool(
        client, stranger, "hr.leave.balance", {"employee_id": str(world.report), "year": 2026}
    )
    assert not theirs.ok and "Not Found" in (theirs.error or "")
    bad = call_tool(client, world.tenant, "hr.leave.balance", {"employee_id": "nobody"})
    assert not bad.ok and "employee_id" in (bad.error or "")
