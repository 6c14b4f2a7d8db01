"""Receipts, deliveries, transfers, adjustments and negative stock, over the HTTP API."""

from __future__ import annotations

from uuid import UUID

from inventory_support import API, create_product, keep_settings, move, receive, sql, stock


def location(client, tenant, kind):
    response = client.get(f"{API}/locations", params={"kind": kind}, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()["items"][0]["id"]


def test_receipt_puts_stock_on_hand_in_the_default_warehouse(client, tenant):
    product = create_product(client, tenant, sku="DESK-1")

    done = receive(client, tenant, product, "12", "40.00")

    assert done["state"] == "done"
    assert (done["kind"], done["sku"], done["quantity"]) == ("receipt", "DESK-1", "12")
    assert (done["unit_cost"], done["value"], done["currency"]) == ("40", "480.00", "USD")
    seen = stock(client, tenant, product)
    assert (seen["on_hand"], seen["reserved"], seen["available"]) == ("12", "0", "12")
    [at] = seen["locations"]
    warehouses = client.get(f"{API}/warehouses", headers=tenant.headers).json()["items"]
    assert [w["code"] for w in warehouses] == ["WH"]
    assert at["location_id"] == warehouses[0]["stock_location_id"]
    assert done["from_location_id"] == location(client, tenant, "supplier")


def test_a_draft_changes_nothing_until_validated_once(client, tenant):
    product = create_product(client, tenant)
    body = {"kind": "receipt", "product_id": product["id"], "quantity": "5"}
    draft = client.post(f"{API}/moves", json=body, headers=tenant.headers)
    assert draft.status_code == 201, draft.text
    assert draft.json()["state"] == "draft"
    assert stock(client, tenant, product)["on_hand"] == "0"

    done = client.post(f"{API}/moves/{draft.json()['id']}/done", headers=tenant.headers)

    assert done.status_code == 200, done.text
    assert done.json()["state"] == "done"
    assert stock(client, tenant, product)["on_hand"] == "5"
    again = client.post(f"{API}/moves/{draft.json()['id']}/done", headers=tenant.headers)
    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    cancel = client.post(f"{API}/moves/{draft.json()['id']}/cancel", headers=tenant.headers)
    assert cancel.status_code == 409
    assert stock(client, tenant, product)["on_hand"] == "5"


def test_a_cancelled_draft_cannot_be_validated(client, tenant):
    product = create_product(client, tenant)
    body = {"kind": "receipt", "product_id": product["id"], "quantity": "5"}
    draft = client.post(f"{API}/moves", json=body, headers=tenant.headers).json()

    cancelled = client.post(f"{API}/moves/{draft['id']}/cancel", headers=tenant.headers)

    assert cancelled.status_code == 200
    assert cancelled.json()["state"] == "cancelled"
    assert client.post(f"{API}/moves/{draft['id']}/done", headers=tenant.headers).status_code == 409
    assert stock(client, tenant, product)["on_hand"] == "0"


def test_delivery_beyond_available_stock_is_refused_and_stores_nothing(
    client, tenant, inventory_db
):
    product = create_product(client, tenant)
    receive(client, tenant, product, "3", "10")

    refused = move(client, tenant, kind="delivery", product_id=product["id"], quantity="5")

    assert refused.status_code == 409, refused.text
    problem = refused.json()
    assert refused.headers["content-type"] == "application/problem+json"
    assert problem["type"] == "/problems/conflict"
    assert (problem["available"], problem["requested"]) == ("3", "5")
    assert "negative stock is not allowed" in problem["detail"]
    assert stock(client, tenant, product)["on_hand"] == "3"
    moves = client.get(
        f"{API}/moves", params={"product_id": product["id"]}, headers=tenant.headers
    ).json()["items"]
    assert [m["kind"] for m in moves] == ["receipt"]


def test_delivery_into_negative_stock_when_the_tenant_allows_it(client, tenant, inventory_db):
    keep_settings(inventory_db, tenant, {"allow_negative_stock": True})
    product = create_product(client, tenant)
    receive(client, tenant, product, "3", "10")

    delivered = move(client, tenant, kind="delivery", product_id=product["id"], quantity="5")

    assert delivered.status_code == 201, delivered.text
    assert delivered.json()["state"] == "done"
    seen = stock(client, tenant, product)
    assert (seen["on_hand"], seen["available"]) == ("-2", "-2")


def test_internal_transfer_moves_stock_between_locations(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "10", "10")
    shelf = client.post(f"{API}/locations", json={"name": "Shelf A"}, headers=tenant.headers)
    assert shelf.status_code == 201, shelf.text
    stock_location = stock(client, tenant, product)["locations"][0]["location_id"]

    moved = move(
        client,
        tenant,
        kind="internal",
        product_id=product["id"],
        quantity="4",
        from_location_id=stock_location,
        to_location_id=shelf.json()["id"],
    )

    assert moved.status_code == 201, moved.text
    assert moved.json()["value"] is None  # the value stays in stock
    seen = stock(client, tenant, product)
    by_location = {loc["location_id"]: loc["on_hand"] for loc in seen["locations"]}
    assert by_location == {stock_location: "6", shelf.json()["id"]: "4"}
    assert seen["on_hand"] == "10"


def test_adjustments_add_and_remove_stock(client, tenant):
    product = create_product(client, tenant)
    added = move(client, tenant, kind="adjustment", product_id=product["id"], quantity="7")
    assert added.status_code == 201, added.text
    stock_location = added.json()["to_location_id"]

    removed = move(
        client,
        tenant,
        kind="adjustment",
        product_id=product["id"],
        quantity="2",
        from_location_id=stock_location,
        to_location_id=location(client, tenant, "adjustment"),
    )

    assert removed.status_code == 201, removed.text
    assert stock(client, tenant, product)["on_hand"] == "5"


def test_moves_between_the_wrong_kinds_of_location_are_refused(client, tenant):
    product = create_product(client, tenant)
    customer = location(client, tenant, "customer")

    wrong = move(
        client,
        tenant,
        kind="receipt",
        product_id=product["id"],
        quantity="1",
        from_location_id=customer,
    )
    missing_side = move(client, tenant, kind="internal", product_id=product["id"], quantity="1")
    zero = move(client, tenant, kind="receipt", product_id=product["id"], quantity="0")
    nothing = move(client, tenant, kind="receipt", quantity="1")

    for response, field in (
        (wrong, "to_location_id"),
        (missing_side, "from_location_id"),
        (zero, "quantity"),
        (nothing, "product_id"),
    ):
        assert response.status_code == 422, response.text
        assert response.headers["content-type"] == "application/problem+json"
        assert field in [error["key"] for error in response.json()["errors"]]


def test_a_refused_move_lists_every_field_its_body_gets_wrong(client, tenant):
    response = move(client, tenant, kind="internal", quantity="0")

    assert response.status_code == 422, response.text
    assert sorted(error["key"] for error in response.json()["errors"]) == [
        "from_location_id",
        "product_id",
        "quantity",
        "to_location_id",
    ]


def test_a_negative_or_loose_amount_is_refused_as_the_body_is_read(client, tenant):
    # Amounts are unsigned strict decimals: refused before the move's own checks run.
    response = move(client, tenant, kind="receipt", quantity="1e1", unit_cost="-1")

    assert response.status_code == 422, response.text
    assert sorted(error["key"] for error in response.json()["errors"]) == [
        "quantity",
        "unit_cost",
    ]


def test_untracked_products_have_no_moves(client, tenant):
    service = create_product(client, tenant, name="Installation", tracked=False)

    response = move(client, tenant, kind="receipt", product_id=service["id"], quantity="1")

    assert response.status_code == 422
    assert "not tracked" in response.json()["errors"][0]["message"]


def test_a_receipt_by_an_unknown_sku_with_a_name_creates_the_product(client, tenant):
    first = move(
        client,
        tenant,
        kind="receipt",
        sku="CHAIR-9",
        product_name="Chair",
        quantity="2",
        unit_cost="30",
    )
    second = move(client, tenant, kind="receipt", sku="CHAIR-9", quantity="3", unit_cost="30")
    unknown = move(client, tenant, kind="delivery", sku="NOPE", quantity="1")

    assert first.status_code == 201, first.text
    assert second.status_code == 201, second.text
    assert first.json()["product_id"] == second.json()["product_id"]
    assert unknown.status_code == 422
    products = client.get(f"{API}/products", params={"sku": "CHAIR-9"}, headers=tenant.headers)
    [product] = products.json()["items"]
    assert product["name"] == "Chair"
    assert stock(client, tenant, product)["on_hand"] == "5"


def test_quantities_change_only_through_done_moves(client, tenant, inventory_db):
    product = create_product(client, tenant)
    receive(client, tenant, product, "8", "10")
    move(client, tenant, kind="delivery", product_id=product["id"], quantity="3")

    [row] = sql(
        inventory_db,
        "select q.quantity as on_hand, (select sum(case when m.to_location_id = q.location_id "
        "then m.quantity else -m.quantity end) from inventory_move m "
        "where m.product_id = q.product_id and m.state = 'done' "
        "and q.location_id in (m.to_location_id, m.from_location_id)) as moved "
        "from inventory_quant q where q.product_id = $1",
        UUID(product["id"]),
    )
    assert row["on_hand"] == row["moved"] == 5
