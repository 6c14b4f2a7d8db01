from __future__ import annotations

from hr_support import API, call, hire, outbox
from nexus.testing import make_tenant


def test_hire_publishes_the_declared_hired_payload(client, tenant, hr_db):
    boss = hire(client, tenant, name="Grace Hopper", work_email="grace@example.com")
    ada = hire(
        client,
        tenant,
        manager_id=boss["id"],
        country="GB",
        subdivision="ENG",
        time_zone="Europe/London",
        job_title="Consultant",
    )
    assert ada["state"] == "active"
    assert ada["working_schedule_id"] is not None  # the seeded default
    hired = outbox(hr_db, tenant, "hr.employee.hired.v1")
    assert [event["employee_id"] for event in hired] == [boss["id"], ada["id"]]
    assert hired[1] == {
        "employee_id": ada["id"],
        "user_id": None,
        "name": "Ada Lovelace",
        "work_email": None,
        "department_id": None,
        "manager_id": boss["id"],
        "job_title": "Consultant",
        "hire_date": "2026-01-05",
        "country": "GB",
        "time_zone": "Europe/London",
        "subdivision": "ENG",
        "working_schedule_id": ada["working_schedule_id"],
        "state": "active",
    }


def test_employee_crud_and_updated_event(client, tenant, hr_db):
    department = call(client, tenant, "POST", "/departments", 201, json={"name": "Consulting"})
    position = call(client, tenant, "POST", "/positions", 201, json={"name": "Analyst"})
    ada = hire(client, tenant)
    changed = call(
        client,
        tenant,
        "PATCH",
        f"/employees/{ada['id']}",
        200,
        json={"department_id": department["id"], "position_id": position["id"]},
    )
    assert changed["department_id"] == department["id"]
    [updated] = outbox(hr_db, tenant, "hr.employee.updated.v1")
    assert updated["department_id"] == department["id"]
    assert updated["job_title"] == "Analyst"  # the position's name when no title is given
    listed = call(client, tenant, "GET", f"/employees?department_id={department['id']}", 200)
    assert [e["id"] for e in listed["items"]] == [ada["id"]]
    call(client, tenant, "DELETE", f"/employees/{ada['id']}", 204)
    call(client, tenant, "GET", f"/employees/{ada['id']}", 404)


def test_bad_references_and_time_zones_answer_422(client, tenant):
    response = client.post(
        f"{API}/employees",
        json={
            "name": "Bad",
            "time_zone": "Mars/Olympus",
            "manager_id": "01938f5e-0000-7000-8000-000000000000",
        },
        headers=tenant.headers,
    )
    assert response.status_code == 422
    assert {"manager_id", "time_zone"} <= {e["key"] for e in response.json()["errors"]}


def test_org_chart_and_manager_cycle_refused(client, tenant):
    ceo = hire(client, tenant, name="CEO")
    cto = hire(client, tenant, name="CTO", manager_id=ceo["id"])
    dev = hire(client, tenant, name="Dev", manager_id=cto["id"])
    chart = call(client, tenant, "GET", "/org-chart", 200)
    assert [node["name"] for node in chart] == ["CEO"]
    assert chart[0]["reports"][0]["name"] == "CTO"
    assert chart[0]["reports"][0]["reports"][0]["id"] == dev["id"]
    response = client.patch(
        f"{API}/employees/{ceo['id']}", json={"manager_id": dev["id"]}, headers=tenant.headers
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["key"] == "manager_id"
    self_managed = client.patch(
        f"{API}/employees/{ceo['id']}", json={"manager_id": ceo["id"]}, headers=tenant.headers
    )
    assert self_managed.status_code == 422


def test_terminating_before_a_future_contract_starts_ends_it_on_its_first_day(client, tenant):
    ada = hire(client, tenant)
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/contracts",
        201,
        json={"start_date": "2026-09-01", "wage": "4000.00"},
    )
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/terminate",
        200,
        json={"termination_date": "2026-06-30"},
    )
    [contract] = call(client, tenant, "GET", f"/employees/{ada['id']}/contracts", 200)
    assert (contract["state"], contract["end_date"]) == ("ended", "2026-09-01")


def test_terminate_and_rehire(client, tenant, hr_db):
    ada = hire(client, tenant)
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/contracts",
        201,
        json={"start_date": "2026-01-05", "wage": "4000.00"},
    )
    done = call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/terminate",
        200,
        json={"termination_date": "2026-06-30", "reason": "Resigned"},
    )
    assert done["state"] == "terminated"
    assert outbox(hr_db, tenant, "hr.employee.terminated.v1") == [
        {
            "employee_id": ada["id"],
            "user_id": None,
            "termination_date": "2026-06-30",
            "reason": "Resigned",
        }
    ]
    [contract] = call(client, tenant, "GET", f"/employees/{ada['id']}/contracts", 200)
    assert (contract["state"], contract["end_date"]) == ("ended", "2026-06-30")
    call(client, tenant, "POST", f"/employees/{ada['id']}/terminate", 409, json={})
    call(client, tenant, "PATCH", f"/employees/{ada['id']}", 422, json={"hire_date": "2026-07-01"})
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/rehire",
        422,
        json={"hire_date": "2026-06-01"},
    )
    back = call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/rehire",
        200,
        json={"hire_date": "2026-09-01"},
    )
    assert (back["state"], back["hire_date"]) == ("active", "2026-09-01")
    assert [e["hire_date"] for e in outbox(hr_db, tenant, "hr.employee.hired.v1")] == [
        "2026-01-05",
        "2026-09-01",
    ]


def test_contract_history_is_kept(client, tenant):
    ada = hire(client, tenant)
    first = call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/contracts",
        201,
        json={"start_date": "2026-01-05", "wage": "4000.00", "currency": "GBP"},
    )
    second = call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/contracts",
        201,
        json={"start_date": "2026-07-01", "wage": "25.50", "wage_type": "hourly"},
    )
    history = call(client, tenant, "GET", f"/employees/{ada['id']}/contracts", 200)
    assert [(c["id"], c["state"], c["end_date"], c["wage"]) for c in history] == [
        (first["id"], "ended", "2026-06-30", "4000.000000"),
        (second["id"], "running", None, "25.500000"),
    ]
    assert second["currency"] == "EUR"  # the tenant's setting
    call(
        client,
        tenant,
        "POST",
        f"/employees/{ada['id']}/contracts",
        422,
        json={"start_date": "2026-03-01"},
    )
    ended = call(
        client,
        tenant,
        "POST",
        f"/contracts/{second['id']}/end",
        200,
        json={"end_date": "2026-12-31"},
    )
    assert ended["state"] == "ended"
    call(client, tenant, "POST", f"/contracts/{second['id']}/end", 409, json={})


def test_another_tenants_employee_answers_404(client, tenant, hr_db):
    ada = hire(client, tenant)
    other = make_tenant(hr_db)
    for method, path in (
        ("GET", f"/employees/{ada['id']}"),
        ("GET", f"/employees/{ada['id']}/contracts"),
        ("GET", f"/employees/{ada['id']}/personal"),
        ("GET", f"/employees/{ada['id']}/export"),
        ("POST", f"/employees/{ada['id']}/erase"),
    ):
        response = client.request(method, f"{API}{path}", headers=other.headers)
        assert response.status_code == 404, (method, path, response.text)
    assert call(client, other, "GET", "/org-chart", 200) == []
