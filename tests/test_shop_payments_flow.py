"""Issue #22's shop half, end to end with the real Payments plugin: a storefront order paid
at a provider's fake, confirmed by its signed webhook, allocated in Finance, delivered.

Shop's own tests run without Payments (its handlers get Payments' events through
``nexus.testing.publish_event``); what Shop asks of Payments — a checkout per online order,
for the order's invoice, returning the customer to the shop — is tested here.

A tenant selling in NGN publishes a desk; a visitor checks a cart out paying ``online``. Shop
reserves the desk, posts the invoice and opens a Payments checkout (``source`` ``shop``);
the customer follows the order's ``payment_url``, pays on Paystack's page, and Paystack's
signed webhook reaches Payments, which verifies the transaction with Paystack's API and
publishes ``payments.payment.confirmed.v1``. The kernel's event worker delivers it to Finance
(the invoice is paid) and to Shop (the order is fulfilled: the reservation is consumed by the
delivery). A replayed webhook changes nothing.
"""

from __future__ import annotations

import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nexus_finance
import nexus_inventory
import nexus_payments
import nexus_shop
import pytest
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    outbox_events,
    set_plugin_settings,
)

# The providers' fake servers live with Payments' own tests.
sys.path.insert(0, str(Path(__file__).parents[1] / "plugins" / "payments" / "tests"))

from payments_fakes import FakePaystack  # noqa: E402
from payments_helpers import accounts, ok, visit, webhook  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_inventory, nexus_payments, nexus_shop]
SHOP = "/api/v1/shop"
D = Decimal


@pytest.fixture(scope="module")
def db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def client(db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=db) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def paystack() -> Iterator[Any]:
    with FakePaystack() as server, pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEXUS_PAYMENTS_PAYSTACK_URL", server.base_url)
        yield server


def _published_desk(client: Any, tenant: Any, quantity: str) -> str:
    sku = f"SKU-{uuid.uuid4().hex[:8]}"
    product = ok(
        client.post(
            "/api/v1/inventory/products",
            json={"sku": sku, "name": "Oak desk", "currency": "NGN"},
            headers=tenant.headers,
        ),
        201,
    )
    receipt = {"kind": "receipt", "sku": sku, "quantity": quantity, "unit_cost": "8000"}
    ok(
        client.post(
            "/api/v1/inventory/moves", json={**receipt, "validate": True}, headers=tenant.headers
        ),
        201,
    )
    listing = {"published": True}
    ok(client.put(f"{SHOP}/listings/{product['id']}", json=listing, headers=tenant.headers))
    [prices] = ok(client.get(f"{SHOP}/price-lists", headers=tenant.headers))
    path = f"{SHOP}/price-lists/{prices['id']}/prices/{product['id']}"
    ok(client.put(path, json={"amount": "10000"}, headers=tenant.headers))
    return str(product["id"])


def _handled(worker: EventWorkerHarness, plugin: str, event_type: str, tenant: Any) -> list[Any]:
    """Wait (bounded, on the harness) until ``plugin`` handled the tenant's ``event_type``.

    The worker delivers what earlier tests left in the outbox too: only this tenant's count.
    """
    deadline = time.monotonic() + 30
    while not (
        found := [
            e
            for e in worker.deliveries(plugin)
            if e.type == event_type and e.tenantid == str(tenant.id)
        ]
    ):
        assert time.monotonic() < deadline, f"{plugin} never handled {event_type}"
        time.sleep(0.02)
    return found


CUSTOMER = {
    "email": "ada@example.com",
    "name": "Adaeze Okafor",
    "address": "12 Admiralty Way",
    "city": "Lagos",
    "country": "NG",
    "payment_method": "online",
}


def _shop_tenant(client: Any, db: str, **shop: Any) -> Any:
    """A tenant selling in NGN (7.5 % VAT) with a Paystack account; Shop settings ``shop``."""
    tenant = make_tenant(db)
    set_plugin_settings(db, tenant, "finance", {"base_currency": "NGN", "country": "NG"})
    set_plugin_settings(db, tenant, "inventory", {"valuation_currency": "NGN"})
    set_plugin_settings(db, tenant, "shop", {"currency": "NGN", **shop})
    accounts(client, tenant, "paystack")
    return tenant


def _cart(client: Any, tenant: Any, desk: str, quantity: str) -> str:
    """A storefront cart holding ``quantity`` desks; its checkout path."""
    store = f"{SHOP}/store/{tenant.slug}"
    cart = ok(client.post(f"{store}/carts", json={}), 201)
    ok(client.put(f"{store}/carts/{cart['token']}/lines/{desk}", json={"quantity": quantity}))
    return f"{store}/carts/{cart['token']}/checkout"


def test_an_online_checkout_opens_a_payments_checkout_for_the_invoice(
    client: Any, db: str, paystack: Any
) -> None:
    tenant = _shop_tenant(client, db, return_url="https://shop.example/thanks/{order}")
    desk = _published_desk(client, tenant, "5")

    order = ok(client.post(_cart(client, tenant, desk, "1"), json=CUSTOMER), 201)

    # Shop asked Payments (payments.checkouts.create) for a checkout of the order's invoice.
    opened = ok(
        client.get(f"/api/v1/payments/checkouts/{order['checkout_id']}", headers=tenant.headers)
    )
    assert (opened["source"], opened["source_ref"]) == ("shop", order["id"])
    assert (D(opened["amount"]), opened["currency"]) == (D(order["total"]), "NGN")
    assert D(order["total"]) == D("10750")  # 10,000 + 7.5 % VAT
    assert opened["invoice_id"] == order["invoice_id"]
    assert (opened["provider"], opened["status"]) == ("paystack", "open")
    assert opened["url"] == order["payment_url"]
    [placed] = outbox_events(db, tenant, "shop.order.placed.v1")
    assert placed.data["checkout_id"] == order["checkout_id"]

    # The customer follows the link; following it again (a retry) answers the first page.
    page = visit(client, order["payment_url"])
    assert visit(client, order["payment_url"]) == page
    [initialized] = paystack.calls("POST", "/transaction/initialize", order["checkout_id"])
    asked = initialized.json()
    assert (int(asked["amount"]), asked["currency"]) == (1_075_000, "NGN")  # in kobo
    assert asked["email"] == "ada@example.com"
    thanks = f"https://shop.example/thanks/{order['number']}"  # Shop's return_url
    assert asked["callback_url"] == thanks

    # Paid: the link now brings the customer back to the shop's page for the order.
    paystack.pay(order["checkout_id"], fees=16125)
    signed = paystack.webhook(order["checkout_id"])
    assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "confirmed"
    assert visit(client, order["payment_url"]) == thanks


def test_a_storefront_order_paid_at_paystack_is_invoiced_paid_and_delivered(
    client: Any, db: str, paystack: Any
) -> None:
    tenant = _shop_tenant(client, db)
    desk = _published_desk(client, tenant, "4")
    checkout = _cart(client, tenant, desk, "2")

    with EventWorkerHarness(client) as worker:
        order = ok(client.post(checkout, json=CUSTOMER), 201)
        assert D(order["total"]) == D("21500")  # 2 × 10,000 + 7.5 % VAT
        visit(client, order["payment_url"])
        paystack.pay(order["checkout_id"], fees=30000, channel="card")
        signed = paystack.webhook(order["checkout_id"])
        assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "confirmed"
        assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "duplicate"
        _handled(worker, "finance", "payments.payment.confirmed.v1", tenant)
        _handled(worker, "shop", "payments.payment.confirmed.v1", tenant)

    shown = ok(client.get(f"{SHOP}/orders/{order['id']}", headers=tenant.headers))
    assert shown["status"] == "fulfilled"
    invoice = ok(
        client.get(f"/api/v1/finance/invoices/{order['invoice_id']}", headers=tenant.headers)
    )
    assert (invoice["state"], D(invoice["amount_paid"])) == ("paid", D("21500"))
    stock = ok(client.get(f"/api/v1/inventory/products/{desk}/stock", headers=tenant.headers))
    assert (D(stock["on_hand"]), D(stock["reserved"])) == (2, 0)
    assert len(outbox_events(db, tenant, "shop.order.paid.v1")) == 1
