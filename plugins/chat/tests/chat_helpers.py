"""Helpers the chat tests share (a module of its own: conftest names clash across folders)."""

from __future__ import annotations

from typing import Any

__all__ = ("member_key",)


def member_key(client: Any, admin_headers: dict[str, str], name: str) -> tuple[str, str]:
    """A member's API key in the admin's tenant: ``(key, actor)``."""
    reply = client.post(
        "/api/v1/api-keys", json={"name": name, "roles": ["member"]}, headers=admin_headers
    )
    assert reply.status_code == 201, reply.text
    body = reply.json()
    return body["key"], f"api_key:{body['api_key']['id']}"
