"""Quote to cash over the REST API, with the real Finance and Inventory behind the services.

A Nigerian shop (NGN, 7.5 % VAT) holds 100 desks bought at 8,000: a quotation for 10 at
12,500 is revised and accepted, ordered, confirmed (stock reserved), delivered 6 then the
backordered 4, invoiced with tax (125,000 + 9,375 = 134,375), and one desk comes back with a
credit note — stock 91.
"""

from __future__ import annotations

import io
import uuid
from decimal import Decimal
from typing import Any

import pytest
from nexus.testing import EventWorkerHarness, make_tenant
from pypdf import PdfReader
from sales_support import API, FINANCE, ok, on_hand, order_of, problem, shop, stock, stocked, vat


@pytest.fixture
def tenant(client: Any, sales_db: str) -> Any:
    return shop(sales_db)


def quotation(client: Any, tenant: Any, product_id: str, tax_id: str) -> dict[str, Any]:
    body = {
        "partner_name": "Adaeze Stores",
        "currency": "NGN",
        "lines": [
            {
                "description": "Oak desk",
                "product_id": product_id,
                "quantity": "10",
                "unit_price": "12000",
                "tax_ids": [tax_id],
            }
        ],
    }
    return ok(client.post(f"{API}/quotations", json=body, headers=tenant.headers), 201)  # type: ignore[no-any-return]


def test_quotation_to_credited_return(client: Any, tenant: Any) -> None:
    with EventWorkerHarness(client) as worker:
        product = stocked(client, tenant, "100")
        flow(client, tenant, product)
        # Finance books the receipt, both deliveries and the return from their valuations.
        worker.wait_handled_type("finance", "inventory.valuation.posted.v1", 4)
    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant.headers))
    cogs = {
        row["account_code"]: Decimal(row["debit_balance"]) - Decimal(row["credit_balance"])
        for row in report["rows"]
    }
    assert cogs["5000"] == Decimal("72000")  # 10 × 8,000 delivered, 8,000 back


def flow(client: Any, tenant: Any, product: str) -> None:
    h = tenant.headers
    tax = vat(client, tenant)
    first = quotation(client, tenant, product, tax)
    assert (first["untaxed_total"], first["tax_total"], first["total"]) == (
        "120000.00",
        "9000.00",
        "129000.00",
    )
    sent = ok(client.post(f"{API}/quotations/{first['id']}/send", headers=h))
    assert sent["download_url"] == f"/api/v1/sales/quotations/{first['id']}/pdf"

    # The customer haggles: version 2 at 12,500; version 1 is kept read-only.
    second = ok(client.post(f"{API}/quotations/{first['id']}/revise", headers=h), 201)
    assert (second["number"], second["version"], second["state"]) == (first["number"], 2, "draft")
    lines = [{**second["lines"][0], "unit_price": "12500"}]
    change = {
        "lines": [
            {
                k: lines[0][k]
                for k in ("description", "product_id", "quantity", "unit_price", "tax_ids")
            }
        ]
    }
    second = ok(client.put(f"{API}/quotations/{second['id']}", json=change, headers=h))
    assert (second["untaxed_total"], second["tax_total"], second["total"]) == (
        "125000.00",
        "9375.00",
        "134375.00",
    )
    assert [v["state"] for v in second["versions"]] == ["superseded", "draft"]
    problem(client.post(f"{API}/quotations/{first['id']}/accept", headers=h), 409)
    problem(client.put(f"{API}/quotations/{first['id']}", json=change, headers=h), 409)
    ok(client.post(f"{API}/quotations/{second['id']}/send", headers=h))
    assert ok(client.post(f"{API}/quotations/{second['id']}/accept", headers=h))["state"] == (
        "accepted"
    )

    order = ok(client.post(f"{API}/quotations/{second['id']}/order", headers=h), 201)
    assert order["quotation"]["id"] == second["id"]
    assert [v["version"] for v in order["quotation_versions"]] == [1, 2]
    problem(client.post(f"{API}/quotations/{second['id']}/order", headers=h), 409)
    order = ok(client.post(f"{API}/orders/{order['id']}/confirm", headers=h))
    assert (order["state"], order["lines"][0]["reserved"]) == ("confirmed", "10")
    line_id = order["lines"][0]["id"]

    first_delivery = ok(
        client.post(
            f"{API}/orders/{order['id']}/deliveries",
            json={"lines": [{"order_line_id": line_id, "quantity": "6"}]},
            headers=h,
        ),
        201,
    )
    assert [(d["quantity"], d["unit_cost"], d["value"]) for d in first_delivery["lines"]] == [
        ("6", "8000", "48000.00")
    ]
    order = ok(client.get(f"{API}/orders/{order['id']}", headers=h))
    assert order["state"] == "partially_delivered"
    assert [(b["order_line_id"], b["quantity"]) for b in order["backorders"]] == [(line_id, "4")]

    ok(client.post(f"{API}/orders/{order['id']}/deliveries", json={}, headers=h), 201)
    order = ok(client.get(f"{API}/orders/{order['id']}", headers=h))
    assert (order["state"], order["backorders"], len(order["deliveries"])) == ("delivered", [], 2)
    assert on_hand(client, tenant, product) == "90"

    invoiced = ok(
        client.post(f"{API}/orders/{order['id']}/invoice", json={"post": True}, headers=h), 201
    )
    assert (invoiced["untaxed_total"], invoiced["tax_total"], invoiced["total"]) == (
        "125000.00",
        "9375.00",
        "134375.00",
    )
    assert invoiced["source_ref"] == f"sales.order:{order['id']}:1"
    assert invoiced["order"]["state"] == "done"
    [link] = invoiced["order"]["invoices"]
    assert (link["id"], link["state"], link["total"]) == (
        invoiced["document_id"],
        "posted",
        "134375.00",
    )
    problem(client.post(f"{API}/orders/{order['id']}/invoice", json={}, headers=h), 409)

    returned = ok(
        client.post(
            f"{API}/deliveries/{first_delivery['id']}/returns",
            json={
                "lines": [{"delivery_line_id": first_delivery["lines"][0]["id"], "quantity": "1"}]
            },
            headers=h,
        ),
        201,
    )
    assert (returned["value"], returned["lines"][0]["unit_cost"]) == ("8000", "8000")
    assert on_hand(client, tenant, product) == "91"
    order = ok(client.get(f"{API}/orders/{order['id']}", headers=h))
    [note] = order["credit_notes"]
    assert note["id"] == returned["credit_note_id"]
    assert note["total"] == "13437.50"
    finance_note = ok(client.get(f"{FINANCE}/invoices/{note['id']}", headers=h))
    assert (finance_note["kind"], finance_note["reversal_of"]) == (
        "credit_note",
        invoiced["document_id"],
    )
    # Matched against the invoice: what is left to pay is the invoice less the credit.
    invoice = ok(client.get(f"{FINANCE}/invoices/{invoiced['document_id']}", headers=h))
    assert invoice["residual"] == "120937.50"
    # Both show the allocation; nothing of the credit note is left open.
    assert [(a["credit_note_id"], a["amount"]) for a in invoice["allocations"]] == [
        (note["id"], "13437.50")
    ]
    assert [(n["id"], n["residual"]) for n in invoice["credit_notes"]] == [(note["id"], "0.00")]
    finance_note = ok(client.get(f"{FINANCE}/invoices/{note['id']}", headers=h))
    assert [(a["invoice_id"], a["amount"]) for a in finance_note["allocations"]] == [
        (invoice["id"], "13437.50")
    ]
    assert (finance_note["residual"], finance_note["origin"]["kind"]) == ("0.00", "return")
    assert invoice["origin"]["path"] == f"{API}/orders/{order['id']}"
    assert [r["id"] for r in order["returns"]] == [returned["id"]]


def test_refuse_policy_answers_409_naming_the_product_and_stores_nothing(
    client: Any, tenant: Any
) -> None:
    product = stocked(client, tenant, "16")
    order = order_of(client, tenant, product, "50")
    body = problem(
        client.post(f"{API}/orders/{order['id']}/deliveries", json={}, headers=tenant.headers), 409
    )
    assert body.get("product_id") == product, body
    assert (body["on_hand"], body["requested"]) == ("16", "50")
    again = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
    assert (again["state"], again["deliveries"]) == ("confirmed", [])
    assert on_hand(client, tenant, product) == "16"


def test_backorder_policy_delivers_what_is_there_and_keeps_the_rest(
    client: Any, sales_db: str
) -> None:
    tenant = shop(sales_db, oversell_policy="backorder")
    product = stocked(client, tenant, "16")
    order = order_of(client, tenant, product, "20")
    delivery = ok(
        client.post(f"{API}/orders/{order['id']}/deliveries", json={}, headers=tenant.headers), 201
    )
    assert [(d["quantity"], d["backordered"]) for d in delivery["lines"]] == [("16", "4")]
    order = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
    assert order["state"] == "partially_delivered"
    assert [b["quantity"] for b in order["backorders"]] == ["4"]


def test_a_line_naming_an_unknown_product_is_refused(client: Any, tenant: Any) -> None:
    body = {
        "partner_name": "Adaeze Stores",
        "lines": [
            {
                "description": "Ghost",
                "product_id": str(uuid.uuid4()),
                "quantity": "1",
                "unit_price": "1",
            }
        ],
    }
    refused = problem(client.post(f"{API}/quotations", json=body, headers=tenant.headers), 422)
    assert [e["key"] for e in refused["errors"]] == ["lines[0].product_id"]


def test_invoicing_on_delivery_invoices_only_what_left(client: Any, tenant: Any) -> None:
    product = stocked(client, tenant, "10")
    ok(
        client.put(
            f"{API}/products/{product}/invoicing",
            json={"policy": "delivery"},
            headers=tenant.headers,
        )
    )
    order = order_of(client, tenant, product, "10")
    problem(
        client.post(f"{API}/orders/{order['id']}/invoice", json={}, headers=tenant.headers), 409
    )
    line_id = order["lines"][0]["id"]
    ok(
        client.post(
            f"{API}/orders/{order['id']}/deliveries",
            json={"lines": [{"order_line_id": line_id, "quantity": "3"}]},
            headers=tenant.headers,
        ),
        201,
    )
    invoiced = ok(
        client.post(f"{API}/orders/{order['id']}/invoice", json={}, headers=tenant.headers), 201
    )
    assert invoiced["untaxed_total"] == "37500.00"
    assert invoiced["order"]["lines"][0]["invoiced"] == "3"
    assert invoiced["order"]["state"] == "partially_invoiced"


def test_cancelling_releases_the_reservation(client: Any, tenant: Any) -> None:
    product = stocked(client, tenant, "10")
    order = order_of(client, tenant, product, "4")
    assert stock(client, tenant, product)["available"] == "6"
    cancelled = ok(client.post(f"{API}/orders/{order['id']}/cancel", headers=tenant.headers))
    assert cancelled["state"] == "cancelled"
    assert stock(client, tenant, product)["available"] == "10"


def test_finance_off_answers_409_service_unavailable_on_invoice(client: Any, tenant: Any) -> None:
    order = ok(
        client.post(
            f"{API}/orders",
            json={
                "partner_name": "Adaeze Stores",
                "lines": [{"description": "Consulting", "quantity": "1", "unit_price": "5000"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    ok(client.post(f"{API}/orders/{order['id']}/confirm", headers=tenant.headers))
    switched = client.put(
        "/api/v1/features/finance", json={"enabled": False}, headers=tenant.headers
    )
    assert switched.status_code == 200, switched.text
    body = problem(
        client.post(f"{API}/orders/{order['id']}/invoice", json={}, headers=tenant.headers), 409
    )
    assert body["blocking"] == ["finance"]
    after = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
    assert (after["state"], after["invoices"]) == ("confirmed", [])


def test_another_tenants_order_and_quotation_answer_404(
    client: Any, tenant: Any, sales_db: str
) -> None:
    product = stocked(client, tenant, "5")
    order = order_of(client, tenant, product, "1")
    other = make_tenant(sales_db)
    for path in (f"/orders/{order['id']}", f"/orders/{order['id']}/confirm"):
        method = client.get if path.count("/") == 2 else client.post
        problem(method(f"{API}{path}", headers=other.headers), 404)
    quote = quotation(client, tenant, product, vat(client, tenant))
    problem(client.get(f"{API}/quotations/{quote['id']}/pdf", headers=other.headers), 404)
    assert ok(client.get(f"{API}/orders", headers=other.headers))["items"] == []


def test_the_pdf_shows_the_quotation_and_replaces_what_latin1_lacks(
    client: Any, tenant: Any
) -> None:
    body = {
        "partner_name": "Łódź Trading — 東京",
        "currency": "NGN",
        "lines": [{"description": "Desk ☃ deluxe", "quantity": "2", "unit_price": "12500"}],
    }
    quote = ok(client.post(f"{API}/quotations", json=body, headers=tenant.headers), 201)
    response = client.get(f"{API}/quotations/{quote['id']}/pdf", headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert f"Quotation {quote['number']} (version 1)" in text
    assert "Lódz Trading - ??" in text
    assert "Desk ? deluxe" in text
    assert "25000.00" in text
