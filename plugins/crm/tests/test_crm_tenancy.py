"""Permissions, idempotency, disable/purge and the OpenAPI document of the CRM."""

from __future__ import annotations

from crm_support import API, outbox, sql
from nexus.testing import make_tenant
from nexus_crm.piccolo_app import TABLES


def test_members_write_records_but_not_pipelines(crm, crm_db):
    admin = make_tenant(crm_db)
    member = make_tenant(crm_db, role="member")

    contact = crm.post(f"{API}/contacts", json={"last_name": "Member"}, headers=member.headers)
    assert contact.status_code == 201, contact.text
    deal = crm.post(f"{API}/deals", json={"title": "Member deal"}, headers=member.headers)
    assert deal.status_code == 201, deal.text
    pipeline = crm.post(
        f"{API}/pipelines", json={"name": "Mine", "stages": [{"name": "A"}]}, headers=member.headers
    )
    assert pipeline.status_code == 403
    assert pipeline.json()["type"] == "/problems/forbidden"
    allowed = crm.post(
        f"{API}/pipelines", json={"name": "Mine", "stages": [{"name": "A"}]}, headers=admin.headers
    )
    assert allowed.status_code == 201


def test_a_read_only_key_cannot_write(crm, crm_db):
    reader = make_tenant(crm_db, scopes=("crm.contacts:read",))

    response = crm.post(f"{API}/contacts", json={"last_name": "Nope"}, headers=reader.headers)

    assert response.status_code == 403


def test_reads_need_their_read_permission_exports_included(crm, crm_db):
    importer = make_tenant(crm_db, scopes=("crm.contacts:import",))
    reader = make_tenant(crm_db, scopes=("crm.contacts:read",))
    member = make_tenant(crm_db, role="member")

    for path in ("/contacts", "/contacts/export", "/companies", "/tags", "/search?q=a", "/deals"):
        refused = crm.get(f"{API}{path}", headers=importer.headers)
        assert refused.status_code == 403, (path, refused.text)
        assert refused.json()["type"] == "/problems/forbidden"
    assert crm.get(f"{API}/contacts", headers=reader.headers).status_code == 200
    assert crm.get(f"{API}/contacts/export", headers=reader.headers).status_code == 200
    assert crm.get(f"{API}/deals", headers=reader.headers).status_code == 403
    for path in ("/contacts", "/contacts/export", "/deals", "/pipelines", "/activities"):
        assert crm.get(f"{API}{path}", headers=member.headers).status_code == 200, path


def test_winning_twice_with_one_idempotency_key_wins_once(crm, crm_db, tenant):
    deal = crm.post(f"{API}/deals", json={"title": "Once"}, headers=tenant.headers).json()
    headers = {**tenant.headers, "Idempotency-Key": "win-once"}

    first = crm.post(f"{API}/deals/{deal['id']}/win", headers=headers)
    second = crm.post(f"{API}/deals/{deal['id']}/win", headers=headers)

    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    assert len(outbox(crm_db, tenant, "crm.deal.won.v1")) == 1


def test_disable_keeps_data_and_purge_removes_it(crm, crm_db, tenant, other):
    company = crm.post(f"{API}/companies", json={"name": "Kept"}, headers=tenant.headers).json()
    tag = crm.post(f"{API}/tags", json={"name": "t"}, headers=tenant.headers).json()
    contact = crm.post(
        f"{API}/contacts",
        json={"last_name": "Kept", "company_id": company["id"], "tag_ids": [tag["id"]]},
        headers=tenant.headers,
    ).json()
    deal = crm.post(
        f"{API}/deals",
        json={
            "title": "Kept",
            "company_id": company["id"],
            "contact_id": contact["id"],
            "lines": [{"description": "x", "unit_price": "1"}],
        },
        headers=tenant.headers,
    ).json()
    crm.post(
        f"{API}/activities",
        json={"kind": "task", "subject": "Kept", "deal_id": deal["id"]},
        headers=tenant.headers,
    )
    crm.post(f"{API}/contacts", json={"last_name": "Theirs"}, headers=other.headers)

    off = crm.put("/api/v1/features/crm", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    assert crm.get(f"{API}/contacts", headers=tenant.headers).status_code == 404
    on = crm.put("/api/v1/features/crm", json={"enabled": True}, headers=tenant.headers)
    assert on.status_code == 200, on.text
    assert crm.get(f"{API}/deals/{deal['id']}", headers=tenant.headers).status_code == 200

    crm.put("/api/v1/features/crm", json={"enabled": False}, headers=tenant.headers)
    dry = crm.post("/api/v1/features/crm/purge", json={"dry_run": True}, headers=tenant.headers)
    assert dry.status_code == 200, dry.text
    assert dry.json()["rows"]["crm_contact"] == 1
    purged = crm.post("/api/v1/features/crm/purge", json={"dry_run": False}, headers=tenant.headers)
    assert purged.status_code == 200, purged.text

    for table in TABLES:
        name = table._meta.tablename
        left = sql(crm_db, f"select count(*) as n from {name} where tenant_id = $1", tenant.id)
        assert left[0]["n"] == 0, name
    theirs = crm.get(f"{API}/contacts", headers=other.headers).json()["items"]
    assert [c["last_name"] for c in theirs] == ["Theirs"]


def test_every_crm_operation_is_documented(crm):
    schema = crm.get("/schema/openapi.json").json()

    operations = [
        (path, method, operation)
        for path, item in schema["paths"].items()
        if path.startswith(API)
        for method, operation in item.items()
        if method in {"get", "post", "put", "patch", "delete"}
    ]
    assert len(operations) > 40
    for path, method, operation in operations:
        assert operation.get("summary"), (method, path)
        assert operation.get("description"), (method, path)
    csv_body = schema["paths"][f"{API}/contacts/import"]["post"]["requestBody"]["content"]
    assert set(csv_body) == {"text/csv", "multipart/form-data"}
    deal_body = schema["paths"][f"{API}/deals"]["post"]["requestBody"]["content"]
    assert deal_body["application/json"]["schema"]["examples"][0]["title"] == "Website redesign"
