"""Every event the CRM publishes carries the payload its declaration gives."""

from __future__ import annotations

import msgspec
import nexus_crm
import pytest
from crm_support import API, outbox
from nexus_crm._events import EVENT_TYPES


def test_the_manifest_declares_every_event_with_a_payload():
    manifest = nexus_crm.nexus_manifest()
    assert manifest.events == EVENT_TYPES
    for declared in EVENT_TYPES:
        assert declared.payload is not None, declared.type
        assert declared.description, declared.type


def test_every_published_event_matches_its_declared_payload(crm, crm_db, tenant):
    headers = tenant.headers
    company = crm.post(
        f"{API}/companies", json={"name": "Acme", "country": "DE"}, headers=headers
    ).json()
    crm.patch(f"{API}/companies/{company['id']}", json={"city": "Berlin"}, headers=headers)
    contact = crm.post(
        f"{API}/contacts",
        json={"last_name": "Lovelace", "email": "ada@example.com", "company_id": company["id"]},
        headers=headers,
    ).json()
    crm.patch(f"{API}/contacts/{contact['id']}", json={"first_name": "Ada"}, headers=headers)
    deal = crm.post(
        f"{API}/deals",
        json={
            "title": "Fit-out",
            "company_id": company["id"],
            "contact_id": contact["id"],
            "lines": [{"description": "Shelves", "quantity": "2", "unit_price": "10.50"}],
        },
        headers=headers,
    ).json()
    crm.patch(f"{API}/deals/{deal['id']}", json={"title": "Shop fit-out"}, headers=headers)
    unlinked = crm.post(
        f"{API}/deals", json={"title": "Unlinked", "company_id": company["id"]}, headers=headers
    )
    assert unlinked.status_code == 201, unlinked.text
    assert crm.post(f"{API}/deals/{deal['id']}/win", headers=headers).status_code == 200
    crm.post(
        f"{API}/contacts/import",
        content=b"last_name,company\nBabbage,Difference Engines\n",
        headers={**headers, "content-type": "text/csv"},
    )
    # Deleting the company unlinks its contacts and deals: their updates are announced.
    assert crm.delete(f"{API}/companies/{company['id']}", headers=headers).status_code == 204

    for declared in EVENT_TYPES:
        events = outbox(crm_db, tenant, declared.type)
        assert events, declared.type
        assert declared.payload is not None
        fields = set(declared.payload.__struct_fields__)
        for event in events:
            assert set(event.data) == fields, declared.type
            try:
                msgspec.convert(event.data, declared.payload)
            except msgspec.ValidationError as exc:
                pytest.fail(f"{declared.type}: {exc} in {event.data}")
