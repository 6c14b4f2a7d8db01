"""A won CRM deal drafts what ``deal_won_action`` says, driven by real event delivery."""

from __future__ import annotations

from typing import Any

from nexus.testing import EventWorkerHarness, set_plugin_settings
from sales_support import API, ok, shop

CRM = "/api/v1/crm"


def win(client: Any, tenant: Any, **fields: Any) -> str:
    deal = {
        "title": "Office refit",
        "amount": "25000.00",
        "currency": "NGN",
        "lines": [{"description": "Oak desk", "quantity": "2", "unit_price": "12500.00"}],
        **fields,
    }
    created = ok(client.post(f"{CRM}/deals", json=deal, headers=tenant.headers), 201)
    ok(client.post(f"{CRM}/deals/{created['id']}/win", headers=tenant.headers), 200)
    return str(created["id"])


def test_a_won_deal_drafts_a_quotation_once(client: Any, sales_db: str) -> None:
    tenant = shop(sales_db)
    with EventWorkerHarness(client) as worker:
        deal_id = win(client, tenant)
        worker.wait_handled("sales", 1)
    [quote] = ok(client.get(f"{API}/quotations", headers=tenant.headers))["items"]
    shown = ok(client.get(f"{API}/quotations/{quote['id']}", headers=tenant.headers))
    assert (shown["deal_id"], shown["state"], shown["untaxed_total"]) == (
        deal_id,
        "draft",
        "25000.00",
    )
    assert [line["description"] for line in shown["lines"]] == ["Oak desk"]


def test_deal_won_action_order_drafts_an_order(client: Any, sales_db: str) -> None:
    tenant = shop(sales_db)
    set_plugin_settings(
        sales_db, tenant, "sales", {"default_currency": "NGN", "deal_won_action": "order"}
    )
    with EventWorkerHarness(client) as worker:
        deal_id = win(client, tenant)
        worker.wait_handled("sales", 1)
    [order] = ok(client.get(f"{API}/orders", headers=tenant.headers))["items"]
    assert (order["deal_id"], order["state"]) == (deal_id, "draft")
    assert ok(client.get(f"{API}/quotations", headers=tenant.headers))["items"] == []


def test_deal_won_action_invoice_drafts_a_taxed_finance_invoice(client: Any, sales_db: str) -> None:
    tenant = shop(sales_db)
    set_plugin_settings(
        sales_db, tenant, "sales", {"default_currency": "NGN", "deal_won_action": "invoice"}
    )
    off = client.put(
        "/api/v1/features/finance.invoice_from_deal",
        json={"enabled": False},
        headers=tenant.headers,
    )
    assert off.status_code == 200, off.text
    with EventWorkerHarness(client) as worker:
        win(client, tenant)
        worker.wait_handled("sales", 1)
    [invoice] = ok(client.get("/api/v1/finance/invoices", headers=tenant.headers))["items"]
    assert (invoice["state"], invoice["untaxed_total"], invoice["tax_total"]) == (
        "draft",
        "25000.00",
        "1875.00",
    )
    assert invoice["reference"] == "Office refit"
