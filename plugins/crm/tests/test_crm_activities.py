"""Activities: kinds, due dates, done flag, links, feature toggle."""

from __future__ import annotations

from crm_support import API, errors_of


def test_activity_crud_and_done_flag(crm, tenant):
    contact = crm.post(f"{API}/contacts", json={"last_name": "Called"}, headers=tenant.headers)
    deal = crm.post(f"{API}/deals", json={"title": "Talked about"}, headers=tenant.headers)
    created = crm.post(
        f"{API}/activities",
        json={
            "kind": "call",
            "subject": "Intro call",
            "due_date": "2000-01-01",
            "contact_id": contact.json()["id"],
            "deal_id": deal.json()["id"],
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    activity = created.json()
    assert (activity["done"], activity["done_at"], activity["overdue"]) == (False, None, True)
    assert activity["owner"]

    done = crm.patch(
        f"{API}/activities/{activity['id']}", json={"done": True}, headers=tenant.headers
    ).json()
    assert (done["done"], done["overdue"]) == (True, False)
    assert done["done_at"] is not None

    by_deal = crm.get(
        f"{API}/activities", params={"deal_id": deal.json()["id"]}, headers=tenant.headers
    ).json()["items"]
    assert [a["id"] for a in by_deal] == [activity["id"]]
    open_ones = crm.get(f"{API}/activities", params={"done": "false"}, headers=tenant.headers)
    assert open_ones.json()["items"] == []

    # Deleting the contact removes its activities (as Odoo does).
    crm.delete(f"{API}/contacts/{contact.json()['id']}", headers=tenant.headers)
    gone = crm.get(f"{API}/activities/{activity['id']}", headers=tenant.headers)
    assert gone.status_code == 404


def test_bad_kind_and_unknown_links_are_422(crm, tenant, other):
    theirs = crm.post(f"{API}/contacts", json={"last_name": "Theirs"}, headers=other.headers)

    bad_kind = crm.post(
        f"{API}/activities", json={"kind": "fax", "subject": "Old"}, headers=tenant.headers
    )
    assert "kind" in errors_of(bad_kind)
    foreign = crm.post(
        f"{API}/activities",
        json={"kind": "task", "subject": "Sneaky", "contact_id": theirs.json()["id"]},
        headers=tenant.headers,
    )
    assert set(errors_of(foreign)) == {"contact_id"}


def test_activities_feature_off_answers_404(crm, tenant):
    note = crm.post(
        f"{API}/activities", json={"kind": "note", "subject": "Remember"}, headers=tenant.headers
    ).json()
    switched = crm.put(
        "/api/v1/features/crm.activities", json={"enabled": False}, headers=tenant.headers
    )
    assert switched.status_code == 200, switched.text

    assert crm.get(f"{API}/activities/{note['id']}", headers=tenant.headers).status_code == 404
    assert crm.get(f"{API}/activities", headers=tenant.headers).status_code == 404
    assert crm.get(f"{API}/deals", headers=tenant.headers).status_code == 200
