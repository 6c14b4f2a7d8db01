"""Web forms: a visitor's submission creates (or finds) a CRM contact through CRM's service,
keeps its UTM attribution, records consent pending confirmation; honeypot, rate and size
limits; another tenant's form answers 404."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_crm
import nexus_marketing
import pytest
from marketing_helpers import API, fetch
from marketing_notify import notify
from nexus.testing import create_test_client, make_tenant, migrated_database, set_plugin_settings

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_crm, nexus_marketing, notify]


@pytest.fixture(scope="module")
def marketing_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(marketing_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=marketing_db) as test_client:
        yield test_client


def _form(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": "Newsletter signup", "tags": ["newsletter"], **fields}
    made = client.post(f"{API}/forms", json=body, headers=tenant.headers)
    assert made.status_code == 201, made.text
    return dict(made.json())


def _submit(client: Any, tenant: Any, form_id: str, body: dict[str, Any], **headers: str) -> Any:
    return client.post(f"{API}/forms/{tenant.slug}/{form_id}", json=body, headers=headers)


VISITOR = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "Ada@Example.com",
    "time_zone": "Europe/London",
    "consent": True,
    "utm_source": "newsletter",
    "utm_medium": "email",
    "utm_campaign": "spring-sale",
    "utm_term": "lamps",
    "utm_content": "banner-a",
}


def test_a_submission_creates_a_crm_contact_with_attribution_and_pending_consent(
    client: Any, marketing_db: str
) -> None:
    tenant = make_tenant(marketing_db)
    base = f"https://nexus.example{API}/public/{tenant.slug}"
    set_plugin_settings(marketing_db, tenant, "marketing", {"public_url": base})
    form = _form(client, tenant)
    again = client.post(f"{API}/forms", json={"name": form["name"]}, headers=tenant.headers)
    assert again.status_code == 409

    taken = _submit(client, tenant, form["id"], VISITOR)
    assert taken.status_code == 201, taken.text
    answer = taken.json()
    assert answer["consent"] == "pending"
    assert answer["confirm_url"].startswith(f"{base}/confirm/")

    contacts = client.get("/api/v1/crm/contacts", headers=tenant.headers).json()["items"]
    [ada] = contacts
    assert (ada["id"], ada["email"]) == (answer["contact_id"], "ada@example.com")
    assert "utm_campaign=spring-sale" in ada["notes"]
    assert ada["lifecycle_stage"] == "lead"
    assert (ada["utm_source"], ada["utm_campaign"]) == (VISITOR["utm_source"], "spring-sale")

    [submission] = client.get(
        f"{API}/forms/{form['id']}/submissions", headers=tenant.headers
    ).json()
    assert {k: submission[k] for k in VISITOR if k.startswith("utm_")} == {
        k: v for k, v in VISITOR.items() if k.startswith("utm_")
    }
    consents = client.get(f"{API}/contacts/{ada['id']}/consents", headers=tenant.headers).json()
    assert [(c["channel"], c["state"], c["source"]) for c in consents] == [
        ("email", "pending", "form:Newsletter signup")
    ]
    [projected] = fetch(
        marketing_db,
        "select tags, time_zone from marketing_contact where id::text = $1",
        answer["contact_id"],
    )
    assert (projected["tags"], projected["time_zone"]) == (["newsletter"], "Europe/London")

    # The same visitor again: the same contact, updated, not a duplicate.
    second = _submit(
        client, tenant, form["id"], {**VISITOR, "last_name": "King", "utm_source": "ads"}
    )
    assert second.status_code == 201, second.text
    assert second.json()["contact_id"] == answer["contact_id"]
    [king] = client.get("/api/v1/crm/contacts", headers=tenant.headers).json()["items"]
    assert king["last_name"] == "King"
    # The first touch keeps the attribution; converting the lead is a stage change.
    assert king["utm_source"] == VISITOR["utm_source"]
    url = f"/api/v1/crm/contacts/{king['id']}"
    won = client.patch(url, json={"lifecycle_stage": "customer"}, headers=tenant.headers)
    assert won.status_code == 200, won.text
    leads = client.get("/api/v1/crm/contacts?lifecycle_stage=lead", headers=tenant.headers)
    assert leads.json()["items"] == []
    third = _submit(client, tenant, form["id"], VISITOR)
    assert third.status_code == 201, third.text
    [customer] = client.get(
        "/api/v1/crm/contacts?lifecycle_stage=customer", headers=tenant.headers
    ).json()["items"]
    assert customer["id"] == king["id"]
    listed = client.get(f"{API}/forms", headers=tenant.headers).json()
    assert listed[0]["submissions"] == 3


def test_honeypot_size_rate_and_another_tenants_form(client: Any, marketing_db: str) -> None:
    tenant, other = make_tenant(marketing_db), make_tenant(marketing_db)
    set_plugin_settings(marketing_db, tenant, "marketing", {"form_per_hour": 3})
    form = _form(client, tenant, consent_channel=None)
    bot = _submit(client, tenant, form["id"], {**VISITOR, "website": "http://spam.example"})
    assert bot.status_code == 422
    assert "website" in bot.text
    missing = _submit(client, tenant, form["id"], {"email": "x@example.com"})
    assert missing.status_code == 422
    assert "last_name" in missing.text
    huge = _submit(client, tenant, form["id"], {**VISITOR, "message": "x" * 20_000})
    assert huge.status_code == 413
    elsewhere = _submit(client, other, form["id"], VISITOR)
    assert elsewhere.status_code == 404
    assert (
        client.get(f"{API}/forms/{form['id']}/submissions", headers=other.headers).status_code
        == 404
    )
    statuses = [
        _submit(client, tenant, form["id"], {**VISITOR, "email": f"v{n}@example.com"}).status_code
        for n in range(4)
    ]
    assert statuses[:3] == [201, 201, 201]
    assert statuses[3] == 429
    no_consent = client.get(f"{API}/forms", headers=tenant.headers).json()[0]
    assert no_consent["consent_channel"] is None
