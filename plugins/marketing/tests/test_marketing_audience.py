"""CRM's contacts projected, consent by double opt-in with its proof, lists and segments,
bounces suppressing, another tenant's data answering 404."""

from __future__ import annotations

import uuid
from typing import Any

from marketing_helpers import API, fetch, get, ok, post, seed_contacts
from marketing_notify import ASKED
from nexus.testing import EventWorkerHarness, publish_event

CONSUMER = "marketing"


def _contact(url: str, tenant: Any, **fields: Any) -> str:
    contact_id = str(uuid.uuid4())
    data = {
        "id": contact_id,
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "+2348012345678",
        "company_id": None,
        **fields,
    }
    publish_event(url, tenant, type="crm.contact.created.v1", data=data, source="crm")
    return contact_id


def test_contacts_consent_lists_segments(
    client: Any, tenant: Any, other: Any, marketing_db: str
) -> None:
    get(client, tenant, "/contacts")
    with EventWorkerHarness(client) as worker:
        ada = _contact(marketing_db, tenant, tags=["vip"], time_zone="Africa/Lagos")
        bob = _contact(marketing_db, tenant, first_name="Bob", email="bob@acme.test")
        worker.wait_handled_type(CONSUMER, "crm.contact.created.v1", 2)
        publish_event(
            marketing_db,
            tenant,
            type="crm.contact.updated.v1",
            data={
                "id": bob,
                "first_name": "Bob",
                "last_name": "B",
                "email": "bob@acme.test",
                "phone": None,
                "company_id": None,
            },
            source="crm",
        )
        worker.wait_handled_type(CONSUMER, "crm.contact.updated.v1", 1)
    contacts = {c["id"]: c for c in get(client, tenant, "/contacts")["items"]}
    assert contacts[ada]["tags"] == ["vip"] and contacts[ada]["time_zone"] == "Africa/Lagos"
    assert (contacts[bob]["name"], contacts[bob]["phone"]) == ("Bob B", None)
    assert [c["id"] for c in get(client, tenant, "/contacts", tag="vip")["items"]] == [ada]

    asked = post(client, tenant, "/consents", {"contact_id": ada, "channel": "email"})
    assert asked["consent"]["state"] == "pending" and asked["confirm_url"] is None
    segment = post(client, tenant, "/segments", {"name": "VIP", "tags_all": ["vip"]})
    assert get(client, tenant, f"/segments/{segment['id']}/count") == {"contacts": 0}
    bad = client.get(f"{API}/public/{tenant.slug}/confirm/{asked['token']}x")
    assert bad.status_code == 404
    confirmed = client.get(
        f"{API}/public/{tenant.slug}/confirm/{asked['token']}",
        headers={"user-agent": "Browser/1.0"},
    )
    assert ok(confirmed) == {"channel": "email", "state": "confirmed"}
    [proof] = get(client, tenant, f"/contacts/{ada}/consents")
    assert proof["state"] == "confirmed" and proof["confirmed_agent"] == "Browser/1.0"
    assert proof["confirmed_at"] and proof["requested_at"] and proof["source"] == "api"
    assert get(client, tenant, f"/segments/{segment['id']}/count") == {"contacts": 1}

    listed = post(client, tenant, "/lists", {"name": "Acme"})
    members = post(client, tenant, f"/lists/{listed['id']}/members", {"contact_ids": [bob, ada]})
    assert members["members"] == 2
    problem = client.post(
        f"{API}/lists/{listed['id']}/members",
        json={"contact_ids": [str(uuid.uuid4())]},
        headers=tenant.headers,
    )
    assert problem.status_code == 422
    on_list = post(
        client,
        tenant,
        "/segments",
        {"name": "Acme", "list_id": listed["id"], "email_domain": "acme.test"},
    )
    assert get(client, tenant, f"/segments/{on_list['id']}/count") == {"contacts": 0}

    # Another tenant sees none of it.
    assert client.get(f"{API}/segments/{segment['id']}", headers=other.headers).status_code == 404
    assert client.get(f"{API}/contacts/{ada}/consents", headers=other.headers).status_code == 404
    assert get(client, other, "/contacts")["items"] == []


def test_a_bounce_suppresses_the_address(client: Any, tenant: Any, marketing_db: str) -> None:
    get(client, tenant, "/contacts")
    [contact] = seed_contacts(marketing_db, tenant, 1, tags=["b"])
    segment = post(client, tenant, "/segments", {"name": "B", "tags_all": ["b"]})
    campaign = post(
        client,
        tenant,
        "/campaigns",
        {"name": "B", "segment_id": segment["id"], "subject": "Hi", "text": "Hi"},
    )
    with EventWorkerHarness(client) as worker:
        post(client, tenant, f"/campaigns/{campaign['id']}/send", {}, 202)
        worker.wait_handled_type(CONSUMER, "marketing.batch.queued.v1", 1)
        assert any(s.source_ref == f"marketing.campaign:{campaign['id']}" for s in ASKED)
        [row] = fetch(
            marketing_db,
            "select delivery_id from marketing_recipient where contact_id = $1",
            contact,
        )
        publish_event(
            marketing_db,
            tenant,
            type="notify.delivery.status_changed.v1",
            data={
                "delivery_id": str(row["delivery_id"]),
                "message_id": str(uuid.uuid4()),
                "channel": "email",
                "status": "bounced",
                "detail": "5.1.1",
            },
            source="notify",
        )
        worker.wait_handled_type(CONSUMER, "notify.delivery.status_changed.v1", 1)
    [consent] = get(client, tenant, f"/contacts/{contact}/consents")
    assert (consent["state"], consent["reason"]) == ("suppressed", "bounced")
    assert get(client, tenant, f"/campaigns/{campaign['id']}/report")["bounced"] == 1
    assert get(client, tenant, f"/segments/{segment['id']}/count") == {"contacts": 0}
