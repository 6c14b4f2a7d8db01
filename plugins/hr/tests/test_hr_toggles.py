from __future__ import annotations

from hr_support import API, call, hire


def switch(client, tenant, key, on):
    response = client.put(f"/api/v1/features/{key}", json={"enabled": on}, headers=tenant.headers)
    assert response.status_code == 200, response.text


def test_hr_off_hides_every_route_and_keeps_the_data(client, tenant):
    ada = hire(client, tenant)
    switch(client, tenant, "hr", False)
    hidden = client.get(f"{API}/employees/{ada['id']}", headers=tenant.headers)
    chart = client.get(f"{API}/org-chart", headers=tenant.headers)
    switch(client, tenant, "hr", True)
    assert (hidden.status_code, chart.status_code) == (404, 404)
    assert call(client, tenant, "GET", f"/employees/{ada['id']}", 200)["name"] == "Ada Lovelace"


def test_checklists_off_hides_them_and_hiring_starts_none(client, tenant):
    call(
        client,
        tenant,
        "POST",
        "/checklist-templates",
        201,
        json={"name": "Onboarding", "kind": "onboarding", "tasks": [{"title": "Laptop"}]},
    )
    switch(client, tenant, "hr.checklists", False)
    ada = hire(client, tenant)
    hidden = client.get(f"{API}/checklists", headers=tenant.headers)
    switch(client, tenant, "hr.checklists", True)
    assert hidden.status_code == 404
    assert call(client, tenant, "GET", f"/checklists?employee_id={ada['id']}", 200)["items"] == []


def test_seeded_default_schedule_is_standard_40h(client, tenant):
    [schedule] = call(client, tenant, "GET", "/schedules", 200)["items"]
    assert (schedule["name"], schedule["weekly_hours"], schedule["is_default"]) == (
        "Standard 40h",
        "40.00",
        True,
    )
    call(client, tenant, "DELETE", f"/schedules/{schedule['id']}", 409)
    bad = client.post(
        f"{API}/schedules", json={"name": "X", "time_zone": "Nowhere/City"}, headers=tenant.headers
    )
    assert bad.status_code == 422
