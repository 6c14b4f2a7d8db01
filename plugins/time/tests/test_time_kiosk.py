"""The kiosk: a device key scoped to time.kiosk:punch, PIN punches, no enumeration, throttling."""

from __future__ import annotations

from typing import Any

from nexus.testing import make_tenant, set_plugin_settings
from time_support import API, employee, ok, problem

PUNCH = f"{API}/kiosk/punch"


def kiosk(client: Any, tenant: Any) -> dict[str, Any]:
    """A kiosk device's credential: an admin's API key scoped to time.kiosk:punch."""
    body = {"name": "Front door", "roles": ["tenant_admin"], "scopes": ["time.kiosk:punch"]}
    created = ok(client.post("/api/v1/api-keys", json=body, headers=tenant.headers), 201)
    return {
        "id": created["api_key"]["id"],
        "headers": {"Authorization": f"Bearer {created['key']}"},
    }


def with_pin(client: Any, tenant: Any, pin: str = "4821") -> str:
    ada = employee(client, tenant)
    ok(client.put(f"{API}/employees/{ada}/pin", json={"pin": pin}, headers=tenant.headers), 204)
    return ada


def test_the_right_pin_clocks_in_then_out_and_the_pin_is_never_shown(
    client: Any, tenant: Any
) -> None:
    ada = with_pin(client, tenant)
    door = kiosk(client, tenant)
    shown = ok(client.get(f"{API}/employees/{ada}", headers=tenant.headers))
    assert shown["has_pin"] is True
    assert "pin" not in shown
    assert "pin_hash" not in shown

    body = {"employee_id": ada, "pin": "4821"}
    came = ok(client.post(PUNCH, json=body, headers=door["headers"]), 201)
    assert came["source"] == "kiosk"
    assert came["ip"] is None  # not recorded unless the tenant enables it
    assert came["clock_out"] is None
    went = ok(client.post(PUNCH, json=body, headers=door["headers"]), 201)
    assert went["id"] == came["id"]
    assert went["clock_out"] is not None
    trail = ok(client.get(f"{API}/attendance/{came['id']}/audit", headers=tenant.headers))
    assert [line["actor"] for line in trail] == [f"api_key:{door['id']}"] * 2
    # The kiosk's key can do nothing else.
    problem(client.get(f"{API}/employees", headers=door["headers"]), 403)


def test_wrong_pin_unknown_employee_and_no_pin_answer_the_same_403(
    client: Any, tenant: Any, time_db: str
) -> None:
    ada = with_pin(client, tenant)
    door = kiosk(client, tenant)
    other = make_tenant(time_db)
    theirs = with_pin(client, other)
    no_pin = employee(client, tenant, name="No PIN")
    tries = [
        {"employee_id": ada, "pin": "0000"},
        {"employee_id": no_pin, "pin": "4821"},
        {"employee_id": theirs, "pin": "4821"},  # another tenant's employee and PIN
        {"employee_id": "0190f5a2-0000-7000-8000-00000000dead", "pin": "4821"},
    ]
    details = set()
    for body in tries:
        refused = problem(client.post(PUNCH, json=body, headers=door["headers"]), 403)
        details.add(refused["detail"])
    assert len(details) == 1
    assert ok(client.get(f"{API}/attendance", headers=tenant.headers))["items"] == []
    assert ok(client.get(f"{API}/attendance", headers=other.headers))["items"] == []


def test_repeated_wrong_pins_lock_that_employee_id_at_the_kiosk(
    client: Any, tenant: Any, time_db: str
) -> None:
    set_plugin_settings(time_db, tenant, "time", {"kiosk_max_failures": 2})
    ada = with_pin(client, tenant)
    bob = with_pin(client, tenant, pin="1234")
    door = kiosk(client, tenant)
    wrong = {"employee_id": ada, "pin": "9999"}
    problem(client.post(PUNCH, json=wrong, headers=door["headers"]), 403)
    problem(client.post(PUNCH, json=wrong, headers=door["headers"]), 403)
    locked = client.post(PUNCH, json={**wrong, "pin": "4821"}, headers=door["headers"])
    assert locked.status_code == 429  # even with the right PIN, for now
    assert int(locked.headers["retry-after"]) == 15 * 60
    # Another employee at the same kiosk still punches.
    ok(client.post(PUNCH, json={"employee_id": bob, "pin": "1234"}, headers=door["headers"]), 201)


def test_the_kiosks_address_is_kept_when_the_tenant_records_it(client: Any, time_db: str) -> None:
    tenant = make_tenant(time_db)
    set_plugin_settings(time_db, tenant, "time", {"record_ip": True})
    ada = with_pin(client, tenant)
    door = kiosk(client, tenant)
    body = {"employee_id": ada, "pin": "4821", "latitude": "6.5244", "longitude": "3.3792"}
    came = ok(client.post(PUNCH, json=body, headers=door["headers"]), 201)
    assert came["ip"] == "testclient"
    assert came["latitude"] is None  # location recording stays off


def test_a_revoked_kiosk_key_is_refused(client: Any, tenant: Any) -> None:
    ada = with_pin(client, tenant)
    door = kiosk(client, tenant)
    ok(client.delete(f"/api/v1/api-keys/{door['id']}", headers=tenant.headers), 204)
    refused = client.post(PUNCH, json={"employee_id": ada, "pin": "4821"}, headers=door["headers"])
    assert refused.status_code == 401


def test_with_time_switched_off_the_kiosk_answers_404(client: Any, tenant: Any) -> None:
    ada = with_pin(client, tenant)
    door = kiosk(client, tenant)
    ok(client.put("/api/v1/features/time", json={"enabled": False}, headers=tenant.headers))
    refused = client.post(PUNCH, json={"employee_id": ada, "pin": "4821"}, headers=door["headers"])
    assert refused.status_code == 404


def test_a_pin_must_be_four_to_eight_digits(client: Any, tenant: Any) -> None:
    ada = employee(client, tenant)
    refused = client.put(f"{API}/employees/{ada}/pin", json={"pin": "12"}, headers=tenant.headers)
    assert refused.status_code in (400, 422)
