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


class Person:
    """A key of a tenant acting as one person: its headers and its actor (``api_key:<id>``)."""

    def __init__(self, headers: dict[str, str], actor: str) -> None:
        self.headers = headers
        self.actor = actor


def me(client: Any, tenant: Any) -> Person:
    """The tenant's admin key as a person."""
    shown = ok(client.get("/api/v1/me", headers=tenant.headers))
    return Person(tenant.headers, f"{shown['kind']}:{shown['subject']}")


def member(client: Any, tenant: Any, name: str, roles: tuple[str, ...] = ("member",)) -> Person:
    """A new key of the tenant with ``roles`` (members by default)."""
    made = ok(
        client.post(
            "/api/v1/api-keys", json={"name": name, "roles": list(roles)}, headers=tenant.headers
        ),
        201,
    )
    return Person({"Authorization": f"Bearer {made['key']}"}, f"api_key:{made['api_key']['id']}")


def upload(
    client: Any,
    who: Any,
    name: str,
    content: bytes,
    content_type: str = "text/plain",
    status: int = 201,
    **params: Any,
) -> Any:
    response = client.post(
        f"{API}/files",
        params={"name": name, **{k: str(v) for k, v in params.items()}},
        content=content,
        headers={**who.headers, "Content-Type": content_type},
    )
    return ok(response, status) if status < 400 else problem(response, status)


def folder(client: Any, who: Any, name: str, **fields: Any) -> Any:
    return ok(
        client.post(f"{API}/folders", json={"name": name, **fields}, headers=who.headers), 201
    )
