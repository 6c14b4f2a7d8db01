"""Helpers shared by the Shop tests: a Nigerian shop's tenant, products with stock."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import make_tenant, set_plugin_settings

API = "/api/v1/shop"
FINANCE = "/api/v1/finance"
INVENTORY = "/api/v1/inventory"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def shop_tenant(url: str, **shop: Any) -> Any:
    """A tenant selling in NGN with 7.5 % VAT; Shop settings ``shop``."""
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "NGN", "sales_tax_rate": "7.5"})
    set_plugin_settings(url, tenant, "inventory", {"valuation_currency": "NGN"})
    set_plugin_settings(
        url,
        tenant,
        "shop",
        {"currency": "NGN", "offline_methods": ["bank_transfer", "cash_on_delivery"], **shop},
    )
    return tenant


def stocked(client: Any, tenant: Any, quantity: str, *, name: str = "Oak desk") -> str:
    """A new Inventory product with ``quantity`` received at 8,000; its id."""
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    product = ok(
        client.post(
            f"{INVENTORY}/products",
            json={"sku": sku, "name": name, "currency": "NGN", "sale_price": "12500"},
            headers=tenant.headers,
        ),
        201,
    )
    ok(
        client.post(
            f"{INVENTORY}/moves",
            json={
                "kind": "receipt",
                "sku": sku,
                "quantity": quantity,
                "unit_cost": "8000",
                "reference": "PO-1",
                "validate": True,
            },
            headers=tenant.headers,
        ),
        201,
    )
    return str(product["id"])


def default_list(client: Any, tenant: Any) -> str:
    """The id of the tenant's default NGN price list (made when Shop was enabled)."""
    lists = ok(client.get(f"{API}/price-lists", headers=tenant.headers))
    [found] = [p for p in lists if p["currency"] == "NGN" and p["is_default"]]
    return str(found["id"])


def published(
    client: Any,
    tenant: Any,
    quantity: str = "10",
    *,
    price: str = "12500",
    name: str = "Oak desk",
    **listing: Any,
) -> str:
    """A product in stock, published and priced in the default NGN list; its id."""
    product_id = stocked(client, tenant, quantity, name=name)
    ok(
        client.put(
            f"{API}/listings/{product_id}",
            json={"published": True, **listing},
            headers=tenant.headers,
        )
    )
    ok(
        client.put(
            f"{API}/price-lists/{default_list(client, tenant)}/prices/{product_id}",
            json={"amount": price},
            headers=tenant.headers,
        )
    )
    return product_id


def store(tenant: Any) -> str:
    """The tenant's storefront prefix."""
    return f"{API}/store/{tenant.slug}"


def cart_with(client: Any, tenant: Any, *lines: tuple[str, str]) -> str:
    """A new cart holding ``(product_id, quantity)`` lines; its token."""
    cart = ok(client.post(f"{store(tenant)}/carts", json={}), 201)
    for product_id, quantity in lines:
        ok(
            client.put(
                f"{store(tenant)}/carts/{cart['token']}/lines/{product_id}",
                json={"quantity": quantity},
            )
        )
    return str(cart["token"])


CUSTOMER = {
    "email": "ada@example.com",
    "name": "Adaeze Okafor",
    "address": "12 Admiralty Way",
    "city": "Lagos",
    "country": "NG",
}


def checkout(
    client: Any, tenant: Any, token: str, method: str = "bank_transfer", **more: Any
) -> Any:
    """Check the cart out (the raw response)."""
    return client.post(
        f"{store(tenant)}/carts/{token}/checkout",
        json={**CUSTOMER, "payment_method": method, **more},
    )


def stock(client: Any, tenant: Any, product_id: str) -> dict[str, Any]:
    """The product's on hand, reserved and available."""
    found: dict[str, Any] = ok(
        client.get(f"{INVENTORY}/products/{product_id}/stock", headers=tenant.headers)
    )
    return found
