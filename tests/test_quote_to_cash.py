"""Issue #17's "done when": procure to pay and quote to cash, over the REST API only.

A fresh tenant is provisioned from ``presets/examples/nigerian-retailer.json`` (the retail
preset: CRM, Finance, Inventory, Sales, Purchase; NGN, Nigeria's 7.5 % VAT). It buys 100
desks at 8,000 through a purchase order, a receipt and a matched bill; quotes 10 at 12,500,
which the customer accepts; orders, delivers 6 then the backordered 4, invoices them with
VAT, is paid, takes one desk back with a credit note and refunds it. Inventory's valuation
events reach Finance by the kernel's real event worker; the test waits for them. Then the
trial balance, the P&L and the balance sheet must show what an accountant computes by hand.

The accountant's arithmetic (NGN):

    purchase  receipt  Dr Inventory 800,000            Cr Stock received not billed 800,000
              bill     Dr Stock received not billed 800,000, Dr Input VAT 60,000
                                                       Cr Trade payables 860,000
    sales     deliveries 6 + 4 at 8,000: Dr Cost of sales 80,000   Cr Inventory 80,000
              invoice  Dr Receivables 134,375   Cr Sales 125,000, Cr Output VAT 9,375
              payment  Dr Bank 134,375          Cr Receivables 134,375
              return   Dr Inventory 8,000       Cr Cost of sales 8,000
              credit   Dr Sales 12,500, Dr Output VAT 937.50   Cr Receivables 13,437.50
              refund   Dr Receivables 13,437.50 Cr Bank 13,437.50

    revenue 125,000 − 12,500 credited           = 112,500
    cost of sales 80,000 − 8,000                =  72,000
    gross profit 112,500 − 72,000               =  40,500 (= net profit: no other expense)
    inventory 91 × 8,000                        = 728,000
    stock received not billed 800,000 − 800,000 =       0
    output VAT 9,375 − 937.50                   =   8,437.50 (credit)
    input VAT 7.5 % × 800,000                   =  60,000 (debit)
    trade payables                              = 860,000 (credit; the vendor is not paid yet)
    receivables 134,375 − 134,375 − 13,437.50 + 13,437.50 = 0
    bank 134,375 − 13,437.50                    = 120,937.50
    assets 728,000 + 60,000 + 120,937.50        = 908,937.50
      = liabilities 860,000 + 8,437.50 (868,437.50) + unallocated earnings 40,500
"""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from typing import Any

import nexus_crm
import nexus_finance
import nexus_inventory
import nexus_purchase
import nexus_sales
import pytest
from nexus.provisioning import example_profiles
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_platform_key

PROFILE = json.loads(example_profiles()["nigerian-retailer"].read_text())
FINANCE, INVENTORY = "/api/v1/finance", "/api/v1/inventory"
SALES, PURCHASE = "/api/v1/sales", "/api/v1/purchase"
VALUATION = "inventory.valuation.posted.v1"
D = Decimal


@pytest.fixture
def client(nexus_database_url):
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    plugins = [nexus_crm, nexus_finance, nexus_inventory, nexus_sales, nexus_purchase]
    with create_test_client(plugins, database_url=nexus_database_url, settings=settings) as tc:
        yield tc


@pytest.fixture
def platform(nexus_database_url):
    """Headers of a platform admin, who provisions tenants."""
    return {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json()


def provision(client: Any, platform: dict[str, str]) -> dict[str, str]:
    """Provision a tenant from the Nigerian retailer's profile; its admin's headers."""
    started = ok(client.post("/api/v1/tenants", json=PROFILE, headers=platform), 202)
    with client.stream(
        "GET", f"/api/v1/provisioning-runs/{started['id']}/events", headers=platform
    ) as stream:
        runs = [json.loads(line[6:]) for line in stream.iter_lines() if line.startswith("data: ")]
    assert runs[-1]["status"] == "succeeded", f"provisioning failed: {runs[-1]}"
    return {"Authorization": f"Bearer {runs[-1]['admin']['api_key']}"}


def valued(worker: EventWorkerHarness, count: int) -> None:
    """Wait until Finance was handed ``count`` Inventory valuations (and booked them)."""
    deadline = time.monotonic() + 30
    while sum(1 for e in worker.deliveries("finance") if e.type == VALUATION) < count:
        assert time.monotonic() < deadline, f"Finance was not given {count} × {VALUATION}"
        time.sleep(0.05)


def test_quote_to_cash_and_procure_to_pay_in_a_nigerian_shop(client, platform):
    h = provision(client, platform)
    post = lambda path, body=None, status=201: ok(client.post(path, json=body, headers=h), status)  # noqa: E731
    get = lambda path, **params: ok(client.get(path, params=params, headers=h))  # noqa: E731

    # Nigeria's books: NGN, VAT 7.5 % on sales and purchases by default.
    taxes = get(f"{FINANCE}/taxes")["items"]
    assert sorted((t["scope"], t["rate"], t["default"]) for t in taxes) == [
        ("purchase", "7.5", True),
        ("sale", "7.5", True),
    ], taxes
    with EventWorkerHarness(client) as worker:
        # Procure to pay: 100 desks at 8,000 ordered, received, billed (three-way matched).
        desk = post(
            f"{INVENTORY}/products",
            {"sku": "DESK", "name": "Oak desk", "currency": "NGN", "sale_price": "12500"},
        )
        vendor = post(f"{PURCHASE}/vendors", {"name": "Lagos Timber Ltd"})
        po = post(
            f"{PURCHASE}/orders",
            {
                "vendor_id": vendor["id"],
                "lines": [{"product_id": desk["id"], "quantity": "100", "unit_price": "8000"}],
            },
        )
        assert (po["currency"], po["untaxed_total"]) == ("NGN", "800000"), po
        post(f"{PURCHASE}/orders/{po['id']}/send", status=200)
        post(f"{PURCHASE}/orders/{po['id']}/confirm", status=200)
        receipt = post(f"{PURCHASE}/orders/{po['id']}/receipts", {})
        assert receipt["order_state"] == "received", receipt
        valued(worker, 1)  # Dr Inventory / Cr Stock received not billed
        [po_line] = po["lines"]
        bill = post(
            f"{PURCHASE}/orders/{po['id']}/bills",
            {
                "vendor_reference": "LT-118",
                "date": date.today().isoformat(),
                "lines": [
                    {"order_line_id": po_line["id"], "quantity": "100", "unit_price": "8000"}
                ],
            },
        )
        assert (bill["state"], bill["matched"], bill["total"]) == ("posted", True, "860000"), bill

        # Quote to cash: 10 desks at 12,500, the shop's default VAT (7.5 %).
        quote = post(
            f"{SALES}/quotations",
            {
                "partner_name": "Chidi Furnishings",
                "currency": "NGN",
                "lines": [
                    {
                        "description": "Oak desk",
                        "product_id": desk["id"],
                        "quantity": "10",
                        "unit_price": "12500",
                    }
                ],
            },
        )
        assert (quote["untaxed_total"], quote["tax_total"], quote["total"]) == (
            "125000.00",
            "9375.00",
            "134375.00",
        ), quote
        post(f"{SALES}/quotations/{quote['id']}/send", status=200)
        assert post(f"{SALES}/quotations/{quote['id']}/accept", status=200)["state"] == "accepted"
        order = post(f"{SALES}/quotations/{quote['id']}/order")
        order = post(f"{SALES}/orders/{order['id']}/confirm", status=200)
        [line] = order["lines"]
        assert (order["state"], line["reserved"]) == ("confirmed", "10"), order

        first = post(
            f"{SALES}/orders/{order['id']}/deliveries",
            {"lines": [{"order_line_id": line["id"], "quantity": "6"}]},
        )
        order = get(f"{SALES}/orders/{order['id']}")
        assert order["state"] == "partially_delivered"
        assert [b["quantity"] for b in order["backorders"]] == ["4"]
        post(f"{SALES}/orders/{order['id']}/deliveries", {})  # the backorder of 4
        order = get(f"{SALES}/orders/{order['id']}")
        assert (order["state"], order["backorders"]) == ("delivered", []), order
        valued(worker, 3)  # both deliveries: Dr Cost of sales / Cr Inventory

        invoiced = post(f"{SALES}/orders/{order['id']}/invoice", {"post": True})
        assert (invoiced["untaxed_total"], invoiced["tax_total"], invoiced["total"]) == (
            "125000.00",
            "9375.00",
            "134375.00",
        ), invoiced
        invoice = get(f"{FINANCE}/invoices/{invoiced['document_id']}")
        # The invoice bills what the quotation showed, and names the order it comes from.
        assert invoice["total"] == quote["total"]
        assert (invoice["origin"]["plugin"], invoice["origin"]["kind"]) == ("sales", "order")
        assert invoice["origin"]["id"] == order["id"]
        assert invoice["origin"]["path"] == f"{SALES}/orders/{order['id']}"
        assert [x["id"] for x in get(invoice["origin"]["path"])["invoices"]] == [invoice["id"]]
        post(
            f"{FINANCE}/payments",
            {
                "partner_id": invoice["partner_id"],
                "amount": "134375.00",
                "allocations": [{"invoice_id": invoice["id"], "amount": "134375.00"}],
            },
        )
        assert get(f"{FINANCE}/invoices/{invoice['id']}")["state"] == "paid"

        returned = post(
            f"{SALES}/deliveries/{first['id']}/returns",
            {"lines": [{"delivery_line_id": first["lines"][0]["id"], "quantity": "1"}]},
        )
        assert returned["value"] == "8000", returned
        valued(worker, 4)  # the return: Dr Inventory / Cr Cost of sales
        assert [(x["quantity"], x["unit_cost"]) for x in returned["lines"]] == [("1", "8000")]

    # The credit note: 1 × 12,500 + 7.5 % = 13,437.50, posted, linked to the invoice both
    # ways. The invoice was paid in full, so nothing on it is left to match: the credit note
    # stays open (the customer's credit) until the refund (an outbound payment allocated to
    # it) matches it; then nothing is left open on either document.
    note = get(f"{FINANCE}/invoices/{returned['credit_note_id']}")
    assert (note["kind"], note["state"], note["reversal_of"], note["total"]) == (
        "credit_note",
        "posted",
        invoice["id"],
        "13437.50",
    ), note
    assert (note["residual"], note["allocations"]) == ("13437.50", []), note
    assert (note["origin"]["kind"], note["origin"]["id"]) == ("return", returned["id"])
    linked = get(f"{FINANCE}/invoices/{invoice['id']}")
    assert (linked["state"], linked["residual"]) == ("paid", "0.00"), linked
    assert [(n["id"], n["residual"]) for n in linked["credit_notes"]] == [(note["id"], "13437.50")]
    order = get(f"{SALES}/orders/{order['id']}")
    assert [n["id"] for n in order["credit_notes"]] == [note["id"]]
    assert [r["id"] for r in order["returns"]] == [returned["id"]]
    post(
        f"{FINANCE}/payments",
        {
            "partner_id": note["partner_id"],
            "direction": "outbound",
            "amount": "13437.50",
            "allocations": [{"invoice_id": note["id"], "amount": "13437.50"}],
        },
    )
    note = get(f"{FINANCE}/invoices/{note['id']}")
    assert (note["state"], note["residual"]) == ("paid", "0.00"), note
    assert [n["residual"] for n in get(f"{FINANCE}/invoices/{invoice['id']}")["credit_notes"]] == [
        "0.00"
    ]

    assert D(get(f"{INVENTORY}/products/{desk['id']}/stock")["on_hand"]) == 91  # 100 − 10 + 1
    assert_books(get)


def amounts(report: dict[str, Any], key: str) -> dict[str, Decimal]:
    return {row[key]: D(row["amount"]) for row in report["rows"] if row["currency"] == "NGN"}


def assert_books(get: Any) -> None:
    """The trial balance, P&L and balance sheet, against the module's hand arithmetic."""
    revenue = D("125000") - D("12500")  # invoiced, less the credit note
    cogs = 10 * D("8000") - 1 * D("8000")  # delivered, less the return at its cost
    gross = revenue - cogs
    inventory = (100 - 10 + 1) * D("8000")
    output_vat = D("125000") * D("0.075") - D("12500") * D("0.075")
    input_vat = D("800000") * D("0.075")
    payables = D("800000") + input_vat
    bank = (D("125000") + D("9375")) - (D("12500") + D("937.50"))
    assert (revenue, cogs, gross, inventory) == (112500, 72000, 40500, 728000)
    assert (output_vat, input_vat, payables, bank) == (D("8437.50"), 60000, 860000, D("120937.50"))

    trial = get(f"{FINANCE}/reports/trial-balance")
    signed = {
        row["account_code"]: D(row["debit_balance"]) - D(row["credit_balance"])
        for row in trial["rows"]
        if row["currency"] == "NGN"
    }
    assert {code: amount for code, amount in signed.items() if amount} == {
        "1000": bank,  # Bank
        "1200": inventory,  # Inventory
        "1300": input_vat,  # Tax receivable (input tax)
        "2000": -payables,  # Trade payables
        "2200": -output_vat,  # Tax payable (output tax)
        "4000": -revenue,  # Sales of goods
        "5000": cogs,  # Cost of goods sold
    }, trial["rows"]
    assert signed.get("1100", 0) == 0, "receivables: paid, credited and refunded"
    assert signed.get("2100", 0) == 0, "stock received not billed is cleared by the bill"
    totals = trial["totals"]["NGN"]
    assert totals["debit_balance"] == totals["credit_balance"] == "980937.50", totals

    pnl = get(f"{FINANCE}/reports/profit-and-loss")
    assert [(r["section"], r["account_code"], D(r["amount"])) for r in pnl["rows"]] == [
        ("revenue", "4000", revenue),
        ("cost_of_sales", "5000", cogs),
        ("gross_profit", "", gross),
        ("net_profit", "", gross),
    ], pnl["rows"]

    sheet = get(f"{FINANCE}/reports/balance-sheet")
    assert {k: v for k, v in amounts(sheet, "account_name").items() if v} == {
        "Bank": bank,
        "Inventory": inventory,
        "Tax receivable (input tax)": input_vat,
        "Trade payables": payables,
        "Tax payable (output tax)": output_vat,
        "Unallocated earnings": gross,
    }, sheet["rows"]
    assert sheet["totals"]["NGN"] == {
        "assets": "908937.50",  # 728,000 + 60,000 + 120,937.50
        "liabilities": "868437.50",  # 860,000 + 8,437.50
        "equity": "40500.00",
        "liabilities_and_equity": "908937.50",
    }
