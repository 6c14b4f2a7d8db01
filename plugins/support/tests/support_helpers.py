"""Helpers shared by the Support tests."""

from __future__ import annotations

from typing import Any

API = "/api/v1/support"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def ticket(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "subject": fields.pop("subject", "Printer on fire"),
        "body": fields.pop("body", "Smoke is coming out of the printer."),
        "requester_email": fields.pop("requester_email", "ada@example.com"),
        **fields,
    }
    created: dict[str, Any] = ok(
        client.post(f"{API}/tickets", json=body, headers=tenant.headers), 201
    )
    return created


def post(client: Any, tenant: Any, path: str, body: Any, status: int = 201) -> Any:
    return ok(client.post(f"{API}{path}", json=body, headers=tenant.headers), status)


def get(client: Any, tenant: Any, path: str, **params: Any) -> Any:
    return ok(client.get(f"{API}{path}", params=params, headers=tenant.headers))


def publish(client: Any, tenant: Any, peer: str, event_type: str, data: dict[str, Any]) -> None:
    ok(
        client.post(
            f"/api/v1/{peer}/publish",
            json={"type": event_type, "data": data},
            headers=tenant.headers,
        )
    )
