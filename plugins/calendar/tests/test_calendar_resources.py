"""Rooms and equipment: CRUD behind permissions, no double booking (also of a recurring
event's occurrence, also under concurrency, also when an event moves), another tenant's
resources are 404."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

from nexus.testing import make_tenant
from test_calendar_events import API, ok

DAY = (datetime.now(UTC) + timedelta(days=10)).replace(hour=9, minute=0, second=0, microsecond=0)


def at(days: int, hours: float = 0) -> str:
    return (DAY + timedelta(days=days, hours=hours)).isoformat()


def room(client: Any, tenant: Any, name: str = "Room 2") -> dict[str, Any]:
    body = {"name": name, "kind": "room", "capacity": 8}
    return ok(client.post(f"{API}/resources", json=body, headers=tenant.headers), 201)


def event(client: Any, tenant: Any, cal_id: str, start: str, end: str, **extra: Any) -> Any:
    body = {"summary": extra.pop("summary", "Meeting"), "starts_at": start, "ends_at": end}
    return ok(
        client.post(
            f"{API}/calendars/{cal_id}/events", json={**body, **extra}, headers=tenant.headers
        ),
        201,
    )


def calendar(client: Any, tenant: Any) -> str:
    cal = client.post(f"{API}/calendars", json={"name": "Rooms"}, headers=tenant.headers)
    return str(ok(cal, 201)["id"])


def book(client: Any, tenant: Any, event_id: str, resource_id: str) -> Any:
    return client.post(
        f"{API}/events/{event_id}/resources",
        json={"resource_id": resource_id},
        headers=tenant.headers,
    )


def test_resources_are_kept_behind_their_permissions(
    client: Any, calendar_db: str, tenant: Any, other: Any
) -> None:
    made = room(client, tenant)
    assert made["kind"] == "room" and made["capacity"] == 8
    path = f"{API}/resources/{made['id']}"
    changed = ok(client.patch(path, json={"location": "2nd floor"}, headers=tenant.headers))
    assert changed["location"] == "2nd floor" and changed["name"] == "Room 2"
    assert [r["id"] for r in ok(client.get(f"{API}/resources", headers=tenant.headers))] == [
        made["id"]
    ]
    bad = client.post(f"{API}/resources", json={"name": "X", "kind": "car"}, headers=tenant.headers)
    assert bad.status_code == 400 or bad.status_code == 422, bad.text
    reader = make_tenant(calendar_db, role="member", scopes=("calendar.resources:read",))
    assert client.get(f"{API}/resources", headers=reader.headers).status_code == 200
    refused = client.post(f"{API}/resources", json={"name": "Mine"}, headers=reader.headers)
    assert refused.status_code == 403, refused.text
    for method in ("get", "patch", "delete"):
        kwargs = {"json": {"name": "x"}} if method == "patch" else {}
        answer = getattr(client, method)(path, headers=other.headers, **kwargs)
        assert answer.status_code == 404, (method, answer.text)
    theirs = event(client, other, calendar(client, other), at(0), at(0, 1))
    assert book(client, other, theirs["id"], made["id"]).status_code == 404
    assert ok(client.get(f"{API}/resources", headers=other.headers)) == []
    ok(client.delete(path, headers=tenant.headers), 204)
    assert client.get(path, headers=tenant.headers).status_code == 404


def test_an_overlapping_booking_is_409_naming_the_event(client: Any, tenant: Any) -> None:
    cal, res = calendar(client, tenant), room(client, tenant)
    weekly = event(
        client, tenant, cal, at(0), at(0, 1), summary="Weekly", rrule="FREQ=WEEKLY;COUNT=4"
    )
    booked = ok(book(client, tenant, weekly["id"], res["id"]), 201)
    assert booked["resources"] == [res["id"]]
    assert ok(client.get(f"{API}/events/{weekly['id']}", headers=tenant.headers))["resources"] == [
        res["id"]
    ]
    clash = event(client, tenant, cal, at(14, 0.5), at(14, 2), summary="Clash")
    refused = book(client, tenant, clash["id"], res["id"])
    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert problem["conflicting_event_id"] == weekly["id"]
    assert "Weekly" in problem["detail"]
    after = event(client, tenant, cal, at(14, 1), at(14, 2), summary="After")
    ok(book(client, tenant, after["id"], res["id"]), 201)
    moved = client.patch(
        f"{API}/events/{after['id']}",
        json={"starts_at": at(21, -0.5), "ends_at": at(21, 0.5)},
        headers=tenant.headers,
    )
    assert moved.status_code == 409 and moved.json()["conflicting_event_id"] == weekly["id"]
    kept = ok(client.get(f"{API}/events/{after['id']}", headers=tenant.headers))
    assert datetime.fromisoformat(kept["starts_at"]) == DAY + timedelta(days=14, hours=1)
    window = {"start": at(-1), "end": at(30)}
    bookings = ok(
        client.get(f"{API}/resources/{res['id']}/bookings", params=window, headers=tenant.headers)
    )
    assert [b["summary"] for b in bookings] == ["Weekly", "Weekly", "Weekly", "After", "Weekly"]
    path = f"{API}/events/{weekly['id']}/resources/{res['id']}"
    ok(client.delete(path, headers=tenant.headers), 204)
    freed = event(client, tenant, cal, at(7), at(7, 1), summary="Freed")
    ok(book(client, tenant, freed["id"], res["id"]), 201)


def test_two_concurrent_bookings_of_one_slot_one_wins(client: Any, tenant: Any) -> None:
    cal = calendar(client, tenant)
    for attempt in range(3):
        res = room(client, tenant, f"Race {attempt}")
        events = [event(client, tenant, cal, at(40), at(40, 1)) for _ in range(2)]
        barrier, answers = threading.Barrier(2), []

        def race(
            event_id: str, res_id: str = res["id"], gate: Any = barrier, out: Any = answers
        ) -> None:
            gate.wait()
            out.append(book(client, tenant, event_id, res_id).status_code)

        threads = [threading.Thread(target=race, args=(e["id"],)) for e in events]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(answers) == [201, 409], answers
