"""Payments' events pay and deliver an order: Shop's handlers, given contract payloads.

Payments is not loaded here: its ``payments.payment.*`` events are published into the
tenant's outbox as Payments would (``publish_event``) and delivered by the real event worker.
Opening a Payments checkout for an online order is tested with the real Payments plugin in
``tests/test_shop_payments_flow.py``.
"""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from nexus.testing import EventWorkerHarness, outbox_events, publish_event
from shop_helpers import API, cart_with, checkout, ok, problem, published, shop_tenant, stock

CONSUMER = "shop"


def _publish(url: str, tenant: Any, event_type: str, data: dict[str, Any]) -> None:
    publish_event(url, tenant, type=event_type, data=data, source="payments")


def _confirmed(order: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "payment_id": str(uuid.uuid4()),
        "checkout_id": str(uuid.uuid4()),
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


def test_online_payment_is_refused_while_payments_is_absent(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")

    refused = problem(
        checkout(client, tenant, cart_with(client, tenant, (desk, "1")), "online"), 409
    )

    assert "Payments" in refused["detail"]
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 0


def test_a_confirmed_payment_pays_and_delivers_the_order_once(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "2"))), 201)
    payment = _confirmed(order)

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(shop_db, tenant, "payments.payment.confirmed.v1", payment)
        _publish(shop_db, tenant, "payments.payment.confirmed.v1", payment)  # sent twice
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
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1"))), 201)

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(
            shop_db, tenant, "payments.payment.confirmed.v1", _confirmed(order, source="finance")
        )
        _publish(shop_db, tenant, "payments.payment.confirmed.v1", _confirmed(order, amount="1"))
        worker.wait_handled(CONSUMER, start + 2)

    waiting = _order(client, tenant, order["id"])
    assert waiting["status"] == "pending_payment"
    assert "paid 1 NGN" in waiting["payment_error"]
    assert Decimal(stock(client, tenant, desk)["reserved"]) == 1


def test_a_failed_payment_is_recorded_and_the_order_waits(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1"))), 201)
    failed = {
        "checkout_id": str(uuid.uuid4()),
        "source": "shop",
        "source_ref": order["id"],
        "invoice_id": order["invoice_id"],
        "provider": "paystack",
        "reason": "Declined by the issuer",
        "metadata": {},
    }

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(shop_db, tenant, "payments.payment.failed.v1", failed)
        worker.wait_handled(CONSUMER, start + 1)

    waiting = _order(client, tenant, order["id"])
    assert waiting["status"] == "pending_payment"
    assert waiting["payment_error"] == "paystack: Declined by the issuer"


def test_a_payment_after_cancellation_is_flagged_for_a_refund(client: Any, shop_db: str) -> None:
    tenant = shop_tenant(shop_db)
    desk = published(client, tenant, "5")
    order = ok(checkout(client, tenant, cart_with(client, tenant, (desk, "1"))), 201)
    ok(
        client.post(
            f"{API}/orders/{order['id']}/cancel", json={"reason": "late"}, headers=tenant.headers
        )
    )

    with EventWorkerHarness(client) as worker:
        start = worker.handled[CONSUMER]
        _publish(shop_db, tenant, "payments.payment.confirmed.v1", _confirmed(order))
        worker.wait_handled(CONSUMER, start + 1)

    cancelled = _order(client, tenant, order["id"])
    assert cancelled["status"] == "cancelled"
    assert "refund it" in cancelled["payment_error"]
    assert Decimal(stock(client, tenant, desk)["on_hand"]) == 5
