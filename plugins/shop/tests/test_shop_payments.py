"""Online payment: a Payments checkout per order; Payments' events pay and deliver it."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from nexus.testing import EventWorkerHarness, outbox_events
from shop_fakes import CHECKOUTS
from shop_helpers import API, cart_with, checkout, ok, published, shop_tenant, stock

CONSUMER = "shop"


def _publish(client: Any, tenant: Any, event_type: str, data: dict[str, Any]) -> None:
    ok(
        client.post(
            "/api/v1/payments/publish",
            json={"type": event_type, "data": data},
            headers=tenant.headers,
        )
    )


def _confirmed(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "payment_id": str(uuid.uuid4()),
        "checkout_id": order["checkout_id"],
        "source": "shop",
        "source_ref": order["id"],
        "invoice_id": order["invoice_id"],
        "provider": "paystack",
        "provider_ref": "T123456",
        "amount": order["total"],
        "currency": order["currency"],
        "fee": "150",
        "net": str(Decimal(order["total"]) - 150),
        "method": "card",
        "confirmed_at": "2026-12-07T10:00:00Z",
        "metadata": {"order_number": order["number"]},
        **changes,
    }


def _order(client: Any, tenant: Any, order_id: str) -> dict[str, Any]:
    found: dict[str, Any] = ok(client.get(f"{API}/orders/{order_id}", headers=tenant.headers))
    return found


def test_an_online_checkout_opens_a_payments_checkout_for_the_invoice(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db, return_url="https://shop.example/thanks/{order}")
    desk = published(client, tenant, "5", price="10000")

    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1")), "online"), 201)

    checkout_out, asked = CHECKOUTS[("shop", order["id"])]
    assert order["checkout_id"] == str(checkout_out.checkout_id)
    assert order["payment_url"] == checkout_out.url
    assert asked.amount == Decimal(order["total"]) == Decimal("10750")
    assert asked.currency == "NGN"
    assert str(asked.invoice_id) == order["invoice_id"]
    assert asked.customer.email == "ada@example.com"
    assert asked.return_url == f"https://shop.example/thanks/{order['number']}"
    [placed] = outbox_events(shop_db, tenant, "shop.order.placed.v1")
    assert placed.data["checkout_id"] == order["checkout_id"]


def test_a_confirmed_payment_pays_and_delivers_the_order_once(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "2")), "online"), 201)
    payment = _confirmed(order)

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(client, tenant, "payments.payment.confirmed.v1", payment)
        _publish(client, tenant, "payments.payment.confirmed.v1", payment)  # sent twice
        worker.wait_handled(CONSUMER, start + 2)

    paid = _order(client, tenant, order["id"])
    assert paid["status"] == "fulfilled"
    assert paid["payment_id"] == payment["payment_id"]
    levels = stock(client, tenant, desk)
    assert (Decimal(levels["on_hand"]), Decimal(levels["reserved"])) == (3, 0)
    assert len(outbox_events(shop_db, tenant, "shop.order.paid.v1")) == 1


def test_payments_of_other_sources_and_short_payments_do_not_pay_the_order(
    client: Any, shop_db: str
) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1")), "online"), 201)

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(
            client, tenant, "payments.payment.confirmed.v1", _confirmed(order, source="finance")
        )
        _publish(client, tenant, "payments.payment.confirmed.v1", _confirmed(order, amount="1"))
        worker.wait_handled(CONSUMER, start + 2)

    waiting = _order(client, tenant, order["id"])
    assert waiting["status"] == "pending_payment"
    assert "paid 1 NGN" in waiting["payment_error"]
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 1


def test_a_failed_payment_is_recorded_and_the_order_waits(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1")), "online"), 201)
    failed = {
        "checkout_id": order["checkout_id"],
        "source": "shop",
        "source_ref": order["id"],
        "invoice_id": order["invoice_id"],
        "provider": "paystack",
        "reason": "Declined by the issuer",
        "metadata": {},
    }

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(client, tenant, "payments.payment.failed.v1", failed)
        worker.wait_handled(CONSUMER, start + 1)

    waiting = _order(client, tenant, order["id"])
    assert waiting["status"] == "pending_payment"
    assert waiting["payment_error"] == "paystack: Declined by the issuer"


def test_a_payment_after_cancellation_is_flagged_for_a_refund(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1")), "online"), 201)
    ok(
        client.post(
            f"{API}/orders/{order['id']}/cancel", json={"reason": "late"}, headers=tenant.headers
        )
    )

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(client, tenant, "payments.payment.confirmed.v1", _confirmed(order))
        worker.wait_handled(CONSUMER, start + 1)

    cancelled = _order(client, tenant, order["id"])
    assert cancelled["status"] == "cancelled"
    assert "refund it" in cancelled["payment_error"]
    assert Decimal(stock(client, tenant, desk)["on_hand"]) == 5
