"""No overselling: concurrent checkouts of the last units never sell more than on hand."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any

from shop_helpers import API, CUSTOMER, cart_with, ok, published, shop_tenant, stock, store


def test_fifty_concurrent_checkouts_for_ten_units_sell_exactly_ten(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db, storefront_per_minute=10_000, checkouts_per_hour=10_000)
    desk = published(client, tenant, "10")
    tokens = [cart_with(client, tenant, (desk, "1")) for _ in range(50)]

    def buy(index: int) -> Any:
        body = {
            **CUSTOMER,
            "name": f"Customer {index}",
            "email": f"c{index}@example.com",
            "payment_method": "bank_transfer",
        }
        return client.post(f"{store(tenant)}/carts/{tokens[index]}/checkout", json=body)

    with ThreadPoolExecutor(max_workers=50) as pool:
        answers = list(pool.map(buy, range(50)))

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * 10 + [409] * 40, {a.status_code: a.text for a in answers}
    for refused in (a for a in answers if a.status_code == 409):
        [short] = refused.json()["short"]
        assert short["product_id"] == desk
        assert short["available"] == "0"
    levels = stock(client, tenant, desk)
    assert (Decimal(levels["on_hand"]), Decimal(levels["reserved"])) == (10, 10)
    orders = ok(client.get(f"{API}/orders", headers=tenant.headers, params={"limit": 100}))
    assert len(orders["items"]) == 10
    assert len({o["invoice_id"] for o in orders["items"]}) == 10
