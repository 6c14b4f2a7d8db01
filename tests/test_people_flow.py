"""The people flow across HR, Time & Attendance, Finance and identity, as a REST client drives it.

The "done when" of issue #19. A tenant provisioned from
``presets/examples/professional-services.json`` (a London consultancy: the
``professional-services`` preset, with crm, finance, hr, time and projects) hires a manager
and their report, runs the report's leave through the manager's and HR's
approval around Easter 2026, clocks the report's week across the British summer-time change
in Time, approves the timesheet, pays March 2026 (Finance books the payroll journal, the
payslips render) and terminates the report, whose access is removed. Every step goes through
the API with the tenant admin's (or the employees' own) credentials; the plugins talk only
through events carried by the kernel's real event worker.
"""

from __future__ import annotations

import io
import json
import time
from decimal import Decimal
from typing import Any

import nexus_crm
import nexus_finance
import nexus_hr
import nexus_time
import pytest
from nexus.provisioning import example_profiles
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_platform_key,
)
from pypdf import PdfReader

PROFILE = json.loads(example_profiles()["professional-services"].read_text())
HR, TIME, FINANCE = "/api/v1/hr", "/api/v1/time", "/api/v1/finance"
PASSWORD = "correct horse battery staple"
MARCH = {"period_start": "2026-03-01", "period_end": "2026-03-31", "pay_date": "2026-03-31"}


@pytest.fixture
def client(nexus_database_url: str) -> Any:
    """A kernel with the preset's plugins; no remembered credentials (a disabled user's
    next request is checked at once)."""
    settings = kernel_settings(nexus_database_url, auth_cache_ttl_s=0)
    with create_test_client(
        [nexus_crm, nexus_finance, nexus_hr, nexus_time],
        database_url=nexus_database_url,
        settings=settings,
    ) as test_client:
        yield test_client


@pytest.fixture
def platform(nexus_database_url: str) -> dict[str, str]:
    """Headers of a platform admin, who provisions tenants."""
    return {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


def provision(client: Any, platform: dict[str, str]) -> dict[str, str]:
    """Provision the professional-services example; return its admin's headers."""
    started = ok(client.post("/api/v1/tenants", json=PROFILE, headers=platform), 202)
    with client.stream(
        "GET", f"/api/v1/provisioning-runs/{started['id']}/events", headers=platform
    ) as stream:
        runs = [json.loads(line[6:]) for line in stream.iter_lines() if line.startswith("data: ")]
    last = runs[-1]
    assert last["status"] == "succeeded", f"provisioning failed: {last}"
    return {"Authorization": f"Bearer {last['admin']['api_key']}"}


def sign_in(client: Any, email: str) -> Any:
    return client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": PROFILE["slug"],
            "email": email,
            "password": PASSWORD,
        },
    )


def bearer(client: Any, email: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {ok(sign_in(client, email))['access_token']}"}


def delivered(worker: EventWorkerHarness, consumer: str, event_type: str, count: int = 1) -> None:
    """Wait (bounded) until ``consumer`` has handled ``count`` events of ``event_type``."""
    deadline = time.monotonic() + 20
    while True:
        seen = [e for name, e in worker.events if name == consumer and e.type == event_type]
        if len(seen) >= count:
            return
        assert time.monotonic() < deadline, (
            f"{consumer} never handled {count} × {event_type}: {dict(worker.handled)}"
        )
        time.sleep(0.02)


def clock(client: Any, admin: dict[str, str], who: str, start: str, end: str, *breaks: str) -> Any:
    """Clock ``who`` in at ``start`` and out at ``end``, with a break (start, end) if given."""
    path = f"{TIME}/employees/{who}"
    ok(client.post(f"{path}/clock/in", json={"at": start}, headers=admin), 201)
    if breaks:
        ok(client.post(f"{path}/breaks/start", json={"at": breaks[0]}, headers=admin), 201)
        ok(client.post(f"{path}/breaks/end", json={"at": breaks[1]}, headers=admin), 201)
    return ok(client.post(f"{path}/clock/out", json={"at": end}, headers=admin), 201)


def test_hire_leave_clock_pay_and_terminate(client: Any, platform: dict[str, str]) -> None:  # noqa: C901
    started = time.monotonic()
    admin = provision(client, platform)
    in_effect = {
        f["key"] for f in ok(client.get("/api/v1/features", headers=admin)) if f["in_effect"]
    }
    assert {"hr", "time", "finance", "crm", "finance.payroll_journal"} <= in_effect, in_effect

    # Payroll deductions of the generic rule set: 20 % tax and 5 % pension withheld, 3 %
    # employer pension on top.
    ok(
        client.patch(
            "/api/v1/plugins/hr/settings",
            json={
                "tax_withholding_percent": "20",
                "pension_employee_percent": "5",
                "pension_employer_percent": "3",
            },
            headers=admin,
        )
    )

    # Users for the two employees (the manager acts on leave as themself; the report's
    # access is what termination removes).
    users = {}
    for email, name in (("mona@harbour.example", "Mona Reyes"), ("sam@harbour.example", "Sam Ode")):
        body = {"email": email, "name": name, "password": PASSWORD}
        users[email] = ok(client.post("/api/v1/users", json=body, headers=admin), 201)["id"]

    with EventWorkerHarness(client) as worker:
        # 1. Hire: Mona (monthly) manages Sam (hourly), both in England, Europe/London.
        mona = ok(
            client.post(
                f"{HR}/employees",
                json={
                    "name": "Mona Reyes",
                    "work_email": "mona@harbour.example",
                    "user_id": users["mona@harbour.example"],
                    "job_title": "Engagement manager",
                    "hire_date": "2026-01-05",
                    "country": "GB",
                    "subdivision": "ENG",
                    "time_zone": "Europe/London",
                },
                headers=admin,
            ),
            201,
        )
        sam = ok(
            client.post(
                f"{HR}/employees",
                json={
                    "name": "Sam Ode",
                    "work_email": "sam@harbour.example",
                    "user_id": users["sam@harbour.example"],
                    "job_title": "Consultant",
                    "manager_id": mona["id"],
                    "hire_date": "2026-03-02",
                    "country": "GB",
                    "subdivision": "ENG",
                    "time_zone": "Europe/London",
                },
                headers=admin,
            ),
            201,
        )
        assert sam["manager_id"] == mona["id"]
        contracts = (
            (mona, {"start_date": "2026-01-05", "wage": "3100.00", "wage_type": "monthly"}),
            (sam, {"start_date": "2026-03-02", "wage": "16.00", "wage_type": "hourly"}),
        )
        for who, contract in contracts:
            made = ok(
                client.post(f"{HR}/employees/{who['id']}/contracts", json=contract, headers=admin),
                201,
            )
            assert (made["state"], made["currency"]) == ("running", "GBP"), made
        chart = ok(client.get(f"{HR}/org-chart", headers=admin))
        assert "Sam Ode" in json.dumps(chart) and "Mona Reyes" in json.dumps(chart)

        # Time keeps its roster from HR's hired events.
        delivered(worker, "time", "hr.employee.hired.v1", 2)
        roster = ok(client.get(f"{TIME}/employees/{sam['id']}", headers=admin))
        assert (roster["name"], roster["time_zone"], roster["active"]) == (
            "Sam Ode",
            "Europe/London",
            True,
        )

        # 2. Leave: Wed 1 April – Tue 7 April 2026 is seven days: Sat 4 and Sun 5 are the
        # weekend, Good Friday (3 April) and Easter Monday (6 April) are bank holidays in
        # England, so 7 − 2 − 2 = 3 working days are counted (Wed 1, Thu 2, Tue 7).
        holidays = ok(
            client.get(
                f"{HR}/public-holidays",
                params={"year": 2026, "country": "GB", "subdivision": "ENG"},
                headers=admin,
            )
        )
        assert {"2026-04-03", "2026-04-06"} <= set(json.dumps(holidays).split('"')), holidays
        annual = ok(
            client.post(
                f"{HR}/leave/types",
                json={
                    "name": "Annual leave",
                    "code": "ANNUAL",
                    "requires_allocation": True,
                    "approval": "manager_then_hr",
                },
                headers=admin,
            ),
            201,
        )
        ok(
            client.post(
                f"{HR}/employees/{sam['id']}/leave-allocations",
                json={
                    "leave_type_id": annual["id"],
                    "days": "25",
                    "period_start": "2026-01-01",
                    "period_end": "2026-12-31",
                },
                headers=admin,
            ),
            201,
        )
        as_sam = bearer(client, "sam@harbour.example")
        as_mona = bearer(client, "mona@harbour.example")
        request = ok(
            client.post(
                f"{HR}/leave/my/requests",
                json={
                    "leave_type_id": annual["id"],
                    "date_from": "2026-04-01",
                    "date_to": "2026-04-07",
                    "reason": "Easter with family",
                },
                headers=as_sam,
            ),
            201,
        )
        # 3 days × 8 scheduled hours (Standard 40h) = 24 hours.
        assert (request["state"], Decimal(request["days"]), Decimal(request["hours"])) == (
            "pending_manager",
            Decimal(3),
            Decimal(24),
        ), request
        # Sam cannot approve their own request; Mona, their manager, can.
        refused = client.post(f"{HR}/leave/team/requests/{request['id']}/approve", headers=as_sam)
        assert refused.status_code == 403, refused.text
        step = ok(client.post(f"{HR}/leave/team/requests/{request['id']}/approve", headers=as_mona))
        assert step["state"] == "pending_hr", step
        final = ok(client.post(f"{HR}/leave/requests/{request['id']}/approve", headers=admin))
        assert final["state"] == "approved", final
        balances = ok(
            client.get(
                f"{HR}/employees/{sam['id']}/leave-balances", params={"year": 2026}, headers=admin
            )
        )
        items = balances["items"] if isinstance(balances, dict) else balances
        [balance] = [b for b in items if b["leave_type_id"] == annual["id"]]
        # 25 allocated − 3 taken = 22 remaining.
        assert (
            Decimal(balance["allocated"]),
            Decimal(balance["taken"]),
            Decimal(balance["pending"]),
            Decimal(balance["remaining"]),
        ) == (Decimal(25), Decimal(3), Decimal(0), Decimal(22)), balance
        delivered(worker, "time", "hr.leave.approved.v1")
        # Time shows the approved leave among Sam's absences on the working days it counts.
        # (Time lists every calendar day of the request, the bank holidays and weekend too:
        # it keeps no public holidays or working days of its own.)
        absences = ok(
            client.get(
                f"{TIME}/reports/absences",
                params={
                    "date_from": "2026-04-01",
                    "date_to": "2026-04-07",
                    "employee_id": sam["id"],
                },
                headers=admin,
            )
        )["rows"]
        away = {a["date"]: (a["kind"], a["leave_type"]) for a in absences}
        for day in ("2026-04-01", "2026-04-02", "2026-04-07"):
            assert away.get(day) == ("leave", "Annual leave"), absences

        # 3. Attendance, week of Monday 23 March 2026 (GMT until Sunday 29 March, 01:00 UTC):
        #   Mon 09:00–19:00 GMT                         = 10.00 h
        #   Tue 09:00–17:30 GMT, 12:00–12:30 break      =  8.00 h
        #   Wed, Thu, Fri 09:00–17:00 GMT               =  8.00 h each
        #   Sat 22:00 GMT → Sun 06:00 BST (05:00 UTC)   =  7.00 h real time (8 on the wall clock)
        #   total 10 + 8 × 4 + 7                        = 49.00 h
        #   overtime: daily excess 10 − 8 = 2 h, weekly excess 49 − 40 = 9 h; the larger: 9.00 h
        who = sam["id"]
        clock(client, admin, who, "2026-03-23T09:00:00+00:00", "2026-03-23T19:00:00+00:00")
        clock(
            client,
            admin,
            who,
            "2026-03-24T09:00:00+00:00",
            "2026-03-24T17:30:00+00:00",
            "2026-03-24T12:00:00+00:00",
            "2026-03-24T12:30:00+00:00",
        )
        for day in ("25", "26", "27"):
            clock(client, admin, who, f"2026-03-{day}T09:00:00+00:00", f"2026-03-{day}T17:00:00Z")
        night = clock(client, admin, who, "2026-03-28T22:00:00+00:00", "2026-03-29T06:00:00+01:00")
        assert (night["day"], night["worked_hours"]) == ("2026-03-28", "7.00"), night
        sheet = ok(
            client.post(
                f"{TIME}/employees/{who}/timesheets",
                json={"week_start": "2026-03-23"},
                headers=admin,
            ),
            201,
        )
        assert [(line["date"], line["hours"]) for line in sheet["lines"]] == [
            ("2026-03-23", "10.00"),
            ("2026-03-24", "8.00"),
            ("2026-03-25", "8.00"),
            ("2026-03-26", "8.00"),
            ("2026-03-27", "8.00"),
            ("2026-03-28", "7.00"),
        ], sheet
        assert (sheet["total_hours"], sheet["overtime_hours"]) == ("49.00", "9.00"), sheet
        submitted = ok(client.post(f"{TIME}/timesheets/{sheet['id']}/submit", headers=admin), 201)
        assert submitted["state"] == "submitted", submitted
        approved = ok(client.post(f"{TIME}/timesheets/{sheet['id']}/approve", headers=admin), 201)
        assert approved["state"] == "approved", approved
        delivered(worker, "hr", "time.timesheet.approved.v1")

        # 4. March 2026's pay run:
        #   Mona: a whole month of her monthly wage             = 3100.00
        #     tax 20 % = 620.00, pension 5 % = 155.00, net = 3100.00 − 775.00 = 2325.00
        #     employer pension 3 % = 93.00
        #   Sam: 49 approved hours × 16.00                       =  784.00
        #     overtime premium 9 h × 16.00 × (1.5 − 1)           =   72.00
        #     gross 856.00; tax 171.20, pension 42.80, net = 856.00 − 214.00 = 642.00
        #     employer pension 3 % = 25.68
        #   Journal: Dr wages 3956.00 + employer costs 118.68 = 4074.68
        #            Cr tax 791.20 + pension 197.80 + 118.68 = 316.48 + net 2967.00 = 4074.68
        run = ok(client.post(f"{HR}/payruns", json=MARCH, headers=admin), 201)
        assert (run["state"], run["employees"], run["currency"]) == ("draft", 2, "GBP"), run
        slips = {slip["employee_id"]: slip for slip in run["payslips"]}
        m, s = slips[mona["id"]], slips[sam["id"]]
        assert (
            Decimal(m["gross"]),
            Decimal(m["deductions"]),
            Decimal(m["net"]),
            Decimal(m["employer_costs"]),
        ) == (Decimal("3100.00"), Decimal("775.00"), Decimal("2325.00"), Decimal("93.00")), m
        assert (Decimal(s["hours"]), Decimal(s["overtime_hours"])) == (Decimal(49), Decimal(9)), s
        assert [(x["code"], Decimal(x["amount"])) for x in s["lines"]] == [
            ("hours", Decimal("784.00")),
            ("overtime", Decimal("72.00")),
            ("tax", Decimal("171.20")),
            ("pension", Decimal("42.80")),
            ("pension_employer", Decimal("25.68")),
        ], s
        assert (
            Decimal(s["gross"]),
            Decimal(s["deductions"]),
            Decimal(s["net"]),
            Decimal(s["employer_costs"]),
        ) == (Decimal("856.00"), Decimal("214.00"), Decimal("642.00"), Decimal("25.68")), s
        assert (Decimal(run["gross"]), Decimal(run["net"])) == (
            Decimal("3956.00"),
            Decimal("2967.00"),
        ), run

        approved_run = ok(client.post(f"{HR}/payruns/{run['id']}/approve", headers=admin))
        assert approved_run["state"] == "approved", approved_run
        delivered(worker, "finance", "hr.payrun.posted.v1")

        for who_id, name, net in (
            (sam["id"], "Sam Ode", "Net pay 642.00"),
            (mona["id"], "Mona Reyes", "Net pay 2,325.00"),
        ):
            pdf = client.get(f"{HR}/payruns/{run['id']}/payslips/{who_id}/pdf", headers=admin)
            assert pdf.status_code == 200, pdf.text
            assert pdf.headers["content-type"] == "application/pdf"
            text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
            for shown in (name, net):
                assert shown in text, (shown, text)
            assert "DRAFT" not in text

        entries = ok(client.get(f"{FINANCE}/entries", headers=admin))["items"]
        [entry] = [e for e in entries if e["source_ref"] == f"hr.payrun:{run['id']}"]
        assert (entry["journal_code"], entry["date"]) == ("PAY", "2026-03-31"), entry
        report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=admin))
        for totals in report["totals"].values():
            assert totals["debit_balance"] == totals["credit_balance"], report["totals"]
        # The tenant's only postings: the payroll journal, net pay credited to wages payable.
        assert [
            (r["currency"], r["account_code"], r["account_name"], r["debit"], r["credit"])
            for r in report["rows"]
        ] == [
            ("GBP", "2400", "Wages payable", "0.00", "2967.00"),
            ("GBP", "2410", "Payroll tax withheld", "0.00", "791.20"),
            ("GBP", "2420", "Pension contributions payable", "0.00", "316.48"),
            ("GBP", "6100", "Salaries and wages", "3956.00", "0.00"),
            ("GBP", "6110", "Employer payroll costs", "118.68", "0.00"),
        ], report["rows"]

        # 5. Terminate Sam: the event goes out, the kernel disables their user.
        assert ok(client.get("/api/v1/me", headers=as_sam))
        gone = ok(
            client.post(
                f"{HR}/employees/{sam['id']}/terminate",
                json={"termination_date": "2026-04-30", "reason": "End of engagement"},
                headers=admin,
            )
        )
        assert gone["state"] == "terminated", gone
        delivered(worker, "identity", "hr.employee.terminated.v1")
        delivered(worker, "time", "hr.employee.terminated.v1")
        [event] = [
            e
            for name, e in worker.events
            if name == "identity" and e.type.endswith("terminated.v1")
        ]
        assert event.data["employee_id"] == sam["id"]
        assert event.data["user_id"] == users["sam@harbour.example"]
        assert event.data["termination_date"] == "2026-04-30"

    assert client.get("/api/v1/me", headers=as_sam).status_code == 401
    assert client.get(f"{HR}/leave/my/requests", headers=as_sam).status_code == 401
    assert sign_in(client, "sam@harbour.example").status_code == 401
    assert ok(client.get(f"/api/v1/users/{users['sam@harbour.example']}", headers=admin))[
        "disabled"
    ]
    # Mona keeps her access; Time no longer lets Sam clock.
    assert ok(client.get("/api/v1/me", headers=as_mona))
    assert not ok(client.get(f"{TIME}/employees/{sam['id']}", headers=admin))["active"]
    late = client.post(
        f"{TIME}/employees/{sam['id']}/clock/in", json={"at": "2026-05-04T09:00:00Z"}, headers=admin
    )
    assert late.status_code == 409, late.text
    assert time.monotonic() - started < 30
