"""Finance's event handlers, driven by the kernel's real event delivery.

Stand-in peers publish ``crm.deal.won.v1`` and ``inventory.valuation.posted.v1`` through the
outbox; the event worker delivers them to Finance's handlers with their EventContext.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal

import nexus_finance
import pytest
from finance_fake_peers import crm, inventory
from finance_support import API, assert_balanced, balance_of, ok, trial_balance
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, migrated_database

CONSUMER = "finance"


@pytest.fixture(scope="module")
def world(nexus_postgres_server):
    with (
        migrated_database(nexus_postgres_server, [nexus_finance, crm, inventory]) as url,
        create_test_client([nexus_finance, crm, inventory], database_url=url) as client,
    ):
        yield client, url


def deal(company_id, **fields):
    return {
        "id": str(uuid.uuid4()),
        "title": "Big deal",
        "amount": "1500.00",
        "currency": "EUR",
        "company_id": company_id,
        "company_name": "Globex",
        "contact_id": None,
        "contact_email": "buyer@globex.example",
        "won_at": "2026-11-20T10:00:00+00:00",
        "lines": [],
        **fields,
    }


def valuation(kind, value, quantity="1", move_id=None, **extra):
    return {
        **extra,
        "move_id": move_id or str(uuid.uuid4()),
        "kind": kind,
        "product_id": str(uuid.uuid4()),
        "sku": "SKU-1",
        "quantity": quantity,
        "unit_cost": value,
        "value": value,
        "currency": "EUR",
    }


def publish(client, tenant, plugin, data):
    return ok(client.post(f"/api/v1/{plugin}/publish", json=data, headers=tenant.headers))


def switch(client, tenant, key, enabled):
    response = client.put(
        f"/api/v1/features/{key}", json={"enabled": enabled}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text


def test_won_deal_drafts_an_invoice_linked_to_the_crm_company(world):
    client, url = world
    tenant = make_tenant(url)
    company = str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        publish(
            client,
            tenant,
            "crm",
            deal(
                company,
                lines=[
                    {
                        "description": "Widget",
                        "quantity": "3",
                        "unit_price": "400.00",
                        "product_id": str(uuid.uuid4()),
                        "sku": "W-1",
                    },
                    {
                        "description": "Install",
                        "quantity": "1",
                        "unit_price": "300.00",
                        "product_id": None,
                        "sku": None,
                    },
                ],
            ),
        )
        publish(client, tenant, "crm", deal(company, amount="99.00", title="Small deal"))
        worker.wait_handled(CONSUMER, 2)

    invoices = ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"]
    assert [(i["state"], i["kind"], i["total"]) for i in invoices] == [
        ("draft", "invoice", "1500.00"),
        ("draft", "invoice", "99.00"),
    ]
    assert [(line["sku"], line["quantity"]) for line in invoices[0]["lines"]] == [
        ("W-1", "3"),
        (None, "1"),
    ]
    assert invoices[1]["lines"][0]["description"] == "Small deal"
    assert {i["partner_ref"] for i in invoices} == {company}
    partners = ok(
        client.get(f"{API}/partners", params={"partner_ref": company}, headers=tenant.headers)
    )
    assert [(p["name"], p["kind"]) for p in partners["items"]] == [("Globex", "customer")]
    assert str(invoices[0]["date"]) == "2026-11-20"


def test_won_deal_is_ignored_when_the_feature_is_off(world):
    client, url = world
    tenant = make_tenant(url)
    switch(client, tenant, "finance.invoice_from_deal", False)
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "crm", deal(str(uuid.uuid4())))
        worker.wait_handled(CONSUMER, 1)
    assert ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"] == []


def test_the_same_deal_twice_drafts_one_invoice(world):
    client, url = world
    tenant = make_tenant(url)
    same = deal(str(uuid.uuid4()))
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "crm", same)
        publish(client, tenant, "crm", same)  # a second event for the same business fact
        worker.wait_handled(CONSUMER, 2)
    assert len(ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"]) == 1


def test_valuations_post_inventory_entries_once_per_move(world):
    client, url = world
    tenant, bystander = make_tenant(url), make_tenant(url)
    receipt = valuation("receipt", "500.00")
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "inventory", receipt)
        publish(client, tenant, "inventory", receipt)  # the same move again: booked once
        publish(client, tenant, "inventory", valuation("delivery", "120.00"))
        publish(client, tenant, "inventory", valuation("adjustment", "30.00", quantity="-2"))
        publish(client, tenant, "inventory", valuation("adjustment", "10.00", quantity="1"))
        # As Inventory sends it: a positive quantity and the direction of the change.
        publish(client, tenant, "inventory", valuation("adjustment", "4.00", direction="out"))
        publish(client, tenant, "inventory", valuation("adjustment", "6.00", direction="in"))
        worker.wait_handled(CONSUMER, 7)

    entries = ok(client.get(f"{API}/entries", headers=tenant.headers))["items"]
    assert [e["source"] for e in entries] == ["inventory"] * 6
    assert entries[0]["source_ref"] == f"inventory.move:{receipt['move_id']}"
    assert entries[0]["journal_code"] == "STJ"
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "1200", "EUR") == Decimal("362.00")  # 500 - 120 - 30 + 10 - 4 + 6
    assert balance_of(report, "2100", "EUR") == Decimal("-500.00")
    assert balance_of(report, "5000", "EUR") == Decimal("120.00")
    assert balance_of(report, "5100", "EUR") == Decimal("18.00")
    assert ok(client.get(f"{API}/entries", headers=bystander.headers))["items"] == []


def test_valuations_are_ignored_when_the_feature_is_off(world):
    client, url = world
    tenant = make_tenant(url)
    switch(client, tenant, "finance.inventory_valuation", False)
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "inventory", valuation("receipt", "50.00"))
        worker.wait_handled(CONSUMER, 1)
    assert ok(client.get(f"{API}/entries", headers=tenant.headers))["items"] == []


def test_a_deal_without_company_or_date_is_invoiced_to_its_contact_today(world):
    client, url = world
    tenant = make_tenant(url)
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "crm", deal(None, company_name=None, won_at=None, amount="10"))
        worker.wait_handled(CONSUMER, 1)
    [draft] = ok(client.get(f"{API}/invoices", headers=tenant.headers))["items"]
    assert (draft["partner_ref"], draft["total"]) == (None, "10.00")
    partner = ok(client.get(f"{API}/partners/{draft['partner_id']}", headers=tenant.headers))
    assert partner["name"] == "buyer@globex.example"
    assert draft["date"] == date.today().isoformat()
