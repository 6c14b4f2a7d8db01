"""Issue #30's Google "done when": OAuth 2.0 per tenant against a fake Google, and a
Contacts sync that round-trips a change both ways without duplicates; re-running changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest
from google_fake import FakeGoogle
from google_steps import API, authorize, connect, ok, run

CRM = "/api/v1/crm/contacts"


@pytest.fixture
def google() -> Any:
    with FakeGoogle() as fake:
        fake.add("Ada", "Lovelace", "ada@example.com")
        fake.add("Alan", "Turing", "alan@example.com")
        yield fake


def contacts(client: Any, tenant: Any) -> dict[str, Any]:
    found = ok(client.get(CRM, headers=tenant.headers))["items"]
    return {f"{c['first_name']} {c['last_name']}": c for c in found}


def test_google_contacts_round_trip_both_ways_without_duplicates(
    client: Any, tenant: Any, google: FakeGoogle
) -> None:
    grace = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
    ok(client.post(CRM, json=grace, headers=tenant.headers), 201)
    connection = connect(client, tenant, google)
    unauthorized = ok(
        client.post(f"{API}/connections/{connection}/imports", json={}, headers=tenant.headers),
        201,
    )
    assert unauthorized["status"] == "failed"
    assert "not authorized" in unauthorized["error"]
    assert authorize(client, tenant, connection)["authorized"] is True

    dry = run(client, tenant, connection, dry_run=True)
    assert dry["people"]["create"] == 2
    assert dry["people (sent)"]["create"] == 1
    assert set(contacts(client, tenant)) == {"Grace Hopper"}
    assert len(google.people) == 2

    first = run(client, tenant, connection)
    assert first["people"] == {"create": 2, "update": 0, "unchanged": 0, "conflict": 0}
    assert first["people (sent)"] == {"create": 1, "update": 0, "unchanged": 0, "conflict": 0}
    assert set(contacts(client, tenant)) == {"Ada Lovelace", "Alan Turing", "Grace Hopper"}
    [sent] = google.by_email("grace@example.com")
    assert sent["names"] == [{"givenName": "Grace", "familyName": "Hopper"}]
    assert len(google.people) == 3

    # A change in Nexus reaches Google, with the etag last seen.
    ada = contacts(client, tenant)["Ada Lovelace"]
    patched = {"email": "ada@analytical.example"}
    ok(client.patch(f"{CRM}/{ada['id']}", json=patched, headers=tenant.headers))
    second = run(client, tenant, connection)
    assert second["people (sent)"]["update"] == 1
    assert google.by_email("ada@example.com") == []
    assert len(google.by_email("ada@analytical.example")) == 1

    # A change in Google reaches Nexus.
    [alan] = google.by_email("alan@example.com")
    google.edit(alan["resourceName"], names=[{"givenName": "Alan", "familyName": "Turing OBE"}])
    third = run(client, tenant, connection)
    assert third["people"]["update"] == 1
    assert "people (sent)" not in third  # what the pull wrote is not echoed back
    assert set(contacts(client, tenant)) == {"Ada Lovelace", "Alan Turing OBE", "Grace Hopper"}

    # Re-running changes nothing, on either side.
    before = {n: dict(p) for n, p in google.people.items()}
    again = run(client, tenant, connection)
    assert all(c["create"] == c["update"] == c["conflict"] == 0 for c in again.values()), again
    assert google.people == before
    assert len(contacts(client, tenant)) == 3
    assert len(google.people) == 3


def test_a_contact_changed_on_both_sides_follows_the_policy_and_429_is_waited_out(
    client: Any, tenant: Any, google: FakeGoogle
) -> None:
    connection = connect(client, tenant, google)
    authorize(client, tenant, connection)
    run(client, tenant, connection)
    ada = contacts(client, tenant)["Ada Lovelace"]
    ok(
        client.patch(
            f"{CRM}/{ada['id']}", json={"first_name": "Augusta Ada"}, headers=tenant.headers
        )
    )
    [remote] = google.by_email("ada@example.com")
    google.edit(remote["resourceName"], emailAddresses=[{"value": "countess@example.com"}])
    google.throttle(2)
    counts = run(client, tenant, connection)
    assert counts["people"]["conflict"] == 1
    assert counts["people (sent)"]["update"] == 1  # nexus_wins: Nexus's data, the new etag
    [now] = google.by_email("ada@example.com")
    assert now["names"][0]["givenName"] == "Augusta Ada"
    assert contacts(client, tenant)["Augusta Ada Lovelace"]["email"] == "ada@example.com"
    assert run(client, tenant, connection)["people"]["conflict"] == 0


def test_a_refused_code_is_422_and_another_tenant_sees_404(
    client: Any, tenant: Any, other: Any, google: FakeGoogle
) -> None:
    connection = connect(client, tenant, google)
    start = ok(
        client.post(f"{API}/connections/{connection}/oauth/start", headers=tenant.headers), 201
    )
    url = f"{API}/connections/{connection}/oauth/complete"
    body = {"code": "wrong", "state": start["state"]}
    refused = client.post(url, json=body, headers=tenant.headers)
    assert refused.status_code == 422, refused.text
    assert "code" in refused.text
    other_start = client.post(f"{API}/connections/{connection}/oauth/start", headers=other.headers)
    assert other_start.status_code == 404
    bad = {"source": "google", "name": "x", "config": {"client_id": "a"}}
    assert client.post(f"{API}/connections", json=bad, headers=tenant.headers).status_code == 422


def test_a_contact_deleted_in_google_is_deleted_in_nexus_unless_changed_there(
    client: Any, tenant: Any, google: FakeGoogle
) -> None:
    connection = connect(client, tenant, google, conflict_policy="remote_wins")
    authorize(client, tenant, connection)
    run(client, tenant, connection)
    ada = contacts(client, tenant)["Ada Lovelace"]
    ok(client.patch(f"{CRM}/{ada['id']}", json={"job_title": "Countess"}, headers=tenant.headers))
    ok(client.patch(f"{CRM}/{ada['id']}", json={"phone": "+442079460000"}, headers=tenant.headers))
    for person in list(google.people):
        google.remove(person)

    counts = run(client, tenant, connection)
    assert (counts["people"]["delete"], counts["people"]["conflict"]) == (1, 1)
    assert contacts(client, tenant) == {}  # remote_wins: the changed one goes too
    assert "people (sent)" not in counts
    again = run(client, tenant, connection)
    assert all(c.get("delete", 0) == c["conflict"] == 0 for c in again.values()), again
