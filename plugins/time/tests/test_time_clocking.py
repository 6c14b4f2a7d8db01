"""Clocking in and out, breaks, the caller's own clock, location/IP toggles, isolation."""

from __future__ import annotations

from typing import Any

from nexus.testing import make_tenant, set_plugin_settings
from time_support import API, employee, ok, problem, punch, shift


def test_clocking_with_breaks_counts_worked_hours(client: Any, tenant: Any) -> None:
    ada = employee(client, tenant)
    record = shift(
        client,
        tenant,
        ada,
        start="2026-03-23T09:00:00+00:00",
        end="2026-03-23T17:30:00+00:00",
        breaks=(("2026-03-23T12:00:00+00:00", "2026-03-23T12:30:00+00:00"),),
    )
    assert record["worked_hours"] == "8.00"
    assert record["day"] == "2026-03-23"
    assert record["time_zone"] == "Europe/London"
    assert record["source"] == "admin"
    assert [(b["start_at"], b["end_at"]) for b in record["breaks"]] == [
        ("2026-03-23T12:00:00Z", "2026-03-23T12:30:00Z")
    ]
    listed = ok(
        client.get(f"{API}/attendance", params={"employee_id": ada}, headers=tenant.headers)
    )
    assert [item["id"] for item in listed["items"]] == [record["id"]]


def test_clocking_out_ends_a_break_in_progress(client: Any, tenant: Any) -> None:
    ada = employee(client, tenant)
    ok(punch(client, tenant, ada, "clock/in", "2026-03-24T09:00:00+00:00"), 201)
    ok(punch(client, tenant, ada, "breaks/start", "2026-03-24T16:00:00+00:00"), 201)
    record = ok(punch(client, tenant, ada, "clock/out", "2026-03-24T17:00:00+00:00"), 201)
    assert record["worked_hours"] == "7.00"
    assert record["breaks"][0]["end_at"] == "2026-03-24T17:00:00Z"


def test_punches_that_do_not_fit_the_state_answer_409(client: Any, tenant: Any) -> None:
    ada = employee(client, tenant)
    problem(punch(client, tenant, ada, "clock/out", "2026-03-23T17:00:00+00:00"), 409)
    problem(punch(client, tenant, ada, "breaks/start", "2026-03-23T12:00:00+00:00"), 409)
    ok(punch(client, tenant, ada, "clock/in", "2026-03-23T09:00:00+00:00"), 201)
    problem(punch(client, tenant, ada, "clock/in", "2026-03-23T09:05:00+00:00"), 409)
    problem(punch(client, tenant, ada, "breaks/end", "2026-03-23T12:00:00+00:00"), 409)
    ok(punch(client, tenant, ada, "breaks/start", "2026-03-23T12:00:00+00:00"), 201)
    problem(punch(client, tenant, ada, "breaks/start", "2026-03-23T12:10:00+00:00"), 409)
    refused = problem(punch(client, tenant, ada, "clock/out", "2026-03-23T08:00:00+00:00"), 422)
    assert "at" in str(refused)
    naive = client.post(
        f"{API}/employees/{ada}/clock/out",
        json={"at": "2026-03-23T17:00:00"},
        headers=tenant.headers,
    )
    assert naive.status_code == 422
    ancient = punch(client, tenant, ada, "clock/out", "0001-01-01T00:00:00+01:00")
    assert "at" in str(problem(ancient, 422))


def test_the_caller_clocks_their_own_linked_record(client: Any, time_db: str) -> None:
    tenant = make_tenant(
        time_db,
        users=({"email": "lin@example.com", "name": "Lin", "password": "correct horse battery"},),
    )
    token = ok(
        client.post(
            "/api/v1/auth/token",
            json={
                "grant_type": "password",
                "tenant": tenant.slug,
                "email": "lin@example.com",
                "password": "correct horse battery",
            },
        )
    )["access_token"]
    user = {"Authorization": f"Bearer {token}"}
    me = ok(client.get("/api/v1/me", headers=user))
    user_id = me.get("user_id") or me.get("id") or me["subject"]
    # The admin's API key is linked to no employee.
    problem(client.post(f"{API}/clock/in", json={}, headers=tenant.headers), 422)
    lin = employee(client, tenant, name="Lin", user_id=user_id)
    record = ok(client.post(f"{API}/clock/in", json={}, headers=user), 201)
    assert record["employee_id"] == lin
    assert record["source"] == "api"
    assert record["clock_out"] is None
    problem(client.post(f"{API}/clock/in", json={}, headers=user), 409)
    ok(client.post(f"{API}/clock/breaks/start", json={}, headers=user), 201)
    ok(client.post(f"{API}/clock/breaks/end", json={}, headers=user), 201)
    closed = ok(client.post(f"{API}/clock/out", json={}, headers=user), 201)
    assert closed["clock_out"] is not None
    # A member may not clock someone else.
    other = employee(client, tenant, name="Other")
    refused = client.post(f"{API}/employees/{other}/clock/in", json={}, headers=user)
    assert refused.status_code == 403


def test_location_and_ip_are_kept_only_when_the_tenant_enables_it(
    client: Any, tenant: Any, time_db: str
) -> None:
    place = {"at": "2026-03-23T09:00:00+00:00", "latitude": "51.5074", "longitude": "-0.1278"}
    ada = employee(client, tenant)
    url = f"{API}/employees/{ada}/clock/in"
    record = ok(client.post(url, json=place, headers=tenant.headers), 201)
    assert (record["latitude"], record["longitude"], record["ip"]) == (None, None, None)

    recording = make_tenant(time_db)
    set_plugin_settings(time_db, recording, "time", {"record_location": True, "record_ip": True})
    lin = employee(client, recording, name="Lin")
    url = f"{API}/employees/{lin}/clock/in"
    record = ok(client.post(url, json=place, headers=recording.headers), 201)
    assert (record["latitude"], record["longitude"]) == ("51.507400", "-0.127800")


def test_another_tenants_employee_and_records_answer_404(
    client: Any, tenant: Any, time_db: str
) -> None:
    ada = employee(client, tenant)
    record = shift(
        client, tenant, ada, start="2026-03-23T09:00:00+00:00", end="2026-03-23T17:00:00+00:00"
    )
    other = make_tenant(time_db)
    problem(client.get(f"{API}/employees/{ada}", headers=other.headers), 404)
    problem(client.get(f"{API}/attendance/{record['id']}", headers=other.headers), 404)
    problem(punch(client, other, ada, "clock/in", "2026-03-25T09:00:00+00:00"), 404)
    assert ok(client.get(f"{API}/attendance", headers=other.headers))["items"] == []
    assert ok(client.get(f"{API}/employees", headers=other.headers))["items"] == []


def test_switched_off_the_routes_answer_404(client: Any, tenant: Any, time_db: str) -> None:
    other = make_tenant(time_db)
    ok(client.put("/api/v1/features/time", json={"enabled": False}, headers=tenant.headers))
    problem(client.get(f"{API}/employees", headers=tenant.headers), 404)
    ok(client.get(f"{API}/employees", headers=other.headers))


def test_a_bad_time_zone_is_refused_naming_the_field(client: Any, tenant: Any) -> None:
    body = {"name": "Zed", "time_zone": "Mars/Olympus_Mons"}
    refused = problem(client.post(f"{API}/employees", json=body, headers=tenant.headers), 422)
    assert "time_zone" in str(refused)
