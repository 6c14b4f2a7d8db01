"""Disable keeps a tenant's inventory; purge deletes it, and only it."""

from __future__ import annotations

from inventory_support import API, create_product, move, receive, sql, stock
from nexus.testing import make_tenant


def switch(client, tenant, on):
    response = client.put(
        "/api/v1/features/inventory", json={"enabled": on}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text


def test_disabling_keeps_the_data_and_hides_the_routes(client, tenant):
    product = create_product(client, tenant)
    receive(client, tenant, product, "4", "2")

    switch(client, tenant, False)
    hidden = client.get(f"{API}/products/{product['id']}", headers=tenant.headers)
    switch(client, tenant, True)

    assert hidden.status_code == 404
    assert stock(client, tenant, product)["on_hand"] == "4"


def test_purging_deletes_every_inventory_row_of_the_tenant_only(client, tenant, inventory_db):
    other = make_tenant(inventory_db)
    for owner in (tenant, other):
        product = create_product(client, owner)
        receive(client, owner, product, "4", "2")
        client.post(
            f"{API}/products/{product['id']}/reservations",
            json={"quantity": "1", "reference": "SO-1"},
            headers=owner.headers,
        )
        client.post(
            f"{API}/products/{product['id']}/reorder-rules",
            json={"minimum": "1", "maximum": "9"},
            headers=owner.headers,
        )
        move(client, owner, kind="delivery", product_id=product["id"], quantity="1")
    switch(client, tenant, False)

    dry = client.post(
        "/api/v1/features/inventory/purge", json={"dry_run": True}, headers=tenant.headers
    )
    done = client.post(
        "/api/v1/features/inventory/purge", json={"dry_run": False}, headers=tenant.headers
    )

    assert dry.status_code == 200, dry.text
    assert dry.json()["rows"]["inventory_move"] == 2
    assert done.status_code == 200, done.text
    tables = [
        "inventory_product",
        "inventory_warehouse",
        "inventory_location",
        "inventory_quant",
        "inventory_move",
        "inventory_reservation",
        "inventory_reorder_rule",
        "inventory_valuation_entry",
    ]
    for table in tables:
        counts = {
            row["tenant_id"]: row["n"]
            for row in sql(
                inventory_db, f"select tenant_id, count(*) as n from {table} group by tenant_id"
            )
        }
        assert tenant.id not in counts, table
        assert counts.get(other.id, 0) > 0, table
