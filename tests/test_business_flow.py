"""The retail business flow across CRM, Finance and Inventory, as a REST client drives it.

A tenant provisioned from ``presets/examples/retail.json`` (the ``retail`` preset) receives
stock, wins a deal for a product, gets the invoice Finance drafts for it, posts it, sees
Inventory deliver the product, and is paid; the ledger balances and the stock valuation is
booked. The retail preset now quotes, orders and delivers through Sales (issue #17; see
tests/test_quote_to_cash.py) and switches Finance's ``finance.invoice_from_deal`` and
Inventory's ``inventory.deliver_on_invoice`` off; these tenants switch both back on through
the features API, so the flow between the three plugins' events is what is tested here. Every
step goes through the API; the plugins talk only through events, carried by
the kernel's real event worker on each adapter: the PostgreSQL event log and Kafka (tansu).
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import nexus_crm
import nexus_finance
import nexus_inventory
import pytest
from nexus.provisioning import example_profiles
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_platform_key

RETAIL = json.loads(example_profiles()["retail"].read_text())
CRM, FINANCE, INVENTORY = "/api/v1/crm", "/api/v1/finance", "/api/v1/inventory"
DEAL_WON, INVOICE_POSTED = "crm.deal.won.v1", "finance.invoice.posted.v1"
VALUATION = "inventory.valuation.posted.v1"
RETAIL_FEATURES = {
    "finance.invoice_from_deal",
    "finance.inventory_valuation",
    "inventory.deliver_on_invoice",
}


@pytest.fixture(params=["postgres", "kafka"])
def client(request, nexus_database_url):
    """A kernel with the three business plugins, its events on the adapter of the param."""
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    if request.param == "kafka":
        broker = request.getfixturevalue("nexus_kafka_broker")
        # tansu answers aiokafka's idempotent-producer handshake with an error (see
        # tests/test_kafka.py); the consumers' inbox removes any duplicate a retry makes.
        settings = settings.replace(kafka_bootstrap=broker.bootstrap, kafka_idempotent=False)
    with create_test_client(
        [nexus_crm, nexus_finance, nexus_inventory],
        database_url=nexus_database_url,
        settings=settings,
    ) as test_client:
        yield test_client


@pytest.fixture
def platform(nexus_database_url):
    """Headers of a platform admin, who provisions tenants."""
    return {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json()


def provision(client: Any, platform: dict[str, str], **changes: Any) -> dict[str, str]:
    """Provision a tenant from the retail example profile; return its admin's headers."""
    started = ok(client.post("/api/v1/tenants", json=RETAIL | changes, headers=platform), 202)
    with client.stream(
        "GET", f"/api/v1/provisioning-runs/{started['id']}/events", headers=platform
    ) as stream:
        runs = [json.loads(line[6:]) for line in stream.iter_lines() if line.startswith("data: ")]
    last = runs[-1]
    assert last["status"] == "succeeded", f"provisioning failed: {last}"
    tenant = {"Authorization": f"Bearer {last['admin']['api_key']}"}
    # The event flow without Sales: a won deal invoiced by Finance, delivered on posting.
    for key in ("finance.invoice_from_deal", "inventory.deliver_on_invoice"):
        ok(client.put(f"/api/v1/features/{key}", json={"enabled": True}, headers=tenant))
    return tenant


def receive_stock(
    client: Any, tenant: dict[str, str], *, sku: str, quantity: str, cost: str
) -> dict[str, Any]:
    """Create a product and receive ``quantity`` of it from the supplier; return the product."""
    product = ok(
        client.post(
            f"{INVENTORY}/products",
            json={"sku": sku, "name": f"Product {sku}", "cost_price": cost, "sale_price": "100.00"},
            headers=tenant,
        ),
        201,
    )
    body = {"kind": "receipt", "product_id": product["id"], "quantity": quantity, "unit_cost": cost}
    ok(client.post(f"{INVENTORY}/moves", json=body | {"validate": True}, headers=tenant), 201)
    return product


def win_deal(
    client: Any, tenant: dict[str, str], product: dict[str, Any], quantity: str
) -> dict[str, Any]:
    """A company, its contact and a deal for ``quantity`` of ``product``, marked won."""
    company = ok(
        client.post(f"{CRM}/companies", json={"name": "Globex", "country": "FR"}, headers=tenant),
        201,
    )
    contact = ok(
        client.post(
            f"{CRM}/contacts",
            json={
                "first_name": "Ada",
                "last_name": "Buyer",
                "email": "ada@globex.example",
                "company_id": company["id"],
            },
            headers=tenant,
        ),
        201,
    )
    line = {
        "description": product["name"],
        "quantity": quantity,
        "unit_price": "100.00",
        "product_id": product["id"],
        "sku": product["sku"],
    }
    deal = ok(
        client.post(
            f"{CRM}/deals",
            json={
                "title": "Globex shop fit-out",
                "company_id": company["id"],
                "contact_id": contact["id"],
                "lines": [line],
            },
            headers=tenant,
        ),
        201,
    )
    won = ok(client.post(f"{CRM}/deals/{deal['id']}/win", headers=tenant))
    assert won["status"] == "won", won
    return won


def only_draft(client: Any, tenant: dict[str, str]) -> dict[str, Any]:
    drafts = ok(client.get(f"{FINANCE}/invoices", params={"state": "draft"}, headers=tenant))[
        "items"
    ]
    assert len(drafts) == 1, f"expected one draft invoice for the won deal, got {drafts}"
    return drafts[0]


def deliveries(client: Any, tenant: dict[str, str]) -> list[dict[str, Any]]:
    return ok(client.get(f"{INVENTORY}/moves", params={"kind": "delivery"}, headers=tenant))[
        "items"
    ]


def on_hand(client: Any, tenant: dict[str, str], product: dict[str, Any]) -> Decimal:
    return Decimal(
        ok(client.get(f"{INVENTORY}/products/{product['id']}/stock", headers=tenant))["on_hand"]
    )


def trial_row(client: Any, tenant: dict[str, str], subtype: str) -> dict[str, Any]:
    """The trial balance's EUR row of the tenant's default account of ``subtype``."""
    accounts = ok(client.get(f"{FINANCE}/accounts", params={"limit": 200}, headers=tenant))
    code = min(a["code"] for a in accounts["items"] if a["subtype"] == subtype)
    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant))
    rows = [r for r in report["rows"] if r["account_code"] == code and r["currency"] == "EUR"]
    assert rows, f"nothing booked to the {subtype} account {code}: {report['rows']}"
    return rows[0]


def handled_types(worker: EventWorkerHarness, consumer: str) -> list[str]:
    return [event.type for name, event in worker.events if name == consumer]


def test_won_deal_is_invoiced_delivered_paid_and_booked(client, platform):
    tenant = provision(client, platform)
    in_effect = {
        f["key"] for f in ok(client.get("/api/v1/features", headers=tenant)) if f["in_effect"]
    }
    assert in_effect >= RETAIL_FEATURES, f"the flow's features are not all on: {in_effect}"

    with EventWorkerHarness(client) as worker:
        desk = receive_stock(client, tenant, sku="DESK", quantity="10", cost="40.00")
        worker.wait_handled("finance", 1)  # the receipt's inventory.valuation.posted.v1

        deal = win_deal(client, tenant, desk, quantity="3")
        worker.wait_handled("finance", 2)  # crm.deal.won.v1 → a draft invoice
        draft = only_draft(client, tenant)
        # 3 × 100.00, with the tenant's default sales tax (a French shop: TVA 20 %).
        assert (draft["untaxed_total"], draft["tax_total"], draft["total"], draft["currency"]) == (
            "300.00",
            "60.00",
            "360.00",
            "EUR",
        ), draft
        assert draft["partner_ref"] == deal["company_id"], (
            "the invoice's customer is the deal's company"
        )
        assert [(x["product_id"], x["sku"], x["quantity"]) for x in draft["lines"]] == [
            (desk["id"], "DESK", "3")
        ], "the deal's product line is on the invoice"

        posted = ok(client.post(f"{FINANCE}/invoices/{draft['id']}/post", headers=tenant))
        assert posted["state"] == "posted" and posted["number"], posted
        worker.wait_handled("inventory", 1)  # finance.invoice.posted.v1 → a delivery
        # Finance's own finance.invoice.posted.v1 (its PDF rendered into the files store)
        # and the delivery's inventory.valuation.posted.v1, in either order.
        worker.wait_handled("finance", 4)

        [delivery] = deliveries(client, tenant)
        assert (delivery["state"], delivery["quantity"], delivery["reference"]) == (
            "done",
            "3",
            posted["number"],
        ), delivery
        assert on_hand(client, tenant, desk) == 7, "the delivery took 3 of the 10 received"

        payment = {
            "partner_id": posted["partner_id"],
            "amount": posted["total"],
            "allocations": [{"invoice_id": posted["id"], "amount": posted["total"]}],
        }
        ok(client.post(f"{FINANCE}/payments", json=payment, headers=tenant), 201)
        paid = ok(client.get(f"{FINANCE}/invoices/{posted['id']}", headers=tenant))
        assert (paid["state"], paid["residual"]) == ("paid", "0.00"), paid

    finance_handled = handled_types(worker, "finance")
    assert finance_handled[:2] == [VALUATION, DEAL_WON]
    assert sorted(finance_handled[2:]) == sorted([INVOICE_POSTED, VALUATION])
    assert handled_types(worker, "inventory") == [INVOICE_POSTED]

    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant))
    assert report["totals"], "nothing was booked"
    for currency, totals in report["totals"].items():
        assert totals["debit_balance"] == totals["credit_balance"], (
            f"the {currency} trial balance is off: {totals}"
        )
    receivable = trial_row(client, tenant, "receivable")
    assert (
        receivable["debit"],
        receivable["credit"],
        receivable["debit_balance"],
        receivable["credit_balance"],
    ) == ("360.00", "360.00", "0.00", "0.00"), f"the payment clears the receivable: {receivable}"
    # Stock valuation: 10 received at 40.00, 3 delivered at the average cost.
    assert trial_row(client, tenant, "inventory")["debit_balance"] == "280.00"
    assert trial_row(client, tenant, "cogs")["debit_balance"] == "120.00"
    entries = ok(client.get(f"{FINANCE}/entries", headers=tenant))["items"]
    stock_entries = [e["journal_code"] for e in entries if e["source"] == "inventory"]
    assert stock_entries == ["STJ", "STJ"], f"receipt and delivery valued: {entries}"


def test_disabling_inventory_stops_deliveries_for_that_tenant_only(client, platform):
    off = provision(client, platform, name="Shop Off", slug="shop-off")
    on = provision(client, platform, name="Shop On", slug="shop-on")

    with EventWorkerHarness(client) as worker:
        desks = [
            receive_stock(client, t, sku="DESK", quantity="5", cost="40.00") for t in (off, on)
        ]
        worker.wait_handled("finance", 2)  # both receipts' valuations
        ok(client.put("/api/v1/features/inventory", json={"enabled": False}, headers=off))
        assert client.get(f"{INVENTORY}/moves", headers=off).status_code == 404

        for tenant, desk in zip((off, on), desks, strict=True):
            win_deal(client, tenant, desk, quantity="2")
        worker.wait_handled("finance", 4)  # both deals: Finance is on for both tenants
        # The switched-off tenant's invoice is posted first: on the PostgreSQL log the
        # inventory consumer passes its event before reaching the other tenant's.
        for tenant in (off, on):
            draft = only_draft(client, tenant)
            ok(client.post(f"{FINANCE}/invoices/{draft['id']}/post", headers=tenant))
        worker.wait_handled("inventory", 1)  # the other tenant's only
        # Both invoices rendered by Finance (on for both tenants), and the delivery's valuation.
        worker.wait_handled("finance", 7)
        assert worker.handled["inventory"] == 1, "no handler call for the switched-off tenant"

    ok(client.put("/api/v1/features/inventory", json={"enabled": True}, headers=off))
    assert deliveries(client, off) == [], "no delivery while inventory was off (data kept)"
    assert on_hand(client, off, desks[0]) == 5
    assert [d["state"] for d in deliveries(client, on)] == ["done"]
    assert on_hand(client, on, desks[1]) == 3
