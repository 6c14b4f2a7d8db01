"""SLA policies: matching, warning and breach events at an injected "now", the report."""

from __future__ import annotations

from datetime import datetime, timedelta
from functools import partial
from typing import Any

import nexus_support
from nexus.testing import outbox_events
from support_helpers import API, get, ok, post, problem, ticket

ROUND_THE_CLOCK = {
    "name": "Always",
    "time_zone": "UTC",
    "weekdays": [0, 1, 2, 3, 4, 5, 6],
    "opens": "00:00:00",
    "closes": "23:59:59",
    "is_default": True,
}


def _policy(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "name": "Normal",
        "priority": "normal",
        "first_response_minutes": 60,
        "resolution_minutes": 240,
        "warning_percent": 50,
        **fields,
    }
    created: dict[str, Any] = post(client, tenant, "/sla-policies", body)
    return created


def _check(client: Any, tenant: Any, at: datetime) -> dict[str, Any]:
    result: dict[str, Any] = post(client, tenant, "/sla/check", {"at": at.isoformat()}, 200)
    return result


def test_the_tier_policy_wins_and_a_change_of_tier_rematches(client: Any, tenant: Any) -> None:
    anyone = _policy(client, tenant, name="High", priority="high")
    _policy(client, tenant, name="Old high gold", priority="high", tier="gold")
    gold = _policy(client, tenant, name="High gold", priority="high", tier="gold")
    opened = ticket(client, tenant, priority="high", tier="gold")
    assert opened["sla_policy_id"] == gold["id"]
    changed = ok(
        client.patch(
            f"{API}/tickets/{opened['id']}", json={"tier": "standard"}, headers=tenant.headers
        )
    )
    assert changed["sla_policy_id"] == anyone["id"]
    assert ticket(client, tenant, priority="low")["sla_policy_id"] is None


def test_warning_then_breach_are_published_once_at_the_given_now(
    client: Any, tenant: Any, support_db: str
) -> None:
    post(client, tenant, "/calendars", ROUND_THE_CLOCK)
    policy = _policy(client, tenant)
    opened = ticket(client, tenant)
    sla = get(client, tenant, f"/tickets/{opened['id']}/sla")
    first = next(c for c in sla["clocks"] if c["metric"] == "first_response")
    due = datetime.fromisoformat(first["due_at"])
    # An hour of open time; the calendar closes at 23:59:59, so a ticket opened in the last
    # hour of the day (UTC) is due a second later, past the closed second at midnight.
    taken = due - datetime.fromisoformat(opened["created_at"])
    assert timedelta(hours=1) <= taken <= timedelta(hours=1, seconds=1)

    assert _check(client, tenant, due - timedelta(minutes=1))["warnings"] == 1
    late = _check(client, tenant, due + timedelta(minutes=1))
    assert (late["breaches"], late["warnings"]) == (1, 0)
    again = _check(client, tenant, due + timedelta(minutes=2))
    assert (again["breaches"], again["warnings"]) == (0, 0)
    [warned] = outbox_events(support_db, tenant, "support.sla.warning.v1")
    [breached] = outbox_events(support_db, tenant, "support.sla.breached.v1")
    assert warned.data["metric"] == breached.data["metric"] == "first_response"
    assert breached.data["policy_id"] == policy["id"]
    assert (breached.data["target_minutes"], breached.data["elapsed_minutes"]) == (60, 61)

    # Waiting on the customer stops the resolution clock: no resolution breach while pending.
    post(client, tenant, f"/tickets/{opened['id']}/replies", {"body": "?", "status": "pending"})
    quiet = _check(client, tenant, due + timedelta(days=3))
    assert (quiet["breaches"], quiet["warnings"]) == (0, 0)
    post(client, tenant, f"/tickets/{opened['id']}/solve", {}, 200)
    [line] = get(client, tenant, "/reports/sla")
    assert (line["policy_id"], line["tickets"]) == (policy["id"], 1)
    # The report measures what happened: the reply came within the hour of real time.
    assert (line["first_response_met"], line["resolution_met"]) == (1, 1)
    assert line["avg_resolution_minutes"] is not None


def test_a_ticket_open_past_resolution_breaches_it(
    client: Any, tenant: Any, support_db: str
) -> None:
    post(client, tenant, "/calendars", ROUND_THE_CLOCK)
    _policy(client, tenant, first_response_minutes=30, resolution_minutes=120)
    opened = ticket(client, tenant)
    start = datetime.fromisoformat(opened["created_at"])
    result = _check(client, tenant, start + timedelta(hours=3))
    assert result["breaches"] == 2
    metrics = {
        e.data["metric"] for e in outbox_events(support_db, tenant, "support.sla.breached.v1")
    }
    assert metrics == {"first_response", "resolution"}
    problem(
        client.post(f"{API}/sla/check", json={"at": "2026-01-01T00:00:00"}, headers=tenant.headers),
        422,
    )


def test_the_background_sweep_checks_every_tenant_with_support_on(
    client: Any, tenant: Any, support_db: str
) -> None:
    post(client, tenant, "/calendars", ROUND_THE_CLOCK)
    _policy(client, tenant, first_response_minutes=30, resolution_minutes=120)
    opened = ticket(client, tenant)
    later = datetime.fromisoformat(opened["created_at"]) + timedelta(hours=3)

    # The sweep the plugin runs every minute, here at a chosen "now" on the app's loop.
    work = nexus_support.SWEEPER.work
    assert work is not None  # nexus_background handed the plugin its port
    alerts = client.blocking_portal.call(partial(nexus_support._sweep.sweep, work, later))

    assert alerts >= 2  # this tenant's two breaches, and whatever other tenants had due
    breached = outbox_events(support_db, tenant, "support.sla.breached.v1")
    assert {event.data["metric"] for event in breached} == {"first_response", "resolution"}
    # Each breach is announced once: the same sweep again publishes nothing.
    again = client.blocking_portal.call(partial(nexus_support._sweep.sweep, work, later))
    assert again == 0
    assert len(outbox_events(support_db, tenant, "support.sla.breached.v1")) == 2
