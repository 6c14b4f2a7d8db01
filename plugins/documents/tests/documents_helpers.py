"""Helpers shared by the Documents tests."""

from __future__ import annotations

from typing import Any

API = "/api/v1/documents"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def error_keys(body: dict[str, Any]) -> set[str]:
    """The fields a 422 problem names."""
    return {error["key"] for error in body.get("errors", [])}


def post(client: Any, tenant: Any, path: str, body: Any = None, status: int = 201) -> Any:
    return ok(client.post(f"{API}{path}", json=body, headers=tenant.headers), status)


def get(client: Any, tenant: Any, path: str, **params: Any) -> Any:
    return ok(client.get(f"{API}{path}", params=params, headers=tenant.headers))


def drive_file(client: Any, tenant: Any, name: str = "lease.pdf") -> str:
    """A Drive file of the tenant (the stand-in's upload)."""
    made = ok(client.post("/api/v1/drive/files", json={"name": name}, headers=tenant.headers), 201)
    file_id: str = made["id"]
    return file_id


def document(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {
        "type": "contract",
        "title": "Office lease",
        "metadata": {"counterparty": "Harbour Estates Ltd"},
        **fields,
    }
    created: dict[str, Any] = post(client, tenant, "/documents", body)
    return created


def publish(
    client: Any, tenant: Any, peer: str, event_type: str, data: dict[str, Any], **extra: Any
) -> None:
    """Have a stand-in peer publish an event (``pdf=`` stores the rendered file first)."""
    ok(
        client.post(
            f"/api/v1/{peer}/publish",
            json={"type": event_type, "data": data, **extra},
            headers=tenant.headers,
        )
    )
