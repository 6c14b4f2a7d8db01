"""Companies and contacts: CRUD, validation, phone normalisation, events, isolation."""

from __future__ import annotations

from crm_support import API, errors_of, keep_settings, outbox


def test_company_crud_normalises_and_publishes(crm, crm_db, tenant):
    created = crm.post(
        f"{API}/companies",
        json={
            "name": "Acme GmbH",
            "domain": "WWW.Acme.Example",
            "email": "Sales@Acme.Example",
            "phone": "030 1234567",
            "country": "de",
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    company = created.json()
    assert company["domain"] == "acme.example"
    assert company["email"] == "sales@acme.example"
    assert company["phone"] == "+49301234567"  # read in Germany, the company's country
    assert company["country"] == "DE"

    changed = crm.patch(
        f"{API}/companies/{company['id']}", json={"city": "Berlin"}, headers=tenant.headers
    )
    assert changed.status_code == 200, changed.text
    assert changed.json()["city"] == "Berlin"
    assert changed.json()["phone"] == "+49301234567"

    shown = crm.get(f"{API}/companies/{company['id']}", headers=tenant.headers)
    assert shown.json() == changed.json()

    created_events = outbox(crm_db, tenant, "crm.company.created.v1")
    assert [event.data for event in created_events] == [
        {
            "id": company["id"],
            "name": "Acme GmbH",
            "domain": "acme.example",
            "email": "sales@acme.example",
            "phone": "+49301234567",
            "country": "DE",
        }
    ]
    assert created_events[0].subject == company["id"]
    assert len(outbox(crm_db, tenant, "crm.company.updated.v1")) == 1

    assert crm.delete(f"{API}/companies/{company['id']}", headers=tenant.headers).status_code == 204
    assert crm.get(f"{API}/companies/{company['id']}", headers=tenant.headers).status_code == 404


def test_contact_crud_with_company_and_tags(crm, crm_db, tenant):
    company = crm.post(
        f"{API}/companies", json={"name": "Analytical Ltd", "country": "GB"}, headers=tenant.headers
    ).json()
    tag = crm.post(f"{API}/tags", json={"name": "VIP"}, headers=tenant.headers).json()

    created = crm.post(
        f"{API}/contacts",
        json={
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.com",
            "phone": "020 7946 0958",
            "company_id": company["id"],
            "tag_ids": [tag["id"]],
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    contact = created.json()
    assert contact["phone"] == "+442079460958"  # the company is in Great Britain
    assert contact["tag_ids"] == [tag["id"]]

    replaced = crm.put(
        f"{API}/contacts/{contact['id']}",
        json={"first_name": "Ada", "last_name": "King", "email": "ada@example.com"},
        headers=tenant.headers,
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["company_id"] is None
    assert replaced.json()["tag_ids"] == []
    assert replaced.json()["phone"] is None

    events = outbox(crm_db, tenant, "crm.contact.created.v1")
    assert events[0].data == {
        "id": contact["id"],
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada@example.com",
        "phone": "+442079460958",
        "company_id": company["id"],
    }
    assert outbox(crm_db, tenant, "crm.contact.updated.v1")[0].data["last_name"] == "King"

    by_tag = crm.get(f"{API}/contacts", params={"tag_id": tag["id"]}, headers=tenant.headers)
    assert by_tag.json()["items"] == []


def test_bad_email_and_phone_answer_422_naming_the_fields(crm, crm_db, tenant):
    response = crm.post(
        f"{API}/contacts",
        json={"last_name": "Nobody", "email": "not-an-email", "phone": "12"},
        headers=tenant.headers,
    )

    errors = errors_of(response)
    assert set(errors) == {"email", "phone"}
    assert crm.get(f"{API}/contacts", headers=tenant.headers).json()["items"] == []
    assert outbox(crm_db, tenant, "crm.contact.created.v1") == []


def test_a_phone_without_country_needs_a_region(crm, crm_db, tenant):
    response = crm.post(
        f"{API}/contacts",
        json={"last_name": "Local", "phone": "030 1234567"},
        headers=tenant.headers,
    )
    assert "phone" in errors_of(response)

    keep_settings(crm_db, tenant, {"default_country": "DE"})
    response = crm.post(
        f"{API}/contacts",
        json={"last_name": "Local", "phone": "030 1234567"},
        headers=tenant.headers,
    )
    assert response.status_code == 201, response.text
    assert response.json()["phone"] == "+49301234567"


def test_unknown_company_or_tag_is_422(crm, tenant, other):
    theirs = crm.post(f"{API}/companies", json={"name": "Theirs"}, headers=other.headers).json()
    theirs_tag = crm.post(f"{API}/tags", json={"name": "theirs"}, headers=other.headers).json()

    response = crm.post(
        f"{API}/contacts",
        json={"last_name": "X", "company_id": theirs["id"], "tag_ids": [theirs_tag["id"]]},
        headers=tenant.headers,
    )

    assert set(errors_of(response)) == {"company_id", "tag_ids"}


def test_bad_country_and_missing_name(crm, tenant):
    response = crm.post(
        f"{API}/companies", json={"name": "X", "country": "XX"}, headers=tenant.headers
    )
    assert set(errors_of(response)) == {"country"}
    response = crm.post(f"{API}/contacts", json={"first_name": "Only"}, headers=tenant.headers)
    assert response.status_code == 422


def test_another_tenants_contact_is_404_and_unchanged(crm, tenant, other):
    contact = crm.post(
        f"{API}/contacts", json={"last_name": "Private"}, headers=tenant.headers
    ).json()
    url = f"{API}/contacts/{contact['id']}"

    assert crm.get(url, headers=other.headers).status_code == 404
    assert crm.patch(url, json={"last_name": "Taken"}, headers=other.headers).status_code == 404
    assert crm.delete(url, headers=other.headers).status_code == 404
    assert crm.get(f"{API}/contacts", headers=other.headers).json()["items"] == []
    assert crm.get(url, headers=tenant.headers).json()["last_name"] == "Private"


def test_lists_page_with_cursors(crm, tenant):
    ids = [
        crm.post(f"{API}/companies", json={"name": f"Co {i}"}, headers=tenant.headers).json()["id"]
        for i in range(5)
    ]

    seen, cursor = [], None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = crm.get(f"{API}/companies", params=params, headers=tenant.headers).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == ids
    bad = crm.get(f"{API}/companies", params={"cursor": "!!"}, headers=tenant.headers)
    assert bad.status_code == 422


def test_tags_are_unique_ignoring_case(crm, tenant):
    lead = crm.post(f"{API}/tags", json={"name": "Lead"}, headers=tenant.headers)
    assert lead.status_code == 201
    again = crm.post(f"{API}/tags", json={"name": "lead"}, headers=tenant.headers)
    assert (again.status_code, again.json()) == (200, lead.json())
    cold = crm.post(f"{API}/tags", json={"name": "Cold"}, headers=tenant.headers).json()

    renamed = crm.patch(f"{API}/tags/{cold['id']}", json={"name": "LEAD"}, headers=tenant.headers)

    assert renamed.status_code == 409
    assert renamed.headers["content-type"] == "application/problem+json"


def test_deleting_a_company_announces_what_it_unlinks(crm, crm_db, tenant):
    company = crm.post(f"{API}/companies", json={"name": "Going"}, headers=tenant.headers).json()
    contact = crm.post(
        f"{API}/contacts",
        json={"last_name": "Staying", "company_id": company["id"]},
        headers=tenant.headers,
    ).json()
    deal = crm.post(
        f"{API}/deals",
        json={"title": "Staying", "company_id": company["id"], "contact_id": contact["id"]},
        headers=tenant.headers,
    ).json()

    assert crm.delete(f"{API}/companies/{company['id']}", headers=tenant.headers).status_code == 204

    (contact_event,) = outbox(crm_db, tenant, "crm.contact.updated.v1")
    assert (contact_event.subject, contact_event.data["company_id"]) == (contact["id"], None)
    (deal_event,) = outbox(crm_db, tenant, "crm.deal.updated.v1")
    assert deal_event.data["company_id"] is None
    assert deal_event.data["contact_id"] == contact["id"]
    assert crm.get(f"{API}/deals/{deal['id']}", headers=tenant.headers).json()["company_id"] is None

    assert crm.delete(f"{API}/contacts/{contact['id']}", headers=tenant.headers).status_code == 204
    deal_events = outbox(crm_db, tenant, "crm.deal.updated.v1")
    assert [e.data["contact_id"] for e in deal_events] == [contact["id"], None]


def _all_pages(crm, url, tenant, **params):
    seen, cursor = [], None
    while True:
        query = {**params, "limit": 2, **({"cursor": cursor} if cursor else {})}
        response = crm.get(url, params=query, headers=tenant.headers)
        assert response.status_code == 200, response.text
        page = response.json()
        seen += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return seen


def test_lists_sort_by_name_across_pages(crm, tenant):
    for first, last in [
        ("Zoe", "adams"),
        ("Bob", "Young"),
        ("Amy", "Adams"),
        ("Ann", "Ü"),
        ("X", "b"),
    ]:
        crm.post(
            f"{API}/contacts", json={"first_name": first, "last_name": last}, headers=tenant.headers
        )

    by_name = _all_pages(crm, f"{API}/contacts", tenant, sort="name")

    assert [(c["last_name"], c["first_name"]) for c in by_name][:4] == [
        ("Adams", "Amy"),
        ("adams", "Zoe"),
        ("b", "X"),
        ("Young", "Bob"),
    ]
    assert len(by_name) == 5
    created = _all_pages(crm, f"{API}/contacts", tenant)
    assert [c["first_name"] for c in created] == ["Zoe", "Bob", "Amy", "Ann", "X"]
    first = crm.get(f"{API}/contacts", params={"limit": 2}, headers=tenant.headers).json()
    mixed = crm.get(
        f"{API}/contacts",
        params={"sort": "name", "cursor": first["next_cursor"]},
        headers=tenant.headers,
    )
    assert errors_of(mixed) == {"cursor": "not a cursor of this list sorted by name"}


def test_companies_deals_and_activities_sort(crm, tenant):
    for name in ["beta", "Alpha", "gamma"]:
        crm.post(f"{API}/companies", json={"name": name}, headers=tenant.headers)
    companies = _all_pages(crm, f"{API}/companies", tenant, sort="name")
    assert [c["name"] for c in companies] == ["Alpha", "beta", "gamma"]

    for title, close in [
        ("late", "2027-03-01"),
        ("none", None),
        ("soon", "2026-12-01"),
        ("mid", "2027-01-15"),
    ]:
        crm.post(
            f"{API}/deals", json={"title": title, "expected_close": close}, headers=tenant.headers
        )
    deals = _all_pages(crm, f"{API}/deals", tenant, sort="expected_close")
    assert [d["title"] for d in deals] == ["soon", "mid", "late", "none"]

    for subject, due in [("b", "2026-12-02"), ("none", None), ("a", "2026-12-01")]:
        crm.post(
            f"{API}/activities",
            json={"kind": "task", "subject": subject, "due_date": due},
            headers=tenant.headers,
        )
    activities = _all_pages(crm, f"{API}/activities", tenant, sort="due_date")
    assert [a["subject"] for a in activities] == ["a", "b", "none"]
