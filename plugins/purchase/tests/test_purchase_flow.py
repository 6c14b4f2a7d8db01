"""Procure to pay (issue #17): orders, receipts through Inventory, bills through Finance.

Purchase, Finance and Inventory run together; Inventory's valuation events reach Finance by
real event delivery, and the ledger is read through Finance's trial balance.
"""

from __future__ import annotations

from decimal import Decimal

import msgspec
from nexus.testing import EventWorkerHarness, make_tenant, set_plugin_settings
from nexus_purchase._events import BillHeld, BillMatched, ReceiptDone
from purchase_support import (
    API,
    INVENTORY,
    account_code,
    balance,
    confirmed_order,
    delivered,
    ok,
    post,
    product,
    vendor,
)

VALUED = "inventory.valuation.posted.v1"
STOCK_LOW = "inventory.stock.low.v1"


def receive(client, tenant, order_id, lines=None, status=201):
    body = {} if lines is None else {"lines": lines}
    return post(client, tenant, f"{API}/orders/{order_id}/receipts", body, status)


def bill(client, tenant, order_id, lines, reference="LT-118", status=201):
    body = {"vendor_reference": reference, "date": "2026-12-06", "lines": lines}
    return post(client, tenant, f"{API}/orders/{order_id}/bills", body, status)


def outbox(url, tenant, event_type):
    from nexus.testing import outbox_events

    return [event.data for event in outbox_events(url, tenant, event_type)]


def received_order(client, tenant, worker, *, price="8000", quantity="100", valued=0):
    """An order for DESK received in 60 + 40, valued in Finance; (order, line id)."""
    supplier = vendor(client, tenant)
    desk = product(client, tenant)
    order = confirmed_order(
        client,
        tenant,
        supplier["id"],
        [{"product_id": desk["id"], "quantity": quantity, "unit_price": price}],
    )
    [line] = order["lines"]
    receive(client, tenant, order["id"], [{"order_line_id": line["id"], "quantity": "60"}])
    receive(client, tenant, order["id"])
    delivered(worker, "finance", VALUED, valued + 2)
    return order, line["id"]


def test_po_received_60_then_40_and_billed_clears_stock_received_not_billed(
    client, tenant, purchase_db
):
    supplier = vendor(client, tenant)
    desk = product(client, tenant)
    order = post(
        client,
        tenant,
        f"{API}/orders",
        {
            "vendor_id": supplier["id"],
            "lines": [{"product_id": desk["id"], "quantity": "100", "unit_price": "8000"}],
        },
    )
    assert (order["state"], order["currency"], order["untaxed_total"]) == ("draft", "NGN", "800000")
    [line] = order["lines"]
    assert (line["description"], line["sku"], line["tracked"]) == ("Product DESK", "DESK", True)
    # A draft receives nothing.
    receive(client, tenant, order["id"], status=409)
    assert post(client, tenant, f"{API}/orders/{order['id']}/send", status=200)["state"] == "sent"
    confirmed = post(client, tenant, f"{API}/orders/{order['id']}/confirm", status=200)
    assert confirmed["state"] == "confirmed"

    with EventWorkerHarness(client) as worker:
        first = receive(
            client, tenant, order["id"], [{"order_line_id": line["id"], "quantity": "60"}]
        )
        assert first["order_state"] == "partially_received"
        middle = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
        assert (middle["lines"][0]["received"], middle["lines"][0]["to_receive"]) == ("60", "40")
        too_many = client.post(
            f"{API}/orders/{order['id']}/receipts",
            json={"lines": [{"order_line_id": line["id"], "quantity": "41"}]},
            headers=tenant.headers,
        )
        assert too_many.status_code == 422
        assert too_many.json()["errors"][0]["key"] == "lines[0].quantity"
        second = receive(client, tenant, order["id"])  # everything left: the backorder of 40
        assert second["order_state"] == "received"
        assert [x["quantity"] for x in second["lines"]] == ["40"]
        assert second["lines"][0]["move_id"] is not None
        delivered(worker, "finance", VALUED, 2)
    stock = ok(client.get(f"{INVENTORY}/products/{desk['id']}/stock", headers=tenant.headers))
    assert Decimal(stock["on_hand"]) == 100
    assert balance(client, tenant, "2100") == Decimal("-800000")
    assert balance(client, tenant, "1200") == Decimal("800000")

    posted = bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line["id"], "quantity": "100", "unit_price": "8000"}],
    )
    assert (posted["state"], posted["matched"]) == ("posted", True)
    assert posted["document_id"] is not None
    assert (posted["untaxed_total"], posted["tax_total"], posted["total"]) == (
        "800000",
        "60000",
        "860000",
    )  # Nigeria's 7.5 % input VAT by Finance's default
    assert posted["receipt_ids"] == [first["id"], second["id"]]
    assert balance(client, tenant, "2100") == 0  # cleared exactly
    assert balance(client, tenant, "1200") == Decimal("800000")
    assert balance(client, tenant, "2000") == Decimal("-860000")
    assert balance(client, tenant, account_code(client, tenant, "expense")) == 0
    # Links both ways: order → receipts and bills; receipt → bills.
    final = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
    assert final["state"] == "billed"
    assert [r["id"] for r in final["receipts"]] == [first["id"], second["id"]]
    assert [(b["id"], b["document_id"]) for b in final["bills"]] == [
        (posted["id"], posted["document_id"])
    ]
    receipt = ok(client.get(f"{API}/receipts/{first['id']}", headers=tenant.headers))
    assert receipt["bill_ids"] == [posted["id"]]
    document = ok(
        client.get(f"/api/v1/finance/invoices/{posted['document_id']}", headers=tenant.headers)
    )
    assert document["kind"] == "bill"
    [matched] = outbox(purchase_db, tenant, "purchase.bill.matched.v1")
    assert msgspec.convert(matched, BillMatched).approved is False
    receipts = outbox(purchase_db, tenant, "purchase.receipt.done.v1")
    assert [msgspec.convert(r, ReceiptDone).order_state for r in receipts] == [
        "partially_received",
        "received",
    ]
    # Nothing received or billed can be cancelled any more.
    post(client, tenant, f"{API}/orders/{order['id']}/cancel", status=409)


def test_a_price_difference_holds_the_bill_until_approved_then_books_price_differences(
    client, tenant, purchase_db
):
    with EventWorkerHarness(client) as worker:
        order, line_id = received_order(client, tenant, worker)
    held = bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line_id, "quantity": "100", "unit_price": "8100"}],
    )
    assert (held["state"], held["matched"], held["document_id"]) == ("held", False, None)
    [difference] = held["lines"]
    assert (difference["price_difference"], difference["quantity_difference"]) == ("100", "0")
    assert difference["matched"] is False
    assert balance(client, tenant, "2100") == Decimal("-800000")  # nothing booked yet
    [event] = outbox(purchase_db, tenant, "purchase.bill.held.v1")
    assert msgspec.convert(event, BillHeld).differences[0].price_difference == "100"

    approved = post(client, tenant, f"{API}/bills/{held['id']}/approve", status=200)
    assert approved["state"] == "posted"
    assert approved["approved_at"] is not None
    assert approved["untaxed_total"] == "810000"
    assert balance(client, tenant, "2100") == 0
    differences = account_code(client, tenant, "price_difference")
    assert balance(client, tenant, differences) == Decimal("10000")  # (8,100 − 8,000) × 100
    post(client, tenant, f"{API}/bills/{held['id']}/approve", status=409)  # once
    [matched] = outbox(purchase_db, tenant, "purchase.bill.matched.v1")
    assert matched["approved"] is True


def test_a_price_within_the_tolerance_matches_and_books_its_difference(client, tenant, purchase_db):
    set_plugin_settings(
        purchase_db, tenant, "purchase", {"currency": "NGN", "price_tolerance": "50"}
    )
    with EventWorkerHarness(client) as worker:
        order, line_id = received_order(client, tenant, worker)
    posted = bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line_id, "quantity": "100", "unit_price": "8040"}],
    )
    assert (posted["state"], posted["matched"], posted["untaxed_total"]) == (
        "posted",
        True,
        "804000",
    )
    assert balance(client, tenant, "2100") == 0
    assert balance(client, tenant, account_code(client, tenant, "price_difference")) == 4000


def test_billing_more_than_received_holds_the_bill(client, tenant):
    supplier = vendor(client, tenant)
    desk = product(client, tenant)
    order = confirmed_order(
        client,
        tenant,
        supplier["id"],
        [{"product_id": desk["id"], "quantity": "100", "unit_price": "8000"}],
    )
    [line] = order["lines"]
    receive(client, tenant, order["id"], [{"order_line_id": line["id"], "quantity": "60"}])
    held = bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line["id"], "quantity": "100", "unit_price": "8000"}],
    )
    assert held["state"] == "held"
    [difference] = held["lines"]
    assert (difference["received"], difference["quantity_difference"]) == ("60", "40")
    assert difference["price_difference"] == "0"
    listed = ok(client.get(f"{API}/bills", params={"state": "held"}, headers=tenant.headers))
    assert [b["id"] for b in listed["items"]] == [held["id"]]
    # The same vendor reference twice on the order is refused.
    bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line["id"], "quantity": "1", "unit_price": "8000"}],
        status=409,
    )


def test_low_stock_drafts_an_rfq_for_the_preferred_vendor_once(client, tenant, purchase_db):
    cheap, preferred = vendor(client, tenant, "Cheap Ltd"), vendor(client, tenant, "Best Ltd")
    desk = product(client, tenant)
    for supplier, price, prefer in ((cheap, "7000", False), (preferred, "7800", True)):
        post(
            client,
            tenant,
            f"{API}/vendors/{supplier['id']}/products",
            {
                "product_id": desk["id"],
                "price": price,
                "currency": "NGN",
                "lead_time_days": 3,
                "preferred": prefer,
            },
        )
    post(
        client,
        tenant,
        f"{INVENTORY}/products/{desk['id']}/reorder-rules",
        {"minimum": "5", "maximum": "20"},
    )
    moves = f"{INVENTORY}/moves"
    with EventWorkerHarness(client) as worker:
        post(
            client,
            tenant,
            moves,
            {
                "kind": "receipt",
                "product_id": desk["id"],
                "quantity": "10",
                "unit_cost": "7000",
                "validate": True,
            },
        )
        post(
            client,
            tenant,
            moves,
            {"kind": "delivery", "product_id": desk["id"], "quantity": "8", "validate": True},
        )
        delivered(worker, "purchase", STOCK_LOW, 1)
        # Lower again: the open draft holds the product already, nothing is added twice.
        post(
            client,
            tenant,
            moves,
            {"kind": "delivery", "product_id": desk["id"], "quantity": "1", "validate": True},
        )
        delivered(worker, "purchase", STOCK_LOW, 2)
    drafts = ok(client.get(f"{API}/orders", params={"state": "draft"}, headers=tenant.headers))
    [order] = drafts["items"]
    assert (order["vendor_id"], order["origin"]) == (preferred["id"], "reorder")
    [line] = order["lines"]
    assert (line["product_id"], line["quantity"], line["unit_price"]) == (
        desk["id"],
        "18",
        "7800",  # the maximum 20 less 2 on hand
    )
    assert line["expected_date"] is not None
    [drafted] = outbox(purchase_db, tenant, "purchase.order.drafted.v1")
    assert (drafted["order_id"], drafted["created"]) == (order["id"], True)

    # Another product of the same vendor running low joins the open draft.
    lamp = product(client, tenant, "LAMP")
    post(
        client,
        tenant,
        f"{API}/vendors/{preferred['id']}/products",
        {"product_id": lamp["id"], "price": "900", "currency": "NGN", "preferred": True},
    )
    post(
        client,
        tenant,
        f"{INVENTORY}/products/{lamp['id']}/reorder-rules",
        {"minimum": "2", "maximum": "6"},
    )
    with EventWorkerHarness(client) as worker:
        for kind, quantity in (("receipt", "3"), ("delivery", "2")):
            post(
                client,
                tenant,
                moves,
                {"kind": kind, "product_id": lamp["id"], "quantity": quantity, "validate": True},
            )
        delivered(worker, "purchase", STOCK_LOW, 1)
    [joined] = ok(client.get(f"{API}/orders", params={"state": "draft"}, headers=tenant.headers))[
        "items"
    ]
    assert joined["id"] == order["id"]
    assert [(x["sku"], x["quantity"]) for x in joined["lines"]] == [("DESK", "18"), ("LAMP", "5")]
    second = outbox(purchase_db, tenant, "purchase.order.drafted.v1")[1]
    assert (second["order_id"], second["created"]) == (order["id"], False)


def test_another_tenants_documents_answer_404(client, tenant, purchase_db):
    supplier = vendor(client, tenant)
    order = post(
        client,
        tenant,
        f"{API}/orders",
        {
            "vendor_id": supplier["id"],
            "lines": [{"description": "Transport", "quantity": "1", "unit_price": "5000"}],
        },
    )
    other = make_tenant(purchase_db)
    for path in (f"/orders/{order['id']}", f"/vendors/{supplier['id']}"):
        assert client.get(f"{API}{path}", headers=other.headers).status_code == 404
    confirm = client.post(f"{API}/orders/{order['id']}/confirm", headers=other.headers)
    assert confirm.status_code == 404
    # Another tenant's vendor is not one to order from.
    foreign = client.post(
        f"{API}/orders",
        json={
            "vendor_id": supplier["id"],
            "lines": [{"description": "X", "quantity": "1", "unit_price": "1"}],
        },
        headers=other.headers,
    )
    assert foreign.status_code == 422
    assert foreign.json()["errors"][0]["key"] == "vendor_id"
    price = client.post(
        f"{API}/vendors/{supplier['id']}/products",
        json={"product_id": str(supplier["id"]), "price": "1", "currency": "NGN"},
        headers=other.headers,
    )
    assert price.status_code == 404
    # Its own order, naming the vendor by name, gets a vendor of its own.
    own = post(
        client,
        other,
        f"{API}/orders",
        {
            "vendor_name": supplier["name"],
            "lines": [{"description": "X", "quantity": "1", "unit_price": "1"}],
        },
    )
    assert own["vendor_id"] != supplier["id"]


def test_service_lines_bill_to_expenses_without_inventory(client, tenant):
    supplier = vendor(client, tenant)
    order = confirmed_order(
        client,
        tenant,
        supplier["id"],
        [{"description": "Transport", "quantity": "2", "unit_price": "5000", "tax_ids": []}],
    )
    [line] = order["lines"]
    receive(client, tenant, order["id"], status=409)  # nothing to receive
    posted = bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line["id"], "quantity": "2", "unit_price": "5000"}],
    )
    assert (posted["state"], posted["total"]) == ("posted", "10000")
    assert balance(client, tenant, account_code(client, tenant, "expense")) == Decimal("10000")
    assert ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))["state"] == (
        "billed"
    )


def test_finance_off_answers_409_naming_it(client, tenant):
    supplier = vendor(client, tenant)
    order = confirmed_order(
        client,
        tenant,
        supplier["id"],
        [{"description": "Transport", "quantity": "1", "unit_price": "5000"}],
    )
    [line] = order["lines"]
    off = client.put("/api/v1/features/finance", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    refused = client.post(
        f"{API}/orders/{order['id']}/bills",
        json={
            "vendor_reference": "T-1",
            "date": "2026-12-06",
            "lines": [{"order_line_id": line["id"], "quantity": "1", "unit_price": "5000"}],
        },
        headers=tenant.headers,
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["blocking"] == ["finance"]
    # The whole request rolled back: no bill was kept.
    assert ok(client.get(f"{API}/bills", headers=tenant.headers))["items"] == []
    refused = client.post(f"{API}/vendors", json={"name": "New Ltd"}, headers=tenant.headers)
    assert refused.status_code == 409
    assert refused.json()["blocking"] == ["finance"]


def test_states_and_bad_input_answer_409_and_422_naming_the_field(client, tenant, purchase_db):
    supplier = vendor(client, tenant)
    service = {"description": "Transport", "quantity": "1", "unit_price": "5000"}
    order = confirmed_order(client, tenant, supplier["id"], [service])
    post(client, tenant, f"{API}/orders/{order['id']}/confirm", status=409)
    post(client, tenant, f"{API}/orders/{order['id']}/send", status=409)
    draft = post(client, tenant, f"{API}/orders", {"vendor_id": supplier["id"], "lines": [service]})
    cancelled = post(client, tenant, f"{API}/orders/{draft['id']}/cancel", status=200)
    assert cancelled["state"] == "cancelled"
    post(client, tenant, f"{API}/orders/{draft['id']}/confirm", status=409)
    [event] = outbox(purchase_db, tenant, "purchase.order.cancelled.v1")
    assert event["order_id"] == draft["id"]
    cases = [
        ({"lines": [service]}, "vendor_id"),
        (
            {"vendor_id": supplier["id"], "lines": [{"description": "X", "quantity": "1"}]},
            "lines[0].unit_price",
        ),
        (
            {"vendor_id": supplier["id"], "lines": [{"quantity": "1", "unit_price": "1"}]},
            "lines[0].description",
        ),
        (
            {"vendor_id": supplier["id"], "lines": [{**service, "quantity": "0"}]},
            "lines[0].quantity",
        ),
        (
            {
                "vendor_id": supplier["id"],
                "lines": [{**service, "quantity": "9999999", "unit_price": "9999999"}],
            },
            "lines[0].quantity",
        ),
    ]
    for body, key in cases:
        refused = client.post(f"{API}/orders", json=body, headers=tenant.headers)
        assert refused.status_code == 422, (body, refused.text)
        assert refused.json()["errors"][0]["key"] == key
    empty = client.post(
        f"{API}/orders/{order['id']}/receipts", json={"lines": []}, headers=tenant.headers
    )
    assert empty.status_code == 422


def test_a_lower_billed_price_credits_price_differences(client, tenant):
    with EventWorkerHarness(client) as worker:
        order, line_id = received_order(client, tenant, worker)
    held = bill(
        client,
        tenant,
        order["id"],
        [{"order_line_id": line_id, "quantity": "100", "unit_price": "7900"}],
    )
    assert held["lines"][0]["price_difference"] == "-100"
    approved = post(client, tenant, f"{API}/bills/{held['id']}/approve", status=200)
    assert (approved["state"], approved["untaxed_total"]) == ("posted", "790000")
    assert approved["total"] == "849250"  # 790,000 + 7.5 %
    assert approved["credit_document_id"] is not None
    assert balance(client, tenant, "2100") == 0
    assert balance(client, tenant, "2000") == Decimal("-849250")
    differences = account_code(client, tenant, "price_difference")
    assert balance(client, tenant, differences) == Decimal("-10000")


def test_inventory_off_refuses_product_lines_and_receipts_but_not_services(client, tenant):
    supplier = vendor(client, tenant)
    desk = product(client, tenant)
    order = confirmed_order(
        client,
        tenant,
        supplier["id"],
        [{"product_id": desk["id"], "quantity": "5", "unit_price": "8000"}],
    )
    off = client.put("/api/v1/features/inventory", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    for path, body in (
        (f"{API}/orders/{order['id']}/receipts", {}),
        (
            f"{API}/orders",
            {
                "vendor_id": supplier["id"],
                "lines": [{"product_id": desk["id"], "quantity": "1", "unit_price": "1"}],
            },
        ),
    ):
        refused = client.post(path, json=body, headers=tenant.headers)
        assert refused.status_code == 409, refused.text
        assert refused.json()["blocking"] == ["inventory"]
    still = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
    assert (still["state"], still["receipts"], still["lines"][0]["received"]) == (
        "confirmed",
        [],
        "0",
    )
    post(
        client,
        tenant,
        f"{API}/orders",
        {
            "vendor_id": supplier["id"],
            "lines": [{"description": "Transport", "quantity": "1", "unit_price": "5000"}],
        },
    )
