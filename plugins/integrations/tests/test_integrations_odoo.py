"""Issue #30's Odoo "done when": an import from the fake Odoo brings partners and posted
invoices whose receivable equals Odoo's; a dry run writes nothing; a re-run changes nothing.
Partial payments, a foreign-currency invoice and vendor bills keep the receivable and the
payable equal to Odoo's."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from odoo_fake import API_KEY, DB, LOGIN, FakeOdoo

API = "/api/v1/integrations"
FINANCE = "/api/v1/finance"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


@pytest.fixture
def odoo() -> Any:
    with FakeOdoo() as fake:
        fake.add("res.partner", name="Azure Interior", email="azure@example.com", is_company=True)
        fake.add("res.partner", name="Deco Addict", email=False, is_company=True)
        fake.add("product.product", name="Desk", default_code="DESK", list_price=40.0)
        fake.add(
            "account.move",
            name="INV/2026/00001",
            move_type="out_invoice",
            state="posted",
            partner_id=[1, "Azure Interior"],
            invoice_date="2026-11-02",
            invoice_date_due="2026-12-02",
            currency_id=[1, "EUR"],
            amount_total=120.0,
            amount_residual=120.0,
        )
        fake.add(
            "account.move.line",
            move_id=[1, "INV/2026/00001"],
            display_type="product",
            name="Desk",
            quantity=3.0,
            price_unit=40.0,
            discount=0.0,
            price_subtotal=120.0,
            price_total=120.0,
        )
        fake.add(
            "account.move",
            name="INV/2026/00002",
            move_type="out_invoice",
            state="posted",
            partner_id=[2, "Deco Addict"],
            invoice_date="2026-11-05",
            invoice_date_due="2026-12-05",
            currency_id=[1, "EUR"],
            amount_total=121.0,
            amount_residual=121.0,
        )
        fake.add(
            "account.move.line",
            move_id=[2, "INV/2026/00002"],
            display_type="product",
            name="Chair",
            quantity=2.0,
            price_unit=50.0,
            discount=0.0,
            price_subtotal=100.0,
            price_total=121.0,
        )
        fake.add(
            "account.move",
            name="/",
            move_type="out_invoice",
            state="draft",
            partner_id=[2, "Deco Addict"],
            invoice_date="2026-11-06",
            amount_total=999.0,
            amount_residual=999.0,
        )
        yield fake


def connect(client: Any, tenant: Any, odoo: FakeOdoo, key: str = API_KEY) -> str:
    config = {"url": odoo.base_url, "db": DB, "login": LOGIN, "api_key": key}
    body = {"source": "odoo", "name": f"Odoo {key[-4:]}", "config": config}
    made = ok(client.post(f"{API}/connections", json=body, headers=tenant.headers), 201)
    assert key not in str(made)
    return str(made["id"])


def run(client: Any, tenant: Any, connection: str, *, dry_run: bool = False) -> Any:
    url = f"{API}/connections/{connection}/imports"
    return ok(client.post(url, json={"dry_run": dry_run}, headers=tenant.headers), 201)


def receivable(client: Any, tenant: Any) -> Decimal:
    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant.headers))
    rows = report["rows"]
    return sum(
        (
            Decimal(r["debit_balance"] or 0) - Decimal(r["credit_balance"] or 0)
            for r in rows
            if r["account_name"] == "Trade receivables"
        ),
        Decimal(0),
    )


def products(client: Any, tenant: Any) -> list[tuple[str, str, str]]:
    found = ok(client.get("/api/v1/inventory/products", headers=tenant.headers))["items"]
    return [(p["sku"], p["name"], str(p["sale_price"])) for p in found]


def test_odoo_import_matches_odoos_receivable_and_a_rerun_changes_nothing(
    client: Any, tenant: Any, odoo: FakeOdoo
) -> None:
    connection = connect(client, tenant, odoo)
    dry = run(client, tenant, connection, dry_run=True)
    assert dry["status"] == "done", dry
    assert dry["report"]["counts"] == {
        "res.partner": {"create": 2, "unchanged": 0, "conflict": 0},
        "product.product": {"create": 1, "unchanged": 0, "conflict": 0},
        "account.move": {"create": 2, "unchanged": 0, "conflict": 0},
    }
    assert receivable(client, tenant) == 0
    assert products(client, tenant) == []
    done = run(client, tenant, connection)
    assert done["status"] == "done", done
    assert done["report"]["counts"] == dry["report"]["counts"]
    assert receivable(client, tenant) == odoo.receivable() == Decimal("241.00")
    assert products(client, tenant) == [("DESK", "Desk", "40.00")]
    assert ok(client.get(f"{API}/connections", headers=tenant.headers))[0]["cursors"] == {
        "res.partner": "2026-12-01 10:00:00",
        "product.product": "2026-12-01 10:00:00",
        "account.move": "2026-12-01 10:00:00",
    }
    again = run(client, tenant, connection)
    assert again["status"] == "done"
    assert again["report"]["counts"] == {}  # nothing changed since the cursors
    assert receivable(client, tenant) == odoo.receivable()
    assert len(products(client, tenant)) == 1


def test_a_full_rerun_changes_nothing_and_remote_changes_are_conflicts(
    client: Any, tenant: Any, odoo: FakeOdoo
) -> None:
    first = connect(client, tenant, odoo)
    run(client, tenant, first)
    full = ok(
        client.post(
            f"{API}/connections/{first}/imports", json={"full": True}, headers=tenant.headers
        ),
        201,
    )
    assert full["report"]["counts"] == {  # everything fetched again, nothing written again
        "res.partner": {"create": 0, "unchanged": 2, "conflict": 0},
        "product.product": {"create": 0, "unchanged": 1, "conflict": 0},
        "account.move": {"create": 0, "unchanged": 2, "conflict": 0},
    }
    odoo.models["account.move"][1].update(amount_total=150.0, write_date="2026-12-03 09:00:00")
    odoo.add(
        "res.partner",
        name="Gemini Furniture",
        email="gemini@example.com",
        is_company=True,
        write_date="2026-12-03 09:00:00",
    )
    rerun = run(client, tenant, first)
    assert rerun["report"]["counts"] == {
        "res.partner": {"create": 1, "unchanged": 0, "conflict": 0},
        "account.move": {"create": 0, "unchanged": 0, "conflict": 1},
    }
    assert [i["label"] for i in rerun["report"]["items"]] == ["Gemini Furniture", "INV/2026/00002"]
    assert receivable(client, tenant) == Decimal("241.00")  # Nexus wins: posted stays


def test_the_remote_rate_limit_is_waited_out(client: Any, tenant: Any, odoo: FakeOdoo) -> None:
    connection = connect(client, tenant, odoo)
    odoo.throttle(2)
    done = run(client, tenant, connection)
    assert done["status"] == "done", done
    assert receivable(client, tenant) == odoo.receivable()


def test_refused_key_fails_the_run_and_writes_nothing(
    client: Any, tenant: Any, odoo: FakeOdoo
) -> None:
    connection = connect(client, tenant, odoo, key="wrong-key-0000")
    failed = run(client, tenant, connection)
    assert failed["status"] == "failed"
    assert "refused" in failed["error"]
    assert receivable(client, tenant) == 0
    [listed] = ok(client.get(f"{API}/runs", headers=tenant.headers))
    assert listed["id"] == failed["id"]


def test_bad_config_is_422_and_another_tenant_sees_404(
    client: Any, tenant: Any, other: Any, odoo: FakeOdoo
) -> None:
    body = {"source": "odoo", "name": "x", "config": {"url": "ftp://x", "db": "a"}}
    bad = client.post(f"{API}/connections", json=body, headers=tenant.headers)
    assert bad.status_code == 422, bad.text
    connection = connect(client, tenant, odoo)
    again = client.post(
        f"{API}/connections",
        json={
            "source": "odoo",
            "name": f"Odoo {API_KEY[-4:]}",
            "config": {"url": odoo.base_url, "db": DB, "login": LOGIN, "api_key": API_KEY},
        },
        headers=tenant.headers,
    )
    assert again.status_code == 409
    done = run(client, tenant, connection, dry_run=True)
    url = f"{API}/connections/{connection}/imports"
    assert client.post(url, json={}, headers=other.headers).status_code == 404
    assert client.get(f"{API}/runs/{done['id']}", headers=other.headers).status_code == 404
    assert ok(client.get(f"{API}/runs", headers=other.headers)) == []


def test_the_background_sync_imports_what_changed_since_the_cursors(
    client: Any, tenant: Any, odoo: FakeOdoo
) -> None:
    import nexus_integrations

    connection = connect(client, tenant, odoo)
    run(client, tenant, connection)
    odoo.add(
        "res.partner",
        name="Lumber Inc",
        email="lumber@example.com",
        is_company=True,
        write_date="2026-12-04 08:00:00",
    )
    work = nexus_integrations.SYNC.work
    assert work is not None  # nexus_background handed the plugin its port
    runs = client.blocking_portal.call(nexus_integrations._sync.sync, work)
    [mine] = [r for r in runs if str(r.connection_id) == connection]
    assert mine.status == "done"
    assert mine.report["counts"] == {"res.partner": {"create": 1, "unchanged": 0, "conflict": 0}}
    listed = ok(client.get(f"{API}/runs", headers=tenant.headers))
    assert [r["id"] for r in listed][0] == str(mine.id)


EUR, USD = [1, "EUR"], [2, "USD"]


def _invoice(odoo: FakeOdoo, name: str, partner: list[Any], total: float, **extra: Any) -> int:
    values = {
        "name": name,
        "move_type": "out_invoice",
        "state": "posted",
        "partner_id": partner,
        "invoice_date": "2026-11-02",
        "invoice_date_due": "2026-12-02",
        "currency_id": EUR,
        "company_currency_id": EUR,
        "amount_total": total,
        "amount_total_signed": total,
        "amount_residual": total,
        "amount_residual_signed": total,
        **extra,
    }
    move = odoo.add("account.move", **values)
    odoo.add(
        "account.move.line",
        move_id=[move["id"], name],
        display_type="product",
        name=f"{name} line",
        quantity=1.0,
        price_unit=total,
        discount=0.0,
        price_subtotal=total,
        price_total=total,
    )
    return int(move["id"])


@pytest.fixture
def odoo_books() -> Any:
    with FakeOdoo() as fake:
        fake.add("res.partner", name="Azure Interior", email="azure@example.com", is_company=True)
        fake.add("res.partner", name="Wood Corner", email="wood@example.com", is_company=True)
        azure, wood = [1, "Azure Interior"], [2, "Wood Corner"]
        paid_part = _invoice(fake, "INV/2026/00010", azure, 200.0)
        fake.models["account.move"][-1].update(amount_residual=120.0, amount_residual_signed=120.0)
        _invoice(
            fake,
            "INV/2026/00011",
            azure,
            110.0,
            currency_id=USD,
            amount_total_signed=100.0,
            amount_residual_signed=100.0,
        )
        bill = _invoice(
            fake,
            "BILL/2026/00001",
            wood,
            300.0,
            move_type="in_invoice",
            amount_total_signed=-300.0,
            amount_residual=200.0,
            amount_residual_signed=-200.0,
        )
        fake.add(
            "account.payment",
            name="PBNK1/2026/00001",
            state="posted",
            partner_id=azure,
            amount=80.0,
            amount_company_currency_signed=80.0,
            payment_type="inbound",
            date="2026-11-20",
            currency_id=EUR,
            company_currency_id=EUR,
            reconciled_invoice_ids=[paid_part],
            reconciled_bill_ids=[],
        )
        fake.add(
            "account.payment",
            name="PBNK1/2026/00002",
            state="posted",
            partner_id=wood,
            amount=100.0,
            amount_company_currency_signed=-100.0,
            payment_type="outbound",
            date="2026-11-21",
            currency_id=EUR,
            company_currency_id=EUR,
            reconciled_invoice_ids=[],
            reconciled_bill_ids=[bill],
        )
        yield fake


def _balances(client: Any, tenant: Any) -> tuple[Decimal, Decimal]:
    rows = ok(client.get("/api/v1/finance/reports/trial-balance", headers=tenant.headers))["rows"]

    def net(name: str) -> Decimal:
        return sum(
            (
                Decimal(r["debit_balance"] or 0) - Decimal(r["credit_balance"] or 0)
                for r in rows
                if r["account_name"] == name
            ),
            Decimal(0),
        )

    return net("Trade receivables"), -net("Trade payables")


def test_partial_payments_foreign_currency_and_bills_keep_odoos_balances(
    client: Any, tenant: Any, odoo_books: FakeOdoo
) -> None:
    odoo = odoo_books
    config = {"url": odoo.base_url, "db": DB, "login": LOGIN, "api_key": API_KEY}
    body = {"source": "odoo", "name": "Odoo books", "config": config}
    connection = ok(client.post(f"{API}/connections", json=body, headers=tenant.headers), 201)
    url = f"{API}/connections/{connection['id']}/imports"
    done = ok(client.post(url, json={}, headers=tenant.headers), 201)
    assert done["status"] == "done", done["error"]
    counts = done["report"]["counts"]
    assert counts["account.move"]["create"] == 3
    assert counts["account.payment"]["create"] == 2
    assert odoo.receivable() == Decimal("220.00")  # 200 - 80, and USD 110 at 100 EUR
    assert odoo.payable() == Decimal("200.00")  # 300 - 100
    assert _balances(client, tenant) == (odoo.receivable(), odoo.payable())

    again = ok(client.post(url, json={"full": True}, headers=tenant.headers), 201)
    assert all(c["create"] == c["conflict"] == 0 for c in again["report"]["counts"].values())
    assert _balances(client, tenant) == (odoo.receivable(), odoo.payable())
