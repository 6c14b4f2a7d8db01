"""Payroll journals: pay runs from contracts and approved time, rule sets, payslips, Finance.

One app serves HR, Finance and a stand-in Time that publishes ``time.timesheet.*`` events;
the event worker delivers them to HR's handlers, and HR's ``hr.payrun.posted.v1`` to
Finance's. Employees and contracts are written straight into HR's tables (as the tenant).
"""

from __future__ import annotations

import io
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import msgspec
import nexus_finance
import nexus_hr
import pytest
from hr_fake_peers import APPROVED, REOPENED, time_peer
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    outbox_events,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)
from nexus_hr._events import PayrunPosted
from nexus_hr._payroll import monthly_pay
from nexus_hr.hooks import PayLine, PayrollFacts, PayrollRuleSet, hookimpl, plugin_manager
from pypdf import PdfReader

API = "/api/v1/hr"
FINANCE = "/api/v1/finance"


@pytest.fixture(scope="module")
def world(nexus_postgres_server):
    plugins = [nexus_hr, nexus_finance, time_peer]
    with (
        migrated_database(nexus_postgres_server, plugins) as url,
        create_test_client(plugins, database_url=url) as client,
    ):
        yield client, url


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def hire(url: str, tenant: Any, name: str, *, wage: str, wage_type: str, **fields: Any) -> str:
    """An employee with a running contract (from ``start``, 2026-01-01 unless told)."""
    employee_id = uuid.uuid4()
    start = fields.get("start", date(2026, 1, 1))

    async def write() -> None:
        async with tenant_transaction(url, tenant) as conn:
            await conn.execute(
                "insert into hr_employee (id, name, hire_date, country) values ($1, $2, $3, $4)",
                employee_id,
                name,
                start,
                fields.get("country"),
            )
            await conn.execute(
                "insert into hr_contract (id, employee_id, start_date, wage, currency, "
                "wage_type) values ($1, $2, $3, $4, $5, $6)",
                uuid.uuid4(),
                employee_id,
                start,
                Decimal(wage),
                fields.get("currency", "EUR"),
                wage_type,
            )

    run_sync(write())
    return str(employee_id)


def timesheet(employee_id: str, week_start: str, hours: list[str], overtime: str) -> dict:
    start = date.fromisoformat(week_start)
    entries = [
        {
            "date": start.replace(day=start.day + n).isoformat(),
            "hours": h,
            "activity": "work",
            "project_ref": None,
            "task_ref": None,
        }
        for n, h in enumerate(hours)
    ]
    return {
        "timesheet_id": str(uuid.uuid4()),
        "employee_id": employee_id,
        "week_start": week_start,
        "total_hours": str(sum(Decimal(h) for h in hours)),
        "overtime_hours": overtime,
        "entries": entries,
    }


def publish(client: Any, tenant: Any, event_type: str, data: dict) -> None:
    ok(
        client.post(
            "/api/v1/time/publish", json={"type": event_type, "data": data}, headers=tenant.headers
        )
    )


def balance(report: dict, code: str) -> Decimal:
    for row in report["rows"]:
        if row["account_code"] == code:
            return Decimal(row["debit_balance"]) - Decimal(row["credit_balance"])
    return Decimal(0)


NOVEMBER = {"period_start": "2026-11-01", "period_end": "2026-11-30", "pay_date": "2026-11-30"}


def test_monthly_pay_is_prorated_by_calendar_days():
    assert monthly_pay(Decimal(3000), date(2026, 11, 1), date(2026, 11, 30)) == (Decimal(3000), 30)
    amount, days = monthly_pay(Decimal(3000), date(2026, 11, 16), date(2026, 11, 30))
    assert (amount, days) == (Decimal(1500), 15)
    # 15 of January's 31 days, then all of February.
    amount, days = monthly_pay(Decimal(3100), date(2026, 1, 17), date(2026, 2, 28))
    assert (amount, days) == (Decimal(1500) + Decimal(3100), 43)


def test_pay_run_posts_a_balanced_journal_to_finance_and_paying_it_settles_it(world):
    client, url = world
    tenant = make_tenant(url)
    set_plugin_settings(
        url,
        tenant,
        "hr",
        {
            "tax_withholding_percent": "10",
            "pension_employee_percent": "5",
            "pension_employer_percent": "10",
        },
    )
    alice = hire(url, tenant, "Alice Monthly", wage="3000.00", wage_type="monthly")
    bob = hire(
        url, tenant, "Bob Hourly", wage="20.00", wage_type="hourly", start=date(2026, 11, 10)
    )
    week = timesheet(bob, "2026-11-16", ["9", "9", "9", "9", "9"], "5")
    reopened = timesheet(bob, "2026-11-23", ["8", "8", "8", "8", "8"], "0")
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, APPROVED, week)
        publish(client, tenant, APPROVED, reopened)
        publish(
            client,
            tenant,
            REOPENED,
            {k: reopened[k] for k in ("timesheet_id", "employee_id", "week_start")},
        )
        worker.wait_handled("hr", 3)

    run = ok(client.post(f"{API}/payruns", json=NOVEMBER, headers=tenant.headers), 201)
    assert (run["state"], run["employees"], run["currency"]) == ("draft", 2, "EUR")
    slips = {slip["employee_id"]: slip for slip in run["payslips"]}
    # Alice: a whole month of 3000.00; 10 % tax, 5 % pension withheld, 10 % employer pension.
    a = slips[alice]
    assert [(x["code"], Decimal(x["amount"])) for x in a["lines"]] == [
        ("salary", Decimal("3000.00")),
        ("tax", Decimal("300.00")),
        ("pension", Decimal("150.00")),
        ("pension_employer", Decimal("300.00")),
    ]
    assert (Decimal(a["gross"]), Decimal(a["net"]), Decimal(a["employer_costs"])) == (
        Decimal("3000.00"),
        Decimal("2550.00"),
        Decimal("300.00"),
    )
    # Bob: 45 approved hours × 20.00 = 900.00 and 5 overtime hours × 20.00 × 0.5 = 50.00; the
    # reopened week does not count.
    b = slips[bob]
    assert (Decimal(b["hours"]), Decimal(b["overtime_hours"])) == (Decimal(45), Decimal(5))
    assert [(x["code"], Decimal(x["amount"])) for x in b["lines"][:2]] == [
        ("hours", Decimal("900.00")),
        ("overtime", Decimal("50.00")),
    ]
    assert (Decimal(b["gross"]), Decimal(b["deductions"]), Decimal(b["net"])) == (
        Decimal("950.00"),
        Decimal("142.50"),
        Decimal("807.50"),
    )
    assert (Decimal(run["gross"]), Decimal(run["net"])) == (Decimal("3950.00"), Decimal("3357.50"))

    pdf = client.get(f"{API}/payruns/{run['id']}/payslips/{bob}/pdf", headers=tenant.headers)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    for shown in ("Bob Hourly", "900.00", "50.00", "950.00", "95.00", "47.50", "807.50", "DRAFT"):
        assert shown in text, shown

    with EventWorkerHarness(client) as worker:
        approved = ok(client.post(f"{API}/payruns/{run['id']}/approve", headers=tenant.headers))
        worker.wait_handled("finance", 1)
    assert approved["state"] == "approved"
    [event] = outbox_events(url, tenant, "hr.payrun.posted.v1")
    posted = msgspec.convert(event.data, PayrunPosted)
    assert str(posted.payrun_id) == run["id"]
    assert [(x.account, x.debit, x.credit) for x in posted.lines] == [
        ("wages_expense", "3950.00", "0.00"),
        ("employer_costs_expense", "395.00", "0.00"),
        ("tax_payable", "0.00", "395.00"),
        ("pension_payable", "0.00", "592.50"),
        ("wages_payable", "0.00", "3357.50"),
    ]
    assert posted.employees == 2

    # Approving twice is refused.
    again = client.post(f"{API}/payruns/{run['id']}/approve", headers=tenant.headers)
    assert again.status_code == 409
    assert client.delete(f"{API}/payruns/{run['id']}", headers=tenant.headers).status_code == 409

    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant.headers))
    for totals in report["totals"].values():
        assert totals["debit_balance"] == totals["credit_balance"]
    assert balance(report, "6100") == Decimal("3950.00")
    assert balance(report, "6110") == Decimal("395.00")
    assert balance(report, "2400") == Decimal("-3357.50")
    assert balance(report, "2410") == Decimal("-395.00")
    assert balance(report, "2420") == Decimal("-592.50")
    entries = ok(client.get(f"{FINANCE}/entries", headers=tenant.headers))["items"]
    assert [e["source_ref"] for e in entries if e["source_ref"]] == [f"hr.payrun:{run['id']}"]

    # Paying the net from the bank settles the wages payable.
    payment = {
        "journal_code": "BNK1",
        "date": "2026-11-30",
        "reference": "Salaries November",
        "lines": [
            {"account_code": "2400", "debit": "3357.50"},
            {"account_code": "1000", "credit": "3357.50"},
        ],
    }
    ok(client.post(f"{FINANCE}/entries", json=payment, headers=tenant.headers), 201)
    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant.headers))
    assert balance(report, "2400") == Decimal(0)

    # Another tenant sees none of it.
    other = make_tenant(url)
    for path in (
        f"/payruns/{run['id']}",
        f"/payruns/{run['id']}/payslips/{bob}",
        f"/payruns/{run['id']}/payslips/{bob}/pdf",
    ):
        assert client.get(f"{API}{path}", headers=other.headers).status_code == 404
    assert (
        client.post(f"{API}/payruns/{run['id']}/approve", headers=other.headers).status_code == 404
    )
    assert ok(client.get(f"{API}/payruns", headers=other.headers))["items"] == []


def _ng_lines(gross: Decimal, facts: PayrollFacts) -> list[PayLine]:
    pension = gross * Decimal("0.08")
    return [
        PayLine(
            kind="deduction",
            code="pension",
            label="Pension (8 %)",
            amount=pension,
            liability="pension_payable",
            rate=Decimal(8),
        ),
        PayLine(
            kind="deduction",
            code="paye",
            label="PAYE",
            amount=(gross - pension) * Decimal("0.07"),
            liability="tax_payable",
        ),
        PayLine(
            kind="employer_cost",
            code="pension_er",
            label="Employer pension (10 %)",
            amount=gross * Decimal("0.10"),
            liability="pension_payable",
            rate=Decimal(10),
        ),
        PayLine(
            kind="employer_cost",
            code="nsitf",
            label="NSITF (1 %)",
            amount=gross / 100,
            liability="other_payable",
            rate=Decimal(1),
        ),
    ]


class _NigeriaRules:
    @hookimpl
    def hr_payroll_rules(self, register):
        register(
            PayrollRuleSet(
                key="ng_test",
                country="NG",
                title="Nigeria (test)",
                description="PAYE, pension and NSITF.",
                lines=_ng_lines,
            )
        )


@pytest.fixture
def nigeria_rules():
    plugin = _NigeriaRules()
    plugin_manager().register(plugin, name="test.ng")
    yield
    plugin_manager().unregister(name="test.ng")


def test_a_country_rule_set_from_the_hook_pays_employees_of_its_country(world, nigeria_rules):
    client, url = world
    tenant = make_tenant(url)
    dele = hire(
        url, tenant, "Dele Lagos", wage="500000", wage_type="monthly", country="NG", currency="NGN"
    )
    hire(url, tenant, "Eve Euro", wage="1000", wage_type="monthly")
    sets = ok(client.get(f"{API}/payroll/rule-sets", headers=tenant.headers))
    assert {s["key"]: s["country"] for s in sets} == {"generic": None, "ng_test": "NG"}

    run = ok(
        client.post(f"{API}/payruns", json={**NOVEMBER, "currency": "NGN"}, headers=tenant.headers),
        201,
    )
    [slip] = run["payslips"]
    assert (slip["employee_id"], slip["rule_set"]) == (dele, "ng_test")
    assert [(x["code"], Decimal(x["amount"]), x["liability"]) for x in slip["lines"]] == [
        ("salary", Decimal("500000.00"), None),
        ("pension", Decimal("40000.00"), "pension_payable"),
        ("paye", Decimal("32200.00"), "tax_payable"),
        ("pension_er", Decimal("50000.00"), "pension_payable"),
        ("nsitf", Decimal("5000.00"), "other_payable"),
    ]
    assert Decimal(slip["net"]) == Decimal("427800.00")
    assert [s["reason"] for s in run["skipped"]] == ["contract in EUR, not NGN"]
    shown = ok(client.get(f"{API}/payruns/{run['id']}/payslips/{dele}", headers=tenant.headers))
    assert Decimal(shown["employer_costs"]) == Decimal("55000.00")


def test_pay_run_problems(world):
    client, url = world
    tenant = make_tenant(url)
    empty = ok(client.post(f"{API}/payruns", json=NOVEMBER, headers=tenant.headers), 201)
    assert (empty["employees"], empty["payslips"]) == (0, [])
    nobody = client.post(f"{API}/payruns/{empty['id']}/approve", headers=tenant.headers)
    assert nobody.status_code == 409
    assert client.delete(f"{API}/payruns/{empty['id']}", headers=tenant.headers).status_code == 204
    backwards = {**NOVEMBER, "period_end": "2026-10-01"}
    response = client.post(f"{API}/payruns", json=backwards, headers=tenant.headers)
    assert response.status_code == 422
    assert "period_end" in response.text
    hire(url, tenant, "Fay", wage="2000", wage_type="monthly")
    first = ok(client.post(f"{API}/payruns", json=NOVEMBER, headers=tenant.headers), 201)
    ok(client.post(f"{API}/payruns/{first['id']}/approve", headers=tenant.headers))
    overlap = {**NOVEMBER, "period_start": "2026-11-15", "period_end": "2026-12-15"}
    assert client.post(f"{API}/payruns", json=overlap, headers=tenant.headers).status_code == 409
    draft = ok(
        client.post(
            f"{API}/payruns",
            json={
                "period_start": "2026-12-01",
                "period_end": "2026-12-31",
                "pay_date": "2026-12-31",
            },
            headers=tenant.headers,
        ),
        201,
    )
    assert draft["number"] == "PR/2026/0002"
    assert client.delete(f"{API}/payruns/{draft['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{API}/payruns/{draft['id']}", headers=tenant.headers).status_code == 404
