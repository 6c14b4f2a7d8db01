"""Tickets: lifecycle, assignment rules, replies and notes, merge, tenants kept apart."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import outbox_events
from support_helpers import API, get, ok, post, problem, ticket

AGENTS = [str(uuid.uuid4()) for _ in range(3)]


def test_a_ticket_is_opened_replied_to_paused_and_solved(
    client: Any, tenant: Any, support_db: str
) -> None:
    team = post(client, tenant, "/teams", {"name": "Desk", "members": AGENTS[:2]})
    queue = post(client, tenant, "/queues", {"name": "Hardware", "team_id": team["id"]})
    opened = ticket(client, tenant, queue_id=queue["id"], priority="high", tags=["printer"])
    assert (opened["number"], opened["status"], opened["team_id"]) == (1, "open", team["id"])
    assert (opened["assignee"], opened["channel"], opened["priority"]) == (
        AGENTS[0],
        "api",
        "high",
    )
    path = f"/tickets/{opened['id']}"
    note = post(client, tenant, f"{path}/notes", {"body": "Called facilities."})
    answer = post(client, tenant, f"{path}/replies", {"body": "Unplug it.", "status": "pending"})
    assert (note["kind"], answer["kind"]) == ("internal", "public")
    # Without notify the reply is kept, and says it was not sent.
    assert answer["delivery"] == "unavailable"
    assert answer["rfc_message_id"].startswith("<") and answer["rfc_message_id"].endswith(">")
    shown = get(client, tenant, path)
    assert shown["status"] == "pending" and shown["first_responded_at"] is not None
    sla = get(client, tenant, f"{path}/sla")
    assert (sla["paused"], sla["clocks"], sla["policy_id"]) == (True, [], None)
    messages = get(client, tenant, f"{path}/messages")
    assert [m["kind"] for m in messages] == ["customer", "internal", "public"]

    solved = post(client, tenant, f"{path}/solve", {}, 200)
    assert solved["status"] == "solved" and solved["solved_at"] is not None
    problem(client.post(f"{API}{path}/solve", json={}, headers=tenant.headers), 409)
    [created] = outbox_events(support_db, tenant, "support.ticket.created.v1")
    [assigned] = outbox_events(support_db, tenant, "support.ticket.assigned.v1")
    [replied] = outbox_events(support_db, tenant, "support.ticket.replied.v1")
    [done] = outbox_events(support_db, tenant, "support.ticket.solved.v1")
    assert created.data["ticket_id"] == assigned.data["ticket_id"] == opened["id"]
    assert assigned.data["rule"] == "round_robin"
    assert replied.data["from_customer"] is False
    assert done.data["csat_token"] and done.subject == opened["id"]


def test_round_robin_takes_turns_and_load_takes_the_least_busy(client: Any, tenant: Any) -> None:
    team = post(client, tenant, "/teams", {"name": "Desk", "members": AGENTS})
    turns = [ticket(client, tenant, team_id=team["id"])["assignee"] for _ in range(4)]
    assert turns == [AGENTS[0], AGENTS[1], AGENTS[2], AGENTS[0]]
    # The first two agents now hold two and one open tickets; solve one of the first's.
    first = get(client, tenant, "/tickets", assignee=AGENTS[0])["items"][0]
    post(client, tenant, f"/tickets/{first['id']}/solve", {}, 200)
    ok(
        client.patch(
            f"{API}/teams/{team['id']}", json={"assignment": "load"}, headers=tenant.headers
        )
    )
    # Open load: agent 0 → 1, agent 1 → 1, agent 2 → 1: the first listed wins the tie.
    assert ticket(client, tenant, team_id=team["id"])["assignee"] == AGENTS[0]
    assert ticket(client, tenant, team_id=team["id"])["assignee"] == AGENTS[1]
    assert ticket(client, tenant, team_id=team["id"])["assignee"] == AGENTS[2]
    # By hand, and back to the rule.
    mine = ticket(client, tenant)
    assert mine["assignee"] is None and mine["status"] == "new"
    picked = post(client, tenant, f"/tickets/{mine['id']}/assign", {"assignee": AGENTS[2]}, 200)
    assert (picked["assignee"], picked["status"]) == (AGENTS[2], "open")
    problem(client.post(f"{API}/tickets/{mine['id']}/assign", json={}, headers=tenant.headers), 422)


def test_merging_moves_messages_and_tags(client: Any, tenant: Any) -> None:
    first = ticket(client, tenant, subject="VPN down", tags=["vpn"])
    second = ticket(client, tenant, subject="Cannot reach VPN", tags=["remote"])
    target = post(client, tenant, f"/tickets/{second['id']}/merge", {"into": first["id"]}, 200)
    assert target["id"] == first["id"] and target["tags"] == ["remote", "vpn"]
    merged = get(client, tenant, f"/tickets/{second['id']}")
    assert (merged["status"], merged["merged_into"]) == ("merged", first["id"])
    kinds = [m["kind"] for m in get(client, tenant, f"/tickets/{first['id']}/messages")]
    assert kinds.count("customer") == 2 and "internal" in kinds
    for body in ({"into": first["id"]}, {"into": second["id"]}):
        problem(
            client.post(f"{API}/tickets/{second['id']}/merge", json=body, headers=tenant.headers),
            409,
        )
    problem(
        client.post(
            f"{API}/tickets/{first['id']}/merge",
            json={"into": str(uuid.uuid4())},
            headers=tenant.headers,
        ),
        404,
    )


def test_canned_responses_fill_in_the_ticket(client: Any, tenant: Any) -> None:
    canned = post(
        client,
        tenant,
        "/canned-responses",
        {"title": "Hi", "body": "Hello {{requester_name}}, about #{{ticket_number}}: done."},
    )
    opened = ticket(client, tenant, requester_name="Ada")
    sent = post(client, tenant, f"/tickets/{opened['id']}/replies", {"canned_id": canned["id"]})
    assert sent["body"] == f"Hello Ada, about #{opened['number']}: done."


def test_another_tenants_ticket_answers_404(client: Any, tenant: Any, other: Any) -> None:
    mine = ticket(client, tenant)
    for method, suffix, body in (
        ("GET", "", None),
        ("GET", "/messages", None),
        ("GET", "/sla", None),
        ("POST", "/replies", {"body": "hi"}),
        ("POST", "/solve", {}),
    ):
        url = f"{API}/tickets/{mine['id']}{suffix}"
        problem(client.request(method, url, json=body, headers=other.headers), 404)
    assert get(client, other, "/tickets")["items"] == []
