"""Modified occurrences (RECURRENCE-ID overrides) through the API: the expansion shows them
instead of the original, the iCalendar export carries them, bad ones are 422, another tenant
gets 404."""

from __future__ import annotations

from typing import Any

import icalendar

API = "/api/v1/calendar"
WINDOW = {"start": "2026-12-01T00:00:00Z", "end": "2027-02-01T00:00:00Z"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def weekly(client: Any, tenant: Any, **extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    cal = ok(
        client.post(
            f"{API}/calendars",
            json={"name": "Team", "timezone": "Europe/Berlin"},
            headers=tenant.headers,
        ),
        201,
    )
    event = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Stand-up",
                "starts_at": "2026-12-07T09:00:00+01:00",
                "ends_at": "2026-12-07T09:15:00+01:00",
                "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4",
                "exdates": ["2026-12-14T09:00:00+01:00"],
                **extra,
            },
            headers=tenant.headers,
        ),
        201,
    )
    return cal, event


def expanded(client: Any, tenant: Any, cal_id: str) -> list[tuple[str, str, str | None]]:
    listed = ok(
        client.get(f"{API}/calendars/{cal_id}/occurrences", params=WINDOW, headers=tenant.headers)
    )
    return [(o["start"], o["summary"], o["recurrence_id"]) for o in listed]


def test_a_moved_occurrence_replaces_the_original(client: Any, tenant: Any) -> None:
    cal, event = weekly(client, tenant)
    url = f"{API}/events/{event['id']}/overrides"
    moved = ok(
        client.post(
            url,
            json={
                "recurrence_id": "2026-12-21T09:00:00+01:00",
                "summary": "Stand-up (moved)",
                "starts_at": "2026-12-21T11:00:00+01:00",
                "ends_at": "2026-12-21T11:15:00+01:00",
            },
            headers=tenant.headers,
        ),
        201,
    )
    [override] = moved["overrides"]
    assert override["recurrence_id"] == "2026-12-21T08:00:00+00:00"
    assert override["sequence"] == 0
    assert expanded(client, tenant, cal["id"]) == [
        ("2026-12-07T09:00:00+01:00", "Stand-up", None),
        ("2026-12-21T11:00:00+01:00", "Stand-up (moved)", "2026-12-21T08:00:00+00:00"),
        ("2026-12-28T09:00:00+01:00", "Stand-up", None),
    ]
    ics = client.get(f"{API}/calendars/{cal['id']}/ics", headers=tenant.headers).text
    parsed = icalendar.Calendar.from_ical(ics)
    instances = [c for c in parsed.walk("VEVENT") if c.get("RECURRENCE-ID") is not None]
    [instance] = instances
    assert instance["UID"] == event["uid"]
    assert "RECURRENCE-ID;TZID=Europe/Berlin:20261221T090000" in ics
    assert "DTSTART;TZID=Europe/Berlin:20261221T110000" in ics
    # Posting the same occurrence again changes the override (its SEQUENCE goes up); the
    # left-out times default to the original occurrence's.
    again = ok(
        client.post(
            url,
            json={"recurrence_id": "2026-12-21T08:00:00Z", "location": "Room 2"},
            headers=tenant.headers,
        ),
        201,
    )
    [changed] = again["overrides"]
    assert (changed["id"], changed["sequence"]) == (override["id"], 1)
    assert changed["location"] == "Room 2"
    assert changed["starts_at"] == "2026-12-21T08:00:00Z"
    # Dropping it brings the original back; a second time is 404.
    ok(client.delete(f"{url}/{override['id']}", headers=tenant.headers), 204)
    assert ("2026-12-21T09:00:00+01:00", "Stand-up", None) in expanded(client, tenant, cal["id"])
    assert client.delete(f"{url}/{override['id']}", headers=tenant.headers).status_code == 404


def test_an_all_day_occurrence_moves_to_another_day(client: Any, tenant: Any) -> None:
    cal = ok(client.post(f"{API}/calendars", json={"name": "Days"}, headers=tenant.headers), 201)
    event = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Inventory",
                "all_day": True,
                "start_date": "2026-12-01",
                "rrule": "FREQ=MONTHLY;COUNT=2",
            },
            headers=tenant.headers,
        ),
        201,
    )
    ok(
        client.post(
            f"{API}/events/{event['id']}/overrides",
            json={"recurrence_id": "2027-01-01", "start_date": "2027-01-04"},
            headers=tenant.headers,
        ),
        201,
    )
    assert [s for s, _, _ in expanded(client, tenant, cal["id"])] == ["2026-12-01", "2027-01-04"]


def test_bad_overrides_are_422_naming_recurrence_id(client: Any, tenant: Any) -> None:
    cal, event = weekly(client, tenant)
    url = f"{API}/events/{event['id']}/overrides"
    for recurrence_id in ("2026-12-14T09:00:00+01:00", "2026-12-08T09:00:00+01:00", "monday"):
        response = client.post(url, json={"recurrence_id": recurrence_id}, headers=tenant.headers)
        assert response.status_code == 422, response.text
        assert [e["key"] for e in response.json()["errors"]] == ["recurrence_id"]
    backwards = client.post(
        url,
        json={"recurrence_id": "2026-12-21T09:00:00+01:00", "ends_at": "2026-12-21T07:00:00Z"},
        headers=tenant.headers,
    )
    assert backwards.status_code == 422, backwards.text
    one_off = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Once",
                "starts_at": "2026-12-07T09:00:00+01:00",
                "ends_at": "2026-12-07T10:00:00+01:00",
            },
            headers=tenant.headers,
        ),
        201,
    )
    refused = client.post(
        f"{API}/events/{one_off['id']}/overrides",
        json={"recurrence_id": "2026-12-07T09:00:00+01:00"},
        headers=tenant.headers,
    )
    assert refused.status_code == 422, refused.text
    assert ok(client.get(f"{API}/events/{event['id']}", headers=tenant.headers))["overrides"] == []


def test_another_tenant_cannot_modify_an_occurrence(client: Any, tenant: Any, other: Any) -> None:
    _, event = weekly(client, tenant)
    response = client.post(
        f"{API}/events/{event['id']}/overrides",
        json={"recurrence_id": "2026-12-21T09:00:00+01:00", "summary": "Hijacked"},
        headers=other.headers,
    )
    assert response.status_code == 404
    assert ok(client.get(f"{API}/events/{event['id']}", headers=tenant.headers))["overrides"] == []
