"""Issue #30's Odoo import, extended: partial payments, a foreign-currency invoice and vendor
bills; Nexus's receivable and payable equal Odoo's, and a re-run changes nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from odoo_fake import API_KEY, DB, LOGIN, FakeOdoo

API = "/api/v1/integrations"
EUR, USD = [1, "EUR"], [2, "USD"]


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


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
def odoo() -> Any:
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
    client: Any, tenant: Any, odoo: FakeOdoo
) -> None:
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
