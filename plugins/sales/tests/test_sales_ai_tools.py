"""Sales' assistant tools: quotations and orders found by number or customer, an order shown."""

from __future__ import annotations

from nexus.testing import call_tool, make_tenant
from nexus_sales._examples import EXAMPLES


def test_the_tools_find_and_show_the_tenants_documents(client, sales_db):
    tenant, other = make_tenant(sales_db), make_tenant(sales_db)
    quote = client.post(
        "/api/v1/sales/quotations",
        json={**EXAMPLES["POST /quotations"], "partner_name": "Babbage Engines"},
        headers=tenant.headers,
    )
    assert quote.status_code == 201, quote.text
    order = client.post(
        "/api/v1/sales/orders",
        json={**EXAMPLES["POST /orders"], "partner_name": "Babbage Engines"},
        headers=tenant.headers,
    )
    assert order.status_code == 201, order.text
    order_id = order.json()["id"]

    quotes = call_tool(client, tenant, "sales.quotations.search", {"query": "babbage"})
    orders = call_tool(client, tenant, "sales.orders.search", {"query": order.json()["number"]})
    shown = call_tool(client, tenant, "sales.orders.get", {"order_id": order_id})

    assert quotes.ok and [q["id"] for q in quotes.result] == [quote.json()["id"]]
    assert quotes.result[0]["partner_name"] == "Babbage Engines"
    assert orders.ok and [o["id"] for o in orders.result] == [order_id]
    assert shown.ok and shown.result["id"] == order_id and shown.result["lines"]
    theirs = call_tool(client, other, "sales.orders.search", {"query": "babbage"})
    assert theirs.ok and theirs.result == []
    missing = call_tool(client, other, "sales.orders.get", {"order_id": order_id})
    assert not missing.ok
