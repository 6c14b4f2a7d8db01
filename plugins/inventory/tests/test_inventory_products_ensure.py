"""``inventory.products.ensure``: found by SKU, else created once (what an import relies on)."""

from __future__ import annotations

import inventory_service_caller
import nexus_inventory
import pytest
from nexus.testing import create_test_client, make_tenant

CALL = "/api/v1/caller/call/inventory.products.ensure"


@pytest.fixture(scope="module")
def client(inventory_db):
    with create_test_client(
        [nexus_inventory, inventory_service_caller], database_url=inventory_db
    ) as test_client:
        yield test_client


def test_the_same_sku_answers_the_product_already_there(client, inventory_db):
    tenant, other = make_tenant(inventory_db), make_tenant(inventory_db)
    body = {"sku": "DESK", "name": "Desk", "sale_price": "40.00"}
    first = client.post(CALL, json=body, headers=tenant.headers)
    assert first.status_code == 200, first.text
    assert first.json()["created"] is True
    again = client.post(CALL, json={**body, "name": "Renamed"}, headers=tenant.headers).json()
    assert again == {**first.json(), "created": False}
    products = client.get("/api/v1/inventory/products", headers=tenant.headers).json()["items"]
    assert [(p["sku"], p["name"], p["tracked"]) for p in products] == [("DESK", "Desk", False)]
    theirs = client.post(CALL, json=body, headers=other.headers).json()
    assert theirs["created"] is True and theirs["id"] != first.json()["id"]
    bad = client.post(CALL, json={**body, "sku": "X", "sale_price": "-1"}, headers=tenant.headers)
    assert bad.status_code == 422
