"""Reminders: an event's reminder due goes out once through Notifications (to its attendee by
email, to its creator in-app), and a second run of the job sends nothing more."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import asyncpg
import nexus_calendar
import nexus_notify
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database, run_sync
from nexus_calendar._reminders import REMINDERS, sweep
from test_calendar_events import API, ok

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_calendar, nexus_notify]


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
    ):
        yield client, url


def created_by_a_user(url: str, event_id: str) -> None:
    """As if a signed-in user (not the test's API key) had created the event."""

    async def write() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute(
                "update calendar_event set created_by = $2 where id = $1",
                UUID(event_id),
                f"user:{uuid4()}",
            )
        finally:
            await conn.close()

    run_sync(write())


def messages(url: str, event_id: str) -> list[tuple[str, str]]:
    async def read() -> list[tuple[str, str]]:
        conn = await asyncpg.connect(url)
        try:
            rows = await conn.fetch(
                "select d.channel, m.subject from notify_message m join notify_delivery d "
                "on d.message_id = m.id where m.source_ref = $1 order by d.channel",
                f"calendar.event:{event_id}",
            )
        finally:
            await conn.close()
        return [(row["channel"], row["subject"]) for row in rows]

    return run_sync(read())


def test_a_due_reminder_goes_out_once(world: tuple[Any, str]) -> None:
    client, url = world
    tenant = make_tenant(url)
    start = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    cal = ok(client.post(f"{API}/calendars", json={"name": "Team"}, headers=tenant.headers), 201)
    event = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Review",
                "starts_at": start.isoformat(),
                "ends_at": (start + timedelta(hours=1)).isoformat(),
                "reminders": [15, 15, 1440],
            },
            headers=tenant.headers,
        ),
        201,
    )
    assert event["reminders"] == [15, 1440]
    attendee = {"email": "ada@example.org", "name": "Ada"}
    ok(
        client.post(f"{API}/events/{event['id']}/attendees", json=attendee, headers=tenant.headers),
        201,
    )
    created_by_a_user(url, event["id"])
    work = REMINDERS.work
    assert work is not None
    run = client.blocking_portal.call
    assert run(partial(sweep, work, start - timedelta(days=2))) == 0
    assert messages(url, event["id"]) == []
    assert run(partial(sweep, work, start - timedelta(minutes=1000))) == 2
    sent = messages(url, event["id"])
    assert [channel for channel, _ in sent] == ["email", "in_app"]
    assert all(subject.startswith("Reminder: Review") for _, subject in sent)
    assert run(partial(sweep, work, start - timedelta(minutes=999))) == 0
    assert run(partial(sweep, work, start - timedelta(minutes=10))) == 2
    assert run(partial(sweep, work, start - timedelta(minutes=5))) == 0
    assert len(messages(url, event["id"])) == 4
    assert run(partial(sweep, work, start + timedelta(minutes=5))) == 0


def test_the_job_extends_a_recurring_events_bookings_past_the_horizon(
    world: tuple[Any, str],
) -> None:
    """Booked now, a weekly event holds its room for 366 days; a month later the job books
    the weeks that came within the horizon, skipping one another event took meanwhile."""
    client, url = world
    tenant = make_tenant(url)
    now = datetime.now(UTC).replace(microsecond=0)
    first = (now + timedelta(days=1)).replace(hour=9, minute=0, second=0)
    cal = ok(client.post(f"{API}/calendars", json={"name": "Rooms"}, headers=tenant.headers), 201)
    room = ok(
        client.post(
            f"{API}/resources", json={"name": "Hall", "kind": "room"}, headers=tenant.headers
        ),
        201,
    )
    weekly = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Weekly",
                "starts_at": first.isoformat(),
                "ends_at": (first + timedelta(hours=1)).isoformat(),
                "rrule": "FREQ=WEEKLY",
            },
            headers=tenant.headers,
        ),
        201,
    )
    book = {"resource_id": room["id"]}
    ok(
        client.post(f"{API}/events/{weekly['id']}/resources", json=book, headers=tenant.headers),
        201,
    )
    # The occurrence 55 weeks on lies past today's horizon: free for another event now.
    taken = first + timedelta(weeks=55)
    other = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Gala",
                "starts_at": taken.isoformat(),
                "ends_at": (taken + timedelta(hours=3)).isoformat(),
            },
            headers=tenant.headers,
        ),
        201,
    )
    ok(client.post(f"{API}/events/{other['id']}/resources", json=book, headers=tenant.headers), 201)
    window = {
        "start": (now + timedelta(days=367)).isoformat(),
        "end": (now + timedelta(days=367 + 60)).isoformat(),
    }

    def booked() -> list[tuple[str, str]]:
        rows = ok(
            client.get(
                f"{API}/resources/{room['id']}/bookings", params=window, headers=tenant.headers
            )
        )
        return [(row["summary"], row["start"]) for row in rows]

    assert booked() == [("Gala", taken.isoformat().replace("+00:00", "Z"))]
    work = REMINDERS.work
    assert work is not None
    run = client.blocking_portal.call
    run(partial(sweep, work, now + timedelta(days=40)))
    found = booked()
    weeks = [start for summary, start in found if summary == "Weekly"]
    assert ("Gala", taken.isoformat().replace("+00:00", "Z")) in found
    assert len(weeks) >= 4
    assert taken.isoformat().replace("+00:00", "Z") not in weeks
    # A second run books nothing twice.
    run(partial(sweep, work, now + timedelta(days=40)))
    assert booked() == found
