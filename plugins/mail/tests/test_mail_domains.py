"""Mail domains: records to publish, the DNS check against a local responder, isolation."""

from __future__ import annotations

import uuid
from typing import Any

from mail_support import API, DnsZone, add_domain, ok, publish_records


def _name() -> str:
    return f"d{uuid.uuid4().hex[:12]}.example"


def test_a_domain_shows_its_records_and_never_its_private_key(client: Any, tenant: Any) -> None:
    name = _name()
    domain = add_domain(client, tenant, name.upper())
    assert domain["domain"] == name
    assert domain["verified"] is False
    records = {r["purpose"]: r for r in domain["records"]}
    assert records["mx"] == {
        "purpose": "mx",
        "type": "MX",
        "name": name,
        "value": "mx.nexus.localhost",
        "priority": 10,
    }
    assert records["spf"]["value"] == "v=spf1 mx ~all"
    assert records["dkim"]["name"] == f"nexus._domainkey.{name}"
    assert records["dkim"]["value"].startswith("v=DKIM1; k=rsa; p=MIIBIjAN")
    assert records["dmarc"]["value"] == "v=DMARC1; p=quarantine; adkim=r; aspf=r"
    shown = client.get(f"{API}/domains/{domain['id']}", headers=tenant.headers)
    assert "PRIVATE" not in shown.text and "private" not in shown.text
    listed = ok(client.get(f"{API}/domains", headers=tenant.headers))
    assert [d["id"] for d in listed] == [domain["id"]]
    again = ok(client.post(f"{API}/domains", json={"domain": name}, headers=tenant.headers))
    assert again == domain


def test_the_check_verifies_a_domain_once_mx_and_dkim_are_published(
    client: Any, tenant: Any, other_tenant: Any, zone: DnsZone
) -> None:
    name = _name()
    domain = add_domain(client, tenant, name)
    url = f"{API}/domains/{domain['id']}/check"
    before = ok(client.post(url, json={}, headers=tenant.headers))
    assert before["verified"] is False
    assert {c["purpose"]: c["status"] for c in before["checks"]} == {
        "mx": "missing",
        "spf": "missing",
        "dkim": "missing",
        "dmarc": "missing",
    }
    publish_records(zone, domain)
    after = ok(client.post(url, json={}, headers=tenant.headers))
    assert after["verified"] is True
    assert {c["status"] for c in after["checks"]} == {"ok"}
    assert client.post(url, json={}, headers=other_tenant.headers).status_code == 404
    assert (
        client.get(f"{API}/domains/{domain['id']}", headers=other_tenant.headers).status_code == 404
    )
    # Another tenant may add the name, but it cannot take the mail: its key is not published.
    theirs = add_domain(client, other_tenant, name)
    checked = ok(
        client.post(f"{API}/domains/{theirs['id']}/check", json={}, headers=other_tenant.headers)
    )
    assert checked["verified"] is False
    assert {c["purpose"]: c["status"] for c in checked["checks"]}["dkim"] == "wrong"
    # Even with its records published too, the name stays with the tenant that verified it.
    publish_records(zone, theirs)
    refused = client.post(
        f"{API}/domains/{theirs['id']}/check", json={}, headers=other_tenant.headers
    )
    assert refused.status_code == 409, refused.text
