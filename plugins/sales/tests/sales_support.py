"""Shared helpers of the Sales tests: a Nigerian shop's tenant, products with stock."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import make_tenant, set_plugin_settings

API = "/api/v1/sales"
FINANCE = "/api/v1/finance"
INVENTORY = "/api/v1/inventory"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def shop(url: str, **sales: Any) -> Any:
    """A tenant keeping its books and stock in NGN with 7.5 % VAT; Sales settings ``sales``."""
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "NGN", "sales_tax_rate": "7.5"})
    set_plugin_settings(url, tenant, "inventory", {"valuation_currency": "NGN"})
    set_plugin_settings(url, tenant, "sales", {"default_currency": "NGN", **sales})
    return tenant


def vat(client: Any, tenant: Any) -> str:
    """The id of the tenant's 7.5 % sales tax."""
    taxes = ok(client.get(f"{FINANCE}/taxes", headers=tenant.headers))["items"]
    [found] = [t for t in taxes if t["scope"] == "sale" and t["rate"].startswith("7.5")]
    return str(found["id"])


def stocked(client: Any, tenant: Any, quantity: str, unit_cost: str = "8000") -> str:
    """A new product with ``quantity`` received at ``unit_cost``; its id."""
    sku = f"DESK-{uuid.uuid4().hex[:6]}"
    product = ok(
        client.post(
            f"{INVENTORY}/products",
            json={"sku": sku, "name": "Oak desk", "currency": "NGN", "sale_price": "12500"},
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
                "unit_cost": unit_cost,
                "reference": "PO-1",
                "validate": True,
            },
            headers=tenant.headers,
        ),
        201,
    )
    return str(product["id"])


def stock(client: Any, tenant: Any, product_id: str) -> dict[str, Any]:
    """The product's on hand, reserved and available over its locations."""
    return ok(client.get(f"{INVENTORY}/products/{product_id}/stock", headers=tenant.headers))  # type: ignore[no-any-return]


def on_hand(client: Any, tenant: Any, product_id: str) -> str:
    return str(stock(client, tenant, product_id)["on_hand"])


def order_of(
    client: Any, tenant: Any, product_id: str, quantity: str, **line: Any
) -> dict[str, Any]:
    """A confirmed order for ``quantity`` of the product at 12,500."""
    order = ok(
        client.post(
            f"{API}/orders",
            json={
                "partner_name": "Adaeze Stores",
                "lines": [
                    {
                        "description": "Oak desk",
                        "product_id": product_id,
                        "quantity": quantity,
                        "unit_price": "12500",
                        **line,
                    }
                ],
            },
            headers=tenant.headers,
        ),
        201,
    )
    return ok(client.post(f"{API}/orders/{order['id']}/confirm", headers=tenant.headers))  # type: ignore[no-any-return]
