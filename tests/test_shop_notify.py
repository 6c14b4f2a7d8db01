"""Shop's order emails through Notification: the ``notify.send`` contract between the two."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import nexus_finance
import nexus_inventory
import nexus_notify
import nexus_shop
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database, set_plugin_settings

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_inventory, nexus_notify, nexus_shop]
SHOP = "/api/v1/shop"


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
    ):
        yield client, url


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_placing_and_paying_an_order_emails_the_customer_once_each(
    world: tuple[Any, str],
) -> None:
    client, url = world
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "NGN"})
    set_plugin_settings(url, tenant, "inventory", {"valuation_currency": "NGN"})
    set_plugin_settings(url, tenant, "shop", {"currency": "NGN"})
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    product = _ok(
        client.post(
            "/api/v1/inventory/products",
            json={"sku": sku, "name": "Oak desk", "currency": "NGN"},
            headers=tenant.headers,
        ),
        201,
    )
    _ok(
        client.post(
            "/api/v1/inventory/moves",
            json={"kind": "receipt", "sku": sku, "quantity": "3", "unit_cost": "8000",
                  "validate": True},
            headers=tenant.headers,
        ),
        201,
    )  # fmt: skip
    _ok(client.put(f"{SHOP}/listings/{product['id']}", json={"published": True},
                   headers=tenant.headers))  # fmt: skip
    [prices] = _ok(client.get(f"{SHOP}/price-lists", headers=tenant.headers))
    _ok(client.put(f"{SHOP}/price-lists/{prices['id']}/prices/{product['id']}",
                   json={"amount": "12500"}, headers=tenant.headers))  # fmt: skip
    store = f"{SHOP}/store/{tenant.slug}"
    cart = _ok(client.post(f"{store}/carts", json={}), 201)
    _ok(client.put(f"{store}/carts/{cart['token']}/lines/{product['id']}", json={"quantity": "1"}))
    order = _ok(
        client.post(
            f"{store}/carts/{cart['token']}/checkout",
            json={
                "email": "ada@example.com",
                "name": "Adaeze Okafor",
                "address": "12 Admiralty Way",
                "city": "Lagos",
                "country": "NG",
                "payment_method": "bank_transfer",
            },
        ),
        201,
    )
    _ok(client.post(f"{SHOP}/orders/{order['id']}/payments", json={}, headers=tenant.headers))

    listed = _ok(client.get("/api/v1/notify/messages", headers=tenant.headers))["items"]
    mine = [m for m in listed if m["source_ref"] == f"shop.order:{order['id']}"]
    assert len(mine) == 2
    assert {m["category"] for m in mine} == {"shop.orders"}
    subjects = sorted(m["subject"] for m in mine)
    assert subjects == [f"Order {order['number']} is paid", f"Your order {order['number']}"]
