"""Products, warehouses and locations: uniqueness, tenancy, pages, seeding."""

from __future__ import annotations

import nexus_inventory
from inventory_support import API, create_product, keep_settings, move, receive
from nexus.testing import make_tenant, run_sync, tenant_transaction
from nexus_hookspecs import TenantRef
from nexus_inventory import InventorySettings


def test_a_sku_is_unique_per_tenant_but_free_across_tenants(client, tenant, inventory_db):
    other = make_tenant(inventory_db)
    create_product(client, tenant, sku="MUG-1")

    again = client.post(
        f"{API}/products", json={"name": "Mug", "sku": "MUG-1"}, headers=tenant.headers
    )
    theirs = client.post(
        f"{API}/products", json={"name": "Mug", "sku": "MUG-1"}, headers=other.headers
    )

    assert again.status_code == 409
    assert again.headers["content-type"] == "application/problem+json"
    assert theirs.status_code == 201, theirs.text


def test_changing_a_sku_to_a_taken_one_is_a_conflict(client, tenant):
    create_product(client, tenant, sku="A-1")
    second = create_product(client, tenant, sku="B-1")

    response = client.patch(
        f"{API}/products/{second['id']}", json={"sku": "A-1"}, headers=tenant.headers
    )

    assert response.status_code == 409
    shown = client.get(f"{API}/products/{second['id']}", headers=tenant.headers).json()
    assert shown["sku"] == "B-1"


def test_products_get_defaults_from_the_settings(client, tenant, inventory_db):
    made = client.post(f"{API}/products", json={"name": "Bolt"}, headers=tenant.headers)

    assert made.status_code == 201
    product = made.json()
    assert product["sku"].startswith("P-")
    assert (product["uom"], product["currency"], product["tracked"]) == ("unit", "USD", True)
    assert (product["cost_price"], product["sale_price"]) == ("0.00", "0.00")


def test_money_is_validated_and_shown_as_strings(client, tenant):
    product = create_product(client, tenant, cost_price="12.5", sale_price="19.999")
    negative = client.post(
        f"{API}/products", json={"name": "X", "cost_price": "-1"}, headers=tenant.headers
    )
    currency = client.post(
        f"{API}/products", json={"name": "X", "currency": "usd"}, headers=tenant.headers
    )

    assert (product["cost_price"], product["sale_price"]) == ("12.50", "19.999")
    assert negative.status_code == 422
    assert currency.status_code == 422


def test_a_product_with_moves_cannot_be_deleted_but_can_be_archived(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "1", "1")
    unused = create_product(client, tenant)

    refused = client.delete(f"{API}/products/{product['id']}", headers=tenant.headers)
    archived = client.patch(
        f"{API}/products/{product['id']}", json={"active": False}, headers=tenant.headers
    )
    deleted = client.delete(f"{API}/products/{unused['id']}", headers=tenant.headers)

    assert refused.status_code == 409
    assert archived.json()["active"] is False
    assert deleted.status_code == 204
    assert client.get(f"{API}/products/{unused['id']}", headers=tenant.headers).status_code == 404
    moved = move(client, tenant, kind="receipt", product_id=product["id"], quantity="1")
    assert moved.status_code == 422


def test_lists_are_cursor_pages(client, tenant):
    made = [create_product(client, tenant)["id"] for _ in range(5)]

    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(f"{API}/products", params=params, headers=tenant.headers).json()
        seen += [p["id"] for p in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert seen == made
    bad = client.get(f"{API}/products", params={"cursor": "!!"}, headers=tenant.headers)
    assert bad.status_code == 422


def test_another_tenants_stock_records_answer_404(client, tenant, inventory_db):
    other = make_tenant(inventory_db)
    product = create_product(client, tenant)
    receive(client, tenant, product, "5", "1")
    draft = client.post(
        f"{API}/moves",
        json={"kind": "receipt", "product_id": product["id"], "quantity": "1"},
        headers=tenant.headers,
    ).json()
    held = client.post(
        f"{API}/products/{product['id']}/reservations",
        json={"quantity": "1", "reference": "SO-1"},
        headers=tenant.headers,
    ).json()
    rule = client.post(
        f"{API}/products/{product['id']}/reorder-rules",
        json={"minimum": "1", "maximum": "3"},
        headers=tenant.headers,
    ).json()

    for method, path, body in (
        ("GET", f"/products/{product['id']}/stock", None),
        ("POST", f"/products/{product['id']}/reservations", {"quantity": "1", "reference": "x"}),
        ("POST", f"/products/{product['id']}/reorder-rules", {"minimum": "1", "maximum": "2"}),
        ("POST", f"/moves/{draft['id']}/done", None),
        ("POST", f"/moves/{draft['id']}/cancel", None),
        ("GET", f"/reservations/{held['id']}", None),
        ("DELETE", f"/reservations/{held['id']}", None),
        ("GET", f"/reorder-rules/{rule['id']}", None),
        ("PATCH", f"/reorder-rules/{rule['id']}", {"minimum": "0"}),
        ("DELETE", f"/reorder-rules/{rule['id']}", None),
    ):
        response = client.request(method, f"{API}{path}", json=body, headers=other.headers)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["type"] == "/problems/not-found"

    by_sku = move(client, other, kind="delivery", product_id=product["id"], quantity="1")
    assert by_sku.status_code == 422  # their product does not exist for this tenant
    assert (
        client.get(f"{API}/moves/{draft['id']}", headers=tenant.headers).json()["state"] == "draft"
    )
    assert (
        client.get(f"{API}/reservations/{held['id']}", headers=tenant.headers).json()["state"]
        == "active"
    )


def test_a_member_may_reserve_but_not_edit_the_catalogue_or_move_stock(client, inventory_db):
    member = make_tenant(inventory_db, role="member")

    catalogue = client.post(f"{API}/products", json={"name": "X"}, headers=member.headers)
    received = move(client, member, kind="receipt", sku="M-1", product_name="M", quantity="1")
    missing = "01a21173-0000-7000-8000-000000000000"
    reserve = client.post(
        f"{API}/products/{missing}/reservations",
        json={"quantity": "1", "reference": "x"},
        headers=member.headers,
    )

    assert catalogue.status_code == 403
    assert received.status_code == 403
    assert reserve.status_code == 404  # allowed through; the product does not exist
    assert client.get(f"{API}/products", headers=member.headers).status_code == 200
    assert client.get(f"{API}/valuation", headers=member.headers).status_code == 403


def test_enabling_seeds_the_presets_warehouse_and_virtual_locations(client, inventory_db):
    tenant = make_tenant(inventory_db)
    settings = InventorySettings(default_warehouse_name="Main store", default_warehouse_code="MAIN")

    async def enable():
        # As the API role, as the kernel calls the hook: row-level security applies.
        async with tenant_transaction(inventory_db, tenant) as conn:
            ref = TenantRef(id=tenant.id, slug=tenant.slug)
            await nexus_inventory.nexus_tenant_enable(tenant=ref, settings=settings, conn=conn)
            await nexus_inventory.nexus_tenant_enable(tenant=ref, settings=settings, conn=conn)

    run_sync(enable())

    [warehouse] = client.get(f"{API}/warehouses", headers=tenant.headers).json()["items"]
    assert (warehouse["code"], warehouse["name"], warehouse["is_default"]) == (
        "MAIN",
        "Main store",
        True,
    )
    locations = client.get(f"{API}/locations", headers=tenant.headers).json()["items"]
    assert sorted(loc["kind"] for loc in locations) == [
        "adjustment",
        "customer",
        "internal",
        "supplier",
    ]
    [stock_location] = [loc for loc in locations if loc["kind"] == "internal"]
    assert stock_location["id"] == warehouse["stock_location_id"]
    assert stock_location["warehouse_id"] == warehouse["id"]


def test_the_first_request_finds_the_layout_the_kernels_first_enable_seeded(client, inventory_db):
    tenant = make_tenant(inventory_db)
    keep_settings(inventory_db, tenant, {"default_warehouse_code": "SHOP"})

    listed = client.get(f"{API}/warehouses", headers=tenant.headers)

    assert listed.status_code == 200, listed.text
    [warehouse] = listed.json()["items"]
    assert (warehouse["code"], warehouse["is_default"]) == ("SHOP", True)


def test_warehouse_codes_are_unique_and_locations_belong_to_warehouses(client, tenant):
    made = client.post(
        f"{API}/warehouses", json={"name": "North", "code": "N1"}, headers=tenant.headers
    )
    twice = client.post(
        f"{API}/warehouses", json={"name": "North 2", "code": "N1"}, headers=tenant.headers
    )
    shelf = client.post(
        f"{API}/locations",
        json={"name": "N1/Shelf", "warehouse_id": made.json()["id"]},
        headers=tenant.headers,
    )
    nowhere = client.post(
        f"{API}/locations",
        json={"name": "Lost", "warehouse_id": "01a21173-0000-7000-8000-000000000000"},
        headers=tenant.headers,
    )

    assert made.status_code == 201, made.text
    assert made.json()["stock_location_id"] is not None
    assert twice.status_code == 409
    assert shelf.json()["warehouse_id"] == made.json()["id"]
    assert nowhere.status_code == 422
