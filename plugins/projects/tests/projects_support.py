"""Helpers shared by the Projects tests: a consultancy's tenant, projects and tasks."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import make_tenant, set_plugin_settings

API = "/api/v1/projects"
FINANCE = "/api/v1/finance"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def company(url: str) -> Any:
    """A tenant keeping its books in EUR without a default sales tax."""
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"base_currency": "EUR"})
    set_plugin_settings(url, tenant, "projects", {"default_currency": "EUR"})
    return tenant


def project(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "name": fields.pop("name", "Website relaunch"),
        "customer_ref": str(uuid.uuid4()),
        "customer_name": "Adaeze Stores Ltd",
        **fields,
    }
    found: dict[str, Any] = ok(
        client.post(f"{API}/projects", json=body, headers=tenant.headers), 201
    )
    return found


def stages(client: Any, tenant: Any, project_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = ok(
        client.get(f"{API}/projects/{project_id}/stages", headers=tenant.headers)
    )
    return found


def task(client: Any, tenant: Any, project_id: str, title: str, **fields: Any) -> dict[str, Any]:
    found: dict[str, Any] = ok(
        client.post(
            f"{API}/projects/{project_id}/tasks",
            json={"title": title, **fields},
            headers=tenant.headers,
        ),
        201,
    )
    return found


def entry(
    client: Any, tenant: Any, project_id: str, employee: str, hours: str, **fields: Any
) -> dict[str, Any]:
    """A time entry entered and approved."""
    body = {"employee_id": employee, "day": fields.pop("day", "2027-01-05"), "hours": hours}
    created = ok(
        client.post(
            f"{API}/projects/{project_id}/time-entries",
            json={**body, **fields},
            headers=tenant.headers,
        ),
        201,
    )
    approved: dict[str, Any] = ok(
        client.post(f"{API}/time-entries/{created['id']}/approve", headers=tenant.headers)
    )
    return approved


def publish_time(client: Any, tenant: Any, event_type: str, data: dict[str, Any]) -> None:
    ok(
        client.post(
            "/api/v1/time/publish", json={"type": event_type, "data": data}, headers=tenant.headers
        )
    )
