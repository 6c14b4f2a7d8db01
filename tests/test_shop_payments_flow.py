"""Issue #22's shop half, end to end with the real Payments plugin: a storefront order paid
at a provider's fake, confirmed by its signed webhook, allocated in Finance, delivered.

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


def _handled(worker: EventWorkerHarness, plugin: str, event_type: str) -> list[Any]:
    """Wait (bounded, on the harness) until ``plugin`` handled an event of ``event_type``."""
    deadline = time.monotonic() + 30
    while not (found := [e for e in worker.deliveries(plugin) if e.type == event_type]):
        assert time.monotonic() < deadline, f"{plugin} never handled {event_type}"
        time.sleep(0.02)
    return found


def test_a_storefront_order_paid_at_paystack_is_invoiced_paid_and_delivered(
    client: Any, db: str, paystack: Any
) -> None:
    tenant = make_tenant(db)
    set_plugin_settings(db, tenant, "finance", {"base_currency": "NGN", "country": "NG"})
    set_plugin_settings(db, tenant, "inventory", {"valuation_currency": "NGN"})
    set_plugin_settings(db, tenant, "shop", {"currency": "NGN"})
    accounts(client, tenant, "paystack")
    desk = _published_desk(client, tenant, "4")
    store = f"{SHOP}/store/{tenant.slug}"
    cart = ok(client.post(f"{store}/carts", json={}), 201)
    ok(client.put(f"{store}/carts/{cart['token']}/lines/{desk}", json={"quantity": "2"}))
    customer = {
        "email": "ada@example.com",
        "name": "Adaeze Okafor",
        "address": "12 Admiralty Way",
        "city": "Lagos",
        "country": "NG",
        "payment_method": "online",
    }

    with EventWorkerHarness(client) as worker:
        order = ok(client.post(f"{store}/carts/{cart['token']}/checkout", json=customer), 201)
        assert D(order["total"]) == D("21500")  # 2 × 10,000 + 7.5 % VAT
        visit(client, order["payment_url"])
        paystack.pay(order["checkout_id"], fees=30000, channel="card")
        signed = paystack.webhook(order["checkout_id"])
        assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "confirmed"
        assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "duplicate"
        _handled(worker, "finance", "payments.payment.confirmed.v1")
        _handled(worker, "shop", "payments.payment.confirmed.v1")

    shown = ok(client.get(f"{SHOP}/orders/{order['id']}", headers=tenant.headers))
    assert shown["status"] == "fulfilled"
    invoice = ok(
        client.get(f"/api/v1/finance/invoices/{order['invoice_id']}", headers=tenant.headers)
    )
    assert (invoice["state"], D(invoice["amount_paid"])) == ("paid", D("21500"))
    stock = ok(client.get(f"/api/v1/inventory/products/{desk}/stock", headers=tenant.headers))
    assert (D(stock["on_hand"]), D(stock["reserved"])) == (2, 0)
    assert len(outbox_events(db, tenant, "shop.order.paid.v1")) == 1
