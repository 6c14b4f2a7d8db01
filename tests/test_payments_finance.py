"""Issue #22's "done when", the payments half: a Finance invoice paid through each
provider's fake, end to end, and reconciled into Finance through events.

A tenant keeping its books in NGN posts an invoice of 1,000.00 and sends the customer a
payment link (``POST /api/v1/payments/invoices/{id}/checkout``). The customer follows it
(the Nexus link opens the provider's page), pays there, and the provider sends its signed
webhook; Payments verifies it with the provider's API and publishes
``payments.payment.confirmed.v1``, which the kernel's real event worker delivers to
Finance: the payment is recorded in the provider's journal (clearing account 1031-1033),
allocated to the invoice (paid), and the provider's 16.50 fee booked to 6510 Payment
provider fees. A replayed or forged webhook changes nothing. A refund of 75.00 makes the
invoice due again for that much.
"""

from __future__ import annotations

import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

import nexus_finance
import nexus_payments
import pytest
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)
from nexus_finance._payments_in import on_payment_confirmed

# The providers' fake servers live with Payments' own tests.
sys.path.insert(0, str(Path(__file__).parents[1] / "plugins" / "payments" / "tests"))

from payments_fakes import FakeFlutterwave, FakePaystack, FakeStripe  # noqa: E402
from payments_helpers import API, accounts, ok, visit, webhook  # noqa: E402

if TYPE_CHECKING:
    from collections.abc import Iterator

FINANCE = "/api/v1/finance"
PLUGINS = [nexus_finance, nexus_payments]
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
def fakes() -> Iterator[dict[str, Any]]:
    with FakeStripe() as stripe, FakePaystack() as paystack, FakeFlutterwave() as flutterwave:
        servers = {"stripe": stripe, "paystack": paystack, "flutterwave": flutterwave}
        with pytest.MonkeyPatch.context() as patch:
            for name, server in servers.items():
                patch.setenv(f"NEXUS_PAYMENTS_{name.upper()}_URL", server.base_url)
            yield servers


@pytest.fixture
def tenant(client: Any, db: str) -> Any:
    made = make_tenant(db)
    set_plugin_settings(db, made, "finance", {"base_currency": "NGN", "country": "NG"})
    accounts(client, made)
    return made


def _invoice(client: Any, tenant: Any) -> dict[str, Any]:
    body = {
        "kind": "invoice",
        "partner_name": "Adaeze Stores Ltd",
        "lines": [{"description": "Shelving units", "quantity": "4", "unit_price": "250.00"}],
    }
    draft = ok(client.post(f"{FINANCE}/invoices", json=body, headers=tenant.headers), 201)
    posted = ok(client.post(f"{FINANCE}/invoices/{draft['id']}/post", headers=tenant.headers))
    assert (D(posted["total"]), posted["currency"]) == (D("1000.00"), "NGN")
    return dict(posted)


def _pay_at_provider(fakes: dict[str, Any], provider: str, page: str, checkout: str) -> Any:
    """The customer pays on the provider's page; the provider's signed webhook."""
    if provider == "stripe":
        session = page.rsplit("/", 1)[1]
        fakes["stripe"].pay(session, fee=1650)  # 16.50 NGN
        return fakes["stripe"].webhook(session)
    if provider == "paystack":
        fakes["paystack"].pay(checkout, fees=1650, channel="bank_transfer")
        return fakes["paystack"].webhook(checkout)
    transaction = fakes["flutterwave"].pay(checkout, app_fee="16.50", payment_type="mobilemoneygh")
    return fakes["flutterwave"].webhook(transaction)


class _Context:
    """What Finance's handler uses of the kernel's event context, for a direct call."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.events = self
        self.published: list[str] = []

    async def publish(self, conn: Any, *, type: str, **_: Any) -> None:  # noqa: A002
        self.published.append(type)

    async def feature_enabled(self, key: str) -> bool:
        return True


def _handle_again(db: str, tenant: Any, event: Any) -> None:
    """Hand Finance's handler ``event`` again, in a transaction of the tenant."""

    async def handle() -> list[str]:
        async with tenant_transaction(db, tenant) as conn:
            context = _Context(conn)
            await on_payment_confirmed(event, context)  # type: ignore[arg-type]
            return context.published

    assert run_sync(handle()) == []


def _account_balance(client: Any, tenant: Any, code: str) -> Decimal:
    balances = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant.headers))
    for row in balances["rows"]:
        if row["account_code"] == code:
            return D(row["debit"]) - D(row["credit"])
    return D(0)


def _handled(worker: EventWorkerHarness, event_type: str) -> list[Any]:
    """Wait (bounded, on the harness) until Finance handled an event of ``event_type``."""
    deadline = time.monotonic() + 30
    while not (found := [e for e in worker.deliveries("finance") if e.type == event_type]):
        assert time.monotonic() < deadline, f"finance never handled {event_type}"
        time.sleep(0.02)
    return found


@pytest.mark.parametrize("provider", ["stripe", "paystack", "flutterwave"])
def test_an_invoice_is_paid_through_the_provider_and_booked(
    client: Any, db: str, tenant: Any, fakes: dict[str, Any], provider: str
) -> None:
    invoice = _invoice(client, tenant)
    body = {
        "provider": provider,
        "customer": {"email": "ada@adaeze.example", "name": "Ada Eze"},
    }
    with EventWorkerHarness(client) as worker:
        link = f"{API}/invoices/{invoice['id']}/checkout"
        checkout = ok(client.post(link, json=body, headers=tenant.headers), 201)
        assert (D(checkout["amount"]), checkout["currency"]) == (D("1000"), "NGN")
        page = visit(client, checkout["url"])
        signed = _pay_at_provider(fakes, provider, page, checkout["id"])
        # Forged: another body under a signature (or Flutterwave's hash) that is not the key's.
        forged_headers = {k: v if k == "Content-Type" else v + "0" for k, v in signed[1].items()}
        forged = (signed[0].replace(b"1000", b"1"), forged_headers)
        assert webhook(client, tenant, provider, forged).status_code == 403
        assert ok(webhook(client, tenant, provider, signed))["outcome"] == "confirmed"
        assert ok(webhook(client, tenant, provider, signed))["outcome"] == "duplicate"
        confirmed = _handled(worker, "payments.payment.confirmed.v1")
    assert len(confirmed) == 1
    shown = ok(client.get(f"{FINANCE}/invoices/{invoice['id']}", headers=tenant.headers))
    assert shown["state"] == "paid"
    assert D(shown["amount_paid"]) == D("1000.00")
    payments = ok(client.get(f"{FINANCE}/payments", headers=tenant.headers))["items"]
    [payment] = payments
    assert payment["reference"] == f"payments.payment:{confirmed[0].data['payment_id']}"
    assert [a["invoice_id"] for a in payment["allocations"]] == [invoice["id"]]
    clearing = {"stripe": "1031", "paystack": "1032", "flutterwave": "1033"}[provider]
    assert _account_balance(client, tenant, "6510") == D("16.50")
    assert _account_balance(client, tenant, clearing) == D("1000.00") - D("16.50")
    assert _account_balance(client, tenant, "1100") == 0  # the receivable is settled
    # The same business fact under another event id (past the kernel's inbox): no effect.
    _handle_again(db, tenant, confirmed[0])
    assert len(ok(client.get(f"{FINANCE}/payments", headers=tenant.headers))["items"]) == 1
    assert _account_balance(client, tenant, "6510") == D("16.50")


def test_a_partial_refund_makes_the_invoice_due_again(
    client: Any, tenant: Any, fakes: dict[str, Any]
) -> None:
    invoice = _invoice(client, tenant)
    body = {"provider": "stripe"}
    with EventWorkerHarness(client) as worker:
        link = f"{API}/invoices/{invoice['id']}/checkout"
        checkout = ok(client.post(link, json=body, headers=tenant.headers), 201)
        page = visit(client, checkout["url"])
        signed = _pay_at_provider(fakes, "stripe", page, checkout["id"])
        ok(webhook(client, tenant, "stripe", signed))
        _handled(worker, "payments.payment.confirmed.v1")
        [payment] = ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]
        refund = {"amount": "75.00", "reason": "one shelf damaged"}
        path = f"{API}/payments/{payment['id']}/refunds"
        ok(client.post(path, json=refund, headers=tenant.headers), 201)
        assert len(_handled(worker, "payments.refund.completed.v1")) == 1
    shown = ok(client.get(f"{FINANCE}/invoices/{invoice['id']}", headers=tenant.headers))
    assert (shown["state"], D(shown["amount_paid"])) == ("partially_paid", D("925.00"))
    assert _account_balance(client, tenant, "1100") == D("75.00")
    assert _account_balance(client, tenant, "1031") == D("1000.00") - D("16.50") - D("75.00")
