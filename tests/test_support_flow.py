"""The support flow of a professional-services tenant, as a customer and an agent drive it.

The support half of issue #20's "done when". A tenant provisioned from
``presets/examples/professional-services.json`` (a London consultancy: the preset now has
Support) takes a ticket through its public form (no credentials), measures it against an SLA
policy in business hours — Monday to Friday, 09:00–17:00 London time, closed on England's
bank holidays and on an office closing day — across a weekend and that closed day, breaches
it at an injected "now" (the breach event is in the outbox), solves it, and the customer
answers the satisfaction survey once through the signed link of the solved event.

The ticket is opened at the real current time, so the expected instants come from an
independent reckoning: a minute-by-minute walk over the same rules.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any
from uuid import UUID
from zoneinfo import ZoneInfo

import holidays
import nexus_crm
import nexus_finance
import nexus_hr
import nexus_support
import nexus_time
import pytest
from nexus.provisioning import example_profiles
from nexus.testing import create_test_client, make_platform_key, outbox_events

PROFILE = json.loads(example_profiles()["professional-services"].read_text())
SUPPORT = "/api/v1/support"
LONDON = ZoneInfo("Europe/London")
TARGET_MINUTES = 6 * 8 * 60  # six business days: past the next weekend and closed Monday


@pytest.fixture
def client(nexus_database_url: str) -> Any:
    with create_test_client(
        [nexus_crm, nexus_finance, nexus_hr, nexus_time, nexus_support],
        database_url=nexus_database_url,
    ) as test_client:
        yield test_client


@pytest.fixture
def platform(nexus_database_url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


def provision(client: Any, platform: dict[str, str]) -> tuple[dict[str, str], str]:
    """Provision the example; its admin's headers and its tenant id."""
    started = ok(client.post("/api/v1/tenants", json=PROFILE, headers=platform), 202)
    with client.stream(
        "GET", f"/api/v1/provisioning-runs/{started['id']}/events", headers=platform
    ) as stream:
        runs = [json.loads(line[6:]) for line in stream.iter_lines() if line.startswith("data: ")]
    last = runs[-1]
    assert last["status"] == "succeeded", f"provisioning failed: {last}"
    tenants = ok(client.get("/api/v1/tenants", headers=platform))
    items = tenants["items"] if isinstance(tenants, dict) else tenants
    [tenant] = [t for t in items if t["slug"] == PROFILE["slug"]]
    return {"Authorization": f"Bearer {last['admin']['api_key']}"}, tenant["id"]


def closing_day_after(day: date) -> date:
    """The first Monday after ``day``: the office's own closing day in this run."""
    return day + timedelta(days=7 - day.weekday())


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def _open(instant: datetime, closed: date) -> bool:
    local = instant.astimezone(LONDON)
    day = local.date()
    return (
        day.weekday() < 5
        and day not in _bank_holidays(day.year)
        and day != closed
        and time(9) <= local.time() < time(17)
    )


def reckon(start: datetime, minutes: int, closed: date) -> datetime:
    """When ``minutes`` business minutes from ``start`` are used: a minute-by-minute walk."""
    instant = start
    while minutes > 0:
        minutes -= _open(instant, closed)
        instant += timedelta(minutes=1)
    return instant


def count(start: datetime, end: datetime, closed: date) -> int:
    """Business minutes from ``start`` to ``end``, walked minute by minute."""
    minutes, instant = 0, start
    while instant + timedelta(minutes=1) <= end:
        minutes += _open(instant, closed)
        instant += timedelta(minutes=1)
    return minutes


def test_a_public_ticket_is_measured_in_business_hours_breached_solved_and_rated(
    client: Any, platform: dict[str, str], nexus_database_url: str
) -> None:
    admin, tenant_id = provision(client, platform)
    slug = PROFILE["slug"]
    calendars = ok(client.get(f"{SUPPORT}/calendars", headers=admin))["items"]
    assert [(c["time_zone"], c["country"]) for c in calendars] == [("Europe/London", "GB")]

    today = datetime.now(LONDON).date()
    closed = closing_day_after(today)
    office = ok(
        client.post(
            f"{SUPPORT}/calendars",
            json={
                "name": "London office",
                "time_zone": "Europe/London",
                "country": "GB",
                "subdivision": "ENG",
                "closed_days": [closed.isoformat()],
                "is_default": True,
            },
            headers=admin,
        ),
        201,
    )
    ok(
        client.post(
            f"{SUPPORT}/sla-policies",
            json={
                "name": "Standard",
                "priority": "normal",
                "first_response_minutes": 240,
                "resolution_minutes": TARGET_MINUTES,
                "calendar_id": office["id"],
            },
            headers=admin,
        ),
        201,
    )

    form = {
        "name": "Tom Client",
        "email": "tom@client.example",
        "subject": "Our retainer invoice",
        "body": "The November retainer invoice lists twelve hours; we agreed ten.",
    }
    opened = ok(client.post(f"{SUPPORT}/public/{slug}/tickets", json=form), 201)
    ticket = ok(client.get(f"{SUPPORT}/tickets/{opened['id']}", headers=admin))
    created = datetime.fromisoformat(ticket["created_at"])

    # Six business days always span the next weekend and the closed Monday after today.
    due = reckon(created, TARGET_MINUTES, closed)
    assert due.astimezone(LONDON).date() > closed
    sla = ok(client.get(f"{SUPPORT}/tickets/{opened['id']}/sla", headers=admin))
    resolution = next(c for c in sla["clocks"] if c["metric"] == "resolution")
    assert abs(datetime.fromisoformat(resolution["due_at"]) - due) <= timedelta(minutes=1)
    # Measured on the Saturday after the closed Monday: the business minutes until then.
    saturday = datetime.combine(closed + timedelta(days=5), time(12), tzinfo=LONDON)
    at_saturday = ok(
        client.get(
            f"{SUPPORT}/tickets/{opened['id']}/sla",
            params={"at": saturday.isoformat()},
            headers=admin,
        )
    )
    counted = next(c for c in at_saturday["clocks"] if c["metric"] == "resolution")
    assert abs(counted["elapsed_minutes"] - count(created, saturday, closed)) <= 1

    check = ok(
        client.post(
            f"{SUPPORT}/sla/check",
            json={"at": reckon(created, TARGET_MINUTES + 2, closed).isoformat()},
            headers=admin,
        )
    )
    assert check["breaches"] == 2  # no reply yet: first response and resolution
    breached = outbox_events(nexus_database_url, UUID(tenant_id), "support.sla.breached.v1")
    assert {e.data["metric"] for e in breached} == {"first_response", "resolution"}
    assert all(e.subject == opened["id"] for e in breached)

    reply = ok(
        client.post(
            f"{SUPPORT}/tickets/{opened['id']}/replies",
            json={"body": "You are right: we reissued it for ten hours.", "status": "solved"},
            headers=admin,
        ),
        201,
    )
    assert reply["delivery"] == "unavailable"  # notify is not on for this preset
    [solved] = outbox_events(nexus_database_url, UUID(tenant_id), "support.ticket.solved.v1")
    survey = f"{SUPPORT}/public/{slug}/csat/{solved.data['csat_token']}"
    assert ok(client.get(survey))["subject"] == form["subject"]
    ok(client.post(survey, json={"rating": 5, "comment": "Sorted within the day."}), 201)
    assert ok(client.post(survey, json={"rating": 1}), 409)["status"] == 409
    report = ok(client.get(f"{SUPPORT}/reports/csat", headers=admin))
    assert (report["answers"], report["average"]) == (1, 5.0)
