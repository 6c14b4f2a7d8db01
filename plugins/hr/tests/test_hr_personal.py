from __future__ import annotations

from hr_support import API, call, hire, outbox, sql

PERSONAL = {
    "birth_date": "1990-12-10",
    "national_id": "QQ123456C",
    "private_address": "12 St James's Square, London",
    "private_phone": "+44 20 7946 0000",
    "private_email": "ada@home.example",
    "bank_account": "GB33BUKB20201555555555",
}


def _member_headers(client, tenant) -> dict[str, str]:
    response = client.post(
        "/api/v1/api-keys", json={"name": "member", "roles": ["member"]}, headers=tenant.headers
    )
    assert response.status_code == 201, response.text
    return {"Authorization": f"Bearer {response.json()['key']}"}


def test_personal_data_needs_the_personal_permission(client, tenant):
    ada = hire(client, tenant)
    call(client, tenant, "PUT", f"/employees/{ada['id']}/personal", 200, json=PERSONAL)
    member = _member_headers(client, tenant)
    seen = client.get(f"{API}/employees/{ada['id']}", headers=member)
    assert seen.status_code == 200
    assert not set(PERSONAL) & set(seen.json())
    assert "QQ123456C" not in seen.text
    for method, path in (
        ("GET", f"/employees/{ada['id']}/personal"),
        ("GET", f"/employees/{ada['id']}/emergency-contacts"),
        ("GET", f"/employees/{ada['id']}/export"),
        ("POST", f"/employees/{ada['id']}/erase"),
    ):
        refused = client.request(method, f"{API}{path}", headers=member)
        assert refused.status_code == 403, (method, path)
    member_put = client.put(f"{API}/employees/{ada['id']}/personal", json={}, headers=member)
    assert member_put.status_code == 403
    shown = call(client, tenant, "GET", f"/employees/{ada['id']}/personal", 200)
    assert {key: shown[key] for key in PERSONAL} == PERSONAL


def test_export_then_erase(client, tenant, hr_db):
    ada = hire(client, tenant, work_email="ada@example.com")
    call(client, tenant, "PUT", f"/employees/{ada['id']}/personal", 200, json=PERSONAL)
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/emergency-contacts",
        201,
        json={"name": "William King", "relationship": "Partner"},
    )
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/contracts",
        201,
        json={"start_date": "2026-01-05", "wage": "4000.00"},
    )
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/documents",
        201,
        files={"file": ("passport.pdf", b"%PDF-1.4 passport", "application/pdf")},
    )
    exported = call(client, tenant, "GET", f"/employees/{ada['id']}/export", 200)
    assert exported["employee"]["name"] == "Ada Lovelace"
    assert exported["personal_data"]["national_id"] == "QQ123456C"
    assert [c["name"] for c in exported["emergency_contacts"]] == ["William King"]
    assert [d["name"] for d in exported["documents"]] == ["passport.pdf"]
    assert len(exported["contracts"]) == 1

    call(client, tenant, "POST", f"/employees/{ada['id']}/erase", 409)  # still employed
    call(client, tenant, "POST", f"/employees/{ada['id']}/terminate", 200, json={})
    erased = call(client, tenant, "POST", f"/employees/{ada['id']}/erase", 200)
    assert {"personal_data", "emergency_contacts", "documents", "name"} <= set(erased["erased"])
    assert erased["documents_deleted"] == 1
    after = call(client, tenant, "GET", f"/employees/{ada['id']}/export", 200)
    assert after["employee"]["name"].startswith("Erased employee")
    assert after["employee"]["work_email"] is None
    assert after["personal_data"]["national_id"] is None
    assert after["emergency_contacts"] == after["documents"] == []
    assert after["contracts"][0]["wage"] == "4000.000000"  # financial facts kept
    assert (
        sql(hr_db, "select count(*) from hr_personal_data where employee_id = $1", ada["id"])[0][0]
        == 0
    )
    [event] = outbox(hr_db, tenant, "hr.employee.erased.v1")
    assert event["employee_id"] == ada["id"]
    call(client, tenant, "POST", f"/employees/{ada['id']}/erase", 409)
    call(client, tenant, "PUT", f"/employees/{ada['id']}/personal", 409, json=PERSONAL)
