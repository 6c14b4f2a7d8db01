"""Issue #17: over-selling policy, backorders, returns, reorder payloads and the services.

Invoice deliveries go through the kernel's real relay and consumers (a stand-in ``finance``
publishes ``finance.invoice.posted.v1``); the services are called through the kernel's
services port by a stand-in ``caller`` plugin, in its request's transaction.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import inventory_invoice_source
import inventory_service_caller
import msgspec
import nexus_inventory
import pytest
from inventory_support import API, create_product, keep_settings, move, outbox, receive, sql, stock
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant
from nexus_inventory._events import DeliveryFailed

FAILED = "inventory.delivery.failed.v1"
VALUED = "inventory.valuation.posted.v1"


@pytest.fixture(scope="module")
def client(inventory_db):
    with create_test_client(
        [nexus_inventory, inventory_invoice_source, inventory_service_caller],
        database_url=inventory_db,
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


def invoice(lines, *, number="INV-0001", source_ref=None):
    return {
        "id": str(uuid.uuid4()),
        "number": number,
        "kind": "invoice",
        "source_ref": source_ref,
        "currency": "NGN",
        "lines": [
            {"id": str(uuid.uuid4()), "quantity": quantity, "sku": sku} for sku, quantity in lines
        ],
    }


def post_invoices(client, tenant, *bodies):
    with EventWorkerHarness(client) as worker:
        for body in bodies:
            posted = client.post(
                "/api/v1/finance/invoices/posted", json=body, headers=tenant.headers
            )
            assert posted.status_code == 201, posted.text
        worker.wait_handled("inventory", len(bodies))


def moves(client, tenant, **params):
    response = client.get(f"{API}/moves", params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"]


def call(client, tenant, name, data):
    return client.post(f"/api/v1/caller/call/{name}", json=data, headers=tenant.headers)


# Over-selling on a posted invoice -----------------------------------------------------------


def test_refuse_delivers_nothing_and_records_the_failure_visibly(client, tenant, inventory_db):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "16", "8000")

    post_invoices(client, tenant, invoice([("DESK", "50")], number="INV-0050"))

    [failed] = moves(client, tenant, kind="delivery")
    assert (failed["state"], failed["quantity"], failed["requested"]) == ("failed", "50", "50")
    assert "only 16 available" in failed["failure_reason"]
    [event] = outbox(inventory_db, tenant, FAILED)
    msgspec.convert(event, DeliveryFailed)  # fits its declared payload
    assert (event["sku"], event["on_hand"], event["available"], event["requested"]) == (
        "DESK",
        "16",
        "16",
        "50",
    )
    assert (event["move_id"], event["reference"]) == (failed["id"], "INV-0050")
    assert stock(client, tenant, desk)["on_hand"] == "16"


def test_backorder_delivers_what_is_available_and_leaves_a_draft(client, tenant, inventory_db):
    keep_settings(inventory_db, tenant, {"oversell_policy": "backorder"})
    desk = create_product(client, tenant, sku="DESK")
    create_product(client, tenant, sku="LAMP")
    receive(client, tenant, desk, "16", "8000")

    post_invoices(client, tenant, invoice([("DESK", "50"), ("LAMP", "2")]))

    delivered = {(m["sku"], m["state"]): m for m in moves(client, tenant, kind="delivery")}
    assert delivered[("DESK", "done")]["quantity"] == "16"
    backorders = {m["sku"]: m for m in moves(client, tenant, backorder="true")}
    backorder = backorders["DESK"]
    assert (backorder["state"], backorder["quantity"]) == ("draft", "34")
    assert backorder["backorder_of"] == delivered[("DESK", "done")]["id"]
    # Nothing of the lamp was available: its move itself waits as a backorder.
    assert (backorders["LAMP"]["state"], backorders["LAMP"]["quantity"]) == ("draft", "2")
    assert backorders["LAMP"]["id"] == delivered[("LAMP", "draft")]["id"]
    assert outbox(inventory_db, tenant, FAILED) == []
    assert stock(client, tenant, desk)["on_hand"] == "0"

    receive(client, tenant, desk, "40", "8000")
    done = client.post(f"{API}/moves/{backorder['id']}/done", headers=tenant.headers)
    assert (done.status_code, done.json()["state"]) == (200, "done")
    assert stock(client, tenant, desk)["on_hand"] == "6"


def test_invoices_of_sales_orders_deliver_nothing(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "1")

    post_invoices(client, tenant, invoice([("DESK", "2")], source_ref="sales.order:42"))

    assert moves(client, tenant, kind="delivery") == []
    assert stock(client, tenant, desk)["on_hand"] == "10"


# Returns ------------------------------------------------------------------------------------


def test_a_return_comes_back_at_the_cost_its_delivery_left_with(client, tenant, inventory_db):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "8000")
    delivery = move(client, tenant, kind="delivery", product_id=desk["id"], quantity="6").json()
    assert delivery["unit_cost"] == "8000"
    receive(client, tenant, desk, "10", "10000")  # the average moves away from 8,000

    url = f"{API}/moves/{delivery['id']}/return"
    back = client.post(url, json={"quantity": "1", "reference": "RMA-1"}, headers=tenant.headers)

    assert back.status_code == 201, back.text
    made = back.json()
    assert (made["kind"], made["state"], made["return_of"]) == ("return", "done", delivery["id"])
    assert (made["unit_cost"], made["value"], made["reference"]) == ("8000", "8000.00", "RMA-1")
    assert stock(client, tenant, desk)["on_hand"] == "15"
    average = (Decimal(14) * Decimal("9428.571429") + Decimal(8000)) / 15
    [row] = sql(inventory_db, "select average_cost from inventory_product where id = $1", _u(desk))
    assert row["average_cost"] == average.quantize(Decimal("0.000001"))
    [valued] = [v for v in outbox(inventory_db, tenant, VALUED) if v["kind"] == "return"]
    assert (valued["direction"], valued["value"], valued["unit_cost"]) == ("in", "8000.00", "8000")

    too_many = client.post(url, json={"quantity": "6"}, headers=tenant.headers)
    assert too_many.status_code == 409
    assert (too_many.json()["returnable"], too_many.json()["requested"]) == ("5", "6")
    of_a_return = client.post(
        f"{API}/moves/{made['id']}/return", json={"quantity": "1"}, headers=tenant.headers
    )
    assert of_a_return.status_code == 409
    other = make_tenant(inventory_db)
    assert client.post(url, json={"quantity": "1"}, headers=other.headers).status_code == 404
    assert client.post(url, json={"quantity": "0"}, headers=tenant.headers).status_code == 422


def test_a_supplier_return_leaves_at_its_receipt_cost(client, tenant, inventory_db):
    desk = create_product(client, tenant, sku="DESK")
    first = receive(client, tenant, desk, "10", "8000")
    receive(client, tenant, desk, "10", "10000")

    back = client.post(
        f"{API}/moves/{first['id']}/return", json={"quantity": "2"}, headers=tenant.headers
    )

    assert back.status_code == 201, back.text
    assert (back.json()["kind"], back.json()["unit_cost"], back.json()["value"]) == (
        "supplier_return",
        "8000",
        "16000.00",
    )
    assert stock(client, tenant, desk)["on_hand"] == "18"
    [valued] = [v for v in outbox(inventory_db, tenant, VALUED) if v["kind"] == "supplier_return"]
    assert (valued["direction"], valued["value"]) == ("out", "16000.00")
    [row] = sql(inventory_db, "select average_cost from inventory_product where id = $1", _u(desk))
    assert row["average_cost"] == Decimal("9111.111111")  # (180,000 − 16,000) / 18


# Reorder rules ------------------------------------------------------------------------------


def test_stock_low_carries_what_a_purchase_draft_needs(client, tenant, inventory_db):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "1")
    client.post(
        f"{API}/products/{desk['id']}/reorder-rules",
        json={"minimum": "5", "maximum": "30"},
        headers=tenant.headers,
    )
    incoming = client.post(
        f"{API}/moves",
        json={"kind": "receipt", "product_id": desk["id"], "quantity": "4"},
        headers=tenant.headers,
    )
    assert incoming.status_code == 201

    move(client, tenant, kind="delivery", product_id=desk["id"], quantity="8")

    [low] = outbox(inventory_db, tenant, "inventory.stock.low.v1")
    assert (low["on_hand"], low["minimum"], low["maximum"]) == ("2", "5", "30")
    assert (low["incoming"], low["suggested_quantity"]) == ("4", "24")  # 30 − 2 − 4


def _u(product):
    return uuid.UUID(product["id"])


# Services -----------------------------------------------------------------------------------


def _line(product, quantity, origin_line="1"):
    return {"origin_line": origin_line, "product_id": product["id"], "quantity": quantity}


def test_deliver_refuses_short_stock_naming_the_product_and_stores_nothing(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    lamp = create_product(client, tenant, sku="LAMP")
    receive(client, tenant, desk, "16", "8000")
    receive(client, tenant, lamp, "5", "100")

    short = call(
        client,
        tenant,
        "inventory.deliver",
        {
            "origin": "sales.delivery:1",
            "reference": "SO-1",
            "policy": "refuse",
            "lines": [_line(lamp, "2", "1"), _line(desk, "50", "2")],
        },
    )

    assert short.status_code == 409, short.text
    problem = short.json()
    assert (problem["product_id"], problem["sku"]) == (desk["id"], "DESK")
    assert (problem["on_hand"], problem["available"], problem["requested"]) == ("16", "16", "50")
    assert moves(client, tenant, kind="delivery") == []  # not even the lamp's line
    assert stock(client, tenant, lamp)["on_hand"] == "5"


def test_deliver_backorders_the_rest_and_a_retry_delivers_nothing_twice(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "6", "8000")
    body = {
        "origin": "sales.delivery:2",
        "reference": "SO-2",
        "policy": "backorder",
        "lines": [_line(desk, "10")],
    }

    first = call(client, tenant, "inventory.deliver", body)
    again = call(client, tenant, "inventory.deliver", body)

    assert first.status_code == 200, first.text
    [line] = first.json()["lines"]
    assert (line["delivered"], line["backordered"]) == ("6", "4")
    assert (line["unit_cost"], line["value"], line["currency"]) == ("8000", "48000.00", "USD")
    assert again.json() == first.json()
    assert len(moves(client, tenant, kind="delivery")) == 1
    assert stock(client, tenant, desk)["on_hand"] == "0"


def test_reservations_of_the_same_origin_do_not_count_against_its_delivery(client, tenant):
    desk = create_product(client, tenant, sku="DESK")
    receive(client, tenant, desk, "10", "8000")
    order = {"origin": "sales.order:3", "lines": [_line(desk, "4")]}

    held = call(client, tenant, "inventory.reserve", order)
    held_again = call(client, tenant, "inventory.reserve", order)
    other_order = {"origin": "sales.order:4", "lines": [_line(desk, "8")]}
    other = call(client, tenant, "inventory.reserve", other_order)
    blocked = call(
        client,
        tenant,
        "inventory.deliver",
        {"origin": "sales.order:5", "policy": "refuse", "lines": [_line(desk, "1")]},
    )
    delivered = call(
        client,
        tenant,
        "inventory.deliver",
        {"origin": "sales.order:3", "reference": "SO-3", "lines": [_line(desk, "4")]},
    )
    released = call(client, tenant, "inventory.release", {"origin": "sales.order:4"})

    assert held.json()["lines"] == [
        {"origin_line": "1", "product_id": desk["id"], "reserved": "4", "short": "0"}
    ]
    assert held_again.json() == held.json()
    assert other.json()["lines"][0]["reserved"] == "6"  # 10 on hand − 4 held
    assert other.json()["lines"][0]["short"] == "2"
    assert blocked.status_code == 409  # everything is held by other orders
    assert delivered.status_code == 200, delivered.text
    assert delivered.json()["lines"][0]["delivered"] == "4"
    assert released.json()["lines"] == [
        {"origin_line": "1", "product_id": desk["id"], "released": "6"}
    ]
    states = {
        r["reference"]: r["state"]
        for r in client.get(f"{API}/reservations", headers=tenant.headers).json()["items"]
    }
    assert states == {"sales.order:3": "consumed", "sales.order:4": "released"}
    [product] = call(client, tenant, "inventory.products.get", {"ids": [desk["id"]]}).json()
    assert (product["on_hand"], product["available"], product["average_cost"]) == (
        "6",
        "6",
        "8000",
    )


def test_receive_and_return_through_the_services(client, tenant, inventory_db):
    desk = create_product(client, tenant, sku="DESK")
    received = call(
        client,
        tenant,
        "inventory.receive",
        {
            "origin": "purchase.receipt:1",
            "reference": "PO-1",
            "lines": [
                {
                    "origin_line": "1",
                    "product_id": desk["id"],
                    "quantity": "100",
                    "unit_cost": "8000",
                    "currency": "USD",
                }
            ],
        },
    )
    assert received.status_code == 200, received.text
    assert received.json()["lines"][0]["value"] == "800000.00"
    wrong_currency = call(
        client,
        tenant,
        "inventory.receive",
        {
            "origin": "purchase.receipt:2",
            "lines": [
                {
                    "origin_line": "1",
                    "product_id": desk["id"],
                    "quantity": "1",
                    "unit_cost": "1",
                    "currency": "NGN",
                }
            ],
        },
    )
    assert wrong_currency.status_code == 422
    delivered = call(
        client,
        tenant,
        "inventory.deliver",
        {"origin": "sales.delivery:9", "lines": [_line(desk, "10")]},
    ).json()
    delivery_id = delivered["lines"][0]["move_id"]
    body = {"origin": "sales.return:1", "lines": [{"move_id": delivery_id, "quantity": "1"}]}

    returned = call(client, tenant, "inventory.return", body)
    again = call(client, tenant, "inventory.return", body)
    too_many = call(
        client,
        tenant,
        "inventory.return",
        {"origin": "sales.return:2", "lines": [{"move_id": delivery_id, "quantity": "10"}]},
    )

    assert returned.status_code == 200, returned.text
    [line] = returned.json()["lines"]
    assert (line["move_id"], line["kind"], line["unit_cost"], line["value"]) == (
        delivery_id,
        "return",
        "8000",
        "8000.00",
    )
    assert again.json() == returned.json()
    assert (too_many.status_code, too_many.json()["returnable"]) == (409, "9")
    assert stock(client, tenant, desk)["on_hand"] == "91"
    kinds = [v["kind"] for v in outbox(inventory_db, tenant, VALUED)]
    assert kinds == ["receipt", "delivery", "return"]
