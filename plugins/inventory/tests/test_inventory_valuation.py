"""Average cost, valuation events, move events and low-stock events in the outbox."""

from __future__ import annotations

import msgspec
import nexus_inventory
from inventory_support import API, create_product, move, outbox, receive, stock
from nexus.testing import outbox_events


def test_receipts_move_the_average_and_deliveries_leave_at_it(client, tenant, inventory_db):
    product = create_product(client, tenant, sku="AVG-1", cost_price="9.00")
    receive(client, tenant, product, "10", "10.00")
    receive(client, tenant, product, "30", "20.00")  # (100 + 600) / 40 = 17.50

    delivered = move(client, tenant, kind="delivery", product_id=product["id"], quantity="4")

    assert delivered.status_code == 201, delivered.text
    assert (delivered.json()["unit_cost"], delivered.json()["value"]) == ("17.5", "70.00")
    shown = client.get(f"{API}/products/{product['id']}", headers=tenant.headers).json()
    assert shown["average_cost"] == "17.50"
    valuation = client.get(f"{API}/valuation", headers=tenant.headers).json()
    assert valuation["currency"] == "USD"
    [line] = valuation["products"]
    assert (line["quantity"], line["average_cost"], line["value"]) == ("36", "17.5", "630.00")
    assert valuation["total_value"] == "630.00"
    posted = outbox(inventory_db, tenant, "inventory.valuation.posted.v1")
    assert [(e["kind"], e["direction"], e["quantity"], e["value"]) for e in posted] == [
        ("receipt", "in", "10", "100.00"),
        ("receipt", "in", "30", "600.00"),
        ("delivery", "out", "4", "70.00"),
    ]
    assert posted[-1] == {
        "move_id": delivered.json()["id"],
        "kind": "delivery",
        "direction": "out",
        "product_id": product["id"],
        "sku": "AVG-1",
        "quantity": "4",
        "unit_cost": "17.5",
        "value": "70.00",
        "currency": "USD",
    }


def test_a_receipt_without_a_unit_cost_comes_in_at_the_cost_price(client, tenant):
    product = create_product(client, tenant, cost_price="12.25")

    done = move(client, tenant, kind="receipt", product_id=product["id"], quantity="2").json()

    assert (done["unit_cost"], done["value"]) == ("12.25", "24.50")


def test_a_done_move_is_published_in_its_transaction(client, tenant, inventory_db):
    product = create_product(client, tenant, sku="EVT-1")

    done = receive(client, tenant, product, "3", "1")

    [event] = outbox(inventory_db, tenant, "inventory.move.done.v1")
    assert event == {
        "id": done["id"],
        "kind": "receipt",
        "product_id": product["id"],
        "sku": "EVT-1",
        "quantity": "3",
        "from_location_id": done["from_location_id"],
        "to_location_id": done["to_location_id"],
        "reference": None,
    }
    refused = move(client, tenant, kind="delivery", product_id=product["id"], quantity="9")
    assert refused.status_code == 409
    assert len(outbox(inventory_db, tenant, "inventory.move.done.v1")) == 1


def test_valuation_switched_off_publishes_no_valuation(client, tenant, inventory_db):
    client.put(
        "/api/v1/features/inventory.valuation", json={"enabled": False}, headers=tenant.headers
    )
    product = create_product(client, tenant)

    receive(client, tenant, product, "3", "1")

    assert outbox(inventory_db, tenant, "inventory.valuation.posted.v1") == []
    assert len(outbox(inventory_db, tenant, "inventory.move.done.v1")) == 1
    assert client.get(f"{API}/valuation", headers=tenant.headers).status_code == 404


def test_a_move_below_the_minimum_publishes_stock_low(client, tenant, inventory_db):
    product = create_product(client, tenant, sku="LOW-1")
    receive(client, tenant, product, "10", "1")
    rule = client.post(
        f"{API}/products/{product['id']}/reorder-rules",
        json={"minimum": "5", "maximum": "20"},
        headers=tenant.headers,
    )
    assert rule.status_code == 201, rule.text

    move(client, tenant, kind="delivery", product_id=product["id"], quantity="5")
    assert outbox(inventory_db, tenant, "inventory.stock.low.v1") == []  # 5 is not below 5
    move(client, tenant, kind="delivery", product_id=product["id"], quantity="2")

    [low] = outbox(inventory_db, tenant, "inventory.stock.low.v1")
    assert low == {
        "product_id": product["id"],
        "sku": "LOW-1",
        "location_id": rule.json()["location_id"],
        "on_hand": "3",
        "minimum": "5",
        "maximum": "20",
        "incoming": "0",
        "suggested_quantity": "17",
    }
    assert stock(client, tenant, product)["on_hand"] == "3"
    shown = client.get(f"{API}/reorder-rules/{rule.json()['id']}", headers=tenant.headers).json()
    assert (shown["on_hand"], shown["to_order"]) == ("3", "17")  # back up to the maximum
    assert rule.json()["to_order"] == "0"  # 10 on hand when it was made


def test_reorder_rules_keep_minimum_below_maximum_and_one_per_location(client, tenant):
    product = create_product(client, tenant)
    url = f"{API}/products/{product['id']}/reorder-rules"

    upside_down = client.post(url, json={"minimum": "9", "maximum": "2"}, headers=tenant.headers)
    made = client.post(url, json={"minimum": "1", "maximum": "2"}, headers=tenant.headers)
    twice = client.post(url, json={"minimum": "1", "maximum": "2"}, headers=tenant.headers)
    changed = client.patch(
        f"{API}/reorder-rules/{made.json()['id']}", json={"maximum": "8"}, headers=tenant.headers
    )
    deleted = client.delete(f"{API}/reorder-rules/{made.json()['id']}", headers=tenant.headers)

    assert upside_down.status_code == 422
    assert made.status_code == 201
    assert twice.status_code == 409
    assert (changed.status_code, changed.json()["maximum"]) == (200, "8")
    assert deleted.status_code == 204


def test_every_published_event_matches_its_declared_payload(client, tenant, inventory_db):
    product = create_product(client, tenant, sku="PAY-1")
    receive(client, tenant, product, "10", "4.50")
    client.post(
        f"{API}/products/{product['id']}/reorder-rules",
        json={"minimum": "8", "maximum": "20"},
        headers=tenant.headers,
    )
    move(client, tenant, kind="delivery", product_id=product["id"], quantity="3", reference="SO-9")

    declared = {event.type: event.payload for event in nexus_inventory.nexus_manifest().events}
    published = outbox_events(inventory_db, tenant)
    # A failed delivery's event is checked in test_inventory_trade.py.
    assert {event.type for event in published} == set(declared) - {"inventory.delivery.failed.v1"}
    for event in published:
        payload = declared[event.type]
        assert payload is not None, event.type
        msgspec.convert(event.data, payload)  # raises when the data drifts from its Struct
