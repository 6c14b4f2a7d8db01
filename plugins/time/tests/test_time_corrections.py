"""Corrections: requested, approved (audited: who, when, before, after) or rejected."""

from __future__ import annotations

from typing import Any

from nexus.testing import make_tenant
from time_support import API, employee, ok, problem, shift


def worked_day(client: Any, tenant: Any) -> tuple[str, dict[str, Any]]:
    ada = employee(client, tenant)
    record = shift(
        client,
        tenant,
        ada,
        start="2026-03-23T09:00:00+00:00",
        end="2026-03-23T17:00:00+00:00",
        breaks=(("2026-03-23T12:00:00+00:00", "2026-03-23T12:30:00+00:00"),),
    )
    return ada, record


def ask(client: Any, tenant: Any, record: dict[str, Any], **body: Any) -> Any:
    fields = {"clock_in": "2026-03-23T08:30:00+00:00", "reason": "Came in early", **body}
    return client.post(
        f"{API}/attendance/{record['id']}/corrections", json=fields, headers=tenant.headers
    )


def test_an_approved_correction_changes_the_record_with_an_audit_trail(
    client: Any, tenant: Any
) -> None:
    _, record = worked_day(client, tenant)
    asked = ok(ask(client, tenant, record, clock_out="2026-03-23T17:00:00+00:00"), 201)
    assert asked["state"] == "pending"
    pending = ok(
        client.get(f"{API}/corrections", params={"state": "pending"}, headers=tenant.headers)
    )
    assert [c["id"] for c in pending["items"]] == [asked["id"]]
    unchanged = ok(client.get(f"{API}/attendance/{record['id']}", headers=tenant.headers))
    assert unchanged["worked_hours"] == "7.50"

    decided = ok(
        client.post(
            f"{API}/corrections/{asked['id']}/approve", json={"note": "ok"}, headers=tenant.headers
        ),
        201,
    )
    assert decided["state"] == "approved"
    assert decided["decided_by"].startswith("api_key:")
    after = ok(client.get(f"{API}/attendance/{record['id']}", headers=tenant.headers))
    assert after["clock_in"] == "2026-03-23T08:30:00Z"
    assert after["worked_hours"] == "8.00"

    trail = ok(client.get(f"{API}/attendance/{record['id']}/audit", headers=tenant.headers))
    assert [line["action"] for line in trail] == [
        "clock_in",
        "break_start",
        "break_end",
        "clock_out",
        "correction",
    ]
    last = trail[-1]
    assert last["actor"] == decided["decided_by"]
    assert last["before"]["clock_in"] == "2026-03-23T09:00:00+00:00"
    assert last["after"]["clock_in"] == "2026-03-23T08:30:00+00:00"
    assert last["after"]["correction_id"] == asked["id"]
    assert last["at"]
    problem(
        client.post(f"{API}/corrections/{asked['id']}/reject", json={}, headers=tenant.headers),
        409,
    )


def test_a_rejected_correction_leaves_the_record_alone(client: Any, tenant: Any) -> None:
    _, record = worked_day(client, tenant)
    asked = ok(ask(client, tenant, record), 201)
    rejected = ok(
        client.post(
            f"{API}/corrections/{asked['id']}/reject",
            json={"note": "The door log says 09:00"},
            headers=tenant.headers,
        ),
        201,
    )
    assert (rejected["state"], rejected["decision_note"]) == ("rejected", "The door log says 09:00")
    after = ok(client.get(f"{API}/attendance/{record['id']}", headers=tenant.headers))
    assert after["clock_in"] == "2026-03-23T09:00:00Z"
    trail = ok(client.get(f"{API}/attendance/{record['id']}/audit", headers=tenant.headers))
    assert "correction" not in [line["action"] for line in trail]


def test_a_correction_overlapping_another_record_or_in_a_locked_week_answers_409(
    client: Any, tenant: Any
) -> None:
    ada, record = worked_day(client, tenant)
    shift(client, tenant, ada, start="2026-03-23T18:00:00+00:00", end="2026-03-23T20:00:00+00:00")
    overlapping = ok(ask(client, tenant, record, clock_out="2026-03-23T19:00:00+00:00"), 201)
    problem(
        client.post(
            f"{API}/corrections/{overlapping['id']}/approve", json={}, headers=tenant.headers
        ),
        409,
    )
    sheet = ok(
        client.post(
            f"{API}/employees/{ada}/timesheets",
            json={"week_start": "2026-03-23"},
            headers=tenant.headers,
        ),
        201,
    )
    ok(client.post(f"{API}/timesheets/{sheet['id']}/submit", headers=tenant.headers), 201)
    late = ok(ask(client, tenant, record), 201)
    problem(
        client.post(f"{API}/corrections/{late['id']}/approve", json={}, headers=tenant.headers), 409
    )


def test_a_bad_correction_is_refused_and_another_tenant_cannot_touch_it(
    client: Any, tenant: Any, time_db: str
) -> None:
    _, record = worked_day(client, tenant)
    backwards = ask(client, tenant, record, clock_out="2026-03-23T08:00:00+00:00")
    assert "clock_out" in str(problem(backwards, 422))
    asked = ok(ask(client, tenant, record), 201)
    other = make_tenant(time_db)
    problem(ask(client, other, record), 404)
    problem(client.get(f"{API}/corrections/{asked['id']}", headers=other.headers), 404)
    problem(
        client.post(f"{API}/corrections/{asked['id']}/approve", json={}, headers=other.headers),
        404,
    )
