"""``finance.invoice.posted.v1`` → deliveries, through the kernel's real event delivery."""

from __future__ import annotations

import uuid

import inventory_invoice_source
import nexus_inventory
import pytest
from inventory_support import API, create_product, keep_settings, outbox, receive, stock
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant


@pytest.fixture(scope="module")
def client(inventory_db):
    with create_test_client(
        [nexus_inventory, inventory_invoice_source], database_url=inventory_db
    ) as test_client:
        yield test_client


@pytest.fixture
def tenant(client, inventory_db):
    made = make_tenant(inventory_db)
    on = client.put(
        "/api/v1/features/inventory.deliver_on_invoice",
        json={"enabled": True},
        headers=made.headers,
    )
    assert on.status_code == 200, on.text
    return made


def invoice(lines, *, kind="invoice", number="INV-0001", invoice_id=None):
    return {
        "id": invoice_id or str(uuid.uuid4()),
        "number": number,
        "kind": kind,
        "partner_id": str(uuid.uuid4()),
        "partner_ref": None,
        "currency": "USD",
        "total": "100.00",
        "tax_total": "0.00",
        "posted_at": "2026-11-25T10:00:00Z",
        "lines": lines,
    }


def line(*, product_id=None, sku=None, quantity="1", line_id=None):
    return {
        "id": line_id or str(uuid.uuid4()),
        "description": "item",
        "quantity": quantity,
        "unit_price": "10.00",
        "product_id": product_id,
        "sku": sku,
        "account_code": "4000",
    }


def publish(client, tenant, body):
    response = client.post("/api/v1/finance/invoices/posted", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text


def deliveries(client, tenant):
    response = client.get(f"{API}/moves", params={"kind": "delivery"}, headers=tenant.headers)
    return response.json()["items"]


def test_a_posted_invoice_delivers_its_product_lines(client, tenant, inventory_db):
    desk = create_product(client, tenant, sku="DESK")
    lamp = create_product(client, tenant, sku="LAMP")
    receive(client, tenant, desk, "10", "50")
    receive(client, tenant, lamp, "10", "5")
    body = invoice(
        [
            line(product_id=desk["id"], quantity="2"),
            line(sku="LAMP", quantity="3"),
            line(sku="NOT-A-PRODUCT"),
            line(),  # a service line naming no product
        ],
        number="INV-0042",
    )

    with EventWorkerHarness(client) as worker:
        publish(client, tenant, body)
        worker.wait_handled("inventory", 1)

    made = deliveries(client, tenant)
    assert sorted((m["sku"], m["quantity"], m["state"]) for m in made) == [
        ("DESK", "2", "done"),
        ("LAMP", "3", "done"),
    ]
    assert {m["reference"] for m in made} == {"INV-0042"}
    assert {m["origin"] for m in made} == {
        f"finance.invoice_line:{x['id']}" for x in body["lines"][:2]
    }
    assert stock(client, tenant, desk)["on_hand"] == "8"
    assert stock(client, tenant, lamp)["on_hand"] == "7"
    valued = outbox(inventory_db, tenant, "inventory.valuation.posted.v1")
    assert [(v["kind"], v["sku"], v["value"]) for v in valued if v["kind"] == "delivery"] == [
        ("delivery", "DESK", "100.00"),
        ("delivery", "LAMP", "15.00"),
    ]


def test_the_same_invoice_line_is_delivered_once(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "50")
    body = invoice([line(product_id=desk["id"], quantity="2")])

    with EventWorkerHarness(client) as worker:
        publish(client, tenant, body)
        publish(client, tenant, body)  # a second event for the same invoice lines
        worker.wait_handled("inventory", 2)

    assert len(deliveries(client, tenant)) == 1
    assert stock(client, tenant, desk)["on_hand"] == "8"


def test_a_line_stock_cannot_cover_is_recorded_as_a_failed_move(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    lamp = create_product(client, tenant, sku="LAMP")
    receive(client, tenant, desk, "1", "50")
    receive(client, tenant, lamp, "5", "5")
    body = invoice([line(sku="DESK", quantity="3"), line(sku="LAMP", quantity="1")])

    with EventWorkerHarness(client) as worker:
        publish(client, tenant, body)
        worker.wait_handled("inventory", 1)

    made = {m["sku"]: m for m in deliveries(client, tenant)}
    assert made["DESK"]["state"] == "failed"
    assert "only 1 available" in made["DESK"]["failure_reason"]
    assert made["LAMP"]["state"] == "done"
    assert stock(client, tenant, desk)["on_hand"] == "1"


def test_negative_stock_allowed_delivers_anyway(client, tenant, inventory_db):
    keep_settings(inventory_db, tenant, {"allow_negative_stock": True})
    desk = create_product(client, tenant, sku="DESK")

    with EventWorkerHarness(client) as worker:
        publish(client, tenant, invoice([line(sku="DESK", quantity="3")]))
        worker.wait_handled("inventory", 1)

    assert stock(client, tenant, desk)["on_hand"] == "-3"


def test_bills_credit_notes_and_a_switched_off_feature_deliver_nothing(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "50")

    with EventWorkerHarness(client) as worker:
        publish(client, tenant, invoice([line(sku="DESK")], kind="bill"))
        publish(client, tenant, invoice([line(sku="DESK")], kind="credit_note"))
        worker.wait_handled("inventory", 2)
        off = client.put(
            "/api/v1/features/inventory.deliver_on_invoice",
            json={"enabled": False},
            headers=tenant.headers,
        )
        assert off.status_code == 200
        publish(client, tenant, invoice([line(sku="DESK")]))
        worker.wait_handled("inventory", 3)

    assert deliveries(client, tenant) == []
    assert stock(client, tenant, desk)["on_hand"] == "10"


def test_invoices_of_sales_and_shop_orders_deliver_nothing(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "50")

    with EventWorkerHarness(client) as worker:
        for source_ref in ("sales.order:7", "shop.order:0190f5a2-7c1e-7a00-8000-000000000001"):
            publish(client, tenant, {**invoice([line(sku="DESK")]), "source_ref": source_ref})
        worker.wait_handled("inventory", 2)

    assert deliveries(client, tenant) == []
    assert stock(client, tenant, desk)["on_hand"] == "10"


def test_disabling_inventory_stops_deliveries_for_that_tenant_only(client, inventory_db):
    off, on = make_tenant(inventory_db), make_tenant(inventory_db)
    for tenant in (off, on):
        client.put(
            "/api/v1/features/inventory.deliver_on_invoice",
            json={"enabled": True},
            headers=tenant.headers,
        )
        receive(client, tenant, create_product(client, tenant, sku="DESK"), "5", "1")
    disabled = client.put(
        "/api/v1/features/inventory", json={"enabled": False}, headers=off.headers
    )
    assert disabled.status_code == 200, disabled.text

    with EventWorkerHarness(client) as worker:
        publish(client, off, invoice([line(sku="DESK")]))
        publish(client, on, invoice([line(sku="DESK")]))
        worker.wait_handled("inventory", 1)

    assert len(deliveries(client, on)) == 1
    client.put("/api/v1/features/inventory", json={"enabled": True}, headers=off.headers)
    assert deliveries(client, off) == []  # data kept, no delivery made while off
