"""Full-text search over contacts and companies."""

from __future__ import annotations

from crm_support import API


def test_search_finds_contacts_and_companies_by_prefix(crm, tenant, other):
    ada = crm.post(
        f"{API}/contacts",
        json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@analytical.example"},
        headers=tenant.headers,
    ).json()
    crm.post(
        f"{API}/contacts",
        json={"first_name": "Alan", "last_name": "Turing"},
        headers=tenant.headers,
    )
    company = crm.post(
        f"{API}/companies",
        json={"name": "Lovelace Engines", "domain": "engines.example"},
        headers=tenant.headers,
    ).json()
    crm.post(f"{API}/contacts", json={"last_name": "Lovelace"}, headers=other.headers)

    hits = crm.get(f"{API}/search", params={"q": "lovel"}, headers=tenant.headers).json()["items"]

    assert {(hit["kind"], hit["id"]) for hit in hits} == {
        ("contact", ada["id"]),
        ("company", company["id"]),
    }
    both = crm.get(f"{API}/search", params={"q": "ada lov"}, headers=tenant.headers).json()
    assert [(hit["kind"], hit["title"]) for hit in both["items"]] == [("contact", "Ada Lovelace")]
    by_email = crm.get(
        f"{API}/search", params={"q": "ada@analytical.example"}, headers=tenant.headers
    ).json()
    assert [hit["id"] for hit in by_email["items"]] == [ada["id"]]
    companies = crm.get(
        f"{API}/search", params={"q": "lovelace", "kind": "company"}, headers=tenant.headers
    ).json()
    assert [hit["id"] for hit in companies["items"]] == [company["id"]]


def test_search_ranks_names_above_notes(crm, tenant):
    noted = crm.post(
        f"{API}/contacts",
        json={"last_name": "Smith", "notes": "met at the quokka conference"},
        headers=tenant.headers,
    ).json()
    named = crm.post(f"{API}/contacts", json={"last_name": "Quokka"}, headers=tenant.headers).json()

    hits = crm.get(f"{API}/search", params={"q": "quokka"}, headers=tenant.headers).json()["items"]

    assert [hit["id"] for hit in hits] == [named["id"], noted["id"]]


def test_search_survives_odd_input(crm, tenant):
    for q in ["'", "a & b | !c", "(((", ":*", "\\", "-- drop table"]:
        response = crm.get(f"{API}/search", params={"q": q}, headers=tenant.headers)
        assert response.status_code == 200, (q, response.text)
    assert crm.get(f"{API}/search", headers=tenant.headers).status_code == 422


def test_list_filter_by_full_text(crm, tenant):
    crm.post(
        f"{API}/contacts",
        json={"last_name": "Hopper", "first_name": "Grace"},
        headers=tenant.headers,
    )
    crm.post(f"{API}/contacts", json={"last_name": "Other"}, headers=tenant.headers)

    page = crm.get(f"{API}/contacts", params={"q": "grac"}, headers=tenant.headers).json()

    assert [c["last_name"] for c in page["items"]] == ["Hopper"]
