"""The public form (rate limit, honeypot, sizes) and the satisfaction survey's signed link."""

from __future__ import annotations

from typing import Any

from nexus.testing import outbox_events, set_plugin_settings
from support_helpers import API, get, ok, post, problem

FORM = {
    "name": "Ada Lovelace",
    "email": "ada@example.com",
    "subject": "Cannot sign in",
    "body": "My password stopped working this morning.",
}


def test_the_form_opens_a_web_ticket_and_limits_each_address(
    client: Any, tenant: Any, support_db: str
) -> None:
    set_plugin_settings(support_db, tenant, "support", {"public_form_per_hour": 2})
    url = f"{API}/public/{tenant.slug}/tickets"
    first = ok(client.post(url, json=FORM), 201)
    assert first["reference"] == f"#{first['number']}"
    shown = get(client, tenant, f"/tickets/{first['id']}")
    assert (shown["channel"], shown["requester_email"], shown["status"]) == (
        "web",
        "ada@example.com",
        "new",
    )
    ok(client.post(url, json=FORM), 201)
    refused = client.post(url, json=FORM)
    problem(refused, 429)
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    assert len(get(client, tenant, "/tickets")["items"]) == 2


def test_the_honeypot_and_sizes_are_refused(client: Any, tenant: Any) -> None:
    url = f"{API}/public/{tenant.slug}/tickets"
    problem(client.post(url, json={**FORM, "website": "http://spam.example"}), 422)
    problem(client.post(url, json={**FORM, "body": "x" * 20_001}), 422)
    problem(client.post(url, json={**FORM, "email": "not-an-address"}), 422)
    problem(client.post(url, content=b"{" + b" " * 70_000 + b"}"), 413)
    assert get(client, tenant, "/tickets")["items"] == []
    problem(client.post(f"{API}/public/no-such-tenant/tickets", json=FORM), 404)


def test_a_solved_ticket_takes_one_satisfaction_answer(
    client: Any, tenant: Any, other: Any, support_db: str
) -> None:
    opened = ok(client.post(f"{API}/public/{tenant.slug}/tickets", json=FORM), 201)
    post(client, tenant, f"/tickets/{opened['id']}/solve", {}, 200)
    [solved] = outbox_events(support_db, tenant, "support.ticket.solved.v1")
    survey = f"{API}/public/{tenant.slug}/csat/{solved.data['csat_token']}"
    assert ok(client.get(survey))["answered"] is False
    answered = ok(client.post(survey, json={"rating": 4, "comment": "Fast."}), 201)
    assert (answered["answered"], answered["rating"]) == (True, 4)
    problem(client.post(survey, json={"rating": 1}), 409)
    [event] = outbox_events(support_db, tenant, "support.csat.answered.v1")
    assert (event.data["ticket_id"], event.data["rating"]) == (opened["id"], 4)
    # The token is the tenant's: another tenant's slug, or a forged token, is 404.
    problem(client.get(f"{API}/public/{other.slug}/csat/{solved.data['csat_token']}"), 404)
    forged = solved.data["csat_token"][:-4] + (
        "AAAA" if not solved.data["csat_token"].endswith("AAAA") else "BBBB"
    )
    problem(client.get(f"{API}/public/{tenant.slug}/csat/{forged}"), 404)
    report = get(client, tenant, "/reports/csat")
    assert (report["answers"], report["average"], report["satisfied_percent"]) == (1, 4.0, 100.0)


def test_an_unsolved_ticket_takes_no_answer(client: Any, tenant: Any, support_db: str) -> None:
    opened = ok(client.post(f"{API}/public/{tenant.slug}/tickets", json=FORM), 201)
    post(client, tenant, f"/tickets/{opened['id']}/solve", {}, 200)
    [solved] = outbox_events(support_db, tenant, "support.ticket.solved.v1")
    ok(
        client.patch(
            f"{API}/tickets/{opened['id']}", json={"status": "open"}, headers=tenant.headers
        )
    )
    problem(
        client.post(
            f"{API}/public/{tenant.slug}/csat/{solved.data['csat_token']}", json={"rating": 5}
        ),
        409,
    )
