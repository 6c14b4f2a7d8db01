"""``Idempotency-Key`` on Inventory writes: a retried validated move changes stock once."""

from __future__ import annotations

from inventory_support import API, create_product, outbox, receive, stock

DONE, VALUED = "inventory.move.done.v1", "inventory.valuation.posted.v1"


def test_a_validated_delivery_retried_with_its_key_moves_stock_once(client, tenant, inventory_db):
    product = create_product(client, tenant)
    receive(client, tenant, product, "10", "4.00")
    body = {"kind": "delivery", "product_id": product["id"], "quantity": "3", "validate": True}
    headers = {**tenant.headers, "Idempotency-Key": "ship-order-17"}

    first = client.post(f"{API}/moves", json=body, headers=headers)
    second = client.post(f"{API}/moves", json=body, headers=headers)

    assert first.status_code == second.status_code == 201, second.text
    assert first.json() == second.json()
    assert first.json()["state"] == "done"
    assert second.headers["idempotency-replayed"] == "true"
    seen = stock(client, tenant, product)
    assert (seen["on_hand"], seen["available"]) == ("7", "7")
    deliveries = client.get(
        f"{API}/moves", params={"kind": "delivery"}, headers=tenant.headers
    ).json()["items"]
    assert [m["id"] for m in deliveries] == [first.json()["id"]]
    assert len(outbox(inventory_db, tenant, DONE)) == 2  # the receipt and one delivery
    assert len(outbox(inventory_db, tenant, VALUED)) == 2

    more = client.post(f"{API}/moves", json={**body, "quantity": "4"}, headers=headers)
    assert more.status_code == 422, more.text
    assert more.json()["type"].endswith("/idempotency-key-reused")
    assert stock(client, tenant, product)["on_hand"] == "7"


def test_validating_a_draft_retried_with_its_key_replays_instead_of_409(client, tenant):
    product = create_product(client, tenant)
    body = {"kind": "receipt", "product_id": product["id"], "quantity": "5"}
    draft = client.post(f"{API}/moves", json=body, headers=tenant.headers).json()
    headers = {**tenant.headers, "Idempotency-Key": f"receive-{draft['id']}"}

    first = client.post(f"{API}/moves/{draft['id']}/done", headers=headers)
    second = client.post(f"{API}/moves/{draft['id']}/done", headers=headers)

    assert first.status_code == second.status_code == 200, second.text
    assert first.json() == second.json()
    assert stock(client, tenant, product)["on_hand"] == "5"
    unkeyed = client.post(f"{API}/moves/{draft['id']}/done", headers=tenant.headers)
    assert unkeyed.status_code == 409  # without the key, a second validation is refused
