"""Carts and checkout: the quote Finance prices, stock reserved, invoice posted, paid, cancelled."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import nexus_shop
import nexus_shop._sweep
from nexus.testing import outbox_events, run_sync, tenant_transaction
from shop_helpers import (
    API,
    FINANCE,
    cart_with,
    checkout,
    ok,
    problem,
    published,
    shop_tenant,
    stock,
    store,
)


def _invoice(client: Any, tenant: Any, invoice_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        client.get(f"{FINANCE}/invoices/{invoice_id}", headers=tenant.headers)
    )
    return found


def test_the_quote_has_finance_taxes_a_discount_and_shipping(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, price="10000")
    ok(
        client.post(
            f"{API}/discounts",
            json={"code": "WELCOME10", "kind": "percent", "value": "10"},
            headers=tenant.headers,
        ),
        201,
    )
    method = ok(
        client.post(
            f"{API}/shipping-methods",
            json={"name": "Courier", "currency": "NGN", "rate": "2000", "countries": ["NG"]},
            headers=tenant.headers,
        ),
        201,
    )
    token = cart_with(client, tenant, (desk, "2"))
    ok(client.post(f"{store(tenant)}/carts/{token}/discount", json={"code": "welcome10"}))
    cart = ok(
        client.put(
            f"{store(tenant)}/carts/{token}/shipping", json={"shipping_method_id": method["id"]}
        )
    )

    quote = cart["quote"]
    assert Decimal(quote["subtotal"]) == Decimal("20000")
    assert Decimal(quote["discount_total"]) == Decimal("2000")
    assert Decimal(quote["shipping_total"]) == Decimal("2000")
    # 7.5 % VAT on the discounted goods (18,000) and on shipping (2,000).
    assert quote["taxed"] is True
    assert Decimal(quote["tax_total"]) == Decimal("1500")
    assert Decimal(quote["total"]) == Decimal("21500")
    assert quote["discount_code"] == "WELCOME10"


def test_checkout_reserves_stock_and_posts_the_invoice(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5", price="10000")
    token = cart_with(client, tenant, (desk, "2"))

    order = ok(checkout(client, tenant, token), 201)

    assert order["status"] == "pending_payment"
    assert order["number"].startswith("WEB-")
    assert Decimal(order["total"]) == Decimal("21500")
    assert "Reference: " + order["number"] in order["payment_instructions"]
    levels = stock(client, tenant, desk)
    assert (Decimal(levels["on_hand"]), Decimal(levels["reserved"])) == (5, 2)
    invoice = _invoice(client, tenant, order["invoice_id"])
    assert invoice["state"] == "posted"
    assert Decimal(invoice["total"]) == Decimal("21500")
    assert ok(client.get(f"{store(tenant)}/carts/{token}/order"))["id"] == order["id"]
    again = problem(checkout(client, tenant, token), 409)
    assert "ordered" in again["detail"]


def test_checkout_short_of_stock_names_the_product_and_keeps_nothing(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "3")
    lamp = published(client, tenant, "1", name="Lamp")
    token = cart_with(client, tenant, (desk, "2"), (lamp, "1"))
    other = cart_with(client, tenant, (lamp, "1"))
    ok(checkout(client, tenant, other), 201)  # takes the last lamp

    refused = problem(checkout(client, tenant, token), 409)

    assert [s["product_id"] for s in refused["short"]] == [lamp]
    assert refused["short"][0]["available"] == "0"
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 0  # the desk was released
    orders = ok(client.get(f"{API}/orders", headers=tenant.headers))["items"]
    assert len(orders) == 1
    assert ok(client.get(f"{store(tenant)}/carts/{token}"))["status"] == "open"


def test_an_offline_payment_recorded_delivers_the_goods(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "2"))), 201)

    paid = ok(client.post(f"{API}/orders/{order['id']}/payments", json={}, headers=tenant.headers))

    assert paid["status"] == "fulfilled"
    levels = stock(client, tenant, desk)
    assert (Decimal(levels["on_hand"]), Decimal(levels["reserved"])) == (3, 0)
    [event] = outbox_events(shop_db, tenant, "shop.order.paid.v1")
    assert event.data["order_id"] == order["id"]
    assert event.data["fulfilled"] is True
    problem(
        client.post(f"{API}/orders/{order['id']}/payments", json={}, headers=tenant.headers),
        409,
    )


def test_cancelling_releases_stock_and_credits_the_invoice(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "2"))), 201)

    cancelled = ok(
        client.post(
            f"{API}/orders/{order['id']}/cancel",
            json={"reason": "Customer changed their mind"},
            headers=tenant.headers,
        )
    )

    assert cancelled["status"] == "cancelled"
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 0
    assert _invoice(client, tenant, order["invoice_id"])["state"] == "reversed"  # fully credited
    assert cancelled["credit_note_id"] is not None
    [event] = outbox_events(shop_db, tenant, "shop.order.cancelled.v1")
    assert event.data["credit_note_id"] == cancelled["credit_note_id"]


def test_the_sweep_cancels_unpaid_orders_past_their_time(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    late = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1"))), 201)
    fresh = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1"))), 201)
    cod = ok(
        checkout(client, tenant, cart_with(client, tenant, (desk, "1")), "cash_on_delivery"), 201
    )

    async def age() -> None:
        async with tenant_transaction(shop_db, tenant) as conn:
            await conn.execute(
                "update shop_order set expires_at = now() - interval '1 minute' "
                "where id = any($1::uuid[])",
                [late["id"], cod["id"]],
            )

    run_sync(age())
    swept = ok(client.post(f"{API}/orders/expire", json={}, headers=tenant.headers))

    assert swept["orders_cancelled"] == 1
    statuses = {
        o["id"]: o["status"]
        for o in ok(client.get(f"{API}/orders", headers=tenant.headers))["items"]
    }
    assert statuses == {
        late["id"]: "cancelled",
        fresh["id"]: "pending_payment",
        cod["id"]: "pending_payment",
    }
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 2


def test_a_payment_method_the_tenant_does_not_take_is_refused(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db, offline_methods=["bank_transfer"])
    desk = published(client, tenant, "5")
    token = cart_with(client, tenant, (desk, "1"))

    refused = problem(checkout(client, tenant, token, "cash_on_delivery"), 422)

    assert "bank_transfer" in str(refused)
    problem(checkout(client, tenant, token, website="http://spam"), 422)
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 0


def test_a_cart_cannot_hold_more_than_is_available(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "2")
    cart = ok(client.post(f"{store(tenant)}/carts", json={}), 201)

    refused = client.put(
        f"{store(tenant)}/carts/{cart['token']}/lines/{desk}", json={"quantity": "3"}
    )

    assert problem(refused, 409)["available"] == "2"
    problem(client.get(f"{store(tenant)}/carts/not-a-token"), 404)


def test_a_signed_in_customer_has_one_cart_and_sees_their_orders(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    first = ok(client.post(f"{API}/my/cart", json={}, headers=tenant.headers), 201)
    again = ok(client.post(f"{API}/my/cart", json={}, headers=tenant.headers))

    assert again["id"] == first["id"]
    problem(client.get(f"{store(tenant)}/carts/{first['token']}"), 404)  # a fresh token
    ok(client.put(f"{store(tenant)}/carts/{again['token']}/lines/{desk}", json={"quantity": "1"}))
    order = ok(checkout(client, tenant, again["token"]), 201)

    mine = ok(client.get(f"{API}/my/orders", headers=tenant.headers))["items"]
    assert [o["id"] for o in mine] == [order["id"]]
    assert mine[0]["customer"] is not None
    guest = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1"))), 201)
    assert guest["customer"] is None
    after = ok(client.post(f"{API}/my/cart", json={}, headers=tenant.headers), 201)
    assert after["id"] != first["id"]  # the ordered cart is closed: a new one


def test_the_background_sweep_expires_orders_of_every_tenant(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db, payment_minutes=30)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "2"))), 201)
    later = datetime.fromisoformat(order["expires_at"]) + timedelta(minutes=1)

    # The sweep the plugin runs every NEXUS_SHOP_SWEEP_S seconds, here at a chosen "now".
    work = nexus_shop.SWEEPER.work
    assert work is not None  # nexus_background handed the plugin its port
    cancelled = client.blocking_portal.call(partial(nexus_shop._sweep.sweep, work, later))

    assert cancelled >= 1  # this tenant's order, and whatever other tenants had due
    shown = ok(client.get(f"{API}/orders/{order['id']}", headers=tenant.headers))
    assert (shown["status"], shown["cancel_reason"]) == ("cancelled", "expired")
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 0
    client.blocking_portal.call(partial(nexus_shop._sweep.sweep, work, later))  # once only
    assert len(outbox_events(shop_db, tenant, "shop.order.cancelled.v1")) == 1
