"""Calendar's services for connectors: ``calendar.events.upsert`` creates and replaces events
of shared calendars (checked as the routes check them), ``calendar.events.list`` answers them
by ``(updated_at, id)``; personal calendars and other tenants' stay out of reach."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_calendar
import pytest
from calendar_caller import caller
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_calendar, caller]
CAL = "/api/v1/calendar"


@pytest.fixture(scope="module")
def services_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def app(services_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=services_db) as test_client:
        yield test_client


def call(app: Any, tenant: Any, name: str, data: dict[str, Any]) -> Any:
    body = {"name": name, "data": data}
    return app.post("/api/v1/caller/call", json=body, headers=tenant.headers)


def calendar(app: Any, tenant: Any, *, personal: bool = False) -> str:
    body = {"name": "Team", "timezone": "Europe/Berlin", "personal": personal}
    made = app.post(f"{CAL}/calendars", json=body, headers=tenant.headers)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def test_upsert_creates_replaces_and_moves_events_and_list_follows_changes(
    app: Any, services_db: str
) -> None:
    tenant = make_tenant(services_db)
    team, other = calendar(app, tenant), calendar(app, tenant)
    timed = {
        "calendar_id": team,
        "summary": "Standup",
        "description": "Daily",
        "starts_at": "2026-12-14T09:00:00+01:00",
        "ends_at": "2026-12-14T09:15:00+01:00",
        "rrule": "FREQ=WEEKLY;BYDAY=MO",
    }
    made = call(app, tenant, "calendar.events.upsert", timed)
    assert made.status_code == 200, made.text
    event = made.json()
    assert (event["timezone"], event["sequence"], event["rrule"]) == (
        "Europe/Berlin",
        0,
        "FREQ=WEEKLY;BYDAY=MO",
    )

    # A replacement: left-out fields are cleared, the event moves and becomes all-day.
    whole = {
        "id": event["id"],
        "calendar_id": other,
        "summary": "Offsite",
        "all_day": True,
        "start_date": "2026-12-17",
        "end_date": "2026-12-19",
    }
    replaced = call(app, tenant, "calendar.events.upsert", whole).json()
    assert (replaced["calendar_id"], replaced["all_day"], replaced["description"]) == (
        other,
        True,
        None,
    )
    assert (replaced["starts_at"], replaced["rrule"], replaced["sequence"]) == (None, None, 1)
    shown = app.get(f"{CAL}/events/{event['id']}", headers=tenant.headers).json()
    assert (shown["summary"], shown["end_date"]) == ("Offsite", "2026-12-19")

    listed = call(app, tenant, "calendar.events.list", {"calendar_id": other}).json()
    assert [e["id"] for e in listed] == [event["id"]]
    point = {"after_time": listed[0]["updated_at"], "after_id": listed[0]["id"]}
    assert call(app, tenant, "calendar.events.list", point).json() == []


def test_bad_events_are_422_and_personal_or_foreign_calendars_404(
    app: Any, services_db: str
) -> None:
    tenant, stranger = make_tenant(services_db), make_tenant(services_db)
    team = calendar(app, tenant)
    bad = {
        "calendar_id": team,
        "summary": "x",
        "starts_at": "2026-12-14T09:00:00+01:00",
        "ends_at": "2026-12-14T10:00:00+01:00",
        "rrule": "FREQ=SOMETIMES",
    }
    refused = call(app, tenant, "calendar.events.upsert", bad)
    assert refused.status_code == 422, refused.text
    assert "rrule" in refused.text
    mine = calendar(app, tenant, personal=True)
    good = {**bad, "rrule": None}
    assert (
        call(app, tenant, "calendar.events.upsert", {**good, "calendar_id": mine}).status_code
        == 404
    )
    assert call(app, stranger, "calendar.events.upsert", good).status_code == 404
    made = call(app, tenant, "calendar.events.upsert", good).json()
    moved = {**good, "id": made["id"], "calendar_id": mine}
    refused_move = call(app, tenant, "calendar.events.upsert", moved)
    assert refused_move.status_code == 422, refused_move.text
    assert "calendar_id" in refused_move.text
    assert call(app, stranger, "calendar.events.list", {"ids": [made["id"]]}).json() == []
