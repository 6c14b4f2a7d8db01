"""Helpers of the meet tests: answers, a meeting, a guest's key in the same tenant."""

from __future__ import annotations

from typing import Any

__all__ = ("API", "SECRETS", "guest", "meeting", "ok")

API = "/api/v1/meet"


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of a response with ``status``; the body in the failure message otherwise."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def meeting(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    """A meeting hosted by the tenant's key."""
    body = {"title": "Stand-up", **fields}
    answer: dict[str, Any] = ok(
        client.post(f"{API}/meetings", json=body, headers=tenant.headers), 201
    )
    return answer


def guest(client: Any, tenant: Any, name: str = "guest") -> dict[str, str]:
    """Headers of another principal of the tenant: may join and read, not host."""
    body = {
        "name": name,
        "roles": ["tenant_admin"],
        "scopes": ["meet.meetings:read", "meet.meetings:write"],
    }
    created = ok(client.post("/api/v1/api-keys", json=body, headers=tenant.headers), 201)
    return {"Authorization": f"Bearer {created['key']}"}


# The deployment's secrets (process settings), as a real deployment sets them.
SECRETS = {
    "NEXUS_MEET_TURN_SECRET": "turn-shared-secret",
    "NEXUS_MEET_LIVEKIT_API_KEY": "APIdevkey",
    "NEXUS_MEET_LIVEKIT_API_SECRET": "livekit-secret-of-at-least-32-characters",
    "NEXUS_MEET_JITSI_APP_SECRET": "jitsi-app-secret-of-32-characters!",
}
