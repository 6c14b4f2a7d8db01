"""Steps the Google tests share: register a connection with the fake Google, authorize it
through the OAuth 2.0 flow, run an import and answer its counts."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

from google_fake import CLIENT_ID, CLIENT_SECRET, CODE, FakeGoogle

__all__ = (
    "API",
    "CALENDAR_SCOPE",
    "CONTACTS",
    "DRIVE_SCOPE",
    "authorize",
    "connect",
    "ok",
    "run",
)

CONTACTS = "https://www.googleapis.com/auth/contacts"
CALENDAR_SCOPE = "https://www.googleapis.com/auth/calendar.events"
DRIVE_SCOPE = "https://www.googleapis.com/auth/drive.readonly"
API = "/api/v1/integrations"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def connect(client: Any, tenant: Any, google: FakeGoogle, **extra: Any) -> str:
    config = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "redirect_uri": "https://nexus.example/app/integrations/oauth",
        "authorize_url": f"{google.base_url}/o/oauth2/v2/auth",
        "token_url": f"{google.base_url}/token",
        "api_url": f"{google.base_url}/",
        **extra,
    }
    body = {"source": "google", "name": "Workspace", "config": config}
    made = ok(client.post(f"{API}/connections", json=body, headers=tenant.headers), 201)
    assert CLIENT_SECRET not in str(made)
    assert made["authorized"] is False
    return str(made["id"])


def authorize(
    client: Any, tenant: Any, connection: str, *, scopes: tuple[str, ...] = (CONTACTS,)
) -> Any:
    start = ok(
        client.post(f"{API}/connections/{connection}/oauth/start", headers=tenant.headers), 201
    )
    query = parse_qs(urlparse(start["url"]).query)
    assert query["client_id"] == [CLIENT_ID]
    assert query["access_type"] == ["offline"]
    assert query["state"] == [start["state"]]
    assert query["scope"] == [" ".join(scopes)]
    url = f"{API}/connections/{connection}/oauth/complete"
    bad = client.post(url, json={"code": CODE, "state": "forged"}, headers=tenant.headers)
    assert bad.status_code == 409, bad.text
    body = {"code": CODE, "state": start["state"]}
    return ok(client.post(url, json=body, headers=tenant.headers), 201)


def run(client: Any, tenant: Any, connection: str, *, dry_run: bool = False) -> Any:
    url = f"{API}/connections/{connection}/imports"
    done = ok(client.post(url, json={"dry_run": dry_run}, headers=tenant.headers), 201)
    assert done["status"] == "done", done["error"]
    return done["report"]["counts"]
