"""Reservations: available = on hand − reserved; deliveries of the reference consume them."""

from __future__ import annotations

from inventory_support import API, create_product, move, receive, stock


def reserve(client, tenant, product, quantity, reference):
    return client.post(
        f"{API}/products/{product['id']}/reservations",
        json={"quantity": quantity, "reference": reference},
        headers=tenant.headers,
    )


def test_a_reservation_reduces_available_not_on_hand(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "10", "5")

    held = reserve(client, tenant, product, "4", "SO-1")

    assert held.status_code == 201, held.text
    assert (held.json()["state"], held.json()["quantity"]) == ("active", "4")
    seen = stock(client, tenant, product)
    assert (seen["on_hand"], seen["reserved"], seen["available"]) == ("10", "4", "6")
    assert seen["locations"][0]["available"] == "6"


def test_reserving_more_than_available_is_refused(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "5")
    assert reserve(client, tenant, product, "3", "SO-1").status_code == 201

    refused = reserve(client, tenant, product, "3", "SO-2")

    assert refused.status_code == 409
    assert refused.json()["available"] == "2"
    assert stock(client, tenant, product)["reserved"] == "3"


def test_other_references_cannot_deliver_reserved_stock(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "5")
    reserve(client, tenant, product, "4", "SO-1")

    other = move(
        client, tenant, kind="delivery", product_id=product["id"], quantity="2", reference="SO-2"
    )

    assert other.status_code == 409, other.text
    assert other.json()["available"] == "1"


def test_the_delivery_of_the_reference_consumes_its_reservation(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "5")
    held = reserve(client, tenant, product, "4", "SO-1").json()

    delivered = move(
        client, tenant, kind="delivery", product_id=product["id"], quantity="4", reference="SO-1"
    )

    assert delivered.status_code == 201, delivered.text
    seen = stock(client, tenant, product)
    assert (seen["on_hand"], seen["reserved"], seen["available"]) == ("1", "0", "1")
    shown = client.get(f"{API}/reservations/{held['id']}", headers=tenant.headers).json()
    assert shown["state"] == "consumed"
    assert (
        client.delete(f"{API}/reservations/{held['id']}", headers=tenant.headers).status_code == 409
    )


def test_deleting_a_reservation_releases_it(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "5")
    held = reserve(client, tenant, product, "5", "SO-1").json()

    released = client.delete(f"{API}/reservations/{held['id']}", headers=tenant.headers)

    assert released.status_code == 204
    assert stock(client, tenant, product)["available"] == "5"
    listed = client.get(
        f"{API}/reservations", params={"state": "released"}, headers=tenant.headers
    ).json()["items"]
    assert [r["id"] for r in listed] == [held["id"]]


def test_reservations_switched_off_look_like_no_route(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "5")
    off = client.put(
        "/api/v1/features/inventory.reservations", json={"enabled": False}, headers=tenant.headers
    )
    assert off.status_code == 200, off.text

    response = reserve(client, tenant, product, "1", "SO-1")

    assert response.status_code == 404
    assert client.get(f"{API}/reservations", headers=tenant.headers).status_code == 404
