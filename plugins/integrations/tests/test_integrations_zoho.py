"""Issue #30's Zoho CRM connector: OAuth 2.0 at the tenant's data center, Accounts,
Contacts and Products imported with modified-since cursors, Zoho's rate limit honoured, a
re-run changing nothing; all against a fake Zoho."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from zoho_fake import CLIENT_ID, CLIENT_SECRET, CODE, FakeZoho

API = "/api/v1/integrations"
CRM = "/api/v1/crm/contacts"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
def zoho() -> Any:
    with FakeZoho() as fake:
        fake.add("Accounts", "2026-11-02T10:00:00+01:00", Account_Name="Zylker Inc")
        fake.add(
            "Contacts",
            "2026-11-03T10:00:00+01:00",
            First_Name="Kris",
            Last_Name="Marrier",
            Email="kris@zylker.example",
            Phone="+442079460958",
        )
        fake.add(
            "Products",
            "2026-11-04T10:00:00+01:00",
            Product_Name="Desk lamp",
            Product_Code="LAMP-1",
            Unit_Price=35.5,
        )
        yield fake


def connect(client: Any, tenant: Any, zoho: FakeZoho, api_version: str = "v7") -> str:
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "https://nexus.example/app/integrations/oauth",
        "data_center": "eu",
        "api_version": api_version,
        "accounts_url": zoho.base_url,
    }
    body = {"source": "zoho", "name": f"Zoho {api_version}", "config": config}
    made = ok(client.post(f"{API}/connections", json=body, headers=tenant.headers), 201)
    start = ok(
        client.post(f"{API}/connections/{made['id']}/oauth/start", headers=tenant.headers), 201
    )
    assert start["url"].startswith(f"{zoho.base_url}/oauth/v2/auth?")
    assert parse_qs(urlparse(start["url"]).query)["scope"] == ["ZohoCRM.modules.ALL"]
    url = f"{API}/connections/{made['id']}/oauth/complete"
    done = ok(
        client.post(url, json={"code": CODE, "state": start["state"]}, headers=tenant.headers), 201
    )
    assert done["authorized"] is True
    return str(made["id"])


def run(client: Any, tenant: Any, connection: str, *, dry_run: bool = False) -> Any:
    url = f"{API}/connections/{connection}/imports"
    done = ok(client.post(url, json={"dry_run": dry_run}, headers=tenant.headers), 201)
    assert done["status"] == "done", done["error"]
    return done["report"]["counts"]


def test_the_data_centers_accounts_server_is_asked(client: Any, tenant: Any) -> None:
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "https://nexus.example/cb",
        "data_center": "in",
    }
    body = {"source": "zoho", "name": "India", "config": config}
    made = ok(client.post(f"{API}/connections", json=body, headers=tenant.headers), 201)
    start = ok(
        client.post(f"{API}/connections/{made['id']}/oauth/start", headers=tenant.headers), 201
    )
    assert start["url"].startswith("https://accounts.zoho.in/oauth/v2/auth?")
    bad = {**body, "name": "Nowhere", "config": {**config, "data_center": "mars"}}
    refused = client.post(f"{API}/connections", json=bad, headers=tenant.headers)
    assert refused.status_code == 422, refused.text


@pytest.mark.parametrize("version", ["v7", "v2"])
def test_zoho_import_then_sync_with_modified_since_and_a_rerun_changes_nothing(
    client: Any, tenant: Any, zoho: FakeZoho, version: str
) -> None:
    connection = connect(client, tenant, zoho, version)
    dry = run(client, tenant, connection, dry_run=True)
    assert {m: c["create"] for m, c in dry.items()} == {"Accounts": 1, "Contacts": 1, "Products": 1}
    assert ok(client.get(CRM, headers=tenant.headers))["items"] == []

    first = run(client, tenant, connection)
    assert {m: c["create"] for m, c in first.items()} == {
        "Accounts": 1,
        "Contacts": 1,
        "Products": 1,
    }
    [kris] = ok(client.get(CRM, headers=tenant.headers))["items"]
    assert (kris["first_name"], kris["email"]) == ("Kris", "kris@zylker.example")
    products = ok(client.get("/api/v1/inventory/products", headers=tenant.headers))["items"]
    assert [(p["sku"], str(p["sale_price"])) for p in products] == [("LAMP-1", "35.50")]
    cursors = ok(client.get(f"{API}/connections", headers=tenant.headers))[0]["cursors"]
    assert cursors["Contacts"] == "2026-11-03T10:00:00+01:00"

    assert run(client, tenant, connection) == {}  # 304 for every module: nothing modified

    zoho.modules["Contacts"][0].update(
        Email="kris@marrier.example", Modified_Time="2026-11-10T09:00:00+01:00"
    )
    zoho.add("Contacts", "2026-11-10T09:30:00+01:00", First_Name="Sage", Last_Name="Wieser")
    synced = run(client, tenant, connection)
    assert synced == {"Contacts": {"create": 1, "update": 1, "unchanged": 0, "conflict": 0}}
    emails = {
        c["last_name"]: c["email"] for c in ok(client.get(CRM, headers=tenant.headers))["items"]
    }
    assert emails == {"Marrier": "kris@marrier.example", "Wieser": None}

    full = ok(
        client.post(
            f"{API}/connections/{connection}/imports", json={"full": True}, headers=tenant.headers
        ),
        201,
    )["report"]["counts"]
    assert all(c["create"] == c["update"] == c["conflict"] == 0 for c in full.values()), full
    assert len(ok(client.get(CRM, headers=tenant.headers))["items"]) == 2


def test_zohos_rate_limit_is_waited_out(client: Any, tenant: Any, zoho: FakeZoho) -> None:
    connection = connect(client, tenant, zoho)
    zoho.throttle(2)
    counts = run(client, tenant, connection)
    assert counts["Contacts"]["create"] == 1
    assert zoho.calls.count("/crm/v7/Accounts") == 3  # two 429s, then the answer


def test_nexus_changes_reach_zoho_and_a_contact_changed_on_both_sides_follows_the_policy(
    client: Any, tenant: Any, zoho: FakeZoho
) -> None:
    connection = connect(client, tenant, zoho)
    run(client, tenant, connection)
    [kris] = ok(client.get(CRM, headers=tenant.headers))["items"]
    grace = {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.com"}
    ok(client.post(CRM, json=grace, headers=tenant.headers), 201)
    patched = {"phone": "+442079460000"}
    ok(client.patch(f"{CRM}/{kris['id']}", json=patched, headers=tenant.headers))

    dry = run(client, tenant, connection, dry_run=True)
    assert dry["Contacts (sent)"] == {"create": 1, "update": 1, "unchanged": 0, "conflict": 0}
    assert len(zoho.modules["Contacts"]) == 1

    sent = run(client, tenant, connection)
    assert sent["Contacts (sent)"] == {"create": 1, "update": 1, "unchanged": 0, "conflict": 0}
    remote = {r["Last_Name"]: r for r in zoho.modules["Contacts"]}
    assert remote["Hopper"]["Email"] == "grace@example.com"
    assert remote["Marrier"]["Phone"] == "+442079460000"
    assert zoho.calls.count("POST /crm/v7/Contacts") == 1

    # Zoho's answer to the push comes back in the next pull: nothing to do on either side.
    again = run(client, tenant, connection)
    assert all(c["create"] == c["update"] == c["conflict"] == 0 for c in again.values()), again
    assert len(zoho.modules["Contacts"]) == 2
    assert len(ok(client.get(CRM, headers=tenant.headers))["items"]) == 2

    # Changed on both sides: nexus_wins sends Nexus's contact back over Zoho's change.
    remote["Marrier"].update(Email="k@elsewhere.example", Modified_Time="2099-01-01T00:00:00Z")
    ok(client.patch(f"{CRM}/{kris['id']}", json={"first_name": "Kristen"}, headers=tenant.headers))
    settled = run(client, tenant, connection)
    assert settled["Contacts"]["conflict"] == 1
    assert settled["Contacts (sent)"]["update"] == 1
    assert (remote["Marrier"]["First_Name"], remote["Marrier"]["Email"]) == (
        "Kristen",
        "kris@zylker.example",
    )

    # A contact deleted in Zoho refuses the update: reported, not retried as new.
    zoho.modules["Contacts"].remove(remote["Hopper"])
    grace_id = next(
        c["id"]
        for c in ok(client.get(CRM, headers=tenant.headers))["items"]
        if c["last_name"] == "Hopper"
    )
    ok(
        client.patch(
            f"{CRM}/{grace_id}",
            json={"email": "admiral@example.com"},
            headers=tenant.headers,
        )
    )
    refused = run(client, tenant, connection)
    assert refused["Contacts (sent)"]["conflict"] == 1
    assert len(zoho.modules["Contacts"]) == 1


def test_a_contact_deleted_in_zoho_is_deleted_in_nexus_unless_changed_there(
    client: Any, tenant: Any, zoho: FakeZoho
) -> None:
    zoho.add("Contacts", "2026-11-05T10:00:00+01:00", First_Name="Sage", Last_Name="Wieser")
    connection = connect(client, tenant, zoho)
    run(client, tenant, connection)
    people = {c["last_name"]: c for c in ok(client.get(CRM, headers=tenant.headers))["items"]}
    # Sage changes in Nexus (nexus_wins keeps her, and sends her back as new); Kris does not.
    ok(
        client.patch(
            f"{CRM}/{people['Wieser']['id']}", json={"job_title": "CFO"}, headers=tenant.headers
        )
    )
    ok(
        client.patch(
            f"{CRM}/{people['Wieser']['id']}",
            json={"email": "sage@example.com"},
            headers=tenant.headers,
        )
    )
    for record in list(zoho.modules["Contacts"]):
        zoho.delete("Contacts", record["id"], "2026-11-20T10:00:00+01:00")

    dry = run(client, tenant, connection, dry_run=True)
    assert (dry["Contacts"]["delete"], dry["Contacts"]["conflict"]) == (1, 1)
    assert len(ok(client.get(CRM, headers=tenant.headers))["items"]) == 2

    done = run(client, tenant, connection)
    assert (done["Contacts"]["delete"], done["Contacts"]["conflict"]) == (1, 1)
    assert done["Contacts (sent)"]["create"] == 1
    [left] = ok(client.get(CRM, headers=tenant.headers))["items"]
    assert left["last_name"] == "Wieser"
    [again] = zoho.modules["Contacts"]
    assert (again["Last_Name"], again["Email"]) == ("Wieser", "sage@example.com")
    later = run(client, tenant, connection)
    assert all(c.get("delete", 0) == c["conflict"] == c["create"] == 0 for c in later.values()), (
        later
    )
