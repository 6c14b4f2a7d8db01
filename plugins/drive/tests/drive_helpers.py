"""Helpers shared by the Drive tests."""

from __future__ import annotations

from typing import Any

API = "/api/v1/drive"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def call(client: Any, tenant: Any, name: str, data: dict[str, Any], status: int = 200) -> Any:
    response = client.post(
        "/api/v1/caller/call", json={"name": name, "data": data}, headers=tenant.headers
    )
    return ok(response, status) if status == 200 else problem(response, status)


def put_blob(
    client: Any, tenant: Any, key: str, text: str, content_type: str = "text/plain"
) -> None:
    ok(
        client.post(
            "/api/v1/caller/blobs",
            json={"key": key, "text": text, "content_type": content_type},
            headers=tenant.headers,
        )
    )


def adopt(client: Any, tenant: Any, **fields: Any) -> Any:
    data = {
        "blob_key": "finance/invoices/1.pdf",
        "name": "INV-2026-0001.pdf",
        "folder": "Finance/Invoices",
        "content_type": "application/pdf",
        "size": 5,
        "source_ref": "finance.invoice:1",
        **fields,
    }
    return call(client, tenant, "drive.files.adopt", data)
