"""HR's approved pay runs (``hr.payrun.posted.v1``) booked in the PAY journal.

A stand-in HR publishes the contract's payload through the outbox; the event worker
delivers it to Finance's handler.
"""

from __future__ import annotations

import uuid
from decimal import Decimal

import nexus_finance
import pytest
from finance_fake_peers import hr
from finance_support import API, assert_balanced, balance_of, ok, trial_balance
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, migrated_database


@pytest.fixture(scope="module")
def world(nexus_postgres_server):
    with (
        migrated_database(nexus_postgres_server, [nexus_finance, hr]) as url,
        create_test_client([nexus_finance, hr], database_url=url) as client,
    ):
        yield client, url


def payrun(**fields):
    def line(account, debit="0.00", credit="0.00"):
        return {"account": account, "debit": debit, "credit": credit, "description": account}

    return {
        "payrun_id": str(uuid.uuid4()),
        "number": "PR/2026/0001",
        "period_start": "2026-11-01",
        "period_end": "2026-11-30",
        "pay_date": "2026-11-30",
        "currency": "EUR",
        "employees": 2,
        "lines": [
            line("wages_expense", debit="1000.00"),
            line("employer_costs_expense", debit="100.00"),
            line("tax_payable", credit="150.00"),
            line("pension_payable", credit="130.00"),
            line("other_payable", credit="20.00"),
            line("wages_payable", credit="800.00"),
        ],
        **fields,
    }


def publish(client, tenant, data):
    ok(client.post("/api/v1/hr/publish", json=data, headers=tenant.headers))


def test_a_pay_run_is_booked_once_in_the_pay_journal_and_paying_it_settles_it(world):
    client, url = world
    tenant = make_tenant(url)
    run = payrun()
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, run)
        publish(client, tenant, run)  # the same pay run twice books one entry
        worker.wait_handled("finance", 2)
    entries = ok(client.get(f"{API}/entries", headers=tenant.headers))["items"]
    [entry] = [e for e in entries if e["source_ref"] == f"hr.payrun:{run['payrun_id']}"]
    assert entry["number"].startswith("PAY/2026/")
    assert str(entry["date"]) == "2026-11-30"
    journals = ok(client.get(f"{API}/journals", headers=tenant.headers))
    items = journals["items"] if isinstance(journals, dict) else journals
    assert "PAY" in {j["code"] for j in items}
    report = trial_balance(client, tenant)
    assert_balanced(report)
    expected = {
        "6100": "1000.00",
        "6110": "100.00",
        "2410": "-150.00",
        "2420": "-130.00",
        "2430": "-20.00",
        "2400": "-800.00",
    }
    assert {code: balance_of(report, code, "EUR") for code in expected} == {
        code: Decimal(value) for code, value in expected.items()
    }
    payment = {
        "journal_code": "BNK1",
        "date": "2026-11-30",
        "lines": [
            {"account_code": "2400", "debit": "800.00"},
            {"account_code": "1000", "credit": "800.00"},
        ],
    }
    ok(client.post(f"{API}/entries", json=payment, headers=tenant.headers), 201)
    assert balance_of(trial_balance(client, tenant), "2400", "EUR") == 0


def test_pay_runs_are_not_booked_when_the_feature_is_off(world):
    client, url = world
    tenant = make_tenant(url)
    response = client.put(
        "/api/v1/features/finance.payroll_journal", json={"enabled": False}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, payrun())
        worker.wait_handled("finance", 1)
    entries = ok(client.get(f"{API}/entries", headers=tenant.headers))["items"]
    assert [e for e in entries if e["source"] == "hr"] == []
