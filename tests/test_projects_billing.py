"""Issue #20's "done when", the projects half: deliver and bill work across plugins.

A tenant provisioned from ``presets/examples/professional-services.json`` (a London
consultancy: CRM, Finance, HR, Time and Projects; GBP, VAT 20 %) wins a customer in CRM
and runs a time-and-materials project for it. Hours reach the project two ways: entered and
approved in Projects, and from a weekly timesheet approved in Time & Attendance, whose
``time.timesheet.approved.v1`` the kernel's real event worker delivers to Projects. One
billing run drafts one Finance invoice with a line per task and rate (the employee's own
rate beats the role's, which beats the project's); a second run drafts nothing (409). A
fixed-price project bills its reached milestone once.

The arithmetic (GBP, before the 20 % VAT Finance adds):

    Discovery  Ada (her own rate: 180)   3.00 h + 2.00 h from Time = 5 h × 180 =   900.00
    Discovery  Ben (senior: 150)         4.00 h                    = 4 h × 150 =   600.00
    Build      Ada (her own rate: 180)   1.50 h from Time          =             270.00
    Build      Cai (analyst, no rate:    2.50 h                    =             250.00
                the project's 100)
                                                                     untaxed   2,020.00
                                                                     VAT 20 %    404.00
                                                                     total     2,424.00
"""

from __future__ import annotations

import json
import time
from decimal import Decimal
from typing import Any

import nexus_crm
import nexus_finance
import nexus_hr
import nexus_projects
import nexus_time
import pytest
from nexus.provisioning import example_profiles
from nexus.testing import EventWorkerHarness, create_test_client, make_platform_key

PROFILE = json.loads(example_profiles()["professional-services"].read_text())
CRM, FINANCE, TIME = "/api/v1/crm", "/api/v1/finance", "/api/v1/time"
PROJECTS = "/api/v1/projects"
D = Decimal


@pytest.fixture
def client(nexus_database_url: str) -> Any:
    plugins = [nexus_crm, nexus_finance, nexus_hr, nexus_time, nexus_projects]
    with create_test_client(plugins, database_url=nexus_database_url) as test_client:
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


def delivered(worker: EventWorkerHarness, consumer: str, event_type: str) -> None:
    """Wait (bounded) until ``consumer`` has handled an event of ``event_type``."""
    deadline = time.monotonic() + 20
    while not any(n == consumer and e.type == event_type for n, e in worker.events):
        assert time.monotonic() < deadline, f"{consumer} never handled {event_type}"
        time.sleep(0.02)


def lines(document: dict[str, Any]) -> list[tuple[str, Decimal, Decimal]]:
    return sorted(
        (line["description"], D(line["quantity"]), D(line["unit_price"]))
        for line in document["lines"]
    )


def test_time_and_milestones_bill_once_through_finance(
    client: Any, platform: dict[str, str]
) -> None:
    admin = provision(client, platform)
    in_effect = {
        f["key"] for f in ok(client.get("/api/v1/features", headers=admin)) if f["in_effect"]
    }
    assert {"crm", "finance", "hr", "time", "projects"} <= in_effect, in_effect
    customer = ok(
        client.post(f"{CRM}/companies", json={"name": "Northwind Ltd"}, headers=admin), 201
    )

    # The project, its board (the preset's stages), members and rates.
    project = ok(
        client.post(
            f"{PROJECTS}/projects",
            json={
                "name": "Northwind data platform",
                "code": "NW-1",
                "customer_ref": customer["id"],
                "customer_name": customer["name"],
                "billing_type": "time_and_materials",
                "budget_hours": "40",
                "hourly_rate": "100",
            },
            headers=admin,
        ),
        201,
    )
    pid = project["id"]
    assert project["currency"] == "GBP"
    stages = ok(client.get(f"{PROJECTS}/projects/{pid}/stages", headers=admin))
    assert [s["name"] for s in stages] == ["Backlog", "In progress", "Review", "Done"]
    discovery, build = (
        ok(
            client.post(f"{PROJECTS}/projects/{pid}/tasks", json={"title": t}, headers=admin),
            201,
        )["id"]
        for t in ("Discovery", "Build")
    )

    # Ada is registered in Time (her hours come from her timesheet too); Ben and Cai are not.
    ada = ok(
        client.post(
            f"{TIME}/employees", json={"name": "Ada", "time_zone": "Europe/London"}, headers=admin
        ),
        201,
    )["id"]
    ben, cai = "0193a1b2-7c4d-7e8f-9a0b-00000000b0b0", "0193a1b2-7c4d-7e8f-9a0b-00000000c0c0"
    for who, role in ((ada, "senior"), (ben, "senior"), (cai, "analyst")):
        ok(
            client.put(
                f"{PROJECTS}/projects/{pid}/members/{who}", json={"role": role}, headers=admin
            )
        )
    for rate in (
        {"role": "senior", "hourly_rate": "150"},
        {"employee_id": ada, "hourly_rate": "180"},
    ):
        ok(client.post(f"{PROJECTS}/projects/{pid}/rates", json=rate, headers=admin))

    # Hours entered (and approved) in Projects.
    for who, task, hours in ((ada, discovery, "3"), (ben, discovery, "4"), (cai, build, "2.5")):
        entry = ok(
            client.post(
                f"{PROJECTS}/projects/{pid}/time-entries",
                json={"employee_id": who, "task_id": task, "day": "2027-01-05", "hours": hours},
                headers=admin,
            ),
            201,
        )
        ok(client.post(f"{PROJECTS}/time-entries/{entry['id']}/approve", headers=admin))

    # Hours from Time: Ada's week, a line on each task and one that is not the project's.
    for day, hours, task in (("2027-01-11", "2", discovery), ("2027-01-12", "1.5", build)):
        ok(
            client.post(
                f"{TIME}/employees/{ada}/entries",
                json={"date": day, "hours": hours, "project_ref": pid, "task_ref": task},
                headers=admin,
            ),
            201,
        )
    ok(
        client.post(
            f"{TIME}/employees/{ada}/entries",
            json={"date": "2027-01-13", "hours": "3", "activity": "internal training"},
            headers=admin,
        ),
        201,
    )
    with EventWorkerHarness(client) as worker:
        sheet = ok(
            client.post(
                f"{TIME}/employees/{ada}/timesheets",
                json={"week_start": "2027-01-11"},
                headers=admin,
            ),
            201,
        )
        ok(client.post(f"{TIME}/timesheets/{sheet['id']}/submit", headers=admin), 201)
        ok(client.post(f"{TIME}/timesheets/{sheet['id']}/approve", headers=admin), 201)
        delivered(worker, "projects", "time.timesheet.approved.v1")
    imported = ok(
        client.get(
            f"{PROJECTS}/projects/{pid}/time-entries", params={"employee_id": ada}, headers=admin
        )
    )["items"]
    assert sorted((e["source"], e["hours"], e["state"]) for e in imported) == [
        ("projects", "3.00", "approved"),
        ("time", "1.50", "approved"),
        ("time", "2.00", "approved"),
    ]
    expected_untaxed = D("2020.00")

    run = ok(
        client.post(
            f"{PROJECTS}/projects/{pid}/billing-runs", json={"date": "2027-01-31"}, headers=admin
        ),
        201,
    )
    assert D(run["amount"]) == expected_untaxed
    assert D(run["hours"]) == D(13)
    invoice = ok(client.get(f"{FINANCE}/invoices/{run['document_id']}", headers=admin))
    assert lines(invoice) == [
        ("Build (hours)", D("1.5"), D(180)),
        ("Build (hours)", D("2.5"), D(100)),
        ("Discovery (hours)", D(4), D(150)),
        ("Discovery (hours)", D(5), D(180)),
    ]
    assert (invoice["currency"], invoice["state"]) == ("GBP", "draft")
    assert D(invoice["untaxed_total"]) == expected_untaxed
    assert (D(invoice["tax_total"]), D(invoice["total"])) == (D("404.00"), D("2424.00"))

    # Billed once: a second run drafts nothing.
    again = client.post(f"{PROJECTS}/projects/{pid}/billing-runs", json={}, headers=admin)
    assert again.status_code == 409 and again.json()["reason"] == "nothing_to_bill"
    invoices = ok(client.get(f"{FINANCE}/invoices", headers=admin))["items"]
    assert [i["id"] for i in invoices] == [run["document_id"]]
    dashboard = ok(client.get(f"{PROJECTS}/projects/{pid}/dashboard", headers=admin))
    assert (D(dashboard["hours_logged"]), D(dashboard["hours_remaining"])) == (D(13), D(27))
    assert D(dashboard["amount_billed"]) == expected_untaxed

    # A fixed-price project bills its reached milestone once.
    fixed = ok(
        client.post(
            f"{PROJECTS}/projects",
            json={
                "name": "Northwind audit",
                "customer_ref": customer["id"],
                "customer_name": customer["name"],
                "billing_type": "fixed_price",
                "budget_amount": "8000",
            },
            headers=admin,
        ),
        201,
    )["id"]
    milestone = ok(
        client.post(
            f"{PROJECTS}/projects/{fixed}/milestones",
            json={"name": "Audit report delivered", "amount": "5000"},
            headers=admin,
        ),
        201,
    )
    ok(client.post(f"{PROJECTS}/milestones/{milestone['id']}/reach", headers=admin))
    billed = ok(
        client.post(
            f"{PROJECTS}/projects/{fixed}/billing-runs", json={"post": True}, headers=admin
        ),
        201,
    )
    document = ok(client.get(f"{FINANCE}/invoices/{billed['document_id']}", headers=admin))
    assert lines(document) == [("Milestone: Audit report delivered", D(1), D(5000))]
    assert (document["state"], D(document["total"])) == ("posted", D(6000))
    assert document["partner_id"] == invoice["partner_id"]  # one customer, by its CRM id
    refused = client.post(f"{PROJECTS}/projects/{fixed}/billing-runs", json={}, headers=admin)
    assert refused.status_code == 409
